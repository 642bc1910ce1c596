"""HTTP conformance of ``xinyong serve``'s protocol (:mod:`xinyong.hotproto`) against plain uvicorn.

Each case sends the same raw bytes, over real sockets, to the app served with the hot protocol and to the
same app served by uvicorn's own httptools protocol, and asserts the two conversations are equivalent:
the same status lines, headers (but ``date``) and bodies (but the check's ``check_id``), in the same order,
and the connection closed by the server in the same cases. Each case also asserts what the answer must be,
so two servers broken alike do not pass.

The hot protocol subclasses uvicorn internals, which change between releases: the suite is pinned to the
uvicorn version in ``requirements.lock`` (:func:`test_uvicorn_is_the_locked_version`). When uvicorn is
upgraded, re-run this suite and ``tests/test_hotproto.py`` before moving the pin.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from tests.servers import CheckServers, check_servers
from xinyong.hotproto import HotHttpProtocol, server_protocol
from xinyong.settings import ROOT

ON = "2026-11-02"
Answer = tuple[bytes, tuple[tuple[bytes, bytes], ...], Any]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CheckServers]:
    with check_servers(tmp_path_factory.mktemp("conformance")) as both:
        yield both


@dataclass
class Conversation:
    """One client connection: what it sent, what came back (parsed), and whether the server closed it."""

    sock: socket.socket
    buffer: bytes = b""
    answers: list[Answer] = field(default_factory=list)
    closed: bool = False

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> bool:
        if self.closed:
            return False
        try:
            chunk = self.sock.recv(65536)
        except TimeoutError:
            return False  # still open: nothing came within the socket timeout
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.closed = True
            return False
        self.buffer += chunk
        return True

    def _until(self, marker: bytes) -> bytes | None:
        while marker not in self.buffer:
            if not self._fill():
                return None
        head, self.buffer = self.buffer.split(marker, 1)
        return head

    def _exactly(self, n: int) -> bytes:
        while len(self.buffer) < n and self._fill():
            pass
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def read(self) -> Answer | None:
        """Read one response (content-length, chunked or until close); None if the server closed first."""
        head = self._until(b"\r\n\r\n")
        if head is None:
            return None
        status, *lines = head.split(b"\r\n")
        headers = [tuple(x.strip() for x in line.split(b":", 1)) for line in lines]
        named = {k.lower(): v for k, v in headers}
        if status.split(b" ")[1] in (b"100", b"204", b"304"):
            body = b""
        elif b"content-length" in named:
            body = self._exactly(int(named[b"content-length"]))
        elif named.get(b"transfer-encoding", b"").lower() == b"chunked":
            body = b""
            while size := int(self._until(b"\r\n") or b"0", 16):
                body += self._exactly(size + 2)[:-2]
            self._until(b"\r\n")
        else:
            while self._fill():
                pass
            body, self.buffer = self.buffer, b""
        answer = (status, _comparable_headers(headers), _comparable_body(body))
        self.answers.append(answer)
        return answer

    def read_all(self, n: int) -> list[Answer]:
        return [a for a in (self.read() for _ in range(n)) if a is not None]

    def wait_closed(self) -> bool:
        """Return whether the server closes the connection (within the socket timeout, < keep-alive)."""
        while self._fill():
            pass
        return self.closed


def _comparable_headers(headers: list[tuple[bytes, ...]]) -> tuple[tuple[bytes, bytes], ...]:
    pairs = [(h[0].lower(), h[1] if len(h) > 1 else b"") for h in headers]
    return tuple(sorted((k, v) for k, v in pairs if k != b"date"))


def _comparable_body(body: bytes) -> Any:
    try:
        data = json.loads(body)
    except ValueError:
        return body
    if isinstance(data, dict):
        data.pop("check_id", None)
    return data


def _send_and_read(request: bytes) -> Callable[[Conversation], None]:
    """A script that sends ``request`` and reads one answer."""

    def script(conversation: Conversation) -> None:
        conversation.send(request)
        conversation.read()

    return script


def converse(port: int, script: Callable[[Conversation], None], timeout: float = 3.0) -> Conversation:
    """Run ``script`` on a fresh connection to ``port``; return the finished conversation."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        conversation = Conversation(sock)
        script(conversation)
        return conversation


def both(servers: CheckServers, script: Callable[[Conversation], None]) -> Conversation:
    """Run ``script`` against both servers; assert equivalent conversations; return the hot one."""
    hot = converse(servers.port, script)
    plain = converse(servers.plain_port, script)
    assert hot.answers == plain.answers
    assert hot.closed == plain.closed
    return hot


def check(servers: CheckServers, code: str, *, version: bytes = b"HTTP/1.1", extra: bytes = b"") -> bytes:
    raw = json.dumps({"code": code, "scenario": "政府采购", "on": ON}).encode()
    return (
        b"POST /api/v1/check " + version + b"\r\nHost: t\r\nAuthorization: Bearer " + servers.key.encode()
        + b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n" % len(raw) + extra + b"\r\n" + raw
    )  # fmt: skip


def _hits(answer: Answer) -> list[Any]:
    return list(answer[2]["results"][0]["hits"])


HEALTH = b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"


def test_uvicorn_is_the_locked_version() -> None:
    """The hot protocol subclasses uvicorn internals: an upgrade must re-run this suite first."""
    locked = re.search(r"^uvicorn==([\w.]+)", (ROOT / "requirements.lock").read_text("utf-8"), re.M)
    assert locked, "requirements.lock pins no uvicorn"
    assert uvicorn.__version__ == locked.group(1), (
        f"uvicorn {uvicorn.__version__} is installed but {locked.group(1)} is locked: after an upgrade, re-run"
        " tests/test_http_conformance.py and tests/test_hotproto.py, then update the lock"
    )


def test_serve_runs_uvicorns_protocol_unless_the_hot_one_is_selected(app: FastAPI) -> None:
    assert server_protocol(app) == "httptools"
    app.state.runtime.settings.http_protocol = "hot"
    try:
        protocol = server_protocol(app)
        assert isinstance(protocol, type)
        assert issubclass(protocol, HotHttpProtocol)
    finally:
        app.state.runtime.settings.http_protocol = "uvicorn"


def test_pipelined_requests_in_one_write(servers: CheckServers) -> None:
    def script(c: Conversation) -> None:
        c.send(
            check(servers, servers.listed)
            + HEALTH
            + check(servers, servers.clean)
            + check(servers, servers.listed)
        )
        c.read_all(4)

    hot = both(servers, script)
    assert [a[0] for a in hot.answers] == [b"HTTP/1.1 200 OK"] * 4
    assert hot.answers[1][2]["status"] == "ok"
    assert _hits(hot.answers[0])
    assert not _hits(hot.answers[2])
    assert _hits(hot.answers[3])


def test_keep_alive_reuse(servers: CheckServers) -> None:
    def script(c: Conversation) -> None:
        for code in (servers.listed, servers.clean, servers.listed):
            c.send(check(servers, code))
            c.read()
        c.send(HEALTH)
        c.read()

    hot = both(servers, script)
    assert [a[0] for a in hot.answers] == [b"HTTP/1.1 200 OK"] * 4
    assert not hot.closed


def test_chunked_request_body(servers: CheckServers) -> None:
    raw = json.dumps({"code": servers.listed, "scenario": "政府采购", "on": ON}).encode()
    parts = [raw[:7], raw[7:20], raw[20:]]
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"
    head = (
        b"POST /api/v1/check HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + servers.key.encode()
        + b"\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )  # fmt: skip

    def script(c: Conversation) -> None:
        c.send(head + chunked[:10])
        time.sleep(0.05)
        c.send(chunked[10:] + HEALTH)
        c.read_all(2)

    hot = both(servers, script)
    assert [a[0] for a in hot.answers] == [b"HTTP/1.1 200 OK"] * 2
    assert _hits(hot.answers[0])


def test_expect_100_continue(servers: CheckServers) -> None:
    head, body = check(servers, servers.listed, extra=b"Expect: 100-continue\r\n").split(b"\r\n\r\n", 1)

    def script(c: Conversation) -> None:
        c.send(head + b"\r\n\r\n")
        c.read()
        c.send(body)
        c.read()

    hot = both(servers, script)
    assert [a[0] for a in hot.answers] == [b"HTTP/1.1 100 Continue", b"HTTP/1.1 200 OK"]
    assert _hits(hot.answers[1])


def test_http10_without_keep_alive_is_closed(servers: CheckServers) -> None:
    def script(c: Conversation) -> None:
        c.send(check(servers, servers.listed, version=b"HTTP/1.0"))
        c.read()
        c.wait_closed()

    hot = both(servers, script)
    assert hot.answers[0][0] == b"HTTP/1.1 200 OK"
    assert _hits(hot.answers[0])
    assert hot.closed


def test_http10_with_keep_alive(servers: CheckServers) -> None:
    keep = b"Connection: keep-alive\r\n"

    def script(c: Conversation) -> None:
        c.send(check(servers, servers.listed, version=b"HTTP/1.0", extra=keep))
        c.read()
        c.send(check(servers, servers.clean, version=b"HTTP/1.0", extra=keep))
        c.read()
        c.wait_closed()

    hot = both(servers, script)
    # uvicorn answers an HTTP/1.0 request and closes even when it asks to be kept alive; so must the hot path
    assert [a[0] for a in hot.answers] == [b"HTTP/1.1 200 OK"]
    assert hot.closed


def test_slow_client_trickling_its_body(servers: CheckServers) -> None:
    request = check(servers, servers.listed)

    def script(c: Conversation) -> None:
        head, body = request.split(b"\r\n\r\n", 1)
        c.send(head + b"\r\n\r\n")
        for i in range(len(body)):
            c.send(body[i : i + 1])
            time.sleep(0.002)
        c.read()

    hot = both(servers, script)
    assert hot.answers[0][0] == b"HTTP/1.1 200 OK"
    assert _hits(hot.answers[0])


def _vanish(port: int, data: bytes) -> None:
    """Send ``data`` and drop the connection with a reset (no FIN), as a crashed client does."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=3)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    sock.sendall(data)
    sock.close()


def _while_vanishing(port: int, request: bytes, payload: bytes) -> list[bytes]:
    """Check on one connection after another while five clients send ``payload`` and vanish; return the
    status lines the steady client got."""
    stop = threading.Event()
    others: list[bytes] = []

    def keep_checking() -> None:
        while not stop.is_set():
            others.append(converse(port, _send_and_read(request)).answers[0][0])

    worker = threading.Thread(target=keep_checking)
    worker.start()
    for _ in range(5):
        _vanish(port, payload)
    time.sleep(0.2)
    stop.set()
    worker.join(timeout=10)
    return others


@pytest.mark.parametrize("where", ["mid-request", "mid-response"])
def test_a_vanishing_client_does_not_stop_the_others(servers: CheckServers, where: str) -> None:
    request = check(servers, servers.listed)
    # mid-request: half the body; mid-response: a 2,000-subject batch, gone while it is being answered
    batch = json.dumps({"subjects": [{"code": servers.clean}] * 2000, "scenario": "政府采购"}).encode()
    big = request.split(b"Content-Length")[0] + b"Content-Length: %d\r\n\r\n" % len(batch) + batch
    payload = request[: len(request) - 10] if where == "mid-request" else big
    answers = []
    for port in (servers.port, servers.plain_port):
        others = _while_vanishing(port, request, payload)
        assert others
        assert set(others) == {b"HTTP/1.1 200 OK"}
        answers.append(converse(port, _send_and_read(request)).answers)
    assert answers[0] == answers[1]
    assert _hits(answers[0][0])


def test_oversized_headers(servers: CheckServers) -> None:
    huge = b"X-Filler: " + b"a" * 200_000 + b"\r\n"

    def script(c: Conversation) -> None:
        c.send(check(servers, servers.listed, extra=huge))
        c.read()
        c.wait_closed()

    hot = both(servers, script)
    # uvicorn's httptools protocol sets no limit on the header block (a proxy in front must: docs/security.md);
    # what matters here is that the hot path answers it as uvicorn does
    assert hot.answers[0][0] == b"HTTP/1.1 200 OK"
    assert not hot.closed


@pytest.mark.parametrize(
    "line",
    [b"GARBAGE\r\n\r\n", b"POST /api/v1/check HTTP/9.9\r\nHost: t\r\n\r\n", b"POST  HTTP/1.1\r\n\r\n"],
)
def test_malformed_request_line(servers: CheckServers, line: bytes) -> None:
    def script(c: Conversation) -> None:
        c.send(line)
        c.read()
        c.wait_closed()

    hot = both(servers, script)
    assert hot.answers[0][0] == b"HTTP/1.1 400 Bad Request"
    assert hot.closed
