"""What the registers of people share: reading a person's entry (authorised and logged, or skipped) and
writing a sanction on the person's file as a credit record through the records service."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from xinyong.agencies import audited
from xinyong.agencies.professions_rules import catalog_of
from xinyong.agencies.schemas import SanctionIn, SanctionRead
from xinyong.auth.principal import Principal
from xinyong.creditfile import service as creditfile_service
from xinyong.departments import service as departments_service
from xinyong.errors import Conflict, Forbidden, Invalid
from xinyong.policy.loader import Policy
from xinyong.subjects.models import Subject
from xinyong.subjects.scope import authorise_read


def readable(
    session: Session, policy: Policy, principal: Principal, person: Subject, *, what: str, on: dt.date
) -> bool:
    """Tell whether the caller may read a person's register entry; a permitted read is logged (谁查询了我).

    A natural person's entry is never public (``rules.entries.decide_entry``); government reads it for a
    duty within its region, the credit centre and audit always — the scope check of every non-public read.
    """
    try:
        authorise_read(session, policy, principal, person.id, what=what, on=on)
    except Forbidden:
        return False
    return True


def masked(person: Subject) -> str | None:
    """Return the person's masked ID number (the clear number is never shown)."""
    return creditfile_service.masked_id(person)


def _payload(
    person: Subject,
    body: SanctionIn,
    sanction: str,
    category: str,
    licence_no: str | None,
    employer: str | None,
    authority: str,
) -> dict[str, str]:
    """Return the record's payload by catalog field (the ID number only masked)."""
    payload = {
        "ZTMC": person.name,
        "ZTLB": "自然人",
        "ZJLX": "身份证",
        "ZJHM": masked(person),
        "ZY_LB": category,
        "ZY_ZSBH": licence_no,
        "ZY_DW": employer,
        "CJ_LX": sanction,
        "CJ_SY": body.reason,
        "CJ_WH": body.document_no,
        "CJ_RQ": body.decided_on.isoformat(),
        "CJ_JG": authority,
    }
    return {k: v for k, v in payload.items() if v is not None}


def write_sanction(
    session: Session,
    policy: Policy,
    principal: Principal,
    person: Subject,
    body: SanctionIn,
    *,
    category: str,
    licence_no: str | None,
    employer: str | None,
    on: dt.date,
) -> SanctionRead:
    """Write a sanction as a negative record on the person's file (the payload keeps only the masked ID)."""
    spec = catalog_of(policy, on).sanctions
    sanction = policy.enum_labels("professional_sanction").get(body.sanction_type.strip())
    if sanction is None:
        raise Invalid(f"未知的惩戒类型：{body.sanction_type}", code="professions.bad_sanction")
    if body.decided_on > on:
        raise Invalid("决定日期不能晚于今天", code="professions.future_sanction")
    dept = departments_service.acting_for(session, principal.department_id, spec.department)
    item = policy.catalog[spec.catalog_item]
    payload = _payload(person, body, sanction, category, licence_no, employer, dept.name)
    record = audited.new_record(
        session,
        policy,
        item,
        subject_id=person.id,
        department=dept,
        document_no=body.document_no,
        decided_on=body.decided_on,
        severity=spec.severity,
        payload=payload,
        actor=principal.actor,
        action="professions.sanction",
        duplicate=Conflict("该决定文号的惩戒已登记", code="professions.duplicate_sanction"),
    )
    return SanctionRead(
        record_id=record.id,
        sanction_type=sanction,
        category=category,
        document_no=body.document_no,
        decided_on=body.decided_on,
        authority=dept.name,
    )
