"""HTTP API of the registers of practitioners: the public agency list, an agency as the caller may see it,
filings, practitioners, supervision events and filed reports (``router``); the profession catalog, licences,
civil servants, sanctions written as records, headcounts and coverage (``people_router``)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from xinyong.agencies import service
from xinyong.agencies.schemas import (
    AgencyDetail,
    AgencyIn,
    AgencyRead,
    CancelIn,
    CivilServantIn,
    CivilServantRead,
    CoverageRead,
    EventIn,
    EventRead,
    HeadcountIn,
    HeadcountRead,
    LeaveIn,
    LicenceIn,
    LicenceRead,
    PractitionerIn,
    PractitionerRead,
    ProfessionRead,
    ReportIn,
    ReportRead,
    SanctionIn,
    SanctionRead,
)
from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.deps import current_principal, require
from xinyong.auth.principal import Principal, Role

router = APIRouter(prefix="/api/v1/agencies", tags=["信用服务机构"])
REGISTRARS = (Role.ADMIN, Role.OFFICER)  # the service admits officers of a filing authority only


@router.get("", summary="信用服务机构备案名录（公开）", response_model=list[AgencyRead])
def registry_list(
    session: DbSession,
    runtime: AppRuntime,
    q: str = Query(default="", max_length=50, description="机构名称关键字或统一社会信用代码"),
) -> list[AgencyRead]:
    """List the filed agencies with their derived status (a public register)."""
    return service.listing(session, runtime.policy, on=runtime.today(), q=q)


@router.get("/{agency_id}", summary="信用服务机构详情（按查询身份）", response_model=AgencyDetail)
def agency_detail(
    session: DbSession,
    runtime: AppRuntime,
    agency_id: int,
    principal: Principal = Depends(current_principal),
) -> AgencyDetail:
    """Return an agency; practitioners only for government, the agency itself and the credit centre."""
    return service.detail(session, runtime.policy, principal, agency_id, on=runtime.today())


@router.post("", summary="信用服务机构备案登记", response_model=AgencyRead, status_code=201)
def register_agency(
    session: DbSession,
    runtime: AppRuntime,
    body: AgencyIn,
    principal: Principal = Depends(require(*REGISTRARS)),
) -> AgencyRead:
    """File an agency (its subject is found by USCC or registered)."""
    row = service.register(session, runtime.policy, runtime.keys, principal, body, on=runtime.today())
    return service.detail(session, runtime.policy, principal, row.id, on=runtime.today()).agency


@router.post("/{agency_id}/cancel", summary="注销备案", response_model=AgencyRead)
def cancel_agency(
    session: DbSession,
    runtime: AppRuntime,
    agency_id: int,
    body: CancelIn,
    principal: Principal = Depends(require(*REGISTRARS)),
) -> AgencyRead:
    """Cancel a filing from a day on."""
    service.cancel(session, runtime.policy, principal, agency_id, body, on=runtime.today())
    return service.detail(session, runtime.policy, principal, agency_id, on=runtime.today()).agency


@router.post(
    "/{agency_id}/practitioners", summary="登记从业人员", response_model=PractitionerRead, status_code=201
)
def add_practitioner(
    session: DbSession,
    runtime: AppRuntime,
    agency_id: int,
    body: PractitionerIn,
    principal: Principal = Depends(require(*REGISTRARS)),
) -> PractitionerRead:
    """Register a practitioner (the ID number is stored encrypted and answered masked)."""
    row = service.add_practitioner(
        session, runtime.policy, runtime.keys, principal, agency_id, body, on=runtime.today()
    )
    found = service.detail(session, runtime.policy, principal, agency_id, on=runtime.today()).practitioners
    return next(p for p in found if p.id == row.id)


@router.post(
    "/{agency_id}/practitioners/{practitioner_id}/leave",
    summary="从业人员离职",
    response_model=PractitionerRead,
)
def practitioner_leaves(
    session: DbSession,
    runtime: AppRuntime,
    agency_id: int,
    practitioner_id: int,
    body: LeaveIn,
    principal: Principal = Depends(require(*REGISTRARS)),
) -> PractitionerRead:
    """Record the day a practitioner leaves."""
    service.leave(session, runtime.policy, principal, practitioner_id, body, on=runtime.today())
    found = service.detail(session, runtime.policy, principal, agency_id, on=runtime.today()).practitioners
    return next(p for p in found if p.id == practitioner_id)


@router.post(
    "/{agency_id}/events", summary="登记监管事件（写入信用记录）", response_model=EventRead, status_code=201
)
def record_event(
    session: DbSession,
    runtime: AppRuntime,
    agency_id: int,
    body: EventIn,
    principal: Principal = Depends(require(*REGISTRARS)),
) -> EventRead:
    """Write a supervision event as a credit record on the agency's file."""
    record = service.record_event(session, runtime.policy, principal, agency_id, body, on=runtime.today())
    events = service.detail(session, runtime.policy, principal, agency_id, on=runtime.today()).events
    return next(e for e in events if e.record_id == record.id)


@router.post(
    "/{agency_id}/reports", summary="备案机构出具的信用报告", response_model=ReportRead, status_code=201
)
def file_report(
    session: DbSession,
    runtime: AppRuntime,
    agency_id: int,
    body: ReportIn,
    principal: Principal = Depends(require(Role.SUBJECT, Role.ADMIN)),
) -> ReportRead:
    """File a report the agency issued on a subject (metadata and the document's SHA-256)."""
    row = service.file_report(
        session, runtime.policy, runtime.keys, principal, agency_id, body, on=runtime.today()
    )
    return service.report_reads(session, runtime.policy, [row], runtime.today())[0]


people_router = APIRouter(prefix="/api/v1", tags=["职业人群与公务员"])
WRITERS = REGISTRARS
READERS = (Role.ADMIN, Role.OFFICER, Role.SUPERVISOR, Role.AUDITOR)
CENTRE = (Role.ADMIN, Role.SUPERVISOR, Role.AUDITOR)


@people_router.get("/professions", summary="重点职业人群目录", response_model=list[ProfessionRead])
def professions(runtime: AppRuntime) -> list[ProfessionRead]:
    """List the key professions in force, with their licensing bodies and legal bases."""
    return service.professions(runtime.policy, runtime.today())


@people_router.get(
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


@people_router.post(
    "/professions/licences", summary="登记执业证书", response_model=LicenceRead, status_code=201
)
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


@people_router.post(
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


@people_router.get(
    "/civil-servants", summary="公务员任职登记（依职责查询，逐人记录）", response_model=list[CivilServantRead]
)
def civil_servants(
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(require(*READERS)),
) -> list[CivilServantRead]:
    """List the civil servants' posts the caller may read."""
    return service.civil_servants(session, runtime.policy, principal, on=runtime.today())


@people_router.post(
    "/civil-servants", summary="登记公务员任职", response_model=CivilServantRead, status_code=201
)
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


@people_router.post("/civil-servants/{post_id}/leave", summary="公务员离职", response_model=CivilServantRead)
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


@people_router.post(
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


@people_router.post(
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


@people_router.get(
    "/civil-servants/coverage", summary="公务员信用档案覆盖率（按机关）", response_model=CoverageRead
)
def coverage(
    session: DbSession,
    runtime: AppRuntime,
    _principal: Principal = Depends(require(*CENTRE)),
) -> CoverageRead:
    """Return coverage per government body against the plan's target."""
    return service.coverage(session, runtime.policy, on=runtime.today())
