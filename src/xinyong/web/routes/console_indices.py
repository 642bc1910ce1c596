"""Console: the indices — rankings with change, per-unit drill-down to the facts, history, XLSX export."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as FastAPIPath
from fastapi.responses import HTMLResponse, Response

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, Role
from xinyong.errors import NotFound
from xinyong.indices import service
from xinyong.indices.schemas import IndexInfo, IndexResults
from xinyong.web import console_data, listing
from xinyong.web.templating import render

router = APIRouter(prefix="/console")
reader = require(Role.OFFICER, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR)
INDEX_ID = FastAPIPath(..., max_length=48, pattern=r"^[a-z0-9-]+$")
PERIOD = Query("", max_length=8)
UNIT = Query("", max_length=16, pattern=r"^[a-z]*$")


def _info(session: Any, runtime: Any, index: str) -> IndexInfo:
    found = next((i for i in service.catalogue(session, runtime.policy) if i.index_id == index), None)
    if found is None:
        raise NotFound(f"指数 {index} 不存在", code="indices.not_found")
    return found


def _history_chart(results: IndexResults, points: list[Any], title: str) -> dict[str, Any]:
    chart = console_data.line(title, [(p.period, p.total) for p in points])
    if results.target:
        chart["series"][0]["markLine"] = {
            "symbol": "none",
            "data": [{"yAxis": results.target.value, "name": results.target.name}],
            "label": {"formatter": f"{results.target.name} {results.target.value:g}"},
            "lineStyle": {"color": "#a4161a", "type": "dashed"},
        }
        chart["yAxis"]["min"] = "dataMin"
    return chart


@router.get("/indices", response_class=HTMLResponse)
def indices_page(
    request: Request, session: DbSession, runtime: AppRuntime, principal: Principal = Depends(reader)
) -> HTMLResponse:
    """List the indices with their unit kinds and the periods that have results."""
    items = service.catalogue(session, runtime.policy)
    return render(request, "console/indices.html", {"title": "指数", "section": "indices", "items": items})


@router.get("/indices/{index}", response_class=HTMLResponse)
def index_page(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    index: str = INDEX_ID,
    period: str = PERIOD,
    unit: str = UNIT,
    principal: Principal = Depends(reader),
) -> HTMLResponse:
    """Show one index's ranking for a period and unit kind, its bar chart and, for one unit, the history."""
    info = _info(session, runtime, index)
    chosen = period or (info.periods[0] if info.periods else "")
    if not chosen:
        return render(
            request,
            "console/index.html",
            {"title": info.name, "section": "indices", "info": info, "res": None},
        )
    kind = unit or info.units[0]
    if service.is_personal(kind):  # households: never ranked on a page, read one at a time
        context = {"title": info.name, "section": "indices", "info": info, "res": None, "personal": kind}
        return render(request, "console/index.html", context)
    res = service.results(session, runtime.policy, index, chosen, unit or None)
    pairs = [(u.unit_name, u.total) for u in res.units]
    charts = {
        "chart-ranking": console_data.bar(f"{res.unit_label}得分（{res.period}）", pairs, horizontal=True)
    }
    trend = service.trend(session, index, res.unit_kind)
    charts["chart-trend"] = console_data.line(f"{res.unit_label}平均得分（各统计期）", trend)
    if len(res.units) == 1:  # one unit (the city): its history beside the reference line
        only = res.units[0]
        history = service.history(session, index, res.unit_kind, only.unit_key)
        charts["chart-history"] = _history_chart(res, history, f"{only.unit_name}历史得分")
    return render(
        request,
        "console/index.html",
        {
            "title": info.name,
            "section": "indices",
            "info": info,
            "res": res,
            "charts": charts,
            "columns": res.units[0].indicators if res.units else [],  # every unit has the same indicators
        },
    )


@router.get("/indices/{index}/units/{key}", response_class=HTMLResponse)
def unit_page(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    index: str = INDEX_ID,
    key: str = FastAPIPath(..., max_length=64, pattern=r"^[A-Za-z0-9-]+$"),
    period: str = PERIOD,
    unit: str = UNIT,
    principal: Principal = Depends(reader),
) -> HTMLResponse:
    """Drill down into one unit: each indicator's value and points, the facts behind them, the history."""
    info = _info(session, runtime, index)
    chosen = period or (info.periods[0] if info.periods else "2000-01")
    res = service.unit_result(
        session, runtime.policy, principal, index, chosen, (unit or None, key), on=runtime.today()
    )
    row = res.units[0]
    facts = {i.code: service.describe(session, runtime.policy, i.evidence) for i in row.indicators}
    history = service.history(session, index, res.unit_kind, key)
    charts = {"chart-history": _history_chart(res, history, f"{row.unit_name}历史得分")}
    return render(
        request,
        "console/index_unit.html",
        {
            "title": f"{row.unit_name} · {info.name}",
            "section": "indices",
            "info": info,
            "res": res,
            "row": row,
            "facts": facts,
            "charts": charts,
            "personal": service.is_personal(res.unit_kind),
        },
    )


@router.get("/indices/{index}/export.xlsx", response_class=Response)
def export(
    session: DbSession,
    runtime: AppRuntime,
    index: str = INDEX_ID,
    period: str = Query(..., max_length=8),
    unit: str = UNIT,
    principal: Principal = Depends(reader),
) -> Response:
    """Download the ranking with every indicator's points as XLSX (Chinese headers)."""
    res = service.results(session, runtime.policy, index, period, unit or None)
    names = [i.name for i in (res.units[0].indicators if res.units else [])]
    columns = ["名次", "单位", "总分", "等级", "较上期", *names]
    rows = [
        [
            u.rank,
            u.unit_name,
            u.total,
            u.grade_name,
            "" if u.change is None else u.change,
            *[i.points for i in u.indicators],
        ]
        for u in res.units
    ]
    about = (
        ("指数", res.name),
        ("统计期", res.period),
        ("单位类型", res.unit_label),
        ("运行编号", res.run_id or ""),
        ("政策哈希", res.policy_hash or ""),
        ("依据", res.basis),
    )
    body = listing.workbook("排名", columns, rows, about)
    title = f"{res.name}-{res.unit_label}-{res.period}"
    disposition = (
        f"attachment; filename=\"index-{index}-{res.period}.xlsx\"; filename*=UTF-8''{quote(title)}.xlsx"
    )
    return Response(body, media_type=listing.XLSX_TYPE, headers={"Content-Disposition": disposition})
