"""Filing an objection, or a 复核 of a rejected one: each a case on its own acceptance clock."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth.principal import Principal, Role
from xinyong.clock import due
from xinyong.departments.models import Department
from xinyong.errors import Conflict, Forbidden, Invalid, NotFound
from xinyong.objections.access import code_matches, get_objection, may_object, tracking_hash
from xinyong.objections.marks import mark, open_on_record
from xinyong.objections.models import Objection
from xinyong.objections.workflow import objection_rules
from xinyong.policy.loader import Policy
from xinyong.records.events import current_version, get_record
from xinyong.records.models import RecordEventKind
from xinyong.records.service import serious_list_items


def _file(
    session: Session,
    policy: Policy,
    principal: Principal,
    fields: dict[str, Any],
    *,
    opened: dict[str, Any],
    now: dt.datetime,
    today: dt.date,
) -> tuple[Objection, str]:
    """Create a case with a fresh tracking code; mark the record 异议中 unless another case already did."""
    code = secrets.token_urlsafe(12)
    obj = Objection(
        **fields,
        state="submitted",
        objector_role=principal.role.value,
        objector_actor=principal.actor,
        tracking_hash=tracking_hash(code),
        submitted_at=now,
        submitted_on=today,
        accept_due_on=due(policy.calendar, today, objection_rules(policy).accept_workdays),
        policy_hash=policy.hash,
    )
    session.add(obj)
    session.flush()
    if open_on_record(session, obj.record_key, exclude=obj.id) == 0:
        mark(
            session,
            obj,
            RecordEventKind.OBJECTION_OPENED,
            today,
            principal.actor,
            {"objection_id": obj.id, **opened},
        )
    return obj, code


def _check_filing(
    policy: Policy, ground: str, description: str, contact_name: str, contact: str | None
) -> None:
    """Refuse an unknown ground, an empty description or a filing without a way to answer it."""
    rules = objection_rules(policy)
    if rules.ground_label(ground) is None:
        known = "、".join(f"{g.code}（{g.label}）" for g in rules.grounds)
        raise Invalid(f"异议理由须为：{known}", code="objection.bad_ground")
    if not description.strip():
        raise Invalid("请说明异议的具体内容", code="objection.description_required")
    if not contact_name.strip() or not contact:
        raise Invalid("请留下联系人姓名及电话或电子邮箱，以便告知处理结果", code="objection.contact_required")


def submit_objection(
    session: Session,
    policy: Policy,
    principal: Principal,
    *,
    record_id: int,
    ground: str,
    description: str,
    contact_name: str,
    contact_phone: str | None,
    contact_email: str | None,
    now: dt.datetime,
    today: dt.date,
) -> tuple[Objection, str]:
    """File an objection; mark the record 异议中 at once; return the case and its tracking code."""
    _check_filing(policy, ground, description, contact_name, contact_phone or contact_email)
    record = current_version(session, get_record(session, record_id))
    if not may_object(session, policy, principal, record, today):
        # one may object only to what one can see; the same answer as a record that does not exist
        raise NotFound(f"信用记录 {record_id} 不存在", code="record.not_found")
    if ground == "wrongly_listed" and record.catalog_item not in serious_list_items(policy):
        raise Invalid("该记录不是严重失信名单信息", code="objection.not_a_list")
    fields = {
        "stage": "first",
        "record_id": record.id,
        "record_key": record.record_key,
        "subject_id": record.subject_id,
        "department_id": record.department_id,
        "ground": ground,
        "description": description.strip(),
        "contact_name": contact_name.strip()[:100],
        "contact_phone": contact_phone,
        "contact_email": contact_email,
    }
    obj, code = _file(session, policy, principal, fields, opened={"ground": ground}, now=now, today=today)
    audit.append(
        session,
        actor=principal.actor,
        action="objection.submit",
        object_type="objection",
        object_id=obj.id,
        detail={"record_id": record.id, "ground": ground, "stage": "first"},
    )
    return obj, code


def _check_review(
    session: Session, principal: Principal, first: Objection, code: str | None, today: dt.date
) -> None:
    """Refuse a 复核 by anyone but the subject or the objector, of a case not rejected, late or repeated."""
    by_subject = principal.role == Role.SUBJECT and principal.subject_id == first.subject_id
    if not (by_subject or code_matches(code, first)):
        raise Forbidden("只有信用主体或异议申请人可以申请复核", code="objection.forbidden")
    if first.stage != "first" or first.state != "rejected":
        raise Conflict("只有被驳回的异议可以申请复核", code="objection.review_not_allowed")
    if first.review_due_on is not None and today > first.review_due_on:
        raise Conflict(
            f"申请复核的期限已于 {first.review_due_on} 届满", code="objection.review_window_passed"
        )
    if session.scalar(select(Objection.id).where(Objection.review_of_id == first.id)) is not None:
        raise Conflict("该异议已申请过复核", code="objection.review_exists")


def request_review(
    session: Session,
    policy: Policy,
    principal: Principal,
    objection_id: int,
    *,
    reason: str,
    code: str | None,
    now: dt.datetime,
    today: dt.date,
) -> tuple[Objection, str]:
    """Ask for 复核 of a rejected objection (the subject, or the objector by tracking code)."""
    first = get_objection(session, objection_id)
    _check_review(session, principal, first, code, today)
    if not reason.strip():
        raise Invalid("请说明申请复核的理由", code="objection.description_required")
    department = objection_rules(policy).review_department
    fields = {
        "stage": "review",
        "review_of_id": first.id,
        "record_id": first.record_id,
        "record_key": first.record_key,
        "subject_id": first.subject_id,
        "department_id": (
            session.scalar(select(Department.id).where(Department.code == department)) if department else None
        ),
        "ground": first.ground,
        "description": reason.strip(),
        "contact_name": first.contact_name,
        "contact_phone": first.contact_phone,
        "contact_email": first.contact_email,
    }
    opened = {"stage": "review", "review_of_id": first.id}
    review, new_code = _file(session, policy, principal, fields, opened=opened, now=now, today=today)
    audit.append(
        session,
        actor=principal.actor,
        action="objection.review",
        object_type="objection",
        object_id=review.id,
        detail={"review_of_id": first.id},
    )
    return review, new_code
