"""The 核查 check as a bare ASGI endpoint, answered before FastAPI's routing.

A department system calls ``POST /api/v1/check`` inside its approval workflow, often thousands of times a
minute. Through FastAPI's route machinery (exception middleware, the exit-stack middleware, a walk of
every route, dependency solving, ``Request``/``Response`` objects) a request cost more CPU than the check
itself (``benchmarks/check.py``). :func:`answer` is the whole check — authentication, validation,
evaluation, the group-committed log — on the raw body and headers; :class:`CheckEndpoint` serves it as
plain ASGI from ``app.HOT_ENDPOINTS``, and the FastAPI route in :mod:`xinyong.sanctions.api` (which
documents the endpoint in OpenAPI) calls the same function, so both give byte-identical answers.
The outer middleware (server errors, body-size limit) still applies.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

import orjson
from pydantic import ValidationError

from xinyong.auth import service as auth_service
from xinyong.auth.deps import SESSION_COOKIE, resolve_principal
from xinyong.auth.principal import ANONYMOUS, Principal, Role
from xinyong.errors import INTERNAL_ERROR_BODY, Forbidden, Invalid, Unauthorized, XinyongError
from xinyong.records import service as records_service
from xinyong.runtime import Runtime
from xinyong.sanctions import service as check_service
from xinyong.sanctions.logwriter import CheckLogWriter
from xinyong.sanctions.resolve import Query as SubjectQuery
from xinyong.sanctions.schemas import CheckIn
from xinyong.sanctions.service import LogEntry

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

log = logging.getLogger(__name__)

CHECK_PATH = "/api/v1/check"
CHECK_ROLES = (Role.OFFICER, Role.SYSTEM, Role.ADMIN, Role.SUPERVISOR)
# Resolved API keys are kept this long, so a revoked key stops working within this many seconds.
KEY_CACHE_SECONDS = 5.0
KEY_CACHE_SIZE = 10_000
_key_cache: dict[tuple[int, str], tuple[float, Principal | None]] = {}
_JSON = (b"content-type", b"application/json")
# A batch of 10,000 subjects by name and region is under 2 MiB.
MAX_BODY_BYTES = 8 * 1024 * 1024


def _header(headers: Sequence[tuple[bytes, bytes]], name: bytes) -> str:
    for key, value in headers:
        if key == name:
            return value.decode("latin-1")
    return ""


def _cookie_principal(runtime: Runtime, scope: Scope) -> Principal:
    """Identify a signed-in browser session (and check its CSRF token) as every other route does."""
    from starlette.requests import Request  # only here: API keys, the usual callers, need no Request

    with runtime.sessions() as session:
        return resolve_principal(Request(scope), session)


def principal_of(runtime: Runtime, scope: Scope) -> Principal:
    """Identify the caller from its API key (cached briefly) or its session cookie."""
    headers = scope["headers"]
    header = _header(headers, b"authorization")
    if header[:7].lower() == "bearer ":
        key = header[7:].strip()
        cache_key = (id(runtime), auth_service.hash_key(key))
        cached = _key_cache.get(cache_key)
        now = time.monotonic()
        if cached is not None and cached[0] > now:
            found = cached[1]
        else:
            with runtime.sessions() as session:
                found = auth_service.principal_for_key(session, key)
            if len(_key_cache) >= KEY_CACHE_SIZE:  # bounded: random wrong keys cannot grow it
                _key_cache.clear()
            _key_cache[cache_key] = (now + KEY_CACHE_SECONDS, found)
        if found is None:
            raise Unauthorized("API 密钥无效或已停用", code="auth.bad_key")
        return found
    if SESSION_COOKIE in _header(headers, b"cookie"):
        return _cookie_principal(runtime, scope)
    return ANONYMOUS


def _admit(principal: Principal) -> Principal:
    if principal.role in CHECK_ROLES:
        return principal
    if principal.role == Role.PUBLIC:
        raise Unauthorized("请先登录", code="auth.required")
    raise Forbidden("当前角色无权核查", code="auth.forbidden")


def _parse(body: bytes) -> CheckIn:
    try:
        return CheckIn.model_validate_json(body)
    except ValidationError as exc:
        errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors(include_url=False)]
        raise Invalid("请求格式不正确", code="check.bad_request", errors=errors) from None


HISTORY_ROLES = (Role.ADMIN,)  # the credit centre re-checks the past as then known (CHECK_ROLES ∩ 信用中心)


def _as_of(runtime: Runtime, principal: Principal, req: CheckIn) -> tuple[dt.date, dt.datetime | None]:
    """Return the check's valid date and transaction cut-off (``records.asof``).

    Departments check any day with what the platform knows now (a record repaired since must not be
    used again); only the credit centre re-checks the past as it was known then (default for a past day).
    """
    if req.on is None and req.known is None:
        return runtime.today(), None
    if principal.role not in HISTORY_ROLES:
        if req.known is not None:
            raise Forbidden("只有信用中心可以按当时掌握的信息核查", code="check.known_forbidden")
        return req.on or runtime.today(), None
    at = records_service.as_of_request(runtime, req.on, req.known)
    return at.on, at.known_at


def writer_of(state: Any, runtime: Runtime) -> CheckLogWriter:
    """Return the app's group-commit log writer, created on first use."""
    writer: CheckLogWriter | None = getattr(state, "check_writer", None)
    if writer is None:
        writer = state.check_writer = CheckLogWriter(runtime)
    return writer


def prepare(state: Any, scope: Scope, body: bytes) -> tuple[bytes, LogEntry]:
    """Check the subjects of a request body for its caller; return the JSON answer and its log entry.

    ``state`` is the application's state (runtime and log writer); ``scope`` the ASGI scope (headers).
    The answer may be given only once the entry is committed (:meth:`CheckLogWriter.submit`). Raises
    :class:`XinyongError` for bad input or a caller without the right.
    """
    runtime: Runtime = state.runtime
    principal = _admit(principal_of(runtime, scope))
    req = _parse(body)
    if req.subjects is not None:
        queries = [SubjectQuery(s.code, s.name, s.region) for s in req.subjects]
    else:
        queries = [SubjectQuery(req.code, req.name, req.region)]
    on, known_at = _as_of(runtime, principal, req)
    ctx = check_service.CheckContext(principal, req.scenario, on, req.explain, known_at)
    # Reads only, on the held read connection; the log is written by the group-commit writer.
    with runtime.read_connection() as conn:
        result, entry = check_service.evaluate(conn, runtime.policy, runtime.keys, queries, ctx)
    return result.to_bytes(), entry


async def answer(state: Any, scope: Scope, body: bytes) -> bytes:
    """Check the subjects of a request body; return the JSON answer once it is logged (see :func:`prepare`)."""
    payload, entry = prepare(state, scope, body)
    await writer_of(state, state.runtime).submit(entry)
    return payload


def failure(exc: BaseException, path: str) -> tuple[int, bytes]:
    """Return the status and JSON body answering ``exc`` (an unexpected one is logged and is a 500)."""
    if isinstance(exc, XinyongError):
        return exc.status, orjson.dumps(exc.to_dict())
    log.error("hot endpoint %s failed", path, exc_info=exc)
    return 500, orjson.dumps(INTERNAL_ERROR_BODY)


def _too_large() -> XinyongError:
    return XinyongError(
        f"请求体超过 {MAX_BODY_BYTES // 1024 // 1024} MiB", code="check.too_large", status=413
    )


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ConnectionAbortedError
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _too_large()
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


async def _respond(send: Send, status: int, payload: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [_JSON, (b"content-length", str(len(payload)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class CheckEndpoint:
    """``POST /api/v1/check`` as plain ASGI (see the module docstring)."""

    method = "POST"
    path = CHECK_PATH

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one check request; every failure is answered as JSON (an unexpected one logged, 500)."""
        try:
            body = await _read_body(receive)
            status, payload = 200, await answer(scope["app"].state, scope, body)
        except ConnectionAbortedError:
            return  # the client went away before sending its body: nothing was checked
        except Exception as exc:
            status, payload = failure(exc, scope["path"])
        await _respond(send, status, payload)

    def max_body_bytes(self) -> int:
        """Return the largest request body read."""
        return MAX_BODY_BYTES

    def too_large(self, path: str) -> tuple[int, bytes]:
        """Return the answer to a body over :data:`MAX_BODY_BYTES`."""
        return failure(_too_large(), path)

    def handle(self, state: Any, scope: Scope, body: bytes, reply: Callable[[int, bytes], None]) -> None:
        """Serve one check straight from the HTTP parser (:mod:`xinyong.hotproto`): ``reply(status, body)``
        is called once, now for an error, or when the check's log entry is committed."""
        try:
            payload, entry = prepare(state, scope, body)
        except Exception as exc:
            reply(*failure(exc, scope["path"]))
            return

        def logged(done: asyncio.Future[None]) -> None:
            exc = done.exception() if not done.cancelled() else asyncio.CancelledError()
            reply(*(failure(exc, scope["path"]) if exc is not None else (200, payload)))

        writer_of(state, state.runtime).submit(entry).add_done_callback(logged)


endpoint = CheckEndpoint()
