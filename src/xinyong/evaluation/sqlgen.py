"""Compile the declarative models into ONE set-based SQL plan over all subjects (pure).

The plan runs unchanged on DuckDB (embedded, a city) and Spark SQL (a province): it uses only ANSI
constructs both accept (CTEs, ``CASE``, ``DATE 'YYYY-MM-DD'`` literals, ``||``). Every date cut-off (windows,
retention, years in operation) is computed once here from the as-of date with the same calendar
arithmetic as the pure engine, so both executors compare plain dates.

Input tables (see ``batch.py``): ``ev_subject(subject_id, kind, established_on, region_code, industry)``,
``ev_record(id, subject_id, catalog_item, severity, polarity, decision_on, valid_to, amount,
retention_start, supersedes_id, list_end, tag)`` and ``ev_event(record_id, kind, effective_on, id)``. The one
construct the two engines spell differently, adding months to a date column, is ``months_after``. Output columns:
``subject_id, model_id, model_version, score, grade, points, objections``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from xinyong.evaluation.engine import threshold_units
from xinyong.evaluation.inputs import GONE_EVENTS, LISTING_ENDS, RetentionRule, retention_cutoff
from xinyong.evaluation.spec import EvaluationModel, Indicator, RecordSelector
from xinyong.kit.dates import sub_months

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


def indicator_condition(model: EvaluationModel, ind: RecordSelector, as_of: dt.date) -> str:
    """Return the condition selecting the records behind a records indicator or a cap rule."""
    parts = [in_list("catalog_item", ind.catalog_items)]
    if ind.severities:
        parts.append(in_list("severity", ind.severities))
    if ind.tags:
        parts.append(in_list("tag", ind.tags))
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


FAR_FUTURE = "DATE '9000-01-01'"  # an open listing's end (inside both engines' date ranges)


def months_after(column: str, months: int, dialect: str) -> str:
    """Return ``column`` plus ``months`` calendar months, clipped to the month's end, in the dialect."""
    if dialect == "spark":
        return f"add_months({column}, {int(months)})"
    return f"CAST({column} + INTERVAL {int(months)} MONTH AS DATE)"


def _listing_ctes(rule: RetentionRule, as_of: dt.date) -> str:
    """Return CTEs ``cover``: per subject, the run of serious listings covering every day up to ``as_of``.

    A listing (``disclosure.listing_period``) covers the days strictly between its start and its end, so
    a record whose retention ends on ``e <= as_of`` is still kept exactly when one run of overlapping or
    adjacent listings covers every day from ``e`` to ``as_of`` (``disclosure.retention_end``).
    """
    d = day(as_of)
    ends = in_list("kind", LISTING_ENDS)
    return f"""lev AS (
  SELECT record_id, MIN(effective_on) AS cut FROM ev_event WHERE {ends} AND effective_on <= {d} GROUP BY record_id
),
lst AS (
  SELECT r.subject_id, r.decision_on + 1 AS lo,
    COALESCE(LEAST(r.list_end, lev.cut), {FAR_FUTURE}) - 1 AS hi
  FROM ev_record r LEFT JOIN lev ON lev.record_id = r.id
  WHERE {in_list("r.catalog_item", rule.list_items)} AND r.decision_on IS NOT NULL AND r.decision_on < {d}
    AND r.id NOT IN (SELECT supersedes_id FROM sup)
),
lst_prev AS (
  SELECT subject_id, lo, hi, MAX(hi) OVER (PARTITION BY subject_id ORDER BY lo, hi
    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_hi
  FROM lst WHERE lo <= hi
),
lst_run AS (
  SELECT subject_id, lo, hi, SUM(CASE WHEN prev_hi IS NULL OR lo > prev_hi + 1 THEN 1 ELSE 0 END)
    OVER (PARTITION BY subject_id ORDER BY lo, hi ROWS UNBOUNDED PRECEDING) AS run
  FROM lst_prev
),
cover AS (
  SELECT subject_id, MIN(lo) AS lo FROM lst_run GROUP BY subject_id, run HAVING MAX(hi) >= {d}
),"""


def _lawful_cte(rule: RetentionRule, as_of: dt.date, dialect: str) -> str:
    cutoff = day(retention_cutoff(as_of, rule.months))
    kept = f"(f.polarity <> 'negative' OR f.start > {cutoff})"
    if not (rule.extend_while_listed and rule.list_items):
        return f"lawful AS (\n  SELECT f.* FROM flagged f WHERE {kept}\n)"
    # only the records past the five years meet the (few) listing runs
    return f"""lawful AS (
  SELECT f.* FROM flagged f WHERE {kept}
  UNION ALL
  SELECT f.* FROM flagged f JOIN cover c ON c.subject_id = f.subject_id
  WHERE NOT {kept} AND c.lo <= {months_after("f.start", rule.months, dialect)}
)"""


def compile_plan(
    models: list[EvaluationModel], as_of: dt.date, rule: RetentionRule, dialect: str = "duckdb"
) -> str:
    """Return one SQL statement that scores every subject whose kind has a model in ``models``."""
    columns, indicator_column, objection_column = _aggregate_columns(models, as_of)
    aggregates = ",\n    ".join(f"CAST({expr} AS BIGINT) AS {name}" for expr, name in columns.items())
    selects = [
        _model_select(model, as_of, indicator_column, objection_column[model.id], i)
        for i, model in enumerate(models)
    ]
    return f"""WITH {lawful_ctes(rule, as_of, dialect)},
agg AS (
  SELECT subject_id,
    {aggregates}
  FROM lawful GROUP BY subject_id
)
{chr(10).join(("UNION ALL " if i else "") + s for i, s in enumerate(selects))}"""


def _aggregate_columns(
    models: list[EvaluationModel], as_of: dt.date
) -> tuple[dict[str, str], dict[tuple[str, str], str], dict[str, str]]:
    """Return the aggregates over records (each computed once, shared between models), by what uses them."""
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
        for cap in model.caps:
            expr = f"SUM(CASE WHEN {indicator_condition(model, cap, as_of)} THEN 1 ELSE 0 END)"
            indicator_column[(model.id, f"cap:{cap.id}")] = column_for(expr)
    return columns, indicator_column, objection_column


def _model_select(
    model: EvaluationModel,
    as_of: dt.date,
    indicator_column: dict[tuple[str, str], str],
    objections: str,
    n: int,
) -> str:
    """Return the SELECT scoring the subjects of one model: points, caps, grade and the points as JSON."""
    pts = [points_expr(ind, indicator_column.get((model.id, ind.id)), as_of) for ind in model.indicators]
    inner_cols = ", ".join(f"{p} AS p{i}" for i, p in enumerate(pts))
    score = " + ".join(f"p{i}" for i in range(len(pts)))
    # 一票否决: each cap rule with a matching record limits the score to the top of its grade's band
    for j, cap in enumerate(model.caps):
        inner_cols += f", COALESCE(a.{indicator_column[(model.id, f'cap:{cap.id}')]}, 0) AS k{j}"
        allowed = model.cap_score(cap)
        score = f"CASE WHEN k{j} > 0 AND ({score}) > {allowed} THEN {allowed} ELSE ({score}) END"
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
    return (
        f"SELECT subject_id, {lit(model.id)} AS model_id, {lit(model.version)} AS model_version,\n"
        f"  CAST({score} AS BIGINT) AS score, {grade} AS grade,\n  {points_json} AS points,\n"
        f"  CAST(objections AS BIGINT) AS objections\n"
        f"FROM (SELECT s.subject_id, {inner_cols},\n"
        f"  COALESCE(a.{objections}, 0) AS objections\n"
        f"  FROM ev_subject s LEFT JOIN agg a ON a.subject_id = s.subject_id\n"
        f"  WHERE {in_list('s.kind', model.subject_kinds)}) t{n}"
    )


def lawful_ctes(rule: RetentionRule, as_of: dt.date, dialect: str = "duckdb") -> str:
    """Return the CTEs ending in ``lawful``: every counted record on ``as_of`` with its flags.

    The set-based statement of ``inputs.assess`` (``rules.disclosure.decide(...).counted``). Events are
    ranked once: the latest of each pair (objection opened/closed, suspended/unsuspended) by date, then
    by the order they were recorded, decides the record's state.
    """
    d = day(as_of)
    gone = in_list("kind", GONE_EVENTS)
    listing = _listing_ctes(rule, as_of) if rule.extend_while_listed and rule.list_items else ""
    return f"""sup AS (
  SELECT DISTINCT supersedes_id FROM ev_record WHERE supersedes_id IS NOT NULL
),
ranked AS (
  SELECT record_id, kind, ROW_NUMBER() OVER (
    PARTITION BY record_id, CASE WHEN kind IN ('suspended', 'unsuspended') THEN 1
      WHEN kind IN ('objection_opened', 'objection_closed') THEN 2 ELSE 3 END
    ORDER BY effective_on DESC, id DESC) AS rn
  FROM ev_event WHERE effective_on <= {d}
),
ev AS (
  SELECT record_id,
    MAX(CASE WHEN {gone} OR (kind = 'suspended' AND rn = 1) THEN 1 ELSE 0 END) AS gone,
    MAX(CASE WHEN kind = 'list_removed' THEN 1 ELSE 0 END) AS removed,
    MAX(CASE WHEN kind = 'objection_opened' AND rn = 1 THEN 1 ELSE 0 END) AS objection
  FROM ranked GROUP BY record_id
),
{listing}
flagged AS (
  SELECT r.id, r.subject_id, r.catalog_item, r.severity, r.polarity, r.decision_on, r.amount, r.tag,
    CASE WHEN r.retention_start > r.decision_on THEN r.retention_start ELSE r.decision_on END AS start,
    (COALESCE(ev.removed, 0) = 0 AND (r.valid_to IS NULL OR r.valid_to >= {d})) AS in_force,
    (COALESCE(ev.objection, 0) = 1) AS under_objection
  FROM ev_record r LEFT JOIN ev ON ev.record_id = r.id
  WHERE r.decision_on IS NOT NULL AND r.decision_on <= {d} AND COALESCE(ev.gone, 0) = 0
    AND r.id NOT IN (SELECT supersedes_id FROM sup)
),
{_lawful_cte(rule, as_of, dialect)}"""
