"""What readers see of the registry: the public list, and an agency's detail for its reader.

Who sees a practitioner is the rule core's answer for a natural person's register entry
(``rules.entries.decide_entry``); each practitioner shown to a signed-in reader is a logged read of that
person (谁查询了我). Supervision events are the agency's records, shown as the rule core decides.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.agencies import registry, supervision
from xinyong.agencies.models import AgencyPractitioner, AgencyReport, CreditAgency
from xinyong.agencies.rules import RegistryRules, registry_rules
from xinyong.agencies.schemas import (
    AgencyDetail,
    AgencyRead,
    EventRead,
    Labelled,
    PractitionerRead,
    ReportRead,
)
from xinyong.agencies.status import filing_status, post_status
from xinyong.auth import consent
from xinyong.auth.access import PUBLIC_READ, ReadAccess
from xinyong.auth.principal import Principal, Role
from xinyong.creditfile import service as creditfile_service
from xinyong.errors import Forbidden
from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.rules.disclosure import Audience
from xinyong.rules.entries import decide_entry
from xinyong.subjects.models import Subject, SubjectKind
from xinyong.subjects.names import names_of
from xinyong.subjects.scope import decide_read

SUPERVISION_WHAT = "agency_practitioner"


def _label(labels: dict[str, str], code: str) -> Labelled:
    return Labelled(code=code, label=labels.get(code, code))


def _in_post(session: Session, agency_ids: list[int], on: dt.date) -> Counter[int]:
    rows = session.execute(
        select(AgencyPractitioner.agency_id, AgencyPractitioner.joined_on, AgencyPractitioner.left_on).where(
            AgencyPractitioner.agency_id.in_(agency_ids)
        )
    )
    return Counter(a for a, joined, left in rows if post_status(joined, left, on).code == "active")


def _public_events(session: Session, policy: Policy, subject_id: int, on: dt.date, item: str) -> int:
    records = [r for r in records_service.subject_records(session, subject_id) if r.catalog_item == item]
    decided = records_service.decide_records(session, records, Audience.PUBLIC, on, policy)
    return sum(1 for v in decided if v.disclosure.shown)


def agency_read(
    session: Session, policy: Policy, row: CreditAgency, subject: Subject, *, on: dt.date, in_post: int
) -> AgencyRead:
    """Return a registry entry with its derived status."""
    rules = registry_rules(policy, on)
    authorities = {a.department: a.label for a in rules.filing_authorities}
    scopes = rules.scope_labels()
    return AgencyRead(
        id=row.id,
        name=subject.name,
        uscc=subject.uscc or "",
        region_name=policy.region_name(subject.region_code),
        filing_no=row.filing_no,
        filed_on=row.filed_on,
        filing_authority=_label(authorities, row.filing_authority),
        business_scopes=[_label(scopes, c) for c in row.business_scopes],
        status=Labelled(**vars(filing_status(row.filed_on, row.cancelled_on, on))),
        cancelled_on=row.cancelled_on,
        practitioners_in_post=in_post,
        public_events=_public_events(session, policy, subject.id, on, rules.supervision.catalog_item),
    )


def listing(
    session: Session, policy: Policy, *, on: dt.date, q: str = "", include_cancelled: bool = True
) -> list[AgencyRead]:
    """Return the registry (public: agencies are organisations), filtered by a name fragment."""
    found = session.execute(
        select(CreditAgency, Subject)
        .join(Subject, Subject.id == CreditAgency.subject_id)
        .order_by(CreditAgency.filed_on.desc(), CreditAgency.id.desc())
    ).all()
    rows = [(a, s) for a, s in found if decide_entry(s.kind, Audience.PUBLIC, policy).shown]
    if q.strip():
        rows = [(a, s) for a, s in rows if q.strip() in s.name or q.strip() == s.uscc]
    counts = _in_post(session, [a.id for a, _ in rows], on)
    out = [agency_read(session, policy, a, s, on=on, in_post=counts[a.id]) for a, s in rows]
    return out if include_cancelled else [r for r in out if r.status.code == "filed"]


def _access(
    session: Session, policy: Policy, principal: Principal, subject: Subject, on: dt.date
) -> ReadAccess:
    """Return how the caller reads the agency: government for supervision, the agency itself, else public."""
    if principal.role == Role.PUBLIC:
        return PUBLIC_READ
    try:
        return decide_read(session, policy, principal, subject, on=on)
    except Forbidden:
        return PUBLIC_READ


def _practitioners(
    session: Session,
    policy: Policy,
    rules: RegistryRules,
    principal: Principal,
    access: ReadAccess,
    agency: CreditAgency,
    on: dt.date,
) -> list[PractitionerRead]:
    rows = list(
        session.scalars(
            select(AgencyPractitioner)
            .where(AgencyPractitioner.agency_id == agency.id)
            .order_by(AgencyPractitioner.joined_on, AgencyPractitioner.id)
        )
    )
    labels = rules.qualification_labels()
    out = []
    for p in rows:
        person = session.get(Subject, p.person_id)
        assert person is not None  # noqa: S101 - foreign key
        consent.log_read(
            session,
            principal,
            subject_id=person.id,
            access=access,
            what=SUPERVISION_WHAT,
            items=1,
            policy=policy,
            on=on,
        )
        out.append(
            PractitionerRead(
                id=p.id,
                name=person.name,
                id_masked=creditfile_service.masked_id(person),
                qualification=_label(labels, p.qualification),
                certificate_no=p.certificate_no,
                joined_on=p.joined_on,
                left_on=p.left_on,
                status=Labelled(**vars(post_status(p.joined_on, p.left_on, on))),
            )
        )
    return out


def _events(
    session: Session, policy: Policy, rules: RegistryRules, subject: Subject, audience: Audience, on: dt.date
) -> list[EventRead]:
    item = policy.catalog[rules.supervision.catalog_item]
    records = [r for r in records_service.subject_records(session, subject.id) if r.catalog_item == item.id]
    out = []
    for v in records_service.decide_records(session, records, audience, on, policy):
        if not v.disclosure.shown:
            continue
        payload = v.record.payload or {}
        out.append(
            EventRead(
                record_id=v.record.id,
                event_type=str(payload.get("JG_LX", "")),
                reason=str(payload.get("JG_SY", "")),
                document_no=v.record.document_no,
                decided_on=v.record.decision_on,
                authority=records_service.role_value(item, payload, "authority"),
                disclosure=v.disclosure.reason,
            )
        )
    return out


def report_reads(
    session: Session, policy: Policy, reports: list[AgencyReport], on: dt.date
) -> list[ReportRead]:
    """Return filed reports with their subjects' names and the purposes' labels."""
    names = names_of(session, {r.subject_id for r in reports})
    purposes = registry_rules(policy, on).purpose_labels()
    return [
        ReportRead(
            id=r.id,
            record_id=r.record_id,
            report_no=r.report_no,
            title=r.title,
            subject_name=names.get(r.subject_id, ""),
            purpose=_label(purposes, r.purpose),
            issued_on=r.issued_on,
            sha256=r.sha256,
        )
        for r in reports
    ]


def detail(
    session: Session, policy: Policy, principal: Principal, agency_id: int, *, on: dt.date
) -> AgencyDetail:
    """Return an agency as ``principal`` may see it; practitioners only where the rule core allows."""
    row = registry.get(session, agency_id)
    subject = session.get(Subject, row.subject_id)
    assert subject is not None  # noqa: S101 - foreign key
    rules = registry_rules(policy, on)
    access = _access(session, policy, principal, subject, on)
    entry = decide_entry(SubjectKind.NATURAL_PERSON.value, access.audience, policy)
    practitioners = _practitioners(session, policy, rules, principal, access, row, on) if entry.shown else []
    own_or_centre = access.audience in (Audience.SUBJECT_SELF, Audience.CREDIT_CENTRE, Audience.AUDITOR)
    reports = (
        report_reads(session, policy, supervision.reports_of(session, row.id), on) if own_or_centre else []
    )
    counts = _in_post(session, [row.id], on)
    return AgencyDetail(
        agency=agency_read(session, policy, row, subject, on=on, in_post=counts[row.id]),
        audience=access.audience.value,
        practitioners_visible=entry.shown,
        practitioners_reason=entry.reason,
        practitioners=practitioners,
        events=_events(session, policy, rules, subject, access.audience, on),
        reports=reports,
    )
