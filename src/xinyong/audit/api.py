"""Endpoints for auditors: read the audit log and verify its chain."""

from __future__ import annotations

from fastapi import APIRouter, Query
from sqlalchemy import select

from xinyong.app_deps import DbSession
from xinyong.audit import service
from xinyong.audit.models import AuditEvent
from xinyong.audit.schemas import AuditRead, ChainRead
from xinyong.auth.access import Capability, ensure
from xinyong.auth.deps import Caller

router = APIRouter(prefix="/api/v1/audit", tags=["审计"])


@router.get("/events", summary="审计日志（按序号分页）", response_model=list[AuditRead])
def audit_events(
    session: DbSession,
    principal: Caller,
    after_seq: int = Query(0, ge=0, le=2**62),
    limit: int = Query(100, ge=1, le=1000),
    action: str | None = Query(None, max_length=64),
) -> list[AuditRead]:
    """Return audit entries after ``after_seq``."""
    ensure(principal, Capability.READ_AUDIT)
    stmt = select(AuditEvent).where(AuditEvent.seq > after_seq).order_by(AuditEvent.seq).limit(limit)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return [
        AuditRead(
            seq=e.seq,
            occurred_at=e.occurred_at,
            actor=e.actor,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            detail=e.detail,
            prev_hash=e.prev_hash,
            hash=e.hash,
        )
        for e in session.scalars(stmt)
    ]


@router.get("/verify", summary="校验审计哈希链", response_model=ChainRead)
def audit_verify(
    session: DbSession,
    principal: Caller,
) -> ChainRead:
    """Verify the whole chain."""
    ensure(principal, Capability.READ_AUDIT)
    check = service.verify(session)
    return ChainRead(
        ok=check.ok, entries=check.entries, first_bad_seq=check.first_bad_seq, reason=check.reason
    )
