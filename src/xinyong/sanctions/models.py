"""Tables of the 核查 check: the check log, hits with department feedback, screening decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow


class CheckLog(Base):
    """One call of the check (核查日志), kept as the query log of Regulation Art. 20."""

    __tablename__ = "check_log"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    check_id: Mapped[str] = mapped_column(String(32), unique=True)
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    scenario: Mapped[str] = mapped_column(String(32))
    checked_on: Mapped[dt.date] = mapped_column(Date)
    subject_count: Mapped[int] = mapped_column(Integer)
    hit_count: Mapped[int] = mapped_column(Integer)
    reward_count: Mapped[int] = mapped_column(Integer)
    subjects: Mapped[list[Any]] = mapped_column(JSONType)
    explain: Mapped[bool] = mapped_column(Boolean, default=False)
    result_hash: Mapped[str] = mapped_column(String(64))
    policy_hash: Mapped[str] = mapped_column(String(64))
    # the transaction-time cut-off the answer was computed with (``records.asof``): replayable
    known_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class CheckHit(Base):
    """A measure hit returned by a check (numbered within it); the department's feedback lands here."""

    __tablename__ = "check_hit"
    __table_args__ = (
        UniqueConstraint("check_id", "hit_no"),
        Index("ix_check_hit_department_due", "department_id", "due_on"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    check_id: Mapped[str] = mapped_column(ForeignKey("check_log.check_id"))
    hit_no: Mapped[int] = mapped_column(Integer)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    measure_id: Mapped[str] = mapped_column(String(64))
    mandatory: Mapped[bool] = mapped_column(Boolean)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    feedback: Mapped[str | None] = mapped_column(String(16))
    feedback_reason: Mapped[str | None] = mapped_column(String(500))
    feedback_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    feedback_by: Mapped[str | None] = mapped_column(String(100))


class ScreenDecision(Base):
    """A reviewer's decision that a screened name and a candidate are (not) the same subject."""

    __tablename__ = "screen_decision"
    __table_args__ = (UniqueConstraint("query_norm", "candidate_kind", "candidate_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    query_norm: Mapped[str] = mapped_column(String(200))
    candidate_kind: Mapped[str] = mapped_column(String(16))
    candidate_id: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(500))
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
