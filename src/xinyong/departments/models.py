"""Table for the departments that provide and use credit information."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base, BigIntPK, UTCDateTime, utcnow


class Department(Base):
    """A department (部门) of a county or the city; loaded from ``policy/departments.yaml``."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    short_name: Mapped[str | None] = mapped_column(String(32))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    uscc: Mapped[str | None] = mapped_column(String(18))
    domain: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
