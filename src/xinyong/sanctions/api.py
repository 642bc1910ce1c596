"""Routes of the 核查 check (hot path: async, short indexed queries), feedback, compliance, screening."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from xinyong.app_deps import get_runtime, get_session
from xinyong.auth import service as auth_service
from xinyong.auth.deps import SESSION_COOKIE, current_principal, require
from xinyong.auth.principal import ANONYMOUS, Principal, Role
from xinyong.errors import Forbidden, Invalid, Unauthorized
from xinyong.sanctions import feedback as feedback_service
from xinyong.sanctions import screening
from xinyong.sanctions import service as check_service
from xinyong.sanctions.logwriter import CheckLogWriter
from xinyong.sanctions.resolve import Query as SubjectQuery
from xinyong.sanctions.schemas import CheckIn, FeedbackIn, ScreenDecisionIn, ScreenIn

router = APIRouter(prefix="/api/v1", tags=["联合奖惩核查"])
# The check and its constant baseline are included first (app.ROUTERS): FastAPI matches a path against
# every route of the routers included before it, which cost more than the check's own queries.
hot_router = APIRouter(prefix="/api/v1", tags=["联合奖惩核查"])

CHECK_ROLES = (Role.OFFICER, Role.SYSTEM, Role.ADMIN, Role.SUPERVISOR)
# Resolved API keys are kept this long, so a revoked key stops working within this many seconds.
KEY_CACHE_SECONDS = 5.0
_key_cache: dict[tuple[int, str], tuple[float, Principal | None]] = {}


def _principal_sync(request: Request) -> Principal:
    runtime = get_runtime(request)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        key = header[7:].strip()
        cache_key = (id(runtime), auth_service.hash_key(key))
        cached = _key_cache.get(cache_key)
        now = time.monotonic()
        if cached is not None and cached[0] > now:
            found = cached[1]
        else:
            with runtime.sessions() as session:
                found = auth_service.principal_for_key(session, key)
            _key_cache[cache_key] = (now + KEY_CACHE_SECONDS, found)
        if found is None:
            raise Unauthorized("API 密钥无效或已停用", code="auth.bad_key")
        return found
    if request.cookies.get(SESSION_COOKIE):
        with runtime.sessions() as session:
            return current_principal(request, session)
    return ANONYMOUS


async def check_principal(request: Request) -> Principal:
    """Identify a caller of the check without leaving the event loop (API keys are cached briefly)."""
    principal = _principal_sync(request)
    if principal.role in CHECK_ROLES:
        return principal
    if principal.role == Role.PUBLIC:
        raise Unauthorized("请先登录", code="auth.required")
    raise Forbidden("当前角色无权核查", code="auth.forbidden")


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


@hot_router.post("/check", summary="联合奖惩核查：单个主体或最多 10,000 个主体", openapi_extra=_CHECK_BODY)
async def check(request: Request) -> Response:
    """Answer the hits, rewards, grade, supervision class and 告知承诺 eligibility per subject.

    The body is read and validated here rather than through FastAPI's dependency machinery, which
    costs more than the check itself on this hot path (measured with ``benchmarks/check.py``).
    """
    principal = await check_principal(request)
    try:
        body = CheckIn.model_validate_json(await request.body())
    except ValidationError as exc:
        errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors(include_url=False)]
        raise Invalid("请求格式不正确", code="check.bad_request", errors=errors) from None
    runtime = get_runtime(request)
    if body.subjects is not None:
        queries = [SubjectQuery(s.code, s.name, s.region) for s in body.subjects]
    else:
        queries = [SubjectQuery(body.code, body.name, body.region)]
    on = body.on or check_service.today(runtime.settings.timezone)
    ctx = check_service.CheckContext(principal, body.scenario, on, body.explain)
    # Reads only, on a bare connection (no ORM session); the log is written by the group-commit writer.
    with runtime.read_connection() as conn:
        answer, entry = check_service.evaluate(conn, runtime.policy, runtime.keys, queries, ctx)
    writer: CheckLogWriter | None = getattr(request.app.state, "check_writer", None)
    if writer is None:
        writer = request.app.state.check_writer = CheckLogWriter(runtime)
    await writer.write(entry)
    return Response(answer.to_bytes(), media_type="application/json")


@hot_router.get("/check/ping", summary="核查服务常量应答（压测基线）", include_in_schema=False)
async def ping() -> dict[str, str]:
    """Answer a constant: the framework's floor for the benchmark."""
    return {"status": "ok"}


@router.post("/check/{check_id}/feedback", summary="反馈措施执行情况")
def feedback(
    check_id: str,
    body: FeedbackIn,
    session: Any = Depends(get_session, scope="function"),
    principal: Principal = Depends(require(*CHECK_ROLES)),
) -> dict[str, Any]:
    """Record per hit whether the department executed the measure, or why not."""
    items = [feedback_service.FeedbackItem(i.hit_no, i.executed, i.reason) for i in body.items]
    return feedback_service.record_feedback(session, check_id, items, principal)


@router.get("/check/compliance", summary="各部门核查命中与反馈情况")
def compliance(
    request: Request,
    department: str | None = Query(default=None, description="部门编码；部门工作人员只能看本部门"),
    session: Any = Depends(get_session, scope="function"),
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
    on = check_service.today(runtime.settings.timezone)
    rows = check_service.compliance(session, on, department_id=dept_id)
    return {"as_of": on.isoformat(), "departments": rows}


@router.post("/screen", summary="无代码名称筛查（名单与主体）")
def screen(
    body: ScreenIn,
    request: Request,
    session: Any = Depends(get_session, scope="function"),
    principal: Principal = Depends(require(*CHECK_ROLES)),
) -> dict[str, Any]:
    """Screen a name against the lists and the subjects, with per-feature explanations."""
    runtime = get_runtime(request)
    return screening.screen_and_log(
        session,
        runtime.policy,
        screening.ScreenQuery(body.name, body.region, body.legal_rep),
        actor=principal.actor,
        threshold=body.threshold,
        top_k=body.top_k,
    )


@router.post("/screen/decisions", summary="标记筛查候选为同一主体或不同主体", status_code=201)
def screen_decision(
    body: ScreenDecisionIn,
    session: Any = Depends(get_session, scope="function"),
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
