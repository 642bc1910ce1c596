"""The repair workflow over HTTP: eligibility, apply with materials, 补正, accept, decide, effects."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.repair.conftest import World, at
from xinyong.audit.models import AuditEvent
from xinyong.outbox import changes as effects
from xinyong.records.models import RecordEvent
from xinyong.repair.models import RepairMaterial
from xinyong.runtime import Runtime

PROOF = b"%PDF-1.4 fine paid receipt 2026"


def apply(client: TestClient, w: World, **form: object) -> dict:
    data = {"record_id": str(w.penalty.id), "obligations_fulfilled": "true", "commitment_accepted": "true"}
    data.update({k: str(v) for k, v in form.items()})
    r = client.post(
        "/api/v1/repairs",
        data=data,
        files=[("files", ("缴款凭证.pdf", PROOF, "application/pdf"))],
        headers=w.subject_h,
    )
    r.request.headers  # noqa: B018 - keep the request for debugging
    return {"status": r.status_code, **r.json()}


def test_eligibility_explains_earliest_date(client: TestClient, world: World, set_clock: Callable) -> None:
    set_clock(at(dt.date(2026, 6, 1)))
    r = client.get(f"/api/v1/records/{world.penalty.id}/repair-eligibility", headers=world.subject_h)
    assert r.status_code == 200
    body = r.json()
    assert body["eligible"] is False
    assert body["earliest_on"] == "2026-08-10"
    assert body["reasons"][0]["code"] == "repair.min_period"
    assert "2026-08-10" in body["reasons"][0]["message"]
    assert body["regime_id"] == "ndrc-order-36"
    # another subject may not look
    r = client.get(f"/api/v1/records/{world.penalty.id}/repair-eligibility", headers=world.bank_h)
    assert r.status_code == 403


def test_not_eligible_application_is_refused_with_reasons(
    client: TestClient, world: World, set_clock: Callable
) -> None:
    set_clock(at(dt.date(2026, 6, 1)))
    body = apply(client, world, kinds="performance_proof")
    assert body["status"] == 422
    assert body["code"] == "repair.not_eligible"
    assert body["detail"]["earliest_on"] == "2026-08-10"


def test_full_flow_with_supplement_and_approval(
    client: TestClient, world: World, set_clock: Callable, session: Session, runtime: Runtime
) -> None:
    seen: list[effects.RecordChange] = []
    remove = effects.register(lambda _s, change: seen.append(change))
    try:
        set_clock(at(dt.date(2026, 9, 30)))
        case = apply(client, world, kinds="performance_proof")
        assert case["status"] == 201, case
        assert case["state"] == "submitted"
        assert case["department_id"] == world.department_id  # 谁认定、谁修复
        # 1 working day after 2026-09-30 is 2026-10-08 (National Day holiday 10-01…10-07).
        assert case["accept_due_on"] == "2026-10-08"
        kinds = sorted(m["kind"] for m in case["materials"])
        assert kinds == ["commitment", "performance_proof"]
        proof = next(m for m in case["materials"] if m["kind"] == "performance_proof")
        assert proof["sha256"] == hashlib.sha256(PROOF).hexdigest()
        stored = session.scalar(select(RepairMaterial).where(RepairMaterial.id == proof["id"]))
        assert stored is not None
        assert (runtime.settings.var_dir / stored.stored_path).read_bytes() == PROOF
        cid = case["id"]

        # a second application for the same record is refused while the first is open
        assert apply(client, world, kinds="performance_proof")["status"] == 409

        # another department may not handle it
        r = client.post(f"/api/v1/repairs/{cid}/accept", headers=world.other_officer_h)
        assert r.status_code == 403

        # 补正: the department asks for more, the applicant uploads, the acceptance clock restarts
        set_clock(at(dt.date(2026, 10, 8)))
        r = client.post(
            f"/api/v1/repairs/{cid}/request-materials",
            json={"note": "请补充整改报告"},
            headers=world.officer_h,
        )
        assert r.status_code == 200
        assert r.json()["state"] == "materials_requested"
        assert r.json()["waiting_for"] == "applicant"
        r = client.post(f"/api/v1/repairs/{cid}/accept", headers=world.officer_h)
        assert r.status_code == 409
        assert r.json()["code"] == "repair.bad_transition"
        set_clock(at(dt.date(2026, 10, 9)))
        r = client.post(
            f"/api/v1/repairs/{cid}/materials",
            data={"kinds": "other"},
            files=[("files", ("整改报告.pdf", b"%PDF-1.4 report", "application/pdf"))],
            headers=world.subject_h,
        )
        assert r.status_code == 200, r.json()
        assert r.json()["state"] == "submitted"
        assert r.json()["accept_due_on"] == "2026-10-10"  # Saturday 10-10 is a 调休 working day

        r = client.post(f"/api/v1/repairs/{cid}/accept", headers=world.officer_h)
        assert r.status_code == 200
        assert r.json()["decide_due_on"] == "2026-10-13"  # 10-10 (调休), 10-12, 10-13

        r = client.post(
            f"/api/v1/repairs/{cid}/decide",
            json={"outcome": "approved", "reason": "已履行义务并完成整改"},
            headers=world.officer_h,
        )
        assert r.status_code == 200, r.json()
        assert r.json()["state"] == "approved"
    finally:
        remove()

    events = session.scalars(select(RecordEvent).where(RecordEvent.record_id == world.penalty.id)).all()
    assert [(e.kind, e.effective_on) for e in events] == [("repaired", dt.date(2026, 10, 9))]
    assert events[0].source_type == "repair"
    assert events[0].source_id == cid
    assert [c.kinds for c in seen] == [("repaired",)]
    assert seen[0].subject_id == world.subject.id
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "repair_case")).all()
    assert actions == [
        "repair.submit",
        "repair.request_materials",
        "repair.supplement",
        "repair.accept",
        "repair.approve",
    ]

    # now the record is repaired: eligibility says so, and a new application is refused
    r = client.get(f"/api/v1/records/{world.penalty.id}/repair-eligibility", headers=world.subject_h)
    assert r.json()["reasons"][0]["code"] == "repair.already_repaired"
    r = client.get(f"/api/v1/repairs/{cid}", headers=world.subject_h)
    assert r.status_code == 200
    assert r.json()["outcome"] == "approved"
    r = client.get(f"/api/v1/repairs/{cid}/materials/{proof['id']}", headers=world.officer_h)
    assert r.status_code == 200
    assert r.content == PROOF


def test_required_materials_and_agent(client: TestClient, world: World, set_clock: Callable) -> None:
    set_clock(at(dt.date(2026, 9, 30)))
    r = client.post(
        "/api/v1/repairs",
        data={
            "record_id": str(world.penalty.id),
            "obligations_fulfilled": "true",
            "commitment_accepted": "true",
        },
        headers=world.subject_h,
    )
    assert r.status_code == 422
    assert r.json()["code"] == "repair.materials_missing"
    body = apply(client, world, kinds="performance_proof", agent_name="李四")
    assert body["status"] == 422
    assert "授权委托书" in body["message"]
    r = client.post(
        "/api/v1/repairs",
        data={
            "record_id": str(world.penalty.id),
            "obligations_fulfilled": "false",
            "commitment_accepted": "true",
            "kinds": "performance_proof",
        },
        files=[("files", ("a.pdf", b"%PDF-1.4 x", "application/pdf"))],
        headers=world.subject_h,
    )
    assert r.status_code == 422
    assert "repair.obligations_unfulfilled" in str(r.json())


def test_rejection_and_list_removal(
    client: TestClient, world: World, set_clock: Callable, session: Session
) -> None:
    from tests.factories import repair as f

    listing = f.record(
        session,
        subject_id=world.subject.id,
        department_id=world.department_id,
        catalog_item="yzsxmd",
        decision_on=dt.date(2025, 3, 1),
    )
    session.commit()
    set_clock(at(dt.date(2026, 9, 30)))
    # the penalty cannot be repaired while the subject is on the serious list
    body = apply(client, world, kinds="performance_proof")
    assert body["status"] == 422
    assert "repair.on_serious_list" in str(body["detail"])
    r = client.post(
        "/api/v1/repairs",
        data={
            "record_id": str(listing.id),
            "obligations_fulfilled": "true",
            "commitment_accepted": "true",
            "kinds": "performance_proof",
        },
        files=[("files", ("证明.pdf", b"%PDF-1.4 proof", "application/pdf"))],
        headers=world.subject_h,
    )
    assert r.status_code == 201, r.json()
    assert r.json()["mode"] == "list_removal"
    cid = r.json()["id"]
    client.post(f"/api/v1/repairs/{cid}/accept", headers=world.officer_h)
    r = client.post(
        f"/api/v1/repairs/{cid}/decide",
        json={"outcome": "approved", "reason": "满足移出条件"},
        headers=world.officer_h,
    )
    assert r.status_code == 200
    kinds = session.scalars(select(RecordEvent.kind).where(RecordEvent.record_id == listing.id)).all()
    assert kinds == ["list_removed", "repaired"]
    # after leaving the list, the penalty may be repaired; this time the department rejects it
    case = apply(client, world, kinds="performance_proof")
    assert case["status"] == 201, case
    r = client.post(
        f"/api/v1/repairs/{case['id']}/decide",
        json={"outcome": "rejected", "reason": "材料不实"},
        headers=world.officer_h,
    )
    assert r.status_code == 200
    assert r.json()["state"] == "rejected"
    assert session.scalars(select(RecordEvent).where(RecordEvent.record_id == world.penalty.id)).all() == []


def test_a_year_without_official_schedule_gives_provisional_deadlines(
    client: TestClient, world: World, set_clock: Callable
) -> None:
    set_clock(at(dt.date(2027, 3, 1)))
    body = apply(client, world, kinds="performance_proof")
    assert body["status"] == 201, body
    assert body["accept_due_on"] is not None
    assert "accept_due_on" in body["provisional_deadlines"]
    assert "2027" in body["deadline_note"]
    q = client.get("/api/v1/workqueue", headers=world.officer_h).json()
    (item,) = [i for i in q["items"] if i["id"] == body["id"]]
    assert item["due_provisional"] is True
    # a repair item carries its mode and none of an objection's fields (the typed answer adds no nulls)
    assert item["mode"]
    assert "stage" not in item
    assert "ground" not in item


def test_work_queue_shows_overdue(client: TestClient, world: World, set_clock: Callable) -> None:
    set_clock(at(dt.date(2026, 9, 30)))
    case = apply(client, world, kinds="performance_proof")
    set_clock(at(dt.date(2026, 10, 9)))
    r = client.get("/api/v1/workqueue", headers=world.officer_h)
    assert r.status_code == 200
    q = r.json()
    assert q["overdue"] == 1, q
    assert q["items"][0]["id"] == case["id"]
    assert q["items"][0]["overdue"] is True
    assert q["items"][0]["overdue_workdays"] == 1
    assert q["items"][0]["due_provisional"] is False
    r = client.get("/api/v1/workqueue", headers=world.other_officer_h)
    assert r.json()["open"] == 0
    r = client.get("/api/v1/repairs?overdue=true", headers=world.officer_h)
    assert [c["id"] for c in r.json()] == [case["id"]]
    assert client.get("/api/v1/workqueue", headers=world.subject_h).status_code == 403


def test_provisional_clocks_move_when_the_official_schedule_arrives(
    client: TestClient, world: World, set_clock: Callable, session: Session, runtime: Runtime, tmp_path: Path
) -> None:
    from tests.factories.calendar import with_official_year
    from xinyong.registers.sync import sync_all
    from xinyong.repair.models import RepairCase
    from xinyong.repair.workflows import workflows

    set_clock(at(dt.date(2026, 12, 31)))
    case = apply(client, world, kinds="performance_proof")
    assert case["status"] == 201, case
    assert "accept_due_on" in case["provisional_deadlines"]
    days = workflows(runtime.policy).repair.accept_workdays
    official = with_official_year(tmp_path, 2027, [dt.date(2027, 1, d) for d in range(1, 8)])
    expected = official.calendar.add_workdays(dt.date(2026, 12, 31), days)
    assert expected.isoformat() != case["accept_due_on"]
    sync_all(session, official, actor="test", on=dt.date(2026, 12, 31))
    row = session.get(RepairCase, case["id"])
    assert row is not None
    session.refresh(row)
    assert row.accept_due_on == expected
    moved = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "repair.deadline_recomputed", AuditEvent.object_id == str(case["id"])
        )
    ).all()
    assert [e.detail["accept_due_on"] for e in moved] == [expected.isoformat()]
