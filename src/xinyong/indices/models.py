"""Tables of the indices: runs, per-unit results, per-indicator values with their facts, imported figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow


class IndexRun(Base):
    """One ``indices compute``: which span, under which policy, by whom, how long."""

    __tablename__ = "index_run"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    run_no: Mapped[str] = mapped_column(String(32), unique=True)
    period: Mapped[str] = mapped_column(String(8))
    policy_hash: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(100))
    units: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class IndexResult(Base):
    """One unit's total, grade and rank in one index and period, as one run computed them."""

    __tablename__ = "index_result"
    __table_args__ = (Index("ix_index_result_lookup", "index_id", "period", "unit_kind", "run_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("index_run.id"))
    index_id: Mapped[str] = mapped_column(String(48))
    index_version: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(8))
    unit_kind: Mapped[str] = mapped_column(String(16))
    unit_key: Mapped[str] = mapped_column(String(64))
    unit_name: Mapped[str] = mapped_column(String(200))
    county: Mapped[str | None] = mapped_column(String(6))
    total: Mapped[float] = mapped_column(Float)
    grade: Mapped[str] = mapped_column(String(16))
    rank: Mapped[int] = mapped_column(Integer)


class IndexValue(Base):
    """One indicator of one result: the value, the points and the facts behind them (drill-down)."""

    __tablename__ = "index_value"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("index_result.id"), index=True)
    code: Mapped[str] = mapped_column(String(48))
    value: Mapped[float | None] = mapped_column(Float)
    points: Mapped[float] = mapped_column(Float)
    origin: Mapped[str] = mapped_column(String(8))
    evidence: Mapped[list[Any]] = mapped_column(JSONType)


class IndexImport(Base):
    """An imported figure (survey result, 清欠 share …) for one indicator, unit and period; newest wins."""

    __tablename__ = "index_import"
    __table_args__ = (Index("ix_index_import_lookup", "index_id", "period"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    batch_no: Mapped[str] = mapped_column(String(32), index=True)
    index_id: Mapped[str] = mapped_column(String(48))
    period: Mapped[str] = mapped_column(String(8))
    unit_key: Mapped[str] = mapped_column(String(64))
    indicator: Mapped[str] = mapped_column(String(48))
    value: Mapped[float] = mapped_column(Float)
    line_no: Mapped[int] = mapped_column(Integer)
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(100))
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
