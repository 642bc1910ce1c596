"""Console: policy impact simulation — start one for a shipped proposal, and read its effect per county."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, Role
from xinyong.errors import XinyongError
from xinyong.kit.dates import InputDate
from xinyong.policy_sections import check_sections
from xinyong.simulation import service
from xinyong.simulation.schemas import SimulationRead
from xinyong.web import console_data, csrf
from xinyong.web.templating import render

router = APIRouter(prefix="/console")
centre = require(Role.ADMIN)

DIRECTIONS = {"up": "上升", "down": "下降", "other": "其他变化", "same": "不变"}
CHANGES = {"new": "新命中", "stopped": "不再命中"}


def _index(
    request: Request, session: DbSession, runtime: AppRuntime, error: str | None = None
) -> HTMLResponse:
    proposals = service.proposals(runtime.settings.proposals_dir)
    return render(
        request,
        "console/simulations.html",
        {
            "title": "政策影响模拟",
            "section": "simulations",
            "proposals": [p.manifest for p in proposals],
            "runs": service.recent(session),
            "error": error,
        },
        status=422 if error else 200,
    )


@router.get("/simulations", response_class=HTMLResponse)
def simulations(
    request: Request, session: DbSession, runtime: AppRuntime, principal: Principal = Depends(centre)
) -> HTMLResponse:
    """List the shipped proposals (to simulate) and the recent simulations."""
    return _index(request, session, runtime)


@router.post("/simulations", response_class=HTMLResponse, dependencies=[Depends(csrf.verify)])
def start_simulation(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    proposal: Annotated[str, Form(max_length=64)],
    on: Annotated[InputDate | None, Form()] = None,
    principal: Principal = Depends(centre),
) -> Response:
    """Simulate a shipped proposal on the data as it stands, then show the result."""
    found = {p.manifest.id: p for p in service.proposals(runtime.settings.proposals_dir)}
    if proposal not in found:
        return _index(request, session, runtime, error=f"没有提案 {proposal}")
    try:
        row = service.simulate_folder(
            session,
            runtime.policy,
            found[proposal].path,
            on,
            actor=principal.actor,
            today=runtime.today(),
            check=check_sections,
        )
    except XinyongError as exc:
        session.rollback()
        return _index(request, session, runtime, error=exc.message)
    return RedirectResponse(f"/console/simulations/{row.id}", status_code=303)


def _charts(sim: SimulationRead) -> dict[str, dict[str, Any]]:
    """Return the per-county charts: grades, visibility and measures."""
    counties = sim.by_county

    def groups(*keys: tuple[str, str]) -> dict[str, dict[str, int]]:
        return {c.county: {label: int(getattr(c, key)) for key, label in keys} for c in counties}

    return {
        "chart-sim-grades": console_data.stacked(
            "各区县评价等级变化（主体数）",
            groups(("grade_up", "上升"), ("grade_down", "下降"), ("grade_other", "其他变化")),
        ),
        "chart-sim-classes": console_data.stacked(
            "各区县监管类别变化（主体数）", groups(("class_changed", "监管类别变化"))
        ),
        "chart-sim-visibility": console_data.stacked(
            "各区县记录可见性变化（记录 × 查询身份）", groups(("visible", "新增可见"), ("hidden", "不再可见"))
        ),
        "chart-sim-measures": console_data.stacked(
            "各区县措施命中变化（主体 × 措施）",
            groups(("measures_new", "新命中"), ("measures_stopped", "不再命中")),
        ),
    }


@router.get("/simulations/{simulation_id}", response_class=HTMLResponse)
def simulation(
    request: Request,
    simulation_id: int,
    session: DbSession,
    principal: Principal = Depends(centre),
) -> HTMLResponse:
    """Show a simulation: transition matrices, per-county charts, changed cells with example subjects."""
    sim = service.as_read(service.get(session, simulation_id, principal))
    return render(
        request,
        "console/simulation.html",
        {
            "title": f"政策影响模拟 {sim.id}",
            "section": "simulations",
            "sim": sim,
            "charts": _charts(sim),
            "directions": DIRECTIONS,
            "changes": CHANGES,
        },
    )
