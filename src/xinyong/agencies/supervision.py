"""Supervision events and filed reports, both written as credit records by the records service.

An event (经核实的投诉、约谈、警告 …) is a negative record on the agency's own file (catalog item of
``supervision.catalog_item``); a filed report is a record on the reported subject's file (``xyfwbg``,
disclosed only with the subject's authorisation), so the subject's file references it for authorised
viewers through the rule core like any other record.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.agencies import audited, registry
from xinyong.agencies.models import AgencyReport, CreditAgency
from xinyong.agencies.rules import registry_rules
from xinyong.agencies.schemas import EventIn, ReportIn
from xinyong.agencies.status import filing_status
from xinyong.auth.principal import Principal, Role
from xinyong.departments import service as departments_service
from xinyong.errors import Conflict, Forbidden, Invalid, NotFound
from xinyong.kit.crypto import KeyRing
from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.records.models import CreditRecord
from xinyong.subjects import service as subjects_service
from xinyong.subjects.models import Subject

REPORT_ITEM = "xyfwbg"
REPORT_DEPARTMENT = "TZ-XYZX"  # filings are received by the credit centre (the source's department)


def record_event(
    session: Session, policy: Policy, principal: Principal, agency_id: int, body: EventIn, *, on: dt.date
) -> CreditRecord:
    """Write a supervision event on the agency's file (a negative credit record) and its audit row."""
    rules = registry_rules(policy, on)
    registry.ensure_authority(session, rules, principal)
    agency = registry.get(session, agency_id)
    event_type = policy.enum_labels("agency_event").get(body.event_type.strip())
    if event_type is None:
        raise Invalid(f"未知的监管事件类型：{body.event_type}", code="agency.bad_event_type")
    if body.decided_on > on:
        raise Invalid("认定日期不能晚于今天", code="agency.future_event")
    subject = session.get(Subject, agency.subject_id)
    assert subject is not None  # noqa: S101 - foreign key
    dept = departments_service.acting_for(session, principal.department_id, agency.filing_authority)
    item = policy.catalog[rules.supervision.catalog_item]
    payload = {
        "ZTMC": subject.name,
        "ZTLB": subjects_service.xdr_category(subject.kind),
        "TYSHXYDM": subject.uscc,
        "FDDBR": subject.legal_rep,
        "BA_BH": agency.filing_no,
        "JG_LX": event_type,
        "JG_SY": body.reason,
        "JG_YJ": body.basis,
        "JG_WH": body.document_no,
        "JG_RQ": body.decided_on.isoformat(),
        "JG_JG": dept.name,
    }
    return audited.new_record(
        session,
        policy,
        item,
        subject_id=subject.id,
        department=dept,
        document_no=body.document_no,
        decided_on=body.decided_on,
        severity=rules.supervision.severity,
        payload=payload,
        actor=principal.actor,
        action="agency.event",
        duplicate=Conflict("该文书编号的监管事件已登记", code="agency.duplicate_event"),
    )


def ensure_files(session: Session, principal: Principal, agency: CreditAgency) -> None:
    """Let the agency itself (its subject's accounts) and the credit centre file its reports."""
    if principal.role == Role.ADMIN:
        return
    if principal.role == Role.SUBJECT and principal.subject_id == agency.subject_id:
        return
    raise Forbidden("只有该信用服务机构本身或信用中心可以备案其报告", code="agency.not_own_report")


def file_report(
    session: Session,
    policy: Policy,
    keys: KeyRing,
    principal: Principal,
    agency_id: int,
    body: ReportIn,
    *,
    on: dt.date,
) -> AgencyReport:
    """File a report the agency issued on a subject: a record on the subject's file and the filing row."""
    agency = registry.get(session, agency_id)
    ensure_files(session, principal, agency)
    rules = registry_rules(policy, on)
    if body.purpose not in rules.purpose_labels():
        raise Invalid(f"未知的报告用途：{body.purpose}", code="agency.bad_purpose")
    if body.issued_on > on:
        raise Invalid("出具日期不能晚于今天", code="agency.future_report")
    if filing_status(agency.filed_on, agency.cancelled_on, body.issued_on).code != "filed":
        raise Conflict("出具报告之日该机构不在备案有效期内，不予备案", code="agency.not_filed_on_issue")
    subject = subjects_service.get_by_code(session, keys, body.subject_code)
    own = session.get(Subject, agency.subject_id)
    assert own is not None  # noqa: S101 - foreign key
    if session.scalar(
        select(AgencyReport.id).where(
            AgencyReport.agency_id == agency.id, AgencyReport.report_no == body.report_no
        )
    ):
        raise Conflict("该报告编号已备案", code="agency.duplicate_report")
    record = _report_record(session, policy, own, subject, body)
    row = AgencyReport(
        agency_id=agency.id,
        subject_id=subject.id,
        record_id=record.id,
        report_no=body.report_no,
        title=body.title,
        purpose=body.purpose,
        issued_on=body.issued_on,
        sha256=body.sha256,
        filed_by=principal.actor,
    )
    return audited.added(
        session,
        row,
        actor=principal.actor,
        action="agency.report_file",
        detail={"agency_id": agency.id, "subject_id": subject.id, "sha256": body.sha256},
    )


def _report_record(
    session: Session, policy: Policy, agency: Subject, subject: Subject, body: ReportIn
) -> CreditRecord:
    item = policy.catalog[REPORT_ITEM]
    dept = departments_service.by_code(session, REPORT_DEPARTMENT)
    purpose = registry_rules(policy, body.issued_on).purpose_labels().get(body.purpose, body.purpose)
    payload = {
        "ZTMC": subject.name,
        "ZTLB": subjects_service.xdr_category(subject.kind),
        "TYSHXYDM": subject.uscc,
        "BG_BH": body.report_no,
        "BG_MC": body.title,
        "BG_YT": purpose,
        "BG_RQ": body.issued_on.isoformat(),
        "BG_JG": agency.name,
        "BG_JGDM": agency.uscc,
        "BG_ZY": body.sha256,
    }
    version = records_service.first_version(
        f"{item.id}|{agency.uscc}|{body.report_no}|{subject.id}",
        item=item,
        subject_id=subject.id,
        department_id=dept.id,
        document_no=body.report_no,
        decision_on=body.issued_on,
        severity=None,
        payload={k: v for k, v in payload.items() if v is not None},
        policy_hash=policy.hash,
    )
    return records_service.add_version(session, version)


def reports_of(session: Session, agency_id: int) -> list[AgencyReport]:
    """Return an agency's filed reports, newest first."""
    return list(
        session.scalars(
            select(AgencyReport)
            .where(AgencyReport.agency_id == agency_id)
            .order_by(AgencyReport.issued_on.desc(), AgencyReport.id.desc())
        )
    )


def report(session: Session, report_id: int) -> AgencyReport:
    """Return one filed report or raise ``NotFound``."""
    row = session.get(AgencyReport, report_id)
    if row is None:
        raise NotFound("未找到该报告备案", code="agency.report_not_found")
    return row
