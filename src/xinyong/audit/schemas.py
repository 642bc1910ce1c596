"""Typed output of the audit API."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from xinyong.kit.schema import JsonObject


class AuditRead(BaseModel):
    """One audit entry."""

    seq: int
    occurred_at: dt.datetime
    actor: str
    action: str
    object_type: str
    object_id: str | None = None
    detail: JsonObject
    prev_hash: str
    hash: str


class ChainRead(BaseModel):
    """Result of verifying the chain."""

    ok: bool
    entries: int
    first_bad_seq: int | None = None
    reason: str | None = None
