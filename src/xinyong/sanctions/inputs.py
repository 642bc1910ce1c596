"""Seams that load the check's facts from other capabilities' tables, set-based and chunked.

(a) :func:`load_trigger_facts` reads ``credit_record`` + ``record_event`` and asks the disclosure
decision whether departments may use each record; (b) :func:`load_grades`
reads the grade of the latest finished evaluation run and maps it to the department's supervision class
with the evaluation capability's rules.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, namedtuple
from collections.abc import Iterable, Iterator, Mapping, Sequence
from operator import attrgetter
from typing import Any, NamedTuple, Protocol

from sqlalchemy import Text, bindparam, cast, select

from xinyong.db import loads_json
from xinyong.db_prepared import Prepared, Reader, connection_of
from xinyong.departments.models import Department
from xinyong.evaluation import service as evaluation_service
from xinyong.evaluation.supervision import SupervisionRule
from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.records.models import CreditRecord, RecordEvent, RecordEventKind
from xinyong.rules.disclosure import Audience, decide, listing_period
from xinyong.rules.facts import Listing, RecordFacts, StatusEvent
from xinyong.rules.severity import severity_of
from xinyong.sanctions.engine import Breach, Fact, SubjectFacts
from xinyong.sanctions.lazyfact import LazyFact, Read

CHUNK = 2000


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    """Yield ``values`` in slices short enough for an ``IN`` list on every dialect."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


_R = CreditRecord.__table__
_D = Department.__table__
_E = RecordEvent.__table__
_FACT_COLS = (
    _R.c.id,
    _R.c.subject_id,
    _R.c.catalog_item,
    _R.c.polarity,
    _R.c.severity,
    _R.c.decision_on,
    _R.c.valid_to,
    _R.c.document_no,
    _R.c.supersedes_id,
    _R.c.payload,
    _D.c.code,
    _D.c.domain,
)
# Many subjects: the payload as its JSON text, parsed only for the facts built (``_parsed``).
_FACTS = (
    select(*_FACT_COLS[:9], cast(_R.c.payload, Text).label("payload"), *_FACT_COLS[10:])
    .join(_D, _D.c.id == _R.c.department_id)
    .where(
        _R.c.subject_id.in_(bindparam("ids", expanding=True)),
        _R.c.catalog_item.in_(bindparam("items", expanding=True)),
    )
)
# One subject (the common single check): equality, catalog items filtered in Python (a handful of rows).
_FACTS_ONE = Prepared(
    select(*_FACT_COLS).join(_D, _D.c.id == _R.c.department_id).where(_R.c.subject_id == bindparam("id"))
)
_FactRow = namedtuple(
    "_FactRow",
    "id subject_id catalog_item polarity severity decision_on valid_to document_no supersedes_id payload code"
    " domain",
)
# All events of the records, whatever their date: the disclosure decision looks at dates itself.
_EVENTS = (
    select(_E.c.record_id, _E.c.kind, _E.c.effective_on)
    .where(_E.c.record_id.in_(bindparam("ids", expanding=True)))
    .order_by(_E.c.effective_on, _E.c.id)
)
_EVENTS_ONE = Prepared(
    select(_E.c.record_id, _E.c.kind, _E.c.effective_on)
    .where(_E.c.record_id == bindparam("id"))
    .order_by(_E.c.effective_on, _E.c.id)
)
# A check as of a past instant (``records.asof``): only versions received, and events recorded, by then.
_KNOWN_AT = bindparam("known_at", type_=_R.c.first_received_at.type)
_FACTS_KNOWN = (
    select(*_FACT_COLS)
    .join(_D, _D.c.id == _R.c.department_id)
    .where(_R.c.subject_id.in_(bindparam("ids", expanding=True)), _R.c.first_received_at <= _KNOWN_AT)
)
_EVENTS_KNOWN = (
    select(_E.c.record_id, _E.c.kind, _E.c.effective_on)
    .where(_E.c.record_id.in_(bindparam("ids", expanding=True)), _E.c.created_at <= _KNOWN_AT)
    .order_by(_E.c.effective_on, _E.c.id)
)


def _listings(
    rows: Sequence[Any], events: Mapping[int, list[StatusEvent]], serious: set[str], policy: Policy
) -> dict[int, list[Listing]]:
    """Return each subject's serious-dishonesty listing periods, as ``records.service.listings_of``."""
    out: dict[int, list[Listing]] = defaultdict(list)
    for r in rows:
        if r.catalog_item not in serious or r.decision_on is None:
            continue
        end = records_service.as_date(
            records_service.role_value(
                policy.catalog.get(r.catalog_item), _parsed(r).payload or {}, "list_end"
            )
        )
        listing = listing_period(r.decision_on, end, events.get(r.id, ()))
        if listing is not None:
            out[r.subject_id].append(listing)
    return out


def load_trigger_facts(
    db: Reader,
    subjects: Mapping[int, str],
    on: dt.date,
    policy: Policy,
    items: set[str],
    known_at: dt.datetime | None = None,
) -> dict[int, list[Fact]]:
    """Load the subjects' records of ``items`` as engine facts, each marked in force or excluded.

    ``subjects`` maps subject ids to their kinds. Only the newest version of each record is used — of
    those received by ``known_at`` when given, with the events recorded by then (``records.asof``).
    Whether a record may be used is the one disclosure decision,
    ``xinyong.rules.disclosure.decide(facts, Audience.DEPARTMENT, on, policy).shared`` (repaired,
    deleted, stopped, suspended, past Zhejiang retention, not yet effective, authorisation-only …),
    on the same facts ``xinyong.records.service.load_facts`` builds; a list entry removed on or before
    ``on`` ends its listing there. ``tests/sanctions/test_inputs_disclosure.py`` keeps the two loaders equal.
    """
    out: dict[int, list[Fact]] = defaultdict(list)
    for sid, lazy in lazy_trigger_facts(db, subjects, on, policy, items, known_at).items():
        out[sid] = [f.get() for f in lazy]
    return out


def lazy_trigger_facts(
    db: Reader,
    subjects: Mapping[int, str],
    on: dt.date,
    policy: Policy,
    items: set[str],
    known_at: dt.datetime | None = None,
) -> dict[int, list[LazyFact]]:
    """Read what :func:`load_trigger_facts` reads, set-based; build each fact only when it is asked for."""
    out: dict[int, list[LazyFact]] = defaultdict(list)
    if not subjects or not items:
        return out
    serious = set(records_service.serious_list_items(policy))
    wanted = (
        items | serious
    )  # serious lists extend retention (浙江条例第十六条) even if no trigger names them
    conn = connection_of(db)
    rows = _fact_rows(conn, list(subjects), wanted, known_at)
    superseded = {r.supersedes_id for r in rows if r.supersedes_id is not None}
    rows = [r for r in rows if r.id not in superseded]
    if not rows:
        return out
    events = _status_events(conn, [r.id for r in rows], known_at)
    listings = _listings(rows, events, serious, policy)
    read = Read(subjects, events, listings, on, policy, _built)
    for r in rows:
        if r.catalog_item in items:
            out[r.subject_id].append(LazyFact(r.catalog_item, r, read))
    return out


def _parsed(row: Any) -> Any:
    """Return the row with its payload parsed (rows of many subjects carry it as JSON text)."""
    if not isinstance(row.payload, str):
        return row
    return row._replace(payload=loads_json(row.payload))


def _built(
    row: Any,
    kind: str,
    events: Sequence[StatusEvent],
    listings: Sequence[Listing],
    on: dt.date,
    policy: Policy,
) -> Fact:
    row = _parsed(row)
    facts = records_service.facts_of(
        row, subject_kind=kind, domain=row.domain, events=events, listings=listings, policy=policy
    )
    return trigger_fact(row, facts, on, policy)


def _fact_rows(conn: Any, ids: list[int], wanted: set[str], known_at: dt.datetime | None) -> list[Any]:
    """Read the records of ``wanted`` items of the subjects (every version; received by ``known_at``)."""
    rows: list[Any] = []
    if known_at is not None:
        for part in chunks(ids):
            found = conn.execute(_FACTS_KNOWN, {"ids": list(part), "known_at": known_at}).all()
            rows.extend(r for r in found if r.catalog_item in wanted)
    elif len(ids) == 1:
        rows = [_FactRow(*r) for r in _FACTS_ONE.all(conn, {"id": ids[0]}) if r[2] in wanted]
    else:
        for part in chunks(ids):
            found = conn.execute(_FACTS, {"ids": list(part), "items": sorted(wanted)}).all()
            rows.extend(map(_FactRow._make, found))  # plain tuples: many rows, attributes read often
    # one order whatever the plan (the subject-and-item index order): a stored answer is recomputed
    # byte for byte from the same rows read another way (``timetravel.replay``)
    rows.sort(key=attrgetter("subject_id", "catalog_item", "id"))
    return rows


def _status_events(
    conn: Any, record_ids: list[int], known_at: dt.datetime | None
) -> dict[int, list[StatusEvent]]:
    """Read the status events of the records, in date order (recorded by ``known_at``)."""
    events: dict[int, list[StatusEvent]] = defaultdict(list)
    for part in chunks(record_ids):
        if known_at is not None:
            found = conn.execute(_EVENTS_KNOWN, {"ids": list(part), "known_at": known_at}).all()
        elif len(part) == 1:  # a subject with one record: prepared equality on the driver
            found = _EVENTS_ONE.all(conn, {"id": part[0]})
        else:
            found = conn.execute(_EVENTS, {"ids": list(part)}).all()
        for rid, kind, eff in found:
            events[rid].append(StatusEvent(kind, eff))
    return events


def trigger_fact(row: Any, facts: RecordFacts, on: dt.date, policy: Policy) -> Fact:
    """Turn one record (a row of ``_FACT_COLS``) and its core facts into the check's fact on ``on``.

    Whether the record may be used is the core's disclosure decision for departments (``shared``);
    its severity is the core's; a list removal on or before ``on`` ends the listing for the check.
    """
    decision = decide(facts, Audience.DEPARTMENT, on, policy)
    list_end = facts.list_end
    for e in facts.events:  # a removal ends the listing for the check (still shared as history)
        if e.kind == RecordEventKind.LIST_REMOVED and e.effective_on <= on:
            list_end = e.effective_on if list_end is None else min(list_end, e.effective_on)
            break
    severity = severity_of(facts, policy.severity) if row.polarity == "negative" else row.severity
    return Fact(
        record_id=row.id,
        catalog_item=row.catalog_item,
        polarity=row.polarity,
        severity=severity,
        decision_on=row.decision_on,
        document_no=row.document_no,
        department=row.code,
        list_type=facts.list_type,
        list_end=list_end,
        valid_to=row.valid_to,
        excluded=None if decision.shared else decision.reason,
        under_objection=decision.under_objection,
    )


# (b) grade and supervision class: the evaluation capability owns ``evaluation_result`` and the rules.
class Graded(NamedTuple):
    """A subject's grade, the evaluation model whose scale it is on, and its supervision class."""

    grade: str | None
    supervision_class: str | None
    model_id: str | None = None


_RULES: dict[tuple[str, str | None, dt.date], SupervisionRule | None] = {}
# Per rule (kept alive with its entry, so its id cannot be reused): grade -> supervision class code.
_CLASSES: dict[int, tuple[SupervisionRule, dict[tuple[str, str] | None, str]]] = {}


def supervision_rule(policy: Policy, department: str | None, on: dt.date) -> SupervisionRule | None:
    """Return the supervision rule of a department (its own, else the default) in force on ``on``.

    Memoised per policy version, department and day (a pure function of the three).
    """
    key = (policy.hash, department, on)
    if key in _RULES:
        return _RULES[key]
    rules = evaluation_service.supervision_rules(policy)
    found = rules.for_department(department, on) if department is not None else rules.default(on)
    if len(_RULES) > 10_000:
        _RULES.clear()
    _RULES[key] = found
    return found


def load_grades(
    db: Reader,
    subjects: Mapping[int, str],
    policy: Policy,
    rule: SupervisionRule | None,
    known_at: dt.datetime | None = None,
) -> dict[int, Graded]:
    """Return each subject's grade, its model and supervision class from the latest finished evaluation run
    (the latest finished by ``known_at`` when given, with the re-scores made by then).

    ``subjects`` maps subject ids to their kinds. The class is the department's supervision rule applied
    to the grade (``SupervisionRule.class_of``, as ``evaluation.inspections`` does): a subject not
    graded in that run gets the rule's unrated class; a kind the rule does not cover gets no class.
    """
    if not subjects:
        return {}
    conn = connection_of(db)
    ids = list(subjects)
    grades: dict[int, tuple[str, str]] = {}
    statement = evaluation_service.grades_of_subjects(known=known_at is not None)
    for part in chunks(ids):
        params = {"ids": list(part), "known_at": known_at} if known_at is not None else {"ids": list(part)}
        grades.update((sid, (m, g)) for sid, m, g in conn.execute(statement, params).all())
    return classify(subjects, grades, rule)


def classify(
    subjects: Mapping[int, str], grades: Mapping[int, tuple[str, str]], rule: SupervisionRule | None
) -> dict[int, Graded]:
    """Return each subject's grade, model and class given its (model id, grade) (absent: not graded)."""
    classes: dict[tuple[str, str] | None, str] = {}
    if rule is not None:
        if id(rule) not in _CLASSES:
            if len(_CLASSES) > 1_000:
                _CLASSES.clear()
            _CLASSES[id(rule)] = (rule, classes)
        classes = _CLASSES[id(rule)][1]
    out: dict[int, Graded] = {}
    for sid, kind in subjects.items():
        graded = grades.get(sid)
        klass = None
        if rule is not None and kind in rule.subject_kinds:
            if graded not in classes:
                classes[graded] = rule.class_of(graded[1] if graded else None).code
            klass = classes[graded]
        out[sid] = Graded(graded[1], klass, graded[0]) if graded else Graded(None, klass)
    return out


class BreachLike(Protocol):
    """A breached commitment as the commitments service reports it."""

    @property
    def code(self) -> str: ...
    @property
    def breached_on(self) -> dt.date: ...
    @property
    def suspended_until(self) -> dt.date | None: ...


def subject_facts(
    sid: int,
    facts: Iterable[Fact],
    graded: tuple[str | None, str | None, str | None],
    breaches: Iterable[BreachLike],
) -> SubjectFacts:
    """Return the engine's facts of one subject: its facts, (grade, class, model) and breaches."""
    grade, klass, model = graded
    return SubjectFacts(
        subject_id=sid,
        facts=tuple(facts),
        grade=grade,
        supervision_class=klass,
        grade_model=model,
        breaches=tuple(Breach(b.code, b.breached_on, b.suspended_until) for b in breaches),
    )
