"""Outbox endpoints: recipients read their inbox; the credit centre manages endpoints and dispatches."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi import Path as FastAPIPath
from sqlalchemy import select

from xinyong.app_deps import AppRuntime, DbSession, get_clock
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, Role
from xinyong.clock import Clock
from xinyong.outbox import dispatch, service
from xinyong.outbox.models import OutboxMessage
from xinyong.outbox.schemas import (
    DispatchResult,
    EndpointRead,
    EndpointSet,
    Inbox,
    InboxMessage,
    MessageRead,
    OutboxMessageRead,
)
from xinyong.outbox.workflow import notification_rules

DbId = Annotated[int, FastAPIPath(ge=1, le=2**63 - 1)]

router = APIRouter(prefix="/api/v1", tags=["变更通知"])
RECIPIENTS = (Role.OFFICER, Role.SYSTEM, Role.BANK, Role.SUPERVISOR, Role.ADMIN)


def _d(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@router.get("/inbox", summary="本单位收到的记录变更通知")
def inbox(
    session: DbSession, principal: Principal = Depends(require(*RECIPIENTS)), unread_only: bool = False
) -> Inbox:
    """Return the caller's inbox."""
    recipient = service.recipient_of(principal)
    rows = service.inbox(session, recipient, unread_only=unread_only)
    return Inbox(
        recipient=recipient,
        messages=[
            InboxMessage(
                id=m.id,
                topic=m.topic,
                payload=m.payload,
                received_at=_d(m.received_at),
                read_at=_d(m.read_at),
            )
            for m in rows
        ],
    )


@router.post("/inbox/{message_id}/read", summary="标记已读")
def read(
    message_id: DbId,
    session: DbSession,
    clock: Annotated[Clock, Depends(get_clock)],
    principal: Principal = Depends(require(*RECIPIENTS)),
) -> MessageRead:
    """Mark a message read."""
    msg = service.mark_read(session, service.recipient_of(principal), message_id, clock.now)
    return MessageRead(id=msg.id, read_at=_d(msg.read_at))


@router.put("/outbox/endpoints", summary="配置接收方的推送地址（信用中心）")
def set_endpoint(
    body: EndpointSet, session: DbSession, principal: Principal = Depends(require(Role.ADMIN))
) -> EndpointRead:
    """Create or change a recipient's endpoint."""
    row = service.set_endpoint(
        session,
        actor=principal.actor,
        recipient=body.recipient,
        transport=body.transport,
        url=body.url,
        secret=body.secret,
        active=body.active,
    )
    return EndpointRead(
        id=row.id, recipient=row.recipient, transport=row.transport, url=row.url, active=row.active
    )


@router.get("/outbox/messages", summary="发件箱（信用中心）")
def messages(
    session: DbSession,
    principal: Principal = Depends(require(Role.ADMIN, Role.AUDITOR)),
    pending_only: bool = False,
    limit: int = Query(default=100, ge=1, le=1000),
) -> list[OutboxMessageRead]:
    """List outbox messages with their delivery state."""
    q = select(OutboxMessage)
    if pending_only:
        q = q.where(OutboxMessage.delivered_at.is_(None), OutboxMessage.dead_at.is_(None))
    return [
        OutboxMessageRead(
            id=m.id,
            recipient=m.recipient,
            topic=m.topic,
            idempotency_key=m.idempotency_key,
            attempts=m.attempts,
            next_attempt_at=_d(m.next_attempt_at),
            delivered_at=_d(m.delivered_at),
            dead_at=_d(m.dead_at),
            last_error=m.last_error,
            transport=m.transport,
        )
        for m in session.scalars(q.order_by(OutboxMessage.id.desc()).limit(limit))
    ]


@router.post("/outbox/dispatch", summary="立即投递到期消息（信用中心）")
def dispatch_now(runtime: AppRuntime, principal: Principal = Depends(require(Role.ADMIN))) -> DispatchResult:
    """Deliver due messages now (each in its own transaction)."""
    rules = notification_rules(runtime.policy)
    result = dispatch.dispatch_due(runtime.sessions, rules, dispatch.default_transports(rules))
    return DispatchResult(delivered=result.delivered, retried=result.retried, dead=result.dead)
