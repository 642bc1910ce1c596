"""Endpoints: publication of 双公示 licences and penalties, and the red, black and 经营异常 lists."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy.orm import Session

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.kit.dates import InputDate
from xinyong.records import publication
from xinyong.records.publication import Filters, Published
from xinyong.records.schemas import PublicEntry, PublicField, PublicPage
from xinyong.records.service import display_fields
from xinyong.runtime import Runtime

router = APIRouter(prefix="/api/v1/public", tags=["信息公示"])


def _entry(p: Published, runtime: Runtime, on: dt.date) -> PublicEntry:
    policy = runtime.policy
    item = policy.catalog.get(p.record.catalog_item)
    r = p.record
    return PublicEntry(
        subject_name=p.subject.name,
        uscc=p.subject.uscc,
        region_code=p.subject.region_code,
        region_name=policy.region_name(p.subject.region_code),
        department_code=p.department.code,
        department_name=p.department.name,
        catalog_item=r.catalog_item,
        catalog_name=item.name if item else r.catalog_item,
        document_no=r.document_no,
        decision_on=r.decision_on,
        valid_to=r.valid_to,
        public_until=p.disclosure.public_until,
        in_force=r.valid_to is None or r.valid_to >= on,
        marks=p.disclosure.marks,
        fields=[PublicField(label=lbl, value=v) for _n, lbl, v in display_fields(item, r.payload or {})],
    )


def _filters(
    county: str | None = Query(None, pattern=r"^\d{6}$", description="区县行政区划代码"),
    department: str | None = Query(None, max_length=32, description="部门编码，如 TZ-SCJG"),
    date_from: InputDate | None = Query(None, description="决定日期起"),
    date_to: InputDate | None = Query(None, description="决定日期止"),
    q: str | None = Query(None, max_length=100, description="关键词：主体名称、统一社会信用代码或决定文书号"),
) -> Filters:
    return Filters(
        county=county, department=department, date_from=date_from, date_to=date_to, keyword=q or None
    )


def _page(
    title: str,
    items: list[str],
    filters: Filters,
    page: int,
    size: int,
    session: Session,
    runtime: Runtime,
    *,
    in_force_only: bool = False,
) -> PublicPage:
    on = runtime.today()
    found, more = publication.published_page(
        session, runtime.policy, items, on, filters, page=page, size=size, in_force_only=in_force_only
    )
    return PublicPage(
        title=title,
        as_of=on,
        page=page,
        size=size,
        has_more=more,
        items=[_entry(p, runtime, on) for p in found],
    )


_PAGE = Query(1, ge=1, le=publication.MAX_DEPTH // 10)
_SIZE = Query(20, ge=1, le=100)


@router.get("/penalties", summary="行政处罚公示（双公示，当前公示期内）", response_model=PublicPage)
def public_penalties(
    session: DbSession,
    runtime: AppRuntime,
    filters: Filters = Depends(_filters),
    page: int = _PAGE,
    size: int = _SIZE,
) -> PublicPage:
    """List the penalties currently public."""
    return _page("行政处罚公示", ["xzcf"], filters, page, size, session, runtime)


@router.get("/licences", summary="行政许可公示（双公示）", response_model=PublicPage)
def public_licences(
    session: DbSession,
    runtime: AppRuntime,
    filters: Filters = Depends(_filters),
    in_force: bool = Query(True, description="只列有效期内的许可"),
    page: int = _PAGE,
    size: int = _SIZE,
) -> PublicPage:
    """List the licences currently public."""
    return _page("行政许可公示", ["xzxk"], filters, page, size, session, runtime, in_force_only=in_force)


@router.get("/lists/{list_type}", summary="红黑名单与经营异常名录（当前在列）", response_model=PublicPage)
def public_list(
    session: DbSession,
    runtime: AppRuntime,
    list_type: str = Path(
        ..., description="red（红名单）、black（严重失信黑名单）、abnormal（经营异常名录）"
    ),
    filters: Filters = Depends(_filters),
    page: int = _PAGE,
    size: int = _SIZE,
) -> PublicPage:
    """List the entries of a list currently in force."""
    items = publication.items_of_list(runtime.policy, list_type)
    title = publication.LIST_TYPES[list_type][1]
    return _page(title, items, filters, page, size, session, runtime, in_force_only=list_type == "red")
