"""Single-subject scorer (pure): per-indicator points, the records behind them, reasons and advice.

The batch (``sqlgen.py``) compiles the same model into one set-based plan; a differential test keeps the
two equal. Advice is the 信用状况提升建议: which indicators can still gain points and how.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xinyong.evaluation.inputs import (
    AMOUNT_UNITS_PER_WAN,
    Assessment,
    EvaluatedRecord,
    assess,
    listings,
    model_counts,
    retention_rule,
)
from xinyong.evaluation.spec import EvaluationModel, Indicator, RecordSelector
from xinyong.kit.dates import add_months, sub_months

if TYPE_CHECKING:
    from xinyong.policy.loader import Policy


@dataclass(frozen=True)
class SubjectFacts:
    """What the evaluation needs of the subject itself."""

    id: int
    kind: str
    established_on: dt.date | None = None
    region_code: str | None = None
    industry: str | None = None


@dataclass(frozen=True)
class Contribution:
    """One indicator's measured value, points and the records behind them."""

    indicator_id: str
    name: str
    dimension: str
    value: float | None
    points: int
    cap: int
    records: tuple[int, ...]


@dataclass(frozen=True)
class Reason:
    """A reason code: an indicator that cost points, with how many."""

    code: str
    name: str
    points_lost: int


@dataclass(frozen=True)
class Advice:
    """信用状况提升建议 for one indicator."""

    indicator_id: str
    name: str
    text: str
    possible_gain: int
    earliest_on: dt.date | None


@dataclass(frozen=True)
class Evaluation:
    """The result of evaluating one subject."""

    subject_id: int
    model_id: str
    model_version: str
    use: str
    score: int
    grade: str
    contributions: tuple[Contribution, ...]
    reasons: tuple[Reason, ...]
    advice: tuple[Advice, ...]
    objection_records: tuple[int, ...]

    @property
    def points(self) -> dict[str, int]:
        """Return the per-indicator points keyed by indicator id."""
        return {c.indicator_id: c.points for c in self.contributions}


def matches(ind: RecordSelector, rec: EvaluatedRecord, assessment: Assessment, as_of: dt.date) -> bool:
    """Tell whether a counted record falls under a records indicator or a cap rule."""
    if rec.catalog_item not in ind.catalog_items:
        return False
    if ind.severities and rec.severity not in ind.severities:
        return False
    if ind.tags and rec.tag not in ind.tags:
        return False
    if ind.window_months is not None and (
        rec.decision_on is None or rec.decision_on <= sub_months(as_of, ind.window_months)
    ):
        return False
    return not (ind.in_force_only and not assessment.in_force)


def threshold_units(ind: Indicator, at_least: float) -> int:
    """Return a points-table threshold in the unit the measure is carried in."""
    return round(at_least * AMOUNT_UNITS_PER_WAN) if ind.measure == "sum_amount" else round(at_least)


def records_points(ind: Indicator, value: int) -> int:
    """Return the points of a records indicator for its (integer) measured value."""
    earned = ind.points[0].points
    for step in ind.points:
        if value >= threshold_units(ind, step.at_least):
            earned = step.points
    return max(ind.floor, min(ind.cap, earned))


def attribute_points(ind: Indicator, subject: SubjectFacts, as_of: dt.date) -> tuple[float | None, int]:
    """Return an attribute indicator's value (completed years) and points."""
    est = subject.established_on
    if est is None:
        return None, max(ind.floor, min(ind.cap, ind.missing_points))
    earned = ind.points[0].points
    for step in ind.points:
        if est <= sub_months(as_of, round(step.at_least * 12)):
            earned = step.points
    years = 0
    while est <= sub_months(as_of, 12 * (years + 1)):
        years += 1
    return float(years), max(ind.floor, min(ind.cap, earned))


def _advice(ind: Indicator, contrib: Contribution, recs: list[EvaluatedRecord]) -> Advice | None:
    gain = contrib.cap - contrib.points
    if gain <= 0:
        return None
    earliest = None
    if ind.source == "records" and ind.direction == "lower_is_better" and ind.window_months and recs:
        exits = [add_months(r.decision_on, ind.window_months) for r in recs if r.decision_on]
        earliest = min(exits) if exits else None
    return Advice(ind.id, ind.name, ind.advice, gain, earliest)


def _contribution(
    ind: Indicator,
    dimension: str,
    subject: SubjectFacts,
    counted: list[tuple[EvaluatedRecord, Assessment]],
    as_of: dt.date,
) -> tuple[Contribution, list[EvaluatedRecord]]:
    """Return an indicator's contribution and the records behind it (none for an attribute)."""
    behind: list[EvaluatedRecord] = []
    value: float | None
    if ind.source == "attribute":
        value, pts = attribute_points(ind, subject, as_of)
    else:
        behind = [r for r, a in counted if matches(ind, r, a, as_of)]
        units = len(behind) if ind.measure == "count" else sum(r.amount or 0 for r in behind)
        pts = records_points(ind, units)
        value = units / AMOUNT_UNITS_PER_WAN if ind.measure == "sum_amount" else float(units)
    contrib = Contribution(
        ind.id, ind.name, dimension, value, pts, ind.cap, tuple(sorted(r.id for r in behind))
    )
    return contrib, behind


def evaluate(
    subject: SubjectFacts,
    records: list[EvaluatedRecord],
    model: EvaluationModel,
    as_of: dt.date,
    policy: Policy,
) -> Evaluation:
    """Score one subject with ``model`` on ``as_of`` from all its records."""
    counted: list[tuple[EvaluatedRecord, Assessment]] = []
    rule = retention_rule(policy)
    subject_listings = listings(records, rule) if rule.extend_while_listed else ()
    for rec in records:
        a = assess(rec, as_of, policy, subject_listings)
        if model_counts(model, rec, a):
            counted.append((rec, a))
    contributions: list[Contribution] = []
    advice: list[Advice] = []
    for dim in model.dimensions:
        for ind in dim.indicators:
            contrib, behind = _contribution(ind, dim.name, subject, counted, as_of)
            contributions.append(contrib)
            tip = _advice(ind, contrib, behind)
            if tip is not None:
                advice.append(tip)
    score = sum(c.points for c in contributions)
    reasons = sorted(
        (Reason(c.indicator_id, c.name, c.cap - c.points) for c in contributions if c.points < c.cap),
        key=lambda r: (-r.points_lost, r.code),
    )
    for cap in model.caps:
        if any(matches(cap, r, a, as_of) for r, a in counted):
            allowed = model.cap_score(cap)
            if score > allowed:
                reasons.insert(
                    0, Reason(f"cap:{cap.id}", f"{cap.name}（一票否决，至多{cap.grade}）", score - allowed)
                )
                score = allowed
    objections = tuple(sorted(r.id for r, a in counted if a.under_objection))
    if objections:
        reasons.append(Reason("objection_pending", "存在异议处理中的记录（已标注）", 0))
    advice.sort(key=lambda a: (-a.possible_gain, a.indicator_id))
    return Evaluation(
        subject_id=subject.id,
        model_id=model.id,
        model_version=model.version,
        use=model.use,
        score=score,
        grade=model.grade_for(score),
        contributions=tuple(contributions),
        reasons=tuple(reasons),
        advice=tuple(advice),
        objection_records=objections,
    )


def parse_day(value: object) -> dt.date | None:
    """Return a date from the input readers' text ('' for none)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:  # not a calendar date: read as missing, as the records package does
        return None


def facts_from_rows(
    subject_row: tuple[object, ...],
    record_rows: list[tuple[object, ...]],
    event_rows: list[tuple[object, ...]],
) -> tuple[SubjectFacts, list[EvaluatedRecord]]:
    """Build the facts of one subject from the rows of ``queries.subjects_sql/records_sql/events_sql``."""
    sid, kind, established, region, industry = subject_row
    events: dict[int, list[tuple[dt.date, int, str]]] = {}
    for record_id, ev_kind, on, event_id in event_rows:
        day = parse_day(on)
        if day is not None:
            events.setdefault(int(str(record_id)), []).append((day, int(str(event_id)), str(ev_kind)))
    superseded = {int(str(r[9])) for r in record_rows if r[9]}
    records = [
        EvaluatedRecord(
            id=int(str(r[0])),
            subject_id=int(str(r[1])),
            catalog_item=str(r[2]),
            severity=str(r[3]) or None,
            polarity=str(r[4]),
            decision_on=parse_day(r[5]),
            valid_to=parse_day(r[6]),
            amount=int(str(r[7])),
            retention_start=parse_day(r[8]),
            list_end=parse_day(r[10]),
            superseded=int(str(r[0])) in superseded,
            events=tuple((k, on) for on, _, k in sorted(events.get(int(str(r[0])), []))),
            tag=str(r[11] or ""),
        )
        for r in record_rows
    ]
    subject = SubjectFacts(
        id=int(str(sid)),
        kind=str(kind),
        established_on=parse_day(established),
        region_code=str(region) or None,
        industry=str(industry) or None,
    )
    return subject, records
