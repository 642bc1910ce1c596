"""The registers' writes, each with its audit row in the same transaction: a new row, the end of a dated
period (a cancelled filing, a practitioner or civil servant leaving), and a new credit record written
through the records service (a supervision event, a sanction)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.departments.models import Department
from xinyong.errors import Conflict, Invalid
from xinyong.policy.loader import Policy
from xinyong.policy.schemas import CatalogItem
from xinyong.records import service as records_service
from xinyong.records.models import CreditRecord


class Row(Protocol):
    """A register row: its table and id."""

    __tablename__: str
    id: int


R = TypeVar("R", bound=Row)


def added(session: Session, row: R, *, actor: str, action: str, detail: dict[str, Any]) -> R:
    """Add a register row, flush it and write its audit row."""
    session.add(row)
    session.flush()
    audit.append(
        session, actor=actor, action=action, object_type=row.__tablename__, object_id=row.id, detail=detail
    )
    return row


def ended(
    session: Session,
    row: R,
    field: str,
    *,
    start: dt.date,
    day: dt.date,
    actor: str,
    action: str,
    already: Conflict,
    too_early: Invalid,
) -> R:
    """End a dated period on ``day`` (``field`` holds the end; the status follows from it), audited."""
    if getattr(row, field) is not None:
        raise already
    if day < start:
        raise too_early
    setattr(row, field, day)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action=action,
        object_type=row.__tablename__,
        object_id=row.id,
        detail={field: day.isoformat()},
    )
    return row


def new_record(
    session: Session,
    policy: Policy,
    item: CatalogItem,
    *,
    subject_id: int,
    department: Department,
    document_no: str,
    decided_on: dt.date,
    severity: str | None,
    payload: dict[str, Any],
    actor: str,
    action: str,
    duplicate: Conflict,
) -> CreditRecord:
    """Write a workflow's new credit record (refusing a second one for the same document) and its audit row."""
    version = records_service.first_version(
        f"{item.id}|{department.code}|{document_no}|{subject_id}",
        item=item,
        subject_id=subject_id,
        department_id=department.id,
        document_no=document_no,
        decision_on=decided_on,
        severity=severity,
        payload={k: v for k, v in payload.items() if v is not None},
        policy_hash=policy.hash,
    )
    record = records_service.add_new_version(session, version)
    if record is None:
        raise duplicate
    detail = {"subject_id": subject_id, "catalog_item": item.id, "document_no": document_no}
    audit.append(
        session, actor=actor, action=action, object_type="credit_record", object_id=record.id, detail=detail
    )
    return record
