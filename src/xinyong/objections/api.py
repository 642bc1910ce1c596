"""Objection endpoints (/api/v1/objections): anyone files, the source department verifies and decides."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi import Path as FastAPIPath

from xinyong.auth.principal import Role
from xinyong.casework.deps import Act, acting
from xinyong.casework.service import is_overdue
from xinyong.clock import deadline_marks
from xinyong.objections import service
from xinyong.objections.models import Objection
from xinyong.objections.schemas import (
    Extension,
    ObjectionContact,
    ObjectionCreate,
    ObjectionDecision,
    ObjectionFiled,
    ObjectionRead,
    ReviewRequest,
)
from xinyong.objections.states import OBJECTION

DbId = Annotated[int, FastAPIPath(ge=1, le=2**63 - 1)]

# ``contact`` appears only for those who may see it: fields left unset are left out of the answer.
router = APIRouter(prefix="/api/v1/objections", tags=["异议处理"])
HANDLERS = (Role.OFFICER, Role.SYSTEM, Role.ADMIN)
Anyone = Annotated[Act, Depends(acting(*Role))]  # the public included (an objection needs no account)
Handler = Annotated[Act, Depends(acting(*HANDLERS))]
Lister = Annotated[Act, Depends(acting(*HANDLERS, Role.SUPERVISOR, Role.AUDITOR, Role.SUBJECT))]


def objection_fields(obj: Objection, act: Act, *, contacts: bool) -> dict[str, Any]:
    """Return an objection's fields as the API shows them (暂定 deadlines marked; contacts only if allowed)."""
    due = service.due_on(obj)
    marks: dict[str, Any] = (
        deadline_marks(
            act.clock.calendar,
            accept_due_on=obj.accept_due_on,
            decide_due_on=obj.decide_due_on,
            review_due_on=obj.review_due_on,
            due_on=due,
        )
        if act.clock.calendar is not None
        else {"provisional_deadlines": [], "deadline_note": None}
    )
    iso = {
        name: value.isoformat() if value is not None else None
        for name, value in (
            ("submitted_at", obj.submitted_at),
            ("accept_due_on", obj.accept_due_on),
            ("accepted_on", obj.accepted_on),
            ("decide_due_on", obj.decide_due_on),
            ("decided_on", obj.decided_on),
            ("review_due_on", obj.review_due_on),
            ("due_on", due),
        )
    }
    contact = (
        {"contact": ObjectionContact(name=obj.contact_name, phone=obj.contact_phone, email=obj.contact_email)}
        if contacts
        else {}
    )
    return {
        **marks,
        **iso,
        "id": obj.id,
        "stage": obj.stage,
        "review_of_id": obj.review_of_id,
        "record_id": obj.record_id,
        "department_id": obj.department_id,
        "ground": obj.ground,
        "description": obj.description,
        "state": obj.state,
        "state_label": OBJECTION.labels[obj.state],
        "allowed_actions": list(OBJECTION.allowed(obj.state)),
        "extended_workdays": obj.extended_workdays,
        "extension_reason": obj.extension_reason,
        "extension_approved_by": obj.extension_approved_by,
        "outcome": obj.outcome,
        "decision_reason": obj.decision_reason,
        "new_record_id": obj.new_record_id,
        "overdue": is_overdue(
            due, act.clock.today, waiting="department" if OBJECTION.is_open(obj.state) else "none"
        ),
        **contact,
    }


def show(act: Act, obj: Objection, *, contacts: bool = True) -> ObjectionRead:
    """Return an objection as its handlers (or, without contacts, others) see it."""
    return ObjectionRead(**objection_fields(obj, act, contacts=contacts))


@router.post(
    "",
    status_code=201,
    summary="提出异议（公众亦可，须留联系方式）",
    response_model=ObjectionFiled,
    response_model_exclude_unset=True,
)
def submit(body: ObjectionCreate, act: Anyone) -> ObjectionFiled:
    """File an objection; the record shows 异议中 at once. The tracking code is shown only here."""
    obj, code = service.submit_objection(
        act.session,
        act.policy,
        act.principal,
        **body.model_dump(),
        now=act.clock.now,
        today=act.clock.today,
    )
    return ObjectionFiled(**objection_fields(obj, act, contacts=True), tracking_code=code)


@router.get(
    "",
    summary="异议列表（部门看本部门）",
    response_model=list[ObjectionRead],
    response_model_exclude_unset=True,
)
def list_(
    act: Lister, open_only: bool = False, limit: int = Query(default=100, ge=1, le=500)
) -> list[ObjectionRead]:
    """List objections the caller may see."""
    principal = act.principal
    dept = principal.department_id if principal.role in (Role.OFFICER, Role.SYSTEM) else None
    if principal.role in (Role.OFFICER, Role.SYSTEM) and dept is None:
        return []  # a department caller bound to no department handles nothing (not: sees everything)
    subject = principal.subject_id if principal.role == Role.SUBJECT else None
    rows = service.list_objections(
        act.session, department_id=dept, subject_id=subject, open_only=open_only, limit=limit
    )
    return [show(act, o, contacts=service.may_see_contacts(principal, o)) for o in rows]


@router.get(
    "/{objection_id}",
    summary="查看异议（公众凭查询码）",
    response_model=ObjectionRead,
    response_model_exclude_unset=True,
)
def get(
    objection_id: DbId,
    act: Anyone,
    code: str | None = Query(default=None, max_length=64, description="提交时获得的查询码"),
) -> ObjectionRead:
    """Return one objection."""
    obj = service.get_objection(act.session, objection_id)
    service.check_read(act.principal, obj, code)
    contacts = service.may_see_contacts(act.principal, obj)
    if contacts:
        act.authorise_read(obj.subject_id, obj.department_id, "objection_contact")
    return show(act, obj, contacts=contacts)


@router.post("/{objection_id}/accept", summary="受理异议（信息提供部门）", response_model=ObjectionRead)
def accept(objection_id: DbId, act: Handler) -> ObjectionRead:
    """Accept and start the clock (5 working days)."""
    clock = act.clock
    return show(
        act,
        service.accept_objection(
            act.session, act.policy, act.principal, objection_id, now=clock.now, today=clock.today
        ),
    )


@router.post(
    "/{objection_id}/extend",
    summary="经负责人批准延长处理期限（合计不超过 20 个工作日）",
    response_model=ObjectionRead,
)
def extend(objection_id: DbId, body: Extension, act: Handler) -> ObjectionRead:
    """Extend a complex case."""
    return show(
        act,
        service.extend_objection(act.session, act.policy, act.principal, objection_id, **body.model_dump()),
    )


@router.post("/{objection_id}/decide", summary="作出异议处理决定", response_model=ObjectionRead)
def decide(objection_id: DbId, body: ObjectionDecision, act: Handler) -> ObjectionRead:
    """Decide; the record changes by events or a new version, and past recipients are told."""
    decided = service.decide_objection(
        act.session,
        act.policy,
        act.principal,
        objection_id,
        **body.model_dump(),
        now=act.clock.now,
        today=act.clock.today,
    )
    return show(act, decided)


@router.post(
    "/{objection_id}/review", status_code=201, summary="驳回后申请复核", response_model=ObjectionFiled
)
def review(objection_id: DbId, body: ReviewRequest, act: Anyone) -> ObjectionFiled:
    """Open a review case on its own clock."""
    obj, code = service.request_review(
        act.session,
        act.policy,
        act.principal,
        objection_id,
        **body.model_dump(),
        now=act.clock.now,
        today=act.clock.today,
    )
    return ObjectionFiled(**objection_fields(obj, act, contacts=True), tracking_code=code)
