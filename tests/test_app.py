"""Health and readiness endpoints."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from xinyong.auth.principal import Role
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


def test_id_past_the_database_range_is_bad_input(client: TestClient, session: Session) -> None:
    key = fa.api_key(session, Role.ADMIN)
    resp = client.get(
        "/api/v1/evaluation/runs/9223372036854775808", headers={"Authorization": f"Bearer {key}"}
    )
    assert resp.status_code == 422
    assert resp.json()["code"] == "value.out_of_range"
