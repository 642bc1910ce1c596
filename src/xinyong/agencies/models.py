"""Tables of the registers of practitioners beside the subjects: 信用服务机构 filings, their practitioners and
filed reports; licences of key professions; civil servants' posts and their bodies' declared headcounts.
Statuses are never stored: they follow from the dates (and sanction records) on the day asked about."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow


class CreditAgency(Base):
    """The record-filing (备案) of a credit service agency; the agency itself is an enterprise subject."""

    __tablename__ = "credit_agency"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), unique=True)
    filing_no: Mapped[str] = mapped_column(String(64), unique=True)
    filed_on: Mapped[dt.date] = mapped_column(Date)
    filing_authority: Mapped[str] = mapped_column(String(32))  # department code (policy/agencies)
    business_scopes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    cancelled_on: Mapped[dt.date | None] = mapped_column(Date)  # 注销备案 takes effect on this day
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgencyPractitioner(Base):
    """A natural person working for an agency (从业人员), linked to the person's subject (encrypted ID)."""

    __tablename__ = "agency_practitioner"
    __table_args__ = (UniqueConstraint("agency_id", "person_id", "joined_on"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("credit_agency.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    qualification: Mapped[str] = mapped_column(String(32))
    certificate_no: Mapped[str | None] = mapped_column(String(64))
    joined_on: Mapped[dt.date] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgencyReport(Base):
    """A report an agency issued on a subject, filed by its hash; the subject's file shows it as a record."""

    __tablename__ = "agency_report"
    __table_args__ = (UniqueConstraint("agency_id", "report_no"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("credit_agency.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("credit_record.id"))
    report_no: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(32))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    sha256: Mapped[str] = mapped_column(String(64))
    filed_by: Mapped[str] = mapped_column(String(100))
    filed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProfessionalLicence(Base):
    """A natural person's licence in a key profession (policy/professions), by the issuing department."""

    __tablename__ = "professional_licence"
    __table_args__ = (UniqueConstraint("profession", "licence_no"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    profession: Mapped[str] = mapped_column(String(32))
    licence_no: Mapped[str] = mapped_column(String(64))
    issuing_department: Mapped[str] = mapped_column(String(100))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CivilServant(Base):
    """A civil servant's post in a government body (a 政府机构 subject), from appointment to leaving."""

    __tablename__ = "civil_servant"
    __table_args__ = (UniqueConstraint("person_id", "body_id", "appointed_on"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    position: Mapped[str] = mapped_column(String(100))
    appointed_on: Mapped[dt.date] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class BodyHeadcount(Base):
    """The number of civil servants a body declares (在编公务员人数) from a day on: coverage's denominator."""

    __tablename__ = "body_headcount"
    __table_args__ = (UniqueConstraint("body_id", "reported_on"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    headcount: Mapped[int] = mapped_column(Integer)
    reported_on: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
