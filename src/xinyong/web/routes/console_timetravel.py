"""Console: a subject as it stood on a day (disputes) — file, score and measures then, and what changed.

Only the credit centre and audit look at the past as it was known then: a record repaired since must
not reach anyone else again. Every read is authorised and logged by the services it calls.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, can
from xinyong.errors import XinyongError
from xinyong.kit.dates import InputDate
from xinyong.records import service as records_service
from xinyong.sanctions import service as sanctions_service
from xinyong.timetravel import service
from xinyong.web import permissions
from xinyong.web.templating import render

router = APIRouter(prefix="/console")
KNOWN_CHOICES = (("then", "按当时平台已掌握的信息"), ("now", "按现在掌握的信息（更正后的历史）"))


@router.get("/timeline/asof", response_class=HTMLResponse)
def asof_page(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    code: str = Query("", max_length=32),
    on: InputDate | None = Query(None),
    known: str = Query("then", pattern="^(then|now)$"),
    scenario: str = Query("", max_length=40),
    principal: Principal = Depends(require(permissions.TIME_TRAVEL)),
) -> HTMLResponse:
    """Show the subject's file, score and measures on ``on`` beside today's, with the changes by section."""
    scenarios = sanctions_service.scenarios(runtime.policy)
    picked = scenario or (scenarios[0][0] if scenarios else "")
    ctx: dict[str, Any] = {
        "title": "争议查看：按日期回看",
        "section": "timeline",
        "code": code,
        "on": on,
        "known": known,
        "known_choices": KNOWN_CHOICES,
        "scenarios": scenarios,
        "scenario": picked,
        "view": None,
        "error": None,
    }
    if code and on is not None:
        try:
            at = records_service.as_of_request(runtime, on, None if known == "then" else "now")
            ask = service.Ask(runtime.policy, runtime.keys, principal, code.strip(), picked)
            ctx["view"] = service.dispute_view(
                session, ask, on=at.on, known_at=at.known_at, today=runtime.today()
            )
        except XinyongError as exc:
            ctx["error"] = exc.message
    return render(request, "console/timeline_asof.html", ctx)


def can_travel(principal: Principal) -> bool:
    """Tell whether the caller may look at a subject as it stood on a past day."""
    return can(principal, permissions.TIME_TRAVEL)
