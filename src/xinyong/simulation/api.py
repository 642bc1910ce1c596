"""Route of the policy simulation: read a stored simulation (credit centre)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from xinyong.app_deps import DbSession
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, Role
from xinyong.simulation import service
from xinyong.simulation.schemas import SimulationRead

router = APIRouter(prefix="/api/v1", tags=["政策影响模拟"])
# the city credit centre (信用中心管理员) prepares and reads policy changes
READERS = (Role.ADMIN,)


@router.get(
    "/policy/simulations/{simulation_id}",
    summary="政策影响模拟结果（信用中心）",
    response_model=SimulationRead,
)
def get_simulation(
    session: DbSession, simulation_id: int, principal: Principal = Depends(require(*READERS))
) -> SimulationRead:
    """Return a stored simulation: transition matrix, visibility and measure changes by county, industry, kind."""
    return service.as_read(service.get(session, simulation_id, principal))
