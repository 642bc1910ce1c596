"""uvicorn's HTTP protocol with the hot endpoints answered straight from the parser (``xinyong serve`` with
``XINYONG_HTTP_PROTOCOL=hot``; the default is uvicorn's own protocol, see :func:`server_protocol`).

The 核查 check is called thousands of times a minute from approval workflows. Served as plain ASGI
(:class:`xinyong.app.HotEndpoints`) each request still paid uvicorn's ASGI cycle: a scope, a request
cycle object, an ``asyncio`` task, two awaited ``receive``/``send`` messages. At a steady 2,000
requests/s that was ~120 µs of CPU per request against ~50–65 µs for the same answer written by the
protocol itself (measured paced with wrk, one process). :func:`hot_protocol` returns a subclass of
uvicorn's httptools protocol that hands the requests of the app's hot endpoints (those with a
``handle(state, scope, body, reply)`` method) to that method as soon as the body is complete, and
writes ``reply(status, body)`` to the socket in the request's order. Everything else — other paths,
browser sessions (cookies), ``Expect: 100-continue``, percent-encoded paths, a request pipelined
behind another one still being answered — goes through the ordinary ASGI cycle, where the same
endpoint answers as plain ASGI: the answer is the same either way (``tests/test_hotproto.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import orjson
from fastapi import FastAPI
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.protocols.utils import get_client_addr

from xinyong.errors import INTERNAL_ERROR_BODY

Reply = Callable[[int, bytes], None]
_INTERNAL = orjson.dumps(INTERNAL_ERROR_BODY)


class HotHandler(Protocol):
    """An endpoint that can answer from the parser: ``reply`` must be called exactly once."""

    method: str
    path: str

    def max_body_bytes(self) -> int:
        """Return the largest body the endpoint reads."""

    def too_large(self, path: str) -> tuple[int, bytes]:
        """Return the answer to a body over the limit (not kept, not handed on)."""

    def handle(self, state: Any, scope: dict[str, Any], body: bytes, reply: Reply) -> None:
        """Answer one request: ``reply(status, json)`` now or later, exactly once."""


class _HotCycle:
    """The state of one hot request, standing where uvicorn keeps its request cycle (``protocol.cycle``),
    so that a request pipelined behind it waits in uvicorn's own queue until it is answered."""

    __slots__ = ("body", "disconnected", "handler", "keep_alive", "response_complete", "too_large")

    def __init__(self, handler: HotHandler, keep_alive: bool) -> None:
        self.handler = handler
        self.keep_alive = keep_alive
        self.body = bytearray()
        self.too_large = False
        self.disconnected = False
        self.response_complete = False

    @property
    def message_event(self) -> _HotCycle:
        return self  # uvicorn sets the event of the current cycle when the connection is lost

    def set(self) -> None:
        """Nothing waits on a hot request's body."""


class HotHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, answering the ``hot`` routes without an ASGI cycle (see the module)."""

    hot: dict[tuple[bytes, bytes], HotHandler] = {}
    state: Any = None

    def on_headers_complete(self) -> None:
        """Take a hot request here, or hand the request to uvicorn's ASGI cycle."""
        handler = self._hot_handler()
        if handler is None:
            super().on_headers_complete()
            return
        http_version = self.parser.get_http_version()
        path, _, query = self.url.partition(b"?")
        self.scope["method"] = handler.method
        self.scope["path"] = self.root_path + handler.path
        self.scope["raw_path"] = self.root_path.encode("ascii") + path
        self.scope["query_string"] = query
        if http_version != "1.1":
            self.scope["http_version"] = http_version
        self.cycle = _HotCycle(handler, http_version != "1.0" and self.parser.should_keep_alive())  # type: ignore[assignment]

    def _hot_handler(self) -> HotHandler | None:
        if self.expect_100_continue or (self.cycle is not None and not self.cycle.response_complete):
            return None  # uvicorn answers 100-continue, and queues a request behind an unanswered one
        handler = self.hot.get((self.parser.get_method(), self.url.partition(b"?")[0]))
        if handler is None or self.parser.should_upgrade():
            return None
        if any(name == b"cookie" for name, _ in self.headers):
            return None  # a browser session: its CSRF check reads a full request
        return handler

    def on_body(self, body: bytes) -> None:
        """Collect a hot request's body (up to the limit), or pass it to uvicorn's cycle."""
        cycle = self.cycle
        if not isinstance(cycle, _HotCycle):
            super().on_body(body)
            return
        if cycle.too_large:
            return
        cycle.body += body
        if len(cycle.body) > cycle.handler.max_body_bytes():
            cycle.too_large = True
            cycle.body = bytearray()

    def on_message_complete(self) -> None:
        """Hand a complete hot request to its endpoint."""
        cycle = self.cycle
        if not isinstance(cycle, _HotCycle):
            super().on_message_complete()
            return
        if cycle.response_complete:
            return
        scope = self.scope
        if cycle.too_large:
            self._reply(cycle, scope, *cycle.handler.too_large(scope["path"]))
            return
        self.flow.pause_reading()  # nothing more is read until this request is answered

        def reply(status: int, payload: bytes) -> None:
            self._reply(cycle, scope, status, payload)

        try:
            cycle.handler.handle(self.state, scope, bytes(cycle.body), reply)
        except Exception:  # a handler answers its own errors; this is the last resort, never a hang
            self.logger.exception("hot endpoint %s failed", scope["path"])
            reply(500, _INTERNAL)

    def _reply(self, cycle: _HotCycle, scope: dict[str, Any], status: int, payload: bytes) -> None:
        if cycle.response_complete:
            return
        cycle.response_complete = True
        if cycle.disconnected or self.transport.is_closing():
            return
        head = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            head += [name, b": ", value, b"\r\n"]
        head.append(b"content-type: application/json\r\ncontent-length: %d\r\n" % len(payload))
        if not cycle.keep_alive:
            head.append(b"connection: close\r\n")
        head += [b"\r\n", payload]
        self.transport.write(b"".join(head))
        if self.access_log:
            self.access_logger.info(
                '%s - "%s %s HTTP/%s" %d',
                get_client_addr(scope),  # type: ignore[arg-type]
                scope["method"],
                scope["raw_path"].decode("latin-1")
                + ("?" + scope["query_string"].decode("latin-1") if scope["query_string"] else ""),
                scope["http_version"],
                status,
            )
        if not cycle.keep_alive:
            self.transport.close()
            return
        self.on_response_complete()  # resumes reading, starts a queued request or arms the keep-alive timer

    def connection_lost(self, exc: Exception | None) -> None:
        """Forget an unanswered hot request of a connection that went away."""
        if isinstance(self.cycle, _HotCycle):
            self.cycle.disconnected = True
        super().connection_lost(exc)


def hot_protocol(app: FastAPI) -> type[HotHttpProtocol]:
    """Return the protocol class serving ``app`` with its hot endpoints answered from the parser."""
    routes = {
        (endpoint.method.encode("ascii"), endpoint.path.encode("ascii")): endpoint
        for endpoint in getattr(app, "hot_endpoints", {}).values()
        if callable(getattr(endpoint, "handle", None))
    }
    return type("XinyongHttpProtocol", (HotHttpProtocol,), {"hot": routes, "state": app.state})


def server_protocol(app: FastAPI) -> type[HotHttpProtocol] | str:
    """Return the HTTP protocol ``xinyong serve`` runs ``app`` with, as the settings select.

    uvicorn's own httptools protocol by default: measured against it on the same load, the hot protocol
    saved 8–11 % of the server's CPU per check, under the 15 % that would pay for a second HTTP
    implementation to keep correct (docs/sanctions.md, ``benchmarks/check.py --compare-protocols``).
    """
    return hot_protocol(app) if app.state.runtime.settings.http_protocol == "hot" else "httptools"
