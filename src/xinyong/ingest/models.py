"""Tables of 归集: batches, per-department batch statistics, rejected rows, the 未关联 queue, decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow


class IngestBatch(Base):
    """One file or API delivery of a source (批次); written in the same transaction as its rows.

    Every row read ends in exactly one bucket: ``rows = accepted + updated + duplicate + rejected +
    unresolved`` (unresolved = validated but waiting in the 未关联 queue for a subject).
    """

    __tablename__ = "ingest_batch"
    __table_args__ = (Index("ix_ingest_batch_source_hash", "source_id", "file_hash"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    source_id: Mapped[str] = mapped_column(String(32))
    catalog_item: Mapped[str] = mapped_column(String(32))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(300))
    file_hash: Mapped[str] = mapped_column(String(64))
    file_format: Mapped[str] = mapped_column(String(8))
    encoding: Mapped[str | None] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(8), default="file")
    status: Mapped[str] = mapped_column(String(16), default="committed")
    rows: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    duplicate: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    unresolved: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[int] = mapped_column(Integer, default=0)  # past retention on arrival: archive only
    subjects_created: Mapped[int] = mapped_column(Integer, default=0)
    headers: Mapped[list[str]] = mapped_column(JSONType, default=list)
    unknown_columns: Mapped[list[str]] = mapped_column(JSONType, default=list)
    warnings: Mapped[list[str]] = mapped_column(JSONType, default=list)
    policy_hash: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    @property
    def rejects_format(self) -> str:
        """Return the format a department gets its rejected rows back in: its own spreadsheet, else CSV."""
        return "xlsx" if self.file_format == "xlsx" else "csv"


class IngestBatchStat(Base):
    """Counts of one batch for one department (national 双公示 files carry many departments)."""

    __tablename__ = "ingest_batch_stat"
    __table_args__ = (UniqueConstraint("batch_id", "department_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    duplicate: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    unresolved: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[int] = mapped_column(Integer, default=0)
    fields_expected: Mapped[int] = mapped_column(BigInteger, default=0)
    fields_filled: Mapped[int] = mapped_column(BigInteger, default=0)
    code_errors: Mapped[int] = mapped_column(Integer, default=0)
    code_conflicts: Mapped[int] = mapped_column(Integer, default=0)


class IngestRowReject(Base):
    """A rejected input row: its raw content (encrypted, as it may hold ID numbers), a masked copy for
    display, and every error (code, field, Chinese message)."""

    __tablename__ = "ingest_row_reject"
    __table_args__ = (Index("ix_ingest_row_reject_batch", "batch_id", "line_no"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    line_no: Mapped[int | None] = mapped_column(Integer)
    raw_enc: Mapped[bytes] = mapped_column(LargeBinary)
    raw_masked: Mapped[dict[str, Any]] = mapped_column(JSONType)
    errors: Mapped[list[dict[str, str]]] = mapped_column(JSONType)


class ArchivedRow(Base):
    """A valid row already past the retention period when received: kept for audit, not a credit record.

    The content is encrypted (it may hold ID numbers) and never read by files, evaluation or checks.
    """

    __tablename__ = "ingest_archived_row"
    __table_args__ = (Index("ix_ingest_archived_row_batch", "batch_id", "line_no"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subject.id"))
    line_no: Mapped[int | None] = mapped_column(Integer)
    catalog_item: Mapped[str] = mapped_column(String(32))
    document_no: Mapped[str | None] = mapped_column(String(200))
    decision_on: Mapped[dt.date | None] = mapped_column(Date)
    retention_end: Mapped[dt.date] = mapped_column(Date)
    content_hash: Mapped[str] = mapped_column(String(64))
    payload_enc: Mapped[bytes] = mapped_column(LargeBinary)
    code: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(String(500))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


PENDING, LINKED = "pending", "linked"  # an unresolved row waits for review, then is linked to a subject


class UnresolvedRow(Base):
    """A validated row whose subject could not be identified (未关联队列), with ranked candidates."""

    __tablename__ = "ingest_unresolved"
    __table_args__ = (Index("ix_ingest_unresolved_status", "status", "department_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    source_id: Mapped[str] = mapped_column(String(32))
    catalog_item: Mapped[str] = mapped_column(String(32))
    catalog_version: Mapped[str] = mapped_column(String(32))
    line_no: Mapped[int | None] = mapped_column(Integer)
    subject_name: Mapped[str] = mapped_column(String(200))
    name_norm: Mapped[str] = mapped_column(String(200), index=True)
    region_code: Mapped[str | None] = mapped_column(String(6))
    subject_category: Mapped[str | None] = mapped_column(String(16))
    document_no: Mapped[str | None] = mapped_column(String(200))
    decision_on: Mapped[dt.date | None] = mapped_column(Date)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    severity: Mapped[str | None] = mapped_column(String(8))
    polarity: Mapped[str] = mapped_column(String(8))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    content_hash: Mapped[str] = mapped_column(String(64))
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subject.id"))
    record_id: Mapped[int | None] = mapped_column(BigInteger)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class MatchDecision(Base):
    """A reviewer's same / not-same decision between a written name (+ region) and a subject; reused
    for later rows with the same normalised name."""

    __tablename__ = "ingest_match_decision"
    __table_args__ = (UniqueConstraint("name_norm", "region_key", "subject_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    name_norm: Mapped[str] = mapped_column(String(200), index=True)
    region_key: Mapped[str] = mapped_column(String(6), default="")
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    same: Mapped[bool] = mapped_column(Boolean)
    unresolved_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_unresolved.id"))
    actor: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
