"""One scope check for non-public reads, each listed in 谁查询了我 (issue 16 finding 5)."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import evaluation as ev_factories
from tests.factories import repair as rf
from tests.factories import subjects as sf
from xinyong.auth.models import QueryLog
from xinyong.auth.principal import Role
from xinyong.evaluation import service as evaluation_service
from xinyong.runtime import Runtime

WENLING, LINHAI = "331081", "331082"


def _reads(session: Session, subject_id: int) -> list[tuple[str, str]]:
    rows = session.scalars(select(QueryLog).where(QueryLog.subject_id == subject_id).order_by(QueryLog.id))
    return [(r.what, r.actor) for r in rows]


def test_county_officer_reads_only_its_county_and_every_read_is_listed(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    dept = sf.department(session)
    firm = sf.enterprise(
        session, runtime.keys, uscc=sf.next_uscc(WENLING), established_on=dt.date(2015, 1, 1)
    )
    ev_factories.record(session, firm, dept.id, "xzcf", dt.date(2025, 3, 1))
    evaluation_service.run_evaluation(session, runtime.policy, dt.date(2026, 10, 31), actor="test")
    own_p, own = rf.api_key(session, Role.OFFICER, department_id=dept.id, region_code=WENLING)
    _, other = rf.api_key(session, Role.OFFICER, department_id=dept.id, region_code=LINHAI)
    _, me = rf.api_key(session, Role.SUBJECT, subject_id=firm.id)
    session.commit()
    assert firm.region_code == WENLING
    for path in (f"/api/v1/subjects/{firm.uscc}/evaluation", f"/api/v1/subjects/{firm.uscc}/supervision"):
        r = client.get(path, headers=other)
        assert r.status_code == 403, (path, r.text)
        assert r.json()["code"] == "access.out_of_scope"
        assert client.get(path, headers=own).status_code == 200, path
    r = client.post(
        "/api/v1/check", json={"code": firm.uscc, "scenario": "行政许可", "on": "2026-11-02"}, headers=own
    )
    assert r.status_code == 200, r.text
    assert _reads(session, firm.id) == [
        ("evaluation", own_p.actor),
        ("supervision_class", own_p.actor),
        ("check", own_p.actor),
    ]
    listed = client.get("/api/v1/me/queries", headers=me).json()
    assert [i["what"] for i in listed["items"]] == ["check", "supervision_class", "evaluation"]


def test_repair_notice_of_a_person_is_refused_to_another_county(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    county_dept = rf.department(session, "WL-SCJG", "market_regulation", "温岭市市场监督管理局")
    other_dept = rf.department(session, "LH-SCJG", "market_regulation", "临海市市场监督管理局")
    someone = sf.person(session, runtime.keys, name="李四", id_card=sf.next_ric(WENLING))
    penalty = rf.record(
        session, subject_id=someone.id, department_id=county_dept.id, decision_on=dt.date(2026, 5, 10)
    )
    own_p, own = rf.api_key(session, Role.OFFICER, department_id=county_dept.id, region_code=WENLING)
    _, other = rf.api_key(session, Role.OFFICER, department_id=other_dept.id, region_code=LINHAI)
    _, bank = rf.api_key(session, Role.BANK, organisation="台州银行", institution_code="BK-TZYH")
    session.commit()
    for path in (
        f"/api/v1/records/{penalty.id}/repair-notice",
        f"/api/v1/records/{penalty.id}/repair-eligibility",
    ):
        assert client.get(path, headers=other).status_code == 403, path
        assert client.get(path, headers=bank).status_code == 403, path
        assert client.get(path, headers=own).status_code == 200, path
    assert _reads(session, someone.id) == [
        ("repair_notice", own_p.actor),
        ("repair_eligibility", own_p.actor),
    ]
