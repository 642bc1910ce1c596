"""Tables of 职业人群 and 公务员: licences of key professions, civil servants in post and the bodies'
declared headcounts (the denominator of coverage). Statuses follow from dates and records, never stored."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base, BigIntPK, UTCDateTime, utcnow


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
