"""HTTP API of 职业人群 and 公务员: the profession catalog (public), licences, civil servants' posts,
sanctions written as records, headcounts and the coverage statistic."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, Role
from xinyong.professions import service
from xinyong.professions.schemas import (
    CivilServantIn,
    CivilServantRead,
    CoverageRead,
    HeadcountIn,
    HeadcountRead,
    LeaveIn,
    LicenceIn,
    LicenceRead,
    ProfessionRead,
    SanctionIn,
    SanctionRead,
)

router = APIRouter(prefix="/api/v1", tags=["职业人群与公务员"])
WRITERS = (Role.ADMIN, Role.OFFICER)
READERS = (Role.ADMIN, Role.OFFICER, Role.SUPERVISOR, Role.AUDITOR)
CENTRE = (Role.ADMIN, Role.SUPERVISOR, Role.AUDITOR)


@router.get("/professions", summary="重点职业人群目录", response_model=list[ProfessionRead])
def professions(runtime: AppRuntime) -> list[ProfessionRead]:
    """List the key professions in force, with their licensing bodies and legal bases."""
    return service.professions(runtime.policy, runtime.today())


@router.get(
    "/professions/licences", summary="执业登记（依职责查询，逐人记录）", response_model=list[LicenceRead]
)
def licences(
    session: DbSession,
    runtime: AppRuntime,
    profession: str | None = Query(default=None, max_length=32),
    principal: Principal = Depends(require(*READERS)),
) -> list[LicenceRead]:
    """List the licences the caller may read, with their derived status."""
    return service.licences(session, runtime.policy, principal, on=runtime.today(), profession=profession)


@router.post("/professions/licences", summary="登记执业证书", response_model=LicenceRead, status_code=201)
def register_licence(
    session: DbSession,
    runtime: AppRuntime,
    body: LicenceIn,
    principal: Principal = Depends(require(*WRITERS)),
) -> LicenceRead:
    """Register a licence of a key profession (the ID number is stored encrypted)."""
    row = service.register_licence(session, runtime.policy, runtime.keys, principal, body, on=runtime.today())
    found = service.licences(
        session, runtime.policy, principal, on=runtime.today(), profession=row.profession
    )
    return next(r for r in found if r.id == row.id)


@router.post(
    "/professions/licences/{licence_id}/sanctions",
    summary="登记执业惩戒（写入信用记录）",
    response_model=SanctionRead,
    status_code=201,
)
def sanction_licence(
    session: DbSession,
    runtime: AppRuntime,
    licence_id: int,
    body: SanctionIn,
    principal: Principal = Depends(require(*WRITERS)),
) -> SanctionRead:
    """Write a sanction of the licence's holder as a credit record."""
    return service.sanction_licence(session, runtime.policy, principal, licence_id, body, on=runtime.today())


@router.get(
    "/civil-servants", summary="公务员任职登记（依职责查询，逐人记录）", response_model=list[CivilServantRead]
)
def civil_servants(
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(require(*READERS)),
) -> list[CivilServantRead]:
    """List the civil servants' posts the caller may read."""
    return service.civil_servants(session, runtime.policy, principal, on=runtime.today())


@router.post("/civil-servants", summary="登记公务员任职", response_model=CivilServantRead, status_code=201)
def register_civil_servant(
    session: DbSession,
    runtime: AppRuntime,
    body: CivilServantIn,
    principal: Principal = Depends(require(*WRITERS)),
) -> CivilServantRead:
    """Register a civil servant's post in a government body."""
    row = service.register_civil_servant(
        session, runtime.policy, runtime.keys, principal, body, on=runtime.today()
    )
    found = service.civil_servants(session, runtime.policy, principal, on=runtime.today())
    return next(r for r in found if r.id == row.id)


@router.post("/civil-servants/{post_id}/leave", summary="公务员离职", response_model=CivilServantRead)
def leave_post(
    session: DbSession,
    runtime: AppRuntime,
    post_id: int,
    body: LeaveIn,
    principal: Principal = Depends(require(*WRITERS)),
) -> CivilServantRead:
    """Record the day a civil servant leaves the body."""
    service.leave_post(session, principal, post_id, body)
    found = service.civil_servants(session, runtime.policy, principal, on=runtime.today())
    return next(r for r in found if r.id == post_id)


@router.post(
    "/civil-servants/{post_id}/sanctions",
    summary="登记公务员处分（写入信用记录）",
    response_model=SanctionRead,
    status_code=201,
)
def sanction_civil_servant(
    session: DbSession,
    runtime: AppRuntime,
    post_id: int,
    body: SanctionIn,
    principal: Principal = Depends(require(*WRITERS)),
) -> SanctionRead:
    """Write a sanction of a civil servant as a credit record."""
    return service.sanction_civil_servant(
        session, runtime.policy, principal, post_id, body, on=runtime.today()
    )


@router.post(
    "/civil-servants/headcounts", summary="报送在编公务员人数", response_model=HeadcountRead, status_code=201
)
def report_headcount(
    session: DbSession,
    runtime: AppRuntime,
    body: HeadcountIn,
    principal: Principal = Depends(require(*WRITERS)),
) -> HeadcountRead:
    """Record a body's declared number of civil servants from a day on."""
    row = service.report_headcount(session, runtime.keys, principal, body)
    return HeadcountRead(
        body_name=service.body_name(session, row.body_id),
        headcount=row.headcount,
        reported_on=row.reported_on,
    )


@router.get("/civil-servants/coverage", summary="公务员信用档案覆盖率（按机关）", response_model=CoverageRead)
def coverage(
    session: DbSession,
    runtime: AppRuntime,
    _principal: Principal = Depends(require(*CENTRE)),
) -> CoverageRead:
    """Return coverage per government body against the plan's target."""
    return service.coverage(session, runtime.policy, on=runtime.today())
