"""Objection endpoints (/api/v1/objections): anyone files, the source department verifies and decides."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi import Path as FastAPIPath
from pydantic import BaseModel, Field, model_validator

from xinyong.app_deps import DbSession, get_runtime
from xinyong.auth.deps import current_principal, require
from xinyong.auth.principal import Principal, Role
from xinyong.kit.workdays import WorkdayCalendar
from xinyong.objections import service
from xinyong.objections.models import Objection
from xinyong.repair.clock import deadline_marks
from xinyong.repair.deps import Clock, get_clock
from xinyong.repair.states import OBJECTION
from xinyong.runtime import Runtime
from xinyong.subjects import scope

DbId = Annotated[int, FastAPIPath(ge=1, le=2**63 - 1)]

router = APIRouter(prefix="/api/v1/objections", tags=["异议处理"])
HANDLERS = (Role.OFFICER, Role.SYSTEM, Role.ADMIN)
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
ClockDep = Annotated[Clock, Depends(get_clock)]


def _d(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def objection_out(
    obj: Objection, today: dt.date, calendar: WorkdayCalendar | None = None, *, contacts: bool
) -> dict[str, Any]:
    """Return an objection as the API shows it (暂定 deadlines marked; contact details only to handlers)."""
    due = service.due_on(obj)
    marks = (
        deadline_marks(
            calendar,
            accept_due_on=obj.accept_due_on,
            decide_due_on=obj.decide_due_on,
            review_due_on=obj.review_due_on,
            due_on=due,
        )
        if calendar is not None
        else {}
    )
    out: dict[str, Any] = {
        **marks,
        "id": obj.id,
        "stage": obj.stage,
        "review_of_id": obj.review_of_id,
        "record_id": obj.record_id,
        "department_id": obj.department_id,
        "ground": obj.ground,
        "description": obj.description,
        "state": obj.state,
        "state_label": OBJECTION.labels[obj.state],
        "allowed_actions": OBJECTION.allowed(obj.state),
        "submitted_at": _d(obj.submitted_at),
        "accept_due_on": _d(obj.accept_due_on),
        "accepted_on": _d(obj.accepted_on),
        "decide_due_on": _d(obj.decide_due_on),
        "extended_workdays": obj.extended_workdays,
        "extension_reason": obj.extension_reason,
        "extension_approved_by": obj.extension_approved_by,
        "outcome": obj.outcome,
        "decision_reason": obj.decision_reason,
        "new_record_id": obj.new_record_id,
        "decided_on": _d(obj.decided_on),
        "review_due_on": _d(obj.review_due_on),
        "due_on": _d(due),
        "overdue": OBJECTION.is_open(obj.state) and due is not None and due < today,
    }
    if contacts:
        out["contact"] = {"name": obj.contact_name, "phone": obj.contact_phone, "email": obj.contact_email}
    return out


def _no_nul(value: Any) -> Any:
    """Drop NUL characters (PostgreSQL text cannot hold them) from strings, recursively."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_no_nul(k): _no_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_nul(v) for v in value]
    return value


class Clean(BaseModel):
    """A request body whose strings carry no NUL characters."""

    @model_validator(mode="before")
    @classmethod
    def _strip_nul(cls, data: Any) -> Any:
        return _no_nul(data)


class ObjectionCreate(Clean):
    """An objection: the record, the ground and how to reach the objector."""

    record_id: int = Field(ge=1, le=2**63 - 1)
    ground: str = Field(description="wrong / incomplete / past_retention / wrongly_listed")
    description: str = Field(min_length=1, max_length=4000)
    contact_name: str = Field(min_length=1, max_length=100)
    contact_phone: str | None = Field(default=None, max_length=32)
    contact_email: str | None = Field(default=None, max_length=200)


@router.post("", status_code=201, summary="提出异议（公众亦可，须留联系方式）")
def submit(
    body: ObjectionCreate,
    session: DbSession,
    runtime: RuntimeDep,
    clock: ClockDep,
    principal: Principal = Depends(current_principal),
) -> dict[str, Any]:
    """File an objection; the record shows 异议中 at once. The tracking code is shown only here."""
    obj, code = service.submit_objection(
        session,
        runtime.policy,
        principal,
        record_id=body.record_id,
        ground=body.ground,
        description=body.description,
        contact_name=body.contact_name,
        contact_phone=body.contact_phone,
        contact_email=body.contact_email,
        now=clock.now,
        today=clock.today,
    )
    return {**objection_out(obj, clock.today, clock.calendar, contacts=True), "tracking_code": code}


@router.get("", summary="异议列表（部门看本部门）")
def list_(
    session: DbSession,
    clock: ClockDep,
    principal: Principal = Depends(require(*HANDLERS, Role.SUPERVISOR, Role.AUDITOR, Role.SUBJECT)),
    open_only: bool = False,
    limit: int = Query(default=100, ge=1, le=500),
) -> list[dict[str, Any]]:
    """List objections the caller may see."""
    dept = principal.department_id if principal.role in (Role.OFFICER, Role.SYSTEM) else None
    if principal.role in (Role.OFFICER, Role.SYSTEM) and dept is None:
        return []  # a department caller bound to no department handles nothing (not: sees everything)
    subject = principal.subject_id if principal.role == Role.SUBJECT else None
    rows = service.list_objections(
        session, department_id=dept, subject_id=subject, open_only=open_only, limit=limit
    )
    return [
        objection_out(o, clock.today, clock.calendar, contacts=service.may_see_contacts(principal, o))
        for o in rows
    ]


@router.get("/{objection_id}", summary="查看异议（公众凭查询码）")
def get(
    objection_id: DbId,
    session: DbSession,
    runtime: RuntimeDep,
    clock: ClockDep,
    principal: Principal = Depends(current_principal),
    code: str | None = Query(default=None, max_length=64, description="提交时获得的查询码"),
) -> dict[str, Any]:
    """Return one objection."""
    obj = service.get_objection(session, objection_id)
    service.check_read(principal, obj, code)
    contacts = service.may_see_contacts(principal, obj)
    if contacts:
        scope.authorise_read(
            session,
            runtime.policy,
            principal,
            obj.subject_id,
            what="objection_contact",
            on=clock.today,
            owner_department_id=obj.department_id,
        )
    return objection_out(obj, clock.today, clock.calendar, contacts=contacts)


@router.post("/{objection_id}/accept", summary="受理异议（信息提供部门）")
def accept(
    objection_id: DbId,
    session: DbSession,
    runtime: RuntimeDep,
    clock: ClockDep,
    principal: Principal = Depends(require(*HANDLERS)),
) -> dict[str, Any]:
    """Accept and start the clock (5 working days)."""
    obj = service.accept_objection(
        session, runtime.policy, principal, objection_id, now=clock.now, today=clock.today
    )
    return objection_out(obj, clock.today, clock.calendar, contacts=True)


class Extension(Clean):
    """An extension approved by the department head."""

    workdays: int = Field(ge=1, le=60)
    reason: str = Field(min_length=1, max_length=1000)
    approved_by: str = Field(min_length=1, max_length=100, description="批准延长的负责人")


@router.post("/{objection_id}/extend", summary="经负责人批准延长处理期限（合计不超过 20 个工作日）")
def extend(
    objection_id: DbId,
    body: Extension,
    session: DbSession,
    runtime: RuntimeDep,
    clock: ClockDep,
    principal: Principal = Depends(require(*HANDLERS)),
) -> dict[str, Any]:
    """Extend a complex case."""
    obj = service.extend_objection(
        session,
        runtime.policy,
        principal,
        objection_id,
        workdays=body.workdays,
        reason=body.reason,
        approved_by=body.approved_by,
    )
    return objection_out(obj, clock.today, clock.calendar, contacts=True)


class ObjectionDecision(Clean):
    """The outcome of verification, with its reason (and the new values for a correction)."""

    outcome: str = Field(
        description="delete / correct / supplement / stop_disclosure / remove_from_list / reject"
    )
    reason: str = Field(min_length=1, max_length=1000)
    changes: dict[str, Any] | None = Field(default=None, description="更正/补充：目录项字段 → 新值")


@router.post("/{objection_id}/decide", summary="作出异议处理决定")
def decide(
    objection_id: DbId,
    body: ObjectionDecision,
    session: DbSession,
    runtime: RuntimeDep,
    clock: ClockDep,
    principal: Principal = Depends(require(*HANDLERS)),
) -> dict[str, Any]:
    """Decide; the record changes by events or a new version, and past recipients are told."""
    obj = service.decide_objection(
        session,
        runtime.policy,
        principal,
        objection_id,
        outcome=body.outcome,
        reason=body.reason,
        changes=body.changes,
        now=clock.now,
        today=clock.today,
    )
    return objection_out(obj, clock.today, clock.calendar, contacts=True)


class ReviewRequest(Clean):
    """A request for 复核 after a rejection."""

    reason: str = Field(min_length=1, max_length=4000)
    code: str | None = Field(default=None, description="原异议的查询码（非主体本人申请时）")


@router.post("/{objection_id}/review", status_code=201, summary="驳回后申请复核")
def review(
    objection_id: DbId,
    body: ReviewRequest,
    session: DbSession,
    runtime: RuntimeDep,
    clock: ClockDep,
    principal: Principal = Depends(current_principal),
) -> dict[str, Any]:
    """Open a review case on its own clock."""
    obj, code = service.request_review(
        session,
        runtime.policy,
        principal,
        objection_id,
        reason=body.reason,
        code=body.code,
        now=clock.now,
        today=clock.today,
    )
    return {**objection_out(obj, clock.today, clock.calendar, contacts=True), "tracking_code": code}
