"""Request guards that keep bad input from ever becoming a server error.

``StrictJSON`` refuses a JSON body that is not strict JSON before any endpoint sees it: ``NaN``,
``Infinity``, numbers past a double, and lone surrogates (``"\\ud800"``) are accepted by Python's
``json.loads`` (which FastAPI uses) but cannot be stored, hashed into the audit chain as UTF-8, or
answered back; they made even an anonymous login answer 500. ``validation_error`` answers FastAPI's
request validation errors in the platform's shape (a stable code and a Chinese message), without echoing
the input back (an echoed NaN or surrogate was itself the 500).
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.exceptions import RequestValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xinyong.kit.validation import message_zh

JSON_INVALID = {
    "code": "request.json_invalid",
    "message": "请求体不是合法的 JSON：不允许 NaN、Infinity、超出范围的数值或孤立的代理字符（surrogate），并须为 UTF-8 编码",
}


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            media = value.split(b";", 1)[0].strip().lower()
            return bool(media == b"application/json" or media.endswith(b"+json"))
    return False


class StrictJSON:
    """ASGI middleware: answer 422 ``request.json_invalid`` to a JSON body that is not strict JSON."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check a JSON request's body, then pass the request on with the body replayed."""
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD") or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        chunks: list[bytes] = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body.strip():
            try:
                orjson.loads(body)
            except orjson.JSONDecodeError:
                try:  # not JSON at all: FastAPI answers that as it always has (json_invalid)
                    import json

                    json.loads(body.decode("utf-8"))
                except (ValueError, UnicodeDecodeError):
                    pass
                else:  # JSON to Python, but not strict: refuse it here
                    await JSONResponse(JSON_INVALID, status_code=422)(scope, _replay(messages), send)
                    return
        await self.app(scope, _replay(messages, receive), send)


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive


def _loc(loc: Any) -> list[str | int]:
    return [p if isinstance(p, int) else str(p) for p in loc]


def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """Answer a request validation error: stable code, Chinese message, the fields at fault (no input)."""
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for this type only
    errors = []
    for err in exc.errors():
        kind = str(err.get("type", "value_error"))
        msg = str(err.get("msg", ""))
        zh = message_zh(kind, msg)
        errors.append({"loc": _loc(err.get("loc", ())), "type": kind, "msg": zh or msg})
    if any(e["type"] == "json_invalid" for e in errors):
        body: dict[str, Any] = {**JSON_INVALID, "detail": errors}
    else:
        where = "、".join(
            ".".join(str(p) for p in e["loc"][1:] or e["loc"]) + f"：{e['msg']}" for e in errors[:5]
        )
        body = {"code": "request.invalid", "message": f"请求参数不合法（{where}）", "detail": errors}
    try:
        return JSONResponse(body, status_code=422)
    except (ValueError, UnicodeEncodeError):  # a field name itself was hostile: answer without details
        return JSONResponse({"code": "request.invalid", "message": "请求参数不合法"}, status_code=422)
