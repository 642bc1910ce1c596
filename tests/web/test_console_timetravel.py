"""The disputes view on the timeline: the file, score and measures as they stood on a day, and the changes."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import records as fr
from tests.web.conftest import HTML, sign_in
from tests.web.seed import PASSWORD, Seeded
from xinyong.audit.models import AuditEvent
from xinyong.runtime import Runtime


def test_an_officer_of_the_centre_looks_back_and_sees_what_changed(
    client: TestClient, session: Session, runtime: Runtime, seeded: Seeded
) -> None:
    today = runtime.today()
    penalty = seeded.penalty
    back = dt.datetime.combine(today - dt.timedelta(days=60), dt.time(2), tzinfo=dt.UTC)
    for r in (seeded.penalty, seeded.licence, seeded.blacklist, seeded.shared):
        r.first_received_at = r.last_received_at = back
    fr.event(session, penalty, "repaired", today)  # repaired today: after the day looked at
    session.commit()
    sign_in(client, "centre-admin", PASSWORD)
    timeline = client.get("/console/timeline", params={"code": seeded.firm.uscc}, headers=HTML)
    assert 'action="/console/timeline/asof"' in timeline.text
    on = (today - dt.timedelta(days=5)).isoformat()
    page = client.get(
        "/console/timeline/asof", params={"code": seeded.firm.uscc, "on": on, "known": "then"}, headers=HTML
    )
    assert page.status_code == 200, page.text
    assert "档案各部分的变化" in page.text
    assert penalty.document_no in page.text
    assert "已信用修复" in page.text  # the penalty's disclosure changed since: shown in the diff
    assert "公共信用评价" in page.text
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "timetravel.dispute_view")).all()
    assert len(audit) == 1
    assert audit[0].detail["on"] == on
    bad = client.get(
        "/console/timeline/asof", params={"code": seeded.firm.uscc, "on": "2025-02-30"}, headers=HTML
    )
    assert bad.status_code == 422


def test_departments_do_not_look_back(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, "scjg-officer", PASSWORD)
    assert client.get("/console/timeline/asof", headers=HTML).status_code == 403
    timeline = client.get("/console/timeline", params={"code": seeded.firm.uscc}, headers=HTML)
    assert "/console/timeline/asof" not in timeline.text
