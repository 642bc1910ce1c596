"""Console page of 职业人群 and 公务员: the profession catalog, licences with their derived status, civil
servants' posts (each person read logged) and, for the credit centre, coverage per government body."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from xinyong.agencies import service as professions_service
from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, Role, can
from xinyong.web import permissions
from xinyong.web.templating import render

router = APIRouter()
readers = require(Role.ADMIN, Role.OFFICER, Role.SUPERVISOR, Role.AUDITOR)


@router.get("/console/professions", response_class=HTMLResponse)
def professions_page(
    request: Request, session: DbSession, runtime: AppRuntime, principal: Principal = Depends(readers)
) -> HTMLResponse:
    """Show the catalog, the licences and civil servants the caller may read, and coverage for the centre."""
    today = runtime.today()
    policy = runtime.policy
    context = {
        "title": "职业人群与公务员信用档案",
        "section": "professions",
        "professions": professions_service.professions(policy, today),
        "licences": professions_service.licences(session, policy, principal, on=today),
        "servants": professions_service.civil_servants(session, policy, principal, on=today),
        "coverage": professions_service.coverage(session, policy, on=today)
        if can(principal, permissions.PROFESSION_COVERAGE)
        else None,
    }
    return render(request, "console/professions.html", context)
