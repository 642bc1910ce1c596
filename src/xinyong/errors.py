"""One error type for the platform: a Chinese message for people, a stable code for machines."""

from __future__ import annotations

from typing import Any

# The body of an unexpected server error, as every endpoint answers it (500).
INTERNAL_ERROR_BODY = {"code": "internal", "message": "服务器内部错误"}


class XinyongError(Exception):
    """Base error: ``message`` in Chinese, stable ``code``, HTTP ``status``."""

    status: int = 400
    code: str = "error"

    def __init__(
        self, message: str, *, code: str | None = None, status: int | None = None, **detail: Any
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.detail = detail

    def to_dict(self) -> dict[str, Any]:
        """Return the error as the API's JSON body."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.detail:
            body["detail"] = self.detail
        return body


class NotFound(XinyongError):
    """Something asked for does not exist (404)."""

    status = 404
    code = "not_found"


class Conflict(XinyongError):
    """The request conflicts with the current state (409)."""

    status = 409
    code = "conflict"


class Invalid(XinyongError):
    """The input is invalid (422)."""

    status = 422
    code = "invalid"


class Forbidden(XinyongError):
    """The caller may not do this (403)."""

    status = 403
    code = "forbidden"


class Unauthorized(XinyongError):
    """The caller is not signed in (401)."""

    status = 401
    code = "unauthorized"


class PolicyError(XinyongError):
    """The policy data under ``policy/`` is invalid."""

    status = 500
    code = "policy_invalid"


class TooManyRequests(XinyongError):
    """The caller must wait ``retry_after`` seconds (429, with ``Retry-After``)."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None, **detail: Any) -> None:
        super().__init__(message, code=code, retry_after=retry_after, **detail)
        self.retry_after = max(1, retry_after)
