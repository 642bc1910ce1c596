"""HTTP API of rural credit: the household file, rating runs, results per level and the published 信用村 list."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.deps import Caller, require
from xinyong.auth.principal import Principal, Role
from xinyong.db import utcnow
from xinyong.rural import service
from xinyong.rural.schemas import HouseholdFile, PublishedList, RunIn, RunRead, UnitResultsPage

router = APIRouter(prefix="/api/v1/rural", tags=["农村信用"])


@router.get(
    "/households/{household_id}",
    summary="农户信用档案（家庭成员本人、依职责查询）",
    response_model=HouseholdFile,
)
def household(session: DbSession, runtime: AppRuntime, household_id: int, principal: Caller) -> HouseholdFile:
    """Return a household's file: members (masked), village and the 信用户 rating with reasons; logged."""
    return service.household_file(session, runtime.policy, principal, household_id, on=runtime.today())


@router.post(
    "/runs",
    summary="评定一个年度的信用户、信用村（社区）、信用乡镇、信用县",
    response_model=RunRead,
    status_code=201,
)
def create_run(
    session: DbSession,
    runtime: AppRuntime,
    body: RunIn,
    principal: Principal = Depends(require(Role.ADMIN)),
) -> RunRead:
    """Rate every household and unit for the period and store the results; publish them if asked."""
    on = service.period_as_of(body.period, runtime.today(), body.as_of)
    run = service.run_period(session, runtime.policy, body.period, on=on, actor=principal.actor)
    if body.publish:
        service.publish(session, run.id, actor=principal.actor, now=utcnow())
    return service.run_read(session, run)


@router.post("/runs/{run_id}/publish", summary="公布评定结果", response_model=RunRead)
def publish_run(
    session: DbSession, run_id: int, principal: Principal = Depends(require(Role.ADMIN))
) -> RunRead:
    """Publish a run: the 信用村（社区）list becomes public."""
    return service.run_read(session, service.publish(session, run_id, actor=principal.actor, now=utcnow()))


@router.get("/results", summary="各层级评定结果（逐项原因）", response_model=UnitResultsPage)
def results(
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(require(Role.ADMIN, Role.AUDITOR, Role.SUPERVISOR, Role.OFFICER)),
    period: str | None = Query(default=None, pattern=r"^20\d{2}$"),
    unit: str = Query(default="village", pattern=r"^(household|village|township|county)$"),
) -> UnitResultsPage:
    """Return the latest run's results of one level (a county officer: its county only)."""
    return service.results_for(session, runtime.policy, principal, period=period, unit=unit)


@router.get("/credit-villages", summary="信用村（社区）公布名单（公开）", response_model=PublishedList)
def credit_villages(
    session: DbSession, runtime: AppRuntime, period: str | None = Query(default=None, pattern=r"^20\d{2}$")
) -> PublishedList:
    """Return the published 信用村（社区）list of a period with village-level counts (no household)."""
    return service.published_villages(session, runtime.policy, period)
