"""The columns every case table shares (信用修复申请, 异议): the record it is about, its state and its clock."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import UTCDateTime, utcnow


class CaseColumns:
    """Mixin of a case table: the record (all versions by key), the state, the clock and the decision."""

    record_id: Mapped[int] = mapped_column(ForeignKey("credit_record.id"))
    record_key: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    state: Mapped[str] = mapped_column(String(24))
    policy_hash: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    accept_due_on: Mapped[dt.date | None] = mapped_column(Date)
    accepted_on: Mapped[dt.date | None] = mapped_column(Date)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decide_due_on: Mapped[dt.date | None] = mapped_column(Date)
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decision_reason: Mapped[str | None] = mapped_column(String(1000))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
