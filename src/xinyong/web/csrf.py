"""CSRF protection for the pages: a signed token bound to a per-browser cookie, checked on every POST.

The browser holds a random value in the ``xy_csrf`` cookie; each form carries ``csrf_token``, the value
signed with the platform's secret key. A POST passes only when the signature is valid, fresh, and its
value equals the cookie — a page on another site can neither read the cookie nor forge the signature.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.responses import Response

from xinyong.app_deps import get_runtime
from xinyong.errors import Forbidden

CSRF_COOKIE = "xy_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
CSRF_MAX_AGE_S = 8 * 3600


def _signer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_runtime(request).settings.secret_key, salt="xinyong.csrf")


def browser_value(request: Request) -> str:
    """Return this browser's CSRF value, creating one for the response to set if it has none."""
    value: str | None = getattr(request.state, "csrf_value", None)
    if value is None:
        value = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
        request.state.csrf_value = value
    return value


def csrf_token(request: Request) -> str:
    """Return the token to put in a form's hidden ``csrf_token`` field."""
    return str(_signer(request).dumps(browser_value(request)))


def set_cookie(request: Request, response: Response) -> None:
    """Set the CSRF cookie on ``response`` when the browser does not have it yet."""
    value = browser_value(request)
    if request.cookies.get(CSRF_COOKIE) != value:
        response.set_cookie(
            CSRF_COOKIE,
            value,
            max_age=CSRF_MAX_AGE_S,
            httponly=True,
            samesite="strict",
            secure=get_runtime(request).settings.env == "production",
        )


def check(request: Request, submitted: str | None) -> None:
    """Raise ``Forbidden`` unless ``submitted`` is a valid token for this browser."""
    cookie = request.cookies.get(CSRF_COOKIE)
    token = submitted or request.headers.get(CSRF_HEADER)
    if not cookie or not token:
        raise Forbidden("表单已失效，请刷新页面后重试", code="csrf.missing")
    try:
        value = _signer(request).loads(token, max_age=CSRF_MAX_AGE_S)
    except BadSignature:
        raise Forbidden("表单已失效，请刷新页面后重试", code="csrf.invalid") from None
    if not isinstance(value, str) or not hmac.compare_digest(value, cookie):
        raise Forbidden("表单已失效，请刷新页面后重试", code="csrf.mismatch")


async def verify(request: Request) -> None:
    """FastAPI dependency for POST routes: check the form field (or the htmx header) against the cookie."""
    form = await request.form()
    field = form.get(CSRF_FIELD)
    check(request, field if isinstance(field, str) else None)
