"""Record lookups and status events for the workflows (repair, objections): the one place they are written.

A workflow changes a record only by appending a ``record_event`` row here (or a new version); readers
derive everything from the events. What follows a change (notices, hooks) is ``outbox.changes``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.db import utcnow
from xinyong.errors import NotFound
from xinyong.records.models import CreditRecord, RecordEvent


def get_record(session: Session, record_id: int) -> CreditRecord:
    """Return a record or raise ``NotFound``."""
    record = session.get(CreditRecord, record_id)
    if record is None:
        raise NotFound(f"信用记录 {record_id} 不存在", code="record.not_found")
    return record


def current_version(session: Session, record: CreditRecord) -> CreditRecord:
    """Return the newest version of a record's fact (corrections supersede)."""
    latest = session.scalar(
        select(CreditRecord)
        .where(CreditRecord.record_key == record.record_key)
        .order_by(CreditRecord.version.desc())
        .limit(1)
    )
    return latest or record


def append_event(
    session: Session,
    *,
    record_id: int,
    kind: str,
    effective_on: dt.date,
    source_type: str,
    source_id: int,
    reason: str | None,
    actor: str,
    detail: dict[str, Any] | None = None,
    recorded_at: dt.datetime | None = None,
) -> RecordEvent:
    """Append one status event to a record; ``recorded_at`` (default: now) is its transaction time, the
    instant the platform learnt it (``records.asof``), the caller's clock where it has one."""
    event = RecordEvent(
        record_id=record_id,
        kind=kind,
        effective_on=effective_on,
        source_type=source_type,
        source_id=source_id,
        reason=(reason or "")[:500] or None,
        detail=detail or {},
        actor=actor,
        created_at=recorded_at or utcnow(),
    )
    session.add(event)
    session.flush()
    return event
