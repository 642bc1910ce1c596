"""CSRF protection for the pages' forms, checked on every POST.

Signed-in people: the token is the one ``xinyong.auth`` puts in the signed session (``check_csrf``).
Before sign-in (the login form): the browser holds a random value in the ``xy_form`` cookie and the form
carries that value signed with the platform's secret; a POST passes only when the signature is valid,
fresh and its value equals the cookie — a page on another site can neither read one nor forge the other.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.responses import Response

from xinyong.app_deps import get_runtime
from xinyong.auth.deps import CSRF_HEADER, SESSION_MAX_AGE_S, check_csrf, session_data
from xinyong.errors import Forbidden

FORM_COOKIE = "xy_form"
CSRF_FIELD = "csrf_token"


def _signer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_runtime(request).settings.secret_key, salt="xinyong.web.form")


def _browser_value(request: Request) -> str:
    value: str | None = getattr(request.state, "form_value", None)
    if value is None:
        value = request.cookies.get(FORM_COOKIE) or secrets.token_urlsafe(24)
        request.state.form_value = value
    return value


def csrf_token(request: Request) -> str:
    """Return the token to put in a form's hidden ``csrf_token`` field (and htmx's header)."""
    data = session_data(request)
    if data and data.get("csrf"):
        return str(data["csrf"])
    return str(_signer(request).dumps(_browser_value(request)))


def set_cookie(request: Request, response: Response) -> None:
    """Set the pre-sign-in cookie on ``response`` when a token based on it was handed out."""
    value = getattr(request.state, "form_value", None)
    if value and request.cookies.get(FORM_COOKIE) != value:
        response.set_cookie(
            FORM_COOKIE,
            value,
            max_age=SESSION_MAX_AGE_S,
            httponly=True,
            samesite="strict",
            secure=get_runtime(request).settings.env == "production",
        )


def check(request: Request, submitted: str | None) -> None:
    """Raise ``Forbidden`` unless ``submitted`` (or the htmx header) is this browser's valid token."""
    token = submitted or request.headers.get(CSRF_HEADER)
    if session_data(request) is not None:
        check_csrf(request, token)
        request.state.csrf_checked = True
        return
    cookie = request.cookies.get(FORM_COOKIE)
    if not cookie or not token:
        raise Forbidden("表单已失效，请刷新页面后重试", code="csrf.missing")
    try:
        value = _signer(request).loads(token, max_age=SESSION_MAX_AGE_S)
    except BadSignature:
        raise Forbidden("表单已失效，请刷新页面后重试", code="csrf.invalid") from None
    if not isinstance(value, str) or not hmac.compare_digest(value, cookie):
        raise Forbidden("表单已失效，请刷新页面后重试", code="csrf.mismatch")


async def verify(request: Request) -> None:
    """FastAPI dependency for POST routes: check the form field (or the htmx header)."""
    form = await request.form()
    field = form.get(CSRF_FIELD)
    check(request, field if isinstance(field, str) else None)
