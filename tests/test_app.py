"""Health and readiness endpoints."""

from __future__ import annotations

import gc
import importlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from starlette.routing import BaseRoute

from tests.factories import auth as fa
from xinyong.app import HOT_ENDPOINTS, ROUTERS, create_app, serve_app
from xinyong.app_deps import get_session
from xinyong.auth.principal import Role
from xinyong.policy.loader import Policy
from xinyong.settings import Settings

_SRC = Path(__file__).parents[1] / "src" / "xinyong"
_API_MODULES = sorted(_SRC.glob("*/api.py"))


def test_healthz(client: TestClient) -> None:
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json()["status"] == "ok"


def test_readyz_reports_policy_hash_and_migrations(client: TestClient, policy: Policy) -> None:
    resp = client.get("/readyz")
    body = resp.json()
    assert resp.status_code == 200, body
    assert body["migrations"] == "at_head"
    assert body["policy_hash"] == policy.hash


def test_id_past_the_database_range_is_bad_input(client: TestClient, session: Session) -> None:
    key = fa.api_key(session, Role.ADMIN)
    resp = client.get(
        "/api/v1/evaluation/runs/9223372036854775808", headers={"Authorization": f"Bearer {key}"}
    )
    assert resp.status_code == 422
    assert resp.json()["code"] == "value.out_of_range"


def _api_routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        inner = getattr(route, "original_router", None) or getattr(route, "router", None)
        if inner is not None and hasattr(inner, "routes"):  # an included router (lazy since FastAPI 0.16x)
            yield from _api_routes(inner.routes)


def _session_scopes(dependant: Dependant, route: str, out: list[tuple[str, str | None]]) -> None:
    for dep in dependant.dependencies:
        if dep.call is get_session:
            out.append((route, dep.scope))
        _session_scopes(dep, route, out)


def test_every_request_session_commits_before_the_response_is_sent(app: FastAPI) -> None:
    """A request-scoped session would commit after the response: a browser following the 303 at once
    could read the old state, and a failed commit would be lost behind a success (seen as a flaky
    repair decision in CI)."""
    found: list[tuple[str, str | None]] = []
    for route in _api_routes(app.routes):
        _session_scopes(route.dependant, f"{sorted(route.methods or ())} {route.path}", found)
    assert len(found) > 50
    late = [r for r, scope in found if scope != "function"]
    assert late == []


def test_serving_app_loads_the_policy_and_freezes_start_up_objects(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    app = serve_app(settings)
    assert calls == ["freeze"]
    assert app.state.runtime._policy is not None  # loaded and validated before the first request
    app.state.runtime.engine.dispose()


def test_fastapi_telemetry_follows_the_setting(settings: Settings) -> None:
    off = create_app(settings)
    on = create_app(settings.model_copy(update={"opentelemetry": True}))
    assert (off._telemetry["tracing"], off._telemetry["metrics"]) == (False, False)
    assert (on._telemetry["tracing"], on._telemetry["metrics"]) == (True, True)
    for a in (off, on):
        a.state.runtime.engine.dispose()


def test_routes_depend_on_the_session_and_runtime_through_one_alias() -> None:
    """``DbSession`` carries the function scope; a hand-written ``Depends(get_session …)`` could drop it.

    API modules and web pages alike take ``DbSession`` and ``AppRuntime`` (from ``xinyong.app_deps``).
    """
    src = Path(__file__).parents[1] / "src" / "xinyong"
    spelled = [
        f"{path.relative_to(src)}: {dep}"
        for path in sorted(src.rglob("*.py"))
        if path.name != "app_deps.py"
        for dep in ("Depends(get_session", "Depends(get_runtime")
        if dep in path.read_text(encoding="utf-8")
    ]
    assert spelled == [], f"use xinyong.app_deps.DbSession / AppRuntime in {spelled}"


def test_every_capability_router_is_registered_by_reference() -> None:
    """A router defined in an ``api.py`` but missing from ``app.ROUTERS`` would silently serve nothing."""
    registered = {id(router) for router in ROUTERS}
    missing = [
        f"{module.__name__}.{name}"
        for module in (importlib.import_module(f"xinyong.{p.parent.name}.api") for p in _API_MODULES)
        for name, value in vars(module).items()
        if isinstance(value, APIRouter) and id(value) not in registered
    ]
    assert missing == [], f"add to xinyong.app.ROUTERS: {missing}"
    assert {(e.method, e.path) for e in HOT_ENDPOINTS} == {("POST", "/api/v1/check")}
