"""Repair deadlines kept on the current calendar (``xinyong policy sync``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.casework import service as casework
from xinyong.kit.dates import business_date
from xinyong.policy.loader import Policy
from xinyong.repair.models import RepairCase, RepairMaterial
from xinyong.repair.states import REPAIR
from xinyong.repair.workflows import workflows


def refresh_deadlines(session: Session, policy: Policy, *, actor: str, today: dt.date) -> int:
    """Recompute the running clocks of open cases on the current calendar; return how many moved.

    Run by ``xinyong policy sync`` (and ``db upgrade``): once the official schedule of a year is added
    under ``policy/calendar/``, a deadline first computed on the provisional calendar is set right.
    """
    wf = workflows(policy).repair
    moved = 0
    cases = session.scalars(select(RepairCase).where(RepairCase.state.in_(REPAIR.pending))).all()
    for case in cases:
        moves: dict[str, str] = {}
        if case.state == "submitted" and case.accept_due_on and case.accept_due_on >= today:
            start = _acceptance_start(session, case)
            casework.shift(moves, case, "accept_due_on", policy.calendar, start, wf.accept_workdays)
        if (
            case.state == "accepted"
            and case.accepted_on
            and case.decide_due_on
            and case.decide_due_on >= today
        ):
            casework.shift(
                moves, case, "decide_due_on", policy.calendar, case.accepted_on, wf.decide_workdays
            )
        if (
            case.state == "materials_requested"
            and case.materials_requested_on
            and case.supplement_due_on
            and case.supplement_due_on >= today
        ):
            start = case.materials_requested_on
            casework.shift(moves, case, "supplement_due_on", policy.calendar, start, wf.supplement_workdays)
        moved += casework.deadlines_moved(
            session, REPAIR, case, moves, actor=actor, object_type="repair_case", policy_hash=policy.hash
        )
    session.flush()
    return moved


def _acceptance_start(session: Session, case: RepairCase) -> dt.date:
    """Return the day the acceptance clock started: submission, or the last upload after 补正."""
    if case.materials_requested_on is None:
        return case.submitted_on
    last = session.scalar(
        select(func.max(RepairMaterial.uploaded_at)).where(RepairMaterial.repair_id == case.id)
    )
    return business_date(last, "Asia/Shanghai") if last else case.submitted_on
