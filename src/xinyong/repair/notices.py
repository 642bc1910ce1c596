"""两书同达: the repair notice (信用修复告知书) generated with each new penalty or listing record.

The notice tells the subject when it may apply for repair (the earliest date under the regime in force),
when publication ends by itself, what to provide, and that repair is free. Notices are stored once per
record as a narrow row (addressee, document number, dates, regime) pointing at a shared body
(``repair_notice_body``); the text and HTML are rendered when viewed. The set-based issuing of a batch's
notices is ``xinyong.repair.notice_batch.issue_notices_for_new_penalties`` (re-exported here).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, cast

import orjson
from sqlalchemy import Table, exists, select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.db import utcnow
from xinyong.departments.models import Department
from xinyong.errors import NotFound
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord
from xinyong.repair.eligibility import Eligibility, assess
from xinyong.repair.facts import RecordFacts
from xinyong.repair.models import RepairNotice, RepairNoticeBody
from xinyong.repair.notice_text import NoticeBody, NoticeContent, render_html, render_text
from xinyong.repair.periods import fine_class, fine_cuts
from xinyong.repair.queries import RecordLike, notice_facts, payload_values, record_facts, repeat_violations
from xinyong.repair.workflows import workflows
from xinyong.subjects.models import Subject


def compose(
    session: Session, record: CreditRecord, subject: Subject, department: Department | None, policy: Policy
) -> tuple[NoticeContent, dt.date | None, dt.date | None, str | None]:
    """Compose a notice for a record; return it with the earliest repair date, publication end and regime."""
    facts = dataclasses.replace(record_facts(session, policy, record), events=(), other_lists=())
    return _compose(record, subject.name, department.name if department is not None else None, facts, policy)


def _compose(
    record: RecordLike,
    subject_name: str,
    department_name: str | None,
    facts: RecordFacts,
    policy: Policy,
    verdicts: dict[RecordFacts, Eligibility] | None = None,
) -> tuple[NoticeContent, dt.date | None, dt.date | None, str | None]:
    wf = workflows(policy).repair
    start = record.decision_on or dt.date.min
    key = dataclasses.replace(facts, record_id=None)  # no other lists: the verdict ignores the id
    verdict = verdicts.get(key) if verdicts is not None else None
    if verdict is None:
        verdict = assess(facts, start, policy)
        if verdicts is not None:
            verdicts[key] = verdict
    dept = department_name or "作出认定的部门"
    paras: list[str] = []
    if verdict.regime_name:
        paras.append(
            f"依据《{verdict.regime_name}》，该信息属于{verdict.severity}失信信息，"
            f"自 {start} 起公示，最长公示至 {verdict.publication_end}，届满后自动停止公示。"
        )
    codes = verdict.codes
    earliest = verdict.earliest_on
    if "repair.not_published" in codes:
        paras.append("该处罚依规不予公示，无需申请信用修复。")
        earliest = None
    elif "repair.no_early_stop" in codes:
        paras.append("该类处罚依规不得提前停止公示，期满后自动停止公示。")
        earliest = None
    elif earliest is not None:
        paras.append(
            f"您在纠正失信行为、履行法定义务后，自 {earliest} 起可申请信用修复"
            f"（{verdict.mode_label}）；修复后将终止公示，并停止共享和使用该信息。"
        )
    paras.append(
        f"申请方式：登录本平台在线提交（信用修复申请），或到政务服务大厅窗口办理。申请由{dept}办理（谁认定、谁修复），"
        f"{wf.accept_workdays} 个工作日内决定是否受理，受理后 {wf.decide_workdays} 个工作日内作出决定。"
    )
    paras.append("信用修复不收取任何费用；任何机构以付费删除、代理修复为名收费的，请向信用主管部门举报。")
    mode_label = verdict.mode_label or "信用修复"
    content = NoticeContent(
        title="信用修复告知书",
        subject_name=subject_name,
        document_no=record.document_no or record.record_key,
        department=dept,
        decision_on=str(record.decision_on or ""),
        mode_label=mode_label,
        paragraphs=tuple(paras),
        materials=tuple(m.label for m in verdict.materials if m.required),
    )
    return content, earliest, verdict.publication_end, verdict.regime_id


__all__ = [
    "NoticeBody",
    "NoticeContent",
    "compose",
    "issue_notice",
    "issue_notices_for_new_penalties",
    "notice_for",
    "render_html",
    "render_text",
    "store_bodies",
]


def store_bodies(
    session: Session, policy: Policy, bodies: Iterable[NoticeBody], known: dict[NoticeBody, int]
) -> dict[NoticeBody, int]:
    """Return body → id for ``bodies``, inserting those not stored yet (one look-up, one ``executemany``).

    ``known`` caches the ids of a run (updated in place).
    """
    wanted = {b.sha256(): b for b in bodies if b not in known}
    if wanted:
        table = cast("Table", RepairNoticeBody.__table__)
        conn = session.connection()
        shas = list(wanted)

        def lookup() -> None:
            for i in range(0, len(shas), 500):
                part = shas[i : i + 500]
                rows = conn.execute(select(table.c.id, table.c.sha256).where(table.c.sha256.in_(part)))
                for body_id, sha in rows:
                    known[wanted[sha]] = body_id

        lookup()
        now = utcnow()
        missing = [
            {
                "sha256": sha,
                "title": b.title,
                "department": b.department,
                "decision_on": b.decision_on,
                "mode_label": b.mode_label,
                "paragraphs": list(b.paragraphs),
                "materials": list(b.materials),
                "policy_hash": policy.hash,
                "created_at": now,
            }
            for sha, b in wanted.items()
            if b not in known
        ]
        if missing:
            conn.execute(table.insert(), missing)
            lookup()
    return known


def issue_notice(
    session: Session, policy: Policy, record: CreditRecord, *, actor: str
) -> RepairNotice | None:
    """Generate and store the notice of one record once; ``None`` if its item gets none."""
    if record.catalog_item not in workflows(policy).repair.notice_items or record.polarity != "negative":
        return None
    existing = session.scalar(select(RepairNotice).where(RepairNotice.record_id == record.id))
    if existing is not None:
        return existing
    subject = session.get(Subject, record.subject_id)
    if subject is None:
        raise NotFound("记录所属主体不存在", code="subject.not_found")
    content, earliest, end, regime_id = compose(
        session, record, subject, session.get(Department, record.department_id), policy
    )
    body_id = store_bodies(session, policy, [content.body], {})[content.body]
    notice = RepairNotice(
        record_id=record.id,
        subject_id=record.subject_id,
        department_id=record.department_id,
        batch_id=record.batch_id,
        regime_id=regime_id,
        earliest_repair_on=earliest,
        publication_end_on=end,
        body_id=body_id,
        subject_name=content.subject_name,
        document_no=content.document_no,
        policy_hash=policy.hash,
    )
    session.add(notice)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="repair.notice.issue",
        object_type="repair_notice",
        object_id=notice.id,
        detail={"record_id": record.id, "earliest_repair_on": str(earliest) if earliest else None},
    )
    return notice


def notice_for(session: Session, policy: Policy, record_id: int, *, actor: str) -> RepairNotice:
    """Return the stored notice of a record, generating it if missing."""
    record = session.get(CreditRecord, record_id)
    if record is None:
        raise NotFound(f"信用记录 {record_id} 不存在", code="record.not_found")
    notice = issue_notice(session, policy, record, actor=actor)
    if notice is None:
        raise NotFound("该记录不适用信用修复告知书", code="repair.notice_not_applicable")
    return notice


NOTICE_PAGE = 5_000
_CACHE_LIMIT = 100_000  # distinct notices kept per run (a few hundred bytes each)

# what a notice's wording depends on beyond the record's own columns: the payload fields of these roles
_ROLES = ("penalty_types", "procedure", "list_type", "list_end")


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
    run = _Run(session, policy, actor)
    conn = session.connection()
    q = (
        select(*_COLUMNS, payload_values(conn.dialect.name, run.payload_fields))
        .join(Subject, Subject.id == CreditRecord.subject_id)
        .where(
            CreditRecord.catalog_item.in_(workflows(policy).repair.notice_items),
            CreditRecord.polarity == "negative",
            ~exists().where(RepairNotice.record_id == CreditRecord.id),
        )
    )
    if since_batch_id is not None:
        q = q.where(CreditRecord.batch_id > since_batch_id)
    if batch_id is not None:
        q = q.where(CreditRecord.batch_id == batch_id)
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
        ) = row[:11]
        values = row[11]
        if isinstance(values, str | bytes):
            values = orjson.loads(values)
        self.payload = {f: v for f, v in zip(fields, values, strict=False) if v is not None}


_Worded = tuple[NoticeBody, str | None, dt.date | None, dt.date | None]


class _Run:
    """The state of one issuing run: departments, role fields, and the notices already worked out."""

    def __init__(self, session: Session, policy: Policy, actor: str) -> None:
        self.session, self.policy, self.actor = session, policy, actor
        self.departments = {d.id: (d.name, d.domain) for d in session.scalars(select(Department))}
        self.cuts = fine_cuts(policy)
        repair = workflows(policy).repair
        self.fields: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        for item_id in repair.notice_items:
            item = policy.catalog.get(item_id)
            roles: dict[str, str] = {str(k): v for k, v in item.roles.items()} if item is not None else {}
            self.fields[item_id] = (
                (*(roles[r] for r in _ROLES if r in roles), "CF_CXFS"),
                tuple(roles[r] for r in ("fine_wan", "confiscation_wan") if r in roles),
            )
        wanted = {f for pair in self.fields.values() for part in pair for f in part}
        self.payload_fields = tuple(sorted(wanted | set(repair.violation_fields.values())))
        self.verdicts: dict[RecordFacts, Eligibility] = {}
        self.base: dict[tuple[object, ...], RecordFacts] = {}
        self.known: dict[tuple[object, ...], _Worded] = {}
        self.bodies: dict[NoticeBody, int] = {}

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
                facts = notice_facts(self.policy, r, None, None)
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
        repeats = repeat_violations(self.session, self.policy, page)
        worded = [self._worded(r, repeats.get(r.id)) for r in page]
        ids = store_bodies(self.session, self.policy, {w[0] for w in worded}, self.bodies)
        conn = self.session.connection()
        sqlite = conn.dialect.name == "sqlite"
        now, policy_hash = utcnow(), self.policy.hash
        at: Any = now.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else now

        def day(d: dt.date | None) -> Any:  # as SQLAlchemy's Date stores it
            return d.isoformat() if sqlite and d is not None else d

        rows = [
            (
                r.id,
                r.subject_id,
                r.department_id,
                r.batch_id,
                regime_id,
                day(earliest),
                day(end),
                ids[body],
                r.subject_name,
                r.document_no or r.record_key,
                policy_hash,
                1,
                at,
            )
            for r, (body, regime_id, earliest, end) in zip(page, worded, strict=True)
        ]
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        conn.exec_driver_sql(
            f"INSERT INTO repair_notice ({', '.join(_NOTICE_COLUMNS)})"  # noqa: S608 - constant names
            f" VALUES ({', '.join(mark for _ in _NOTICE_COLUMNS)})",
            rows,
        )
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


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _amount_of(payload: dict[str, Any], fields: tuple[str, ...]) -> float | None:
    """Fines plus confiscations (万元), as ``queries._amount`` reads them."""
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
