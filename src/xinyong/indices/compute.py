"""``indices compute``: score every index in force over every period of a span, store the results.

Each unit kind's facts are asked once per span of dates from its registered provider (grouped queries
over all units), scored by the pure engine, and stored with the run and the policy hash, so a result
can be reproduced and explained when a department or a county objects.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections import defaultdict
from collections.abc import Mapping
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.db import utcnow
from xinyong.errors import Invalid
from xinyong.indices import facts_kpi, periods, providers
from xinyong.indices.engine import FactValue, UnitScore, score
from xinyong.indices.models import IndexImport, IndexResult, IndexRun, IndexValue
from xinyong.indices.providers import FactRow, UnitRow
from xinyong.indices.schemas import RunSummary
from xinyong.indices.spec import UNIT_LABELS, IndexDef, indices_of
from xinyong.kit.dates import add_months
from xinyong.policy.loader import Policy

Facts = dict[str, dict[str, FactValue]]
Gathered = tuple[list[UnitRow], Facts, set[str]]


def window_of(index: IndexDef, period: periods.Period) -> tuple[dt.date, dt.date]:
    """Return the dates an index's facts are counted over for ``period`` (its last ``window_months``)."""
    return add_months(period.end + dt.timedelta(days=1), -index.window_months), period.end


def gather(session: Session, policy: Policy, unit_kind: str, start: dt.date, end: dt.date) -> Gathered:
    """Ask the provider of ``unit_kind`` for its units and facts; return them keyed by unit and fact."""
    provider = providers.provider_for(unit_kind)
    if provider is None:
        label = UNIT_LABELS.get(unit_kind, unit_kind)
        raise Invalid(f"没有登记“{label}”单位的数据来源，无法计算", code="indices.no_provider")
    units, rows = provider(session, policy, start, end)
    return units, facts_by_unit(rows), {r[1] for r in rows}


def facts_by_unit(rows: list[FactRow]) -> Facts:
    """Key fact rows by unit and fact name."""
    out: Facts = defaultdict(dict)
    for unit, fact, value, evidence in rows:
        out[unit][fact] = FactValue(value, tuple(evidence))
    return out


def imported(session: Session, index_id: str, period: str) -> dict[str, dict[str, FactValue]]:
    """Return the newest imported figure per unit and indicator for one index and period."""
    out: dict[str, dict[str, FactValue]] = defaultdict(dict)
    rows = session.scalars(
        select(IndexImport)
        .where(IndexImport.index_id == index_id, IndexImport.period == period)
        .order_by(IndexImport.id)
    )
    for row in rows:  # later rows (newer imports) replace earlier ones
        out[row.unit_key][row.indicator] = FactValue(row.value, (f"import:{row.batch_no}:{row.line_no}",))
    return out


def _check_facts(index: IndexDef, unit_kind: str, units: list[UnitRow], supplied: set[str]) -> None:
    missing = sorted({i.fact for i in index.indicators if i.fact and i.fact not in supplied})
    if units and missing:
        label = UNIT_LABELS.get(unit_kind, unit_kind)
        raise Invalid(
            f"指数“{index.name}”引用的事实 {missing} 没有“{label}”的数据来源", code="indices.unknown_fact"
        )


def _store(session: Session, run: IndexRun, index: IndexDef, period: str, scores: list[UnitScore]) -> None:
    """Insert the results and their values in two bulk statements (households make them 100,000s of rows)."""
    if not scores:
        return
    rows = [
        {
            "run_id": run.id,
            "index_id": index.id,
            "index_version": index.version,
            "period": period,
            "unit_kind": s.unit_kind,
            "unit_key": s.unit_key,
            "unit_name": s.unit_name,
            "county": s.county,
            "total": s.total,
            "grade": s.grade,
            "rank": s.rank,
        }
        for s in scores
    ]
    # Core inserts on the tables: the ORM's bulk path costs more than the statements at these sizes
    results, values = cast(Table, IndexResult.__table__), cast(Table, IndexValue.__table__)
    connection = session.connection()
    stmt = insert(results).returning(results.c.id, sort_by_parameter_order=True)
    ids = list(connection.execute(stmt, rows).scalars())
    connection.execute(
        insert(values),
        [
            {
                "result_id": rid,
                "code": v.code,
                "value": v.value,
                "points": v.points,
                "origin": v.origin,
                "evidence": list(v.evidence),
            }
            for rid, s in zip(ids, scores, strict=True)
            for v in s.indicators
        ],
    )


def compute(session: Session, policy: Policy, period: str, *, actor: str) -> RunSummary:
    """Compute every index in force for every month or quarter of ``period``; store and audit the run."""
    span = periods.parse(period)
    started = time.perf_counter()
    facts_kpi.forget(session)  # the stored data may have changed since the session's last run
    run = IndexRun(run_no=f"IX{utcnow():%Y%m%d%H%M%S}{secrets.token_hex(2)}", period=span.label)
    run.policy_hash, run.actor, run.started_at = policy.hash, actor, utcnow()
    session.add(run)
    session.flush()
    gathered: dict[tuple[str, dt.date, dt.date], Gathered] = {}
    computed: Mapping[str, list[str]] = defaultdict(list)
    units = 0
    defs = indices_of(policy)
    for index_id in defs.ids():
        kind = next(d.period for d in defs.defs if d.id == index_id)
        for p in periods.within(span, kind):
            index = defs.in_force(index_id, p.end)
            if index is None:
                continue
            start, end = window_of(index, p)
            imports = imported(session, index.id, p.label)
            for unit_kind in index.units:
                key = (unit_kind, start, end)
                if key not in gathered:
                    gathered[key] = gather(session, policy, unit_kind, start, end)
                unit_rows, facts, supplied = gathered[key]
                _check_facts(index, unit_kind, unit_rows, supplied)
                scores = score(index, unit_kind, unit_rows, facts, imports)
                _store(session, run, index, p.label, scores)
                units += len(scores)
            computed[index.id].append(p.label)
    facts_kpi.forget(session)
    run.units, run.seconds = units, round(time.perf_counter() - started, 3)
    summary = RunSummary(
        run_id=run.run_no,
        period=span.label,
        indices={k: list(dict.fromkeys(v)) for k, v in computed.items()},
        units=units,
        seconds=run.seconds,
        policy_hash=policy.hash,
    )
    audit.append(
        session,
        actor=actor,
        action="indices.computed",
        object_type="index_run",
        object_id=run.run_no,
        detail=summary.model_dump(),
    )
    return summary
