"""A signed-in subject's own pages (我的信用): its file, repairs, objections, authorisations, who looked."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from xinyong.app_deps import get_runtime, get_session
from xinyong.auth.deps import require
from xinyong.auth.principal import Principal, Role
from xinyong.errors import NotFound
from xinyong.runtime import Runtime
from xinyong.subjects.models import Subject
from xinyong.web import data
from xinyong.web.templating import render

router = APIRouter(prefix="/me")
subject_user = require(Role.SUBJECT)


def own_subject(session: Session, principal: Principal) -> Subject:
    """Return the subject the signed-in account belongs to."""
    subject = session.get(Subject, principal.subject_id) if principal.subject_id else None
    if subject is None:
        raise NotFound("此账号未关联信用主体", code="account.no_subject")
    return subject


@router.get("", response_class=HTMLResponse)
def my_file(
    request: Request,
    principal: Principal = Depends(subject_user),
    session: Session = Depends(get_session),
    runtime: Runtime = Depends(get_runtime),
) -> HTMLResponse:
    """Show the subject its own credit file with the actions it may take on each record."""
    subject = own_subject(session, principal)
    view = data.subject_view(session, runtime.policy, subject, full=True)
    return render(request, "me/index.html", {"title": "我的信用", "section": "file", "view": view})
