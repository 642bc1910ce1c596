"""Tables for the departments that provide and use credit information, and their history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base, BigIntPK, UTCDateTime, utcnow


class Department(Base):
    """A department (部门) of a county or the city; loaded from ``policy/departments.yaml``.

    A department is never deleted: batches and records keep pointing at it. A renamed department keeps
    its row (its old names are in ``department_version``); a retired one gets ``valid_to``.
    """

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    short_name: Mapped[str | None] = mapped_column(String(32))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    uscc: Mapped[str | None] = mapped_column(String(18))
    domain: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)


class DepartmentVersion(Base):
    """One stretch of a department's registered particulars (name, region, USCC, domain)."""

    __tablename__ = "department_version"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    short_name: Mapped[str | None] = mapped_column(String(32))
    region_code: Mapped[str] = mapped_column(String(6))
    uscc: Mapped[str | None] = mapped_column(String(18))
    domain: Mapped[str | None] = mapped_column(String(32))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    policy_version: Mapped[str] = mapped_column(String(32))
    policy_hash: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
