"""专项治理 campaigns: the frozen, derived target list, handling by the assigned county department, progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import sanctions as f
from tests.factories.subjects import enterprise
from xinyong.audit.models import AuditEvent
from xinyong.auth.principal import Role
from xinyong.departments.models import Department
from xinyong.monitoring import campaign_states as states
from xinyong.runtime import Runtime

D = dt.date(2026, 6, 1)


def test_a_target_steps_to_closure_only_in_order_and_unrectifiable_needs_a_note() -> None:
    assert states.refusal("待处置", "整改中", None) is None
    assert states.refusal("待处置", "已整改", None) is not None  # not before rectification started
    assert states.refusal("整改中", "无法整改", " ") is not None
    assert states.refusal("整改中", "无法整改", "企业已注销，主体灭失") is None
    assert states.refusal("已整改", "整改中", None) is not None  # closed is closed
    assert states.refusal("整改中", "已办结", None) is not None


def test_progress_counts_closure_and_overdue_only_after_the_deadline() -> None:
    statuses = ["待处置", "整改中", "已整改", "无法整改"]
    on_time = states.progress(statuses, due_on=D, on=D)
    assert (on_time.total, on_time.closed, on_time.overdue, on_time.percent) == (4, 2, 0, 50.0)
    late = states.progress(statuses, due_on=D, on=D + dt.timedelta(days=1))
    assert late.overdue == 2
    assert states.progress([], due_on=D, on=D).percent == 0.0
    assert states.phase(launched_on=None, starts_on=D, ends_on=D, on=D) == "未启动"
    assert states.phase(launched_on=D, starts_on=D, ends_on=D, on=D + dt.timedelta(days=1)) == "已结束"


def _dept(session: Session, code: str, region: str) -> Department:
    dept = session.scalar(select(Department).where(Department.code == code))
    if dept is None:
        dept = Department(code=code, name=f"测试{code}", region_code=region, domain="credit")
        session.add(dept)
        session.flush()
    return dept


def _body(today: dt.date, **kw: Any) -> dict[str, Any]:
    return {
        "name": "建筑业诚信缺失突出问题专项治理",
        "basis": "国办发〔2019〕35号；台州市社会信用体系建设工作要点",
        "rule": {"condition": {"type": "listed", "catalog_items": ["yzsxmd"]}, "industries": ["建筑业"]},
        "domains": ["credit"],
        "starts_on": (today - dt.timedelta(days=30)).isoformat(),
        "ends_on": (today + dt.timedelta(days=60)).isoformat(),
        "due_on": (today + dt.timedelta(days=30)).isoformat(),
        **kw,
    }


def _city(session: Session, runtime: Runtime) -> dict[str, Any]:
    today = runtime.today()
    jj, hy = _dept(session, "JJ-FGJ", "331002"), _dept(session, "HY-FGJ", "331003")
    firms = {
        "jj": enterprise(session, runtime.keys, region_code="331002", industry="建筑业"),
        "hy": enterprise(session, runtime.keys, region_code="331003", industry="建筑业"),
        "maker": enterprise(session, runtime.keys, region_code="331002", industry="制造业"),
        "clean": enterprise(session, runtime.keys, region_code="331002", industry="建筑业"),
    }
    for key in ("jj", "hy", "maker"):
        f.listed(session, firms[key], "yzsxmd", decided=today - dt.timedelta(days=100))
    admin = fa.account(session, Role.ADMIN)
    officers = {
        "jj": fa.account(session, Role.OFFICER, department_id=jj.id, region_code="331002"),
        "hy": fa.account(session, Role.OFFICER, department_id=hy.id, region_code="331003"),
    }
    session.commit()
    return {"firms": firms, "admin": admin, "officers": officers, "today": today}


def test_a_campaign_freezes_its_derived_targets_and_each_county_works_its_own(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    city = _city(session, runtime)
    csrf = fa.login(client, city["admin"])
    h = {"X-CSRF-Token": csrf}
    made = client.post("/api/v1/campaigns", json=_body(city["today"]), headers=h)
    assert made.status_code == 201, made.text
    assert made.json()["phase"] == "未启动"
    cid = made.json()["id"]
    launched = client.post(f"/api/v1/campaigns/{cid}/launch", headers=h)
    assert launched.status_code == 200, launched.text
    assert (
        launched.json()["targets"] == 2
    )  # listed builders in both counties; not the maker, not the clean firm
    assert client.post(f"/api/v1/campaigns/{cid}/launch", headers=h).status_code == 409
    # a builder listed after launch is shown beside the frozen list, not added to it
    late = enterprise(session, runtime.keys, region_code="331002", industry="建筑业")
    f.listed(session, late, "yzsxmd", decided=city["today"] - dt.timedelta(days=1))
    session.commit()
    detail = client.get(f"/api/v1/campaigns/{cid}").json()
    assert detail["targets"] == 2
    assert [a["subject_id"] for a in detail["added_since_launch"]] == [late.id]

    csrf = fa.login(client, city["officers"]["jj"])
    h = {"X-CSRF-Token": csrf}
    mine = client.get(f"/api/v1/campaigns/{cid}/targets").json()
    assert [t["subject_id"] for t in mine["items"]] == [city["firms"]["jj"].id]  # not the other county's
    task = mine["items"][0]
    assert task["status"] == "待处置"
    assert task["next_statuses"] == ["整改中"]
    url = f"/api/v1/campaigns/targets/{task['id']}/status"
    skipped = client.post(url, json={"status": "已整改"}, headers=h)
    assert skipped.status_code == 422
    assert skipped.json()["code"] == "campaign.bad_step"
    assert (
        client.post(url, json={"status": "整改中", "note": "已约谈法定代表人"}, headers=h).status_code == 200
    )
    assert client.post(url, json={"status": "无法整改"}, headers=h).status_code == 422  # a note is required
    done = client.post(url, json={"status": "无法整改", "note": "企业已注销"}, headers=h)
    assert done.json()["status"] == "无法整改"
    steps = session.scalars(select(AuditEvent).where(AuditEvent.action == "campaign.task_status")).all()
    assert [e.detail["after"] for e in steps] == ["整改中", "无法整改"]

    csrf = fa.login(client, city["officers"]["hy"])
    theirs = client.get(f"/api/v1/campaigns/{cid}/targets").json()["items"]
    assert [t["subject_id"] for t in theirs] == [city["firms"]["hy"].id]
    refused = client.post(url, json={"status": "整改中"}, headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 404  # the other county's target is not even seen
    progress = client.get(f"/api/v1/campaigns/{cid}").json()["progress"]
    assert (progress["total"], progress["closed"]) == (1, 0)  # its own county's share only

    fa.login(client, city["admin"])
    whole = client.get(f"/api/v1/campaigns/{cid}").json()["progress"]
    assert (whole["total"], whole["closed"], whole["percent"], whole["overdue"]) == (2, 1, 50.0, 0)


def test_bad_rules_and_callers_are_refused(client: TestClient, session: Session, runtime: Runtime) -> None:
    city = _city(session, runtime)
    csrf = fa.login(client, city["officers"]["jj"])
    assert (
        client.post(
            "/api/v1/campaigns", json=_body(city["today"]), headers={"X-CSRF-Token": csrf}
        ).status_code
        == 403
    )
    h = {"X-CSRF-Token": fa.login(client, city["admin"])}
    bad_item = _body(city["today"], rule={"condition": {"type": "listed", "catalog_items": ["nope"]}})
    resp = client.post("/api/v1/campaigns", json=bad_item, headers=h)
    assert resp.status_code == 422
    assert resp.json()["code"] == "campaign.bad_rule"
    backwards = _body(city["today"], ends_on="2020-01-01")
    assert client.post("/api/v1/campaigns", json=backwards, headers=h).json()["code"] == "campaign.bad_dates"
    assert client.post("/api/v1/campaigns", json=_body(city["today"], extra=1), headers=h).status_code == 422
    assert client.get("/api/v1/campaigns/999999").status_code == 404
