"""Health and readiness endpoints."""

from __future__ import annotations

from fastapi.testclient import TestClient

from xinyong.policy.loader import Policy


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
