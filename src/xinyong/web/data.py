"""Read models for the pages, assembled from the capabilities' services and tables.

Every function here returns plain dataclasses the templates only display. Where a capability's service
exists it is called; where one has not landed yet a short, documented query stands in so the page works
on the foundation's tables, and is replaced by the service call when it lands.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from xinyong.departments.models import Department
from xinyong.kit.crypto import KeyRing
from xinyong.kit.text import normalize_name
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord, RecordEvent, RecordEventKind
from xinyong.subjects import service as subjects_service
from xinyong.subjects.models import Subject, SubjectKind

PAGE_SIZE = 20
SEARCH_CAP = 200
SECTIONS = ("行政管理", "诚实守信", "严重失信", "经营异常", "信用承诺", "信用评价", "司法判决", "其他")
LIST_ITEMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "red": ("守信激励名单（红名单）", ("sxjl",)),
    "black": ("严重失信主体名单（黑名单）", ("yzsxmd", "sxbzxr")),
    "abnormal": ("经营异常名录", ("jyycml",)),
}
LIST_TYPES = {key: label for key, (label, _items) in LIST_ITEMS.items()}
# Status events after which a record is no longer shown to the public (the record stays in the file).
_HIDING = frozenset(
    {
        RecordEventKind.REPAIRED,
        RecordEventKind.DELETED,
        RecordEventKind.DISCLOSURE_STOPPED,
        RecordEventKind.LIST_REMOVED,
        RecordEventKind.SUSPENDED,
    }
)


@dataclass(frozen=True)
class Marks:
    """Status marks derived from a record's events (异议中, 已修复, …)."""

    objection: bool = False
    repaired: bool = False
    removed: bool = False
    hidden: bool = False

    @property
    def labels(self) -> list[str]:
        """Return the Chinese marks to show next to the record."""
        out = []
        if self.objection:
            out.append("异议中")
        if self.repaired:
            out.append("已修复")
        if self.removed:
            out.append("已移出")
        return out


@dataclass(frozen=True)
class Item:
    """One record as a page shows it: what, who decided, when, where it came from, and its marks."""

    id: int
    catalog_item: str
    catalog_name: str
    section: str
    polarity: str
    document_no: str | None
    department: str
    decision_on: dt.date | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    received_at: dt.datetime
    version: int
    fields: list[tuple[str, str]]
    marks: list[str]
    hidden: bool = False
    subject_name: str = ""
    subject_code: str | None = None
    reason: str = ""
    public_until: dt.date | None = None
    events: tuple[tuple[dt.date, str, str | None], ...] = ()


@dataclass
class SubjectView:
    """A subject's page: basic information and the visible items grouped by section."""

    subject: Subject
    region: str | None
    identifiers: list[tuple[str, str]]
    sections: dict[str, list[Item]] = field(default_factory=dict)
    public: bool = True

    @property
    def count(self) -> int:
        """Return how many items are shown."""
        return sum(len(v) for v in self.sections.values())


@dataclass(frozen=True)
class Page:
    """A page of results with its total (capped for searches)."""

    items: Sequence[Any]
    total: int
    page: int
    size: int = PAGE_SIZE
    capped: bool = False

    @property
    def more(self) -> bool:
        """Tell whether another page follows."""
        return self.page < self.pages

    @property
    def pages(self) -> int:
        """Return the number of pages."""
        return max(1, -(-self.total // self.size))


def marks_for(session: Session, record_ids: Iterable[int]) -> dict[int, Marks]:
    """Derive each record's marks from its status events, in order of effect."""
    ids = list(record_ids)
    if not ids:
        return {}
    events: dict[int, list[RecordEvent]] = defaultdict(list)
    for ev in session.scalars(
        select(RecordEvent)
        .where(RecordEvent.record_id.in_(ids))
        .order_by(RecordEvent.effective_on, RecordEvent.id)
    ):
        events[ev.record_id].append(ev)
    out: dict[int, Marks] = {}
    for rid in ids:
        objection = repaired = removed = hidden = False
        for ev in events.get(rid, []):
            if ev.kind == RecordEventKind.OBJECTION_OPENED:
                objection = True
            elif ev.kind == RecordEventKind.OBJECTION_CLOSED:
                objection = False
            elif ev.kind == RecordEventKind.UNSUSPENDED:
                hidden = False
            if ev.kind == RecordEventKind.REPAIRED:
                repaired = True
            if ev.kind == RecordEventKind.LIST_REMOVED:
                removed = True
            if ev.kind in _HIDING:
                hidden = True
        out[rid] = Marks(objection=objection, repaired=repaired, removed=removed, hidden=hidden)
    return out


def _fields(policy: Policy, record: CreditRecord, *, full: bool) -> list[tuple[str, str]]:
    item = policy.catalog.get(record.catalog_item)
    if item is None:
        return []
    out = []
    for f in item.fields:
        if f.name in (item.roles.get("subject_name"), item.roles.get("uscc")):
            continue
        if f.disclosure != "public" and not full:
            continue
        value = record.payload.get(f.name)
        if value in (None, "", []):
            continue
        out.append((f.label, "、".join(map(str, value)) if isinstance(value, list) else str(value)))
    return out


def to_items(
    session: Session, policy: Policy, records: Sequence[CreditRecord], *, full: bool = False
) -> list[Item]:
    """Turn records into page items with department names and marks."""
    marks = marks_for(session, (r.id for r in records))
    dept_ids = {r.department_id for r in records}
    subj_ids = {r.subject_id for r in records}
    depts = (
        dict(session.execute(select(Department.id, Department.name).where(Department.id.in_(dept_ids))).all())
        if dept_ids
        else {}
    )
    subjects = (
        {s.id: s for s in session.scalars(select(Subject).where(Subject.id.in_(subj_ids)))}
        if subj_ids
        else {}
    )
    out = []
    for r in records:
        cat = policy.catalog.get(r.catalog_item)
        subject = subjects.get(r.subject_id)
        out.append(
            Item(
                id=r.id,
                catalog_item=r.catalog_item,
                catalog_name=cat.name if cat else r.catalog_item,
                section=cat.section if cat else "其他",
                polarity=r.polarity,
                document_no=r.document_no,
                department=depts.get(r.department_id, "—"),
                decision_on=r.decision_on,
                valid_from=r.valid_from,
                valid_to=r.valid_to,
                received_at=r.first_received_at,
                version=r.version,
                fields=_fields(policy, r, full=full),
                marks=marks.get(r.id, Marks()).labels,
                hidden=marks.get(r.id, Marks()).hidden,
                subject_name=subject.name if subject else "",
                subject_code=subject.uscc if subject else None,
            )
        )
    return out


def _current(stmt: Any) -> Any:
    """Restrict a record query to current versions (not superseded by a later one)."""
    superseded = select(CreditRecord.supersedes_id).where(CreditRecord.supersedes_id.is_not(None))
    return stmt.where(CreditRecord.id.not_in(superseded))


def _public_item(policy: Policy, catalog_item: str) -> bool:
    item = policy.catalog.get(catalog_item)
    return item is not None and item.disclosure == "public"


def search(session: Session, keys: KeyRing, q: str, page: int = 1) -> Page:
    """Find subjects by code (exactly) or by name fragment; natural persons are never listed."""
    q = q.strip()
    if not q:
        return Page(items=[], total=0, page=1)
    found = subjects_service.find_by_code(session, keys, q)
    if found is not None:
        items = [] if found.kind == SubjectKind.NATURAL_PERSON.value else [found]
        return Page(items=items, total=len(items), page=1)
    norm = normalize_name(q)
    cond = (Subject.kind != SubjectKind.NATURAL_PERSON.value) & or_(
        Subject.name_norm.contains(norm, autoescape=True), Subject.name.contains(q, autoescape=True)
    )
    total = (
        session.scalar(
            select(func.count()).select_from(select(Subject.id).where(cond).limit(SEARCH_CAP).subquery())
        )
        or 0
    )
    rows = session.scalars(
        select(Subject)
        .where(cond)
        .order_by(func.length(Subject.name), Subject.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return Page(items=rows, total=total, page=page, capped=total >= SEARCH_CAP)


def subject_view(
    session: Session, policy: Policy, subject: Subject, *, full: bool = False, history: bool = False
) -> SubjectView:
    """Assemble a subject's page: the public view, or (``full``) everything for the subject or government.

    ``history`` adds superseded versions (the government view); otherwise only current versions show.
    """
    identifiers = [(i.scheme, i.masked or "") for i in subject.identifiers]
    view = SubjectView(
        subject=subject, region=policy.region_name(subject.region_code), identifiers=identifiers
    )
    if subject.kind == SubjectKind.NATURAL_PERSON.value and not full:
        view.public = False
        return view
    stmt = select(CreditRecord).where(CreditRecord.subject_id == subject.id)
    if not history:
        stmt = _current(stmt)
    records = session.scalars(stmt.order_by(CreditRecord.decision_on.desc(), CreditRecord.id.desc())).all()
    if not full:
        records = [r for r in records if _public_item(policy, r.catalog_item)]
    items = to_items(session, policy, records, full=full)
    for section in SECTIONS:
        view.sections[section] = [i for i in items if i.section == section and (full or not i.hidden)]
    return view


def publication(
    session: Session,
    policy: Policy,
    catalog_items: Sequence[str],
    *,
    region: str | None = None,
    department: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    page: int = 1,
) -> Page:
    """Return public records of ``catalog_items`` (双公示, lists) filtered by county, department and date."""
    items = [c for c in catalog_items if _public_item(policy, c)]
    stmt = _current(
        select(CreditRecord)
        .join(Subject, Subject.id == CreditRecord.subject_id)
        .where(CreditRecord.catalog_item.in_(items), Subject.kind != SubjectKind.NATURAL_PERSON.value)
    )
    if region:
        stmt = stmt.where(Subject.region_code == region)
    if department:
        stmt = stmt.join(Department, Department.id == CreditRecord.department_id).where(
            Department.code == department
        )
    if since:
        stmt = stmt.where(CreditRecord.decision_on >= since)
    if until:
        stmt = stmt.where(CreditRecord.decision_on <= until)
    hidden = select(RecordEvent.record_id).where(RecordEvent.kind.in_(_HIDING))
    stmt = stmt.where(CreditRecord.id.not_in(hidden))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(CreditRecord.decision_on.desc(), CreditRecord.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return Page(items=to_items(session, policy, rows), total=total, page=page)


def departments(session: Session) -> list[Department]:
    """Return all departments ordered by region and code."""
    return list(session.scalars(select(Department).order_by(Department.region_code, Department.code)))
