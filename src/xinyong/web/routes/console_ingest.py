"""Console: the ingestion dashboard (batches, rejects, quality KPIs) and the 未关联 review queue."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.audit import service as audit
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, can
from xinyong.departments import service as departments_service
from xinyong.errors import Forbidden
from xinyong.ingest import service as ingest_service
from xinyong.ingest import uploads
from xinyong.web import console_data, csrf, permissions
from xinyong.web.labels import labels
from xinyong.web.templating import render

router = APIRouter(prefix="/console")
ingest_reader = require(permissions.INGEST_READ)
reviewer = require(permissions.INGEST_REVIEW)
KPI_LABELS = {
    "intake_rate": "入库率",
    "link_rate": "关联率",
    "timely_rate": "及时率",
    "complete_rate": "完整率",
}


def _department(principal: Principal) -> int | None:
    """Return the department an officer is limited to (an officer bound to none sees nothing)."""
    if not principal.works_for_one_department:
        return None
    if principal.department_id is None:
        raise Forbidden("当前账号未绑定部门", code="ingest.no_department")
    return principal.department_id


def department_code(session: Session, principal: Principal) -> str | None:
    """Return the code of the department an officer is limited to (``None``: the credit centre)."""
    dept_id = _department(principal)
    return departments_service.by_id(session, dept_id).code if dept_id else None


@router.get("/ingest", response_class=HTMLResponse)
def ingest_dashboard(
    request: Request,
    session: DbSession,
    period: str | None = Query(None, pattern=r"^\d{4}(-\d{2})?$"),
    principal: Principal = Depends(ingest_reader),
) -> HTMLResponse:
    """Show the recent batches at once; the quality KPIs (the slow part) load after the page."""
    return render(
        request,
        "console/ingest.html",
        {
            "title": "归集批次与质量",
            "section": "ingest",
            "batches": uploads.department_batches(session, _department(principal)),
            "may_upload": can(principal, permissions.INGEST_UPLOAD),
            "may_review": can(principal, permissions.INGEST_REVIEW),
            "period": period or "",
        },
    )


@router.get("/ingest/quality", response_class=HTMLResponse)
def ingest_quality(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    period: str | None = Query(None, pattern=r"^\d{4}(-\d{2})?$"),
    principal: Principal = Depends(ingest_reader),
) -> HTMLResponse:
    """Render the quality KPIs with their chart (loaded by the ingest page after it shows)."""
    code = department_code(session, principal)
    report = ingest_service.quality_report(
        session, runtime.policy, period=period or None, department_code=code
    )
    rows = report["departments"][-20:]
    names = labels(runtime.policy).department
    charts = {"chart-quality": console_data.rates("归集质量指标", rows, KPI_LABELS, names)} if rows else {}
    return render(
        request,
        "console/_ingest_quality.html",
        {"report": report, "charts": charts, "kpi_labels": KPI_LABELS},
    )


@router.get("/ingest/batches/{batch_id}/rejects")
def download_rejects(
    batch_id: int,
    session: DbSession,
    runtime: AppRuntime,
    fmt: Literal["csv", "xlsx"] = "csv",
    principal: Principal = Depends(ingest_reader),
) -> Response:
    """Hand a department its rejected rows back, in its own columns with an error column in Chinese."""
    uploads.batch_of_department(session, batch_id, _department(principal))
    with tempfile.TemporaryDirectory() as tmp:
        count, path = ingest_service.export_rejects(
            session, runtime.keys, batch_id, Path(tmp) / f"rejects-{batch_id}.{fmt}"
        )
        body = path.read_bytes()
    audit.append(  # rejected rows carry the feed's personal data as sent: every download is audited
        session,
        actor=principal.actor,
        action="ingest.rejects_read",
        object_type="ingest_batch",
        object_id=batch_id,
        detail={"rows": count, "format": fmt},
    )
    media = (
        "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return Response(
        body,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="rejects-{batch_id}.{fmt}"',
            "X-Reject-Count": str(count),
        },
    )


@router.get("/unresolved", response_class=HTMLResponse)
def unresolved(
    request: Request,
    session: DbSession,
    status: Literal["pending", "linked"] = "pending",
    principal: Principal = Depends(reviewer),
) -> HTMLResponse:
    """Show the 未关联 queue: rows no subject was found for, with ranked candidates and explanations."""
    rows = [
        ingest_service.unresolved_dict(r)
        for r in ingest_service.list_unresolved(
            session, department_id=_department(principal), status=status, limit=100
        )
    ]
    return render(
        request,
        "console/unresolved.html",
        {
            "title": "未关联记录审核",
            "section": "unresolved",
            "rows": rows,
            "status": status,
            "tabs": ingest_service.UNRESOLVED_STATUS_LABELS,
        },
    )


@router.post("/unresolved/{row_id}/decisions", response_model=None, dependencies=[Depends(csrf.verify)])
def decide(
    request: Request,
    row_id: int,
    subject_id: Annotated[int, Form()],
    same: Annotated[bool, Form()],
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(reviewer),
) -> HTMLResponse | RedirectResponse:
    """Record a same / not-same decision (reused for later rows) and link the row when same."""
    ingest_service.decide_unresolved(
        session,
        runtime.policy,
        row_id,
        subject_id=subject_id,
        same=same,
        actor=principal.actor,
        department_id=_department(principal),
    )
    if request.headers.get("hx-request"):
        row = ingest_service.unresolved_dict(
            ingest_service.get_unresolved(session, row_id, department_id=_department(principal))
        )
        return render(request, "console/_unresolved_row.html", {"row": row})
    return RedirectResponse("/console/unresolved", status_code=303)
