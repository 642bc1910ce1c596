"""Jinja2 environment of the pages, the ``render`` helper and the HTML error page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from xinyong.app_deps import get_runtime
from xinyong.auth.principal import ANONYMOUS, ROLE_LABELS, Principal, can
from xinyong.errors import XinyongError
from xinyong.records.schemas import EVENT_LABELS
from xinyong.subjects.scope import WHAT_LABELS
from xinyong.web import csrf, nav, permissions
from xinyong.web.labels import labels
from xinyong.web.tones import tone

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def _date(value: dt.date | dt.datetime | None, fmt: str = "%Y-%m-%d") -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.timezone(dt.timedelta(hours=8)))
        return value.strftime(fmt if fmt != "%Y-%m-%d" else "%Y-%m-%d %H:%M")
    return value.strftime(fmt)


def _percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


templates.env.filters["date"] = _date
templates.env.filters["percent"] = _percent
CONSOLE_NAV: list[tuple[str, str, str]] = [
    ("dashboard", "/console", "归集概览"),
    ("subjects", "/console/subjects", "主体档案"),
    ("campaigns", "/console/campaigns", "专项治理"),
]
# Sections of capabilities that are installed add themselves (see ``xinyong.web.routes``).
PORTAL_NAV: list[tuple[str, str, str]] = []
ME_NAV: list[tuple[str, str, str]] = [
    ("file", "/me", "我的信用档案"),
    ("repairs", "/me/repairs", "信用修复"),
    ("objections", "/me/objections", "异议申请"),
    ("authorisations", "/me/authorisations", "我的授权"),
    ("queries", "/me/queries", "谁查询了我"),
]
BANK_NAV: list[tuple[str, str, str]] = []  # 信贷工作台 (bank users), filled by ``xinyong.web.routes``
templates.env.globals["event_labels"] = EVENT_LABELS
templates.env.globals["tone"] = tone
templates.env.globals["basis_labels"] = {
    "self": "本人查询",
    "duty": "部门依职责查询",
    "authorisation": "经主体授权",
    "credit_centre": "信用工作机构",
    "audit": "审计检查",
    "public": "公开信息",
}
templates.env.globals["what_labels"] = WHAT_LABELS
templates.env.globals["role_labels"] = {r.value: label for r, label in ROLE_LABELS.items()}


# Pages load scripts only from this origin (vendored htmx and ECharts); charts' options travel as JSON
# data blocks, which need no script permission. Inline styles stay allowed for ECharts' SVG output.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def principal_of(request: Request) -> Principal:
    """Return the principal already identified for this request (anonymous if none)."""
    found: Principal | None = getattr(request.state, "principal", None)
    return found or ANONYMOUS


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """Render a page with the common context (principal, CSRF token, policy helpers)."""
    runtime = get_runtime(request)
    principal = principal_of(request)
    header = nav.visible(request.app, principal, [*nav.HEADER_NAV, *PORTAL_NAV, *nav.HEADER_TAIL])
    ctx: dict[str, Any] = {
        "principal": principal,
        "is_console": can(principal, permissions.CONSOLE),
        "signed_in": principal.signed_in,
        "csrf_token": csrf.csrf_token(request),
        "region_name": runtime.policy.region_name,
        "labels": labels(runtime.policy),
        "header_nav": header,
        "header_current": nav.current(request.url.path, header),
        "console_nav": nav.visible(request.app, principal, CONSOLE_NAV),
        "me_nav": nav.visible(request.app, principal, ME_NAV),
        "bank_nav": nav.visible(request.app, principal, BANK_NAV),
        # a deadline in a year whose official holiday schedule is not in policy/calendar/ yet is 暂定
        "tentative": lambda day: day is not None and runtime.policy.calendar.provisional(day.year),
    }
    ctx.update(context or {})
    response = templates.TemplateResponse(request, template, ctx, status_code=status)
    csrf.set_cookie(request, response)
    response.headers.update(SECURITY_HEADERS)
    return response


def wants_html(request: Request) -> bool:
    """Tell whether an error for this request should be a page rather than JSON."""
    path = request.url.path
    if path.startswith(("/api/", "/static/")) or path in ("/healthz", "/readyz"):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept or request.headers.get("hx-request") == "true"


def error_page(request: Request, exc: XinyongError) -> Response:
    """Render a platform error as a page; send anonymous callers of protected pages to sign in."""
    if exc.status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    titles = {403: "无权访问", 404: "未找到", 409: "操作冲突", 422: "输入有误"}
    return render(
        request,
        "errors/error.html",
        {"title": titles.get(exc.status, "出错了"), "error": exc},
        status=exc.status,
    )
