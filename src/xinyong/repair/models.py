"""Tables of the repair workflow: cases, uploaded materials and repair notices (信用修复告知书)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xinyong.casework.models import CaseColumns
from xinyong.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow
from xinyong.repair.notice_text import NoticeBody, NoticeContent, render_html, render_text, text_sha256


class RepairCase(CaseColumns, Base):
    """A repair application (信用修复申请), routed to the department that made the finding."""

    __tablename__ = "repair_case"
    __table_args__ = (
        Index("ix_repair_case_department_state", "department_id", "state"),
        Index("ix_repair_case_record", "record_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    mode: Mapped[str] = mapped_column(String(16))
    applicant_actor: Mapped[str] = mapped_column(String(100))
    applicant_name: Mapped[str | None] = mapped_column(String(100))
    agent_name: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    obligations_fulfilled: Mapped[bool] = mapped_column(Boolean)
    commitment_signed: Mapped[bool] = mapped_column(Boolean)
    statement: Mapped[str | None] = mapped_column(Text)
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSONType)
    regime_id: Mapped[str | None] = mapped_column(String(32))
    materials_requested_on: Mapped[dt.date | None] = mapped_column(Date)
    supplement_due_on: Mapped[dt.date | None] = mapped_column(Date)
    materials_note: Mapped[str | None] = mapped_column(String(1000))
    outcome: Mapped[str | None] = mapped_column(String(16))


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


class RepairNoticeBody(Base):
    """The shared part of repair notices (department, date, paragraphs, materials), stored once."""

    __tablename__ = "repair_notice_body"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(50))
    department: Mapped[str] = mapped_column(String(200))
    decision_on: Mapped[str] = mapped_column(String(32))
    mode_label: Mapped[str] = mapped_column(String(50))
    paragraphs: Mapped[list[str]] = mapped_column(JSONType)
    materials: Mapped[list[str]] = mapped_column(JSONType)
    policy_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    def content(self) -> NoticeBody:
        """Return the body as the pure renderer takes it."""
        return NoticeBody(
            self.title,
            self.department,
            self.decision_on,
            self.mode_label,
            tuple(self.paragraphs),
            tuple(self.materials),
        )


class RepairNotice(Base):
    """The repair notice (信用修复告知书) served with a penalty or listing decision (两书同达).

    A narrow row: the addressee and document number as issued, the dates the notice states, and its
    shared body; ``text`` and ``html`` are rendered when viewed (rows issued before bodies existed keep
    their stored text in ``stored_text`` / ``stored_html``).
    """

    __tablename__ = "repair_notice"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("credit_record.id"), unique=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    batch_id: Mapped[int | None] = mapped_column(BigInteger)
    regime_id: Mapped[str | None] = mapped_column(String(32))
    earliest_repair_on: Mapped[dt.date | None] = mapped_column(Date)
    publication_end_on: Mapped[dt.date | None] = mapped_column(Date)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("repair_notice_body.id"))
    subject_name: Mapped[str | None] = mapped_column(String(200))
    document_no: Mapped[str | None] = mapped_column(String(200))
    stored_text: Mapped[str | None] = mapped_column("text", Text)
    stored_html: Mapped[str | None] = mapped_column("html", Text)
    stored_sha256: Mapped[str | None] = mapped_column("sha256", String(64))
    policy_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    body: Mapped[RepairNoticeBody | None] = relationship(lazy="joined")

    def content(self) -> NoticeContent:
        """Return what the notice says (from its body)."""
        if self.body is None:  # pragma: no cover - rows with stored text never get here
            raise ValueError(f"repair notice {self.id} has neither a body nor a stored text")
        return NoticeContent.of(self.body.content(), self.subject_name or "", self.document_no or "")

    @property
    def text(self) -> str:
        """The notice as plain text."""
        return self.stored_text if self.stored_text is not None else render_text(self.content())

    @property
    def html(self) -> str:
        """The notice as a small HTML document."""
        return self.stored_html if self.stored_html is not None else render_html(self.content())

    @property
    def sha256(self) -> str:
        """SHA-256 of the text."""
        return self.stored_sha256 if self.stored_sha256 is not None else text_sha256(self.text)
