"""Console: 信用大脑 — alerts to handle, a subject's lifecycle timeline, and the city credit dashboard (大屏)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth import access
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, Role, can
from xinyong.errors import Invalid, NotFound
from xinyong.monitoring import dashboard, service
from xinyong.monitoring.schemas import AlertFilter
from xinyong.monitoring.timeline import KIND_LABELS
from xinyong.runtime import Runtime
from xinyong.web import console_data, csrf, permissions
from xinyong.web.routes import console_campaigns, console_timetravel
from xinyong.web.templating import render

router = APIRouter(prefix="/console")
reader = require(Role.OFFICER, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR)
handler = require(permissions.ALERT_HANDLE)
SEVERITY_COLOURS = {"提示": "#5b5f97", "关注": "#8a5a00", "预警": "#c2410c", "严重预警": "#a4161a"}
PAGE_SIZE = 20
REFRESH_SECONDS = 30
ACTIVE_CHOICES = (("true", "有效"), ("false", "已结束"), ("", "全部"))  # the alert list's 状态 filter


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    severity: str | None = Query(None, max_length=8),
    signal: str | None = Query(None, max_length=64),
    status: str | None = Query(None, max_length=8),
    active: Literal["", "true", "false"] = Query("true"),
    page: int = Query(1, ge=1, le=1000),
    principal: Principal = Depends(reader),
) -> HTMLResponse:
    """List the alerts of the caller's duty with filters; officers handle them in place."""
    on = runtime.today()
    f = AlertFilter(
        on,
        signal or None,
        severity or None,
        None,
        None,
        None,
        status or None,
        None,
        {"": None, "true": True, "false": False}[active],
    )
    result = service.list_alerts(
        session,
        runtime.policy,
        principal,
        f,
        page=page,
        size=PAGE_SIZE,
        city_region=runtime.policy.city_region,
    )
    return render(
        request,
        "console/alerts.html",
        {
            "title": "风险预警",
            "section": "alerts",
            "result": result,
            "filters": {
                "severity": severity or "",
                "signal": signal or "",
                "status": status or "",
                "active": active,
            },
            "signals": sorted(
                {(s.id, s.name) for s in service.signals_of(runtime.policy).signals}, key=lambda x: x[1]
            ),
            "severities": sorted(service.SEVERITY_RANK, key=service.SEVERITY_RANK.__getitem__),
            "statuses": service.STATUSES,
            "page": page,
            "pages": max(1, -(-result.total // PAGE_SIZE)),
            "can_handle": can(principal, permissions.ALERT_HANDLE),
            "active_choices": ACTIVE_CHOICES,
            "colours": SEVERITY_COLOURS,
        },
    )


@router.post("/alerts/{alert_id}/status", response_class=HTMLResponse, dependencies=[Depends(csrf.verify)])
def alert_status(
    request: Request,
    alert_id: int,
    status: Annotated[str, Form(max_length=8)],
    session: DbSession,
    runtime: AppRuntime,
    note: Annotated[str, Form(max_length=500)] = "",
    principal: Principal = Depends(handler),
) -> Response:
    """Handle one alert (已核实 / 已处置 / 误报): the row for htmx, else back to the list."""
    on = runtime.today()
    scope = service.scope_of(principal, runtime.policy.city_region)
    error = None
    try:
        alert = service.set_status(
            session,
            alert_id,
            status,
            note or None,
            actor=principal.actor,
            department_id=principal.department_id,
            city_wide=scope.city_wide,
            on=on,
        )
    except Invalid as exc:
        session.rollback()
        error = exc.message
        alert = service.get_alert(session, alert_id)
    if "hx-request" not in request.headers:
        # the form posted before htmx took over (or without JavaScript): back to the page, not a bare row
        return RedirectResponse("/console/alerts", status_code=303)
    return render(
        request,
        "console/_alert_row.html",
        {
            "a": service.alert_view(session, alert, runtime.policy, on),
            "can_handle": True,
            "error": error,
            "colours": SEVERITY_COLOURS,
        },
    )


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    code: str = Query("", max_length=32),
    purpose: str = Query("daily_supervision", max_length=64),
    kinds: list[str] = Query(default_factory=list),
    principal: Principal = Depends(reader),
) -> HTMLResponse:
    """Show a subject's lifecycle in order, filtered by kind."""
    ctx: dict[str, Any] = {
        "title": "主体信用时间轴",
        "section": "timeline",
        "code": code,
        "kinds": kinds,
        "kind_labels": KIND_LABELS,
        "subject": None,
        "entries": [],
        "error": None,
        "can_travel": console_timetravel.can_travel(principal),
    }
    if code:
        try:
            subject, entries = service.subject_timeline(
                session,
                runtime.policy,
                runtime.keys,
                principal,
                code.strip(),
                purpose=access.stated_purpose(principal, purpose),
                on=runtime.today(),
                city_region=runtime.policy.city_region,
            )
            ctx["subject"] = subject
            ctx["entries"] = [e for e in entries if not kinds or e.kind in kinds]
        except (NotFound, Invalid) as exc:
            ctx["error"] = exc.message
    return render(request, "console/timeline.html", ctx)


def _map(sc: dashboard.Screen) -> dict[str, Any]:
    counts = {name: sum(sc.alerts_by_county.get(name, {}).values()) for _, name in sc.counties}
    values = [{"name": name, "value": n} for name, n in counts.items()]
    top = max(counts.values(), default=0) or 1
    return {
        "title": {"text": "各县市区当前风险预警", "left": "center", "textStyle": {"fontSize": 16}},
        "tooltip": {"trigger": "item", "formatter": "{b}：{c} 条"},
        "visualMap": {
            "min": 0,
            "max": top,
            "left": 10,
            "bottom": 10,
            "text": ["多", "少"],
            "calculable": True,
            "inRange": {"color": ["#e8f0fa", "#7aa7d9", "#0b4f9c"]},
        },
        "series": [
            {
                "type": "map",
                "map": "台州",
                "nameMap": {"玉环县": "玉环市"},
                "roam": False,
                "label": {"show": True, "fontSize": 11},
                "data": values,
            }
        ],
    }


def _severity_stack(sc: dashboard.Screen) -> dict[str, Any]:
    names = [name for _, name in sc.counties]
    return {
        "title": {"text": "按预警级别", "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"bottom": 0},
        "grid": {"left": 70, "right": 20, "bottom": 50, "top": 40},
        "xAxis": {"type": "value"},
        "yAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0}},
        "series": [
            {
                "name": sev,
                "type": "bar",
                "stack": "s",
                "itemStyle": {"color": SEVERITY_COLOURS[sev]},
                "data": [sc.alerts_by_county.get(n, {}).get(sev, 0) for n in names],
            }
            for sev in dashboard.severity_order()
        ],
    }


def _screen_context(session: Session, runtime: Runtime) -> dict[str, Any]:
    sc = dashboard.screen(session, runtime.policy, on=runtime.today(), city_region=runtime.policy.city_region)
    charts = {
        "chart-map": _map(sc),
        "chart-severity": _severity_stack(sc),
        "chart-records": console_data.line("近 12 个月新增信用记录（按决定日期）", sc.records_by_month),
        "chart-alerts": console_data.line("近 12 个月新开预警", sc.alerts_by_month),
        "chart-measures": console_data.bar("近 12 个月核查命中的奖惩措施", sc.measures_by_month),
    }
    if sc.grades_by_county:
        charts["chart-grades"] = console_data.stacked("各县市区评价等级", sc.grades_by_county)
    return {
        "screen": sc,
        "charts": charts,
        "refresh": REFRESH_SECONDS,
        "updated": dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).strftime("%H:%M:%S"),
    }


@router.get("/screen", response_class=HTMLResponse)
def screen_page(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(reader),
) -> HTMLResponse:
    """Show the city credit dashboard; its figures refresh in place without reloading."""
    return render(
        request,
        "console/screen.html",
        {"title": "城市信用大屏", "section": "screen", **_screen_context(session, runtime)},
    )


@router.get("/screen/live", response_class=HTMLResponse)
def screen_live(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(reader),
) -> HTMLResponse:
    """Return the dashboard's figures as a fragment (polled by the page)."""
    return render(request, "console/_screen_live.html", _screen_context(session, runtime))


# 专项治理 pages live in their own module, mounted with 信用大脑's pages
router.include_router(console_campaigns.router)
