"""A signed-in subject's own pages (我的信用): its file, its authorisations, and who looked at it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from xinyong.app_deps import AppRuntime, DbSession
from xinyong.auth import consent
from xinyong.auth.access import access_policy
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal
from xinyong.errors import Invalid, NotFound
from xinyong.finance import consent as finance_consent
from xinyong.kit.dates import InputDate
from xinyong.repair import offers as offers_of
from xinyong.rules.disclosure import MARK_UNDER_OBJECTION
from xinyong.runtime import Runtime
from xinyong.subjects.schemas import SECTIONS
from xinyong.subjects.service import Subject, reveal_id_card
from xinyong.web import credit_use, csrf, data, permissions
from xinyong.web.templating import render

router = APIRouter(prefix="/me")
subject_user = require(permissions.ME)


def own_subject(session: Session, principal: Principal) -> Subject:
    """Return the subject the signed-in account belongs to."""
    subject = session.get(Subject, principal.subject_id) if principal.subject_id else None
    if subject is None:
        raise NotFound("此账号未关联信用主体", code="account.no_subject")
    return subject


def own_code(runtime: Runtime, subject: Subject) -> str:
    """Return the code that identifies the subject's own file."""
    code = subject.uscc or reveal_id_card(runtime.keys, subject)
    if not code:
        raise NotFound("此主体没有可用的代码", code="subject.no_code")
    return code


@router.get("", response_class=HTMLResponse)
def my_file(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(subject_user),
) -> HTMLResponse:
    """Show the subject its whole credit file with the actions it may take on each record."""
    subject = own_subject(session, principal)
    file, sections = data.credit_file_of(
        session,
        runtime.keys,
        runtime.policy,
        principal,
        own_code(runtime, subject),
        on=runtime.today(),
    )
    today = runtime.today()
    offers = {
        item.id: (
            offers_of.repair_offer(session, runtime.policy, item.id, today)
            if item.polarity == "negative"
            else None,
            offers_of.objection_offer(item.id, under_objection=MARK_UNDER_OBJECTION in item.marks),
        )
        for items in sections.values()
        for item in items
    }
    return render(
        request,
        "me/index.html",
        {
            "title": "我的信用",
            "section": "file",
            "file": file,
            "sections": sections,
            "use": credit_use.of_subject(session, runtime, principal, subject),
            "offers": offers,
        },
    )


@router.get("/authorisations", response_class=HTMLResponse)
def authorisations(
    request: Request,
    session: DbSession,
    runtime: AppRuntime,
    principal: Principal = Depends(subject_user),
    error: str | None = None,
) -> HTMLResponse:
    """List the subject's authorisations (授权书) with a form to grant a new one."""
    subject = own_subject(session, principal)
    today = runtime.today()
    days = access_policy(runtime.policy).authorisation_max_days
    return render(
        request,
        "me/authorisations.html",
        {
            "title": "我的授权",
            "section": "authorisations",
            "grants": consent.views_of(session, subject.id, today),
            "institutions": finance_consent.choices(runtime.policy, today),
            "file_sections": SECTIONS,
            "max_days": days,
            "default_from": today,
            "default_to": consent.latest_end(runtime.policy, today),
            "error": error,
        },
    )


@router.post(
    "/authorisations", response_class=HTMLResponse, dependencies=[Depends(csrf.verify)], response_model=None
)
def grant(
    request: Request,
    institution: Annotated[str, Form(max_length=32)],
    purpose: Annotated[str, Form(max_length=200)],
    valid_from: Annotated[InputDate, Form()],
    valid_to: Annotated[InputDate, Form()],
    session: DbSession,
    runtime: AppRuntime,
    sections: Annotated[list[str] | None, Form(max_length=20)] = None,
    score: Annotated[bool, Form()] = False,
    principal: Principal = Depends(subject_user),
) -> HTMLResponse | RedirectResponse:
    """Authorise an institution chosen from the register for a purpose, a scope and a term."""
    try:
        finance_consent.grant(
            session,
            principal,
            institution_code=institution,
            purpose=purpose,
            sections=sections or [],
            score=score,
            valid_from=valid_from,
            valid_to=valid_to,
            policy=runtime.policy,
            on=runtime.today(),
        )
    except Invalid as exc:
        return authorisations(
            request, principal=principal, session=session, runtime=runtime, error=exc.message
        )
    return RedirectResponse("/me/authorisations", status_code=303)


@router.post("/authorisations/{authorisation_id}/revoke", dependencies=[Depends(csrf.verify)])
def revoke(
    authorisation_id: int,
    session: DbSession,
    principal: Principal = Depends(subject_user),
) -> RedirectResponse:
    """Revoke one of the subject's authorisations."""
    consent.revoke(session, principal, authorisation_id)
    return RedirectResponse("/me/authorisations", status_code=303)


@router.get("/queries", response_class=HTMLResponse)
def who_looked(
    request: Request,
    session: DbSession,
    page: int = Query(1, ge=1, le=1000),
    principal: Principal = Depends(subject_user),
) -> HTMLResponse:
    """Show who read the subject's non-public information (谁查询了我)."""
    subject = own_subject(session, principal)
    size = 20
    total, rows = consent.queries_of(session, subject.id, limit=size, offset=(page - 1) * size)
    return render(
        request,
        "me/queries.html",
        {
            "title": "谁查询了我",
            "section": "queries",
            "rows": rows,
            "total": total,
            "page": page,
            "size": size,
        },
    )
