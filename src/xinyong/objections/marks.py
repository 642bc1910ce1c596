"""The record's 异议中 mark: opened with the first open case on it, closed with the last."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.objections.models import Objection
from xinyong.objections.states import OBJECTION
from xinyong.records.events import append_event
from xinyong.records.models import RecordEventKind


def open_on_record(session: Session, record_key: str, exclude: int | None = None) -> int:
    """Count the open objections on a record (all its versions), leaving out ``exclude``."""
    q = (
        select(func.count())
        .select_from(Objection)
        .where(Objection.record_key == record_key, Objection.state.in_(OBJECTION.pending))
    )
    if exclude is not None:
        q = q.where(Objection.id != exclude)
    return int(session.scalar(q) or 0)


def mark(
    session: Session, obj: Objection, kind: str, today: dt.date, actor: str, detail: dict[str, Any]
) -> None:
    """Append the ``objection_opened`` or ``objection_closed`` event of ``obj`` to its record."""
    append_event(
        session,
        record_id=obj.record_id,
        kind=kind,
        effective_on=today,
        source_type="objection",
        source_id=obj.id,
        reason=obj.decision_reason if kind != RecordEventKind.OBJECTION_OPENED else obj.description[:500],
        actor=actor,
        detail=detail,
    )
