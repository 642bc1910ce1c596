"""Repair and objection handling per department (repair owns the deadlines) and its points in the indices."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from tests.factories import records as record_factory
from tests.factories import subjects as subject_factory
from xinyong.indices import service
from xinyong.repair import service as repair_service
from xinyong.repair.models import RepairCase
from xinyong.runtime import Runtime

END = dt.date(2026, 10, 31)


def _case(session: Session, record_id: int, subject_id: int, dept_id: int, **kw: object) -> RepairCase:
    case = RepairCase(
        record_id=record_id,
        record_key=f"k{record_id}",
        subject_id=subject_id,
        policy_hash="h",
        department_id=dept_id,
        mode="online",
        applicant_actor="subject:1",
        obligations_fulfilled=True,
        commitment_signed=True,
        eligibility={},
        submitted_on=dt.date(2026, 10, 1),
        **kw,
    )
    session.add(case)
    session.flush()
    return case


def test_late_decisions_and_overdue_open_cases_count_against_their_department(
    session: Session, runtime: Runtime
) -> None:
    firm = subject_factory.enterprise(session, runtime.keys)
    dept = subject_factory.department(session, "WL-SCJG")
    rec = record_factory.record(session, runtime.policy, firm, dept)
    on_time = _case(
        session,
        rec.id,
        firm.id,
        dept.id,
        state="approved",
        outcome="approved",
        decide_due_on=dt.date(2026, 10, 20),
        decided_on=dt.date(2026, 10, 15),
    )
    late = _case(
        session,
        rec.id,
        firm.id,
        dept.id,
        state="approved",
        outcome="approved",
        decide_due_on=dt.date(2026, 10, 10),
        decided_on=dt.date(2026, 10, 16),
    )
    open_late = _case(
        session, rec.id, firm.id, dept.id, state="accepted", decide_due_on=dt.date(2026, 10, 25)
    )
    handling = repair_service.handling_by_department(session, start=dt.date(2026, 10, 1), end=END, today=END)
    mine = handling[dept.id]
    assert (mine.decided, mine.in_time) == (2, 1)
    assert mine.late == [f"repair:{late.id}"]
    assert mine.overdue == [f"repair:{open_late.id}"]
    assert on_time.id not in {int(r.split(":")[1]) for r in mine.late}
    service.compute(session, runtime.policy, "2026-10", actor="test")
    perf = service.results(session, runtime.policy, "dept-performance", "2026-10", "department")
    row = next(u for u in perf.units if u.unit_key == "WL-SCJG")
    overdue = next(i for i in row.indicators if i.code == "overdue_work")
    assert overdue.value == 1
    assert overdue.points == 12  # 15 − 3 per overdue case
    agency = service.results(session, runtime.policy, "gov-integrity-agency", "2026-10", "agency")
    in_time = next(
        i
        for i in next(u for u in agency.units if u.unit_key == "WL-SCJG").indicators
        if i.code == "handling_in_time"
    )
    assert in_time.value == 0.5
    assert in_time.points == 5
    assert in_time.evidence == [f"repair:{late.id}"]
