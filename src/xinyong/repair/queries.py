"""Load the facts of a record for the pure cores (eligibility, periods) from the database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Text, and_, cast, func, select
from sqlalchemy.orm import Session, aliased

from xinyong.departments.models import Department
from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.records.events import current_version as current_version  # re-exported for repair.api
from xinyong.records.events import get_record as get_record
from xinyong.records.models import CreditRecord, RecordEvent, RecordEventKind
from xinyong.repair.workflows import workflows
from xinyong.rules.facts import ListFact, RecordFacts, StatusEvent
from xinyong.subjects.models import Subject


class RecordLike(Protocol):
    """What the facts of a record are read from: a ``CreditRecord`` or a selected row of its columns."""

    @property
    def id(self) -> int: ...
    @property
    def record_key(self) -> str: ...
    @property
    def catalog_item(self) -> str: ...
    @property
    def polarity(self) -> str: ...
    @property
    def decision_on(self) -> dt.date | None: ...
    @property
    def document_no(self) -> str | None: ...
    @property
    def severity(self) -> str | None: ...
    @property
    def payload(self) -> dict[str, Any]: ...


def role_value(policy: Policy, record: RecordLike, role: str) -> Any:
    """Return the payload value of a catalog role (e.g. ``penalty_types``), if any."""
    item = policy.catalog.get(record.catalog_item)
    field = item.roles.get(role) if item is not None else None  # type: ignore[call-overload]
    return None if field is None else record.payload.get(field)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def payload_values(dialect: str, fields: Sequence[str]) -> ColumnElement[str]:
    """A column with the JSON array of ``fields``' payload values (JSON text; null where absent).

    Reading a few fields this way costs a fraction of decoding whole payloads (the dialect
    difference lives here: SQLite's multi-path ``json_extract``, PostgreSQL's ``jsonb_build_array``).
    """
    names = list(fields) if len(fields) > 1 else [*fields, *fields]  # one path would not give an array
    if dialect == "sqlite":
        paths = ["$." + json.dumps(f, ensure_ascii=False) for f in names]
        return cast(func.json_extract(CreditRecord.payload, *paths), Text)
    return cast(func.jsonb_build_array(*(CreditRecord.payload.op("->")(f) for f in names)), Text)


def events_of(session: Session, record_key: str) -> list[RecordEvent]:
    """Return the status events of every version of a record, oldest first."""
    versions = select(CreditRecord.id).where(CreditRecord.record_key == record_key)
    return list(
        session.scalars(
            select(RecordEvent)
            .where(RecordEvent.record_id.in_(versions))
            .order_by(RecordEvent.effective_on, RecordEvent.id)
        )
    )


def _list_facts(session: Session, policy: Policy, record: CreditRecord) -> tuple[ListFact, ...]:
    wf = workflows(policy).repair
    items = {*wf.serious_list_items, *wf.abnormal_list_items}
    rows = session.scalars(
        select(CreditRecord).where(
            CreditRecord.subject_id == record.subject_id,
            CreditRecord.catalog_item.in_(items),
            CreditRecord.record_key != record.record_key,
        )
    ).all()
    latest: dict[str, CreditRecord] = {}
    for row in rows:
        if row.record_key not in latest or row.version > latest[row.record_key].version:
            latest[row.record_key] = row
    out = []
    for row in latest.values():
        ends = [
            e.effective_on
            for e in events_of(session, row.record_key)
            if e.kind in (RecordEventKind.LIST_REMOVED, RecordEventKind.REPAIRED, RecordEventKind.DELETED)
        ]
        out.append(
            ListFact(
                record_id=row.id,
                catalog_item=row.catalog_item,
                listed_on=row.decision_on,
                list_end=_date(role_value(policy, row, "list_end")) or row.valid_to,
                removed_on=min(ends) if ends else None,
            )
        )
    return tuple(out)


def _repeat_violation(session: Session, policy: Policy, record: CreditRecord) -> dt.date | None:
    field = workflows(policy).repair.violation_fields.get(record.catalog_item)
    kind = record.payload.get(field) if field else None
    if field is None or not kind or record.decision_on is None:
        return None
    later = session.scalars(
        select(CreditRecord).where(
            CreditRecord.subject_id == record.subject_id,
            CreditRecord.catalog_item == record.catalog_item,
            CreditRecord.record_key != record.record_key,
            CreditRecord.decision_on > record.decision_on,
        )
    ).all()
    dates = [r.decision_on for r in later if r.payload.get(field) == kind and r.decision_on]
    return min(dates) if dates else None


def notice_facts(
    policy: Policy,
    record: RecordLike,
    domain: str | None,
    repeat_violation_on: dt.date | None,
    subject_kind: str = "",
) -> RecordFacts:
    """Assemble the facts a notice is composed from (no status events or other lists: a new record)."""
    base = records_service.facts_of(record, subject_kind=subject_kind, domain=domain, policy=policy)
    return dataclasses.replace(base, repeat_violation_on=repeat_violation_on)


def record_facts(session: Session, policy: Policy, record: CreditRecord) -> RecordFacts:
    """Assemble the facts the repair cores decide on."""
    dept = session.get(Department, record.department_id)
    subject = session.get(Subject, record.subject_id)
    base = notice_facts(
        policy,
        record,
        dept.domain if dept is not None else None,
        _repeat_violation(session, policy, record),
        subject.kind if subject is not None else "",
    )
    return dataclasses.replace(
        base,
        events=tuple(StatusEvent(e.kind, e.effective_on) for e in events_of(session, record.record_key)),
        other_lists=_list_facts(session, policy, record),
        # the subject's serious-list periods extend retention (浙江条例第十六条), as on the portal
        subject_listings=tuple(
            records_service.listings_of(session, [record.subject_id], policy)[record.subject_id]
        ),
    )


def repeat_violations(session: Session, policy: Policy, records: Sequence[RecordLike]) -> dict[int, dt.date]:
    """Return record id → the first later decision against its subject for the same kind of violation.

    Set-based for a page of records: one self-join per catalog item (and 5,000 records) in the
    database, the rule of ``_repeat_violation`` (another record key of the item, decided later, same
    violation text) as its join condition, each record probing the subject index once.
    """
    out: dict[int, dt.date] = {}
    fields = workflows(policy).repair.violation_fields
    for item, field in fields.items():
        ids = [r.id for r in records if r.catalog_item == item and r.decision_on and r.payload.get(field)]
        if not ids:
            continue
        mine, other = aliased(CreditRecord), aliased(CreditRecord)
        for part in range(0, len(ids), 5_000):
            rows = session.execute(
                select(mine.id, func.min(other.decision_on))
                .join(
                    other,
                    and_(
                        other.subject_id == mine.subject_id,
                        # an expression, not the bare column: SQLite's planner (no statistics) would
                        # otherwise walk (catalog_item, decision_on) over the whole item for each record
                        # (a 5M-row batch stalled so); this way it seeks the subject index
                        other.catalog_item.concat("") == item,
                        other.decision_on > mine.decision_on,
                        other.record_key != mine.record_key,
                        other.payload[field].as_string() == mine.payload[field].as_string(),
                    ),
                )
                .where(mine.id.in_(ids[part : part + 5_000]))
                .group_by(mine.id)
            )
            out.update({rid: on for rid, on in rows if on is not None})
    return out
