"""Console: 专项治理 — the credit centre defines and launches campaigns; departments work their targets."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, Role, can
from xinyong.errors import XinyongError
from xinyong.monitoring import campaign_states, campaigns
from xinyong.monitoring.schemas import CampaignIn, TaskStatusIn
from xinyong.web import csrf, permissions
from xinyong.web.templating import render

router = APIRouter()  # mounted under /console by console_monitor
reader = require(Role.OFFICER, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR)
PAGE_SIZE = 50


@router.get("/campaigns", response_class=HTMLResponse)
def campaigns_page(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    error: str = "",
    principal: Principal = Depends(reader),
) -> HTMLResponse:
    """List the campaigns the caller takes part in; the credit centre also defines new ones here."""
    region = runtime.policy.city_region
    items = campaigns.list_campaigns(session, principal, on=runtime.today(), city_region=region)
    can_define = can(principal, campaigns.DEFINE)
    return render(
        request,
        "console/campaigns.html",
        {
            "title": "专项治理",
            "section": "campaigns",
            "items": items,
            "can_define": can_define,
            "choices": campaigns.form_choices(session, runtime.policy, region) if can_define else None,
            "default_start": runtime.today(),
            "error": error[:200],
        },
    )


@router.post("/campaigns", dependencies=[Depends(csrf.verify)])
def define_campaign(
    name: Annotated[str, Form(max_length=200)],
    basis: Annotated[str, Form(max_length=500)],
    list_item: Annotated[str, Form(max_length=32)],
    domain: Annotated[str, Form(max_length=32)],
    starts_on: Annotated[dt.date, Form()],
    ends_on: Annotated[dt.date, Form()],
    due_on: Annotated[dt.date, Form()],
    session: DbSession,
    runtime: AppRuntime,
    industry: Annotated[str, Form(max_length=64)] = "",
    region: Annotated[str, Form(max_length=6)] = "",
    principal: Principal = Depends(require(campaigns.DEFINE)),
) -> RedirectResponse:
    """Define a campaign on subjects on a list (optionally of one industry and county)."""
    try:
        body = CampaignIn(
            name=name,
            basis=basis,
            rule={  # validated into TargetRule by pydantic
                "condition": {"type": "listed", "catalog_items": [list_item]},
                "industries": [industry] if industry else [],
                "regions": [region] if region else [],
            },
            domains=[domain],
            starts_on=starts_on,
            ends_on=ends_on,
            due_on=due_on,
        )
        row = campaigns.create_campaign(session, runtime.policy, body, principal=principal)
    except (XinyongError, ValidationError) as exc:
        session.rollback()
        message = exc.message if isinstance(exc, XinyongError) else "请检查填写的内容"
        return RedirectResponse(f"/console/campaigns?error={quote(message)}", status_code=303)
    return RedirectResponse(f"/console/campaigns/{row.id}", status_code=303)


@router.post("/campaigns/{campaign_id}/launch", dependencies=[Depends(csrf.verify)])
def launch_campaign(
    campaign_id: int,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(require(campaigns.DEFINE)),
) -> RedirectResponse:
    """Launch: derive and freeze the target list, assign it by jurisdiction."""
    error = ""
    try:
        campaigns.launch(
            session,
            runtime.policy,
            campaign_id,
            principal=principal,
            on=runtime.today(),
            city_region=runtime.policy.city_region,
        )
    except XinyongError as exc:
        session.rollback()
        error = exc.message
    return RedirectResponse(f"/console/campaigns/{campaign_id}?error={quote(error)}", status_code=303)


@router.get("/campaigns/{campaign_id}", response_class=HTMLResponse)
def campaign_page(
    request: Request,
    campaign_id: int,
    session: DbSession,
    runtime: AppRuntime,
    status: str = "",
    page: int = 1,
    error: str = "",
    principal: Principal = Depends(reader),
) -> HTMLResponse:
    """Show a campaign's progress, the subjects its rule reaches since launch, and the caller's worklist."""
    on, region = runtime.today(), runtime.policy.city_region
    detail = campaigns.campaign_detail(
        session, runtime.policy, principal, campaign_id, on=on, city_region=region
    )
    status = status if status in campaign_states.STATUSES else ""
    page = max(1, min(page, 10_000))
    tasks = campaigns.list_tasks(
        session,
        principal,
        campaign_id,
        status=status or None,
        page=page,
        size=PAGE_SIZE,
        on=on,
        city_region=region,
    )
    return render(
        request,
        "console/campaign.html",
        {
            "title": detail.name,
            "section": "campaigns",
            "c": detail,
            "tasks": tasks,
            "status": status,
            "statuses": campaign_states.STATUSES,
            "page": page,
            "pages": max(1, -(-tasks.total // PAGE_SIZE)),
            "can_launch": can(principal, campaigns.DEFINE) and detail.launched_on is None,
            "can_handle": can(principal, permissions.CAMPAIGN_HANDLE),
            "error": error[:200],
        },
    )


@router.post("/campaigns/targets/{task_id}/status", dependencies=[Depends(csrf.verify)])
def target_status(
    task_id: int,
    campaign_id: Annotated[int, Form()],
    status: Annotated[str, Form(max_length=8)],
    session: DbSession,
    runtime: AppRuntime,
    note: Annotated[str, Form(max_length=500)] = "",
    principal: Principal = Depends(require(permissions.CAMPAIGN_HANDLE)),
) -> RedirectResponse:
    """Step one target's handling, then back to the worklist (with the reason when refused)."""
    error = ""
    try:
        body = TaskStatusIn(status=status, note=note or None)  # checked by pydantic
        campaigns.set_task_status(
            session, principal, task_id, body, on=runtime.today(), city_region=runtime.policy.city_region
        )
    except XinyongError as exc:
        session.rollback()
        error = exc.message
    except ValidationError:
        error = "处置状态只能是：" + "、".join(campaign_states.STATUSES[1:])
    return RedirectResponse(f"/console/campaigns/{campaign_id}?error={quote(error)}", status_code=303)
