"""Record use cases: load disclosure facts in bulk and list the records an audience may see.

Payload contract (for ingest and every writer of ``credit_record.payload``): keys are the catalog
field ``name`` (e.g. ``CF_CFLB``); dates are ISO ``YYYY-MM-DD`` strings; ``multi_enum`` values are lists
of canonical labels (a ``、``/``,``/``;`` separated string is also read); amounts are numbers (万元).
Personal ID numbers (``id_number`` fields) are never stored in the payload in clear — only masked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from xinyong.departments.models import Department
from xinyong.policy.loader import Policy
from xinyong.policy.schemas import CatalogItem
from xinyong.records import asof
from xinyong.records.events import get_record as get_record
from xinyong.records.models import CreditRecord, RecordEvent
from xinyong.records.writes import add_new_version as add_new_version
from xinyong.records.writes import add_version as add_version
from xinyong.records.writes import add_versions as add_versions
from xinyong.records.writes import first_version as first_version
from xinyong.records.writes import latest_version as latest_version
from xinyong.records.writes import latest_versions as latest_versions
from xinyong.records.writes import payload_hash as payload_hash
from xinyong.rules.disclosure import Audience, Disclosure, decide, listing_period
from xinyong.rules.facts import Listing, RecordFacts, StatusEvent
from xinyong.subjects.models import Subject

AsOf = asof.AsOf  # re-exported: a read as of valid date ``on`` with what was known at ``known_at``
resolve_as_of = asof.resolve  # re-exported: the ``on``/``known`` parameters of every time-travel read
as_of_request = asof.of_runtime  # re-exported: the same, with the runtime's today and time zone
KNOWN_HELP = asof.KNOWN_HELP

# Catalog items that are serious-dishonesty lists (their listing extends Zhejiang retention).
SERIOUS_LIST_SECTION = "严重失信"
_SPLIT = re.compile(r"[、,，;；/|]+")


def role_value(item: CatalogItem | None, payload: dict[str, Any], role: str) -> Any:
    """Return the payload value of the field playing ``role`` in the catalog item, or ``None``."""
    if item is None:
        return None
    name = item.roles.get(role)  # type: ignore[call-overload]
    return None if name is None else payload.get(name)


def as_date(value: Any) -> dt.date | None:
    """Read a payload date (ISO text or a date)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def as_labels(value: Any) -> tuple[str, ...]:
    """Read a payload multi-value (list or separated text)."""
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(p.strip() for p in _SPLIT.split(str(value)) if p.strip())


def as_float(value: Any) -> float | None:
    """Read a payload amount."""
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


# the amounts (万元) summed into the one the rules compare with thresholds, as the ingest sums them
AMOUNT_ROLES = ("fine_wan", "confiscation_wan", "amount_wan")


def amount_of(item: CatalogItem | None, payload: dict[str, Any]) -> float | None:
    """Return the fine plus confiscations (万元), the amount the rules compare with thresholds."""
    parts = [as_float(role_value(item, payload, r)) for r in AMOUNT_ROLES]
    known = [p for p in parts if p is not None]
    return sum(known) if known else None


def procedure_of(item: CatalogItem | None, payload: dict[str, Any]) -> str | None:
    """Return the procedure (普通程序/简易程序) of a penalty if the payload carries one."""
    if item is None:
        return None
    for f in item.fields:
        if f.enum_ref == "procedure" and payload.get(f.name):
            return str(payload[f.name])
    return None


# Roles of catalog fields that identify the subject (shown in 基础信息, not repeated per item).
_IDENTITY_ROLES = (
    "subject_name",
    "subject_category",
    "uscc",
    "reg_no",
    "org_code",
    "person_id",
    "person_id_type",
)


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def display_fields(item: CatalogItem | None, payload: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Return (name, label, text) of the displayable fields: catalog order, no identity or restricted fields."""
    if item is None:
        return []
    hidden = {item.roles[r] for r in _IDENTITY_ROLES if r in item.roles}
    out = []
    for f in item.fields:
        if f.name in hidden or f.disclosure == "restricted":
            continue
        value = payload.get(f.name)
        if value is None or value == "" or value == []:
            continue
        out.append((f.name, f.label, _text(value)))
    return out


class FactSource(Protocol):
    """What a record's facts are read from: a ``CreditRecord`` or a selected row of its columns."""

    @property
    def catalog_item(self) -> str: ...
    @property
    def polarity(self) -> str: ...
    @property
    def decision_on(self) -> dt.date | None: ...
    @property
    def severity(self) -> str | None: ...
    @property
    def payload(self) -> dict[str, Any]: ...


def _enum_labels(policy: Policy, values: tuple[str, ...], ref: str) -> tuple[str, ...]:
    labels = policy.enum_labels(ref) if ref in policy.enums.enums else {}
    return tuple(labels.get(v, v) for v in values)


def facts_of(
    record: FactSource,
    *,
    subject_kind: str,
    domain: str | None,
    events: Sequence[StatusEvent] = (),
    listings: Sequence[Listing] = (),
    policy: Policy,
) -> RecordFacts:
    """Build the rule core's facts of one record: the one reading of a record's payload."""
    item = policy.catalog.get(record.catalog_item)
    payload = record.payload or {}
    procedure = procedure_of(item, payload)
    list_type = role_value(item, payload, "list_type")
    return RecordFacts(
        record_id=getattr(record, "id", None),
        catalog_item=record.catalog_item,
        subject_kind=subject_kind,
        polarity=record.polarity,
        decision_on=record.decision_on,
        severity=record.severity,
        valid_to=getattr(record, "valid_to", None),
        publication_end=as_date(role_value(item, payload, "publication_end")),
        list_type=str(list_type) if list_type else None,
        list_end=as_date(role_value(item, payload, "list_end")),
        penalty_types=_enum_labels(
            policy, as_labels(role_value(item, payload, "penalty_types")), "penalty_type"
        ),
        procedure=_enum_labels(policy, (procedure,), "procedure")[0] if procedure else None,
        fine_wan=amount_of(item, payload),
        domain=domain,
        sentence_end=as_date(role_value(item, payload, "sentence_end")),
        events=tuple(events),
        subject_listings=tuple(listings),
    )


def serious_list_items(policy: Policy) -> list[str]:
    """Return the catalog items that are serious-dishonesty lists."""
    return [
        i.id for i in policy.catalog.values() if i.section == SERIOUS_LIST_SECTION and "list_end" in i.roles
    ]


def latest_only() -> Any:
    """Return a clause keeping only the newest version of each record (none supersedes it)."""
    newer = aliased(CreditRecord)
    return ~exists().where(newer.supersedes_id == CreditRecord.id)


def known_versions(known_at: dt.datetime | None) -> list[Any]:
    """Return the clauses keeping the version of each record the platform held at ``known_at``.

    ``None``: the newest stored version (``latest_only``). Otherwise a version received by then that no
    version received by then supersedes (transaction time, ``records.asof``).
    """
    if known_at is None:
        return [latest_only()]
    newer = aliased(CreditRecord)
    return [
        CreditRecord.first_received_at <= known_at,
        ~exists().where(newer.supersedes_id == CreditRecord.id, newer.first_received_at <= known_at),
    ]


def known_events(known_at: dt.datetime | None) -> list[Any]:
    """Return the clauses keeping the status events recorded by ``known_at`` (``None``: all)."""
    return [] if known_at is None else [RecordEvent.created_at <= known_at]


def _events(
    session: Session, record_ids: Sequence[int], known_at: dt.datetime | None = None
) -> dict[int, list[StatusEvent]]:
    out: dict[int, list[StatusEvent]] = defaultdict(list)
    for chunk_start in range(0, len(record_ids), 500):
        chunk = record_ids[chunk_start : chunk_start + 500]
        rows = session.execute(
            select(RecordEvent.record_id, RecordEvent.kind, RecordEvent.effective_on)
            .where(RecordEvent.record_id.in_(chunk), *known_events(known_at))
            .order_by(RecordEvent.effective_on, RecordEvent.id)
        )
        for rid, kind, on in rows:
            out[rid].append(StatusEvent(kind, on))
    return out


def status_events(
    session: Session, record_ids: Sequence[int], known_at: dt.datetime | None = None
) -> dict[int, list[StatusEvent]]:
    """Return the status events of many records (recorded by ``known_at``), in date order."""
    return _events(session, record_ids, known_at)


def listings_of(
    session: Session, subject_ids: Iterable[int], policy: Policy, known_at: dt.datetime | None = None
) -> dict[int, list[Listing]]:
    """Return each subject's serious-dishonesty listing periods (for retention extension)."""
    items = serious_list_items(policy)
    ids = list(set(subject_ids))
    out: dict[int, list[Listing]] = defaultdict(list)
    if not items or not ids:
        return out
    rows = session.scalars(
        select(CreditRecord).where(
            CreditRecord.subject_id.in_(ids), CreditRecord.catalog_item.in_(items), *known_versions(known_at)
        )
    ).all()
    events = _events(session, [r.id for r in rows], known_at)
    for r in rows:
        item = policy.catalog.get(r.catalog_item)
        end = as_date(role_value(item, r.payload or {}, "list_end"))
        listing = listing_period(r.decision_on, end, events.get(r.id, []))
        if listing is not None:
            out[r.subject_id].append(listing)
    return out


def load_facts(
    session: Session,
    records: Sequence[CreditRecord],
    policy: Policy,
    known_at: dt.datetime | None = None,
) -> dict[int, RecordFacts]:
    """Load the disclosure facts of many records with their events (recorded by ``known_at``), subjects
    and departments."""
    if not records:
        return {}
    subject_ids = {r.subject_id for r in records}
    kinds: dict[int, str] = dict(
        session.execute(select(Subject.id, Subject.kind).where(Subject.id.in_(subject_ids))).all()
    )
    dept_ids = {r.department_id for r in records}
    domains: dict[int, str | None] = dict(
        session.execute(select(Department.id, Department.domain).where(Department.id.in_(dept_ids))).all()
    )
    events = _events(session, [r.id for r in records], known_at)
    listings = listings_of(session, subject_ids, policy, known_at)
    return {
        r.id: facts_of(
            r,
            subject_kind=kinds.get(r.subject_id, ""),
            domain=domains.get(r.department_id),
            events=events.get(r.id, []),
            listings=listings.get(r.subject_id, []),
            policy=policy,
        )
        for r in records
    }


@dataclass(frozen=True)
class VisibleRecord:
    """A record together with its disclosure decision."""

    record: CreditRecord
    disclosure: Disclosure


def decide_records(
    session: Session,
    records: Sequence[CreditRecord],
    audience: Audience,
    on: dt.date,
    policy: Policy,
    known_at: dt.datetime | None = None,
) -> list[VisibleRecord]:
    """Decide every record for ``audience`` on ``on`` with what was known at ``known_at`` (all of them,
    shown or not)."""
    facts = load_facts(session, records, policy, known_at)
    return [VisibleRecord(r, decide(facts[r.id], audience, on, policy, channels=True)) for r in records]


def subject_records(
    session: Session, subject_id: int, known_at: dt.datetime | None = None
) -> list[CreditRecord]:
    """Return the version of every record of a subject held at ``known_at`` (``None``: the newest),
    newest decision first."""
    return list(
        session.scalars(
            select(CreditRecord)
            .where(CreditRecord.subject_id == subject_id, *known_versions(known_at))
            .order_by(CreditRecord.decision_on.desc(), CreditRecord.id.desc())
        )
    )


def visible_records(
    session: Session, subject_id: int, audience: Audience, on: dt.date, policy: Policy
) -> list[VisibleRecord]:
    """Return the subject's records that ``audience`` may see on ``on``, each with its decision."""
    decided = decide_records(session, subject_records(session, subject_id), audience, on, policy)
    return [v for v in decided if v.disclosure.shown]


def counted_records(session: Session, subject_id: int, on: dt.date, policy: Policy) -> list[CreditRecord]:
    """Return the records evaluation and checks may use on ``on`` (not repaired, deleted or expired)."""
    decided = decide_records(
        session, subject_records(session, subject_id), Audience.CREDIT_CENTRE, on, policy
    )
    return [v.record for v in decided if v.disclosure.counted]


def versions_by_key(
    session: Session, record_keys: Iterable[str], known_at: dt.datetime | None = None
) -> dict[str, list[CreditRecord]]:
    """Return every version of many records (by ``record_key``) received by ``known_at``, oldest first,
    in one read per 500 keys."""
    keys = sorted(set(record_keys))
    out: dict[str, list[CreditRecord]] = defaultdict(list)
    received = [] if known_at is None else [CreditRecord.first_received_at <= known_at]
    for start in range(0, len(keys), 500):
        query = select(CreditRecord).where(CreditRecord.record_key.in_(keys[start : start + 500]), *received)
        for row in session.scalars(query.order_by(CreditRecord.record_key, CreditRecord.version)):
            out[row.record_key].append(row)
    return out


def events_by_record(
    session: Session, record_ids: Sequence[int], known_at: dt.datetime | None = None
) -> dict[int, list[RecordEvent]]:
    """Return the status events of many records recorded by ``known_at``, oldest first, in one read per
    500 records."""
    out: dict[int, list[RecordEvent]] = defaultdict(list)
    for start in range(0, len(record_ids), 500):
        chunk = record_ids[start : start + 500]
        query = select(RecordEvent).where(RecordEvent.record_id.in_(chunk), *known_events(known_at))
        for row in session.scalars(query.order_by(RecordEvent.effective_on, RecordEvent.id)):
            out[row.record_id].append(row)
    return out
