"""Pages of the 信用服务机构 registry: the public list (portal) and the officers' console (register, list,
practitioners, supervision events). The services decide who sees what; the pages only render it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from xinyong.agencies import service as agencies_service
from xinyong.agencies.schemas import AgencyIn, CancelIn, EventIn, PractitionerIn
from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, Role, can
from xinyong.errors import Conflict, Forbidden, Invalid, NotFound
from xinyong.web import csrf, permissions
from xinyong.web.templating import render

router = APIRouter()
readers = require(Role.ADMIN, Role.OFFICER, Role.SUPERVISOR, Role.AUDITOR)
registrars = require(permissions.AGENCY_REGISTER)
FORM_ERROR = "表单填写不完整或格式有误，请检查后重新提交"
HANDLED = (Invalid, Conflict, Forbidden, NotFound)


@router.get("/agencies", response_class=HTMLResponse)
def public_list(
    request: Request, session: DbSession, runtime: AppRuntime, q: str = Query("", max_length=50)
) -> HTMLResponse:
    """List the filed agencies (信用服务机构名录, public like 信用中国's list); never their practitioners."""
    rows = agencies_service.listing(session, runtime.policy, on=runtime.today(), q=q)
    return render(request, "portal/agencies.html", {"title": "信用服务机构名录", "rows": rows, "q": q})


def _choices(runtime: AppRuntime) -> dict[str, Any]:
    rules = agencies_service.registry_rules(runtime.policy, runtime.today())
    return {
        "authorities": rules.filing_authorities,
        "scopes": rules.business_scopes,
        "qualifications": rules.qualifications,
        "event_types": [v.label for v in runtime.policy.enums.enums["agency_event"]],
    }


def _list_page(
    request: Request, session: DbSession, runtime: AppRuntime, principal: Principal, error: str | None = None
) -> HTMLResponse:
    rows = agencies_service.listing(session, runtime.policy, on=runtime.today())
    context: dict[str, Any] = {
        "title": "信用服务机构备案",
        "section": "agencies",
        "rows": rows,
        "error": error,
    }
    context |= {"can_register": can(principal, permissions.AGENCY_REGISTER), **_choices(runtime)}
    return render(request, "console/agencies.html", context)


@router.get("/console/agencies", response_class=HTMLResponse)
def console_list(
    request: Request, session: DbSession, runtime: AppRuntime, principal: Principal = Depends(readers)
) -> HTMLResponse:
    """List every filing (cancelled ones too) with the registration form for the filing authorities."""
    return _list_page(request, session, runtime, principal)


@router.post("/console/agencies", response_model=None, dependencies=[Depends(csrf.verify)])
def console_register(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    uscc: Annotated[str, Form(max_length=18)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    legal_rep: Annotated[str, Form(max_length=100)] = "",
    filing_no: Annotated[str, Form(max_length=64)] = "",
    filed_on: Annotated[str, Form(max_length=10)] = "",
    filing_authority: Annotated[str, Form(max_length=32)] = "",
    business_scopes: Annotated[list[str] | None, Form()] = None,
    principal: Principal = Depends(registrars),
) -> HTMLResponse | RedirectResponse:
    """Register a filing from the form."""
    try:
        body = AgencyIn(
            uscc=uscc.strip().upper(),
            name=name,
            legal_rep=legal_rep or None,
            filing_no=filing_no,
            filed_on=dt.date.fromisoformat(filed_on),
            filing_authority=filing_authority,
            business_scopes=business_scopes or [],
        )
        row = agencies_service.register(
            session, runtime.policy, runtime.keys, principal, body, on=runtime.today()
        )
    except (ValidationError, ValueError):
        session.rollback()
        return _list_page(request, session, runtime, principal, error=FORM_ERROR)
    except HANDLED as exc:
        session.rollback()
        return _list_page(request, session, runtime, principal, error=exc.message)
    return RedirectResponse(f"/console/agencies/{row.id}", status_code=303)


def _detail_page(
    request: Request,
    agency_id: int,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal,
    error: str | None = None,
) -> HTMLResponse:
    found = agencies_service.detail(session, runtime.policy, principal, agency_id, on=runtime.today())
    context: dict[str, Any] = {
        "title": found.agency.name,
        "section": "agencies",
        "detail": found,
        "error": error,
    }
    context |= {"can_register": can(principal, permissions.AGENCY_REGISTER), **_choices(runtime)}
    return render(request, "console/agency.html", context)


@router.get("/console/agencies/{agency_id}", response_class=HTMLResponse)
def console_detail(
    request: Request,
    agency_id: int,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(readers),
) -> HTMLResponse:
    """Show an agency with its practitioners (logged reads), supervision events and filed reports."""
    return _detail_page(request, agency_id, session, runtime, principal)


def _act(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal,
    agency_id: int,
    action: Any,
) -> HTMLResponse | RedirectResponse:
    """Run a form's action; re-render the page with the Chinese message when it is refused."""
    try:
        action()
    except (ValidationError, ValueError):
        session.rollback()
        return _detail_page(request, agency_id, session, runtime, principal, error=FORM_ERROR)
    except HANDLED as exc:
        session.rollback()
        return _detail_page(request, agency_id, session, runtime, principal, error=exc.message)
    return RedirectResponse(f"/console/agencies/{agency_id}", status_code=303)


@router.post(
    "/console/agencies/{agency_id}/practitioners", response_model=None, dependencies=[Depends(csrf.verify)]
)
def console_practitioner(
    request: Request,
    agency_id: int,
    session: DbSession,
    runtime: AppRuntime,
    name: Annotated[str, Form(max_length=100)] = "",
    id_card: Annotated[str, Form(max_length=18)] = "",
    qualification: Annotated[str, Form(max_length=32)] = "",
    certificate_no: Annotated[str, Form(max_length=64)] = "",
    joined_on: Annotated[str, Form(max_length=10)] = "",
    principal: Principal = Depends(registrars),
) -> HTMLResponse | RedirectResponse:
    """Register a practitioner from the form (the ID number is encrypted at once)."""

    def action() -> None:
        body = PractitionerIn(
            name=name,
            id_card=id_card.strip().upper(),
            qualification=qualification,
            certificate_no=certificate_no or None,
            joined_on=dt.date.fromisoformat(joined_on),
        )
        agencies_service.add_practitioner(
            session, runtime.policy, runtime.keys, principal, agency_id, body, on=runtime.today()
        )

    return _act(request, session, runtime, principal, agency_id, action)


@router.post("/console/agencies/{agency_id}/events", response_model=None, dependencies=[Depends(csrf.verify)])
def console_event(
    request: Request,
    agency_id: int,
    session: DbSession,
    runtime: AppRuntime,
    event_type: Annotated[str, Form(max_length=16)] = "",
    reason: Annotated[str, Form(max_length=500)] = "",
    basis: Annotated[str, Form(max_length=300)] = "",
    document_no: Annotated[str, Form(max_length=64)] = "",
    decided_on: Annotated[str, Form(max_length=10)] = "",
    principal: Principal = Depends(registrars),
) -> HTMLResponse | RedirectResponse:
    """Record a supervision event from the form (a credit record on the agency's file)."""

    def action() -> None:
        body = EventIn(
            event_type=event_type,
            reason=reason,
            basis=basis or None,
            document_no=document_no,
            decided_on=dt.date.fromisoformat(decided_on),
        )
        agencies_service.record_event(session, runtime.policy, principal, agency_id, body, on=runtime.today())

    return _act(request, session, runtime, principal, agency_id, action)


@router.post("/console/agencies/{agency_id}/cancel", response_model=None, dependencies=[Depends(csrf.verify)])
def console_cancel(
    request: Request,
    agency_id: int,
    session: DbSession,
    runtime: AppRuntime,
    reason: Annotated[str, Form(max_length=200)] = "",
    cancelled_on: Annotated[str, Form(max_length=10)] = "",
    principal: Principal = Depends(registrars),
) -> HTMLResponse | RedirectResponse:
    """Cancel the filing from a day on."""

    def action() -> None:
        body = CancelIn(cancelled_on=dt.date.fromisoformat(cancelled_on), reason=reason)
        agencies_service.cancel(session, runtime.policy, principal, agency_id, body, on=runtime.today())

    return _act(request, session, runtime, principal, agency_id, action)
