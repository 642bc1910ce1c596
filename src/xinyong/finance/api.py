"""HTTP API of 信易贷: institutions, product matching, applications, statistics, subsidies."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.deps import current_principal, require
from xinyong.auth.principal import Principal, Role
from xinyong.finance import consent, products, service, statistics
from xinyong.finance.schemas import (
    ApplicationIn,
    ApplicationRead,
    DecisionIn,
    FinanceStatistics,
    InstitutionRead,
    ProductMatches,
    SubsidyIn,
    SubsidyResult,
)

router = APIRouter(prefix="/api/v1/finance", tags=["信易贷"])
SIGNED_IN = tuple(r for r in Role if r != Role.PUBLIC)
CENTRE = (Role.ADMIN, Role.SUPERVISOR, Role.AUDITOR)


@router.get("/institutions", summary="可授权的金融机构名录", response_model=list[InstitutionRead])
def institutions(runtime: AppRuntime) -> list[InstitutionRead]:
    """List the registered institutions a subject may authorise (public register)."""
    return [
        InstitutionRead(code=c.code, name=c.name, kind_label=c.kind_label)
        for c in consent.choices(runtime.policy, runtime.today())
    ]


@router.get(
    "/products", summary="信易贷产品匹配（逐项说明符合、不符合、无法判断）", response_model=ProductMatches
)
def match_products(
    session: DbSession,
    runtime: AppRuntime,
    code: str = Query(min_length=9, max_length=40, description="主体的统一社会信用代码"),
    principal: Principal = Depends(current_principal),
) -> ProductMatches:
    """Match the products against a subject (the subject itself, or a bank holding its consent)."""
    return products.match_products(session, runtime.policy, runtime.keys, principal, code, on=runtime.today())


@router.post("/applications", summary="提交信易贷申请", response_model=ApplicationRead, status_code=201)
def submit_application(
    session: DbSession,
    runtime: AppRuntime,
    body: ApplicationIn,
    principal: Principal = Depends(require(Role.SUBJECT, Role.BANK)),
) -> ApplicationRead:
    """Submit an application (the subject itself, or the product's bank with the subject's consent)."""
    row = service.submit(session, runtime.policy, runtime.keys, principal, body, on=runtime.today())
    return service.read(session, runtime.policy, row)


@router.get("/applications", summary="信易贷申请列表", response_model=list[ApplicationRead])
def list_applications(
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(require(*SIGNED_IN)),
) -> list[ApplicationRead]:
    """List the applications the caller may read."""
    return [service.read(session, runtime.policy, r) for r in service.listing(session, principal)]


@router.get("/applications/{application_id}", summary="信易贷申请及办理进度", response_model=ApplicationRead)
def get_application(
    session: DbSession,
    runtime: AppRuntime,
    application_id: int,
    principal: Principal = Depends(require(*SIGNED_IN)),
) -> ApplicationRead:
    """Return one application with its steps."""
    return service.read(session, runtime.policy, service.get(session, principal, application_id))


@router.post(
    "/applications/{application_id}/decision",
    summary="办理信易贷申请（受理、放款、拒绝）",
    response_model=ApplicationRead,
)
def decide_application(
    session: DbSession,
    runtime: AppRuntime,
    application_id: int,
    body: DecisionIn,
    principal: Principal = Depends(require(Role.BANK)),
) -> ApplicationRead:
    """Accept, grant or refuse (with a reason) an application of the caller's institution."""
    return service.read(session, runtime.policy, service.decide(session, principal, application_id, body))


@router.get("/statistics", summary="信易贷统计（按等级、行业、区县）", response_model=FinanceStatistics)
def finance_statistics(
    session: DbSession,
    runtime: AppRuntime,
    _principal: Principal = Depends(require(*CENTRE)),
) -> FinanceStatistics:
    """Return applications and loans by grade, industry and county."""
    return statistics.statistics(session, runtime.policy)


@router.post("/subsidies/calculate", summary="贴息与信保基金测算", response_model=SubsidyResult)
def calculate_subsidies(
    runtime: AppRuntime,
    body: SubsidyIn,
    _principal: Principal = Depends(require(*SIGNED_IN)),
) -> SubsidyResult:
    """Calculate the 贴息 and 信保基金 of a loan under the rules in force on its start date."""
    return products.calculate_subsidies(runtime.policy, body)
