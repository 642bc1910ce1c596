"""Tables of 信用承诺: the commitment and its fulfilment history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base, BigIntPK, UTCDateTime, utcnow


class Commitment(Base):
    """A credit commitment (信用承诺) with its code, type, receiving body and current fulfilment status."""

    __tablename__ = "commitment"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    type: Mapped[str] = mapped_column(String(16), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    matter: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    committed_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8))
    status_on: Mapped[dt.date] = mapped_column(Date)
    breach_record_id: Mapped[int | None] = mapped_column(ForeignKey("credit_record.id"))
    source: Mapped[str] = mapped_column(String(8))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CommitmentEvent(Base):
    """A change of fulfilment status (履约状态) with its effective date and reason."""

    __tablename__ = "commitment_event"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(8))
    to_status: Mapped[str] = mapped_column(String(8))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(500))
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
