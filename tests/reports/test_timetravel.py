"""Issue 22: the credit centre issues a report of the file as it stood (on, known); others may not."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.reports.conftest import TODAY, World
from xinyong.auth.principal import Role
from xinyong.reports.models import CreditReport


def test_report_as_of_a_past_day(client: TestClient, session: Session, world: World) -> None:
    world.penalty.first_received_at = world.penalty.last_received_at = dt.datetime.now(dt.UTC)
    admin = fa.account(session, Role.ADMIN)
    session.commit()
    body = {"code": world.company.uscc, "kind": "public"}
    past = (TODAY - dt.timedelta(days=10)).isoformat()  # after the decision, before it was received today
    csrf = fa.login(client, admin)
    headers = {"X-CSRF-Token": csrf}
    then = client.post("/api/v1/reports", json={**body, "on": past}, headers=headers)
    assert then.status_code == 201, then.text
    now = client.post("/api/v1/reports", json=body, headers=headers)
    then_json = client.get(then.json()["links"]["json"]).json()
    now_json = client.get(now.json()["links"]["json"]).json()
    assert world.penalty.document_no is not None
    assert world.penalty.document_no not in str(then_json)  # not yet received on that day
    assert world.penalty.document_no in str(now_json)
    row = session.scalar(select(CreditReport).where(CreditReport.number == then.json()["number"]))
    assert row is not None
    assert row.known_at is not None
    assert row.known_at < world.penalty.first_received_at


def test_only_the_credit_centre_issues_past_reports(
    client: TestClient, session: Session, world: World
) -> None:
    subject_user = fa.account(session, Role.SUBJECT, subject_id=world.company.id)
    session.commit()
    csrf = fa.login(client, subject_user)
    resp = client.post(
        "/api/v1/reports",
        json={"code": world.company.uscc, "kind": "public", "on": "2025-01-01"},
        headers={"X-CSRF-Token": csrf},
    )
    assert (resp.status_code, resp.json()["code"]) == (403, "report.as_of_forbidden")
