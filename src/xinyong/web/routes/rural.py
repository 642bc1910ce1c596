"""Rural credit pages: a member's own household file, the console's results and household files, and the
public 信用村（社区）list. All through ``rural.service``; the household file is authorised and logged there."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, Role
from xinyong.rural import service as rural_service
from xinyong.web.templating import render

router = APIRouter()
HOUSEHOLD = "household"  # the unit whose rows link to /console/rural/households/{id}
console_user = require(Role.OFFICER, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR)


@router.get("/me/household", response_class=HTMLResponse)
def my_household(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(require(Role.SUBJECT)),
) -> HTMLResponse:
    """Show the signed-in person their own household's file, if they are a member of one."""
    file = rural_service.my_household(session, runtime.policy, principal, on=runtime.today())
    return render(
        request, "rural/me_household.html", {"title": "我的农户", "section": "household", "file": file}
    )


@router.get("/console/rural", response_class=HTMLResponse)
def console_results(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(console_user),
    period: str | None = Query(default=None, pattern=r"^20\d{2}$"),
    unit: str = Query(default="village", pattern=r"^(household|village|township|county)$"),
) -> HTMLResponse:
    """Show one level's results of the latest run of a period, with a reason per criterion."""
    page = rural_service.results_for(session, runtime.policy, principal, period=period, unit=unit)
    return render(
        request,
        "rural/console.html",
        {
            "title": "信用村与信用户",
            "section": "rural",
            "page": page,
            "units": rural_service.visible_units(principal),
            "unit": unit,
            "detail_pages": unit == HOUSEHOLD,  # a household's result has a page of its own
        },
    )


@router.get("/console/rural/households/{household_id}", response_class=HTMLResponse)
def console_household(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    household_id: int,
    principal: Principal = Depends(console_user),
) -> HTMLResponse:
    """Show a household's file to an officer in scope (the read is logged for the household's members)."""
    file = rural_service.household_file(session, runtime.policy, principal, household_id, on=runtime.today())
    return render(
        request, "rural/console_household.html", {"title": "农户信用档案", "section": "rural", "file": file}
    )


@router.get("/credit-villages", response_class=HTMLResponse)
def credit_villages(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    period: str | None = Query(default=None, pattern=r"^20\d{2}$"),
) -> HTMLResponse:
    """Show the published 信用村（社区）list of a period (no household: only counts per village)."""
    published = rural_service.published_villages(session, runtime.policy, period)
    return render(
        request, "rural/credit_villages.html", {"title": "信用村（社区）公示", "published": published}
    )
