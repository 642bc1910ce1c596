"""Console work queues: repair and objection cases of a department, with deadlines and actions."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from xinyong.app_deps import AppRuntime, DbSession, get_runtime
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, Role, can
from xinyong.db import utcnow
from xinyong.errors import Conflict, Forbidden, Invalid
from xinyong.objections import service as objections_service
from xinyong.objections.states import OBJECTION
from xinyong.records.service import get_record
from xinyong.repair import documents, monitoring
from xinyong.repair import service as repair_service
from xinyong.repair.states import REPAIR
from xinyong.repair.workflows import workflows
from xinyong.runtime import Runtime
from xinyong.subjects import names as subject_names
from xinyong.subjects import scope
from xinyong.subjects.service import Subject
from xinyong.web import csrf, permissions
from xinyong.web.templating import render

router = APIRouter(prefix="/console")
queue_reader = require(Role.OFFICER, Role.ADMIN, Role.SUPERVISOR)
handler = require(permissions.CASE_HANDLE)
NOT_CONFIRMED = "请勾选确认：决定作出后不可撤销"


def _mode_label(runtime: Runtime, mode: str | None) -> str:
    modes = workflows(runtime.policy).repair.modes
    rules = next((r for code, r in modes.items() if code == mode), None)
    return rules.label if rules else "—"


def _confirmed(action: str, confirmed: bool) -> None:
    """Refuse an irreversible decision the officer did not confirm on the page."""
    if action == "decide" and not confirmed:
        raise Invalid(NOT_CONFIRMED, code="decision.not_confirmed")


def _decorate(session: Session, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add the record's document number and the subject's name."""
    records = {i["record_id"]: get_record(session, i["record_id"]) for i in items}
    subject_ids = {r.subject_id for r in records.values()}
    names = subject_names.names_of(session, subject_ids)
    out = []
    for i in items:
        r = records[i["record_id"]]
        out.append({**i, "document_no": r.document_no, "subject": names.get(r.subject_id, "—")})
    return out


@router.get("/queue", response_class=HTMLResponse)
def work_queue(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(queue_reader),
) -> HTMLResponse:
    """Show the open repair and objection cases, overdue first, then by due date."""
    today = runtime.today()
    department_id = principal.limited_to_department
    queue = monitoring.work_queue(session, runtime.policy, department_id=department_id, today=today)
    items = _decorate(session, queue["items"])
    return render(
        request,
        "console/queue.html",
        {"title": "修复与异议待办", "section": "queue", "queue": queue, "items": items},
    )


@router.get("/repairs/{case_id}", response_class=HTMLResponse)
def repair_case(
    request: Request,
    case_id: int,
    session: DbSession,
    principal: Principal = Depends(queue_reader),
    error: str | None = None,
) -> HTMLResponse:
    """Show a repair case with its eligibility, materials and the department's actions."""
    case = repair_service.get_case(session, case_id)
    repair_service.check_case_read(principal, case)
    scope.authorise_read(
        session,
        get_runtime(request).policy,
        principal,
        case.subject_id,
        what="repair_case",
        on=get_runtime(request).today(),
        owner_department_id=case.department_id,
    )
    due, waiting = monitoring.repair_due_on(case)
    record = get_record(session, case.record_id)
    return render(
        request,
        "console/repair_case.html",
        {
            "title": f"修复申请 {case.id} · 办理",
            "section": "queue",
            "case": case,
            "record": record,
            "subject": session.get(Subject, case.subject_id),
            "due": due,
            "waiting": waiting,
            "label": REPAIR.labels[case.state],
            "allowed": REPAIR.allowed(case.state) if can(principal, permissions.CASE_HANDLE) else (),
            "overdue": monitoring.is_overdue(due, get_runtime(request).today(), waiting=waiting),
            "mode_label": _mode_label(get_runtime(request), case.mode),
            "materials": repair_service.materials(session, case.id),
            "previewable": {
                t.media_type
                for t in workflows(get_runtime(request).policy).repair.material_types
                if t.preview
            },
            "papers": documents.case_papers(get_runtime(request).policy, case, record),
            "error": error,
        },
    )


@router.post("/repairs/{case_id}/{action}", response_model=None, dependencies=[Depends(csrf.verify)])
def repair_action(
    request: Request,
    case_id: int,
    action: Literal["accept", "request-materials", "decide"],
    session: DbSession,
    runtime: AppRuntime,
    outcome: Annotated[Literal["approved", "rejected"] | None, Form()] = None,
    reason: Annotated[str, Form(max_length=1000)] = "",
    confirmed: Annotated[bool, Form()] = False,
    principal: Principal = Depends(handler),
) -> HTMLResponse | RedirectResponse:
    """Accept, ask for materials (补正) or decide a repair case (a decision must be confirmed)."""
    today, now = runtime.today(), utcnow()
    try:
        _confirmed(action, confirmed)
        if action == "accept":
            repair_service.accept_repair(session, runtime.policy, principal, case_id, now=now, today=today)
        elif action == "request-materials":
            repair_service.request_materials(
                session, runtime.policy, principal, case_id, note=reason, today=today
            )
        else:
            if outcome is None:
                raise Invalid("请选择准予或不予修复", code="repair.bad_outcome")
            repair_service.decide_repair(
                session,
                runtime.policy,
                principal,
                case_id,
                outcome=outcome,
                reason=reason,
                now=now,
                today=today,
            )
    except (Invalid, Conflict, Forbidden) as exc:
        session.rollback()
        return repair_case(request, case_id, principal=principal, session=session, error=exc.message)
    return RedirectResponse(f"/console/repairs/{case_id}", status_code=303)


@router.get("/objections/{objection_id}", response_class=HTMLResponse)
def objection_case(
    request: Request,
    objection_id: int,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(queue_reader),
    error: str | None = None,
) -> HTMLResponse:
    """Show an objection with its deadline and the department's actions."""
    obj = objections_service.get_objection(session, objection_id)
    objections_service.check_desk_read(principal, obj)
    scope.authorise_read(
        session,
        runtime.policy,
        principal,
        obj.subject_id,
        what="objection_contact",
        on=runtime.today(),
        owner_department_id=obj.department_id,
    )
    rules = workflows(runtime.policy).objection
    due = objections_service.due_on(obj)
    return render(
        request,
        "console/objection_case.html",
        {
            "title": f"异议 {obj.id} · 办理",
            "section": "queue",
            "obj": obj,
            "record": get_record(session, obj.record_id),
            "subject": session.get(Subject, obj.subject_id),
            "due": due,
            "label": OBJECTION.labels[obj.state],
            "allowed": OBJECTION.allowed(obj.state) if can(principal, permissions.CASE_HANDLE) else (),
            "overdue": monitoring.is_overdue(
                due, runtime.today(), waiting="department" if obj.state in OBJECTION.pending else "none"
            ),
            "ground": rules.ground_label(obj.ground),
            "outcome": rules.outcome_label(obj.outcome) if obj.outcome else None,
            # a correction or supplement needs the corrected values: the page decides only the others
            "outcomes": [o for o in rules.outcomes if o.code not in objections_service.NEW_VERSION_OUTCOMES],
            "error": error,
        },
    )


@router.post("/objections/{objection_id}/{action}", response_model=None, dependencies=[Depends(csrf.verify)])
def objection_action(
    request: Request,
    objection_id: int,
    action: Literal["accept", "decide"],
    session: DbSession,
    runtime: AppRuntime,
    outcome: Annotated[str, Form()] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
    confirmed: Annotated[bool, Form()] = False,
    principal: Principal = Depends(handler),
) -> HTMLResponse | RedirectResponse:
    """Accept or decide an objection (outcomes that change the record need the API's changes)."""
    today, now = runtime.today(), utcnow()
    try:
        _confirmed(action, confirmed)
        if action == "accept":
            objections_service.accept_objection(
                session, runtime.policy, principal, objection_id, now=now, today=today
            )
        else:
            objections_service.decide_objection(
                session,
                runtime.policy,
                principal,
                objection_id,
                outcome=outcome,
                reason=reason,
                changes=None,
                now=now,
                today=today,
            )
    except (Invalid, Conflict, Forbidden) as exc:
        session.rollback()
        return objection_case(
            request, objection_id, principal=principal, session=session, runtime=runtime, error=exc.message
        )
    return RedirectResponse(f"/console/objections/{objection_id}", status_code=303)
