"""Typed input and output of the outbox API (inbox, endpoints, delivery state)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from xinyong.kit.schema import JsonObject, Timestamp


class InboxMessage(BaseModel):
    """One change notice delivered to a recipient's inbox."""

    id: int
    topic: str
    payload: JsonObject = Field(description="通知内容（随 topic 而定，如 record_id 与变更字段）")
    received_at: Timestamp | None
    read_at: Timestamp | None


class Inbox(BaseModel):
    """A recipient's inbox."""

    recipient: str
    messages: list[InboxMessage]


class MessageRead(BaseModel):
    """A message marked read."""

    id: int
    read_at: Timestamp | None


class EndpointSet(BaseModel):
    """How a recipient is reached."""

    recipient: str = Field(min_length=1, max_length=100, pattern=r"^[^\x00]*$")
    transport: Literal["webhook", "inbox"]
    url: str | None = Field(default=None, max_length=500, pattern=r"^[^\x00]*$")
    secret: str | None = Field(default=None, max_length=200)
    active: bool = True


class EndpointRead(BaseModel):
    """A recipient's endpoint (the secret is never shown)."""

    id: int
    recipient: str
    transport: str
    url: str | None
    active: bool


class OutboxMessageRead(BaseModel):
    """An outbox message with its delivery state."""

    id: int
    recipient: str
    topic: str
    idempotency_key: str
    attempts: int
    next_attempt_at: Timestamp | None
    delivered_at: Timestamp | None
    dead_at: Timestamp | None
    last_error: str | None
    transport: str | None


class DispatchResult(BaseModel):
    """What one dispatch run did."""

    delivered: int
    retried: int
    dead: int
