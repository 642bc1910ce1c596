"""Console: the check (核查) log and, per department, feedback compliance."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, Role
from xinyong.sanctions import service as check_service
from xinyong.web import console_data
from xinyong.web.templating import render

router = APIRouter(prefix="/console")
monitor = require(Role.OFFICER, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR)


@router.get("/checks", response_class=HTMLResponse)
def checks(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(monitor),
) -> HTMLResponse:
    """Show the check log and, per department, hits, feedback given and feedback overdue."""
    dept_id = principal.limited_to_department
    on = runtime.today()
    rows = check_service.compliance(session, on, department_id=dept_id)
    chart_rows = [(r["department_name"] or r["department"] or "—", r["hits"]) for r in rows]
    charts = (
        {"chart-check-hits": console_data.bar("各部门核查命中", chart_rows, horizontal=True)} if rows else {}
    )
    return render(
        request,
        "console/checks.html",
        {
            "title": "核查记录与反馈",
            "section": "checks",
            "rows": rows,
            "logs": check_service.recent_checks(session, department_id=dept_id),
            "charts": charts,
            "as_of": on,
        },
    )
