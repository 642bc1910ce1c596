"""FastAPI dependencies: identify the caller (API key or signed session) and check its role."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from xinyong.app_deps import get_runtime, get_session
from xinyong.auth import service
from xinyong.auth.models import Account
from xinyong.auth.principal import ANONYMOUS, Principal, Role
from xinyong.errors import Forbidden, Unauthorized

SESSION_COOKIE = "xy_session"
SESSION_MAX_AGE_S = 8 * 3600


def session_serializer(request: Request) -> URLSafeTimedSerializer:
    """Return the signer of session cookies."""
    return URLSafeTimedSerializer(get_runtime(request).settings.secret_key, salt="xinyong.session")


def current_principal(request: Request, session: Session = Depends(get_session)) -> Principal:
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
    elif cookie := request.cookies.get(SESSION_COOKIE):
        try:
            data = session_serializer(request).loads(cookie, max_age=SESSION_MAX_AGE_S)
        except BadSignature:
            data = None
        account = session.get(Account, int(data["account_id"])) if isinstance(data, dict) else None
        if account is not None and account.active:
            principal = service.principal_for_account(account)
    request.state.principal = principal
    return principal


def require(*roles: Role) -> Callable[..., Principal]:
    """Return a dependency that admits only ``roles`` (401 for anonymous callers, 403 otherwise)."""

    def dependency(principal: Principal = Depends(current_principal)) -> Principal:
        if principal.role in roles:
            return principal
        if principal.role == Role.PUBLIC:
            raise Unauthorized("请先登录", code="auth.required")
        raise Forbidden("当前角色无权执行此操作", code="auth.forbidden")

    return dependency
