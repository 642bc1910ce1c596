"""Tables of the repair workflow: cases, uploaded materials and repair notices (信用修复告知书)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow


class RepairCase(Base):
    """A repair application (信用修复申请), routed to the department that made the finding."""

    __tablename__ = "repair_case"
    __table_args__ = (
        Index("ix_repair_case_department_state", "department_id", "state"),
        Index("ix_repair_case_record", "record_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("credit_record.id"))
    record_key: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    mode: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(24))
    applicant_actor: Mapped[str] = mapped_column(String(100))
    applicant_name: Mapped[str | None] = mapped_column(String(100))
    agent_name: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    obligations_fulfilled: Mapped[bool] = mapped_column(Boolean)
    commitment_signed: Mapped[bool] = mapped_column(Boolean)
    statement: Mapped[str | None] = mapped_column(Text)
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSONType)
    regime_id: Mapped[str | None] = mapped_column(String(32))
    policy_hash: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    accept_due_on: Mapped[dt.date | None] = mapped_column(Date)
    accepted_on: Mapped[dt.date | None] = mapped_column(Date)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decide_due_on: Mapped[dt.date | None] = mapped_column(Date)
    materials_requested_on: Mapped[dt.date | None] = mapped_column(Date)
    supplement_due_on: Mapped[dt.date | None] = mapped_column(Date)
    materials_note: Mapped[str | None] = mapped_column(String(1000))
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str | None] = mapped_column(String(16))
    decision_reason: Mapped[str | None] = mapped_column(String(1000))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class RepairMaterial(Base):
    """An uploaded material, stored under ``var_dir`` by its SHA-256."""

    __tablename__ = "repair_material"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    repair_id: Mapped[int] = mapped_column(ForeignKey("repair_case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_path: Mapped[str] = mapped_column(String(500))
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RepairNotice(Base):
    """The repair notice (信用修复告知书) served with a penalty or listing decision (两书同达)."""

    __tablename__ = "repair_notice"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("credit_record.id"), unique=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    batch_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    regime_id: Mapped[str | None] = mapped_column(String(32))
    earliest_repair_on: Mapped[dt.date | None] = mapped_column(Date)
    publication_end_on: Mapped[dt.date | None] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    policy_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
