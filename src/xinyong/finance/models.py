"""Tables of 信易贷: loan applications and the steps of their workflow."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base, BigIntPK, UTCDateTime, utcnow


class LoanApplication(Base):
    """A subject's application for a 信易贷 product, with what stats group it by (taken when submitted)."""

    __tablename__ = "loan_application"
    __table_args__ = (Index("ix_loan_application_institution", "institution_code", "status"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    product_id: Mapped[str] = mapped_column(String(64))
    institution_code: Mapped[str] = mapped_column(String(32))
    amount_yuan: Mapped[int] = mapped_column(BigInteger)
    term_months: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(300))
    granted_yuan: Mapped[int | None] = mapped_column(BigInteger)
    grade: Mapped[str | None] = mapped_column(String(32))
    industry: Mapped[str | None] = mapped_column(String(64))
    region_code: Mapped[str | None] = mapped_column(String(6))
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    submitted_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoanApplicationStep(Base):
    """One step of an application's workflow (提交、受理、放款、拒绝), shown to the subject and the bank."""

    __tablename__ = "loan_application_step"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("loan_application.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(300))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
