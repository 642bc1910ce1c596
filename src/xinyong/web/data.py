"""Read models for the pages, built from the capabilities' services.

Visibility is never decided here: the credit file (``creditfile.service``), search
(``subjects.search``) and publication (``records.publication``) apply the disclosure rules, and the
pages only turn their answers into what a template displays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from xinyong.auth.principal import ANONYMOUS, Principal
from xinyong.creditfile import service as credit_file
from xinyong.kit.crypto import KeyRing
from xinyong.policy.loader import Policy
from xinyong.records import publication
from xinyong.records import service as records_service
from xinyong.subjects import search as subject_search
from xinyong.subjects.schemas import CreditFile, FileItem, SearchPage

PAGE_SIZE = 20
LIST_TYPES = {key: label for key, (_section, label) in publication.LIST_TYPES.items()}
ListFilters = publication.Filters
DEEPEST = publication.MAX_DEPTH  # deepest entry a list page or download reaches


@dataclass(frozen=True)
class Entry:
    """One record as a page shows it: what, who decided it, when, where it came from, and its marks."""

    id: int
    catalog_item: str
    catalog_name: str
    polarity: str
    document_no: str | None
    department: str
    decision_on: dt.date | None
    valid_to: dt.date | None
    received_at: dt.datetime
    fields: list[tuple[str, str]]
    marks: list[str]
    reason: str
    public_until: dt.date | None = None
    subject_name: str = ""
    subject_code: str | None = None
    versions: int = 1
    events: tuple[tuple[dt.date, str, str | None], ...] = ()
    other_channels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page:
    """A page of entries; ``more`` tells whether another page follows."""

    items: Sequence[Any]
    page: int
    more: bool
    total: int | None = None


def entry_of(item: FileItem) -> Entry:
    """Turn a credit-file item into a page entry."""
    p = item.provenance
    return Entry(
        id=item.record_id,
        catalog_item=item.catalog_item,
        catalog_name=item.catalog_name,
        polarity=item.polarity,
        document_no=p.document_no,
        department=p.department_name or p.authority or "—",
        decision_on=p.decision_on,
        valid_to=p.valid_to,
        received_at=p.first_received_at,
        fields=[(f.label, f.value) for f in item.fields],
        marks=list(item.disclosure.marks),
        reason=item.disclosure.reason,
        public_until=item.disclosure.public_until,
        other_channels=tuple(item.disclosure.other_channels),
        versions=len(item.versions or []) or 1,
        events=tuple((e.effective_on, e.kind, e.reason) for e in item.events or []),
    )


def credit_file_of(
    session: Session,
    keys: KeyRing,
    policy: Policy,
    principal: Principal,
    code: str,
    *,
    on: dt.date,
    purpose: str | None = None,
) -> tuple[CreditFile, dict[str, list[Entry]]]:
    """Return the credit file as ``principal`` may see it, with its entries by section."""
    found = credit_file.build_credit_file(session, keys, policy, principal, code, purpose=purpose, on=on)
    return found, {s.name: [entry_of(i) for i in s.items] for s in found.sections}


def public_file(
    session: Session, keys: KeyRing, policy: Policy, code: str, *, on: dt.date
) -> tuple[CreditFile, dict[str, list[Entry]]]:
    """Return what the public sees of a subject (the portal page is the public view for everyone)."""
    return credit_file_of(session, keys, policy, ANONYMOUS, code, on=on)


def search(
    session: Session,
    keys: KeyRing,
    policy: Policy,
    principal: Principal,
    q: str,
    page: int = 1,
    *,
    on: dt.date,
) -> SearchPage | None:
    """Search subjects for ``principal``; ``None`` for an empty query."""
    if not q.strip():
        return None
    return subject_search.search(session, keys, policy, principal, q, page=page, size=PAGE_SIZE, on=on)


def published(
    session: Session,
    policy: Policy,
    items: list[str],
    *,
    on: dt.date,
    filters: publication.Filters,
    page: int,
    in_force_only: bool = False,
    size: int = PAGE_SIZE,
) -> Page:
    """Return one page of what the public sees of ``items`` (双公示, lists)."""
    found, more = publication.published_page(
        session, policy, items, on, filters, page=page, size=size, in_force_only=in_force_only
    )
    entries = []
    for p in found:
        r, item = p.record, policy.catalog.get(p.record.catalog_item)
        entries.append(
            Entry(
                id=r.id,
                catalog_item=r.catalog_item,
                catalog_name=item.name if item else r.catalog_item,
                polarity=r.polarity,
                document_no=r.document_no,
                department=p.department.name,
                decision_on=r.decision_on,
                valid_to=r.valid_to,
                received_at=r.first_received_at,
                fields=[
                    (label, text) for _n, label, text in records_service.display_fields(item, r.payload or {})
                ],
                marks=list(p.disclosure.marks),
                reason=p.disclosure.reason,
                public_until=p.disclosure.public_until,
                other_channels=p.disclosure.other_channels,
                subject_name=p.subject.name,
                subject_code=p.subject.uscc,
            )
        )
    return Page(items=entries, page=page, more=more)


def items_of_list(policy: Policy, list_type: str) -> list[str]:
    """Return the catalog items of a published list type."""
    return publication.items_of_list(policy, list_type)
