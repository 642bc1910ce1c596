"""银行信贷工作台 (bank workspace): find a borrower, see what its consent allows and nothing more, match
信易贷 products, ask for a full report, follow applications, subscribe to a borrower's changes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal
from xinyong.errors import XinyongError
from xinyong.finance import products, service, states, workspace
from xinyong.finance.schemas import DecisionIn
from xinyong.finance.states import Action
from xinyong.monitoring import feed
from xinyong.web import csrf, data, permissions
from xinyong.web.templating import render

router = APIRouter(prefix="/bank")
bank_user = require(permissions.BANK)


@router.get("", response_class=HTMLResponse)
def home(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(bank_user),
) -> HTMLResponse:
    """Show the search form, the institution's applications and its subscriptions."""
    apps = [service.read(session, runtime.policy, a) for a in service.listing(session, principal)]
    return render(
        request,
        "bank/index.html",
        {
            "title": "信贷工作台",
            "section": "bank",
            "applications": apps,
            "actions": {a.id: states.actions(a.status) for a in apps},
            "action_labels": states.ACTION_LABELS,
            "subscriptions": feed.subscriptions_of(session, principal),
        },
    )


@router.get("/subjects", response_class=HTMLResponse)
def borrower(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    code: str = Query(min_length=9, max_length=40),
    principal: Principal = Depends(bank_user),
    error: str | None = None,
) -> HTMLResponse:
    """Show a borrower as the institution's consent allows: granted sections, products, actions."""
    on = runtime.today()
    held = workspace.held(session, runtime.keys, principal, code.strip(), on=on)
    ctx: dict[str, object] = {
        "title": "借款主体",
        "section": "bank",
        "code": code,
        "held": held,
        "error": error,
    }
    if held is not None:
        file, sections = data.credit_file_of(
            session, runtime.keys, runtime.policy, principal, code.strip(), on=on
        )
        ctx.update(
            file=file,
            sections={k: v for k, v in sections.items() if k in held.sections},
            matches=products.match_products(
                session, runtime.policy, runtime.keys, principal, code.strip(), on=on
            ),
        )
    return render(request, "bank/subject.html", ctx)


@router.post("/subscriptions", response_model=None, dependencies=[Depends(csrf.verify)])
def subscribe(
    request: Request,
    code: Annotated[str, Form(max_length=40)],
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(bank_user),
) -> RedirectResponse | HTMLResponse:
    """Follow a borrower's changes (only while its consent is in force)."""
    try:
        feed.subscribe(
            session,
            runtime.policy,
            runtime.keys,
            principal,
            regions=[],
            industries=[],
            codes=[code.strip()],
            purpose=None,
            on=runtime.today(),
        )
    except XinyongError as exc:
        return borrower(
            request, code=code, principal=principal, session=session, runtime=runtime, error=exc.message
        )
    return RedirectResponse("/bank", status_code=303)


@router.post("/applications/{application_id}", dependencies=[Depends(csrf.verify)])
def decide(
    application_id: int,
    action: Annotated[Action, Form()],
    session: DbSession,
    reason: Annotated[str | None, Form(max_length=300)] = None,
    granted_yuan: Annotated[int | None, Form(gt=0, le=10**11)] = None,
    principal: Principal = Depends(bank_user),
) -> RedirectResponse:
    """Accept, grant or refuse (with a reason) an application of the institution."""
    body = DecisionIn(action=action, reason=reason or None, granted_yuan=granted_yuan)
    service.decide(session, principal, application_id, body)
    return RedirectResponse("/bank", status_code=303)
