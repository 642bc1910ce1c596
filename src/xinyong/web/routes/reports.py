"""Report pages: the public verify page, 下载公共信用报告 on the portal, 我的信用 → 信用报告, and the
console entry where a bank with the subject's consent (or the credit centre) asks for a full report."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth.deps import require
from xinyong.auth.principal import ANONYMOUS, Principal, Role, can
from xinyong.db import utcnow
from xinyong.errors import Invalid, XinyongError
from xinyong.outbox import service as outbox
from xinyong.reports import service, verification
from xinyong.reports.schemas import ReportKind, ReportRequest
from xinyong.runtime import Runtime
from xinyong.web import csrf
from xinyong.web.routes.me import own_code, own_subject
from xinyong.web.templating import render

router = APIRouter()
subject_user = require(Role.SUBJECT)
console_user = require(Role.BANK, Role.ADMIN, Role.OFFICER)
MAX_UPLOAD = 20 * 1024 * 1024


def _issue(session: Session, runtime: Runtime, principal: Principal, req: ReportRequest) -> RedirectResponse:
    ctx = service.Context.of(runtime.settings, runtime.keys, runtime.policy)
    row = service.issue(session, ctx, principal, req, on=runtime.today(), now=utcnow())
    return RedirectResponse(f"/api/v1/reports/{row.number}.pdf", status_code=303)


@router.get("/verify/{number}", response_class=HTMLResponse)
def verify_page(request: Request, number: str, session: DbSession) -> HTMLResponse:
    """Show whether a report is genuine, revoked or superseded (no login; the QR code leads here)."""
    return render(request, "reports/verify.html", {"result": verification.verify_number(session, number)})


@router.post("/verify/{number}", response_class=HTMLResponse, dependencies=[Depends(csrf.verify)])
def verify_upload(
    request: Request,
    number: str,
    file: Annotated[UploadFile, File()],
    session: DbSession,
    runtime: AppRuntime,
) -> HTMLResponse:
    """Check an uploaded PDF or JSON against the issued report."""
    data = file.file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise Invalid("文件过大", code="report.too_large")
    result = verification.verify_file(session, service.signer_for(runtime.settings), data, number)
    return render(request, "reports/verify.html", {"result": result, "checked": True})


@router.post("/reports/public", dependencies=[Depends(csrf.verify)])
def public_report(
    code: Annotated[str, Form(max_length=40)],
    session: DbSession,
    runtime: AppRuntime,
) -> RedirectResponse:
    """Issue a public report of a subject (anyone) and hand out its PDF."""
    return _issue(session, runtime, ANONYMOUS, ReportRequest(code=code, kind=ReportKind.PUBLIC))


def _request(
    code: str, kind: str, purpose: str | None, domains: list[str], start: str | None, end: str | None
) -> ReportRequest:
    try:
        period = (
            {"from": dt.date.fromisoformat(start), "to": dt.date.fromisoformat(end)}
            if start and end
            else None
        )
        return ReportRequest.model_validate(
            {"code": code, "kind": kind, "purpose": purpose or None, "domains": domains, "period": period}
        )
    except ValueError:
        raise Invalid("请检查报告类型、领域和期间", code="report.bad_form") from None


@router.get("/me/reports", response_class=HTMLResponse)
def my_reports(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(subject_user),
) -> HTMLResponse:
    """Show the subject's reports and the form to ask for a full or special one."""
    reports = service.of_subject(session, principal.subject_id or 0)
    return render(
        request,
        "reports/me.html",
        {
            "section": "reports",
            "reports": reports,
            "domains": service.special_policy(runtime.policy).domains,
            "default_to": runtime.today(),
        },
    )


@router.post("/me/reports", dependencies=[Depends(csrf.verify)])
def my_report_new(
    kind: Annotated[str, Form()],
    session: DbSession,
    runtime: AppRuntime,
    purpose: Annotated[str | None, Form(max_length=200)] = None,
    domains: Annotated[list[str] | None, Form()] = None,
    start: Annotated[str | None, Form(alias="from")] = None,
    end: Annotated[str | None, Form(alias="to")] = None,
    principal: Principal = Depends(subject_user),
) -> RedirectResponse:
    """Issue the subject's own report (下载信用报告) and hand out its PDF."""
    code = own_code(runtime, own_subject(session, principal))
    return _issue(session, runtime, principal, _request(code, kind, purpose, domains or [], start, end))


def _console_context(session: Session, principal: Principal, error: str | None) -> dict[str, object]:
    """Return the console reports page's view: the reports received and whether the caller may revoke."""
    return {
        "section": "reports",
        "reports": service.of_recipient(session, outbox.recipient_of(principal)),
        "may_revoke": can(principal, verification.REVOKE),
        "error": error,
    }


@router.get("/console/reports", response_class=HTMLResponse)
def console_reports(
    request: Request,
    session: DbSession,
    principal: Principal = Depends(console_user),
) -> HTMLResponse:
    """Show the reports this party received and the form to ask for one."""
    return render(request, "reports/console.html", _console_context(session, principal, None))


@router.post("/console/reports", response_model=None, dependencies=[Depends(csrf.verify)])
def console_report_new(
    request: Request,
    code: Annotated[str, Form(max_length=40)],
    session: DbSession,
    runtime: AppRuntime,
    kind: Annotated[str, Form()] = "full",
    purpose: Annotated[str | None, Form(max_length=200)] = None,
    principal: Principal = Depends(console_user),
) -> RedirectResponse | HTMLResponse:
    """Ask for a report as this party (a bank needs the subject's valid authorisation for ``full``)."""
    try:
        return _issue(session, runtime, principal, _request(code, kind, purpose, [], None, None))
    except XinyongError as exc:
        context = _console_context(session, principal, str(exc))
        return render(request, "reports/console.html", context, status=exc.status)


@router.post("/console/reports/{number}/revoke", dependencies=[Depends(csrf.verify)])
def console_revoke(
    number: str,
    reason: Annotated[str, Form(min_length=2, max_length=500)],
    session: DbSession,
    principal: Principal = Depends(console_user),
) -> RedirectResponse:
    """Revoke a report (credit centre, department)."""
    verification.revoke(session, principal, number, reason)
    return RedirectResponse(f"/verify/{number}", status_code=303)
