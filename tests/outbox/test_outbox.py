"""The outbox: idempotent enqueue, delivery by webhook (a local HTTP server) and inbox, retries with backoff."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.auth.principal import Role
from xinyong.outbox import dispatch, service
from xinyong.outbox.models import InboxMessage, OutboxMessage
from xinyong.outbox.workflow import notification_rules
from xinyong.policy.loader import Policy
from xinyong.runtime import Runtime

NOW = dt.datetime(2026, 10, 9, 2, 0, tzinfo=dt.UTC)


class Receiver(BaseHTTPRequestHandler):
    """Answers with the queued status codes and keeps what it received."""

    statuses: ClassVar[list[int]] = []
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        status = self.statuses.pop(0) if self.statuses else 200
        Receiver.received.append({"status": status, "headers": dict(self.headers), "body": json.loads(body)})
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def server() -> Iterator[str]:
    Receiver.statuses, Receiver.received = [], []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/hook"
    httpd.shutdown()
    httpd.server_close()


def queue(session: Session, key: str, recipient: str = "org:台州银行") -> OutboxMessage | None:
    return service.enqueue(
        session,
        recipient=recipient,
        topic="record.changed",
        idempotency_key=key,
        payload={"record_id": 1, "changes": ["repaired"]},
        now=NOW,
    )


def test_enqueue_is_idempotent(session: Session) -> None:
    assert queue(session, "repair:1:repaired:k:org") is not None
    assert queue(session, "repair:1:repaired:k:org") is None
    assert len(session.scalars(select(OutboxMessage)).all()) == 1


def test_webhook_delivery_with_signature(
    session: Session, runtime: Runtime, policy: Policy, server: str
) -> None:
    rules = notification_rules(policy)
    service.set_endpoint(
        session, actor="test", recipient="org:台州银行", transport="webhook", url=server, secret="s3cret"
    )
    msg = queue(session, "k1")
    assert msg is not None
    session.commit()
    result = dispatch.dispatch_due(runtime.sessions, rules, dispatch.default_transports(rules), now=NOW)
    assert (result.delivered, result.retried, result.dead) == (1, 0, 0)
    got = Receiver.received[0]
    assert got["headers"]["Idempotency-Key"] == "k1"
    raw = json.dumps(got["body"], ensure_ascii=False, sort_keys=True).encode()
    assert got["headers"]["X-Xinyong-Signature"] == dispatch.signature("s3cret", raw)
    session.refresh(msg)
    assert msg.delivered_at == NOW
    assert msg.attempts == 1
    # delivered messages are not sent again
    again = dispatch.dispatch_due(runtime.sessions, rules, dispatch.default_transports(rules), now=NOW)
    assert again.delivered == 0
    assert len(Receiver.received) == 1


def test_retries_with_backoff_then_gives_up(
    session: Session, runtime: Runtime, policy: Policy, server: str
) -> None:
    rules = notification_rules(policy)
    service.set_endpoint(session, actor="test", recipient="org:台州银行", transport="webhook", url=server)
    msg = queue(session, "k2")
    assert msg is not None
    session.commit()
    transports = dispatch.default_transports(rules)
    Receiver.statuses = [500, 503]
    r1 = dispatch.dispatch_due(runtime.sessions, rules, transports, now=NOW)
    assert r1.retried == 1
    session.refresh(msg)
    assert msg.attempts == 1
    assert "HTTP 500" in (msg.last_error or "")
    assert msg.next_attempt_at == NOW + dt.timedelta(seconds=rules.backoff_base_seconds)
    # not due yet: nothing is sent
    assert dispatch.dispatch_due(runtime.sessions, rules, transports, now=NOW).retried == 0
    later = NOW + dt.timedelta(seconds=rules.backoff_base_seconds)
    assert dispatch.dispatch_due(runtime.sessions, rules, transports, now=later).retried == 1
    session.refresh(msg)
    assert msg.next_attempt_at == later + dt.timedelta(seconds=2 * rules.backoff_base_seconds)
    r3 = dispatch.dispatch_due(runtime.sessions, rules, transports, now=msg.next_attempt_at)
    assert r3.delivered == 1
    assert len(Receiver.received) == 3
    # an unreachable endpoint ends as dead after max_attempts
    service.set_endpoint(
        session, actor="test", recipient="org:坏地址", transport="webhook", url="http://127.0.0.1:9/nowhere"
    )
    dead = queue(session, "k3", recipient="org:坏地址")
    assert dead is not None
    session.commit()
    moment = NOW
    for _ in range(rules.max_attempts):
        dispatch.dispatch_due(runtime.sessions, rules, transports, now=moment)
        moment += dt.timedelta(seconds=rules.backoff_max_seconds)
    session.refresh(dead)
    assert dead.dead_at is not None
    assert dead.attempts == rules.max_attempts


def test_backoff_is_capped(policy: Policy) -> None:
    rules = notification_rules(policy)
    assert dispatch.backoff(1, rules).total_seconds() == rules.backoff_base_seconds
    assert dispatch.backoff(30, rules).total_seconds() == rules.backoff_max_seconds


def test_inbox_transport_and_api(
    session: Session, runtime: Runtime, policy: Policy, client: TestClient
) -> None:
    from tests.factories import repair as f

    principal, headers = f.api_key(session, Role.BANK, organisation="台州银行", institution_code="BK-TZYH")
    recipient = service.recipient_of(principal)
    assert recipient == "org:台州银行"
    queue(session, "k4", recipient=recipient)
    session.commit()
    rules = notification_rules(policy)
    assert (
        dispatch.dispatch_due(runtime.sessions, rules, dispatch.default_transports(rules), now=NOW).delivered
        == 1
    )
    # a redelivery (e.g. after a crash before marking delivered) does not duplicate the inbox entry
    msg = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == "k4"))
    assert msg is not None
    dispatch.InboxTransport().send(session, msg, None)
    assert len(session.scalars(select(InboxMessage)).all()) == 1
    r = client.get("/api/v1/inbox", headers=headers)
    assert r.status_code == 200
    assert [m["payload"]["changes"] for m in r.json()["messages"]] == [["repaired"]]
    mid = r.json()["messages"][0]["id"]
    assert client.post(f"/api/v1/inbox/{mid}/read", headers=headers).json()["read_at"]


def test_log_delivery_rejects_unknown_channel(session: Session) -> None:
    from xinyong.errors import Invalid

    with pytest.raises(Invalid):
        service.log_delivery(session, record_ids=[1], recipient="x", channel="fax")  # type: ignore[arg-type]
