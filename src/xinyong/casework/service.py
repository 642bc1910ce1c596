"""Steps every case workflow shares (信用修复, 异议): a state-machine step with its audit row, and a
deadline recomputed on the current calendar with its audit row. The workflows keep their own rules; only
these mechanics live here, once."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.kit.workdays import WorkdayCalendar, recomputed
from xinyong.machine import Machine


class Case(Protocol):
    """What the shared steps need of a case row."""

    id: int
    state: str


def is_overdue(due: dt.date | None, today: dt.date, *, waiting: str) -> bool:
    """Tell whether a case's step is past its deadline while the department has it (an applicant's 补正 is not)."""
    return due is not None and due < today and waiting == "department"


def transition(
    session: Session,
    machine: Machine,
    case: Case,
    action: str,
    *,
    actor: str,
    object_type: str,
    detail: dict[str, Any],
) -> None:
    """Move ``case`` by ``action`` (409 if not allowed) and audit the step as ``<machine>.<action>``."""
    before = case.state
    case.state = machine.next(case.state, action)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action=f"{machine.name}.{action}",
        object_type=object_type,
        object_id=case.id,
        detail={"from": before, "to": case.state, **detail},
    )


def shift(
    changes: dict[str, str],
    case: object,
    field: str,
    calendar: WorkdayCalendar,
    start: dt.date,
    workdays: int,
) -> None:
    """Set ``case.<field>`` to the deadline ``workdays`` after ``start`` if the calendar moved it; note it."""
    new = recomputed(calendar, start, workdays, getattr(case, field))
    if new is not None:
        setattr(case, field, new)
        changes[field] = new.isoformat()


def deadlines_moved(
    session: Session,
    machine: Machine,
    case: Case,
    changes: dict[str, str],
    *,
    actor: str,
    object_type: str,
    policy_hash: str,
) -> int:
    """Audit the deadlines of ``case`` that moved (``<machine>.deadline_recomputed``); return 1 if any did."""
    if not changes:
        return 0
    audit.append(
        session,
        actor=actor,
        action=f"{machine.name}.deadline_recomputed",
        object_type=object_type,
        object_id=case.id,
        detail={**changes, "policy_hash": policy_hash},
    )
    return 1
