"""Lawful inputs of the evaluation (pure): which records are counted on an as-of date.

The rule, shared word for word by the set-based plan in ``sqlgen.py``:

1. Only the current version of a fact counts (a record another record supersedes does not).
2. A record decided after the as-of date, or without a decision date, does not count yet.
3. A record with a ``repaired`` (信用修复), ``deleted`` (依法删除) or ``disclosure_stopped`` event on or
   before the as-of date is not counted: repaired information stops being used (spec §1.1, §1.5).
4. A record whose latest ``suspended`` event is later than its latest ``unsuspended`` event is not counted
   while suspended (暂时屏蔽).
5. A negative record is counted only within Zhejiang's retention (《浙江省公共信用信息管理条例》第十六条,
   ``policy.retention.negative_retention_months``, 60 months): counted while its start (the end of a
   custodial sentence where known, else the decision date) is later than ``as_of − N months``; past that
   it is deleted (自然修复) unless the subject is still on a serious-dishonesty list through that record
   (``extend_while_listed``).
6. Records under objection (异议中: latest ``objection_opened`` later than latest ``objection_closed``) are
   counted, flagged, unless the model says ``objection: exclude``; a model may also ignore 轻微 negative
   records (``count_minor_negative: false``).

This MUST agree with ``xinyong.records.disclosure.decide(...).counted`` (the credit-files capability's one
rule for whether a record is counted); the integrator reconciles the two when both are on main.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from xinyong.evaluation.spec import EvaluationModel

GONE_EVENTS = ("repaired", "deleted", "disclosure_stopped")
AMOUNT_UNITS_PER_WAN = 10_000  # amounts are carried as integer yuan (万元 × 10 000) so sums are exact


def sub_months(day: dt.date, months: int) -> dt.date:
    """Return ``day`` moved back ``months`` calendar months (clipped to the month's last day)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class RecordFacts:
    """What the evaluation needs of one credit record and its status events."""

    id: int
    subject_id: int
    catalog_item: str
    severity: str | None
    polarity: str
    decision_on: dt.date | None
    valid_to: dt.date | None = None
    amount: int | None = None  # yuan (万元 × 10 000)
    retention_start: dt.date | None = None  # end of a custodial sentence, where the record has one
    superseded: bool = False
    events: tuple[tuple[str, dt.date], ...] = field(default=())


@dataclass(frozen=True)
class Assessment:
    """Whether a record is lawful input on a date, why not, and its flags."""

    counted: bool
    reason: str
    under_objection: bool = False
    in_force: bool = False


@dataclass(frozen=True)
class RetentionRule:
    """Retention of negative records and the serious-list items that extend it."""

    months: int
    extend_while_listed: bool
    list_items: frozenset[str]


def _latest(events: tuple[tuple[str, dt.date], ...], kind: str, as_of: dt.date) -> dt.date | None:
    days = [on for k, on in events if k == kind and on <= as_of]
    return max(days) if days else None


def assess(record: RecordFacts, as_of: dt.date, rule: RetentionRule) -> Assessment:
    """Tell whether ``record`` is counted on ``as_of`` (model-independent part of the rule)."""
    events = record.events
    removed = _latest(events, "list_removed", as_of) is not None
    in_force = not removed and (record.valid_to is None or record.valid_to >= as_of)
    opened = _latest(events, "objection_opened", as_of)
    closed = _latest(events, "objection_closed", as_of)
    objection = opened is not None and (closed is None or opened > closed)
    if record.superseded:
        return Assessment(False, "superseded")
    if record.decision_on is None or record.decision_on > as_of:
        return Assessment(False, "not_yet_decided")
    for kind in GONE_EVENTS:
        if _latest(events, kind, as_of) is not None:
            return Assessment(False, kind)
    suspended = _latest(events, "suspended", as_of)
    unsuspended = _latest(events, "unsuspended", as_of)
    if suspended is not None and (unsuspended is None or suspended > unsuspended):
        return Assessment(False, "suspended")
    if record.polarity == "negative":
        start = record.retention_start or record.decision_on
        within = start > sub_months(as_of, rule.months)
        listed = rule.extend_while_listed and record.catalog_item in rule.list_items and in_force
        if not (within or listed):
            return Assessment(False, "past_retention")
    return Assessment(True, "counted", under_objection=objection, in_force=in_force)


def model_counts(model: EvaluationModel, record: RecordFacts, assessment: Assessment) -> bool:
    """Apply the model's own input choices (轻微 negative records, records under objection)."""
    if not assessment.counted:
        return False
    minor = record.polarity == "negative" and record.severity == "轻微"
    if minor and not model.inputs.count_minor_negative:
        return False
    return not (assessment.under_objection and model.inputs.objection == "exclude")
