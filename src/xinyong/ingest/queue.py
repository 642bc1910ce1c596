"""The 未关联 queue: list unresolved rows, record a reviewer's same / not-same decision, link records.

A "same" decision links the row (a credit record is created as if the row had been resolved on
arrival) and every other pending row with the same normalised name and county; it is stored and reused
for later batches. A "not same" decision drops that candidate now and for later rows of the same name.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.db import utcnow
from xinyong.departments.models import Department
from xinyong.errors import Conflict, NotFound
from xinyong.ingest import retention
from xinyong.ingest.models import LINKED, PENDING, MatchDecision, UnresolvedRow
from xinyong.ingest.payload import digest
from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.records.schemas import RecordVersionIn
from xinyong.subjects.models import Subject

STATUS_LABELS = {PENDING: "待关联", LINKED: "已关联"}  # the review queue's tabs and row badges


def _visible(row: UnresolvedRow, department_id: int | None) -> bool:
    return department_id is None or row.department_id == department_id


def unresolved_dict(row: UnresolvedRow) -> dict[str, Any]:
    """Return a queue row for the API."""
    return {
        "id": row.id,
        "batch_id": row.batch_id,
        "department_id": row.department_id,
        "source_id": row.source_id,
        "catalog_item": row.catalog_item,
        "subject_name": row.subject_name,
        "region_code": row.region_code,
        "subject_category": row.subject_category,
        "document_no": row.document_no,
        "decision_on": row.decision_on.isoformat() if row.decision_on else None,
        "status": row.status,
        "status_label": STATUS_LABELS.get(row.status, row.status),
        "pending": row.status == PENDING,
        "subject_id": row.subject_id,
        "record_id": row.record_id,
        "candidates": row.candidates,
        "payload": row.payload,
    }


def list_unresolved(
    session: Session, *, department_id: int | None, status: str = PENDING, limit: int = 50, offset: int = 0
) -> list[UnresolvedRow]:
    """Return queue rows (of one department unless ``department_id`` is ``None``)."""
    query = select(UnresolvedRow).where(UnresolvedRow.status == status)
    if department_id is not None:
        query = query.where(UnresolvedRow.department_id == department_id)
    return list(session.scalars(query.order_by(UnresolvedRow.id).limit(min(limit, 500)).offset(offset)))


def get_unresolved(session: Session, row_id: int, *, department_id: int | None) -> UnresolvedRow:
    """Return one queue row the caller may see."""
    row = session.get(UnresolvedRow, row_id)
    if row is None or not _visible(row, department_id):
        raise NotFound(f"待关联记录 {row_id} 不存在", code="ingest.unresolved_not_found")
    return row


def _link(session: Session, policy: Policy, row: UnresolvedRow, subject_id: int, actor: str) -> None:
    dept_code = session.scalar(select(Department.code).where(Department.id == row.department_id)) or ""
    doc = "".join(unicodedata.normalize("NFKC", row.document_no or "").upper().split())
    key = digest([f"{row.catalog_item}\x1f{dept_code}\x1f{doc}\x1f{subject_id}"])[0] or ""
    chash = row.content_hash
    prev = records_service.latest_version(session, key)
    row.status = LINKED
    row.subject_id = subject_id
    row.decided_by = actor
    row.decided_at = utcnow()
    today = row.decided_at.astimezone(ZoneInfo("Asia/Shanghai")).date()
    intake = retention.IntakeRow(
        0, subject_id, row.decision_on, row.valid_to, row.severity, json.dumps(row.payload)
    )
    if retention.expired_at_intake(session, policy, row.catalog_item, row.polarity, [intake], today):
        row.status = "archived"  # past retention: stays in this archive row, never a credit record
        return
    if prev is not None and prev.content_hash == chash:
        row.record_id = prev.id
        return
    version = RecordVersionIn(
        record_key=key,
        catalog_item=row.catalog_item,
        catalog_version=row.catalog_version,
        subject_id=subject_id,
        department_id=row.department_id,
        document_no=row.document_no,
        decision_on=row.decision_on,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        severity=row.severity,
        polarity=row.polarity,
        payload=row.payload,
        content_hash=chash,
        version=(prev.version + 1) if prev else 1,
        supersedes_id=prev.id if prev else None,
        batch_id=row.batch_id,
        policy_hash=policy.hash,
    )
    record = records_service.add_version(session, version, received_at=row.received_at)
    row.record_id = record.id


def _remember(session: Session, row: UnresolvedRow, subject_id: int, same: bool, actor: str) -> None:
    """Store the decision for the written name and county (reused for later batches); refuse a reversal."""
    region_key = row.region_code or ""
    existing = session.scalar(
        select(MatchDecision).where(
            MatchDecision.name_norm == row.name_norm,
            MatchDecision.region_key == region_key,
            MatchDecision.subject_id == subject_id,
        )
    )
    if existing is not None and existing.same != same:
        raise Conflict("此前已对该名称与主体作出相反的判定", code="ingest.decision_conflict")
    if existing is None:
        session.add(
            MatchDecision(
                name_norm=row.name_norm,
                region_key=region_key,
                subject_id=subject_id,
                same=same,
                unresolved_id=row.id,
                actor=actor,
            )
        )


def _same_name_pending(session: Session, row: UnresolvedRow) -> list[UnresolvedRow]:
    """Return the pending rows with the same normalised name and county (the row itself included)."""
    region = UnresolvedRow.region_code
    return list(
        session.scalars(
            select(UnresolvedRow).where(
                UnresolvedRow.status == PENDING,
                UnresolvedRow.name_norm == row.name_norm,
                region.is_(None) if row.region_code is None else region == row.region_code,
            )
        )
    )


def decide(
    session: Session,
    policy: Policy,
    row_id: int,
    *,
    subject_id: int,
    same: bool,
    actor: str,
    department_id: int | None,
) -> dict[str, Any]:
    """Store a reviewer's decision and apply it; return what changed."""
    row = get_unresolved(session, row_id, department_id=department_id)
    if row.status != PENDING:
        raise Conflict("该记录已处理", code="ingest.unresolved_decided")
    if session.get(Subject, subject_id) is None:
        raise NotFound(f"信用主体 {subject_id} 不存在", code="subject.not_found")
    _remember(session, row, subject_id, same, actor)
    linked: list[int] = []
    if same:
        for other in _same_name_pending(session, row):
            _link(session, policy, other, subject_id, actor)
            linked.append(other.id)
    else:
        row.candidates = [c for c in row.candidates if c.get("subject_id") != subject_id]
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="ingest.match_decision",
        object_type="ingest_unresolved",
        object_id=row.id,
        detail={"subject_id": subject_id, "same": same, "linked": linked},
    )
    return {"id": row.id, "same": same, "subject_id": subject_id, "linked": linked, "status": row.status}
