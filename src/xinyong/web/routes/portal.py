"""Public portal: home with search, results, a subject's public page, 双公示 and lists."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from xinyong.app_deps import AppRuntime, DbSession, get_runtime
from xinyong.auth import limits
from xinyong.auth.deps import current_principal
from xinyong.auth.principal import ANONYMOUS, Principal
from xinyong.commitments import service as commitments_service
from xinyong.departments import service as departments_service
from xinyong.errors import Invalid, NotFound
from xinyong.evaluation import service as evaluation_service
from xinyong.runtime import Runtime
from xinyong.subjects import schemas as subjects_schemas
from xinyong.subjects import service as subjects_service
from xinyong.web import data, listing
from xinyong.web.templating import render

router = APIRouter()

PUBLICITY = {"penalties": ("xzcf", "行政处罚"), "licences": ("xzxk", "行政许可")}


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
            "commitments_section": subjects_schemas.COMMITMENTS_SECTION,
            "grade": grade,
        },
    )


def _publicity_kind(kind: str) -> tuple[str, str]:
    if kind not in PUBLICITY:
        raise NotFound("没有这一类公示", code="publicity.unknown")
    return PUBLICITY[kind]


def _export(
    title: str,
    filename: str,
    items: list[str],
    lq: listing.ListQuery,
    *,
    in_force_only: bool,
    session: Session,
    runtime: Runtime,
) -> Response:
    """Answer every entry of the filter (up to the cap) as an XLSX download."""
    on, filters, cap = runtime.today(), lq.checked(), listing.EXPORT_CAP
    results = data.published(
        session, runtime.policy, items, on=on, filters=filters, page=1, size=cap, in_force_only=in_force_only
    )
    body = listing.xlsx_of(title, list(results.items), as_of=on, truncated=results.more)
    disposition = f"attachment; filename=\"{filename}.xlsx\"; filename*=UTF-8''{quote(title)}.xlsx"
    return Response(body, media_type=listing.XLSX_TYPE, headers={"Content-Disposition": disposition})


def _list_page(request: Request, template: str, lq: listing.ListQuery, ctx: dict[str, Any]) -> HTMLResponse:
    ctx |= {"filters": lq.form, "error": lq.error, "regions": get_runtime(request).policy.regions.regions}
    ctx |= {"export_cap": listing.EXPORT_CAP}
    return render(request, template, ctx, status=400 if lq.error else 200)


@router.get("/publicity/{kind}", response_class=HTMLResponse)
def publicity(
    request: Request,
    kind: str,
    session: DbSession,
    runtime: AppRuntime,
    lq: listing.ListQuery = Depends(listing.list_query),
    page: int = Query(1, ge=1, le=data.DEEPEST // data.PAGE_SIZE),
    principal: Principal = Depends(current_principal),
) -> HTMLResponse:
    """List the 双公示 penalties or licences now public, with keyword and filters."""
    item, label = _publicity_kind(kind)
    results = data.Page(items=[], page=page, more=False)
    if not lq.error:
        on, licences = runtime.today(), kind == "licences"
        results = data.published(
            session, runtime.policy, [item], on=on, filters=lq.filters, page=page, in_force_only=licences
        )
    ctx: dict[str, Any] = {
        "title": f"双公示 · {label}",
        "kind": kind,
        "label": label,
        "kinds": PUBLICITY,
        "results": results,
    }
    return _list_page(
        request, "portal/publicity.html", lq, ctx | {"departments": departments_service.listed(session)}
    )


@router.get("/publicity/{kind}/export.xlsx", response_class=Response)
def publicity_export(
    kind: str,
    session: DbSession,
    runtime: AppRuntime,
    lq: listing.ListQuery = Depends(listing.list_query),
    principal: Principal = Depends(current_principal),
) -> Response:
    """Download every 双公示 entry of the current filter (up to the cap) as XLSX."""
    item, label = _publicity_kind(kind)
    licences = kind == "licences"
    return _export(
        f"双公示·{label}",
        f"publicity-{kind}",
        [item],
        lq,
        in_force_only=licences,
        session=session,
        runtime=runtime,
    )


@router.get("/lists/{list_type}", response_class=HTMLResponse)
def lists(
    request: Request,
    list_type: str,
    session: DbSession,
    runtime: AppRuntime,
    lq: listing.ListQuery = Depends(listing.list_query),
    page: int = Query(1, ge=1, le=data.DEEPEST // data.PAGE_SIZE),
    principal: Principal = Depends(current_principal),
) -> HTMLResponse:
    """List the entries of the red list, the black list or 经营异常名录 now in force, with keyword and filters."""
    items = data.items_of_list(runtime.policy, list_type)
    label = data.LIST_TYPES[list_type]
    results = data.Page(items=[], page=page, more=False)
    if not lq.error:
        on, red = runtime.today(), list_type == "red"
        results = data.published(
            session, runtime.policy, items, on=on, filters=lq.filters, page=page, in_force_only=red
        )
    ctx: dict[str, Any] = {
        "title": f"名单公示 · {label}",
        "list_type": list_type,
        "label": label,
        "lists": data.LIST_TYPES,
    }
    ctx |= {"results": results, "departments": departments_service.listed(session)}
    return _list_page(request, "portal/lists.html", lq, ctx)


@router.get("/lists/{list_type}/export.xlsx", response_class=Response)
def lists_export(
    list_type: str,
    session: DbSession,
    runtime: AppRuntime,
    lq: listing.ListQuery = Depends(listing.list_query),
    principal: Principal = Depends(current_principal),
) -> Response:
    """Download every entry of a list's current filter (up to the cap) as XLSX."""
    items, title = data.items_of_list(runtime.policy, list_type), f"名单公示·{data.LIST_TYPES[list_type]}"
    red = list_type == "red"
    return _export(title, f"list-{list_type}", items, lq, in_force_only=red, session=session, runtime=runtime)
