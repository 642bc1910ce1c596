"""Department work queue (overdue cases visible) and the city-monitoring KPIs 信用修复效率 and 异议处理占比."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import mean
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.casework.service import is_overdue as is_overdue
from xinyong.clock import workdays_between
from xinyong.kit.workdays import WorkdayCalendar
from xinyong.objections import service as objections_service
from xinyong.objections.states import OBJECTION
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord
from xinyong.repair.models import RepairCase
from xinyong.repair.states import REPAIR
from xinyong.repair.workflows import workflows


def _repair_overdue(case: RepairCase, today: dt.date) -> bool:
    due, waiting = repair_due_on(case)
    return is_overdue(due, today, waiting=waiting)


KIND_LABELS = {"repair": "信用修复", "objection": "异议", "review": "异议复核"}  # the queue's 类型 column
CASE_PATHS = {"repair": "repairs", "objection": "objections"}  # where a case of each kind is handled
WAITING_LABELS = {
    "department": "待部门办理",
    "applicant": "待您补正",
}  # whose step it is, told to the applicant


def repair_due_on(case: RepairCase) -> tuple[dt.date | None, str]:
    """Return when the case's next step is due and whose step it is."""
    if case.state == "submitted":
        return case.accept_due_on, "department"
    if case.state == "accepted":
        return case.decide_due_on, "department"
    if case.state == "materials_requested":
        return case.supplement_due_on, "applicant"
    return None, "none"


def _entry(
    kind: str,
    obj_id: int,
    state: str,
    label: str,
    due: dt.date | None,
    waiting: str,
    today: dt.date,
    policy: Policy,
    **extra: Any,
) -> dict[str, Any]:
    overdue = is_overdue(due, today, waiting=waiting)
    due_soon = workflows(policy).queue.due_soon(due, today, overdue=overdue)
    return {
        "type": kind,
        "type_label": KIND_LABELS["review" if extra.get("stage") == "review" else kind],
        "path": f"/console/{CASE_PATHS[kind]}/{obj_id}",
        "id": obj_id,
        "state": state,
        "state_label": label,
        "due_on": due.isoformat() if due else None,
        "due_provisional": due is not None and policy.calendar.provisional(due.year),
        "waiting_for": waiting,
        "waiting_applicant": waiting == "applicant",
        "overdue": overdue,
        "overdue_workdays": workdays_between(policy.calendar, due, today) if overdue and due else 0,
        "due_soon": due_soon,
        **extra,
    }


def work_queue(
    session: Session, policy: Policy, *, department_id: int | None, today: dt.date
) -> dict[str, Any]:
    """Return a department's open repair and objection cases, overdue first, then by due date."""
    q = select(RepairCase).where(RepairCase.state.in_(REPAIR.pending))
    if department_id is not None:
        q = q.where(RepairCase.department_id == department_id)
    items: list[dict[str, Any]] = []
    for case in session.scalars(q):
        due, waiting = repair_due_on(case)
        items.append(
            _entry(
                "repair",
                case.id,
                case.state,
                REPAIR.labels[case.state],
                due,
                waiting,
                today,
                policy,
                record_id=case.record_id,
                mode=case.mode,
                submitted_on=case.submitted_on.isoformat(),
            )
        )
    for obj in objections_service.list_objections(
        session, department_id=department_id, open_only=True, limit=10_000
    ):
        items.append(
            _entry(
                "objection",
                obj.id,
                obj.state,
                OBJECTION.labels[obj.state],
                objections_service.due_on(obj),
                "department",
                today,
                policy,
                record_id=obj.record_id,
                stage=obj.stage,
                ground=obj.ground,
                submitted_on=obj.submitted_on.isoformat(),
            )
        )
    items.sort(key=lambda i: (not i["overdue"], i["due_on"] or "9999-12-31", i["type"], i["id"]))
    return {
        "department_id": department_id,
        "today": today.isoformat(),
        "open": len(items),
        "overdue": sum(1 for i in items if i["overdue"]),
        "items": items,
    }


def _avg(values: list[float]) -> float | None:
    return round(mean(values), 2) if values else None


class _Decided(Protocol):
    decided_on: dt.date | None
    decide_due_on: dt.date | None


def decided_in_time(case: _Decided, today: dt.date) -> bool:
    """Tell whether a case was decided by its deadline (a case without one counts as on time)."""
    return case.decide_due_on is None or (case.decided_on or today) <= case.decide_due_on


def _on_time(cases: Sequence[_Decided], today: dt.date) -> float | None:
    """Return the share of cases decided by their deadline (cases without one count as on time)."""
    return _avg([float(decided_in_time(c, today)) for c in cases])


@dataclass
class DepartmentHandling:
    """One department's repair and objection handling: decided in a span, in time, and open past due."""

    department_id: int | None  # an objection not yet routed to a department has none
    decided: int = 0
    in_time: int = 0
    late: list[str] = field(default_factory=list)  # "repair:ID" / "objection:ID" decided after the deadline
    overdue: list[str] = field(default_factory=list)  # open cases past the department's deadline on ``today``


def handling_by_department(
    session: Session, *, start: dt.date, end: dt.date, today: dt.date
) -> dict[int | None, DepartmentHandling]:
    """Return, per handling department, the cases decided in ``[start, end]`` and those overdue on ``today``.

    The same deadlines and on-time rule as the work queue and the city KPIs above (one home for both).
    """
    out: dict[int | None, DepartmentHandling] = {}

    def slot(dept_id: int | None) -> DepartmentHandling:
        return out.setdefault(dept_id, DepartmentHandling(dept_id))

    repairs = session.scalars(
        select(RepairCase).where(RepairCase.decided_on >= start, RepairCase.decided_on <= end)
    )
    decided: list[tuple[str, int, int | None, _Decided]] = [
        *(("repair", c.id, c.department_id, c) for c in repairs),
        *(
            ("objection", o.id, o.department_id, o)
            for o in objections_service.decided_between(session, start, end)
        ),
    ]
    for kind, case_id, dept_id, case in decided:
        entry = slot(dept_id)
        entry.decided += 1
        if decided_in_time(case, today):
            entry.in_time += 1
        else:
            entry.late.append(f"{kind}:{case_id}")
    for case in session.scalars(select(RepairCase).where(RepairCase.state.in_(REPAIR.pending))):
        due, waiting = repair_due_on(case)
        if is_overdue(due, today, waiting=waiting):
            slot(case.department_id).overdue.append(f"repair:{case.id}")
    for obj in objections_service.list_objections(session, open_only=True, limit=100_000):
        if is_overdue(objections_service.due_on(obj), today, waiting="department"):
            slot(obj.department_id).overdue.append(f"objection:{obj.id}")
    return out


def _repair_kpis(
    session: Session, cal: WorkdayCalendar, start: dt.date, end: dt.date, today: dt.date
) -> dict[str, Any]:
    """Return 信用修复效率: applications, decisions, time to decide and what is overdue."""
    filed = session.scalar(
        select(func.count())
        .select_from(RepairCase)
        .where(RepairCase.submitted_on >= start, RepairCase.submitted_on <= end)
    )
    decided = list(
        session.scalars(
            select(RepairCase).where(
                RepairCase.decided_on >= start, RepairCase.decided_on <= end, RepairCase.outcome.is_not(None)
            )
        )
    )
    approved = [c for c in decided if c.outcome == "approved"]
    open_repairs = list(session.scalars(select(RepairCase).where(RepairCase.state.in_(REPAIR.pending))))
    overdue_repairs = sum(1 for c in open_repairs if _repair_overdue(c, today))
    return {
        "label": "信用修复效率",
        "submitted": int(filed or 0),
        "decided": len(decided),
        "approved": len(approved),
        "rejected": len(decided) - len(approved),
        "avg_repair_workdays": _avg(
            [workdays_between(cal, c.submitted_on, c.decided_on) for c in approved if c.decided_on]
        ),
        "avg_repair_days": _avg(
            [(c.decided_at - c.submitted_at).total_seconds() / 86400 for c in approved if c.decided_at]
        ),
        "on_time_share": _on_time(decided, today),
        "open": len(open_repairs),
        "overdue": overdue_repairs,
    }


def _published(session: Session, policy: Policy, end: dt.date) -> int:
    """Count the public records received by ``end`` (the base of 异议处理占比)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(CreditRecord)
            .where(
                CreditRecord.catalog_item.in_(
                    [i.id for i in policy.catalog.values() if i.disclosure == "public"]
                ),
                CreditRecord.supersedes_id.is_(None),
                CreditRecord.first_received_at
                < dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC),
            )
        )
        or 0
    )


def _objection_kpis(
    session: Session, policy: Policy, start: dt.date, end: dt.date, today: dt.date
) -> dict[str, Any]:
    """Return 异议处理占比: objections against published records, outcomes, time to handle, overdue."""
    obj_filed = objections_service.filed_between(session, start, end)
    obj_decided = [o for o in objections_service.decided_between(session, start, end) if o.outcome]
    published = _published(session, policy, end)
    open_obj = objections_service.list_objections(session, open_only=True, limit=100_000)
    return {
        "label": "异议处理占比",
        "filed": len(obj_filed),
        "published_records": published,
        "ratio": round(len(obj_filed) / published, 6) if published else None,
        "decided": len(obj_decided),
        "upheld": sum(1 for o in obj_decided if o.outcome != "reject"),
        "avg_handling_workdays": _avg(
            [
                workdays_between(policy.calendar, o.submitted_on, o.decided_on)
                for o in obj_decided
                if o.decided_on
            ]
        ),
        "on_time_share": _on_time(obj_decided, today),
        "open": len(open_obj),
        "overdue": sum(
            1 for o in open_obj if is_overdue(objections_service.due_on(o), today, waiting="department")
        ),
    }


def kpis(session: Session, policy: Policy, *, start: dt.date, end: dt.date, today: dt.date) -> dict[str, Any]:
    """Return 信用修复效率 and 异议处理占比 for ``[start, end]`` (business dates)."""
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "policy_hash": policy.hash,
        "repair": _repair_kpis(session, policy.calendar, start, end, today),
        "objection": _objection_kpis(session, policy, start, end, today),
    }
