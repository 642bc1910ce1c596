"""Table for credit records: immutable facts with provenance and versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow


class CreditRecord(Base):
    """One credit record (信用记录) of a catalog item for a subject.

    A record is never updated in place: a correction from the department is a new version whose
    ``supersedes_id`` points at the old one; both are kept. ``record_key`` identifies the fact across
    versions (catalog item, source department, decision document number, subject).
    """

    __tablename__ = "credit_record"
    __table_args__ = (
        UniqueConstraint("record_key", "version"),
        Index("ix_credit_record_subject_item", "subject_id", "catalog_item"),
        Index("ix_credit_record_item_decided", "catalog_item", "decision_on"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    record_key: Mapped[str] = mapped_column(String(64))
    catalog_item: Mapped[str] = mapped_column(String(32))
    catalog_version: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    document_no: Mapped[str | None] = mapped_column(String(200))
    decision_on: Mapped[dt.date | None] = mapped_column(Date)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    severity: Mapped[str | None] = mapped_column(String(8))
    polarity: Mapped[str] = mapped_column(String(8))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("credit_record.id"))
    batch_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    policy_hash: Mapped[str | None] = mapped_column(String(64))
    first_received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
