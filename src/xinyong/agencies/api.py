"""HTTP API of the 信用服务机构 registry: the public list, an agency as the caller may see it, filings,
practitioners, supervision events and filed reports."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from xinyong.agencies import service
from xinyong.agencies.schemas import (
    AgencyDetail,
    AgencyIn,
    AgencyRead,
    CancelIn,
    EventIn,
    EventRead,
    LeaveIn,
    PractitionerIn,
    PractitionerRead,
    ReportIn,
    ReportRead,
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
