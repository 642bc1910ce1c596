"""Deliver due outbox messages through pluggable transports, with exponential backoff.

At-least-once: a message is marked delivered only after its transport succeeded; a crash in between
sends it again, so every delivery carries the ``Idempotency-Key`` receivers deduplicate on (the inbox
transport does so by a unique key). Each message is handled in its own transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Protocol

import httpx
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from xinyong.db import utcnow
from xinyong.outbox.models import InboxMessage, OutboxEndpoint, OutboxMessage
from xinyong.outbox.workflow import NotificationWorkflow


class DeliveryError(Exception):
    """A transport could not deliver a message (it will be retried)."""


class Transport(Protocol):
    """Delivers one message or raises ``DeliveryError``."""

    name: str

    def send(self, session: Session, msg: OutboxMessage, endpoint: OutboxEndpoint | None) -> None:
        """Deliver ``msg``."""


class InboxTransport:
    """Writes the message into the recipient's in-database inbox (idempotent by key)."""

    name = "inbox"

    def send(self, session: Session, msg: OutboxMessage, endpoint: OutboxEndpoint | None) -> None:
        """Deliver ``msg`` to the inbox table."""
        exists = session.scalar(
            select(InboxMessage.id).where(InboxMessage.idempotency_key == msg.idempotency_key)
        )
        if exists is None:
            session.add(
                InboxMessage(
                    recipient=msg.recipient,
                    idempotency_key=msg.idempotency_key,
                    topic=msg.topic,
                    payload=msg.payload,
                )
            )
            session.flush()


def signature(secret: str, body: bytes) -> str:
    """Return the ``X-Xinyong-Signature`` value of a webhook body (HMAC-SHA256, hex)."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class WebhookTransport:
    """POSTs the message as JSON to the recipient's URL; any 2xx answer counts as delivered."""

    name = "webhook"

    def __init__(self, timeout_s: float = 10.0, client: httpx.Client | None = None) -> None:
        self._client = client or httpx.Client(timeout=timeout_s, follow_redirects=False)

    def send(self, session: Session, msg: OutboxMessage, endpoint: OutboxEndpoint | None) -> None:
        """Deliver ``msg`` to ``endpoint.url``."""
        if endpoint is None or not endpoint.url:
            raise DeliveryError("未配置 webhook 地址")
        body = json.dumps(
            {
                "id": msg.id,
                "topic": msg.topic,
                "idempotency_key": msg.idempotency_key,
                "payload": msg.payload,
            },
            ensure_ascii=False,
            sort_keys=True,
        ).encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": msg.idempotency_key,
            "X-Xinyong-Topic": msg.topic,
        }
        if endpoint.secret:
            headers["X-Xinyong-Signature"] = signature(endpoint.secret, body)
        try:
            response = self._client.post(endpoint.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
        if not 200 <= response.status_code < 300:
            raise DeliveryError(f"HTTP {response.status_code}: {response.text[:200]}")


def backoff(attempts: int, rules: NotificationWorkflow) -> dt.timedelta:
    """Return the wait before attempt ``attempts + 1``: base·2^(attempts−1), capped."""
    seconds = rules.backoff_base_seconds * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, rules.backoff_max_seconds))


@dataclass
class DispatchResult:
    """What one dispatch run did."""

    delivered: int = 0
    retried: int = 0
    dead: int = 0


def dispatch_due(
    sessions: sessionmaker[Session],
    rules: NotificationWorkflow,
    transports: dict[str, Transport],
    *,
    now: dt.datetime | None = None,
    limit: int = 100,
) -> DispatchResult:
    """Deliver messages that are due; commit each outcome separately."""
    moment = now or utcnow()
    result = DispatchResult()
    with sessions() as session:
        ids = list(
            session.scalars(
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.delivered_at.is_(None),
                    OutboxMessage.dead_at.is_(None),
                    or_(OutboxMessage.next_attempt_at <= moment),
                )
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(limit)
            )
        )
    for msg_id in ids:
        with sessions() as session, session.begin():
            msg = session.scalar(
                select(OutboxMessage).where(OutboxMessage.id == msg_id).with_for_update(skip_locked=True)
            )
            if msg is None or msg.delivered_at is not None or msg.dead_at is not None:
                continue
            endpoint = session.scalar(
                select(OutboxEndpoint).where(
                    OutboxEndpoint.recipient == msg.recipient, OutboxEndpoint.active.is_(True)
                )
            )
            name = endpoint.transport if endpoint is not None else "inbox"
            transport = transports.get(name)
            msg.attempts += 1
            msg.transport = name
            try:
                if transport is None:
                    raise DeliveryError(f"未知的投递方式 {name}")
                with session.begin_nested():
                    transport.send(session, msg, endpoint)
            except DeliveryError as exc:
                msg.last_error = str(exc)[:2000]
                if msg.attempts >= rules.max_attempts:
                    msg.dead_at = moment
                    result.dead += 1
                else:
                    msg.next_attempt_at = moment + backoff(msg.attempts, rules)
                    result.retried += 1
                continue
            msg.delivered_at = moment
            msg.last_error = None
            result.delivered += 1
    return result


def default_transports(rules: NotificationWorkflow) -> dict[str, Transport]:
    """Return the platform's transports: webhook and inbox."""
    return {"webhook": WebhookTransport(rules.webhook_timeout_seconds), "inbox": InboxTransport()}
