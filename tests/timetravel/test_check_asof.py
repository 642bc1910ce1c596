"""POST /api/v1/check with ``on``/``known``: the credit centre re-checks the past as then known."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import sanctions as f
from tests.factories.subjects import enterprise
from xinyong.auth.principal import Role
from xinyong.runtime import Runtime
from xinyong.sanctions.models import CheckLog


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_check_as_known_then(client: TestClient, session: Session, runtime: Runtime) -> None:
    firm = enterprise(session, runtime.keys)
    listing = f.listed(session, firm)
    listing.first_received_at = listing.last_received_at = dt.datetime(2025, 6, 3, 2, tzinfo=dt.UTC)
    admin = fa.api_key(session, Role.ADMIN)
    officer, _dept = f.api_key(session)
    session.commit()
    body = {"code": firm.uscc, "scenario": "政府采购", "on": "2025-07-01"}

    before = client.post("/api/v1/check", json={**body, "known": "2025-06-02"}, headers=_auth(admin))
    assert before.status_code == 200, before.text
    assert before.json()["results"][0]["hits"] == []  # the listing had not reached the platform
    assert before.json()["known_at"].startswith("2025-06-02T15:59:59.999999")
    log = session.scalar(select(CheckLog).where(CheckLog.check_id == before.json()["check_id"]))
    assert log is not None
    assert log.known_at == dt.datetime(2025, 6, 2, 15, 59, 59, 999999, tzinfo=dt.UTC)

    after = client.post("/api/v1/check", json=body, headers=_auth(admin))  # default: known = on
    assert {h["measure_id"] for h in after.json()["results"][0]["hits"]} >= {"nat.1.procurement"}

    assert client.post("/api/v1/check", json={**body, "known": "x"}, headers=_auth(admin)).json()["code"] == (
        "asof.bad_known"
    )
    future = client.post("/api/v1/check", json={**body, "known": "2199-01-01"}, headers=_auth(admin))
    assert (future.status_code, future.json()["code"]) == (422, "asof.known_in_future")
    refused = client.post("/api/v1/check", json={**body, "known": "2025-06-02"}, headers=_auth(officer))
    assert (refused.status_code, refused.json()["code"]) == (403, "check.known_forbidden")
    # a department checks a past day with what the platform knows now (no cut-off)
    plain = client.post("/api/v1/check", json=body, headers=_auth(officer))
    assert "known_at" not in plain.json()
    assert plain.json()["results"][0]["hits"]
