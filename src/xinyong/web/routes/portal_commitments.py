"""Portal: published credit commitments (信用承诺公示)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.deps import current_principal
from xinyong.auth.principal import Principal
from xinyong.commitments import service as commitments_service
from xinyong.web import data
from xinyong.web.templating import render

router = APIRouter()


@router.get("/commitments", response_class=HTMLResponse)
def commitments(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    page: int = Query(1, ge=1, le=250),
    principal: Principal = Depends(current_principal),
) -> HTMLResponse:
    """List the published credit commitments (主动型 and other public types) with their fulfilment."""
    rows = commitments_service.public(
        session, runtime.policy, limit=data.PAGE_SIZE + 1, offset=(page - 1) * data.PAGE_SIZE
    )
    results = data.Page(items=rows[: data.PAGE_SIZE], page=page, more=len(rows) > data.PAGE_SIZE)
    return render(request, "portal/commitments.html", {"title": "信用承诺公示", "results": results})
