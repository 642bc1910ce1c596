"""Select builders for objections: lists, periods and due dates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.objections.models import Objection
from xinyong.objections.states import OBJECTION


def list_objections(
    session: Session,
    *,
    department_id: int | None = None,
    subject_id: int | None = None,
    open_only: bool = False,
    limit: int = 200,
) -> list[Objection]:
    """Return objections, newest first, filtered by handling department or subject."""
    q = select(Objection)
    if department_id is not None:
        q = q.where(Objection.department_id == department_id)
    if subject_id is not None:
        q = q.where(Objection.subject_id == subject_id)
    if open_only:
        q = q.where(Objection.state.in_(OBJECTION.pending))
    return list(session.scalars(q.order_by(Objection.id.desc()).limit(limit)))


def filed_between(session: Session, start: dt.date, end: dt.date) -> list[Objection]:
    """Return objections filed in ``[start, end]``."""
    return list(
        session.scalars(
            select(Objection).where(Objection.submitted_on >= start, Objection.submitted_on <= end)
        )
    )


def decided_between(session: Session, start: dt.date, end: dt.date) -> list[Objection]:
    """Return objections decided in ``[start, end]``."""
    return list(
        session.scalars(select(Objection).where(Objection.decided_on >= start, Objection.decided_on <= end))
    )


def due_on(obj: Objection) -> dt.date | None:
    """Return the day the handler's next step is due."""
    return obj.accept_due_on if obj.state == "submitted" else obj.decide_due_on
