"""Endpoints: the credit file (一户一档) and subject search."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from xinyong.app_deps import AppRuntime, DbSession, get_runtime
from xinyong.auth import limits
from xinyong.auth.deps import Caller, has_credentials, resolve_principal
from xinyong.auth.principal import ANONYMOUS, Role
from xinyong.creditfile.service import build_credit_file
from xinyong.db import reading_session
from xinyong.errors import Forbidden, Unauthorized
from xinyong.kit.dates import InputDate
from xinyong.records import service as records_service
from xinyong.subjects import search as search_service
from xinyong.subjects import service as subjects_service
from xinyong.subjects.queries import Reader
from xinyong.subjects.schemas import CodeIn, CodeToken, CreditFile, SearchPage

router = APIRouter(prefix="/api/v1", tags=["信用档案"])
# Search is the hottest public read: its own router, included first (``app.ROUTERS``), so a request
# does not walk every other capability's routes before it matches (~20% of its CPU on FastAPI 0.165, measured).
search_router = APIRouter(prefix="/api/v1", tags=["信用档案"])

# Roles that may look at a file as it stood on another day (reproducing what was shown then).
_AS_OF_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})


@search_router.get("/subjects", summary="检索信用主体（代码精确查询或名称片段）", response_model=SearchPage)
async def search_subjects(
    request: Request,
    q: str = Query(
        ..., min_length=1, max_length=100, description="统一社会信用代码、身份证号或名称片段（至少 2 个字）"
    ),
    page: int = Query(1, ge=1, le=10),
    size: int = Query(20, ge=1, le=search_service.MAX_PAGE_SIZE),
) -> Response:
    """Search subjects; natural persons appear only to government callers."""
    limits.take(limits.limits_of(request).search, limits.client_address(request), "检索")
    runtime = get_runtime(request)
    if has_credentials(request):
        with reading_session(runtime.sessions) as session:
            principal = resolve_principal(request, session)
            result = search_service.search(
                session, runtime.keys, runtime.policy, principal, q, page=page, size=size, on=runtime.today()
            )
            session.commit()
    else:  # the public: public columns only, nothing logged, so no session or transaction to pay for
        with runtime.reader() as conn:
            reader = Reader(conn, runtime.engine.dialect.name)
            result = search_service.search(
                reader, runtime.keys, runtime.policy, ANONYMOUS, q, page=page, size=size, on=runtime.today()
            )
    # Serialised once here (hot path): returning a Response skips FastAPI's second validation pass.
    return Response(result.model_dump_json(), media_type="application/json")


@router.post(
    "/subjects/code-token",
    summary="换取可放入网址的主体代码令牌（身份证号不应出现在网址中）",
    response_model=CodeToken,
)
def code_token(
    body: CodeIn,
    request: Request,
    principal: Caller,
    runtime: AppRuntime,
) -> CodeToken:
    """Return the token for ``code``: use it in ``/subjects/{code}`` and the routes below it, and in ``?q=``."""
    if principal.role == Role.PUBLIC:
        raise Unauthorized("请先登录", code="auth.required")
    limits.take(limits.limits_of(request).search, principal.actor, "代码令牌")
    return CodeToken(token=subjects_service.code_token(runtime.keys, body.code))


@router.get("/subjects/{code}", summary="信用档案（按查询者身份可见）", response_model=CreditFile)
def credit_file(
    session: DbSession,
    code: str,
    principal: Caller,
    runtime: AppRuntime,
    purpose: str | None = Query(
        None, max_length=64, description="部门依职责查询时的查询情形（如 licensing）"
    ),
    on: InputDate | None = Query(None, description="查询日期（有效时间；仅信用中心与审计可指定，默认今天）"),
    known: str | None = Query(
        None,
        max_length=40,
        description=records_service.KNOWN_HELP,
    ),
) -> CreditFile:
    """Return the credit file of the subject with ``code`` (USCC or 身份证) as the caller may see it."""
    if (on is not None or known is not None) and principal.role not in _AS_OF_ROLES:
        raise Forbidden("只有信用中心和审计人员可以查看历史日期的档案", code="file.as_of_forbidden")
    at = records_service.as_of_request(runtime, on, known)
    return build_credit_file(
        session,
        runtime.keys,
        runtime.policy,
        principal,
        code,
        purpose=purpose,
        on=at.on,
        known_at=at.known_at,
    )
