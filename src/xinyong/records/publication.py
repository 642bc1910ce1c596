"""Publication (双公示 and lists): what is public today, decided record by record by ``decide``.

SQL narrows the candidates (catalog items, organisations only, newest versions, filters, a date
window no public record can be older than); ``decide(…, Audience.PUBLIC, on)`` has the last word.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from xinyong.departments.models import Department
from xinyong.errors import NotFound
from xinyong.kit.dates import add_months
from xinyong.policy.loader import Policy
from xinyong.records import service
from xinyong.records.models import CreditRecord
from xinyong.rules.disclosure import Audience, Disclosure, decide
from xinyong.subjects.models import Subject, SubjectKind

# list_type → (catalog section, Chinese name)
LIST_TYPES: dict[str, tuple[str, str]] = {
    "red": ("诚实守信", "守信激励名单（红名单）"),
    "black": ("严重失信", "严重失信主体名单（黑名单）"),
    "abnormal": ("经营异常", "经营异常名录"),
}
_CHUNK = 200
MAX_DEPTH = 5000  # deepest entry a page may reach (page × size)


@dataclass(frozen=True)
class Filters:
    """Publication filters."""

    county: str | None = None
    department: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    keyword: str | None = (
        None  # a fragment of the subject's name, its USCC, or a fragment of the document number
    )


@dataclass(frozen=True)
class Published:
    """A published record with its subject, department and decision."""

    record: CreditRecord
    subject: Subject
    department: Department
    disclosure: Disclosure


def items_of_list(policy: Policy, list_type: str) -> list[str]:
    """Return the catalog items of a list type, or raise ``NotFound``."""
    if list_type not in LIST_TYPES:
        known = "、".join(f"{k}（{v[1]}）" for k, v in LIST_TYPES.items())
        raise NotFound(f"未知的名单类型 {list_type}，可选：{known}", code="list.unknown")
    section = LIST_TYPES[list_type][0]
    return sorted(i.id for i in policy.catalog.values() if i.section == section and i.disclosure == "public")


def _lookback(policy: Policy, items: list[str], on: dt.date) -> dt.date | None:
    """Return the oldest decision date that can still be public (None: no bound)."""
    bound = None
    for item_id in items:
        item = policy.catalog[item_id]
        if item.polarity != "negative" or "list_end" in item.roles:
            return None
        cand = add_months(on, -policy.retention.negative_retention_months)
        bound = cand if bound is None else min(bound, cand)
    return bound


def candidates(
    policy: Policy, items: list[str], on: dt.date, filters: Filters, *, in_force_only: bool
) -> Select[Any]:
    """Return the select of candidate records, newest decision first."""
    stmt: Select[Any] = (
        select(CreditRecord, Subject, Department)  # type: ignore[assignment]
        .join(Subject, Subject.id == CreditRecord.subject_id)
        .join(Department, Department.id == CreditRecord.department_id)
        .where(
            CreditRecord.catalog_item.in_(items),
            Subject.kind != SubjectKind.NATURAL_PERSON.value,
            CreditRecord.decision_on <= on,
            service.latest_only(),
        )
        .order_by(CreditRecord.decision_on.desc(), CreditRecord.id.desc())
    )
    oldest = _lookback(policy, items, on)
    if oldest is not None:
        stmt = stmt.where(CreditRecord.decision_on >= oldest)
    if in_force_only:
        stmt = stmt.where(or_(CreditRecord.valid_to.is_(None), CreditRecord.valid_to >= on))
    if filters.county:
        stmt = stmt.where(Subject.region_code == filters.county)
    if filters.department:
        stmt = stmt.where(Department.code == filters.department)
    if filters.date_from:
        stmt = stmt.where(CreditRecord.decision_on >= filters.date_from)
    if filters.date_to:
        stmt = stmt.where(CreditRecord.decision_on <= filters.date_to)
    if filters.keyword and filters.keyword.strip():
        kw = filters.keyword.strip()
        stmt = stmt.where(
            or_(
                Subject.name.contains(kw, autoescape=True),
                Subject.uscc == kw.upper(),
                CreditRecord.document_no.contains(kw, autoescape=True),
            )
        )
    return stmt


def published_page(
    session: Session,
    policy: Policy,
    items: list[str],
    on: dt.date,
    filters: Filters,
    *,
    page: int,
    size: int,
    in_force_only: bool = False,
) -> tuple[list[Published], bool]:
    """Return one page of what the public sees, and whether more follows."""
    skip, want = (page - 1) * size, size + 1
    stmt = candidates(policy, items, on, filters, in_force_only=in_force_only)
    found: list[Published] = []
    offset = 0
    while len(found) < skip + want:
        rows = session.execute(stmt.limit(_CHUNK).offset(offset)).all()
        if not rows:
            break
        offset += len(rows)
        facts = service.load_facts(session, [r[0] for r in rows], policy)
        for record, subject, dept in rows:
            d = decide(facts[record.id], Audience.PUBLIC, on, policy, channels=True)
            if d.shown:
                found.append(Published(record, subject, dept, d))
        if len(rows) < _CHUNK:
            break
    window = found[skip : skip + want]
    return window[:size], len(window) > size
