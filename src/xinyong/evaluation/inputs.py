"""Lawful inputs of the evaluation (pure): which records are counted on an as-of date.

There is one rule, the credit-files capability's ``xinyong.rules.disclosure.decide(...).counted``;
``assess`` calls it. The set-based plan (``sqlgen.py``) restates it over all subjects, and
``tests/evaluation/test_lawful_inputs.py`` checks the plan against ``records.service.counted_records``
on random records. In words:

1. Only the current version of a fact counts (a record another record supersedes does not).
2. A record decided after the as-of date, or without a decision date, is not counted.
3. A record with a ``repaired`` (信用修复), ``deleted`` (依法删除) or ``disclosure_stopped`` event on or
   before the as-of date is not counted: repaired information stops being used (spec §1.1, §1.5).
4. A record whose latest ``suspended``/``unsuspended`` event (by date, then the order they were recorded)
   is ``suspended`` is not counted while suspended (暂时屏蔽).
5. A negative record is counted only within Zhejiang's retention (《浙江省公共信用信息管理条例》第十六条,
   ``policy.retention.negative_retention_months``, 60 months) from its start (the end of a custodial
   sentence where later than the decision, else the decision date); the period is extended while the
   subject stays on a serious-dishonesty list (``extend_while_listed``): any of its listings covering the
   end pushes it to the listing's end.
6. Records under objection (异议中: latest of ``objection_opened``/``objection_closed`` is an opening) are
   counted, flagged, unless the model says ``objection: exclude``; a model may also ignore 轻微 negative
   records (``count_minor_negative: false``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from xinyong.evaluation.spec import EvaluationModel
from xinyong.kit.dates import is_month_end, sub_months
from xinyong.rules import disclosure
from xinyong.rules import facts as rule_facts
from xinyong.rules import severity as rule_severity

if TYPE_CHECKING:
    from xinyong.policy.loader import Policy

GONE_EVENTS = ("repaired", "deleted", "disclosure_stopped")
LISTING_ENDS = disclosure.LISTING_ENDS
AMOUNT_UNITS_PER_WAN = 10_000  # amounts are carried as integer yuan (万元 × 10 000) so sums are exact


def retention_cutoff(as_of: dt.date, months: int) -> dt.date:
    """Return the last start date whose ``months``-month period has ended by ``as_of``.

    A period from ``start`` ends on ``kit.dates.add_months(start, months)`` (clipped to month ends), so
    it has ended by ``as_of`` exactly when ``start <= retention_cutoff(as_of, months)``.
    """
    back = sub_months(as_of, months)
    if is_month_end(as_of):
        while not is_month_end(back):
            back += dt.timedelta(days=1)
    return back


@dataclass(frozen=True)
class EvaluatedRecord:
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
    list_end: dt.date | None = None  # a serious-dishonesty list entry's end date, where it has one
    superseded: bool = False
    events: tuple[tuple[str, dt.date], ...] = field(default=())  # in the order they happened
    tag: str = ""  # the model's tag fields of the payload joined by "/" (``spec.RecordSelector.tags``)


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


def retention_rule(policy: Policy) -> RetentionRule:
    """Return the retention rule: Zhejiang's months, and the serious-list items whose listing extends it.

    The items are those of ``records.service.serious_list_items``: section 严重失信 with a list end.
    """
    items = frozenset(
        i.id for i in policy.catalog.values() if i.section == "严重失信" and "list_end" in i.roles
    )
    return RetentionRule(
        months=policy.retention.negative_retention_months,
        extend_while_listed=policy.retention.extend_while_listed,
        list_items=items,
    )


_REASONS = {"retention_expired": "past_retention", "not_yet_effective": "not_yet_decided"}


def _status_events(record: EvaluatedRecord) -> tuple[rule_facts.StatusEvent, ...]:
    return tuple(rule_facts.StatusEvent(kind, on) for kind, on in record.events)


def listings(records: Iterable[EvaluatedRecord], rule: RetentionRule) -> tuple[rule_facts.Listing, ...]:
    """Return a subject's serious-dishonesty listing periods from its current records."""
    out = []
    for r in records:
        if r.superseded or r.catalog_item not in rule.list_items:
            continue
        found = disclosure.listing_period(r.decision_on, r.list_end, _status_events(r))
        if found is not None:
            out.append(found)
    return tuple(out)


def assess(
    record: EvaluatedRecord,
    as_of: dt.date,
    policy: Policy,
    subject_listings: tuple[rule_facts.Listing, ...] = (),
) -> Assessment:
    """Tell whether ``record`` is counted on ``as_of`` (model-independent): the disclosure decision."""
    removed = any(k == "list_removed" and on <= as_of for k, on in record.events)
    in_force = not removed and (record.valid_to is None or record.valid_to >= as_of)
    if record.superseded:
        return Assessment(False, "superseded")
    facts = rule_facts.RecordFacts(
        catalog_item=record.catalog_item,
        subject_kind="",
        polarity=record.polarity,
        decision_on=record.decision_on,
        severity=record.severity,
        valid_to=record.valid_to,
        list_end=record.list_end,
        sentence_end=record.retention_start,
        events=_status_events(record),
        subject_listings=subject_listings,
    )
    found = disclosure.decide(facts, disclosure.Audience.CREDIT_CENTRE, as_of, policy)
    if not found.counted:
        reason = "not_yet_decided" if record.decision_on is None else found.reason_code
        return Assessment(False, _REASONS.get(reason, reason))
    return Assessment(True, "counted", under_objection=found.under_objection, in_force=in_force)


def model_counts(model: EvaluationModel, record: EvaluatedRecord, assessment: Assessment) -> bool:
    """Apply the model's own input choices (轻微 negative records, records under objection)."""
    if not assessment.counted:
        return False
    minor = rule_severity.minor_negative(record.polarity, record.severity)
    if minor and not model.inputs.count_minor_negative:
        return False
    return not (assessment.under_objection and model.inputs.objection == "exclude")
