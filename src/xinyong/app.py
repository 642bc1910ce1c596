"""The web application: ``create_app(settings)`` builds it; nothing connects at import."""

from __future__ import annotations

import gc
import json
import logging
from typing import Any, Protocol

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from xinyong import __version__, access_log, apidocs, security_headers, wiring
from xinyong.agencies import api as agencies_api
from xinyong.app_deps import AppRuntime
from xinyong.audit import api as audit_api
from xinyong.auth import api as auth_api
from xinyong.commitments import api as commitments_api
from xinyong.errors import Invalid, TooManyRequests, XinyongError, from_http
from xinyong.evaluation import api as evaluation_api
from xinyong.finance import api as finance_api
from xinyong.guards import StrictJSON, validation_error
from xinyong.indices import api as indices_api
from xinyong.ingest import api as ingest_api
from xinyong.migrate import at_head
from xinyong.monitoring import api as monitoring_api
from xinyong.objections import api as objections_api
from xinyong.outbox import api as outbox_api
from xinyong.records import api as records_api
from xinyong.repair import api as repair_api
from xinyong.reports import api as reports_api
from xinyong.runtime import Runtime
from xinyong.rural import api as rural_api
from xinyong.sanctions import api as sanctions_api
from xinyong.sanctions import hot as sanctions_hot
from xinyong.scenes import api as scenes_api
from xinyong.security_headers import SecurityHeaders
from xinyong.settings import Settings
from xinyong.simulation import api as simulation_api
from xinyong.subjects import api as subjects_api
from xinyong.web import routes as web_routes

log = logging.getLogger(__name__)

# The routers of the capabilities, in the order they are matched.
ROUTERS: tuple[APIRouter, ...] = (
    sanctions_api.hot_router,  # first: the 核查 check's hot path (see its module)
    subjects_api.search_router,  # first: the hottest public read matches without a long walk
    repair_api.router,
    objections_api.router,
    outbox_api.router,
    apidocs.router,
    auth_api.router,
    subjects_api.router,
    records_api.router,
    audit_api.router,
    ingest_api.router,
    evaluation_api.router,
    sanctions_api.router,
    commitments_api.router,
    monitoring_api.router,
    reports_api.router,
    finance_api.router,
    scenes_api.router,
    simulation_api.router,
    indices_api.router,
    rural_api.router,
    agencies_api.router,
    agencies_api.people_router,
    web_routes.router,
)


class HotEndpoint(Protocol):
    """An endpoint served as plain ASGI before FastAPI's routing (see :class:`HotEndpoints`)."""

    @property
    def method(self) -> str:
        """The HTTP method it answers."""

    @property
    def path(self) -> str:
        """The exact path it answers."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one request."""


# Only for measured hot paths; each keeps a documenting FastAPI route.
HOT_ENDPOINTS: tuple[HotEndpoint, ...] = (sanctions_hot.endpoint,)


class HotEndpoints:
    """ASGI middleware, outermost, that hands the requests of ``HOT_ENDPOINTS`` straight to their endpoint.

    It stands outside FastAPI's own middleware (server errors, telemetry, body limit): a hot endpoint
    answers its own errors, an unexpected one included (uvicorn would otherwise answer a plain-text 500).
    """

    def __init__(self, app: ASGIApp, endpoints: dict[tuple[str, str], HotEndpoint]) -> None:
        self.app = app
        self.endpoints = endpoints

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve a hot endpoint, or pass the request on."""
        hot = self.endpoints.get((scope.get("method", ""), scope.get("path", "")))
        if hot is None or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await hot(scope, receive, send)


class XinyongAPI(FastAPI):
    """FastAPI with :class:`HotEndpoints` in front of its middleware stack."""

    hot_endpoints: dict[tuple[str, str], HotEndpoint]

    secure_headers: bool = False

    def build_middleware_stack(self) -> ASGIApp:
        """Wrap FastAPI's stack so the hot endpoints skip it (and, in production, add security headers)."""
        stack: ASGIApp = HotEndpoints(super().build_middleware_stack(), self.hot_endpoints)
        return SecurityHeaders(stack) if self.secure_headers else stack


health = APIRouter(tags=["运行状态"])


class Health(BaseModel):
    """The process is alive."""

    status: str
    version: str


class Readiness(BaseModel):
    """Whether the app can serve: each check's state (a failed check leaves later ones out)."""

    status: str = Field(description="ok 或 unavailable（HTTP 503）")
    database: str
    migrations: str | None = Field(default=None, description="at_head 或 behind")
    policy_hash: str | None = None
    policy: str | None = None


@health.get("/healthz", summary="存活检查")
def healthz() -> Health:
    """Answer that the process is alive."""
    return Health(status="ok", version=__version__)


@health.get(
    "/readyz",
    summary="就绪检查：数据库可达、迁移到最新、政策已加载",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "未就绪"}},
)
def readyz(runtime: AppRuntime) -> JSONResponse:
    """Check the database, the migrations and the policy."""
    checks: dict[str, Any] = {}
    ok = True
    try:
        with runtime.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
        head = at_head(runtime.engine, runtime.settings.database_url)
        checks["migrations"] = "at_head" if head else "behind"
        ok = ok and head
    except Exception as exc:
        checks["database"] = f"error: {type(exc).__name__}"
        ok = False
    try:
        checks["policy_hash"] = runtime.policy.hash
        checks["policy"] = "ok"
    except XinyongError as exc:
        checks["policy"] = exc.message
        ok = False
    return JSONResponse({"status": "ok" if ok else "unavailable", **checks}, status_code=200 if ok else 503)


def _error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, XinyongError)  # noqa: S101 - registered for this type only
    from xinyong.web.templating import error_page, wants_html

    response = error_page(request, exc) if wants_html(request) else None
    if response is None:
        response = JSONResponse(exc.to_dict(), status_code=exc.status)
    if isinstance(exc, TooManyRequests):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _http_error_handler(request: Request, exc: Exception) -> Response:
    """Answer the framework's own HTTP errors (unknown path, wrong method) in Chinese, as a page for browsers."""
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101 - registered for this type only
    response = _error_handler(request, from_http(exc.status_code))
    response.headers.update(exc.headers or {})
    return response


def _page_validation_handler(request: Request, exc: Exception) -> Response:
    """Answer a bad query or form on a page with a Chinese page; the API keeps its JSON answer."""
    from xinyong.web.templating import wants_html

    if not wants_html(request):
        return validation_error(request, exc)
    body = validation_error(request, exc).body
    message = json.loads(bytes(body)).get("message", "请求参数不合法")
    return _error_handler(request, Invalid(message, code="request.invalid"))


def _out_of_range_handler(_request: Request, exc: Exception) -> JSONResponse:
    """Answer a number the database cannot hold (e.g. an id past 2^63) as bad input, not a server error."""
    log.info("out-of-range input: %s", type(exc).__name__)
    return JSONResponse({"code": "value.out_of_range", "message": "参数数值超出允许范围"}, status_code=422)


# What the database said, mapped to a stable code and a Chinese message (the write was rolled back: nothing
# half-written); the operator's log gets the driver's own words.
_STORAGE_FAULTS = (
    (
        ("readonly database", "read-only", "read only"),
        "storage.read_only",
        "数据库当前为只读，本次操作未保存；请稍后重试或联系管理员",
    ),
    (
        ("disk is full", "no space left", "disk full"),
        "storage.full",
        "服务器存储空间已满，本次操作未保存；请联系管理员",
    ),
    (("database is locked", "lock timeout"), "storage.busy", "系统繁忙，本次操作未保存；请稍后重试"),
)


def _storage_handler(request: Request, exc: Exception) -> Response:
    """Answer a database that cannot write (read-only, full, locked past the wait) as 503, never a 500."""
    text = str(exc).lower()
    code, message = "storage.unavailable", "数据库暂时不可用，本次操作未保存；请稍后重试"
    for needles, found_code, found_message in _STORAGE_FAULTS:
        if any(n in text for n in needles):
            code, message = found_code, found_message
            break
    log.error("database fault (%s): %s", code, str(exc).splitlines()[0][:300])
    response = _error_handler(request, XinyongError(message, code=code, status=503))  # a page for browsers
    response.headers["Retry-After"] = "30"
    return response


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    """Build the application for ``settings`` (or an existing runtime)."""
    wiring.install()
    rt = runtime or Runtime.build(settings or Settings())
    app = XinyongAPI(
        title="信用台州 · Xinyong 公共信用信息平台",
        version=__version__,
        description="台州市公共信用信息平台接口（/api/v1）。",
        docs_url=None,
        redoc_url=None,
        # FastAPI's native OpenTelemetry probes for providers on every request; only where it is wanted
        telemetry=None if rt.settings.opentelemetry else {"tracing": False, "metrics": False, "logs": False},
    )
    app.state.runtime = rt
    app.hot_endpoints = {(endpoint.method, endpoint.path): endpoint for endpoint in HOT_ENDPOINTS}
    app.secure_headers = security_headers.wanted(rt.settings)
    app.add_exception_handler(XinyongError, _error_handler)
    app.add_exception_handler(OverflowError, _out_of_range_handler)
    app.add_exception_handler(DataError, _out_of_range_handler)
    app.add_exception_handler(OperationalError, _storage_handler)
    app.add_exception_handler(RequestValidationError, _page_validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_error_handler)
    app.add_middleware(StrictJSON)
    app.include_router(health)
    from xinyong.web.templating import STATIC_DIR

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in ROUTERS:
        app.include_router(router)
    return app


def serve_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for a serving process (``xinyong serve``; ``uvicorn --factory xinyong.app:serve_app``).

    The policy is loaded up front, and everything alive after start-up (modules, routes, the policy,
    compiled statements) is moved out of the garbage collector's view with ``gc.freeze()``: otherwise each
    full collection walks those hundreds of thousands of long-lived objects while requests wait (a
    latency spike of tens of milliseconds, measured with ``benchmarks/check.py``). Not used by tests, which
    build many short-lived apps.
    """
    app = create_app(settings)
    access_log.install()
    app.state.runtime.policy  # noqa: B018 - load and validate the policy before the first request
    gc.collect()
    gc.freeze()

    return app
