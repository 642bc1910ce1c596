"""Compile the declarative models into ONE set-based SQL plan over all subjects (pure).

The plan runs unchanged on DuckDB (embedded, a city) and Spark SQL (a province): it uses only ANSI
constructs both accept (CTEs, ``CASE``, ``DATE 'YYYY-MM-DD'`` literals, ``||``). Every date cut-off (windows,
retention, years in operation) is computed once here from the as-of date with the same calendar
arithmetic as the pure engine, so both executors compare plain dates.

Input tables (see ``batch.py``): ``ev_subject(subject_id, kind, established_on, region_code, industry)``,
``ev_record(id, subject_id, catalog_item, severity, polarity, decision_on, valid_to, amount,
retention_start, supersedes_id)`` and ``ev_event(record_id, kind, effective_on)``. Output columns:
``subject_id, model_id, model_version, score, grade, points, objections``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from xinyong.evaluation.engine import threshold_units
from xinyong.evaluation.inputs import GONE_EVENTS, RetentionRule, sub_months
from xinyong.evaluation.spec import EvaluationModel, Indicator

OUTPUT_COLUMNS = ("subject_id", "model_id", "model_version", "score", "grade", "points", "objections")


def lit(value: str) -> str:
    """Quote a policy string as an SQL literal."""
    return "'" + value.replace("'", "''") + "'"


def day(value: dt.date) -> str:
    """Return an SQL date literal."""
    return f"DATE '{value.isoformat()}'"


def in_list(column: str, values: Iterable[str]) -> str:
    """Return ``column IN (...)`` (or FALSE for an empty list)."""
    items = sorted(values)
    if not items:
        return "FALSE"
    return f"{column} IN ({', '.join(lit(v) for v in items)})"


def model_filter(model: EvaluationModel) -> str:
    """Return the model's own input choices as a condition on a lawful record."""
    parts = []
    if not model.inputs.count_minor_negative:
        parts.append("NOT (polarity = 'negative' AND COALESCE(severity, '') = '轻微')")
    if model.inputs.objection == "exclude":
        parts.append("NOT under_objection")
    return " AND ".join(parts) or "TRUE"


def indicator_condition(model: EvaluationModel, ind: Indicator, as_of: dt.date) -> str:
    """Return the condition selecting the records behind a records indicator."""
    parts = [in_list("catalog_item", ind.catalog_items)]
    if ind.severities:
        parts.append(in_list("severity", ind.severities))
    if ind.window_months is not None:
        parts.append(f"decision_on > {day(sub_months(as_of, ind.window_months))}")
    if ind.in_force_only:
        parts.append("in_force")
    parts.append(model_filter(model))
    return " AND ".join(parts)


def _step_case(value: str, pairs: list[tuple[str, int]], default: int) -> str:
    whens = " ".join(f"WHEN {cond} THEN {pts}" for cond, pts in reversed(pairs))
    return f"CASE {whens} ELSE {default} END" if whens else str(default)


def points_expr(ind: Indicator, column: str | None, as_of: dt.date) -> str:
    """Return the points expression of an indicator (table lookup; floor and cap applied)."""

    def clamp(p: int) -> int:
        return max(ind.floor, min(ind.cap, p))

    first = clamp(ind.points[0].points)
    if ind.source == "attribute":
        pairs = [
            (f"s.established_on <= {day(sub_months(as_of, round(s.at_least * 12)))}", clamp(s.points))
            for s in ind.points[1:]
        ]
        whens = " ".join(f"WHEN {c} THEN {p}" for c, p in reversed(pairs))
        return f"CASE WHEN s.established_on IS NULL THEN {clamp(ind.missing_points)} {whens} ELSE {first} END"
    value = f"COALESCE(a.{column}, 0)"
    pairs = [(f"{value} >= {threshold_units(ind, s.at_least)}", clamp(s.points)) for s in ind.points[1:]]
    return _step_case(value, pairs, first)


def _retention_condition(rule: RetentionRule, as_of: dt.date) -> str:
    cond = f"polarity <> 'negative' OR COALESCE(retention_start, decision_on) > {day(sub_months(as_of, rule.months))}"
    if rule.extend_while_listed and rule.list_items:
        cond += f" OR ({in_list('catalog_item', rule.list_items)} AND in_force)"
    return cond


def compile_plan(models: list[EvaluationModel], as_of: dt.date, rule: RetentionRule) -> str:
    """Return one SQL statement that scores every subject whose kind has a model in ``models``."""
    d = day(as_of)
    columns: dict[str, str] = {}  # aggregate expression -> column name
    indicator_column: dict[tuple[str, str], str] = {}
    objection_column: dict[str, str] = {}

    def column_for(expr: str) -> str:
        if expr not in columns:
            columns[expr] = f"c{len(columns)}"
        return columns[expr]

    for model in models:
        for ind in model.indicators:
            if ind.source != "records":
                continue
            measure = "1" if ind.measure == "count" else "COALESCE(amount, 0)"
            expr = f"SUM(CASE WHEN {indicator_condition(model, ind, as_of)} THEN {measure} ELSE 0 END)"
            indicator_column[(model.id, ind.id)] = column_for(expr)
        objection_column[model.id] = column_for(
            f"SUM(CASE WHEN under_objection AND {model_filter(model)} THEN 1 ELSE 0 END)"
        )
    aggregates = ",\n    ".join(f"CAST({expr} AS BIGINT) AS {name}" for expr, name in columns.items())
    selects: list[str] = []
    for model in models:
        pts = [points_expr(ind, indicator_column.get((model.id, ind.id)), as_of) for ind in model.indicators]
        inner_cols = ", ".join(f"{p} AS p{i}" for i, p in enumerate(pts))
        score = " + ".join(f"p{i}" for i in range(len(pts)))
        grade = (
            "CASE "
            + " ".join(f"WHEN ({score}) >= {b.min_score} THEN {lit(b.grade)}" for b in model.grades)
            + f" ELSE {lit(model.grades[-1].grade)} END"
        )
        pieces = []
        for i, ind in enumerate(model.indicators):
            key = json.dumps(ind.id) + ":"
            pieces.append(lit(("{" if i == 0 else ",") + key) + f" || CAST(p{i} AS STRING)")
        points_json = " || ".join(pieces) + " || '}'"
        selects.append(
            f"SELECT subject_id, {lit(model.id)} AS model_id, {lit(model.version)} AS model_version,\n"
            f"  CAST({score} AS BIGINT) AS score, {grade} AS grade,\n  {points_json} AS points,\n"
            f"  CAST(objections AS BIGINT) AS objections\n"
            f"FROM (SELECT s.subject_id, {inner_cols},\n"
            f"  COALESCE(a.{objection_column[model.id]}, 0) AS objections\n"
            f"  FROM ev_subject s LEFT JOIN agg a ON a.subject_id = s.subject_id\n"
            f"  WHERE {in_list('s.kind', model.subject_kinds)}) t{len(selects)}"
        )
    gone = in_list("kind", GONE_EVENTS)
    return f"""WITH ev AS (
  SELECT record_id,
    MAX(CASE WHEN {gone} THEN 1 ELSE 0 END) AS gone,
    MAX(CASE WHEN kind = 'list_removed' THEN 1 ELSE 0 END) AS removed,
    MAX(CASE WHEN kind = 'objection_opened' THEN effective_on END) AS obj_open,
    MAX(CASE WHEN kind = 'objection_closed' THEN effective_on END) AS obj_close,
    MAX(CASE WHEN kind = 'suspended' THEN effective_on END) AS susp,
    MAX(CASE WHEN kind = 'unsuspended' THEN effective_on END) AS unsusp
  FROM ev_event WHERE effective_on <= {d} GROUP BY record_id
),
flagged AS (
  SELECT r.subject_id, r.catalog_item, r.severity, r.polarity, r.decision_on, r.amount, r.retention_start,
    (COALESCE(ev.removed, 0) = 0 AND (r.valid_to IS NULL OR r.valid_to >= {d})) AS in_force,
    (ev.obj_open IS NOT NULL AND (ev.obj_close IS NULL OR ev.obj_open > ev.obj_close)) AS under_objection
  FROM ev_record r LEFT JOIN ev ON ev.record_id = r.id
  WHERE r.decision_on IS NOT NULL AND r.decision_on <= {d}
    AND COALESCE(ev.gone, 0) = 0
    AND NOT (ev.susp IS NOT NULL AND (ev.unsusp IS NULL OR ev.susp > ev.unsusp))
    AND r.id NOT IN (SELECT supersedes_id FROM ev_record WHERE supersedes_id IS NOT NULL)
),
lawful AS (
  SELECT * FROM flagged WHERE {_retention_condition(rule, as_of)}
),
agg AS (
  SELECT subject_id,
    {aggregates}
  FROM lawful GROUP BY subject_id
)
{chr(10).join(("UNION ALL " if i else "") + s for i, s in enumerate(selects))}"""
