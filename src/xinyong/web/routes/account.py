"""Sign-in and sign-out pages; the session is the signed ``xy_session`` cookie of ``xinyong.auth``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from xinyong.app_deps import DbSession, get_runtime
from xinyong.audit import service as audit
from xinyong.auth import limits
from xinyong.auth import service as auth_service
from xinyong.auth.deps import current_principal, end_session, start_session
from xinyong.auth.principal import Principal, can
from xinyong.errors import TooManyRequests, Unauthorized
from xinyong.web import csrf, permissions
from xinyong.web.templating import render

router = APIRouter()


def home_for(principal: Principal) -> str:
    """Return where a signed-in person lands by default."""
    homes = ((permissions.CONSOLE, "/console"), (permissions.ME, "/me"), (permissions.BANK, "/bank"))
    return next((home for needed, home in homes if can(principal, needed)), "/")


def safe_next(target: str | None) -> str | None:
    """Accept only a local path as a redirect target (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request, principal: Principal = Depends(current_principal), next: str | None = None
) -> HTMLResponse:
    """Show the sign-in form."""
    return render(request, "portal/login.html", {"title": "登录", "next": safe_next(next) or ""})


@router.post("/login", response_model=None, dependencies=[Depends(csrf.verify)])
def login(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    session: DbSession,
    next: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    """Check the password, start a session and go on to where the person was heading."""
    runtime = get_runtime(request)
    try:
        account = auth_service.sign_in(
            runtime.sessions,
            session,
            username,
            password,
            limits.client_address(request),
            limits.limits_of(request).sign_in,
            channel="web",
        )
    except (Unauthorized, TooManyRequests) as exc:
        page = render(
            request,
            "portal/login.html",
            {
                "title": "登录",
                "next": safe_next(next) or "",
                "error": exc.message if isinstance(exc, TooManyRequests) else "用户名或密码不正确",
                "username": username,
            },
            status=exc.status,
        )
        if isinstance(exc, TooManyRequests):
            page.headers["Retry-After"] = str(exc.retry_after)
        return page
    principal = auth_service.principal_for_account(account)
    audit.append(
        session, actor=principal.actor, action="web.login", object_type="account", object_id=account.id
    )
    response = RedirectResponse(safe_next(next) or home_for(principal), status_code=303)
    start_session(request, response, account)
    return response


@router.post("/logout", dependencies=[Depends(csrf.verify)])
def logout(
    session: DbSession,
    principal: Principal = Depends(current_principal),
) -> RedirectResponse:
    """End the session, on the server as well as in the browser."""
    response = RedirectResponse("/", status_code=303)
    end_session(response, session, principal.account_id)
    if principal.account_id is not None:
        audit.append(
            session,
            actor=principal.actor,
            action="web.logout",
            object_type="account",
            object_id=principal.account_id,
        )
    return response
