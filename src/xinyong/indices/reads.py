"""Reading stored results: the newest run's ranking of a period, its change from the period before,
one unit's history, and the indices with their periods."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.errors import Forbidden, NotFound
from xinyong.indices import periods
from xinyong.indices.models import IndexResult, IndexRun, IndexValue
from xinyong.indices.schemas import (
    HistoryPoint,
    IndexInfo,
    IndexResults,
    IndicatorResult,
    ReferenceLine,
    UnitResult,
)
from xinyong.indices.spec import PERSONAL_UNITS, UNIT_LABELS, IndexDef, indices_of
from xinyong.policy.loader import Policy


def _latest_run(session: Session, index_id: str, period: str, unit_kind: str) -> int | None:
    return session.scalar(
        select(func.max(IndexResult.run_id)).where(
            IndexResult.index_id == index_id, IndexResult.period == period, IndexResult.unit_kind == unit_kind
        )
    )


def _results(session: Session, index_id: str, period: str, unit_kind: str) -> list[IndexResult]:
    run_id = _latest_run(session, index_id, period, unit_kind)
    if run_id is None:
        return []
    return list(
        session.scalars(
            select(IndexResult)
            .where(
                IndexResult.run_id == run_id,
                IndexResult.index_id == index_id,
                IndexResult.period == period,
                IndexResult.unit_kind == unit_kind,
            )
            .order_by(IndexResult.rank, IndexResult.unit_key)
        )
    )


def definition(policy: Policy, index_id: str) -> IndexDef:
    """Return the newest version of an index, or raise ``NotFound`` in Chinese."""
    index = indices_of(policy).latest(index_id)
    if index is None:
        raise NotFound(f"指数 {index_id} 不存在", code="indices.not_found")
    return index


def unit_kind_of(index: IndexDef, unit_kind: str | None) -> str:
    """Return the unit kind asked for (default: the index's first), or raise ``NotFound`` in Chinese."""
    kind = unit_kind or index.units[0]
    if kind not in index.units:
        raise NotFound(f"指数“{index.name}”不按“{UNIT_LABELS.get(kind, kind)}”计算", code="indices.bad_unit")
    return kind


def header(index: IndexDef, p: periods.Period, kind: str, run: IndexRun | None) -> IndexResults:
    """Return the description of an index's results for a period and unit kind, without units."""
    return IndexResults(
        index_id=index.id,
        name=index.name,
        basis=index.basis,
        period=p.label,
        previous_period=p.previous().label,
        unit_kind=kind,
        unit_label=UNIT_LABELS.get(kind, kind),
        run_id=run.run_no if run else None,
        policy_hash=run.policy_hash if run else None,
        full_marks=index.full_marks,
        target=ReferenceLine(**index.target.model_dump()) if index.target else None,
        units=[],
    )


def results(
    session: Session, policy: Policy, index_id: str, period: str, unit_kind: str | None
) -> IndexResults:
    """Return the newest stored ranking of ``index_id`` for ``period`` and a unit kind (default: the first).

    Personal unit kinds (households) are never listed: their results are read one unit at a time
    (``indices.personal.unit_result``), authorised and logged.
    """
    index = definition(policy, index_id)
    p = periods.parse(period)
    kind = unit_kind_of(index, unit_kind)
    if kind in PERSONAL_UNITS:
        raise Forbidden(
            f"{UNIT_LABELS.get(kind, kind)}的指数结果是个人信息，不排名、不列表，只能逐户查看",
            code="indices.personal_unit",
        )
    rows = _results(session, index.id, p.label, kind)
    before = {r.unit_key: r for r in _results(session, index.id, p.previous().label, kind)}
    values: dict[int, list[IndexValue]] = defaultdict(list)
    if rows:
        for v in session.scalars(select(IndexValue).where(IndexValue.result_id.in_([r.id for r in rows]))):
            values[v.result_id].append(v)
    out = header(index, p, kind, session.get(IndexRun, rows[0].run_id) if rows else None)
    out.units = [unit_read(index, r, values[r.id], before.get(r.unit_key)) for r in rows]
    return out


def unit_read(
    index: IndexDef, r: IndexResult, values: list[IndexValue], prev: IndexResult | None
) -> UnitResult:
    """Return one stored unit result with every indicator (in the index's order) and its change."""
    grades = {b.code: b.name for b in index.grades}
    by_code = {v.code: v for v in values}
    indicators = []
    for ind in index.indicators:
        v = by_code.get(ind.code)
        indicators.append(
            IndicatorResult(
                code=ind.code,
                name=ind.name,
                group=ind.group,
                value=v.value if v else None,
                points=v.points if v else 0.0,
                max_points=ind.points,
                origin=v.origin if v else "missing",
                evidence=[str(e) for e in v.evidence] if v else [],
            )
        )
    return UnitResult(
        unit_key=r.unit_key,
        unit_name=r.unit_name,
        county=r.county,
        total=r.total,
        grade=r.grade,
        grade_name=grades.get(r.grade, r.grade),
        rank=r.rank,
        change=round(r.total - prev.total, 2) if prev else None,
        rank_change=(prev.rank - r.rank) if prev else None,
        gap_to_target=round(r.total - index.target.value, 2) if index.target else None,
        indicators=indicators,
    )


def _newest_runs(index_id: str, unit_kind: str) -> Any:
    """Return a subquery of the newest run of each period of an index and unit kind."""
    return (
        select(IndexResult.period, func.max(IndexResult.run_id).label("run_id"))
        .where(IndexResult.index_id == index_id, IndexResult.unit_kind == unit_kind)
        .group_by(IndexResult.period)
        .subquery()
    )


def _of_newest(index_id: str, unit_kind: str, *columns: Any) -> Any:
    newest = _newest_runs(index_id, unit_kind)
    return (
        select(IndexResult.period, *columns)
        .join(newest, (newest.c.period == IndexResult.period) & (newest.c.run_id == IndexResult.run_id))
        .where(IndexResult.index_id == index_id, IndexResult.unit_kind == unit_kind)
    )


def history(session: Session, index_id: str, unit_kind: str, unit_key: str) -> list[HistoryPoint]:
    """Return one unit's total per period (the newest run of each period), oldest first."""
    stmt = _of_newest(index_id, unit_kind, IndexResult.total, IndexResult.rank)
    rows = session.execute(stmt.where(IndexResult.unit_key == unit_key).order_by(IndexResult.period))
    return [HistoryPoint(period=p, total=t, rank=k) for p, t, k in rows]


def trend(session: Session, index_id: str, unit_kind: str) -> list[tuple[str, float]]:
    """Return the mean total of the units of a kind per period (newest run of each), oldest first."""
    stmt = _of_newest(index_id, unit_kind, func.avg(IndexResult.total))
    rows = session.execute(stmt.group_by(IndexResult.period).order_by(IndexResult.period))
    return [(p, round(float(avg), 2)) for p, avg in rows]


def catalogue(session: Session, policy: Policy) -> list[IndexInfo]:
    """Return every index with the periods that have results, newest first."""
    found: dict[str, list[str]] = defaultdict(list)
    for index_id, period in session.execute(
        select(IndexResult.index_id, IndexResult.period).distinct().order_by(IndexResult.period.desc())
    ):
        found[index_id].append(period)
    defs = indices_of(policy)
    out = []
    for index_id in defs.ids():
        index = definition(policy, index_id)
        out.append(
            IndexInfo(
                index_id=index.id,
                name=index.name,
                basis=index.basis,
                units=list(index.units),
                unit_labels=[UNIT_LABELS.get(u, u) for u in index.units],
                periods=found.get(index.id, []),
            )
        )
    return out
