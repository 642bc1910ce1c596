"""Routes of the 核查 check (hot path: async, short indexed queries), feedback, compliance, screening."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from xinyong.app_deps import DbSession, get_runtime
from xinyong.auth import limits
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, Role
from xinyong.errors import Forbidden
from xinyong.sanctions import feedback as feedback_service
from xinyong.sanctions import hot, screening
from xinyong.sanctions import service as check_service
from xinyong.sanctions.hot import CHECK_ROLES
from xinyong.sanctions.schemas import (
    CheckAnswer,
    CheckIn,
    Compliance,
    FeedbackIn,
    FeedbackResult,
    Ping,
    ScreenDecisionIn,
    ScreenDecisionResult,
    ScreenIn,
    ScreenResult,
)

router = APIRouter(prefix="/api/v1", tags=["联合奖惩核查"])
# The check and its constant baseline are included first (app.ROUTERS): FastAPI matches a path against
# every route of the routers included before it, which cost more than the check's own queries.
hot_router = APIRouter(prefix="/api/v1", tags=["联合奖惩核查"])

_CHECK_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": CheckIn.model_json_schema(ref_template="#/components/schemas/{model}")
            }
        },
    }
}


@hot_router.post(
    "/check",
    summary="联合奖惩核查：单个主体或最多 10,000 个主体",
    openapi_extra=_CHECK_BODY,
    response_class=Response,  # pre-serialised bytes (no per-request validation on the hot path)
    responses={200: {"model": CheckAnswer, "description": "核查结果"}},
)
async def check(request: Request) -> Response:
    """Answer the hits, rewards, grade, supervision class and 告知承诺 eligibility per subject.

    Served as plain ASGI by :class:`xinyong.sanctions.hot.CheckEndpoint` before routing; this route
    documents it and answers identically (the same :func:`xinyong.sanctions.hot.answer`) when the app is
    built without hot endpoints.
    """
    payload = await hot.answer(request.app.state, request.scope, await request.body())
    return Response(payload, media_type="application/json")


@hot_router.get("/check/ping", summary="核查服务常量应答（压测基线）", include_in_schema=False)
async def ping() -> Ping:
    """Answer a constant: the framework's floor for the benchmark."""
    return Ping(status="ok")


@router.post("/check/{check_id}/feedback", summary="反馈措施执行情况", response_model=FeedbackResult)
def feedback(
    check_id: str,
    body: FeedbackIn,
    session: DbSession,
    principal: Principal = Depends(require(*CHECK_ROLES)),
) -> dict[str, Any]:
    """Record per hit whether the department executed the measure, or why not."""
    items = [feedback_service.FeedbackItem(i.hit_no, i.executed, i.reason) for i in body.items]
    return feedback_service.record_feedback(session, check_id, items, principal)


@router.get("/check/compliance", summary="各部门核查命中与反馈情况", response_model=Compliance)
def compliance(
    session: DbSession,
    request: Request,
    department: str | None = Query(default=None, description="部门编码；部门工作人员只能看本部门"),
    principal: Principal = Depends(require(*CHECK_ROLES)),
) -> dict[str, Any]:
    """Summarise hits, feedback given and feedback overdue per department."""
    from xinyong.departments import service as departments_service

    runtime = get_runtime(request)
    dept_id: int | None = None
    if principal.role in (Role.OFFICER, Role.SYSTEM):
        if principal.department_id is None:
            raise Forbidden("账号未关联部门", code="check.no_department")
        dept_id = principal.department_id
    elif department:
        dept_id = departments_service.by_code(session, department).id
    on = runtime.today()
    rows = check_service.compliance(session, on, department_id=dept_id)
    return {"as_of": on.isoformat(), "departments": rows}


@router.post(
    "/screen",
    summary="无代码名称筛查（名单与主体）",
    response_model=ScreenResult,
    response_model_exclude_unset=True,
)
def screen(
    body: ScreenIn,
    request: Request,
    session: DbSession,
    principal: Principal = Depends(require(*CHECK_ROLES)),
) -> dict[str, Any]:
    """Screen a name against the lists and the subjects, with per-feature explanations."""
    limits.take(limits.limits_of(request).screen, principal.actor, "筛查")
    runtime = get_runtime(request)
    return screening.screen_and_log(
        session,
        runtime.policy,
        screening.ScreenQuery(body.name, body.region, body.legal_rep),
        actor=principal.actor,
        threshold=body.threshold,
        top_k=body.top_k,
    )


@router.post(
    "/screen/decisions",
    summary="标记筛查候选为同一主体或不同主体",
    status_code=201,
    response_model=ScreenDecisionResult,
)
def screen_decision(
    body: ScreenDecisionIn,
    session: DbSession,
    principal: Principal = Depends(require(Role.OFFICER, Role.ADMIN, Role.SUPERVISOR)),
) -> dict[str, Any]:
    """Store a reviewer's decision; pairs marked different are excluded from later screenings."""
    row = screening.decide(
        session,
        body.name,
        body.candidate_kind,
        body.candidate_id,
        body.decision,
        body.reason,
        actor=principal.actor,
    )
    return {"id": row.id, "decision": row.decision}
