"""Table of objections (异议) and their reviews (复核)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.casework.models import CaseColumns
from xinyong.db import Base, BigIntPK, JSONType


class Objection(CaseColumns, Base):
    """An objection to a record, or (``stage == "review"``) a request to review a rejected one."""

    __tablename__ = "objection"
    __table_args__ = (
        Index("ix_objection_department_state", "department_id", "state"),
        Index("ix_objection_record", "record_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    stage: Mapped[str] = mapped_column(String(8), default="first")
    review_of_id: Mapped[int | None] = mapped_column(ForeignKey("objection.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    ground: Mapped[str] = mapped_column(String(24))
    description: Mapped[str] = mapped_column(Text)
    objector_role: Mapped[str] = mapped_column(String(16))
    objector_actor: Mapped[str] = mapped_column(String(100))
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    tracking_hash: Mapped[str] = mapped_column(String(64))
    extended_workdays: Mapped[int] = mapped_column(Integer, default=0)
    extension_reason: Mapped[str | None] = mapped_column(String(1000))
    extension_approved_by: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str | None] = mapped_column(String(24))
    decision_detail: Mapped[dict[str, object]] = mapped_column(JSONType, default=dict)
    new_record_id: Mapped[int | None] = mapped_column(ForeignKey("credit_record.id"))
    review_due_on: Mapped[dt.date | None] = mapped_column(Date)
