"""Routes of 信用大脑 monitoring: alerts, their handling, and a subject's lifecycle timeline."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.audit import service as audit
from xinyong.auth.deps import Caller, require
from xinyong.auth.principal import Principal, Role
from xinyong.errors import NotFound
from xinyong.kit.dates import InputDate
from xinyong.monitoring import campaigns, feed, service
from xinyong.monitoring.models import Alert, Subscription, SubscriptionSubject
from xinyong.monitoring.schemas import (
    AlertFilter,
    AlertPage,
    AlertRead,
    AlertStatusIn,
    CampaignDetail,
    CampaignIn,
    CampaignRead,
    ChangePage,
    ChangeRead,
    SubscriptionIn,
    SubscriptionRead,
    TaskPage,
    TaskRead,
    TaskStatusIn,
    Timeline,
)

router = APIRouter(prefix="/api/v1", tags=["信用大脑"])
READ_ROLES = (Role.OFFICER, Role.SYSTEM, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR)
HANDLE_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)


@router.get("/alerts", summary="风险预警列表（按职责范围）", response_model=AlertPage)
def list_alerts(
    session: DbSession,
    runtime: AppRuntime,
    signal: str | None = Query(None, max_length=64),
    severity: str | None = Query(None, max_length=8),
    region: str | None = Query(None, pattern=r"^\d{6}$"),
    industry: str | None = Query(None, max_length=64),
    department: str | None = Query(None, max_length=32),
    status: str | None = Query(None, max_length=8),
    since: InputDate | None = Query(None, description="只看此日期以后开出的预警"),
    active: bool | None = Query(None, description="只看当前有效（true）或已结束（false）的预警"),
    page: int = Query(1, ge=1, le=10_000),
    size: int = Query(20, ge=1, le=200),
    principal: Principal = Depends(require(*READ_ROLES)),
) -> AlertPage:
    """Return the alerts the caller's duty covers, filtered, newest first."""
    on = runtime.today()
    f = AlertFilter(on, signal, severity, region, industry, department, status, since, active)
    return service.list_alerts(
        session, runtime.policy, principal, f, page=page, size=size, city_region=runtime.policy.city_region
    )


@router.post("/alerts/{alert_id}/status", summary="处置风险预警", response_model=AlertRead)
def alert_status(
    session: DbSession,
    alert_id: int,
    body: AlertStatusIn,
    runtime: AppRuntime,
    principal: Principal = Depends(require(*HANDLE_ROLES)),
) -> AlertRead:
    """Mark an alert 已核实 / 已处置 / 误报 with a note (the caller's department must have been told)."""
    scope = service.scope_of(principal, runtime.policy.city_region)
    alert = session.get(Alert, alert_id)
    if alert is not None and scope.region is not None and alert.region_code != scope.region:
        raise NotFound("未找到该预警", code="alert.not_found")
    on = runtime.today()
    alert = service.set_status(
        session,
        alert_id,
        body.status,
        body.note,
        actor=principal.actor,
        department_id=principal.department_id,
        city_wide=scope.city_wide,
        on=on,
    )
    return service.alert_view(session, alert, runtime.policy, on)


@router.get("/subjects/{code}/timeline", summary="主体信用生命周期时间轴", response_model=Timeline)
def timeline(
    session: DbSession,
    code: str,
    principal: Caller,
    runtime: AppRuntime,
    purpose: str | None = Query(None, max_length=64, description="部门依职责查询时的查询情形"),
) -> Timeline:
    """Return the subject's lifecycle as the caller may see it; every non-public read is logged."""
    subject, entries = service.subject_timeline(
        session,
        runtime.policy,
        runtime.keys,
        principal,
        code,
        purpose=purpose,
        on=runtime.today(),
        city_region=runtime.policy.city_region,
    )
    return Timeline(subject_name=subject.name, entries=entries)


FOLLOW_ROLES = (Role.OFFICER, Role.SYSTEM, Role.BANK)


def _subscription(session: Session, row: Subscription) -> SubscriptionRead:
    count = session.scalar(
        select(func.count())
        .select_from(SubscriptionSubject)
        .where(SubscriptionSubject.subscription_id == row.id)
    )
    return SubscriptionRead(
        id=row.id,
        regions=row.regions,
        industries=row.industries,
        subjects=count or 0,
        purpose=row.purpose,
        created_at=row.created_at,
    )


@router.post("/subscriptions", summary="订阅主体变更", status_code=201, response_model=SubscriptionRead)
def subscribe(
    session: DbSession,
    body: SubscriptionIn,
    runtime: AppRuntime,
    principal: Principal = Depends(require(*FOLLOW_ROLES)),
) -> SubscriptionRead:
    """Subscribe the caller's department (by county, industry or codes) or bank (its consenting borrowers)."""
    row = feed.subscribe(
        session,
        runtime.policy,
        runtime.keys,
        principal,
        regions=body.regions,
        industries=body.industries,
        codes=body.codes,
        purpose=body.purpose,
        on=runtime.today(),
    )
    audit.append(
        session,
        actor=principal.actor,
        action="subscription.create",
        object_type="subscription",
        object_id=row.id,
        detail={"regions": row.regions, "industries": row.industries, "codes": len(body.codes)},
    )
    return _subscription(session, row)


@router.get("/subscriptions", summary="我的订阅", response_model=list[SubscriptionRead])
def my_subscriptions(
    session: DbSession,
    principal: Principal = Depends(require(*FOLLOW_ROLES)),
) -> list[SubscriptionRead]:
    """Return the caller's subscriptions in force."""
    return [_subscription(session, row) for row in feed.subscriptions_of(session, principal)]


@router.get("/changes", summary="订阅主体的变更（游标分页）", response_model=ChangePage)
def changes(
    session: DbSession,
    runtime: AppRuntime,
    since: str | None = Query(None, max_length=64, description="上一次返回的 next_cursor；不填则从头开始"),
    limit: int = Query(500, ge=1, le=5000),
    principal: Principal = Depends(require(*FOLLOW_ROLES)),
) -> ChangePage:
    """Return what changed about the subjects the caller follows and may see, past the cursor."""
    items, nxt = feed.changes(
        session, runtime.policy, principal, feed.Cursor.parse(since), limit=limit, on=runtime.today()
    )
    return ChangePage(
        items=[
            ChangeRead(kind=c.kind, subject_id=c.subject_id, on=c.on, ref=c.ref, title=c.title) for c in items
        ],
        next_cursor=str(nxt),
    )


CAMPAIGN_READERS = (Role.OFFICER, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR)


@router.post("/campaigns", summary="部署专项治理（信用中心）", status_code=201, response_model=CampaignRead)
def create_campaign(
    session: DbSession,
    runtime: AppRuntime,
    body: CampaignIn,
    principal: Principal = Depends(require(Role.ADMIN)),
) -> CampaignRead:
    """Define a 专项治理 campaign: name, basis, target rule, period, deadline and the domains that handle it."""
    row = campaigns.create_campaign(session, runtime.policy, body, principal=principal)
    return campaigns.campaign_detail(
        session,
        runtime.policy,
        principal,
        row.id,
        on=runtime.today(),
        city_region=runtime.policy.city_region,
    )


@router.post(
    "/campaigns/{campaign_id}/launch", summary="启动专项治理（固定对象清单）", response_model=CampaignRead
)
def launch_campaign(
    session: DbSession,
    runtime: AppRuntime,
    campaign_id: int,
    principal: Principal = Depends(require(Role.ADMIN)),
) -> CampaignRead:
    """Derive the targets today, freeze them and assign them to the departments with jurisdiction."""
    on, region = runtime.today(), runtime.policy.city_region
    campaigns.launch(session, runtime.policy, campaign_id, principal=principal, on=on, city_region=region)
    return campaigns.campaign_detail(
        session, runtime.policy, principal, campaign_id, on=on, city_region=region
    )


@router.get("/campaigns", summary="专项治理列表（按职责范围的进度）", response_model=list[CampaignRead])
def list_campaigns(
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(require(*CAMPAIGN_READERS)),
) -> list[CampaignRead]:
    """Return the campaigns the caller takes part in, with progress over the targets its duty covers."""
    return campaigns.list_campaigns(
        session, principal, on=runtime.today(), city_region=runtime.policy.city_region
    )


@router.get("/campaigns/{campaign_id}", summary="专项治理详情与进度", response_model=CampaignDetail)
def campaign_detail(
    session: DbSession,
    runtime: AppRuntime,
    campaign_id: int,
    principal: Principal = Depends(require(*CAMPAIGN_READERS)),
) -> CampaignDetail:
    """Return a campaign, its progress and the subjects its rule reaches since launch."""
    return campaigns.campaign_detail(
        session,
        runtime.policy,
        principal,
        campaign_id,
        on=runtime.today(),
        city_region=runtime.policy.city_region,
    )


@router.get(
    "/campaigns/{campaign_id}/targets", summary="专项治理对象清单（按职责范围）", response_model=TaskPage
)
def campaign_targets(
    session: DbSession,
    runtime: AppRuntime,
    campaign_id: int,
    status: Literal["待处置", "整改中", "已整改", "无法整改"] | None = Query(None),
    page: int = Query(1, ge=1, le=10_000),
    size: int = Query(50, ge=1, le=200),
    principal: Principal = Depends(require(*CAMPAIGN_READERS)),
) -> TaskPage:
    """Return the campaign's targets the caller's duty covers, with their handling."""
    return campaigns.list_tasks(
        session,
        principal,
        campaign_id,
        status=status,
        page=page,
        size=size,
        on=runtime.today(),
        city_region=runtime.policy.city_region,
    )


@router.post("/campaigns/targets/{task_id}/status", summary="处置专项治理对象", response_model=TaskRead)
def campaign_target_status(
    session: DbSession,
    runtime: AppRuntime,
    task_id: int,
    body: TaskStatusIn,
    principal: Principal = Depends(require(Role.OFFICER, Role.ADMIN)),
) -> TaskRead:
    """Step a target's handling: 整改中, then 已整改 or 无法整改 (with a note); audited."""
    return campaigns.set_task_status(
        session, principal, task_id, body, on=runtime.today(), city_region=runtime.policy.city_region
    )
