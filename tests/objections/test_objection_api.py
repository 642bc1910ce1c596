"""Objections over HTTP: anyone files, 异议中 at once, verification, outcomes, extension, 复核, notices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import repair as f
from tests.factories.calendar import with_official_year
from tests.objections.conftest import World, at
from xinyong.audit.models import AuditEvent
from xinyong.objections.models import Objection
from xinyong.outbox import service as outbox_service
from xinyong.outbox.models import OutboxMessage
from xinyong.records.models import CreditRecord, RecordEvent
from xinyong.registers.sync import sync_all
from xinyong.runtime import Runtime
from xinyong.subjects.schemas import SECTIONS


def file(
    client: TestClient, record_id: int, ground: str = "wrong", headers: dict | None = None, **kw: object
):
    body = {
        "record_id": record_id,
        "ground": ground,
        "description": "处罚对象不是本公司",
        "contact_name": "王五",
        "contact_phone": "13800000000",
        **kw,
    }
    return client.post("/api/v1/objections", json=body, headers=headers or {})


def events(session: Session, record_id: int) -> list[tuple[str, dict]]:
    rows = session.scalars(
        select(RecordEvent).where(RecordEvent.record_id == record_id).order_by(RecordEvent.id)
    )
    return [(e.kind, e.detail) for e in rows]


def test_public_objection_marks_record_at_once(
    client: TestClient, world: World, set_clock: Callable, session: Session
) -> None:
    set_clock(at(dt.date(2026, 9, 30)))
    r = file(client, world.penalty.id)
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["state"] == "submitted"
    assert body["department_id"] == world.department_id
    assert body["tracking_code"]
    assert [k for k, _ in events(session, world.penalty.id)] == ["objection_opened"]
    # the public reads its case with the tracking code only
    r = client.get(f"/api/v1/objections/{body['id']}")
    assert r.status_code == 403
    r = client.get(f"/api/v1/objections/{body['id']}", params={"code": body["tracking_code"]})
    assert r.status_code == 200
    assert "contact" not in r.json()
    # a second objection on the same record does not open it twice
    assert file(client, world.penalty.id, ground="incomplete").status_code == 201
    assert [k for k, _ in events(session, world.penalty.id)] == ["objection_opened"]


def test_contact_and_ground_are_required(client: TestClient, world: World, set_clock: Callable) -> None:
    r = file(client, world.penalty.id, contact_phone=None)
    assert r.status_code == 422
    assert r.json()["code"] == "objection.contact_required"
    r = file(client, world.penalty.id, ground="dislike")
    assert r.status_code == 422
    assert r.json()["code"] == "objection.bad_ground"
    r = file(client, world.penalty.id, ground="wrongly_listed")
    assert r.status_code == 422
    assert r.json()["code"] == "objection.not_a_list"


def test_clock_extension_and_correction(
    client: TestClient, world: World, set_clock: Callable, session: Session
) -> None:
    # a bank received the record in a check 30 days ago, a department 120 days ago (outside 90 days)
    outbox_service.log_delivery(
        session,
        record_ids=[world.penalty.id],
        recipient="org:台州银行",
        channel="check",
        at=at(dt.date(2026, 9, 1)),
    )
    outbox_service.log_delivery(
        session,
        record_ids=[world.penalty.id],
        recipient="department:99",
        channel="export",
        at=at(dt.date(2026, 6, 1)),
    )
    session.commit()
    set_clock(at(dt.date(2026, 9, 29)))
    oid = file(client, world.penalty.id, ground="wrong").json()["id"]
    r = client.post(f"/api/v1/objections/{oid}/accept", headers=world.other_officer_h)
    assert r.status_code == 403  # only the source department verifies
    set_clock(at(dt.date(2026, 9, 30)))
    r = client.post(f"/api/v1/objections/{oid}/accept", headers=world.officer_h)
    assert r.status_code == 200
    # 5 working days from 09-30: 10-08, 10-09, 10-10 (调休 Saturday), 10-12, 10-13
    assert r.json()["decide_due_on"] == "2026-10-13"
    too_long = {"workdays": 16, "reason": "需外调核查", "approved_by": "张局长"}
    r = client.post(f"/api/v1/objections/{oid}/extend", json=too_long, headers=world.officer_h)
    assert r.status_code == 422
    assert r.json()["code"] == "objection.extension_too_long"
    r = client.post(
        f"/api/v1/objections/{oid}/extend", json={**too_long, "workdays": 15}, headers=world.officer_h
    )
    assert r.status_code == 200
    assert r.json()["extended_workdays"] == 15
    assert r.json()["decide_due_on"] == "2026-11-03"  # 20 working days after 09-30
    set_clock(at(dt.date(2026, 10, 15)))
    decision = {"outcome": "correct", "reason": "罚款金额录入错误", "changes": {"CF_NR_FK": 0.5}}
    r = client.post(f"/api/v1/objections/{oid}/decide", json=decision, headers=world.officer_h)
    assert r.status_code == 200, r.json()
    new_id = r.json()["new_record_id"]
    assert r.json()["state"] == "resolved"
    new = session.get(CreditRecord, new_id)
    assert new is not None
    assert new.supersedes_id == world.penalty.id
    assert new.version == 2
    assert new.payload["CF_NR_FK"] == 0.5
    assert new.record_key == world.penalty.record_key
    kept = session.get(CreditRecord, world.penalty.id)
    assert kept is not None
    assert kept.payload["CF_NR_FK"] == 5  # history kept
    kinds = events(session, world.penalty.id)
    assert [k for k, _ in kinds] == ["objection_opened", "objection_closed"]
    assert kinds[1][1]["outcome"] == "correct"
    msgs = session.scalars(select(OutboxMessage)).all()
    assert [m.recipient for m in msgs] == ["org:台州银行"]
    assert msgs[0].payload["new_record_id"] == new_id


def test_delete_stop_and_remove_outcomes(
    client: TestClient, world: World, set_clock: Callable, session: Session
) -> None:
    listing = f.record(
        session,
        subject_id=world.subject.id,
        department_id=world.department_id,
        catalog_item="yzsxmd",
        decision_on=dt.date(2026, 2, 1),
    )
    old = f.record(
        session,
        subject_id=world.subject.id,
        department_id=world.department_id,
        decision_on=dt.date(2020, 2, 1),
    )
    session.commit()
    set_clock(at(dt.date(2026, 9, 30)))
    cases = [
        (world.penalty.id, "wrong", "delete", "deleted"),
        (old.id, "past_retention", "stop_disclosure", "disclosure_stopped"),
        (listing.id, "wrongly_listed", "remove_from_list", "list_removed"),
    ]
    for record_id, ground, outcome, kind in cases:
        oid = file(client, record_id, ground=ground).json()["id"]
        client.post(f"/api/v1/objections/{oid}/accept", headers=world.officer_h)
        r = client.post(
            f"/api/v1/objections/{oid}/decide",
            json={"outcome": outcome, "reason": "核实"},
            headers=world.officer_h,
        )
        assert r.status_code == 200, r.json()
        assert [k for k, _ in events(session, record_id)] == ["objection_opened", kind, "objection_closed"]
    # remove_from_list only for lists
    oid = file(client, world.penalty.id).json()["id"]
    client.post(f"/api/v1/objections/{oid}/accept", headers=world.officer_h)
    r = client.post(
        f"/api/v1/objections/{oid}/decide",
        json={"outcome": "remove_from_list", "reason": "x"},
        headers=world.officer_h,
    )
    assert r.status_code == 422


def test_rejection_then_review_on_its_own_clock(
    client: TestClient, world: World, set_clock: Callable, session: Session
) -> None:
    set_clock(at(dt.date(2026, 9, 28)))
    first = file(client, world.penalty.id, headers=world.subject_h).json()
    oid = first["id"]
    client.post(f"/api/v1/objections/{oid}/accept", headers=world.officer_h)
    r = client.post(
        f"/api/v1/objections/{oid}/decide",
        json={"outcome": "reject", "reason": "记录与决定书一致"},
        headers=world.officer_h,
    )
    assert r.status_code == 200
    assert r.json()["state"] == "rejected"
    assert r.json()["review_due_on"] is not None
    assert [k for k, _ in events(session, world.penalty.id)] == ["objection_opened", "objection_closed"]
    # a stranger may not ask for review; the subject may
    r = client.post(f"/api/v1/objections/{oid}/review", json={"reason": "不服"}, headers=world.bank_h)
    assert r.status_code == 403
    set_clock(at(dt.date(2026, 9, 30)))
    r = client.post(
        f"/api/v1/objections/{oid}/review", json={"reason": "不服，申请复核"}, headers=world.subject_h
    )
    assert r.status_code == 201, r.json()
    review = r.json()
    assert review["stage"] == "review"
    assert review["review_of_id"] == oid
    assert review["accept_due_on"] == "2026-10-09"  # 2 working days, over the National Day holiday
    assert [k for k, _ in events(session, world.penalty.id)][-1] == "objection_opened"
    # the review goes to the credit centre, not the source department
    r = client.post(f"/api/v1/objections/{review['id']}/accept", headers=world.officer_h)
    assert r.status_code == 403
    r = client.post(f"/api/v1/objections/{review['id']}/accept", headers=world.admin_h)
    assert r.status_code == 200
    r = client.post(f"/api/v1/objections/{oid}/review", json={"reason": "再次"}, headers=world.subject_h)
    assert r.status_code == 409
    reviewed = session.scalar(select(Objection).where(Objection.id == review["id"]))
    assert reviewed is not None
    assert reviewed.department_id is not None


def test_a_year_without_official_schedule_gives_provisional_deadlines(
    client: TestClient, world: World, set_clock: Callable
) -> None:
    """2027's 调休 schedule is not published: the deadlines come from the statutory holidays, marked 暂定."""
    set_clock(at(dt.date(2027, 1, 4)))
    r = file(client, world.penalty.id)
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["accept_due_on"] == "2027-01-06"
    assert body["due_on"] == "2027-01-06"
    assert body["provisional_deadlines"] == ["accept_due_on", "due_on"]
    assert "暂定" in body["deadline_note"]
    assert "2027" in body["deadline_note"]


def test_extending_past_the_year_end(client: TestClient, world: World, set_clock: Callable) -> None:
    """An extension that reaches into a year without an official schedule is not refused (it was a 422)."""
    set_clock(at(dt.date(2026, 12, 7)))
    oid = file(client, world.penalty.id).json()["id"]
    r = client.post(f"/api/v1/objections/{oid}/accept", headers=world.officer_h)
    assert r.status_code == 200
    assert r.json()["decide_due_on"] == "2026-12-14"
    assert r.json()["provisional_deadlines"] == []
    assert r.json()["deadline_note"] is None
    extend = {"workdays": 15, "reason": "需外调核查", "approved_by": "张局长"}
    r = client.post(f"/api/v1/objections/{oid}/extend", json=extend, headers=world.officer_h)
    assert r.status_code == 200, r.json()
    # 20 working days after 12-07: 12-08 … 12-31 (18), 01-01 元旦, 01-04, 01-05
    assert r.json()["decide_due_on"] == "2027-01-05"
    assert "decide_due_on" in r.json()["provisional_deadlines"]


def test_public_cannot_object_to_hidden_records(
    client: TestClient, world: World, set_clock: Callable, session: Session, runtime: Runtime
) -> None:
    from tests.factories.subjects import person

    somebody = person(session, runtime.keys, name="李四")
    hidden = f.record(session, subject_id=somebody.id, department_id=world.department_id)
    tax = f.record(
        session,
        subject_id=world.subject.id,
        department_id=world.department_id,
        catalog_item="qs",
        payload={"QS_WSH": "欠税1"},
    )
    session.commit()
    set_clock(at(dt.date(2026, 9, 30)))
    for record_id in (hidden.id, tax.id):
        r = file(client, record_id)
        assert r.status_code == 404
    # the subject itself may object to its non-public records
    assert file(client, tax.id, headers=world.subject_h).status_code == 201


def test_odd_input_is_handled(client: TestClient, world: World, set_clock: Callable) -> None:
    set_clock(at(dt.date(2026, 9, 30)))
    r = file(client, world.penalty.id, description="错误\x00信息", contact_name="王\x00五")
    assert r.status_code == 201
    assert r.json()["description"] == "错误信息"
    assert client.get("/api/v1/objections/99999999999999999999999").status_code == 422
    assert file(client, 2**63).status_code == 422


def test_provisional_deadline_is_recomputed_when_the_official_schedule_arrives(
    client: TestClient, world: World, set_clock: Callable, session: Session, tmp_path: Path
) -> None:
    set_clock(at(dt.date(2026, 12, 7)))
    oid = file(client, world.penalty.id).json()["id"]
    client.post(f"/api/v1/objections/{oid}/accept", headers=world.officer_h)
    extend = {"workdays": 15, "reason": "需外调核查", "approved_by": "张局长"}
    assert (
        client.post(f"/api/v1/objections/{oid}/extend", json=extend, headers=world.officer_h).json()[
            "decide_due_on"
        ]
        == "2027-01-05"
    )
    # The State Council's 2027 schedule: 元旦 01-01 to 01-03, and (for the test) 01-04 off as well.
    official = with_official_year(
        tmp_path, 2027, [dt.date(2027, 1, 1), dt.date(2027, 1, 2), dt.date(2027, 1, 3), dt.date(2027, 1, 4)]
    )
    counts = sync_all(session, official, actor="test", on=dt.date(2026, 12, 8))
    assert counts["deadline"] >= 1
    obj = session.get(Objection, oid)
    assert obj is not None
    session.refresh(obj)
    assert obj.decide_due_on == dt.date(2027, 1, 6)
    assert not official.calendar.provisional(2027)
    moved = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "objection.deadline_recomputed", AuditEvent.object_id == str(oid)
        )
    ).all()
    assert [e.detail["decide_due_on"] for e in moved] == ["2027-01-06"]
    # Syncing again moves nothing.
    assert sync_all(session, official, actor="test", on=dt.date(2026, 12, 8))["deadline"] == 0


def test_signed_in_callers_cannot_object_to_what_they_cannot_see(
    client: TestClient, world: World, set_clock: Callable, session: Session, runtime: Runtime
) -> None:
    """Issue 16 finding 4: a bank or another subject gets the same 404 as for a record that does not exist."""
    from tests.factories.subjects import enterprise, person
    from xinyong.auth import consent
    from xinyong.auth.principal import Role

    somebody = person(session, runtime.keys, name="李四")
    hidden = f.record(session, subject_id=somebody.id, department_id=world.department_id)
    firm = enterprise(session, runtime.keys, name="台州市另一家有限公司")
    arrears = f.record(
        session,
        subject_id=firm.id,
        department_id=world.department_id,
        catalog_item="qs",
        payload={"QS_WSH": "欠税2"},
    )
    other_p, other_h = f.api_key(
        session, Role.SUBJECT, subject_id=firm.id, organisation="台州市另一家有限公司"
    )
    session.commit()
    set_clock(at(dt.date(2026, 9, 30)))
    missing = file(client, 10**12, headers=world.bank_h)
    assert missing.status_code == 404
    for headers in (world.bank_h, world.subject_h, world.officer_h):
        for record_id in (hidden.id, arrears.id):
            r = file(client, record_id, headers=headers)
            assert r.status_code == 404, (headers, record_id, r.json())
            assert r.json() == {**missing.json(), "message": f"信用记录 {record_id} 不存在"}
    assert [k for k, _ in events(session, arrears.id)] == []
    # the subject itself may; so may a party it authorised (its agent)
    consent.grant(
        session,
        other_p,
        grantee_code="BK-TZYH",
        grantee_name="台州银行",
        sections=list(SECTIONS),
        score=False,
        purpose="贷款审批",
        valid_from=dt.date(2026, 9, 1),
        valid_to=dt.date(2026, 11, 29),
        policy=runtime.policy,
    )
    session.commit()
    assert file(client, arrears.id, headers=world.bank_h).status_code == 201
    assert file(client, arrears.id, headers=other_h).status_code == 201


def test_an_officer_without_a_department_lists_nothing(
    client: TestClient, world: World, set_clock: Callable, session: Session
) -> None:
    from xinyong.auth.principal import Role

    set_clock(at(dt.date(2026, 9, 30)))
    assert file(client, world.penalty.id).status_code == 201
    _, loose = f.api_key(session, Role.OFFICER)
    session.commit()
    assert client.get("/api/v1/objections", headers=loose).json() == []
    assert len(client.get("/api/v1/objections", headers=world.officer_h).json()) == 1
