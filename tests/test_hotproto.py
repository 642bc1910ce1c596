"""The hot endpoints answered from uvicorn's parser (``xinyong.hotproto``), over real sockets: the same
answers as the ASGI path, request order on a connection, keep-alive and close, the size limit, and
everything unusual handed to the ASGI cycle."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.servers import CheckServers as Servers
from tests.servers import check_servers
from xinyong.sanctions import hot

ON = "2026-11-02"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    with check_servers(tmp_path_factory.mktemp("hotproto")) as both:
        yield both


@pytest.fixture
def handled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the requests the protocol answered itself (not through the ASGI cycle)."""
    seen: list[str] = []
    original = hot.CheckEndpoint.handle

    def counting(self: hot.CheckEndpoint, state: Any, scope: Any, *args: Any) -> None:
        seen.append(scope["path"])
        original(self, state, scope, *args)

    monkeypatch.setattr(hot.CheckEndpoint, "handle", counting)
    return seen


def _comparable(response: httpx.Response) -> tuple[int, str, dict[str, Any]]:
    body = response.json()
    body.pop("check_id", None)
    return response.status_code, response.headers["content-type"], body


def _raw(port: int, data: bytes, *, until_closed: bool = False, responses: int = 1) -> bytes:
    """Send ``data`` on one connection; return what comes back (``responses`` answers, or until closed).

    Waiting for the close times out sooner than uvicorn's keep-alive timeout (5 s), which would close an
    idle connection anyway."""
    with socket.create_connection(("127.0.0.1", port), timeout=3 if until_closed else 10) as sock:
        sock.sendall(data)
        got = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return got
            got += chunk
            if not until_closed and _complete(got) >= responses:
                return got


def _frames(data: bytes) -> list[tuple[bytes, bytes]]:
    """Split the complete responses (content-length framed) at the start of ``data`` into head and body."""
    out = []
    while b"\r\n\r\n" in data:
        head, rest = data.split(b"\r\n\r\n", 1)
        lines = head.lower().split(b"\r\n")
        length = int(next(line.split(b":")[1] for line in lines if line.startswith(b"content-length")))
        if len(rest) < length:
            break
        out.append((head, rest[:length]))
        data = rest[length:]
    return out


def _complete(data: bytes) -> int:
    return len(_frames(data))


def _split(data: bytes) -> list[tuple[bytes, dict[str, Any]]]:
    return [(head, json.loads(body)) for head, body in _frames(data)]


def _post(body: dict[str, Any], key: str, extra: bytes = b"", path: bytes = b"/api/v1/check") -> bytes:
    raw = json.dumps(body).encode()
    return (
        b"POST " + path + b" HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + key.encode()
        + b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n" % len(raw) + extra + b"\r\n" + raw
    )  # fmt: skip


def test_hot_answers_equal_the_asgi_path(servers: Servers, handled: list[str]) -> None:
    auth = {"Authorization": f"Bearer {servers.key}"}
    cases: list[tuple[dict[str, str], Any]] = [
        (auth, {"code": servers.listed, "scenario": "政府采购", "on": ON}),
        (auth, {"code": servers.clean, "scenario": "政府采购", "on": ON, "explain": True}),
        (
            auth,
            {"subjects": [{"code": servers.listed}, {"name": servers.clean_name}], "scenario": "招标投标"},
        ),
        (auth, {"code": servers.listed, "scenario": "买菜"}),
        (auth, {"code": servers.listed}),
        (auth, "{not json"),
        ({}, {"code": servers.listed, "scenario": "政府采购"}),
        ({"Authorization": "Bearer xy_wrong"}, {"code": servers.listed, "scenario": "政府采购"}),
    ]
    with httpx.Client() as client:
        for headers, body in cases:
            content = body if isinstance(body, str) else json.dumps(body)
            a = client.post(f"{servers.hot}/api/v1/check", content=content, headers=headers)
            b = client.post(f"{servers.plain}/api/v1/check", content=content, headers=headers)
            assert _comparable(a) == _comparable(b), (a.text, b.text)
            assert a.headers["server"] == b.headers["server"]
            assert "date" in a.headers
        assert len(handled) == len(cases)
        hit = client.post(f"{servers.hot}/api/v1/check", json=cases[0][1], headers=auth).json()
        assert {h["measure_id"] for h in hit["results"][0]["hits"]} >= {"nat.1.procurement"}
        # other paths and methods are FastAPI's, on the same connection
        assert client.get(f"{servers.hot}/api/v1/check").status_code == 405
        assert client.get(f"{servers.hot}/api/v1/check/ping").json() == {"status": "ok"}
        assert (
            client.post(f"{servers.hot}/api/v1/check?x=1", json=cases[0][1], headers=auth).status_code == 200
        )
    assert len(handled) == len(cases) + 2


def test_pipelined_requests_are_answered_in_order(servers: Servers, handled: list[str]) -> None:
    first = _post({"code": servers.listed, "scenario": "政府采购", "on": ON}, servers.key)
    second = _post({"code": servers.clean, "scenario": "政府采购", "on": ON}, servers.key)
    health = b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
    answers = _split(_raw(servers.port, first + health + second + first, responses=4))
    assert [a[0].split(b"\r\n")[0] for a in answers] == [b"HTTP/1.1 200 OK"] * 4
    assert answers[1][1]["status"] == "ok"
    codes = [a[1]["results"][0]["input"]["code"] for i, a in enumerate(answers) if i != 1]
    assert codes == [servers.listed, servers.clean, servers.listed]
    assert answers[0][1]["results"][0]["hits"]
    assert not answers[2][1]["results"][0]["hits"]
    assert len(handled) >= 1  # the first went through the parser, the ones queued behind others may not


def test_connection_close_and_http10(servers: Servers, handled: list[str]) -> None:
    body = {"code": servers.listed, "scenario": "政府采购", "on": ON}
    closed = _raw(servers.port, _post(body, servers.key, b"Connection: close\r\n"), until_closed=True)
    assert closed.startswith(b"HTTP/1.1 200 OK")
    assert b"connection: close" in closed.lower()
    old = _post(body, servers.key).replace(b"HTTP/1.1", b"HTTP/1.0", 1)
    answered = _raw(servers.port, old, until_closed=True)  # 1.0 without keep-alive: closed after the answer
    assert answered.startswith(b"HTTP/1.1 200 OK")
    assert _split(answered)[0][1]["results"][0]["hits"]
    assert handled == ["/api/v1/check", "/api/v1/check"]


def test_oversized_body_is_refused_and_the_connection_goes_on(
    servers: Servers, handled: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hot, "MAX_BODY_BYTES", 1000)
    big = _post({"subjects": [{"code": servers.clean}] * 100, "scenario": "政府采购"}, servers.key)
    small = _post({"code": servers.clean, "scenario": "政府采购"}, servers.key)
    answers = _split(_raw(servers.port, big + small, responses=2))
    assert answers[0][0].startswith(b"HTTP/1.1 413")
    assert answers[0][1]["code"] == "check.too_large"
    assert answers[1][0].startswith(b"HTTP/1.1 200")
    assert answers[1][1]["results"]
    with httpx.Client() as client:  # the ASGI path refuses it alike
        plain = client.post(f"{servers.plain}/api/v1/check", content=big.split(b"\r\n\r\n", 1)[1],
                            headers={"Authorization": f"Bearer {servers.key}"})  # fmt: skip
    assert plain.status_code == 413
    assert plain.json()["code"] == "check.too_large"


def test_unusual_requests_take_the_asgi_path(servers: Servers, handled: list[str]) -> None:
    body = {"code": servers.listed, "scenario": "政府采购", "on": ON}
    with httpx.Client() as client:
        cookie = client.post(
            f"{servers.hot}/api/v1/check", json=body, headers={"Cookie": "xy_session=forged"}
        )
    assert cookie.status_code == 401
    assert cookie.json()["code"] == "auth.required"
    request = _post(body, servers.key, b"Expect: 100-continue\r\n")
    head, raw = request.split(b"\r\n\r\n", 1)
    with socket.create_connection(("127.0.0.1", servers.port), timeout=10) as sock:
        sock.sendall(head + b"\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(raw)
        got = b""
        while _complete(got) < 1:
            got += sock.recv(65536)
    assert got.startswith(b"HTTP/1.1 200 OK")
    assert handled == []


def test_a_client_gone_before_its_answer_costs_nothing(servers: Servers, handled: list[str]) -> None:
    request = _post({"code": servers.listed, "scenario": "政府采购", "on": ON}, servers.key)
    for _ in range(5):
        with socket.create_connection(("127.0.0.1", servers.port), timeout=10) as sock:
            sock.sendall(request)  # and close at once, before the log is committed
    assert _split(_raw(servers.port, request))[0][1]["results"][0]["hits"]
    deadline = time.monotonic() + 5
    while len(handled) < 6 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(handled) == 6


def test_a_handler_failure_is_a_500_and_the_server_goes_on(
    servers: Servers, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(hot.CheckEndpoint, "handle", broken)
    request = _post({"code": servers.listed, "scenario": "政府采购", "on": ON}, servers.key)
    answers = _split(_raw(servers.port, request))
    assert answers[0][0].startswith(b"HTTP/1.1 500")
    assert answers[0][1]["code"] == "internal"
    monkeypatch.undo()
    assert _split(_raw(servers.port, request))[0][0].startswith(b"HTTP/1.1 200")
