"""Signal evaluation (pure): from one subject's facts, a signal and a day, whether the signal holds.

A finding says until when the condition holds on the facts known now (``holds_until``; ``None`` while it
holds open-ended, e.g. a breached commitment not yet remedied), which facts are its evidence and which
departments are told. Whether an alert is active is derived from that date, never flipped by a job:
a new fact (a repair, a list removal, a later record) reaches the subject's next incremental run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from xinyong.monitoring.signals import (
    CommitmentCondition,
    GradeDropCondition,
    LicenceCondition,
    LinkedCondition,
    ListedCondition,
    RecordsCondition,
    Signal,
)

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class RecordFact:
    """A record the departments may use (the disclosure decision said ``shared``) with its source."""

    id: int
    catalog_item: str
    severity: str | None
    decision_on: dt.date
    valid_to: dt.date | None
    department: str
    status: str | None = None  # a commitment record's fulfilment status (履约状态), from the feed
    values: tuple[tuple[str, str], ...] = ()  # payload fields a signal's ``where`` reads


@dataclass(frozen=True)
class ListingFact:
    """A list entry (严重失信主体名单, 失信被执行人 …) and its period (``end`` ``None``: still listed)."""

    record_id: int
    catalog_item: str
    start: dt.date
    end: dt.date | None
    department: str


@dataclass(frozen=True)
class CommitmentFact:
    """A commitment (信用承诺) with its status and due date."""

    code: str
    status: str
    status_on: dt.date
    due_on: dt.date | None
    department: str


@dataclass(frozen=True)
class LinkFact:
    """Another subject with the same legal representative, and its list entries."""

    subject_id: int
    name: str
    listings: tuple[ListingFact, ...]


@dataclass(frozen=True)
class GradeFact:
    """A stored grade: its run's date, and its place on the model's scale (``rank`` 0 is the lowest)."""

    result_id: int
    as_of: dt.date
    grade: str
    scale: tuple[str, ...]
    rank: int


@dataclass(frozen=True)
class SubjectFacts:
    """Everything the signals look at for one subject."""

    subject_id: int
    kind: str
    region_code: str | None
    status: str
    records: tuple[RecordFact, ...] = ()
    listings: tuple[ListingFact, ...] = ()
    commitments: tuple[CommitmentFact, ...] = ()
    links: tuple[LinkFact, ...] = ()
    grades: tuple[GradeFact, ...] = ()


@dataclass(frozen=True)
class Finding:
    """A signal holding for a subject on a day."""

    signal_id: str
    holds_until: dt.date | None
    evidence: tuple[str, ...]
    source_departments: frozenset[str]
    summary: str


FULFILLED = frozenset({"全部履行"})


def _records(
    cond: RecordsCondition, facts: SubjectFacts, on: dt.date
) -> tuple[dt.date, list[RecordFact]] | None:
    first = on - (cond.window_days - 1) * DAY
    found = sorted(
        (
            r
            for r in facts.records
            if r.catalog_item in cond.catalog_items
            and (not cond.severities or r.severity in cond.severities)
            and all(dict(r.values).get(k) in v for k, v in cond.where.items())
            and first <= r.decision_on <= on
        ),
        key=lambda r: (r.decision_on, r.id),
    )

    def enough(rows: Sequence[RecordFact]) -> bool:
        return len(rows) >= cond.min_count and len({r.department for r in rows}) >= cond.min_departments

    if not enough(found):
        return None
    start = 0
    while enough(found[start + 1 :]):  # the newest records that still satisfy decide how long it holds
        start += 1
    return found[start].decision_on + (cond.window_days - 1) * DAY, found


def _listed_until(
    listings: Sequence[ListingFact], on: dt.date
) -> tuple[dt.date | None, list[ListingFact]] | None:
    current = [x for x in listings if x.start <= on and (x.end is None or on < x.end)]
    if not current:
        return None
    ends = [x.end for x in current]
    return (None if None in ends else max(e for e in ends if e is not None) - DAY), current


def evaluate(signal: Signal, facts: SubjectFacts, on: dt.date) -> Finding | None:
    """Return the finding of ``signal`` for ``facts`` on ``on``, or ``None`` when it does not hold."""
    if facts.kind not in signal.subject_kinds:
        return None
    cond = signal.condition
    if isinstance(cond, RecordsCondition):
        hit = _records(cond, facts, on)
        if hit is None:
            return None
        until, rows = hit
        return Finding(
            signal.id,
            until,
            tuple(f"record:{r.id}" for r in rows),
            frozenset(r.department for r in rows),
            f"{cond.window_days} 日内 {len(rows)} 条（{len({r.department for r in rows})} 个部门）",
        )
    if isinstance(cond, CommitmentCondition):
        return _commitments(signal, cond, facts, on)
    if isinstance(cond, LicenceCondition):
        return _licences(signal, cond, facts, on)
    if isinstance(cond, GradeDropCondition):
        return _grade_drop(signal, cond, facts, on)
    if isinstance(cond, ListedCondition):
        return _listed(signal, cond, facts, on)
    return _linked(signal, cond, facts, on)


def _commitments(
    signal: Signal, cond: CommitmentCondition, facts: SubjectFacts, on: dt.date
) -> Finding | None:
    breached = [c.code for c in facts.commitments if c.status in cond.breached_statuses]
    breached += [
        f"record:{r.id}"
        for r in facts.records
        if r.catalog_item in cond.catalog_items and r.status in cond.breached_statuses
    ]
    overdue = [
        c.code
        for c in facts.commitments
        if c.status not in FULFILLED
        and c.status not in cond.breached_statuses
        and c.due_on is not None
        and c.due_on + cond.overdue_after_days * DAY < on
    ]
    if not breached and not overdue:
        return None
    departments = {c.department for c in facts.commitments if c.code in breached or c.code in overdue}
    departments |= {r.department for r in facts.records if f"record:{r.id}" in breached}
    return Finding(
        signal.id,
        None,  # holds until the commitment's status changes (a new fact), not by the calendar
        tuple(x if x.startswith("record:") else f"commitment:{x}" for x in breached + overdue),
        frozenset(departments),
        f"违诺未纠正 {len(breached)} 项，到期未履行 {len(overdue)} 项",
    )


def _licences(signal: Signal, cond: LicenceCondition, facts: SubjectFacts, on: dt.date) -> Finding | None:
    if facts.status not in cond.operating_statuses:
        return None
    rows = [
        r
        for r in facts.records
        if r.catalog_item in cond.catalog_items
        and r.valid_to is not None
        and on <= r.valid_to <= on + cond.days * DAY
    ]
    if not rows:
        return None
    return Finding(
        signal.id,
        max(r.valid_to for r in rows if r.valid_to is not None),
        tuple(f"record:{r.id}" for r in rows),
        frozenset(r.department for r in rows),
        f"{len(rows)} 项许可将于 {cond.days} 日内到期",
    )


def _listed(signal: Signal, cond: ListedCondition, facts: SubjectFacts, on: dt.date) -> Finding | None:
    hit = _listed_until([x for x in facts.listings if x.catalog_item in cond.catalog_items], on)
    if hit is None:
        return None
    until, current = hit
    return Finding(
        signal.id,
        until,
        tuple(f"record:{x.record_id}" for x in current),
        frozenset(x.department for x in current),
        f"名单在列 {len(current)} 项",
    )


def _linked(signal: Signal, cond: LinkedCondition, facts: SubjectFacts, on: dt.date) -> Finding | None:
    evidence: list[str] = []
    departments: set[str] = set()
    ends: list[dt.date | None] = []
    names: list[str] = []
    for link in facts.links:
        hit = _listed_until([x for x in link.listings if x.catalog_item in cond.catalog_items], on)
        if hit is None:
            continue
        until, current = hit
        ends.append(until)
        names.append(link.name)
        evidence += [f"record:{x.record_id}" for x in current]
        departments |= {x.department for x in current}
    if not evidence:
        return None
    holds = None if None in ends else max(e for e in ends if e is not None)
    return Finding(
        signal.id,
        holds,
        tuple(evidence),
        frozenset(departments),
        "法定代表人同时担任列入名单主体的法定代表人：" + "、".join(names[:5]),
    )


def _grade_drop(signal: Signal, cond: GradeDropCondition, facts: SubjectFacts, on: dt.date) -> Finding | None:
    """Compare the newest grade with the best of the ``lookback_days`` before it, on the same scale.

    Holds for ``window_days`` from the newest grade's date, unless a newer grade (a new fact) replaces it.
    """
    known = sorted((g for g in facts.grades if g.as_of <= on), key=lambda g: (g.as_of, g.result_id))
    if not known:
        return None
    newest = known[-1]
    if newest.as_of <= on - cond.window_days * DAY:
        return None
    earlier = [
        g
        for g in known
        if g.scale == newest.scale and newest.as_of - cond.lookback_days * DAY <= g.as_of < newest.as_of
    ]
    if not earlier:
        return None
    best = max(earlier, key=lambda g: (g.rank, g.as_of, g.result_id))
    if best.rank - newest.rank < cond.levels:
        return None
    return Finding(
        signal.id,
        newest.as_of + (cond.window_days - 1) * DAY,
        (f"evaluation:{best.result_id}", f"evaluation:{newest.result_id}"),
        frozenset(),
        f"信用等级由{best.grade}（{best.as_of}）降至{newest.grade}（{newest.as_of}），下降 {best.rank - newest.rank} 级",
    )


def evaluate_all(signals: Sequence[Signal], facts: SubjectFacts, on: dt.date) -> list[Finding]:
    """Return the findings of every signal for one subject."""
    out = []
    for signal in signals:
        finding = evaluate(signal, facts, on)
        if finding is not None:
            out.append(finding)
    return out
