"""The check served as plain ASGI (``xinyong.sanctions.hot``) before FastAPI's routing: the same answers as
the documenting FastAPI route, the same errors, a size limit, and a 500 (not a hang) on a failure."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import sanctions as f
from tests.factories.subjects import enterprise
from xinyong.app import XinyongAPI, create_app
from xinyong.runtime import Runtime
from xinyong.sanctions import hot
from xinyong.sanctions import service as check_service

ON = "2026-11-02"


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _without_header(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "check_id"}


def test_hot_endpoint_and_documenting_route_answer_alike(session: Session, runtime: Runtime) -> None:
    clean = enterprise(session, runtime.keys)
    listed = enterprise(session, runtime.keys)
    f.listed(session, listed)
    key, _ = f.api_key(session)
    session.commit()
    fast_app = create_app(runtime=runtime)
    routed_app = create_app(runtime=runtime)
    assert isinstance(routed_app, XinyongAPI)
    routed_app.hot_endpoints = {}  # served by the FastAPI route only
    calls = 0
    original = hot.CheckEndpoint.__call__

    async def counting(self: hot.CheckEndpoint, *args: Any) -> None:
        nonlocal calls
        calls += 1
        await original(self, *args)

    bodies = [
        {"code": listed.uscc, "scenario": "政府采购", "on": ON},
        {"code": clean.uscc, "scenario": "政府采购", "on": ON, "explain": True},
        {"subjects": [{"code": listed.uscc}, {"name": clean.name}], "scenario": "招标投标", "on": ON},
        {"code": listed.uscc, "scenario": "买菜"},
        {"code": listed.uscc},
    ]
    with TestClient(fast_app) as fast, TestClient(routed_app) as routed:
        for body in bodies:
            a = fast.post("/api/v1/check", json=body, headers=_auth(key))
            b = routed.post("/api/v1/check", json=body, headers=_auth(key))
            assert a.status_code == b.status_code, (a.text, b.text)
            assert a.headers["content-type"] == b.headers["content-type"] == "application/json"
            assert _without_header(a.json()) == _without_header(b.json())
        assert fast.post("/api/v1/check", json=bodies[0]).json()["code"] == "auth.required"
        assert routed.post("/api/v1/check", json=bodies[0]).json()["code"] == "auth.required"
        # other methods and paths still go through FastAPI
        assert fast.get("/api/v1/check").status_code == 405
        assert fast.get("/api/v1/check/ping").json() == {"status": "ok"}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(hot.CheckEndpoint, "__call__", counting)
        with TestClient(fast_app) as fast, TestClient(routed_app) as routed:
            assert fast.post("/api/v1/check", json=bodies[0], headers=_auth(key)).status_code == 200
            assert routed.post("/api/v1/check", json=bodies[0], headers=_auth(key)).status_code == 200
    assert calls == 1  # the hot endpoint answered the first; FastAPI's route the second


def test_hot_endpoint_refuses_an_oversized_body_and_bad_json(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    key, _ = f.api_key(session)
    session.commit()
    monkeypatch.setattr(hot, "MAX_BODY_BYTES", 1000)
    big = client.post(
        "/api/v1/check",
        json={"subjects": [{"code": "91331002MA2AAAAAA0"}] * 100, "scenario": "政府采购"},
        headers=_auth(key),
    )
    assert big.status_code == 413
    assert big.json()["code"] == "check.too_large"
    bad = client.post("/api/v1/check", content=b"{not json", headers=_auth(key))
    assert bad.status_code == 422
    assert bad.json()["code"] == "check.bad_request"


def test_an_unexpected_failure_is_a_logged_500(
    session: Session, runtime: Runtime, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    s = enterprise(session, runtime.keys)
    key, _ = f.api_key(session)
    session.commit()

    def broken(*_args: Any, **_kw: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(check_service, "evaluate", broken)
    with TestClient(create_app(runtime=runtime), raise_server_exceptions=False) as c:
        r = c.post("/api/v1/check", json={"code": s.uscc, "scenario": "政府采购"}, headers=_auth(key))
    assert r.status_code == 500
    assert r.json()["code"] == "internal"
    assert "hot endpoint /api/v1/check failed" in caplog.text


def test_key_cache_is_bounded(client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    key, _ = f.api_key(session)
    session.commit()
    monkeypatch.setattr(hot, "KEY_CACHE_SIZE", 5)
    hot._key_cache.clear()
    for n in range(12):
        r = client.post(
            "/api/v1/check", json={"code": "x", "scenario": "政府采购"}, headers=_auth(f"xy_bad{n}")
        )
        assert r.json()["code"] == "auth.bad_key"
        assert len(hot._key_cache) <= 5
    assert (
        client.post(
            "/api/v1/check", json={"code": "x", "scenario": "政府采购"}, headers=_auth(key)
        ).status_code
        == 200
    )
