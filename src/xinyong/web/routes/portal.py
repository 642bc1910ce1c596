"""Public portal: home with search, results, a subject's public page, 双公示 and lists."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from xinyong.app_deps import get_runtime, get_session
from xinyong.auth.deps import current_principal
from xinyong.auth.principal import Principal
from xinyong.errors import NotFound
from xinyong.runtime import Runtime
from xinyong.subjects import service as subjects_service
from xinyong.web import data
from xinyong.web.templating import render

router = APIRouter()

PUBLICITY = {"penalties": ("xzcf", "行政处罚"), "licences": ("xzxk", "行政许可")}


def _date_or_none(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/", response_class=HTMLResponse)
def home(request: Request, principal: Principal = Depends(current_principal)) -> HTMLResponse:
    """Show the portal's home page with the search box."""
    return render(request, "portal/home.html", {"title": "首页", "lists": data.LIST_TYPES})


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request,
    q: str = Query("", max_length=100),
    page: int = Query(1, ge=1, le=100),
    principal: Principal = Depends(current_principal),
    session: Session = Depends(get_session),
    runtime: Runtime = Depends(get_runtime),
) -> HTMLResponse:
    """List the subjects matching a name fragment or a code."""
    results = data.search(session, runtime.keys, q, page)
    regions = {s.region_code: runtime.policy.region_name(s.region_code) for s in results.items}
    template = "portal/_results.html" if request.headers.get("hx-request") else "portal/search.html"
    return render(
        request,
        template,
        {"title": f"“{q}”的查询结果" if q else "信用查询", "q": q, "results": results, "regions": regions},
    )


@router.get("/subjects/{code}", response_class=HTMLResponse)
def subject_page(
    request: Request,
    code: str,
    principal: Principal = Depends(current_principal),
    session: Session = Depends(get_session),
    runtime: Runtime = Depends(get_runtime),
) -> HTMLResponse:
    """Show a subject's public credit information (natural persons are never public)."""
    subject = subjects_service.get_by_code(session, runtime.keys, code)
    view = data.subject_view(session, runtime.policy, subject)
    if not view.public:
        raise NotFound("自然人信用信息不向社会公开", code="subject.not_public")
    return render(
        request, "portal/subject.html", {"title": f"{subject.name} · 信用信息", "view": view, "code": code}
    )


@router.get("/publicity/{kind}", response_class=HTMLResponse)
def publicity(
    request: Request,
    kind: str,
    region: str | None = None,
    department: str | None = None,
    since: str | None = None,
    until: str | None = None,
    page: int = Query(1, ge=1, le=10000),
    principal: Principal = Depends(current_principal),
    session: Session = Depends(get_session),
    runtime: Runtime = Depends(get_runtime),
) -> HTMLResponse:
    """List the 双公示 penalties or licences now public, with filters."""
    if kind not in PUBLICITY:
        raise NotFound("没有这一类公示", code="publicity.unknown")
    item, label = PUBLICITY[kind]
    results = data.publication(
        session,
        runtime.policy,
        [item],
        region=region or None,
        department=department or None,
        since=_date_or_none(since),
        until=_date_or_none(until),
        page=page,
    )
    return render(
        request,
        "portal/publicity.html",
        {
            "title": f"双公示 · {label}",
            "kind": kind,
            "label": label,
            "kinds": PUBLICITY,
            "results": results,
            "filters": {
                "region": region or "",
                "department": department or "",
                "since": since or "",
                "until": until or "",
            },
            "regions": runtime.policy.regions.regions,
            "departments": data.departments(session),
        },
    )


@router.get("/lists/{list_type}", response_class=HTMLResponse)
def lists(
    request: Request,
    list_type: str,
    region: str | None = None,
    page: int = Query(1, ge=1, le=10000),
    principal: Principal = Depends(current_principal),
    session: Session = Depends(get_session),
    runtime: Runtime = Depends(get_runtime),
) -> HTMLResponse:
    """List the entries of a red or black list, or 经营异常名录, now in force."""
    if list_type not in data.LIST_ITEMS:
        raise NotFound("没有这一名单", code="list.unknown")
    label, items = data.LIST_ITEMS[list_type]
    results = data.publication(session, runtime.policy, list(items), region=region or None, page=page)
    return render(
        request,
        "portal/lists.html",
        {
            "title": f"名单公示 · {label}",
            "list_type": list_type,
            "label": label,
            "lists": data.LIST_TYPES,
            "results": results,
            "filters": {"region": region or ""},
            "regions": runtime.policy.regions.regions,
        },
    )
