"""Credit-file assembly (一户一档): the subject's records in the national report's sections, as the
caller may see them, each with its provenance and — for authorised viewers — its version history.

Every non-public read is written to the query log and the audit chain (浙江条例第二十条).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from xinyong.auth import consent
from xinyong.auth.access import Basis, ReadAccess
from xinyong.auth.principal import Principal
from xinyong.departments import service as departments_service
from xinyong.departments.models import Department
from xinyong.errors import NotFound
from xinyong.kit.crypto import KeyRing
from xinyong.outbox import service as outbox
from xinyong.policy.loader import Policy
from xinyong.policy.schemas import CatalogItem
from xinyong.records import service as records_service
from xinyong.records.models import CreditRecord, RecordEvent
from xinyong.records.service import VisibleRecord
from xinyong.rules.disclosure import AUDIENCE_LABELS, Audience
from xinyong.subjects.models import IdentifierScheme, Subject, SubjectKind
from xinyong.subjects.schemas import (
    SECTIONS,
    CreditFile,
    DisclosureRead,
    EventRead,
    FieldValue,
    FileItem,
    FileSection,
    Provenance,
    SubjectBasics,
    VersionRead,
    Viewer,
)
from xinyong.subjects.scope import resolve_access as resolve_access
from xinyong.subjects.service import find_by_code

DELIVERY_BASES = (Basis.DUTY, Basis.AUTHORISATION)  # reads that hand records to another party


def masked_id(subject: Subject) -> str | None:
    """Return the masked ID number of a natural person (the clear number is never displayed)."""
    for ident in subject.identifiers:
        if ident.scheme == IdentifierScheme.ID_CARD:
            return ident.masked
    return None


def basics(subject: Subject, policy: Policy) -> SubjectBasics:
    """Return the 基础信息 section of a subject."""
    return SubjectBasics(
        name=subject.name,
        kind=subject.kind,
        uscc=subject.uscc,
        id_masked=masked_id(subject),
        region_code=subject.region_code,
        region_name=policy.region_name(subject.region_code),
        legal_rep=subject.legal_rep,
        industry=subject.industry,
        established_on=subject.established_on,
        status=subject.status,
    )


def _versions(versions: list[CreditRecord]) -> list[VersionRead]:
    out = []
    prev: dict[str, Any] | None = None
    for v in versions:
        payload = v.payload or {}
        changed = (
            []
            if prev is None
            else sorted(k for k in set(prev) | set(payload) if prev.get(k) != payload.get(k))
        )
        out.append(
            VersionRead(
                record_id=v.id,
                version=v.version,
                content_hash=v.content_hash,
                received_at=v.first_received_at,
                supersedes_id=v.supersedes_id,
                changed_fields=changed,
            )
        )
        prev = payload
    return out


@dataclass(frozen=True)
class _Reads:
    """What the items of a file need besides their records, each read once for all of them."""

    departments: dict[int, Department]
    versions: dict[str, list[CreditRecord]]
    events: dict[int, list[RecordEvent]]


def _granted(access: ReadAccess, item: Any) -> bool:
    """Tell whether an authorised party's grant covers the section of a record (others: no limit)."""
    if access.grant is None:
        return True
    return (item.section if item else "其他") in access.grant.sections


def build_credit_file(
    session: Session,
    keys: KeyRing,
    policy: Policy,
    principal: Principal,
    code: str,
    *,
    purpose: str | None = None,
    on: dt.date,
    known_at: dt.datetime | None = None,
) -> CreditFile:
    """Assemble the credit file of the subject with ``code`` as ``principal`` may see it on ``on``, from
    what the platform had received by ``known_at`` (``None``: everything stored now; ``records.asof``)."""
    subject = find_by_code(session, keys, code)
    if subject is None:
        raise NotFound("未找到该信用主体", code="subject.not_found")
    access = resolve_access(session, principal, subject, purpose=purpose, on=on, policy=policy)
    if access.audience == Audience.PUBLIC and subject.kind == SubjectKind.NATURAL_PERSON.value:
        # 浙江条例第十五条: natural persons are not public; do not even confirm that the file exists.
        raise NotFound("未找到该信用主体", code="subject.not_found")
    shown = _disclose(session, subject, access, records_service.AsOf(on, known_at), policy)
    authorised_view = access.audience != Audience.PUBLIC
    reads = _read(session, shown, authorised=authorised_view, known_at=known_at)
    sections = _sections(policy, shown, reads, on, authorised_view)
    _log_and_deliver(session, principal, subject, access, shown, policy=policy, on=on)
    return CreditFile(
        code=subject.uscc or (masked_id(subject) or ""),
        as_of=on,
        known_at=known_at,
        policy_hash=policy.hash,
        viewer=Viewer(
            role=principal.role.value,
            audience=access.audience.value,
            audience_label=AUDIENCE_LABELS[access.audience],
            basis=access.basis.value,
            purpose=access.purpose,
        ),
        basics=basics(subject, policy),
        summary={s.name: s.count for s in sections},
        sections=sections,
        notice=_notice(access),
    )


def _disclose(
    session: Session, subject: Subject, access: ReadAccess, at: records_service.AsOf, policy: Policy
) -> list[VisibleRecord]:
    """Return the records the reader may see on ``at.on`` as known at ``at.known_at``, each with its
    decision (the rule core).

    An authorised party sees only the sections the subject granted it. A record decided after ``at.on``
    did not exist on that day: it is not part of the file as of then (nor of its totals).
    """
    records = [
        r
        for r in records_service.subject_records(session, subject.id, at.known_at)
        if r.decision_on is None or r.decision_on <= at.on
    ]
    decided = records_service.decide_records(session, records, access.audience, at.on, policy, at.known_at)
    return [
        v
        for v in decided
        if v.disclosure.shown and _granted(access, policy.catalog.get(v.record.catalog_item))
    ]


def _read(
    session: Session, shown: list[VisibleRecord], *, authorised: bool, known_at: dt.datetime | None
) -> _Reads:
    """Read the departments, and for authorised viewers the versions and events (as known at
    ``known_at``), of every shown record."""
    records = [v.record for v in shown]
    departments = departments_service.by_ids(session, {r.department_id for r in records})
    if not authorised:
        return _Reads(departments, {}, {})
    versions = records_service.versions_by_key(session, {r.record_key for r in records}, known_at)
    events = records_service.events_by_record(session, [r.id for r in records], known_at)
    return _Reads(departments, versions, events)


def _sections(
    policy: Policy, shown: list[VisibleRecord], reads: _Reads, on: dt.date, authorised: bool
) -> list[FileSection]:
    """Arrange the shown records in the national report's sections."""
    by_section: dict[str, list[FileItem]] = defaultdict(list)
    for v in shown:
        item = policy.catalog.get(v.record.catalog_item)
        by_section[item.section if item else "其他"].append(_file_item(item, v, reads, on, authorised))
    return [FileSection(name=name, count=len(by_section[name]), items=by_section[name]) for name in SECTIONS]


def _file_item(
    item: CatalogItem | None, v: VisibleRecord, reads: _Reads, on: dt.date, authorised: bool
) -> FileItem:
    """Return one record as an item of the file, with its provenance and decision."""
    r, d = v.record, v.disclosure
    payload = r.payload or {}
    return FileItem(
        record_id=r.id,
        catalog_item=r.catalog_item,
        catalog_name=item.name if item else r.catalog_item,
        polarity=r.polarity,
        severity=r.severity,
        version=r.version,
        provenance=_provenance(r, reads.departments.get(r.department_id), item),
        fields=[
            FieldValue(name=n, label=lbl, value=text)
            for n, lbl, text in records_service.display_fields(item, payload)
        ],
        disclosure=DisclosureRead(
            reason_code=d.reason_code,
            reason=d.reason,
            public_until=d.public_until,
            marks=d.marks,
            shared=d.shared,
            counted=d.counted,
            regime_id=d.regime_id,
            other_channels=list(d.other_channels),
        ),
        versions=_versions(reads.versions.get(r.record_key, [])) if authorised else None,
        events=[
            EventRead(kind=e.kind, effective_on=e.effective_on, reason=e.reason)
            for e in reads.events.get(r.id, [])
            if e.effective_on <= on
        ]
        if authorised
        else None,
    )


def _provenance(r: CreditRecord, dept: Department | None, item: CatalogItem | None) -> Provenance:
    authority = records_service.role_value(item, r.payload or {}, "authority")
    return Provenance(
        department_code=dept.code if dept else None,
        department_name=dept.name if dept else None,
        authority=str(authority) if authority else None,
        document_no=r.document_no,
        decision_on=r.decision_on,
        valid_from=r.valid_from,
        valid_to=r.valid_to,
        first_received_at=r.first_received_at,
        last_received_at=r.last_received_at,
        batch_id=r.batch_id,
    )


def _log_and_deliver(
    session: Session,
    principal: Principal,
    subject: Subject,
    access: ReadAccess,
    shown: list[VisibleRecord],
    *,
    policy: Policy,
    on: dt.date,
) -> None:
    """Log the read (query log and audit); a department or an authorised party now holding records gets
    later repair and objection outcomes (信用修复/异议结果告知, issue 7 point 4)."""
    entry = consent.log_read(
        session,
        principal,
        subject_id=subject.id,
        access=access,
        what="credit_file",
        items=len(shown),
        policy=policy,
        on=on,
    )
    if entry is not None and access.basis in DELIVERY_BASES and shown:
        outbox.log_delivery(
            session,
            record_ids=[v.record.id for v in shown],
            recipient=outbox.recipient_of(principal),
            channel="api",
            ref=f"query_log:{entry.id}",
        )


def _notice(access: ReadAccess) -> str:
    if access.audience == Audience.PUBLIC:
        return "以下为依法公开的信用信息；非公开信息须依职责或经主体授权查询。"
    return f"本次查询依据：{access.purpose}（{AUDIENCE_LABELS[access.audience]}），已记入查询记录。"
