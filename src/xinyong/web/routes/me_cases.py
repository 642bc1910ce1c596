"""A subject's repair applications (信用修复) and objections (异议): forms and status tracking."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.principal import Principal
from xinyong.db import utcnow
from xinyong.errors import Conflict, Invalid
from xinyong.objections import service as objections_service
from xinyong.objections.states import OBJECTION
from xinyong.records.service import get_record
from xinyong.repair import documents, monitoring, offers
from xinyong.repair import service as repair_service
from xinyong.repair.states import REPAIR
from xinyong.repair.workflows import workflows
from xinyong.runtime import Runtime
from xinyong.web import csrf
from xinyong.web.routes.me import own_subject, subject_user
from xinyong.web.templating import render

router = APIRouter(prefix="/me")


def _record_title(session: Session, record_id: int) -> str:
    record = get_record(session, record_id)
    return f"{record.document_no or record.record_key}（{record.decision_on or '—'}）"


@router.get("/repairs", response_class=HTMLResponse)
def my_repairs(
    request: Request,
    session: DbSession,
    principal: Principal = Depends(subject_user),
) -> HTMLResponse:
    """List the subject's repair applications with their state and deadlines."""
    subject = own_subject(session, principal)
    cases = offers.cases_of(session, subject.id)
    rows = [(c, *monitoring.repair_due_on(c), _record_title(session, c.record_id)) for c in cases]
    return render(
        request,
        "me/repairs.html",
        {
            "title": "我的信用修复",
            "section": "repairs",
            "rows": rows,
            "labels": REPAIR.labels,
            "waiting_labels": monitoring.WAITING_LABELS,
        },
    )


@router.get("/repairs/new", response_class=HTMLResponse)
def new_repair(
    request: Request,
    record_id: int,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(subject_user),
    error: str | None = None,
) -> HTMLResponse:
    """Explain whether the record may be repaired, and offer the application form."""
    record, verdict = repair_service.eligibility_for(session, runtime.policy, record_id, runtime.today())
    repair_service.check_record_access(principal, record)
    wf = workflows(runtime.policy).repair
    mode = wf.modes.get(verdict.mode) if verdict.mode else None
    pending = offers.open_case_id(session, record.record_key)
    return render(
        request,
        "me/repair_new.html",
        {
            "title": "申请信用修复",
            "section": "repairs",
            "record": record,
            "item": runtime.policy.catalog.get(record.catalog_item),
            "verdict": verdict,
            "mode": mode,
            "may_file": offers.may_file(verdict) and pending is None,
            "pending": pending,
            "proof_label": offers.proof_label(verdict),
            "commitment_text": wf.commitment_text,
            "papers": documents.record_papers(runtime.policy, record),
            "error": error,
        },
    )


@router.post("/repairs", response_model=None, dependencies=[Depends(csrf.verify)])
async def submit_repair(
    request: Request,
    record_id: Annotated[int, Form()],
    session: DbSession,
    runtime: AppRuntime,
    obligations_fulfilled: Annotated[bool, Form()] = False,
    commitment_accepted: Annotated[bool, Form()] = False,
    statement: Annotated[str | None, Form(max_length=4000)] = None,
    contact_phone: Annotated[str | None, Form(max_length=32)] = None,
    performance_proof: Annotated[UploadFile | None, File()] = None,
    other: Annotated[UploadFile | None, File()] = None,
    principal: Principal = Depends(subject_user),
) -> HTMLResponse | RedirectResponse:
    """File the application with its materials; show the reasons if it is refused."""
    uploads = []
    for kind, up in (("performance_proof", performance_proof), ("other", other)):
        if up is not None and up.filename:
            body = await up.read(runtime.settings.upload_max_bytes + 1)
            if body:
                uploads.append(repair_service.Upload(kind, up.filename, up.content_type, body))
    try:
        case = repair_service.submit_repair(
            session,
            runtime.policy,
            principal,
            record_id=record_id,
            obligations_fulfilled=obligations_fulfilled,
            commitment_accepted=commitment_accepted,
            uploads=uploads,
            now=utcnow(),
            today=runtime.today(),
            var_dir=runtime.settings.var_dir,
            max_bytes=runtime.settings.upload_max_bytes,
            statement=statement or None,
            contact_phone=contact_phone or None,
        )
    except (Invalid, Conflict) as exc:
        return new_repair(
            request, record_id, principal=principal, session=session, runtime=runtime, error=exc.message
        )
    return RedirectResponse(f"/me/repairs/{case.id}", status_code=303)


@router.get("/repairs/{case_id}", response_class=HTMLResponse)
def repair_status(
    request: Request,
    case_id: int,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(subject_user),
) -> HTMLResponse:
    """Track one application: its state, deadlines, materials and the decision."""
    case = repair_service.get_case(session, case_id)
    repair_service.check_case_read(principal, case)
    due, waiting = monitoring.repair_due_on(case)
    return render(
        request,
        "me/repair_status.html",
        {
            "title": f"修复申请 {case.id}",
            "section": "repairs",
            "case": case,
            "due": due,
            "waiting": waiting,
            "waiting_labels": monitoring.WAITING_LABELS,
            "label": REPAIR.labels[case.state],
            "materials": repair_service.materials(session, case.id),
            "record_title": _record_title(session, case.record_id),
            "papers": documents.case_papers(runtime.policy, case, get_record(session, case.record_id)),
        },
    )


@router.get("/objections", response_class=HTMLResponse)
def my_objections(
    request: Request,
    session: DbSession,
    principal: Principal = Depends(subject_user),
) -> HTMLResponse:
    """List the subject's objections with their state and deadlines."""
    subject = own_subject(session, principal)
    rows = [
        (o, objections_service.due_on(o), _record_title(session, o.record_id))
        for o in objections_service.list_objections(session, subject_id=subject.id)
    ]
    return render(
        request,
        "me/objections.html",
        {"title": "我的异议", "section": "objections", "rows": rows, "labels": OBJECTION.labels},
    )


@router.get("/objections/new", response_class=HTMLResponse)
def new_objection(
    request: Request,
    record_id: int,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(subject_user),
) -> HTMLResponse:
    """Offer the objection form for one of the subject's records."""
    return _objection_form(request, session, runtime, principal, record_id)


def _objection_form(
    request: Request,
    session: Session,
    runtime: Runtime,
    principal: Principal,
    record_id: int,
    error: str | None = None,
    sent: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render the objection form, after an error refilled with what was sent."""
    record = get_record(session, record_id)
    repair_service.check_record_access(principal, record)
    return render(
        request,
        "me/objection_new.html",
        {
            "title": "提出异议",
            "section": "objections",
            "record": record,
            "item": runtime.policy.catalog.get(record.catalog_item),
            "grounds": workflows(runtime.policy).objection.grounds,
            "error": error,
            "form": sent or {},
        },
    )


@router.post("/objections", response_model=None, dependencies=[Depends(csrf.verify)])
def submit_objection(
    request: Request,
    record_id: Annotated[int, Form()],
    ground: Annotated[str, Form()],
    description: Annotated[str, Form(max_length=4000)],
    contact_name: Annotated[str, Form(max_length=100)],
    session: DbSession,
    runtime: AppRuntime,
    contact_phone: Annotated[str | None, Form(max_length=32)] = None,
    contact_email: Annotated[str | None, Form(max_length=200)] = None,
    principal: Principal = Depends(subject_user),
) -> HTMLResponse | RedirectResponse:
    """File an objection; the record shows 异议中 at once."""
    record = get_record(session, record_id)
    repair_service.check_record_access(principal, record)
    try:
        objections_service.submit_objection(
            session,
            runtime.policy,
            principal,
            record_id=record_id,
            ground=ground,
            description=description,
            contact_name=contact_name,
            contact_phone=contact_phone or None,
            contact_email=contact_email or None,
            now=utcnow(),
            today=runtime.today(),
        )
    except (Invalid, Conflict) as exc:
        sent = {
            "ground": ground,
            "description": description,
            "contact_name": contact_name,
            "contact_phone": contact_phone or "",
            "contact_email": contact_email or "",
        }
        return _objection_form(request, session, runtime, principal, record_id, exc.message, sent)
    return RedirectResponse("/me/objections", status_code=303)
