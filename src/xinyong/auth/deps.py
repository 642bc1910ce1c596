"""FastAPI dependencies: identify the caller (API key or signed session) and check its role.

Web sessions: ``xy_session`` is a signed, HttpOnly cookie carrying the account id and a CSRF token.
Unsafe methods (POST, PUT, PATCH, DELETE) authenticated by that cookie must echo the token in the
``X-CSRF-Token`` header (the token is also handed out in the readable ``xy_csrf`` cookie and by
``/api/v1/auth/me``; forms post it as ``csrf_token`` and call ``check_csrf``). API-key requests carry no
ambient credentials and are exempt.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from xinyong.app_deps import DbSession, get_runtime
from xinyong.auth import service
from xinyong.auth.models import Account
from xinyong.auth.principal import ANONYMOUS, Permission, Principal, Role
from xinyong.errors import Forbidden, Unauthorized

SESSION_COOKIE = "xy_session"
CSRF_COOKIE = "xy_csrf"
CSRF_HEADER = "x-csrf-token"
SESSION_MAX_AGE_S = 8 * 3600
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def session_serializer(request: Request) -> URLSafeTimedSerializer:
    """Return the signer of session cookies."""
    return URLSafeTimedSerializer(get_runtime(request).settings.secret_key, salt="xinyong.session")


def session_data(request: Request) -> dict[str, Any] | None:
    """Return the verified content of the session cookie, or ``None``."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        data = session_serializer(request).loads(cookie, max_age=SESSION_MAX_AGE_S)
    except BadSignature:
        return None
    return data if isinstance(data, dict) and "account_id" in data else None


def start_session(request: Request, response: Response, account: Account) -> str:
    """Set the session and CSRF cookies for ``account``; return the CSRF token."""
    token = secrets.token_urlsafe(24)
    value = session_serializer(request).dumps(
        {"account_id": account.id, "csrf": token, "epoch": account.session_epoch or 0}
    )
    secure = get_runtime(request).settings.env == "production"
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=SESSION_MAX_AGE_S,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    response.set_cookie(
        CSRF_COOKIE, token, max_age=SESSION_MAX_AGE_S, httponly=False, samesite="lax", secure=secure, path="/"
    )
    return token


def end_session(response: Response, session: Session | None = None, account_id: int | None = None) -> None:
    """Clear the session and CSRF cookies; with an account, end its web sessions on the server too.

    Moving the account's ``session_epoch`` on makes every cookie issued before it worthless, so a copied
    cookie stops working when its owner signs out (not 8 hours later).
    """
    if session is not None and account_id is not None:
        account = session.get(Account, account_id)
        if account is not None:
            account.session_epoch = (account.session_epoch or 0) + 1
            session.flush()
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


def check_csrf(request: Request, supplied: str | None) -> None:
    """Raise ``Forbidden`` unless ``supplied`` matches the session's CSRF token."""
    data = session_data(request)
    expected = str(data.get("csrf", "")) if data else ""
    if not expected or not supplied or not hmac.compare_digest(expected, supplied):
        raise Forbidden("缺少或错误的 CSRF 令牌，请刷新页面后重试", code="auth.csrf")


def has_credentials(request: Request) -> bool:
    """Tell whether the request carries an API key or a session cookie."""
    return request.headers.get("authorization", "").lower().startswith("bearer ") or bool(
        request.cookies.get(SESSION_COOKIE)
    )


def resolve_principal(request: Request, session: Session) -> Principal:
    """Identify the caller: ``Authorization: Bearer <api key>``, then the session cookie, else anonymous."""
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    principal = ANONYMOUS
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        found = service.principal_for_key(session, header[7:].strip())
        if found is None:
            raise Unauthorized("API 密钥无效或已停用", code="auth.bad_key")
        principal = found
    elif (data := session_data(request)) is not None:
        account = session.get(Account, int(data["account_id"]))
        if account is not None and account.active and data.get("epoch") == (account.session_epoch or 0):
            principal = service.principal_for_account(account)
            if request.method not in SAFE_METHODS and not _form_checked(request):
                check_csrf(request, request.headers.get(CSRF_HEADER))
    request.state.principal = principal
    return principal


def _form_checked(request: Request) -> bool:
    return bool(getattr(request.state, "csrf_checked", False))


def current_principal(request: Request, session: DbSession) -> Principal:
    """Dependency: the caller (see ``resolve_principal``)."""
    return resolve_principal(request, session)


Caller = Annotated[Principal, Depends(current_principal)]
"""The caller, whoever it is (the public included); use ``require(...)`` to admit only some roles."""


def require(*grants: Role | Permission) -> Callable[..., Principal]:
    """Return a dependency that admits only the roles given, or holding a permission given (401 for
    anonymous callers, 403 otherwise). ``roles`` is read by the navigation (``xinyong.web.nav``)."""
    roles = frozenset(r for g in grants for r in (g.roles if isinstance(g, Permission) else (g,)))

    def dependency(principal: Principal = Depends(current_principal)) -> Principal:
        if principal.role in roles:
            return principal
        if principal.role == Role.PUBLIC:
            raise Unauthorized("请先登录", code="auth.required")
        raise Forbidden("当前角色无权执行此操作", code="auth.forbidden")

    return dependency
