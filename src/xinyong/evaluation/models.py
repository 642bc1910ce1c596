"""Tables for evaluation runs and results, and 双随机 inspection draws."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow


class EvaluationRun(Base):
    """One batch evaluation (公共信用评价) of every subject as of a date, or an amendment of one.

    ``kind`` is ``batch`` for the set-based run over every subject, ``rescore`` for a single subject
    re-scored at once after a repair or an objection changed one of its records (Order 36: evaluation
    stops counting it); a re-score names the batch it amends (``amends_run_id``) and its ``cause``
    (``{"type": "repair", "id": case id, "record_id": …}``). Readers take a subject's newest result among
    the latest batch and its amendments.
    """

    __tablename__ = "evaluation_run"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="batch", server_default="batch")
    amends_run_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    cause: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    as_of: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="running")
    engine: Mapped[str] = mapped_column(String(16), default="duckdb")
    model_versions: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    policy_hash: Mapped[str] = mapped_column(String(64))
    subjects: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    timings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    distribution: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    psi: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    previous_run_id: Mapped[int | None] = mapped_column(BigInteger)
    actor: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # the transaction-time cut-off of the inputs (``records.asof``): the run is replayable from it
    known_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class EvaluationResult(Base):
    """A subject's score in a run: grade, per-indicator points, model version and policy hash."""

    __tablename__ = "evaluation_result"
    __table_args__ = (Index("ix_evaluation_result_subject_run", "subject_id", "run_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("evaluation_run.id"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    model_id: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[str] = mapped_column(String(32))
    score: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(16))
    points: Mapped[dict[str, Any]] = mapped_column(JSONType)
    objections: Mapped[int] = mapped_column(Integer, default=0)
    policy_hash: Mapped[str] = mapped_column(String(64))


class InspectionDraw(Base):
    """A reproducible 双随机 draw of subjects to inspect, by supervision class (分级分类监管)."""

    __tablename__ = "inspection_draw"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("evaluation_run.id"))
    seed: Mapped[int] = mapped_column(BigInteger)
    size: Mapped[int] = mapped_column(Integer)
    supervision_id: Mapped[str] = mapped_column(String(64))
    supervision_version: Mapped[str] = mapped_column(String(32))
    policy_hash: Mapped[str] = mapped_column(String(64))
    population: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    allocation: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    members_hash: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(100))
    drawn_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class InspectionDrawMember(Base):
    """A subject drawn for inspection, with its class and the randomly assigned inspector."""

    __tablename__ = "inspection_draw_member"
    __table_args__ = (Index("ix_inspection_draw_member_draw", "draw_id", "subject_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("inspection_draw.id"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    class_code: Mapped[str] = mapped_column(String(2))
    score: Mapped[int | None] = mapped_column(Integer)
    inspector: Mapped[str | None] = mapped_column(String(100))
