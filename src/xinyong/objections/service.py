"""Objection use cases (异议处理, 《浙江省公共信用信息管理条例》第三十、三十一条); the caller commits.

Anyone may object to what the public can see (with contact details); the subject, its authorised agent and
the credit centre to any of its records. The record is marked 异议中 at once by an
``objection_opened`` event; the source department verifies within 5 working days of acceptance,
extendable with a director's approval to 20 in total. Outcomes change the record only by events or a new
version: delete → ``deleted``; correct / supplement → a new ``credit_record`` version superseding the old;
stop disclosure → ``disclosure_stopped``; remove from the list → ``list_removed``; reject → nothing. After a
rejection the subject may ask for 复核 (a new case, stage ``review``, on its own clock).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth import consent
from xinyong.auth.principal import Principal, Role
from xinyong.departments.models import Department
from xinyong.errors import Conflict, Forbidden, Invalid, NotFound
from xinyong.kit.workdays import recomputed
from xinyong.objections.models import Objection
from xinyong.objections.queries import decided_between, due_on, filed_between, list_objections
from xinyong.objections.versions import new_version
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord, RecordEventKind
from xinyong.repair import effects
from xinyong.repair.clock import due
from xinyong.repair.service import current_version, get_record
from xinyong.repair.states import OBJECTION
from xinyong.repair.workflows import ObjectionWorkflow, workflows
from xinyong.subjects.models import Subject, SubjectKind

__all__ = [
    "decided_between",
    "due_on",
    "filed_between",
    "list_objections",
    "new_version",
]

OUTCOME_EVENTS = {
    "delete": RecordEventKind.DELETED,
    "stop_disclosure": RecordEventKind.DISCLOSURE_STOPPED,
    "remove_from_list": RecordEventKind.LIST_REMOVED,
}
NEW_VERSION_OUTCOMES = ("correct", "supplement")


def tracking_hash(code: str) -> str:
    """Return the stored hash of a tracking code (查询码)."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def _rules(policy: Policy) -> ObjectionWorkflow:
    return workflows(policy).objection


def _open_on_record(session: Session, record_key: str, exclude: int | None = None) -> int:
    q = (
        select(func.count())
        .select_from(Objection)
        .where(Objection.record_key == record_key, Objection.state.in_(OBJECTION.pending))
    )
    if exclude is not None:
        q = q.where(Objection.id != exclude)
    return int(session.scalar(q) or 0)


def _mark(
    session: Session, obj: Objection, kind: str, today: dt.date, actor: str, detail: dict[str, Any]
) -> None:
    effects.append_event(
        session,
        record_id=obj.record_id,
        kind=kind,
        effective_on=today,
        source_type="objection",
        source_id=obj.id,
        reason=obj.decision_reason if kind != RecordEventKind.OBJECTION_OPENED else obj.description[:500],
        actor=actor,
        detail=detail,
    )


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
    rules = _rules(policy)
    if rules.ground_label(ground) is None:
        known = "、".join(f"{g.code}（{g.label}）" for g in rules.grounds)
        raise Invalid(f"异议理由须为：{known}", code="objection.bad_ground")
    if not description.strip():
        raise Invalid("请说明异议的具体内容", code="objection.description_required")
    if not contact_name.strip() or not (contact_phone or contact_email):
        raise Invalid("请留下联系人姓名及电话或电子邮箱，以便告知处理结果", code="objection.contact_required")
    record = current_version(session, get_record(session, record_id))
    if not _may_object(session, policy, principal, record, today):
        # one may object only to what one can see; the same answer as a record that does not exist
        raise NotFound(f"信用记录 {record_id} 不存在", code="record.not_found")
    if ground == "wrongly_listed" and record.catalog_item not in workflows(policy).repair.serious_list_items:
        raise Invalid("该记录不是严重失信名单信息", code="objection.not_a_list")
    code = secrets.token_urlsafe(12)
    obj = Objection(
        stage="first",
        record_id=record.id,
        record_key=record.record_key,
        subject_id=record.subject_id,
        department_id=record.department_id,
        ground=ground,
        description=description.strip(),
        state="submitted",
        objector_role=principal.role.value,
        objector_actor=principal.actor,
        contact_name=contact_name.strip()[:100],
        contact_phone=contact_phone,
        contact_email=contact_email,
        tracking_hash=tracking_hash(code),
        submitted_at=now,
        submitted_on=today,
        accept_due_on=due(policy.calendar, today, rules.accept_workdays),
        policy_hash=policy.hash,
    )
    session.add(obj)
    session.flush()
    if _open_on_record(session, record.record_key, exclude=obj.id) == 0:
        _mark(
            session,
            obj,
            RecordEventKind.OBJECTION_OPENED,
            today,
            principal.actor,
            {"objection_id": obj.id, "ground": ground},
        )
    audit.append(
        session,
        actor=principal.actor,
        action="objection.submit",
        object_type="objection",
        object_id=obj.id,
        detail={"record_id": record.id, "ground": ground, "stage": "first"},
    )
    return obj, code


def _may_object(
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
    if code and secrets.compare_digest(tracking_hash(code), obj.tracking_hash):
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


def may_see_contacts(principal: Principal, obj: Objection) -> bool:
    """Tell whether the caller may see the objector's contact details: the handling department or the centre."""
    if principal.role == Role.ADMIN:
        return True
    return (
        principal.role in (Role.OFFICER, Role.SYSTEM)
        and obj.department_id is not None
        and principal.department_id == obj.department_id
    )


def check_handler(principal: Principal, obj: Objection) -> None:
    """Let only the handling department (the source department; the credit centre for 复核) act."""
    if principal.role == Role.ADMIN:
        return
    if (
        principal.role in (Role.OFFICER, Role.SYSTEM)
        and obj.department_id is not None
        and principal.department_id == obj.department_id
    ):
        return
    raise Forbidden("该异议由信息提供部门核查办理", code="objection.wrong_department")


def _limits(rules: ObjectionWorkflow, obj: Objection) -> tuple[int, int]:
    if obj.stage == "review":
        return rules.review_decide_workdays, rules.review_max_workdays
    return rules.decide_workdays, rules.max_workdays


def _transition(session: Session, obj: Objection, action: str, actor: str, detail: dict[str, Any]) -> None:
    before = obj.state
    obj.state = OBJECTION.next(obj.state, action)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action=f"objection.{action}",
        object_type="objection",
        object_id=obj.id,
        detail={"from": before, "to": obj.state, "stage": obj.stage, **detail},
    )


def accept_objection(
    session: Session,
    policy: Policy,
    principal: Principal,
    objection_id: int,
    *,
    now: dt.datetime,
    today: dt.date,
) -> Objection:
    """Accept (受理) and start the 5-working-day clock."""
    obj = get_objection(session, objection_id)
    check_handler(principal, obj)
    OBJECTION.next(obj.state, "accept")
    days, _ = _limits(_rules(policy), obj)
    obj.accepted_on, obj.accepted_at = today, now
    obj.decide_due_on = due(policy.calendar, today, days)
    _transition(session, obj, "accept", principal.actor, {"decide_due_on": obj.decide_due_on.isoformat()})
    return obj


def extend_objection(
    session: Session,
    policy: Policy,
    principal: Principal,
    objection_id: int,
    *,
    workdays: int,
    reason: str,
    approved_by: str,
) -> Objection:
    """Extend a complex case with a director's approval, up to the total the policy allows (20)."""
    obj = get_objection(session, objection_id)
    check_handler(principal, obj)
    OBJECTION.next(obj.state, "extend")
    if not reason.strip() or not approved_by.strip():
        raise Invalid("延长须写明理由和批准的负责人", code="objection.extension_incomplete")
    days, cap = _limits(_rules(policy), obj)
    total = days + obj.extended_workdays + workdays
    if workdays < 1 or total > cap:
        raise Invalid(
            f"延长后的处理期限合计不得超过 {cap} 个工作日（当前 {days + obj.extended_workdays} 个）",
            code="objection.extension_too_long",
        )
    assert obj.accepted_on is not None  # noqa: S101 - accepted cases have a date (state checked above)
    obj.extended_workdays += workdays
    obj.extension_reason = reason.strip()[:1000]
    obj.extension_approved_by = approved_by.strip()[:100]
    obj.decide_due_on = due(policy.calendar, obj.accepted_on, total)
    _transition(
        session,
        obj,
        "extend",
        principal.actor,
        {
            "workdays": workdays,
            "approved_by": obj.extension_approved_by,
            "decide_due_on": obj.decide_due_on.isoformat(),
        },
    )
    return obj


def decide_objection(
    session: Session,
    policy: Policy,
    principal: Principal,
    objection_id: int,
    *,
    outcome: str,
    reason: str,
    changes: dict[str, Any] | None,
    now: dt.datetime,
    today: dt.date,
) -> Objection:
    """Record the outcome with its reason and apply it to the record."""
    rules = _rules(policy)
    obj = get_objection(session, objection_id)
    check_handler(principal, obj)
    if rules.outcome_label(outcome) is None:
        raise Invalid(
            "处理结果须为：" + "、".join(o.code for o in rules.outcomes), code="objection.bad_outcome"
        )
    if not reason.strip():
        raise Invalid("请写明处理理由", code="objection.reason_required")
    action = "reject" if outcome == "reject" else "resolve"
    OBJECTION.next(obj.state, action)
    record = current_version(session, get_record(session, obj.record_id))
    if (
        outcome == "remove_from_list"
        and record.catalog_item not in workflows(policy).repair.serious_list_items
    ):
        raise Invalid("该记录不是严重失信名单信息，不能移出名单", code="objection.not_a_list")
    obj.outcome, obj.decision_reason = outcome, reason.strip()[:1000]
    obj.decided_on, obj.decided_at, obj.decided_by = today, now, principal.actor
    kinds: list[str] = []
    if outcome in NEW_VERSION_OUTCOMES:
        new = new_version(session, policy, record, changes or {}, now=now)
        obj.new_record_id = new.id
        obj.decision_detail = {"changes": changes}
        kinds.append("new_version")
    elif outcome in OUTCOME_EVENTS:
        kinds.append(OUTCOME_EVENTS[outcome])
        effects.append_event(
            session,
            record_id=record.id,
            kind=OUTCOME_EVENTS[outcome],
            effective_on=today,
            source_type="objection",
            source_id=obj.id,
            reason=obj.decision_reason,
            actor=principal.actor,
            detail={"outcome": outcome},
        )
    if outcome == "reject" and obj.stage == "first":
        obj.review_due_on = due(policy.calendar, today, rules.review_window_workdays)
    _transition(session, obj, action, principal.actor, {"outcome": outcome, "reason": obj.decision_reason})
    if _open_on_record(session, obj.record_key) == 0:
        _mark(
            session,
            obj,
            RecordEventKind.OBJECTION_CLOSED,
            today,
            principal.actor,
            {"outcome": outcome, "objection_id": obj.id, "new_record_id": obj.new_record_id},
        )
    if kinds:
        effects.record_changed(
            session,
            policy,
            effects.RecordChange(
                record_id=record.id,
                record_key=obj.record_key,
                subject_id=obj.subject_id,
                kinds=tuple(kinds),
                effective_on=today,
                source_type="objection",
                source_id=obj.id,
                reason=obj.decision_reason,
                actor=principal.actor,
                new_record_id=obj.new_record_id,
                detail={"outcome": outcome},
            ),
            now=now,
        )
    return obj


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
    by_subject = principal.role == Role.SUBJECT and principal.subject_id == first.subject_id
    by_code = bool(code) and secrets.compare_digest(tracking_hash(code or ""), first.tracking_hash)
    if not (by_subject or by_code):
        raise Forbidden("只有信用主体或异议申请人可以申请复核", code="objection.forbidden")
    if first.stage != "first" or first.state != "rejected":
        raise Conflict("只有被驳回的异议可以申请复核", code="objection.review_not_allowed")
    if first.review_due_on is not None and today > first.review_due_on:
        raise Conflict(
            f"申请复核的期限已于 {first.review_due_on} 届满", code="objection.review_window_passed"
        )
    if session.scalar(select(Objection.id).where(Objection.review_of_id == first.id)) is not None:
        raise Conflict("该异议已申请过复核", code="objection.review_exists")
    if not reason.strip():
        raise Invalid("请说明申请复核的理由", code="objection.description_required")
    rules = _rules(policy)
    dept_id = None
    if rules.review_department:
        dept_id = session.scalar(select(Department.id).where(Department.code == rules.review_department))
    new_code = secrets.token_urlsafe(12)
    review = Objection(
        stage="review",
        review_of_id=first.id,
        record_id=first.record_id,
        record_key=first.record_key,
        subject_id=first.subject_id,
        department_id=dept_id,
        ground=first.ground,
        description=reason.strip(),
        state="submitted",
        objector_role=principal.role.value,
        objector_actor=principal.actor,
        contact_name=first.contact_name,
        contact_phone=first.contact_phone,
        contact_email=first.contact_email,
        tracking_hash=tracking_hash(new_code),
        submitted_at=now,
        submitted_on=today,
        accept_due_on=due(policy.calendar, today, rules.accept_workdays),
        policy_hash=policy.hash,
    )
    session.add(review)
    session.flush()
    if _open_on_record(session, first.record_key, exclude=review.id) == 0:
        _mark(
            session,
            review,
            RecordEventKind.OBJECTION_OPENED,
            today,
            principal.actor,
            {"objection_id": review.id, "stage": "review", "review_of_id": first.id},
        )
    audit.append(
        session,
        actor=principal.actor,
        action="objection.review",
        object_type="objection",
        object_id=review.id,
        detail={"review_of_id": first.id},
    )
    return review, new_code


def refresh_deadlines(session: Session, policy: Policy, *, actor: str, today: dt.date) -> int:
    """Recompute the running clocks of objections on the current calendar; return how many moved.

    Run by ``xinyong policy sync``: a deadline first computed on the provisional calendar is set right
    once the official schedule of its year is in ``policy/calendar/``. Passed deadlines stay as they were.
    """
    rules = _rules(policy)
    moved = 0
    rows = session.scalars(
        select(Objection).where(
            Objection.state.in_(OBJECTION.pending) | (Objection.review_due_on >= today),
        )
    ).all()
    for obj in rows:
        changes: dict[str, str] = {}
        if obj.state == "submitted" and obj.accept_due_on and obj.accept_due_on >= today:
            new = recomputed(policy.calendar, obj.submitted_on, rules.accept_workdays, obj.accept_due_on)
            if new is not None:
                obj.accept_due_on, changes["accept_due_on"] = new, new.isoformat()
        if obj.state == "accepted" and obj.accepted_on and obj.decide_due_on and obj.decide_due_on >= today:
            days, _cap = _limits(rules, obj)
            new = recomputed(
                policy.calendar, obj.accepted_on, days + obj.extended_workdays, obj.decide_due_on
            )
            if new is not None:
                obj.decide_due_on, changes["decide_due_on"] = new, new.isoformat()
        if obj.decided_on and obj.review_due_on and obj.review_due_on >= today:
            new = recomputed(policy.calendar, obj.decided_on, rules.review_window_workdays, obj.review_due_on)
            if new is not None:
                obj.review_due_on, changes["review_due_on"] = new, new.isoformat()
        if changes:
            moved += 1
            audit.append(
                session,
                actor=actor,
                action="objection.deadline_recomputed",
                object_type="objection",
                object_id=obj.id,
                detail={**changes, "policy_hash": policy.hash},
            )
    session.flush()
    return moved
