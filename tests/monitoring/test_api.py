"""Alerts over HTTP: each department sees only what it was told, handles it to 已处置; the timeline is logged."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import sanctions as f
from tests.factories.subjects import department, enterprise
from xinyong.audit.models import AuditEvent
from xinyong.auth.models import QueryLog
from xinyong.auth.principal import Role
from xinyong.departments.models import Department
from xinyong.monitoring.service import run_monitor
from xinyong.runtime import Runtime


def _dept(session: Session, code: str, region: str, domain: str) -> Department:
    dept = session.scalar(select(Department).where(Department.code == code))
    if dept is None:
        dept = Department(code=code, name=f"测试{code}", region_code=region, domain=domain)
        session.add(dept)
        session.flush()
    return dept


def _setup(session: Session, runtime: Runtime) -> tuple[int, str]:
    on = runtime.today()
    jj = _dept(session, "JJ-FGJ", "331002", "credit")
    _dept(session, "HY-FGJ", "331003", "credit")
    firm = enterprise(session, runtime.keys, region_code="331002", established_on=dt.date(2015, 3, 1))
    f.record(session, firm, severity="严重", decided=on - dt.timedelta(days=1))
    run_monitor(session, runtime.policy, on=on, actor="test", full=True)
    session.commit()
    return jj.id, str(firm.uscc)


def test_a_county_officer_sees_and_handles_only_its_alerts(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    jj_id, code = _setup(session, runtime)
    other = _dept(session, "HY-FGJ", "331003", "credit")
    outsider = fa.account(session, Role.OFFICER, department_id=other.id, region_code="331003")
    csrf = fa.login(client, outsider)
    seen = client.get("/api/v1/alerts").json()
    assert all(a["subject_code"] != code for a in seen["items"])
    officer = fa.account(session, Role.OFFICER, department_id=jj_id, region_code="331002")
    session.commit()
    csrf = fa.login(client, officer)
    page = client.get("/api/v1/alerts", params={"signal": "serious-penalty", "active": "true"}).json()
    mine = [a for a in page["items"] if a["subject_code"] == code]
    assert len(mine) == 1
    assert mine[0]["status"] == "待核实"
    assert mine[0]["active"]
    alert_id = mine[0]["id"]
    headers = {"X-CSRF-Token": csrf}
    early = client.post(f"/api/v1/alerts/{alert_id}/status", json={"status": "已处置"}, headers=headers)
    assert early.status_code == 422
    assert early.json()["code"] == "alert.not_verified"
    ok = client.post(
        f"/api/v1/alerts/{alert_id}/status", json={"status": "已核实", "note": "已电话核实"}, headers=headers
    )
    assert ok.status_code == 200, ok.text
    done = client.post(f"/api/v1/alerts/{alert_id}/status", json={"status": "已处置"}, headers=headers)
    assert done.json()["status"] == "已处置"
    audited = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "alert.status").order_by(AuditEvent.seq)
    ).all()
    assert [e.detail["after"] for e in audited][-2:] == ["已核实", "已处置"]
    # another county's officer cannot handle it, and learns nothing of it
    fa.login(client, outsider)
    refused = client.post(
        f"/api/v1/alerts/{alert_id}/status",
        json={"status": "误报"},
        headers={"X-CSRF-Token": client.cookies["xy_csrf"]},
    )
    assert refused.status_code == 404


def test_the_public_gets_no_alerts_and_bad_filters_are_refused(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    assert client.get("/api/v1/alerts").status_code == 401
    admin = fa.account(session, Role.ADMIN)
    session.commit()
    fa.login(client, admin)
    assert client.get("/api/v1/alerts", params={"since": "9999-12-31"}).status_code == 422
    assert client.get("/api/v1/alerts", params={"region": "abc"}).status_code == 422


def test_the_timeline_tells_the_story_in_order_and_is_logged(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    _, code = _setup(session, runtime)
    admin = fa.account(session, Role.ADMIN)
    session.commit()
    fa.login(client, admin)
    resp = client.get(f"/api/v1/subjects/{code}/timeline")
    assert resp.status_code == 200, resp.text
    entries = resp.json()["entries"]
    kinds = [e["kind"] for e in entries]
    assert kinds[0] == "registration"
    assert "record" in kinds
    assert "alert" in kinds
    assert [e["on"] for e in entries] == sorted(e["on"] for e in entries)
    assert session.scalar(select(QueryLog).where(QueryLog.what == "timeline")) is not None
    assert client.get("/api/v1/subjects/91331000MA0000000X/timeline").status_code == 404
    department(session)  # the factory department exists for the record's source
