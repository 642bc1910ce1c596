"""Delivery log and outbox use cases: log a hand-out, notify past recipients, manage endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, cast

from sqlalchemy import Connection, Table, select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth.principal import Principal
from xinyong.db import utcnow
from xinyong.db_prepared import PreparedInsert, connection_of
from xinyong.errors import Invalid, NotFound
from xinyong.outbox.models import InboxMessage, OutboxEndpoint, OutboxMessage, RecordDisclosureLog
from xinyong.outbox.workflow import notification_rules
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord

_LOG = cast(Table, RecordDisclosureLog.__table__)
_DELIVERED = PreparedInsert(_LOG, ("record_id", "recipient", "channel", "at", "ref"))
Channel = Literal["check", "report", "export", "api"]
CHANNELS = ("check", "report", "export", "api")


def recipient_of(principal: Principal) -> str:
    """Return the stable recipient name of a caller (its department, organisation or account)."""
    if principal.department_id is not None:
        return f"department:{principal.department_id}"
    if principal.organisation:
        return f"org:{principal.organisation}"
    if principal.account_id is not None:
        return f"account:{principal.account_id}"
    return principal.actor


def log_delivery(
    session: Session,
    *,
    record_ids: list[int],
    recipient: str,
    channel: Channel,
    at: dt.datetime | None = None,
    ref: str | None = None,
) -> int:
    """Record that ``recipient`` received these records (call it whenever records are handed out)."""
    return log_deliveries(session, [(rid, recipient, ref) for rid in record_ids], channel=channel, at=at)


def log_deliveries(
    session: Session | Connection,
    deliveries: list[tuple[int, str, str | None]],
    *,
    channel: Channel,
    at: dt.datetime | None = None,
) -> int:
    """Record many hand-outs ``(record_id, recipient, ref)`` with one set-based insert (batches, group commits).

    A record given twice to the same recipient under the same reference is logged once.
    """
    if channel not in CHANNELS:
        raise Invalid(f"未知的提供渠道 {channel}", code="outbox.bad_channel")
    when = at or utcnow()
    rows = [(rid, who, channel, when, ref) for rid, who, ref in dict.fromkeys(deliveries)]
    _DELIVERED.many(connection_of(session), rows)
    return len(rows)


def recipients_of_record(session: Session, record_key: str, since: dt.datetime) -> list[str]:
    """Return who received any version of a record since ``since``."""
    versions = select(CreditRecord.id).where(CreditRecord.record_key == record_key)
    rows = session.scalars(
        select(RecordDisclosureLog.recipient)
        .where(RecordDisclosureLog.record_id.in_(versions), RecordDisclosureLog.at >= since)
        .distinct()
        .order_by(RecordDisclosureLog.recipient)
    )
    return list(rows)


def enqueue(
    session: Session,
    *,
    recipient: str,
    topic: str,
    idempotency_key: str,
    payload: dict[str, Any],
    now: dt.datetime,
) -> OutboxMessage | None:
    """Queue one message; a second call with the same key is a no-op (returns ``None``)."""
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == idempotency_key)):
        return None
    msg = OutboxMessage(
        idempotency_key=idempotency_key,
        recipient=recipient,
        topic=topic,
        payload=payload,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(msg)
    session.flush()
    return msg


def notify_record_change(
    session: Session,
    policy: Policy,
    *,
    record_key: str,
    topic: str,
    idempotency_base: str,
    payload: dict[str, Any],
    now: dt.datetime,
) -> int:
    """Queue a notice to each party that received the record within the look-back window."""
    days = notification_rules(policy).lookback_days
    count = 0
    for recipient in recipients_of_record(session, record_key, now - dt.timedelta(days=days)):
        key = f"{idempotency_base}:{record_key}:{recipient}"
        body = {**payload, "record_key": record_key, "idempotency_key": key, "recipient": recipient}
        if enqueue(session, recipient=recipient, topic=topic, idempotency_key=key, payload=body, now=now):
            count += 1
    return count


def set_endpoint(
    session: Session,
    *,
    actor: str,
    recipient: str,
    transport: Literal["webhook", "inbox"],
    url: str | None = None,
    secret: str | None = None,
    active: bool = True,
) -> OutboxEndpoint:
    """Create or change how a recipient is reached."""
    if transport == "webhook" and not (url and url.startswith(("http://", "https://"))):
        raise Invalid("webhook 方式必须提供 http(s) 地址", code="outbox.bad_url")
    row = session.scalar(select(OutboxEndpoint).where(OutboxEndpoint.recipient == recipient))
    if row is None:
        row = OutboxEndpoint(recipient=recipient)
        session.add(row)
    row.transport, row.url, row.secret, row.active = transport, url, secret, active
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="outbox.endpoint.set",
        object_type="outbox_endpoint",
        object_id=row.id,
        detail={"recipient": recipient, "transport": transport, "url": url},
    )
    return row


def inbox(
    session: Session, recipient: str, *, unread_only: bool = False, limit: int = 100
) -> list[InboxMessage]:
    """Return a recipient's inbox, newest first."""
    q = select(InboxMessage).where(InboxMessage.recipient == recipient)
    if unread_only:
        q = q.where(InboxMessage.read_at.is_(None))
    return list(session.scalars(q.order_by(InboxMessage.id.desc()).limit(limit)))


def mark_read(session: Session, recipient: str, message_id: int, now: dt.datetime) -> InboxMessage:
    """Mark an inbox message read."""
    msg = session.get(InboxMessage, message_id)
    if msg is None or msg.recipient != recipient:
        raise NotFound("消息不存在", code="inbox.not_found")
    msg.read_at = msg.read_at or now
    session.flush()
    return msg
