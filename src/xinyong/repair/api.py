"""Repair endpoints (/api/v1): eligibility, applications with materials, department actions, notices, KPIs."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi import Path as FastAPIPath
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.app_deps import DbSession, get_runtime
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, Role
from xinyong.errors import Forbidden, Invalid, NotFound
from xinyong.kit.dates import InputDate
from xinyong.kit.workdays import WorkdayCalendar
from xinyong.repair import monitoring, notices, queries, service, storage
from xinyong.repair.clock import deadline_marks
from xinyong.repair.deps import Clock, get_clock
from xinyong.repair.models import RepairCase, RepairMaterial
from xinyong.repair.states import REPAIR
from xinyong.repair.workflows import workflows
from xinyong.runtime import Runtime
from xinyong.subjects import scope

DbId = Annotated[int, FastAPIPath(ge=1, le=2**63 - 1)]

router = APIRouter(prefix="/api/v1", tags=["信用修复"])

APPLICANTS = (Role.SUBJECT, Role.OFFICER, Role.ADMIN)
HANDLERS = (Role.OFFICER, Role.SYSTEM, Role.ADMIN)
READERS = (Role.SUBJECT, Role.OFFICER, Role.SYSTEM, Role.ADMIN, Role.SUPERVISOR, Role.AUDITOR)
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
ClockDep = Annotated[Clock, Depends(get_clock)]


def _d(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def case_out(
    session: Session, case: RepairCase, today: dt.date, calendar: WorkdayCalendar | None = None
) -> dict[str, Any]:
    """Return a case as the API shows it, with its deadlines (暂定 ones marked) and whether it is overdue."""
    due, waiting = monitoring.repair_due_on(case)
    marks = (
        deadline_marks(
            calendar,
            accept_due_on=case.accept_due_on,
            decide_due_on=case.decide_due_on,
            supplement_due_on=case.supplement_due_on,
            due_on=due,
        )
        if calendar is not None
        else {}
    )
    return {
        **marks,
        "id": case.id,
        "record_id": case.record_id,
        "subject_id": case.subject_id,
        "department_id": case.department_id,
        "mode": case.mode,
        "state": case.state,
        "state_label": REPAIR.labels[case.state],
        "allowed_actions": REPAIR.allowed(case.state),
        "applicant": case.applicant_actor,
        "applicant_name": case.applicant_name,
        "agent_name": case.agent_name,
        "submitted_at": _d(case.submitted_at),
        "accept_due_on": _d(case.accept_due_on),
        "accepted_on": _d(case.accepted_on),
        "decide_due_on": _d(case.decide_due_on),
        "materials_requested_on": _d(case.materials_requested_on),
        "materials_note": case.materials_note,
        "supplement_due_on": _d(case.supplement_due_on),
        "decided_on": _d(case.decided_on),
        "outcome": case.outcome,
        "decision_reason": case.decision_reason,
        "due_on": _d(due),
        "waiting_for": waiting,
        "overdue": waiting == "department" and due is not None and due < today,
        "eligibility": case.eligibility,
        "regime_id": case.regime_id,
        "policy_hash": case.policy_hash,
        "materials": [
            {
                "id": m.id,
                "kind": m.kind,
                "filename": m.filename,
                "size": m.size,
                "sha256": m.sha256,
                "content_type": m.content_type,
                "uploaded_at": _d(m.uploaded_at),
            }
            for m in service.materials(session, case.id)
        ],
    }


def _read_scope(
    session: Session,
    runtime: Runtime,
    principal: Principal,
    subject_id: int,
    department_id: int | None,
    what: str,
    clock: Clock,
) -> None:
    """Check the caller's scope for a non-public read about a subject and log it (谁查询了我)."""
    scope.authorise_read(
        session,
        runtime.policy,
        principal,
        subject_id,
        what=what,
        on=clock.today,
        owner_department_id=department_id,
    )


async def bounded_read(upload: UploadFile, cap: int) -> bytes:
    """Read an uploaded file, stopping one byte past ``cap`` (the size check then refuses it)."""
    return await upload.read(cap + 1)


async def _uploads(files: list[UploadFile], kinds: list[str], cap: int) -> list[storage.Upload]:
    if len(kinds) != len(files):
        raise Invalid(
            "每个上传文件都须对应一个材料类型（kinds 与 files 一一对应）", code="repair.kinds_mismatch"
        )
    return [
        storage.Upload(
            kind=k,
            filename=f.filename or "material",
            content_type=f.content_type,
            data=await bounded_read(f, cap),
        )
        for f, k in zip(files, kinds, strict=True)
    ]


@router.get("/records/{record_id}/repair-eligibility", summary="查询记录能否申请信用修复（含最早可申请日期）")
def repair_eligibility(
    record_id: DbId,
    session: DbSession,
    runtime: RuntimeDep,
    clock: ClockDep,
    principal: Principal = Depends(require(*READERS)),
    on: InputDate | None = Query(default=None, description="按该日期判断（默认今天）"),
) -> dict[str, Any]:
    """Explain whether a record may be repaired, and from when."""
    record, verdict = service.eligibility_for(session, runtime.policy, record_id, on or clock.today)
    _read_scope(
        session, runtime, principal, record.subject_id, record.department_id, "repair_eligibility", clock
    )
    return {"record_id": record.id, **service.eligibility_dict(verdict)}


@router.post("/repairs", status_code=201, summary="提交信用修复申请（multipart，可附材料）")
async def submit(
    session: DbSession,
    runtime: RuntimeDep,
    clock: ClockDep,
    record_id: Annotated[int, Form(ge=1, le=2**63 - 1)],
    obligations_fulfilled: Annotated[bool, Form(description="已履行法定义务、纠正失信行为")],
    commitment_accepted: Annotated[bool, Form(description="在线签署信用修复承诺书")] = False,
    statement: Annotated[str | None, Form(max_length=4000)] = None,
    applicant_name: Annotated[str | None, Form(max_length=100)] = None,
    agent_name: Annotated[str | None, Form(max_length=100)] = None,
    contact_phone: Annotated[str | None, Form(max_length=32)] = None,
    files: Annotated[list[UploadFile], File(description="材料文件")] = [],  # noqa: B006 - FastAPI default
    kinds: Annotated[list[str], Form(description="与 files 一一对应的材料类型")] = [],  # noqa: B006
    principal: Principal = Depends(require(*APPLICANTS)),
) -> dict[str, Any]:
    """File an application; the case goes to the department that made the finding."""
    statement, applicant_name, agent_name, contact_phone = (
        v.replace("\x00", "") if v else v for v in (statement, applicant_name, agent_name, contact_phone)
    )
    case = service.submit_repair(
        session,
        runtime.policy,
        principal,
        record_id=record_id,
        obligations_fulfilled=obligations_fulfilled,
        commitment_accepted=commitment_accepted,
        uploads=await _uploads(files, kinds, runtime.settings.upload_max_bytes),
        now=clock.now,
        today=clock.today,
        var_dir=runtime.settings.var_dir,
        max_bytes=runtime.settings.upload_max_bytes,
        statement=statement,
        applicant_name=applicant_name,
        agent_name=agent_name,
        contact_phone=contact_phone,
    )
    return case_out(session, case, clock.today, clock.calendar)


@router.get("/repairs", summary="修复申请列表（主体看本主体，部门看本部门）")
def list_cases(
    session: DbSession,
    clock: ClockDep,
    principal: Principal = Depends(require(*READERS)),
    state: str | None = None,
    overdue: bool = False,
    limit: int = Query(default=100, ge=1, le=500),
) -> list[dict[str, Any]]:
    """List cases the caller may see."""
    q = select(RepairCase)
    if principal.role == Role.SUBJECT:
        q = q.where(RepairCase.subject_id == principal.subject_id)
    elif principal.role in (Role.OFFICER, Role.SYSTEM):
        q = q.where(RepairCase.department_id == principal.department_id)
    if state:
        q = q.where(RepairCase.state == state)
    out = [
        case_out(session, c, clock.today, clock.calendar)
        for c in session.scalars(q.order_by(RepairCase.id.desc()).limit(limit))
    ]
    return [c for c in out if c["overdue"]] if overdue else out


@router.get("/repairs/{case_id}", summary="查看修复申请及办理进度")
def get(
    case_id: DbId,
    session: DbSession,
    runtime: RuntimeDep,
    clock: ClockDep,
    principal: Principal = Depends(require(*READERS)),
) -> dict[str, Any]:
    """Return one case."""
    case = service.get_case(session, case_id)
    service.check_case_read(principal, case)
    _read_scope(session, runtime, principal, case.subject_id, case.department_id, "repair_case", clock)
    return case_out(session, case, clock.today, clock.calendar)


@router.get("/repairs/{case_id}/materials/{material_id}", summary="下载材料（校验哈希；以附件下发）")
def material(
    case_id: DbId,
    material_id: DbId,
    session: DbSession,
    runtime: RuntimeDep,
    clock: ClockDep,
    principal: Principal = Depends(require(*READERS)),
    preview: bool = Query(default=False, description="图片材料的内嵌预览（仅 JPEG/PNG）"),
) -> Response:
    """Return a stored material as an attachment (or an image preview), after checking its hash.

    The served type is judged again from the stored bytes: a row written before formats were checked
    cannot make the browser render HTML or SVG. ``nosniff``, a CSP that allows nothing and runs in a
    sandbox, and ``Content-Disposition: attachment`` keep a hostile file inert even if opened directly.
    """
    case = service.get_case(session, case_id)
    service.check_case_read(principal, case)
    row = session.get(RepairMaterial, material_id)
    if row is None or row.repair_id != case.id:
        raise NotFound("材料不存在", code="repair.material_not_found")
    _read_scope(session, runtime, principal, case.subject_id, case.department_id, "repair_material", clock)
    data = storage.read(runtime.settings.var_dir, row.stored_path, row.sha256)
    wf = workflows(runtime.policy).repair
    kind = wf.material_type(storage.sniff(data))
    media_type: str
    if kind is not None:
        media_type = kind.media_type
    elif row.content_type == storage.GENERATED_TEXT:
        media_type = storage.GENERATED_TEXT
    else:
        media_type = "application/octet-stream"
    inline = preview and kind is not None and kind.preview
    if preview and not inline:
        raise NotFound("该材料没有可预览的图片", code="repair.no_preview")
    name = storage.download_name(row.filename, kind.extension if kind else None)
    disposition = "inline" if inline else "attachment"
    return Response(
        data,
        media_type=media_type,
        headers={
            "X-Content-SHA256": row.sha256,
            "Content-Disposition": f"{disposition}; filename=\"material-{row.id}\"; filename*=UTF-8''{quote(name)}",
            **storage.INERT_HEADERS,
        },
    )


@router.post("/repairs/{case_id}/accept", summary="受理（认定部门）")
def accept(
    case_id: DbId,
    session: DbSession,
    runtime: RuntimeDep,
    clock: ClockDep,
    principal: Principal = Depends(require(*HANDLERS)),
) -> dict[str, Any]:
    """Accept a case and start the decision clock."""
    case = service.accept_repair(
        session, runtime.policy, principal, case_id, now=clock.now, today=clock.today
    )
    return case_out(session, case, clock.today, clock.calendar)


class MaterialsRequest(BaseModel):
    """A request to supplement materials (补正), listing everything missing at once."""

    note: str = Field(min_length=1, max_length=1000, pattern=r"^[^\x00]*$")


@router.post("/repairs/{case_id}/request-materials", summary="一次性告知补正材料（补正）")
def request_materials(
    case_id: DbId,
    body: MaterialsRequest,
    session: DbSession,
    runtime: RuntimeDep,
    clock: ClockDep,
    principal: Principal = Depends(require(*HANDLERS)),
) -> dict[str, Any]:
    """Ask the applicant for more materials."""
    case = service.request_materials(
        session, runtime.policy, principal, case_id, note=body.note, today=clock.today
    )
    return case_out(session, case, clock.today, clock.calendar)


@router.post("/repairs/{case_id}/materials", summary="补充上传材料")
async def add_materials(
    case_id: DbId,
    session: DbSession,
    runtime: RuntimeDep,
    clock: ClockDep,
    files: Annotated[list[UploadFile], File()],
    kinds: Annotated[list[str], Form()],
    principal: Principal = Depends(require(*APPLICANTS)),
) -> dict[str, Any]:
    """Upload materials; a case waiting for 补正 returns to acceptance."""
    case = service.supplement(
        session,
        runtime.policy,
        principal,
        case_id,
        uploads=await _uploads(files, kinds, runtime.settings.upload_max_bytes),
        today=clock.today,
        var_dir=runtime.settings.var_dir,
        max_bytes=runtime.settings.upload_max_bytes,
    )
    return case_out(session, case, clock.today, clock.calendar)


class Decision(BaseModel):
    """A repair decision with its reason."""

    outcome: Literal["approved", "rejected"]
    reason: str = Field(min_length=1, max_length=1000, pattern=r"^[^\x00]*$")


@router.post("/repairs/{case_id}/decide", summary="作出修复决定（准予/不予）")
def decide(
    case_id: DbId,
    body: Decision,
    session: DbSession,
    runtime: RuntimeDep,
    clock: ClockDep,
    principal: Principal = Depends(require(*HANDLERS)),
) -> dict[str, Any]:
    """Approve (takes effect at once everywhere) or reject."""
    case = service.decide_repair(
        session,
        runtime.policy,
        principal,
        case_id,
        outcome=body.outcome,
        reason=body.reason,
        now=clock.now,
        today=clock.today,
    )
    return case_out(session, case, clock.today, clock.calendar)


@router.post("/repairs/{case_id}/withdraw", summary="撤回申请")
def withdraw(
    case_id: DbId, session: DbSession, clock: ClockDep, principal: Principal = Depends(require(*APPLICANTS))
) -> dict[str, Any]:
    """Withdraw one's own application."""
    case = service.withdraw(session, principal, case_id, today=clock.today)
    return case_out(session, case, clock.today, clock.calendar)


@router.get("/records/{record_id}/repair-notice", summary="信用修复告知书（两书同达）")
def repair_notice(
    record_id: DbId,
    session: DbSession,
    runtime: RuntimeDep,
    clock: ClockDep,
    principal: Principal = Depends(require(*READERS)),
    format: Literal["json", "text", "html"] = "json",
) -> Any:
    """Return the repair notice of a penalty or listing record."""
    record = queries.current_version(session, queries.get_record(session, record_id))
    _read_scope(session, runtime, principal, record.subject_id, record.department_id, "repair_notice", clock)
    notice = notices.notice_for(session, runtime.policy, record_id, actor=principal.actor)
    if format == "text":
        return PlainTextResponse(notice.text)
    if format == "html":
        return HTMLResponse(notice.html)
    return {
        "record_id": notice.record_id,
        "regime_id": notice.regime_id,
        "earliest_repair_on": _d(notice.earliest_repair_on),
        "publication_end_on": _d(notice.publication_end_on),
        "sha256": notice.sha256,
        "created_at": _d(notice.created_at),
        "text": notice.text,
    }


@router.get("/workqueue", summary="部门待办（修复与异议，含超期）")
def workqueue(
    session: DbSession,
    runtime: RuntimeDep,
    clock: ClockDep,
    principal: Principal = Depends(require(*HANDLERS, Role.SUPERVISOR)),
    department_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> dict[str, Any]:
    """Return the open cases of the caller's department (admins and supervisors may pick one or see all)."""
    if principal.role in (Role.OFFICER, Role.SYSTEM):
        if department_id not in (None, principal.department_id):
            raise Forbidden("只能查看本部门的待办", code="repair.forbidden")
        department_id = principal.department_id
    return monitoring.work_queue(session, runtime.policy, department_id=department_id, today=clock.today)


@router.get("/kpis/repair-objection", summary="信用修复效率与异议处理占比")
def kpis(
    session: DbSession,
    runtime: RuntimeDep,
    clock: ClockDep,
    principal: Principal = Depends(require(Role.ADMIN, Role.SUPERVISOR, Role.AUDITOR, Role.OFFICER)),
    start: InputDate | None = Query(default=None, alias="from"),
    end: InputDate | None = Query(default=None, alias="to"),
) -> dict[str, Any]:
    """Return the KPIs for a period (default: the current year up to today)."""
    end = end or clock.today
    start = start or dt.date(end.year, 1, 1)
    if start > end:
        raise Invalid("起始日期不能晚于截止日期", code="kpi.bad_period")
    return monitoring.kpis(session, runtime.policy, start=start, end=end, today=clock.today)
