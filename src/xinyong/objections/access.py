"""Who may object, read an objection, see the objector's contacts, or handle it (浙江条例第三十条)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy.orm import Session

from xinyong.auth import consent
from xinyong.auth.principal import Principal, Role
from xinyong.errors import Forbidden, NotFound
from xinyong.objections.models import Objection
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord
from xinyong.subjects.models import Subject, SubjectKind


def tracking_hash(code: str) -> str:
    """Return the stored hash of a tracking code (查询码)."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def code_matches(code: str | None, obj: Objection) -> bool:
    """Tell whether ``code`` is the objection's tracking code (compared in constant time)."""
    return bool(code) and secrets.compare_digest(tracking_hash(code or ""), obj.tracking_hash)


def may_object(
    session: Session, policy: Policy, principal: Principal, record: CreditRecord, today: dt.date
) -> bool:
    """Tell whether ``principal`` may object to ``record`` (and so learn that it exists).

    The subject itself, a party holding the subject's valid authorisation (its agent) and the credit
    centre may object to any of the subject's records; everyone else, signed in or not, only to what
    the public can see.
    """
    if principal.role == Role.ADMIN:
        return True
    if principal.role == Role.SUBJECT and principal.subject_id == record.subject_id:
        return True
    if principal.role in (Role.SUBJECT, Role.BANK) and (
        consent.valid_for(session, record.subject_id, principal.institution_code, today) is not None
    ):
        return True
    return _public_record(session, policy, record)


def _public_record(session: Session, policy: Policy, record: CreditRecord) -> bool:
    """Tell whether a record is of a publicly disclosed item and not a natural person's (Zhejiang Art. 16)."""
    item = policy.catalog.get(record.catalog_item)
    subject = session.get(Subject, record.subject_id)
    natural = subject is not None and subject.kind == SubjectKind.NATURAL_PERSON
    return (
        item is not None
        and item.disclosure == "public"
        and not (natural and not policy.retention.natural_person_public)
    )


def get_objection(session: Session, objection_id: int) -> Objection:
    """Return an objection or raise ``NotFound``."""
    obj = session.get(Objection, objection_id)
    if obj is None:
        raise NotFound(f"异议 {objection_id} 不存在", code="objection.not_found")
    return obj


def check_read(principal: Principal, obj: Objection, code: str | None) -> None:
    """Let the objector (by tracking code), the subject, the handling department and the centre read."""
    if code_matches(code, obj):
        return
    if principal.role in (Role.ADMIN, Role.SUPERVISOR, Role.AUDITOR):
        return
    if principal.role == Role.SUBJECT and principal.subject_id == obj.subject_id:
        return
    if principal.role in (Role.OFFICER, Role.SYSTEM) and principal.department_id == obj.department_id:
        return
    if principal.role != Role.PUBLIC and principal.actor == obj.objector_actor:
        return
    raise Forbidden("无权查看该异议（公众请提供查询码）", code="objection.forbidden")


def _handles(principal: Principal, obj: Objection) -> bool:
    """Tell whether the caller is the handling department (the source department; the centre for 复核)."""
    return (
        principal.role in (Role.OFFICER, Role.SYSTEM)
        and obj.department_id is not None
        and principal.department_id == obj.department_id
    )


def may_see_contacts(principal: Principal, obj: Objection) -> bool:
    """Tell whether the caller may see the objector's contact details: the handling department or the centre."""
    return principal.role == Role.ADMIN or _handles(principal, obj)


def check_desk_read(principal: Principal, obj: Objection) -> None:
    """Let an officer open at the case desk only the objections its department handles (the centre and
    supervisors read every case)."""
    if principal.works_for_one_department:
        check_handler(principal, obj)


def check_handler(principal: Principal, obj: Objection) -> None:
    """Let only the handling department (the source department; the credit centre for 复核) act."""
    if principal.role == Role.ADMIN or _handles(principal, obj):
        return
    raise Forbidden("该异议由信息提供部门核查办理", code="objection.wrong_department")
