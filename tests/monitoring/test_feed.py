"""Subscriptions and the change feed: a department sees its county's changes, a bank only consenting borrowers'."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import sanctions as f
from tests.factories.subjects import department, enterprise
from xinyong.auth import consent
from xinyong.auth.models import QueryLog
from xinyong.auth.principal import Principal, Role
from xinyong.departments.models import Department
from xinyong.monitoring.service import run_monitor
from xinyong.outbox.models import OutboxMessage
from xinyong.runtime import Runtime
from xinyong.subjects.schemas import SECTIONS


def _county(session: Session) -> Department:
    dept = session.scalar(select(Department).where(Department.code == "JJ-SCJG"))
    if dept is None:
        dept = Department(
            code="JJ-SCJG", name="椒江区市场监督管理局", region_code="331002", domain="market_regulation"
        )
        session.add(dept)
        session.flush()
    return dept


def test_a_county_department_follows_its_county_only(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    county = _county(session)
    officer = fa.account(session, Role.OFFICER, department_id=county.id, region_code="331002")
    mine = enterprise(session, runtime.keys, region_code="331002")
    other = enterprise(session, runtime.keys, region_code="331003")
    session.commit()
    csrf = fa.login(client, officer)
    headers = {"X-CSRF-Token": csrf}
    bad = client.post("/api/v1/subscriptions", json={"regions": ["331002"]}, headers=headers)
    assert bad.status_code == 422
    assert bad.json()["code"] == "subscription.bad_purpose"
    # a county officer subscribing to the whole city still only receives its own county
    made = client.post(
        "/api/v1/subscriptions",
        json={"regions": ["331002", "331003"], "purpose": "daily_supervision"},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    start = client.get("/api/v1/changes", params={"limit": 5000}).json()["next_cursor"]
    f.record(session, mine, decided=runtime.today() - dt.timedelta(days=1))
    f.record(session, other, decided=runtime.today() - dt.timedelta(days=1))
    session.commit()
    page = client.get("/api/v1/changes", params={"since": start}).json()
    assert [c["subject_id"] for c in page["items"]] == [mine.id]
    assert page["items"][0]["kind"] == "record"
    logged = session.scalars(select(QueryLog).where(QueryLog.what == "changes")).all()
    assert [q.subject_id for q in logged] == [mine.id]
    again = client.get("/api/v1/changes", params={"since": page["next_cursor"]}).json()
    assert again["items"] == []
    assert client.get("/api/v1/changes", params={"since": "x-1"}).json()["code"] == "changes.bad_cursor"


def test_a_bank_follows_only_while_the_borrower_consents(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    borrower = enterprise(session, runtime.keys, region_code="331002")
    stranger = enterprise(session, runtime.keys, region_code="331002")
    on = runtime.today()
    grant = consent.grant(
        session,
        Principal(role=Role.SUBJECT, subject_id=borrower.id, username="b"),
        grantee_code="BK-TZYH",
        grantee_name="台州银行",
        sections=list(SECTIONS),
        score=False,
        purpose="贷款审查",
        valid_from=on - dt.timedelta(days=1),
        valid_to=on + dt.timedelta(days=60),
        policy=runtime.policy,
    )
    bank = fa.account(session, Role.BANK, organisation="台州银行", institution_code="BK-TZYH")
    session.commit()
    csrf = fa.login(client, bank)
    headers = {"X-CSRF-Token": csrf}
    refused = client.post("/api/v1/subscriptions", json={"codes": [stranger.uscc]}, headers=headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "subscription.no_consent"
    assert (
        client.post("/api/v1/subscriptions", json={"regions": ["331002"]}, headers=headers).status_code == 422
    )
    assert (
        client.post("/api/v1/subscriptions", json={"codes": [borrower.uscc]}, headers=headers).status_code
        == 201
    )
    start = client.get("/api/v1/changes", params={"limit": 5000}).json()["next_cursor"]
    f.record(session, borrower, decided=on - dt.timedelta(days=1))
    session.commit()
    assert len(client.get("/api/v1/changes", params={"since": start}).json()["items"]) == 1
    grant.revoked_at = dt.datetime.now(dt.UTC)
    f.record(session, borrower, decided=on - dt.timedelta(days=1))
    session.commit()
    assert client.get("/api/v1/changes", params={"since": start}).json()["items"] == []


def test_alerts_are_queued_to_the_departments_told(session: Session, runtime: Runtime) -> None:
    firm = enterprise(session, runtime.keys, region_code="331002")
    f.record(session, firm, severity="严重", decided=dt.date(2026, 12, 1))
    run_monitor(session, runtime.policy, on=dt.date(2026, 12, 7), actor="test", full=True)
    queued = session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "alert.opened")).all()
    mine = [m for m in queued if m.payload["subject_id"] == firm.id]
    assert {m.recipient for m in mine} >= {f"department:{department(session).id}"}
    assert all(m.payload["signal"] for m in mine)
