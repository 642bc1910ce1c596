"""Load the facts the signals look at, for a chunk of subjects, set-based.

Records are the newest versions the departments may use on the day (the one disclosure decision,
``records.service.decide_records`` for ``Audience.DEPARTMENT``: repaired, deleted, suspended, expired or
authorisation-only records are not evidence); list entries carry their listing period.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from xinyong.commitments import reads as commitment_reads
from xinyong.departments.models import Department
from xinyong.evaluation import history
from xinyong.monitoring.engine import (
    CommitmentFact,
    GradeFact,
    LinkFact,
    ListingFact,
    RecordFact,
    SubjectFacts,
)
from xinyong.monitoring.signals import (
    CommitmentCondition,
    GradeDropCondition,
    LicenceCondition,
    LinkedCondition,
    ListedCondition,
    RecordsCondition,
    Signal,
)
from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.records.models import CreditRecord
from xinyong.rules.disclosure import Audience, listing_period
from xinyong.subjects.models import Subject


def status_fields(signals: Sequence[Signal]) -> dict[str, str]:
    """Return the fulfilment-status field of each commitment catalog item the signals read."""
    return {
        item: s.condition.status_field
        for s in signals
        if isinstance(s.condition, CommitmentCondition)
        for item in s.condition.catalog_items
    }


def where_fields(signals: Sequence[Signal]) -> dict[str, set[str]]:
    """Return the payload fields of each catalog item that the signals' ``where`` filters read."""
    out: dict[str, set[str]] = defaultdict(set)
    for s in signals:
        if isinstance(s.condition, RecordsCondition):
            for item in s.condition.catalog_items:
                out[item] |= set(s.condition.where)
    return out


def items_of(signals: Sequence[Signal]) -> tuple[set[str], set[str]]:
    """Return (record items, list items) the signals look at."""
    records: set[str] = set()
    lists: set[str] = set()
    for s in signals:
        items = set(getattr(s.condition, "catalog_items", []))
        (lists if isinstance(s.condition, LinkedCondition) else records).update(items)
    return records, lists


def _departments(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Department.id, Department.code)).all())


def relevant(signals: Sequence[Signal], on: dt.date) -> ColumnElement[bool]:
    """Return a clause keeping only the records a signal could look at on ``on`` (most records are old).

    Window signals look at records decided within their window; licence signals at validity ending within
    theirs; commitment signals at records whose fulfilment status is a breach.
    """
    clauses: list[ColumnElement[bool]] = []
    for s in signals:
        c = s.condition
        if isinstance(c, RecordsCondition):
            clauses.append(
                and_(
                    CreditRecord.catalog_item.in_(c.catalog_items),
                    CreditRecord.decision_on > on - dt.timedelta(days=c.window_days),
                    CreditRecord.decision_on <= on,
                    *(CreditRecord.payload[k].as_string().in_(v) for k, v in c.where.items()),
                )
            )
        elif isinstance(c, LicenceCondition):
            clauses.append(
                and_(
                    CreditRecord.catalog_item.in_(c.catalog_items),
                    CreditRecord.valid_to >= on,
                    CreditRecord.valid_to <= on + dt.timedelta(days=c.days),
                )
            )
        elif isinstance(c, ListedCondition):  # a list entry counts whenever it was decided
            clauses.append(CreditRecord.catalog_item.in_(c.catalog_items))
        elif isinstance(c, CommitmentCondition):
            clauses.append(
                and_(
                    CreditRecord.catalog_item.in_(c.catalog_items),
                    CreditRecord.payload[c.status_field].as_string().in_(c.breached_statuses),
                )
            )
    return or_(false(), *clauses)


def listed(list_items: set[str]) -> ColumnElement[bool]:
    """Return a clause keeping the list entries a link signal looks at (whatever their date)."""
    return CreditRecord.catalog_item.in_(sorted(list_items)) if list_items else false()


def _records(
    session: Session, subject_ids: Sequence[int], clause: ColumnElement[bool], on: dt.date, policy: Policy
) -> list[CreditRecord]:
    if not subject_ids:
        return []
    rows = session.scalars(
        select(CreditRecord).where(
            CreditRecord.subject_id.in_(subject_ids), clause, records_service.latest_only()
        )
    ).all()
    decided = records_service.decide_records(session, rows, Audience.DEPARTMENT, on, policy)
    return [v.record for v in decided if v.disclosure.shared]


def _listings(
    session: Session, records: Sequence[CreditRecord], policy: Policy, departments: dict[int, str]
) -> dict[int, list[ListingFact]]:
    out: dict[int, list[ListingFact]] = defaultdict(list)
    events = records_service.status_events(session, [r.id for r in records])
    for r in records:
        item = policy.catalog.get(r.catalog_item)
        end = records_service.as_date(records_service.role_value(item, r.payload or {}, "list_end"))
        period = listing_period(r.decision_on, end, events.get(r.id, []))
        if period is not None:
            out[r.subject_id].append(
                ListingFact(
                    r.id, r.catalog_item, period.start, period.end, departments.get(r.department_id, "")
                )
            )
    return out


def _links(
    session: Session,
    subjects: Sequence[Subject],
    list_items: set[str],
    on: dt.date,
    policy: Policy,
    departments: dict[int, str],
) -> dict[int, list[LinkFact]]:
    """Return, per subject, the other subjects of its region with the same legal representative that are listed.

    Names are not unique: the link is limited to one county and the signal is advisory (关注); an officer
    marks a homonym 误报.
    """
    reps = {(s.legal_rep, s.region_code) for s in subjects if s.legal_rep}
    if not reps or not list_items:
        return {}
    others = session.execute(
        select(Subject.id, Subject.name, Subject.legal_rep, Subject.region_code).where(
            Subject.legal_rep.in_(sorted({r for r, _ in reps}))
        )
    ).all()
    others = [o for o in others if (o.legal_rep, o.region_code) in reps]
    entries = _records(session, [o.id for o in others], listed(list_items), on, policy)
    in_force = _listings(session, entries, policy, departments)
    by_rep: dict[tuple[str, str | None], list[LinkFact]] = defaultdict(list)
    for o in others:
        if in_force.get(o.id):
            by_rep[(o.legal_rep, o.region_code)].append(LinkFact(o.id, o.name, tuple(in_force[o.id])))
    out: dict[int, list[LinkFact]] = {}
    for s in subjects:
        found = [
            link for link in by_rep.get((s.legal_rep or "", s.region_code), []) if link.subject_id != s.id
        ]
        if found:
            out[s.id] = found
    return out


def _record_facts(
    records: Sequence[CreditRecord], signals: Sequence[Signal], departments: dict[int, str]
) -> dict[int, list[RecordFact]]:
    out: dict[int, list[RecordFact]] = defaultdict(list)
    statuses = status_fields(signals)
    wheres = where_fields(signals)
    for r in records:
        if r.decision_on is None:
            continue
        payload = r.payload or {}
        status = payload.get(statuses[r.catalog_item]) if r.catalog_item in statuses else None
        values = tuple((k, str(payload[k])) for k in sorted(wheres.get(r.catalog_item, ())) if k in payload)
        out[r.subject_id].append(
            RecordFact(
                r.id,
                r.catalog_item,
                r.severity,
                r.decision_on,
                r.valid_to,
                departments.get(r.department_id, ""),
                None if status is None else str(status),
                values,
            )
        )
    return out


def _grade_facts(
    session: Session, subject_ids: Sequence[int], signals: Sequence[Signal], on: dt.date, policy: Policy
) -> dict[int, list[GradeFact]]:
    """Return the stored grades the grade-drop signals look at (the widest window and look-back)."""
    spans = [
        s.condition.window_days + s.condition.lookback_days
        for s in signals
        if isinstance(s.condition, GradeDropCondition)
    ]
    if not spans:
        return {}
    found = history.grade_history(session, policy, subject_ids, on - dt.timedelta(days=max(spans)), on)
    return {
        sid: [GradeFact(g.result_id, g.as_of, g.grade, g.scale, g.rank) for g in grades]
        for sid, grades in found.items()
    }


def load_facts(
    session: Session, subject_ids: Sequence[int], signals: Sequence[Signal], on: dt.date, policy: Policy
) -> list[tuple[Subject, SubjectFacts]]:
    """Return each subject with the facts the signals look at on ``on``."""
    subjects = session.scalars(select(Subject).where(Subject.id.in_(subject_ids)).order_by(Subject.id)).all()
    ids = [s.id for s in subjects]
    departments = _departments(session)
    _, list_items = items_of(signals)
    rows = _records(session, ids, relevant(signals, on), on, policy)
    records = _record_facts(rows, signals, departments)
    own_lists = {
        i for s in signals if isinstance(s.condition, ListedCondition) for i in s.condition.catalog_items
    }
    listings = _listings(session, [r for r in rows if r.catalog_item in own_lists], policy, departments)
    commitments: dict[int, list[CommitmentFact]] = defaultdict(list)
    for c in commitment_reads.of_subjects(session, ids):
        commitments[c.subject_id].append(
            CommitmentFact(c.code, c.status, c.status_on, c.due_on, departments.get(c.department_id, ""))
        )
    links = _links(session, subjects, list_items, on, policy, departments)
    grades = _grade_facts(session, ids, signals, on, policy)
    return [
        (
            s,
            SubjectFacts(
                subject_id=s.id,
                kind=s.kind,
                region_code=s.region_code,
                status=s.status,
                records=tuple(records.get(s.id, [])),
                listings=tuple(listings.get(s.id, [])),
                commitments=tuple(commitments.get(s.id, [])),
                links=tuple(links.get(s.id, [])),
                grades=tuple(grades.get(s.id, [])),
            ),
        )
        for s in subjects
    ]
