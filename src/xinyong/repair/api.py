"""Repair endpoints (/api/v1): eligibility, applications with materials, department actions, notices, KPIs."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi import Path as FastAPIPath
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from sqlalchemy import select

from xinyong.auth.principal import Role
from xinyong.casework.deps import Act, acting
from xinyong.errors import Forbidden, Invalid, NotFound
from xinyong.kit.dates import InputDate
from xinyong.repair import monitoring, notices, queries, service, storage
from xinyong.repair.models import RepairCase, RepairMaterial
from xinyong.repair.schemas import (
    Decision,
    Kpis,
    MaterialsRequest,
    RepairCaseRead,
    RepairEligibility,
    RepairNoticeRead,
    WorkQueue,
)
from xinyong.repair.views import APPLICANTS, HANDLERS, READERS, iso, show, uploads
from xinyong.repair.workflows import workflows

DbId = Annotated[int, FastAPIPath(ge=1, le=2**63 - 1)]

router = APIRouter(prefix="/api/v1", tags=["信用修复"])

Reader = Annotated[Act, Depends(acting(*READERS))]
Applicant = Annotated[Act, Depends(acting(*APPLICANTS))]
Handler = Annotated[Act, Depends(acting(*HANDLERS))]
Overseer = Annotated[Act, Depends(acting(*HANDLERS, Role.SUPERVISOR))]
KpiReader = Annotated[Act, Depends(acting(Role.ADMIN, Role.SUPERVISOR, Role.AUDITOR, Role.OFFICER))]


@router.get("/records/{record_id}/repair-eligibility", summary="查询记录能否申请信用修复（含最早可申请日期）")
def repair_eligibility(
    record_id: DbId,
    act: Reader,
    on: InputDate | None = Query(default=None, description="按该日期判断（默认今天）"),
) -> RepairEligibility:
    """Explain whether a record may be repaired, and from when."""
    record, verdict = service.eligibility_for(act.session, act.policy, record_id, on or act.clock.today)
    act.authorise_read(record.subject_id, record.department_id, "repair_eligibility")
    return RepairEligibility(record_id=record.id, **service.eligibility_dict(verdict))


@router.post("/repairs", status_code=201, summary="提交信用修复申请（multipart，可附材料）")
async def submit(
    act: Applicant,
    record_id: Annotated[int, Form(ge=1, le=2**63 - 1)],
    obligations_fulfilled: Annotated[bool, Form(description="已履行法定义务、纠正失信行为")],
    commitment_accepted: Annotated[bool, Form(description="在线签署信用修复承诺书")] = False,
    statement: Annotated[str | None, Form(max_length=4000)] = None,
    applicant_name: Annotated[str | None, Form(max_length=100)] = None,
    agent_name: Annotated[str | None, Form(max_length=100)] = None,
    contact_phone: Annotated[str | None, Form(max_length=32)] = None,
    files: Annotated[list[UploadFile], File(description="材料文件")] = [],  # noqa: B006 - FastAPI default
    kinds: Annotated[list[str], Form(description="与 files 一一对应的材料类型")] = [],  # noqa: B006
) -> RepairCaseRead:
    """File an application; the case goes to the department that made the finding."""
    statement, applicant_name, agent_name, contact_phone = (
        v.replace("\x00", "") if v else v for v in (statement, applicant_name, agent_name, contact_phone)
    )
    settings = act.runtime.settings
    case = service.submit_repair(
        act.session,
        act.policy,
        act.principal,
        record_id=record_id,
        obligations_fulfilled=obligations_fulfilled,
        commitment_accepted=commitment_accepted,
        uploads=await uploads(files, kinds, settings.upload_max_bytes),
        now=act.clock.now,
        today=act.clock.today,
        var_dir=settings.var_dir,
        max_bytes=settings.upload_max_bytes,
        statement=statement,
        applicant_name=applicant_name,
        agent_name=agent_name,
        contact_phone=contact_phone,
    )
    return show(act, case)


@router.get("/repairs", summary="修复申请列表（主体看本主体，部门看本部门）")
def list_cases(
    act: Reader,
    state: str | None = None,
    overdue: bool = False,
    limit: int = Query(default=100, ge=1, le=500),
) -> list[RepairCaseRead]:
    """List cases the caller may see."""
    q = select(RepairCase)
    if act.principal.role == Role.SUBJECT:
        q = q.where(RepairCase.subject_id == act.principal.subject_id)
    elif act.principal.role in (Role.OFFICER, Role.SYSTEM):
        q = q.where(RepairCase.department_id == act.principal.department_id)
    if state:
        q = q.where(RepairCase.state == state)
    out = [show(act, c) for c in act.session.scalars(q.order_by(RepairCase.id.desc()).limit(limit))]
    return [c for c in out if c.overdue] if overdue else out


@router.get("/repairs/{case_id}", summary="查看修复申请及办理进度")
def get(case_id: DbId, act: Reader) -> RepairCaseRead:
    """Return one case."""
    case = service.get_case(act.session, case_id)
    service.check_case_read(act.principal, case)
    act.authorise_read(case.subject_id, case.department_id, "repair_case")
    return show(act, case)


@router.get(
    "/repairs/{case_id}/materials/{material_id}",
    summary="下载材料（校验哈希；以附件下发）",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "材料文件"}},
)
def material(
    case_id: DbId,
    material_id: DbId,
    act: Reader,
    preview: bool = Query(default=False, description="图片材料的内嵌预览（仅 JPEG/PNG）"),
) -> Response:
    """Return a stored material as an attachment (or an image preview), after checking its hash.

    The served type is judged again from the stored bytes: a row written before formats were checked
    cannot make the browser render HTML or SVG. ``nosniff``, a CSP that allows nothing and runs in a
    sandbox, and ``Content-Disposition: attachment`` keep a hostile file inert even if opened directly.
    """
    case = service.get_case(act.session, case_id)
    service.check_case_read(act.principal, case)
    row = act.session.get(RepairMaterial, material_id)
    if row is None or row.repair_id != case.id:
        raise NotFound("材料不存在", code="repair.material_not_found")
    act.authorise_read(case.subject_id, case.department_id, "repair_material")
    data = storage.read(act.runtime.settings.var_dir, row.stored_path, row.sha256)
    kind = workflows(act.policy).repair.material_type(storage.sniff(data))
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
def accept(case_id: DbId, act: Handler) -> RepairCaseRead:
    """Accept a case and start the decision clock."""
    clock = act.clock
    return show(
        act,
        service.accept_repair(
            act.session, act.policy, act.principal, case_id, now=clock.now, today=clock.today
        ),
    )


@router.post("/repairs/{case_id}/request-materials", summary="一次性告知补正材料（补正）")
def request_materials(case_id: DbId, body: MaterialsRequest, act: Handler) -> RepairCaseRead:
    """Ask the applicant for more materials."""
    today = act.clock.today
    return show(
        act,
        service.request_materials(
            act.session, act.policy, act.principal, case_id, note=body.note, today=today
        ),
    )


@router.post("/repairs/{case_id}/materials", summary="补充上传材料")
async def add_materials(
    case_id: DbId,
    act: Applicant,
    files: Annotated[list[UploadFile], File()],
    kinds: Annotated[list[str], Form()],
) -> RepairCaseRead:
    """Upload materials; a case waiting for 补正 returns to acceptance."""
    settings = act.runtime.settings
    case = service.supplement(
        act.session,
        act.policy,
        act.principal,
        case_id,
        uploads=await uploads(files, kinds, settings.upload_max_bytes),
        today=act.clock.today,
        var_dir=settings.var_dir,
        max_bytes=settings.upload_max_bytes,
    )
    return show(act, case)


@router.post("/repairs/{case_id}/decide", summary="作出修复决定（准予/不予）")
def decide(case_id: DbId, body: Decision, act: Handler) -> RepairCaseRead:
    """Approve (takes effect at once everywhere) or reject."""
    decided = service.decide_repair(
        act.session,
        act.policy,
        act.principal,
        case_id,
        outcome=body.outcome,
        reason=body.reason,
        now=act.clock.now,
        today=act.clock.today,
    )
    return show(act, decided)


@router.post("/repairs/{case_id}/withdraw", summary="撤回申请")
def withdraw(case_id: DbId, act: Applicant) -> RepairCaseRead:
    """Withdraw one's own application."""
    return show(act, service.withdraw(act.session, act.principal, case_id, today=act.clock.today))


@router.get(
    "/records/{record_id}/repair-notice",
    summary="信用修复告知书（两书同达）",
    response_model=RepairNoticeRead,
    responses={
        200: {"content": {"text/plain": {}, "text/html": {}}, "description": "告知书（format 决定格式）"}
    },
)
def repair_notice(
    record_id: DbId, act: Reader, format: Literal["json", "text", "html"] = "json"
) -> RepairNoticeRead | Response:
    """Return the repair notice of a penalty or listing record."""
    record = queries.current_version(act.session, queries.get_record(act.session, record_id))
    act.authorise_read(record.subject_id, record.department_id, "repair_notice")
    notice = notices.notice_for(act.session, act.policy, record_id, actor=act.principal.actor)
    if format == "text":
        return PlainTextResponse(notice.text)
    if format == "html":
        return HTMLResponse(notice.html)
    return RepairNoticeRead(
        record_id=notice.record_id,
        regime_id=notice.regime_id,
        earliest_repair_on=iso(notice.earliest_repair_on),
        publication_end_on=iso(notice.publication_end_on),
        sha256=notice.sha256,
        created_at=iso(notice.created_at),
        text=notice.text,
    )


@router.get(
    "/workqueue",
    summary="部门待办（修复与异议，含超期）",
    response_model=WorkQueue,
    response_model_exclude_unset=True,  # a repair item has no stage/ground, an objection item no mode
)
def workqueue(
    act: Overseer, department_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None
) -> dict[str, Any]:
    """Return the open cases of the caller's department (admins and supervisors may pick one or see all)."""
    if act.principal.role in (Role.OFFICER, Role.SYSTEM):
        if department_id not in (None, act.principal.department_id):
            raise Forbidden("只能查看本部门的待办", code="repair.forbidden")
        department_id = act.principal.department_id
    return monitoring.work_queue(act.session, act.policy, department_id=department_id, today=act.clock.today)


@router.get("/kpis/repair-objection", summary="信用修复效率与异议处理占比", response_model=Kpis)
def kpis(
    act: KpiReader,
    start: InputDate | None = Query(default=None, alias="from"),
    end: InputDate | None = Query(default=None, alias="to"),
) -> dict[str, Any]:
    """Return the KPIs for a period (default: the current year up to today)."""
    end = end or act.clock.today
    start = start or dt.date(end.year, 1, 1)
    if start > end:
        raise Invalid("起始日期不能晚于截止日期", code="kpi.bad_period")
    return monitoring.kpis(act.session, act.policy, start=start, end=end, today=act.clock.today)
