"""Console: evaluation overview — grade distribution by county and industry, and PSI against the last run."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, Role
from xinyong.errors import NotFound
from xinyong.evaluation import service as evaluation_service
from xinyong.web import console_data
from xinyong.web.templating import render

router = APIRouter(prefix="/console")
monitor = require(Role.OFFICER, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR)


@router.get("/evaluation", response_class=HTMLResponse)
def evaluation_overview(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(monitor),
) -> HTMLResponse:
    """Show the latest run's grade distribution by county and industry, and its PSI against the last run."""
    try:
        run = evaluation_service.get_run(session, None)
    except NotFound:
        return render(
            request,
            "console/evaluation.html",
            {"title": "公共信用评价概览", "section": "evaluation", "run": None},
        )
    charts: dict[str, dict[str, Any]] = {}
    # one set of charts per grade scale: persons' and organisations' grades are never added together
    for scale in evaluation_service.by_scale(
        run.distribution or {}, evaluation_service.models_of(runtime.policy)
    ):
        industries = dict(sorted(scale.by_industry.items(), key=lambda kv: -sum(kv[1].values()))[:12])
        charts[f"chart-grade-overall-{scale.key}"] = console_data.grade_bar(
            f"全市评价等级（{scale.label}）", scale.grades, scale.overall
        )
        charts[f"chart-grade-county-{scale.key}"] = console_data.stacked(
            f"各区县评价等级分布（{scale.label}）", scale.by_county, order=scale.grades
        )
        charts[f"chart-grade-industry-{scale.key}"] = console_data.stacked(
            f"主要行业评价等级分布（{scale.label}）", industries, order=scale.grades
        )
    psi: dict[str, float] = run.psi or {}
    return render(
        request,
        "console/evaluation.html",
        {
            "title": "公共信用评价概览",
            "section": "evaluation",
            "run": evaluation_service.run_summary(run),
            "charts": charts,
            "psi": evaluation_service.psi_readings(runtime.policy, psi, runtime.today()),
        },
    )
