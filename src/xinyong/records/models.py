"""Table for credit records: immutable facts with provenance and versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, UniqueConstraint, text
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
        # partial: only corrections point at an earlier version, so a new record costs this index nothing;
        # ``supersedes_id = ?`` (latest_only, the FK) and ``IS NOT NULL`` (evaluation) still use it
        Index(
            "ix_credit_record_supersedes_id",
            "supersedes_id",
            sqlite_where=text("supersedes_id IS NOT NULL"),
            postgresql_where=text("supersedes_id IS NOT NULL"),
        ),
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


class RecordEventKind:
    """Kinds of status events on a record (the status history from which visibility is derived)."""

    OBJECTION_OPENED = "objection_opened"  # 异议中（异议标注）
    OBJECTION_CLOSED = "objection_closed"  # 异议处理完毕（detail.outcome）
    REPAIRED = "repaired"  # 信用修复完成：终止公示、停止共享和使用
    DISCLOSURE_STOPPED = "disclosure_stopped"  # 停止披露（如超期保存异议成立）
    LIST_REMOVED = "list_removed"  # 移出名单
    DELETED = "deleted"  # 依法删除（事实错误等）
    SUSPENDED = "suspended"  # 暂时屏蔽（重整、修复审核中）
    UNSUSPENDED = "unsuspended"  # 解除屏蔽

    ALL = (
        OBJECTION_OPENED,
        OBJECTION_CLOSED,
        REPAIRED,
        DISCLOSURE_STOPPED,
        LIST_REMOVED,
        DELETED,
        SUSPENDED,
        UNSUSPENDED,
    )


class RecordEvent(Base):
    """A dated status event on a credit record, appended by repair, objection and other workflows.

    Whether a record is shown, shared or counted is derived from its dates and these events; nothing
    flips a flag on the record itself.
    """

    __tablename__ = "record_event"
    __table_args__ = (Index("ix_record_event_record", "record_id", "effective_on"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("credit_record.id"))
    kind: Mapped[str] = mapped_column(String(24))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    source_type: Mapped[str | None] = mapped_column(String(24))
    source_id: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(String(500))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
