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


# Chinese messages for the HTTP errors the framework raises itself (an unknown path, a wrong method).
HTTP_MESSAGES = {
    400: "请求有误",
    401: "请先登录",
    403: "无权访问",
    404: "您访问的页面或资源不存在，请检查地址是否正确",
    405: "不支持该请求方式",
    413: "上传的内容过大",
    415: "不支持该内容类型",
    429: "请求过于频繁，请稍后再试",
}


def from_http(status: int) -> XinyongError:
    """Return the platform error for a bare HTTP status (code ``http.<status>``, Chinese message)."""
    return XinyongError(HTTP_MESSAGES.get(status, "请求未能完成"), code=f"http.{status}", status=status)
