"""The repair documents of a record or a case (告知书, 决定书, 申请指引), for the subject and the officers
in scope: each read is authorised by the one scope check and logged (谁查询了我) before it is composed."""

from __future__ import annotations

import datetime as dt
from typing import Literal, cast

from sqlalchemy.orm import Session

from xinyong.auth.principal import Principal
from xinyong.departments.models import Department
from xinyong.errors import Conflict, NotFound
from xinyong.policy.loader import Policy
from xinyong.records.events import get_record
from xinyong.records.models import CreditRecord
from xinyong.repair import notices, paperwork
from xinyong.repair.models import RepairCase
from xinyong.repair.notice_text import effect, how_to_apply
from xinyong.repair.paperwork import RepairDocument
from xinyong.repair.queries import record_facts
from xinyong.repair.service import (
    check_case_read,
    eligibility_for,
    get_case,
)
from xinyong.repair.workflows import workflows
from xinyong.subjects import scope
from xinyong.subjects.models import Subject

__all__ = ["RepairDocument", "case_papers", "decision", "guide", "notice", "record_papers"]
DECIDED = ("approved", "rejected")


def _department(session: Session, department_id: int | None) -> str:
    dept = session.get(Department, department_id) if department_id is not None else None
    return dept.name if dept is not None else "作出认定的部门"


def _subject(session: Session, subject_id: int) -> Subject:
    subject = session.get(Subject, subject_id)
    if subject is None:
        raise NotFound("未找到该信用主体", code="subject.not_found")
    return subject


def _item_name(policy: Policy, record: CreditRecord) -> str:
    item = policy.catalog.get(record.catalog_item)
    return item.name if item is not None else "信用记录"


def _authorised_record(
    session: Session, policy: Policy, principal: Principal, record_id: int, what: str, today: dt.date
) -> CreditRecord:
    """Return the record's current version once the caller's scope allows the read, and log it."""
    record, _ = eligibility_for(session, policy, record_id, today)
    scope.authorise_read(
        session,
        policy,
        principal,
        record.subject_id,
        what=what,
        on=today,
        owner_department_id=record.department_id,
    )
    return record


def notice(
    session: Session, policy: Policy, principal: Principal, record_id: int, *, today: dt.date
) -> RepairDocument:
    """Return the record's repair notice (信用修复告知书), issuing it if it was not yet."""
    record = _authorised_record(session, policy, principal, record_id, "repair_notice", today)
    stored = notices.notice_for(session, policy, record.id, actor=principal.actor)
    return paperwork.from_notice(stored.content(), record.id)


def guide(
    session: Session, policy: Policy, principal: Principal, record_id: int, *, today: dt.date
) -> RepairDocument:
    """Return what the record's repair needs on ``today``: whether and when, and which materials."""
    record = _authorised_record(session, policy, principal, record_id, "repair_guide", today)
    _, verdict = eligibility_for(session, policy, record.id, today)
    subject = _subject(session, record.subject_id)
    dept = _department(session, record.department_id)
    wf = workflows(policy).repair
    title = f"{_item_name(policy, record)} {record.document_no or record.record_key}（决定日期 {record.decision_on or '—'}）"
    return paperwork.guide(
        record.id,
        subject.name,
        title,
        verdict,
        dept,
        how_to_apply(dept, wf.accept_workdays, wf.decide_workdays),
    )


def decision(
    session: Session, policy: Policy, principal: Principal, case_id: int, *, today: dt.date
) -> RepairDocument:
    """Return the decision (信用修复决定书) of a decided case; 409 while it is undecided."""
    case = get_case(session, case_id)
    check_case_read(principal, case)
    scope.authorise_read(
        session,
        policy,
        principal,
        case.subject_id,
        what="repair_decision",
        on=today,
        owner_department_id=case.department_id,
    )
    if case.outcome not in DECIDED or case.decided_on is None:
        raise Conflict("该申请尚未作出修复决定", code="repair.undecided")
    record = get_record(session, case.record_id)
    subject = _subject(session, case.subject_id)
    facts = record_facts(session, policy, record)
    return paperwork.decision(
        paperwork.DecisionFacts(
            case_id=case.id,
            subject_name=subject.name,
            document_no=record.document_no or record.record_key,
            item_name=_item_name(policy, record),
            record_decided_on=record.decision_on,
            submitted_on=case.submitted_on,
            accepted_on=case.accepted_on,
            mode_label=str(case.eligibility.get("mode_label") or "信用修复"),
            regime_name=case.eligibility.get("regime_name"),
            outcome=cast("Literal['approved', 'rejected']", case.outcome),
            reason=case.decision_reason or "",
            decided_on=case.decided_on,
            department=_department(session, case.department_id),
            effect=effect(facts.natural_person and not policy.retention.natural_person_public),
        )
    )


def case_papers(policy: Policy, case: RepairCase, record: CreditRecord) -> list[tuple[str, str]]:
    """Return the documents a case's page offers (label, address): the decision once made, the notice."""
    out = (
        [("信用修复决定书（PDF）", f"/api/v1/repairs/{case.id}/decision.pdf")]
        if case.outcome in DECIDED
        else []
    )
    return out + _notice_paper(policy, record)


def record_papers(policy: Policy, record: CreditRecord) -> list[tuple[str, str]]:
    """Return the documents a record's repair page offers (label, address): the guidance, the notice."""
    return [
        ("信用修复申请指引（PDF）", f"/api/v1/records/{record.id}/repair-guide.pdf"),
        *_notice_paper(policy, record),
    ]


def _notice_paper(policy: Policy, record: CreditRecord) -> list[tuple[str, str]]:
    if not notices.applies(policy, record):
        return []
    return [("信用修复告知书（PDF）", f"/api/v1/records/{record.id}/repair-notice.pdf")]
