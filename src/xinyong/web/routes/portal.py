"""Public portal: home with search, results, a subject's public page, 双公示 and lists."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth import limits
from xinyong.auth.deps import current_principal
from xinyong.auth.principal import ANONYMOUS, Principal
from xinyong.commitments import service as commitments_service
from xinyong.errors import Invalid, NotFound
from xinyong.evaluation import service as evaluation_service
from xinyong.records.publication import Filters
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


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> RedirectResponse:
    """Send browsers that ask for the classic icon to the platform's SVG icon."""
    return RedirectResponse("/static/favicon.svg", status_code=301)


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    q: str = Query("", max_length=100),
    page: int = Query(1, ge=1, le=100),
    principal: Principal = Depends(current_principal),
) -> HTMLResponse:
    """List the subjects the public may find by a name fragment or a code."""
    if q:
        limits.take(limits.limits_of(request).search, limits.client_address(request), "检索")
    error = None
    try:
        results = data.search(session, runtime.keys, runtime.policy, ANONYMOUS, q, page, on=runtime.today())
    except Invalid as exc:
        results, error = None, exc.message
    template = "portal/_results.html" if request.headers.get("hx-request") else "portal/search.html"
    title = f"“{q}”的查询结果" if q else "信用查询"
    return render(request, template, {"title": title, "q": q, "results": results, "error": error})


@router.get("/subjects/{code}", response_class=HTMLResponse)
def subject_page(
    request: Request,
    code: str,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(current_principal),
) -> HTMLResponse:
    """Show a subject's public credit information (the public view, whoever is signed in)."""
    file, sections = data.public_file(session, runtime.keys, runtime.policy, code, on=runtime.today())
    subject = subjects_service.get_by_code(session, runtime.keys, code)
    commitments = commitments_service.public(session, runtime.policy, subject_id=subject.id, limit=100)
    grade = evaluation_service.public_grade(session, runtime.policy, subject.id)
    return render(
        request,
        "portal/subject.html",
        {
            "title": f"{file.basics.name} · 信用信息",
            "file": file,
            "sections": sections,
            "commitments": commitments,
            "grade": grade,
        },
    )


@router.get("/publicity/{kind}", response_class=HTMLResponse)
def publicity(
    request: Request,
    kind: str,
    session: DbSession,
    runtime: AppRuntime,
    region: str | None = None,
    department: str | None = None,
    since: str | None = None,
    until: str | None = None,
    page: int = Query(1, ge=1, le=250),
    principal: Principal = Depends(current_principal),
) -> HTMLResponse:
    """List the 双公示 penalties or licences now public, with filters."""
    if kind not in PUBLICITY:
        raise NotFound("没有这一类公示", code="publicity.unknown")
    item, label = PUBLICITY[kind]
    filters = Filters(
        county=region or None,
        department=department or None,
        date_from=_date_or_none(since),
        date_to=_date_or_none(until),
    )
    results = data.published(
        session,
        runtime.policy,
        [item],
        on=runtime.today(),
        filters=filters,
        page=page,
        in_force_only=kind == "licences",
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
    session: DbSession,
    runtime: AppRuntime,
    region: str | None = None,
    page: int = Query(1, ge=1, le=250),
    principal: Principal = Depends(current_principal),
) -> HTMLResponse:
    """List the entries of the red list, the black list or 经营异常名录 now in force."""
    items = data.items_of_list(runtime.policy, list_type)
    label = data.LIST_TYPES[list_type]
    results = data.published(
        session,
        runtime.policy,
        items,
        on=runtime.today(),
        filters=Filters(county=region or None),
        page=page,
        in_force_only=list_type == "red",
    )
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
