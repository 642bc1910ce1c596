"""The registry's writes: file an agency (its subject found or registered), cancel a filing, register
practitioners (natural persons by encrypted ID) and their leaving. Every change writes its audit row."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.agencies import audited
from xinyong.agencies.models import AgencyPractitioner, CreditAgency
from xinyong.agencies.rules import RegistryRules, registry_rules
from xinyong.agencies.schemas import AgencyIn, CancelIn, LeaveIn, PractitionerIn
from xinyong.auth.principal import Principal, Role
from xinyong.departments import service as departments_service
from xinyong.errors import Conflict, Forbidden, Invalid, NotFound
from xinyong.kit.crypto import KeyRing
from xinyong.policy.loader import Policy
from xinyong.subjects import service as subjects_service
from xinyong.subjects.models import SubjectKind


def get(session: Session, agency_id: int) -> CreditAgency:
    """Return the filing with ``agency_id`` or raise ``NotFound``."""
    row = session.get(CreditAgency, agency_id)
    if row is None:
        raise NotFound("未找到该信用服务机构", code="agency.not_found")
    return row


def ensure_authority(session: Session, rules: RegistryRules, principal: Principal) -> None:
    """Let the credit centre and officers of a filing authority (备案机关) change the registry."""
    if principal.role == Role.ADMIN:
        return
    if principal.role == Role.OFFICER and principal.department_id is not None:
        code = departments_service.by_id(session, principal.department_id).code
        if code in {a.department for a in rules.filing_authorities}:
            return
    raise Forbidden("只有备案机关或信用中心可以办理信用服务机构备案", code="agency.not_authority")


def register(
    session: Session, policy: Policy, keys: KeyRing, principal: Principal, body: AgencyIn, *, on: dt.date
) -> CreditAgency:
    """File an agency: find or register its subject (an organisation with a USCC), then the filing."""
    rules = registry_rules(policy, on)
    ensure_authority(session, rules, principal)
    if body.filing_authority not in {a.department for a in rules.filing_authorities}:
        raise Invalid(f"{body.filing_authority} 不是备案机关", code="agency.bad_authority")
    unknown = sorted(set(body.business_scopes) - set(rules.scope_labels()))
    if unknown:
        raise Invalid(f"未知的业务范围：{'、'.join(unknown)}", code="agency.bad_scope")
    if body.filed_on > on:
        raise Invalid("备案日期不能晚于今天", code="agency.future_filing")
    data = subjects_service.SubjectInput(name=body.name, uscc=body.uscc, legal_rep=body.legal_rep)
    subject = subjects_service.ensure_organisation(session, keys, data)
    if subject.kind == SubjectKind.NATURAL_PERSON.value:  # pragma: no cover - a USCC never makes a person
        raise Invalid("信用服务机构须为组织", code="agency.not_organisation")
    if session.scalar(select(CreditAgency.id).where(CreditAgency.subject_id == subject.id)) is not None:
        raise Conflict("该机构已备案", code="agency.already_filed")
    if session.scalar(select(CreditAgency.id).where(CreditAgency.filing_no == body.filing_no)) is not None:
        raise Conflict("备案编号已被使用", code="agency.duplicate_filing_no")
    row = CreditAgency(
        subject_id=subject.id,
        filing_no=body.filing_no,
        filed_on=body.filed_on,
        filing_authority=body.filing_authority,
        business_scopes=list(dict.fromkeys(body.business_scopes)),
        created_by=principal.actor,
    )
    return audited.added(
        session,
        row,
        actor=principal.actor,
        action="agency.register",
        detail={"uscc": subject.uscc, "filing_no": row.filing_no, "filed_on": row.filed_on.isoformat()},
    )


def cancel(
    session: Session, policy: Policy, principal: Principal, agency_id: int, body: CancelIn, *, on: dt.date
) -> CreditAgency:
    """Cancel a filing (注销备案) from a day on; the status follows from that date."""
    ensure_authority(session, registry_rules(policy, on), principal)
    found = get(session, agency_id)
    row = audited.ended(
        session,
        found,
        "cancelled_on",
        start=found.filed_on,
        day=body.cancelled_on,
        actor=principal.actor,
        action="agency.cancel",
        already=Conflict("该机构的备案已注销", code="agency.already_cancelled"),
        too_early=Invalid("注销日期早于备案日期", code="agency.bad_cancel_date"),
    )
    row.cancel_reason = body.reason
    session.flush()
    return row


def add_practitioner(
    session: Session,
    policy: Policy,
    keys: KeyRing,
    principal: Principal,
    agency_id: int,
    body: PractitionerIn,
    *,
    on: dt.date,
) -> AgencyPractitioner:
    """Register a practitioner; the person is found by the ID number's blind index (registered if new)."""
    rules = registry_rules(policy, on)
    ensure_authority(session, rules, principal)
    agency = get(session, agency_id)
    if body.qualification not in rules.qualification_labels():
        raise Invalid(f"未知的从业资格：{body.qualification}", code="agency.bad_qualification")
    person = subjects_service.ensure_person(session, keys, body.name, body.id_card)
    row = AgencyPractitioner(
        agency_id=agency.id,
        person_id=person.id,
        qualification=body.qualification,
        certificate_no=body.certificate_no,
        joined_on=body.joined_on,
    )
    return audited.added(
        session,
        row,
        actor=principal.actor,
        action="agency.practitioner_add",
        detail={"agency_id": agency.id, "person_id": person.id, "qualification": row.qualification},
    )


def leave(
    session: Session,
    policy: Policy,
    principal: Principal,
    practitioner_id: int,
    body: LeaveIn,
    *,
    on: dt.date,
) -> AgencyPractitioner:
    """Record the day a practitioner leaves the agency."""
    ensure_authority(session, registry_rules(policy, on), principal)
    row = session.get(AgencyPractitioner, practitioner_id)
    if row is None:
        raise NotFound("未找到该从业人员", code="agency.practitioner_not_found")
    return audited.ended(
        session,
        row,
        "left_on",
        start=row.joined_on,
        day=body.left_on,
        actor=principal.actor,
        action="agency.practitioner_leave",
        already=Conflict("该从业人员已离职", code="agency.already_left"),
        too_early=Invalid("离职日期早于入职日期", code="agency.bad_leave_date"),
    )
