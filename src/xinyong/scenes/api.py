"""HTTP API of 信易+: a person's token, a provider's eligibility check and usage report, statistics."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, Role
from xinyong.db import utcnow
from xinyong.scenes import service
from xinyong.scenes.schemas import (
    EligibilityIn,
    EligibilityRead,
    MySceneRead,
    SceneStat,
    TokenRead,
    UsageIn,
    UsageRead,
)
from xinyong.subjects.models import Subject

router = APIRouter(prefix="/api/v1/scenes", tags=["信易+"])


@router.get("/mine", summary="我可以享受的信易+ 场景", response_model=list[MySceneRead])
def my_scenes(
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(require(Role.SUBJECT)),
) -> list[MySceneRead]:
    """List the scenes for the subject with whether it qualifies and why (its own view)."""
    subject = session.get(Subject, principal.subject_id) if principal.subject_id else None
    if subject is None:
        return []
    return service.mine(session, runtime.policy, subject, runtime.today())


@router.get("/statistics", summary="信易+ 场景使用统计", response_model=list[SceneStat])
def scene_statistics(
    session: DbSession,
    runtime: AppRuntime,
    _principal: Principal = Depends(require(Role.ADMIN, Role.SUPERVISOR, Role.AUDITOR)),
) -> list[SceneStat]:
    """Return usage per scene."""
    return service.statistics(session, runtime.policy)


@router.post(
    "/{scene}/tokens",
    summary="生成信易+ 授权核验令牌（自然人本人）",
    response_model=TokenRead,
    status_code=201,
)
def issue_token(
    session: DbSession,
    runtime: AppRuntime,
    scene: str,
    principal: Principal = Depends(require(Role.SUBJECT)),
) -> TokenRead:
    """Authorise the scene's provider, for a few minutes, to learn whether the person qualifies."""
    row, clear = service.issue_token(
        session, runtime.policy, principal, scene, now=utcnow(), on=runtime.today()
    )
    return TokenRead(
        scene=row.scene_id,
        provider=row.provider_code,
        provider_name=service.provider_name(runtime.policy, row.provider_code),
        token=clear,
        expires_at=row.expires_at,
    )


@router.post(
    "/{scene}/eligibility", summary="信易+ 守信激励资格核验（服务机构）", response_model=EligibilityRead
)
def eligibility(
    session: DbSession,
    runtime: AppRuntime,
    scene: str,
    body: EligibilityIn,
    principal: Principal = Depends(require(Role.BANK)),
) -> EligibilityRead:
    """Answer whether an organisation (by code) or a person (by its token) qualifies; benefit only."""
    sc, found, _ = service.check(
        session, runtime.policy, runtime.keys, principal, scene, body, now=utcnow(), on=runtime.today()
    )
    return EligibilityRead(
        scene=sc.id,
        scene_name=sc.name,
        eligible=found.eligible,
        benefit=sc.benefit if found.eligible else None,
        reason=found.reason,
    )


@router.post(
    "/{scene}/usage", summary="报告信易+ 激励使用情况（服务机构）", response_model=UsageRead, status_code=201
)
def report_usage(
    session: DbSession,
    runtime: AppRuntime,
    scene: str,
    body: UsageIn,
    principal: Principal = Depends(require(Role.BANK)),
) -> UsageRead:
    """Record a benefit the provider gave a qualifying subject."""
    row = service.report_usage(
        session, runtime.policy, runtime.keys, principal, scene, body, now=utcnow(), on=runtime.today()
    )
    return UsageRead(
        id=row.id, scene=row.scene_id, benefit=row.benefit, value_yuan=row.value_yuan, used_on=row.used_on
    )
