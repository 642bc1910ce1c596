"""Every JSON API route answers with a typed model from its package's ``schemas.py``; OpenAPI shows it."""

from __future__ import annotations

import types
import typing
from typing import Any

from fastapi import FastAPI
from fastapi.datastructures import DefaultPlaceholder
from fastapi.routing import APIRoute
from pydantic import BaseModel

from tests.test_app import _api_routes

# Answers that are not JSON objects built per request: files, pages, and the check's pre-serialised bytes.
# Each declares its ``response_class`` (and, when in the schema, documents its content in ``responses``).
HEALTH_MODULE = "xinyong.app"


def _models(annotation: Any) -> list[type[BaseModel]] | None:
    """Return the models a response annotation is made of, or ``None`` if any part is untyped."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType):
        parts = [a for a in typing.get_args(annotation) if a is not type(None)]
        found = [_models(a) for a in parts]
        if parts and all(f is not None for f in found):
            return [m for f in found if f is not None for m in f]
    return None


def _json_routes(app: FastAPI) -> list[APIRoute]:
    return [
        r
        for r in _api_routes(app.routes)
        if not r.endpoint.__module__.startswith("xinyong.web")
        and isinstance(r.response_class, DefaultPlaceholder)
    ]


def _name(route: APIRoute) -> str:
    return f"{'/'.join(sorted(route.methods or ()))} {route.path} ({route.endpoint.__module__}.{route.endpoint.__name__})"


def test_every_json_route_has_a_response_model_from_its_schemas(app: FastAPI) -> None:
    untyped, misplaced = [], []
    for route in _json_routes(app):
        models = _models(route.response_model)
        if models is None:
            untyped.append(f"{_name(route)} -> {route.response_model}")
            continue
        package = route.endpoint.__module__.rsplit(".", 1)[0]
        home = HEALTH_MODULE if route.endpoint.__module__ == HEALTH_MODULE else f"{package}.schemas"
        misplaced += [f"{_name(route)}: {m.__module__}.{m.__name__}" for m in models if m.__module__ != home]
    assert untyped == [], "routes without a response model:\n" + "\n".join(untyped)
    assert misplaced == [], "response models outside the package's schemas.py:\n" + "\n".join(misplaced)
    assert len(_json_routes(app)) > 60


def test_other_answers_declare_what_they_are(app: FastAPI) -> None:
    """A file, page or pre-serialised answer names its response class and documents its content."""
    undocumented = [
        _name(r)
        for r in _api_routes(app.routes)
        if not r.endpoint.__module__.startswith("xinyong.web")
        and not isinstance(r.response_class, DefaultPlaceholder)
        and r.include_in_schema
        and r.status_code != 204
        and 200 not in r.responses
    ]
    assert undocumented == []


def _typed_schema(schema: dict[str, Any]) -> bool:
    if "$ref" in schema:
        return True
    if schema.get("type") == "array":
        return _typed_schema(schema.get("items", {}))
    variants = schema.get("anyOf") or schema.get("oneOf")
    return bool(variants) and all(_typed_schema(v) or v.get("type") == "null" for v in variants or ())


def test_openapi_documents_every_json_answer_with_a_model(app: FastAPI) -> None:
    loose = []
    for path, operations in app.openapi()["paths"].items():
        for method, op in operations.items():
            for status, response in op.get("responses", {}).items():
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if status.startswith("2") and schema is not None and not _typed_schema(schema):
                    loose.append(f"{method.upper()} {path} {status}: {schema}")
    assert loose == [], "untyped answers in OpenAPI:\n" + "\n".join(loose)
