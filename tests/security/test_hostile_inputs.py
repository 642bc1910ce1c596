"""Hostile inputs answer a clear Chinese error with a stable code, never a server error (issue 16, finding 8)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import sanctions as fsan
from tests.factories import subjects as fs
from xinyong.auth.principal import Role
from xinyong.runtime import Runtime


def _raw(client: TestClient, path: str, body: bytes, **headers: str) -> tuple[int, dict[str, object]]:
    resp = client.post(path, content=body, headers={"Content-Type": "application/json", **headers})
    return resp.status_code, resp.json()


def test_nan_infinity_and_lone_surrogates_in_json_are_refused(client: TestClient) -> None:
    for body in (
        b'{"username": NaN, "password": "x"}',
        b'{"username": "a", "password": Infinity}',
        b'{"username": "a", "password": -Infinity}',
        b'{"username": "\\ud800", "password": "x"}',
        b'{"username": "a", "password": "\\udfff\\u0041"}',
        b'{"username": "a", "password": "x", "extra": [1, NaN]}',
    ):
        status, data = _raw(client, "/api/v1/auth/login", body)
        assert status == 422, (body, data)
        assert data["code"] == "request.json_invalid", body
        assert "JSON" in str(data["message"])


def test_valid_surrogate_pairs_still_pass(client: TestClient) -> None:
    status, data = _raw(client, "/api/v1/auth/login", b'{"username": "\\ud83d\\ude00", "password": "x"}')
    assert status == 401, data


def test_far_dates_are_refused_at_the_schema(client: TestClient, session: Session, runtime: Runtime) -> None:
    company = fs.enterprise(session, runtime.keys)
    acct = fa.account(session, Role.SUBJECT, subject_id=company.id)
    csrf = fa.login(client, acct)
    for start, end in (
        ("9999-06-01", "9999-12-31"),
        ("2026-01-01", "9999-12-31"),
        ("0001-01-01", "0001-06-01"),
    ):
        body = {"grantee_organisation": "某银行", "purpose": "贷款", "valid_from": start, "valid_to": end}
        resp = client.post("/api/v1/me/authorisations", json=body, headers={"X-CSRF-Token": csrf})
        assert resp.status_code == 422, resp.text
        assert resp.json()["code"] == "request.invalid"
        assert "超出允许范围" in resp.json()["message"]
    admin = fa.account(session, Role.ADMIN)
    client.cookies.clear()
    fa.login(client, admin)
    resp = client.get(f"/api/v1/subjects/{company.uscc}", params={"on": "9999-12-31"})
    assert resp.status_code == 422, resp.text
    assert "超出允许范围" in resp.json()["message"]
    key, _ = fsan.api_key(session)
    client.cookies.clear()
    for on in ("9999-12-31", "9999-11-30", "0001-01-01"):
        resp = client.post(
            "/api/v1/check",
            json={"code": company.uscc, "scenario": "政府采购", "on": on},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert resp.status_code == 422, resp.text
        assert "超出允许范围" in resp.text


def _dates_in(schema: Any, components: dict[str, Any], seen: set[str]) -> list[dict[str, Any]]:
    """Every date-format schema reachable from ``schema`` (following $refs once)."""
    out: list[dict[str, Any]] = []
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name not in seen and name in components:
                seen.add(name)
                out += _dates_in(components[name], components, seen)
        if schema.get("format") == "date":
            out.append(schema)
        for value in schema.values():
            out += _dates_in(value, components, seen)
    elif isinstance(schema, list):
        for value in schema:
            out += _dates_in(value, components, seen)
    return out


def test_every_date_a_request_carries_is_bounded(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    components = spec["components"]["schemas"]
    unbounded = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            inputs = [p.get("schema", {}) for p in op.get("parameters", [])]
            inputs.append(op.get("requestBody", {}))
            for schema in inputs:
                for date in _dates_in(schema, components, set()):
                    if date.get("formatMaximum") != "2199-12-31":
                        unbounded.append(f"{method.upper()} {path}")
    assert not unbounded, (
        f"dates without the schema's bound (use kit.dates.InputDate): {sorted(set(unbounded))}"
    )
