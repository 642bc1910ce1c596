"""Tables for telling recipients about record changes: who received what, and a retried outbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow


class RecordDisclosureLog(Base):
    """A record handed to a recipient (a check 核查, a report, an export)."""

    __tablename__ = "record_disclosure_log"
    __table_args__ = (Index("ix_record_disclosure_log_record_at", "record_id", "at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("credit_record.id"))
    recipient: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(16))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    ref: Mapped[str | None] = mapped_column(String(100))


class OutboxEndpoint(Base):
    """How a recipient is reached: a webhook URL (HMAC-signed when a secret is set) or the in-DB inbox."""

    __tablename__ = "outbox_endpoint"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(100), unique=True)
    transport: Mapped[str] = mapped_column(String(16))
    url: Mapped[str | None] = mapped_column(String(500))
    secret: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxMessage(Base):
    """A message to deliver at least once; receivers deduplicate by ``idempotency_key``."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "delivered_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    recipient: Mapped[str] = mapped_column(String(100), index=True)
    topic: Mapped[str] = mapped_column(String(48))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    dead_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    transport: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class InboxMessage(Base):
    """A message delivered by the in-database inbox transport, read by its recipient through the API."""

    __tablename__ = "inbox_message"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(100), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    topic: Mapped[str] = mapped_column(String(48))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
