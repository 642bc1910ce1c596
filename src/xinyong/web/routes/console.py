"""Admin console (管理后台) for department officers, supervisors, the credit centre and auditors."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.access import access_policy
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal
from xinyong.departments import service as departments_service
from xinyong.errors import Invalid
from xinyong.ingest import service as ingest_service
from xinyong.web import console_data, data, permissions
from xinyong.web.templating import render

router = APIRouter(prefix="/console")
console_user = require(permissions.CONSOLE)


@router.get("", response_class=HTMLResponse)
def dashboard(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(console_user),
) -> HTMLResponse:
    """Show the ingestion dashboard: what each department sent, by item and month, and the batches."""
    dept_id = principal.limited_to_department
    summary = ingest_service.intake(session, runtime.policy, today=runtime.today(), department_id=dept_id)
    department = departments_service.by_ids(session, [dept_id]).get(dept_id) if dept_id else None
    charts = {
        "chart-by-dept": console_data.bar("各部门归集记录数", summary.by_department, horizontal=True),
        "chart-by-item": console_data.bar("按信息类别", summary.by_item),
        "chart-by-month": console_data.line("按月归集量", summary.by_month),
    }
    return render(
        request,
        "console/dashboard.html",
        {
            "title": "归集概览",
            "section": "dashboard",
            "summary": summary,
            "charts": charts,
            "department": department,
            "calendar_warning": runtime.policy.calendar.schedule_warning(runtime.today()),
        },
    )


@router.get("/subjects", response_class=HTMLResponse)
def subject_lookup(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    q: str = "",
    principal: Principal = Depends(console_user),
) -> HTMLResponse:
    """Find a subject for the government view."""
    error = None
    try:
        results = data.search(session, runtime.keys, runtime.policy, principal, q, on=runtime.today())
    except Invalid as exc:
        results, error = None, exc.message
    return render(
        request,
        "console/subjects.html",
        {"title": "主体档案", "section": "subjects", "q": q, "results": results, "error": error},
    )


@router.get("/subjects/{code}", response_class=HTMLResponse)
def subject_government_view(
    request: Request,
    code: str,
    session: DbSession,
    runtime: AppRuntime,
    purpose: str | None = None,
    principal: Principal = Depends(console_user),
) -> HTMLResponse:
    """Show a subject's file for government use: with a duty purpose, non-public items, versions and events.

    Officers name the duty scenario they read for (浙江条例第二十一条); the read is logged by the credit
    file service. Without a purpose they see the public view.
    """
    file, sections = data.credit_file_of(
        session,
        runtime.keys,
        runtime.policy,
        principal,
        code,
        on=runtime.today(),
        purpose=purpose or None,
    )
    return render(
        request,
        "console/subject.html",
        {
            "title": f"{file.basics.name} · 政务视图",
            "section": "subjects",
            "file": file,
            "sections": sections,
            "code": code,
            "purpose": purpose or "",
            "scenarios": access_policy(runtime.policy).duty_scenarios,
        },
    )
