"""Tables of rural credit: villages, households and their members, and the rating runs of a period.

Members are linked by the keyed blind index of their ID number — the same value ``subject_identifier``
stores as the lookup of a person's 身份证 — so a member is joined to a natural-person subject without
any ID number in clear here (and a member not yet registered as a subject is still a member).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow


class RuralVillage(Base):
    """A village (村) or community (社区): its collective economic organisation (N2 USCC) and township.

    The township's code (county code + three digits, as the statistical division codes are built) is its
    stable key: indices and results name the township by it, so renaming a township keeps its history.
    """

    __tablename__ = "rural_village"

    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), primary_key=True)
    township: Mapped[str] = mapped_column(String(64))
    township_code: Mapped[str] = mapped_column(String(9), index=True)
    unit_kind: Mapped[str] = mapped_column(String(16))  # village / community (policy/rural/units labels)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RuralHousehold(Base):
    """A household (农户, a subject of that kind) and the village it belongs to."""

    __tablename__ = "rural_household"

    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("rural_village.subject_id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RuralMember(Base):
    """A household member: a natural person by the blind index of the ID number (one household each)."""

    __tablename__ = "rural_member"
    __table_args__ = (Index("ix_rural_member_household_id", "household_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("rural_household.subject_id"))
    member_lookup: Mapped[str] = mapped_column(String(64), unique=True)
    id_masked: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    relation: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RuralRun(Base):
    """One rating of every household and unit for a period, as of a day, under one policy hash."""

    __tablename__ = "rural_run"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    period: Mapped[str] = mapped_column(String(16), index=True)
    as_of: Mapped[dt.date] = mapped_column(Date)
    policy_hash: Mapped[str] = mapped_column(String(64))
    versions: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    published_by: Mapped[str | None] = mapped_column(String(100))


class RuralResult(Base):
    """A unit's result in a run: a household, a village, a township or a county, with its reasons."""

    __tablename__ = "rural_result"
    __table_args__ = (
        UniqueConstraint("run_id", "unit", "unit_key"),
        Index("ix_rural_result_run_unit", "run_id", "unit", "met"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("rural_run.id"))
    unit: Mapped[str] = mapped_column(String(16))  # household / village / township / county
    unit_key: Mapped[str] = mapped_column(String(100))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subject.id"))
    region_code: Mapped[str | None] = mapped_column(String(6))
    township: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    level_code: Mapped[str] = mapped_column(String(32))
    level_name: Mapped[str] = mapped_column(String(32))
    met: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType)
