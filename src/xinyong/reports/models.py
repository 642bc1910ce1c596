"""Tables of issued credit reports: the report, its signed files, the records it holds, its events.

A report's status (valid, revoked, superseded by a correction) is derived from its events; nothing
flips a flag on the report row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow

PUBLIC_RECIPIENT = "public"  # the recipient of a report anyone may download (no delivery to log)


class CreditReport(Base):
    """One issued report. ``number`` is the issue time (Asia/Shanghai, to the second) + the row id."""

    __tablename__ = "credit_report"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    scope: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    audience: Mapped[str] = mapped_column(String(24))
    recipient: Mapped[str] = mapped_column(String(100), index=True)
    purpose: Mapped[str | None] = mapped_column(String(200))
    policy_hash: Mapped[str] = mapped_column(String(64))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    json_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(100))
    known_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime
    )  # transaction-time cut-off (``records.asof``)


class CreditReportFile(Base):
    """The signed PDF and the signed JSON twin of a report, byte for byte as handed out."""

    __tablename__ = "credit_report_file"

    report_id: Mapped[int] = mapped_column(ForeignKey("credit_report.id"), primary_key=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    json: Mapped[bytes] = mapped_column(LargeBinary)


class CreditReportItem(Base):
    """A record version printed in a report (so a later correction finds the reports it touches)."""

    __tablename__ = "credit_report_item"
    __table_args__ = (Index("ix_credit_report_item_record_key", "record_key"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("credit_report.id"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("credit_record.id"))
    record_key: Mapped[str] = mapped_column(String(64))


class ReportEventKind:
    """Kinds of report events."""

    REVOKED = "revoked"  # 撤销（如异议查实报告有误）
    CORRECTED = "corrected"  # 所载记录其后被更正、修复或删除：报告已被更正信息取代


class CreditReportEvent(Base):
    """A dated event of a report; its status is derived from these."""

    __tablename__ = "credit_report_event"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("credit_report.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(String(500))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
