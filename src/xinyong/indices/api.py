"""Routes of the indices: the catalogue and one index's ranking with the facts behind every point."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from fastapi import Path as FastAPIPath

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, Role
from xinyong.indices import service
from xinyong.indices.schemas import IndexInfo, IndexResults

router = APIRouter(prefix="/api/v1", tags=["指数"])
READ_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR)
INDEX = FastAPIPath(..., max_length=48, pattern=r"^[a-z0-9-]+$")
PERIOD = Query(..., max_length=8, description="统计期：2026-10 或 2026Q4")
UNIT = Query(None, max_length=16, pattern=r"^[a-z]+$", description="单位类型，默认为指数的第一种")


@router.get("/indices", summary="指数目录（含已有结果的统计期）", response_model=list[IndexInfo])
def list_indices(
    session: DbSession, runtime: AppRuntime, _principal: Principal = Depends(require(*READ_ROLES))
) -> list[IndexInfo]:
    """Return every index in policy with the periods that have stored results."""
    return service.catalogue(session, runtime.policy)


@router.get("/indices/{index}", summary="指数排名（逐项得分与依据）", response_model=IndexResults)
def index_results(
    session: DbSession,
    runtime: AppRuntime,
    index: str = INDEX,
    period: str = PERIOD,
    unit: str | None = UNIT,
    _principal: Principal = Depends(require(*READ_ROLES)),
) -> IndexResults:
    """Return the newest run's ranking with per-indicator values, points, evidence and the change."""
    return service.results(session, runtime.policy, index, period, unit)


@router.get(
    "/indices/{index}/units/{key}",
    summary="一个单位的指数结果（农户：逐户授权并记录查询）",
    response_model=IndexResults,
)
def unit_result(
    session: DbSession,
    runtime: AppRuntime,
    index: str = INDEX,
    key: str = FastAPIPath(..., max_length=64, pattern=r"^[A-Za-z0-9-]+$"),
    period: str = PERIOD,
    unit: str | None = UNIT,
    principal: Principal = Depends(require(*READ_ROLES)),
) -> IndexResults:
    """Return one unit's result with its indicators and facts; a household's is authorised and logged."""
    target = (unit, key)
    return service.unit_result(session, runtime.policy, principal, index, period, target, on=runtime.today())
