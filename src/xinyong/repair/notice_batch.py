"""两书同达 at batch speed: the set-based issuing of new records' repair notices.

:func:`issue_notices_for_new_penalties` is called by the ingest for the batch it stored, and by the
``repair notices`` command and the demo. Records are read a page at a time as plain rows with only the
payload fields a notice needs; each distinct set of facts is worked out once; a page's notices are
narrow rows inserted with one ``executemany``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

import orjson
from sqlalchemy import Table, exists, select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.db import utcnow
from xinyong.db_prepared import PreparedInsert
from xinyong.departments.models import Department
from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.records.models import CreditRecord
from xinyong.repair.eligibility import Eligibility
from xinyong.repair.models import RepairNotice
from xinyong.repair.notice_text import NoticeBody
from xinyong.repair.notices import _compose, store_bodies
from xinyong.repair.queries import notice_facts, payload_values, repeat_violations
from xinyong.repair.repeats import BatchRepeats, batch_repeats
from xinyong.repair.workflows import workflows
from xinyong.rules.facts import RecordFacts
from xinyong.rules.windows import fine_class, fine_cuts
from xinyong.subjects.models import Subject

NOTICE_PAGE = 5_000
_CACHE_LIMIT = 100_000  # distinct notices kept per run (a few hundred bytes each)

# what a notice's wording depends on beyond the record's own columns: the payload fields of these roles
_ROLES = ("penalty_types", "procedure", "list_type", "list_end", "publication_end")


def notices_for_batch(session: Session, policy: Policy, *, batch_id: int, actor: str) -> int:
    """Issue the notices of one stored batch (``xinyong.wiring.BATCH_STORED_HOOKS``: 两书同达)."""
    return issue_notices_for_new_penalties(session, policy, actor=actor, limit=None, batch_id=batch_id)


def issue_notices_for_new_penalties(
    session: Session,
    policy: Policy,
    since_batch_id: int | None = None,
    *,
    actor: str = "system:notices",
    limit: int | None = 10_000,
    batch_id: int | None = None,
) -> int:
    """Issue notices for new penalty/listing records without one (batches after ``since_batch_id``).

    ``batch_id`` restricts the run to one batch (the ingest calls it so for the batch it stored, with no
    limit). Set-based: records are read a page at a time as plain rows, the repeat-violation facts come
    from one query per page, and each distinct set of facts is assessed once per run — a fine counts
    only through the interval between the policy's cut points it falls in (``periods.fine_class``), so
    a batch has few distinct sets. A page's notices are narrow rows inserted with one ``executemany``
    (new bodies with another) and audited with one entry.
    """
    conn = session.connection()
    wanted = [
        CreditRecord.catalog_item.in_(workflows(policy).repair.notice_items),
        CreditRecord.polarity == "negative",
        ~exists().where(RepairNotice.record_id == CreditRecord.id),
    ]
    if since_batch_id is not None:
        wanted.append(CreditRecord.batch_id > since_batch_id)
    if batch_id is not None:
        wanted.append(CreditRecord.batch_id == batch_id)
    if conn.scalar(select(CreditRecord.id).where(*wanted).limit(1)) is None:
        return 0  # most batches bring no penalty or listing: no run to set up (departments, repeats)
    run = _Run(session, policy, actor)
    if batch_id is not None:  # the whole batch's repeats in one pass over its subjects (``repeats``)
        run.repeats = batch_repeats(session, policy, batch_id)
    q = (
        select(*_COLUMNS, payload_values(conn.dialect.name, run.payload_fields))
        .join(Subject, Subject.id == CreditRecord.subject_id)
        .where(*wanted)
    )
    count, last = 0, 0
    while limit is None or count < limit:
        size = NOTICE_PAGE if limit is None else min(NOTICE_PAGE, limit - count)
        page = conn.execute(q.where(CreditRecord.id > last).order_by(CreditRecord.id).limit(size)).all()
        if not page:
            break
        last = page[-1][0]
        count += run.issue([_Rec(row, run.payload_fields) for row in page])
    return count


_COLUMNS = (
    CreditRecord.id,
    CreditRecord.record_key,
    CreditRecord.catalog_item,
    CreditRecord.polarity,
    CreditRecord.subject_id,
    CreditRecord.department_id,
    CreditRecord.batch_id,
    CreditRecord.document_no,
    CreditRecord.decision_on,
    CreditRecord.severity,
    Subject.name,
    Subject.kind,
)


class _Rec:
    """A record as the notices read it: its columns and the payload fields they need (a ``RecordLike``)."""

    __slots__ = (
        "batch_id",
        "catalog_item",
        "decision_on",
        "department_id",
        "document_no",
        "id",
        "payload",
        "polarity",
        "record_key",
        "severity",
        "subject_id",
        "subject_kind",
        "subject_name",
    )

    id: int
    record_key: str
    catalog_item: str
    polarity: str
    subject_id: int
    department_id: int
    batch_id: int | None
    document_no: str | None
    decision_on: dt.date | None
    severity: str | None
    subject_name: str
    subject_kind: str
    payload: dict[str, Any]

    def __init__(self, row: Sequence[Any], fields: tuple[str, ...]) -> None:
        (
            self.id,
            self.record_key,
            self.catalog_item,
            self.polarity,
            self.subject_id,
            self.department_id,
            self.batch_id,
            self.document_no,
            self.decision_on,
            self.severity,
            self.subject_name,
            self.subject_kind,
        ) = row[:12]
        values = row[12]
        if isinstance(values, str | bytes):
            values = orjson.loads(values)
        self.payload = {f: v for f, v in zip(fields, values, strict=False) if v is not None}


_Worded = tuple[NoticeBody, str | None, dt.date | None, dt.date | None]


class _Run:
    """The state of one issuing run: departments, role fields, and the notices already worked out."""

    def __init__(self, session: Session, policy: Policy, actor: str) -> None:
        self.session, self.policy, self.actor = session, policy, actor
        rows = session.execute(select(Department.id, Department.name, Department.domain))
        self.departments = {dept_id: (name, domain) for dept_id, name, domain in rows}
        self.cuts = fine_cuts(policy)
        repair = workflows(policy).repair
        self.fields: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        for item_id in repair.notice_items:
            item = policy.catalog.get(item_id)
            roles: dict[str, str] = {str(k): v for k, v in item.roles.items()} if item is not None else {}
            self.fields[item_id] = (
                (
                    *(roles[r] for r in _ROLES if r in roles),
                    *(f.name for f in (item.fields if item is not None else []) if f.enum_ref == "procedure"),
                ),
                tuple(roles[r] for r in records_service.AMOUNT_ROLES if r in roles),
            )
        wanted = {f for pair in self.fields.values() for part in pair for f in part}
        self.payload_fields = tuple(sorted(wanted | set(repair.violation_fields.values())))
        self.verdicts: dict[RecordFacts, Eligibility] = {}
        self.base: dict[tuple[object, ...], RecordFacts] = {}
        self.known: dict[tuple[object, ...], _Worded] = {}
        self.bodies: dict[NoticeBody, int] = {}
        self.repeats: BatchRepeats | None = None

    def _worded(self, r: _Rec, repeat_on: dt.date | None) -> _Worded:
        """Return the body, regime and dates of a record's notice, worked out once per set of facts.

        The facts read from the payload are worked out once per distinct set of payload values (with
        the fine as its interval), then per decision date, department and whether a repeat violation
        follows.
        """
        fields, amounts = self.fields.get(r.catalog_item, (("CF_CXFS",), ()))
        payload = r.payload
        own = (
            r.catalog_item,
            r.subject_kind,
            r.polarity,
            r.severity,
            fine_class(self.cuts, _amount_of(payload, amounts)),
            *(_hashable(payload.get(f)) for f in fields),
        )
        # a repeat violation blocks an early stop whatever its date: the notice depends on it only
        # through whether there is one (a test checks two dates give the same notice)
        key = (own, r.decision_on, r.department_id, repeat_on is not None)
        found = self.known.get(key)
        if found is None:
            if len(self.known) >= _CACHE_LIMIT:  # bounded memory whatever the data
                self.known.clear()
                self.verdicts.clear()
                self.bodies.clear()
                self.base.clear()
            name, domain = self.departments.get(r.department_id, (None, None))
            base = self.base.get(own)
            if base is None:
                facts = notice_facts(self.policy, r, None, None, r.subject_kind)
                base = self.base[own] = dataclasses.replace(
                    facts, record_id=None, decision_on=None, fine_wan=fine_class(self.cuts, facts.fine_wan)
                )
            facts = dataclasses.replace(
                base, decision_on=r.decision_on, domain=domain, repeat_violation_on=repeat_on
            )
            content, earliest, end, regime_id = _compose(r, "", name, facts, self.policy, self.verdicts)
            found = self.known[key] = (content.body, regime_id, earliest, end)
        return found

    def issue(self, page: list[_Rec]) -> int:
        """Issue the notices of one page of records."""
        repeats = (
            self.repeats if self.repeats is not None else repeat_violations(self.session, self.policy, page)
        )
        worded = [self._worded(r, repeats.get(r.id)) for r in page]
        ids = store_bodies(self.session, self.policy, {w[0] for w in worded}, self.bodies)
        now, policy_hash = utcnow(), self.policy.hash
        rows = [
            (
                r.id,
                r.subject_id,
                r.department_id,
                r.batch_id,
                regime_id,
                earliest,
                end,
                ids[body],
                r.subject_name,
                r.document_no or r.record_key,
                policy_hash,
                1,
                now,
            )
            for r, (body, regime_id, earliest, end) in zip(page, worded, strict=True)
        ]
        _NOTICE_INSERT.many(self.session.connection(), rows)
        audit.append(
            self.session,
            actor=self.actor,
            action="repair.notice.issue",
            object_type="repair_notice",
            object_id=None,
            detail={
                "records": len(rows),
                "record_id_from": page[0].id,
                "record_id_to": page[-1].id,
                "batch_ids": sorted({r.batch_id for r in page if r.batch_id is not None}),
            },
        )
        return len(rows)


_NOTICE_COLUMNS = (
    "record_id",
    "subject_id",
    "department_id",
    "batch_id",
    "regime_id",
    "earliest_repair_on",
    "publication_end_on",
    "body_id",
    "subject_name",
    "document_no",
    "policy_hash",
    "version",
    "created_at",
)
_NOTICE_INSERT = PreparedInsert(cast(Table, RepairNotice.__table__), _NOTICE_COLUMNS)


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _amount_of(payload: dict[str, Any], fields: tuple[str, ...]) -> float | None:
    """Fines plus confiscations (万元), as ``records.service.amount_of`` reads them."""
    total: float | None = None
    for f in fields:
        v = payload.get(f)
        if v is None or v == "":
            continue
        try:
            x = float(v)
        except (TypeError, ValueError):
            continue
        total = x if total is None else total + x
    return total
