"""Abuse limits (issue 16 finding 9): sign-in lockout with audit, server-side logout, 429s, headers."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import subjects as fs
from xinyong.app import create_app
from xinyong.audit.models import AuditEvent
from xinyong.auth.access import access_policy
from xinyong.auth.principal import Role
from xinyong.runtime import Runtime


def _login(client: TestClient, username: str, password: str, address: str | None = None):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def test_wrong_passwords_lock_the_account_even_for_the_right_one(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    acct = fa.account(session, Role.OFFICER)
    session.commit()
    rules = access_policy(runtime.policy).login_throttle
    answers = [_login(client, acct.username, "wrong").status_code for _ in range(rules.account_failures)]
    assert answers[:-1] == [401] * (rules.account_failures - 1)
    assert answers[-1] == 429
    r = _login(client, acct.username, fa.PASSWORD)
    assert r.status_code == 429
    assert r.json()["code"] == "auth.locked"
    assert 0 < int(r.headers["retry-after"]) <= rules.lockout_seconds
    failed = session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == "api.login_failed").order_by(AuditEvent.id)
    ).all()
    assert len(failed) == rules.account_failures + 1
    assert {d["username"] for d in failed} == {acct.username}
    assert failed[-1]["reason"] == "locked"


def test_one_address_guessing_many_accounts_is_locked_out(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    rules = access_policy(runtime.policy).login_throttle
    codes = [_login(client, f"nobody{i}", "guess").status_code for i in range(rules.address_failures)]
    assert codes[-1] == 429
    acct = fa.account(session, Role.OFFICER)
    session.commit()
    assert _login(client, acct.username, fa.PASSWORD).status_code == 429


def test_a_success_resets_the_account_count(client: TestClient, session: Session, runtime: Runtime) -> None:
    acct = fa.account(session, Role.OFFICER)
    session.commit()
    rules = access_policy(runtime.policy).login_throttle
    for _ in range(rules.account_failures - 1):
        assert _login(client, acct.username, "wrong").status_code == 401
    assert _login(client, acct.username, fa.PASSWORD).status_code == 200
    assert _login(client, acct.username, "wrong").status_code == 401


def test_logout_ends_the_session_on_the_server(client: TestClient, session: Session) -> None:
    acct = fa.account(session, Role.ADMIN)
    session.commit()
    csrf = fa.login(client, acct)
    stolen = client.cookies.get("xy_session")
    assert client.get("/api/v1/auth/me").json()["role"] == "admin"
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    client.cookies.clear()
    client.cookies.set("xy_session", str(stolen))
    assert client.get("/api/v1/auth/me").json()["role"] == "public"
    # signing in again works
    fa.login(client, acct)
    assert client.get("/api/v1/auth/me").json()["role"] == "admin"


@pytest.fixture
def limited(runtime: Runtime) -> Iterator[TestClient]:
    settings = runtime.settings.model_copy(
        update={"rate_limit_search_per_minute": 3, "rate_limit_screen_per_minute": 2}
    )
    rt = Runtime(settings=settings, engine=runtime.engine, sessions=runtime.sessions, _policy=runtime.policy)
    with TestClient(create_app(runtime=rt)) as c:
        yield c


def test_public_search_and_screening_answer_429_with_retry_after(
    limited: TestClient, session: Session, runtime: Runtime
) -> None:
    fs.enterprise(session, runtime.keys, name="台州市限流测试有限公司")
    key = fa.api_key(session, Role.OFFICER)
    session.commit()
    codes = [limited.get("/api/v1/subjects", params={"q": "限流测试"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = limited.get("/api/v1/subjects", params={"q": "限流测试"})
    assert r.status_code == 429
    assert r.json()["code"] == "rate_limited"
    assert int(r.headers["retry-after"]) >= 1
    assert limited.get("/search", params={"q": "限流测试"}).status_code == 429
    h = {"Authorization": f"Bearer {key}"}
    codes = [
        limited.post("/api/v1/screen", json={"name": "限流测试"}, headers=h).status_code for _ in range(3)
    ]
    assert codes[:2] != [429, 429]
    assert codes[2] == 429


def test_security_headers_on_every_response_in_production(runtime: Runtime) -> None:
    settings = runtime.settings.model_copy(update={"env": "production"})
    rt = Runtime(settings=settings, engine=runtime.engine, sessions=runtime.sessions, _policy=runtime.policy)
    with TestClient(create_app(runtime=rt)) as c:
        for r in (
            c.get("/healthz"),
            c.get("/"),
            c.get("/api/v1/subjects", params={"q": "x"}),
            c.post("/api/v1/check", json={}),  # the hot endpoint, served before routing
            c.get("/api/v1/nowhere"),
        ):
            assert r.headers["strict-transport-security"].startswith("max-age="), r.url
            assert r.headers["x-content-type-options"] == "nosniff"
            assert r.headers["x-frame-options"] == "DENY"
    with TestClient(create_app(runtime=runtime)) as c:
        assert "strict-transport-security" not in c.get("/healthz").headers


def test_access_log_masks_id_numbers(caplog: pytest.LogCaptureFixture) -> None:
    from xinyong.access_log import install

    install()
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        logging.getLogger("uvicorn.access").info(
            '%s - "%s %s HTTP/%s" %d',
            "127.0.0.1",
            "GET",
            "/api/v1/subjects/33108119850601123X?on=2026-01-01",
            "1.1",
            200,
        )
    assert "33108119850601123X" not in caplog.text
    assert "331081************" in caplog.text


def test_login_page_shares_the_lockout(client: TestClient, session: Session, runtime: Runtime) -> None:
    from tests.web.conftest import HTML, form_token

    acct = fa.account(session, Role.OFFICER)
    session.commit()
    rules = access_policy(runtime.policy).login_throttle

    def post(password: str):  # type: ignore[no-untyped-def]
        page = client.get("/login", headers=HTML)
        return client.post(
            "/login",
            data={"username": acct.username, "password": password, "csrf_token": form_token(page.text)},
            headers=HTML,
            follow_redirects=False,
        )

    codes = [post("wrong").status_code for _ in range(rules.account_failures)]
    assert codes == [401] * (rules.account_failures - 1) + [429]
    locked = post(fa.PASSWORD)
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0
    assert "锁定" in locked.text
    failed = session.scalars(select(AuditEvent.action).where(AuditEvent.action == "web.login_failed")).all()
    assert len(failed) == rules.account_failures + 1


def test_web_logout_ends_the_session_on_the_server(client: TestClient, session: Session) -> None:
    from tests.web.conftest import HTML, form_token, sign_in

    acct = fa.account(session, Role.ADMIN)
    session.commit()
    sign_in(client, acct.username, fa.PASSWORD)
    copied = str(client.cookies.get("xy_session"))
    page = client.get("/console", headers=HTML)
    assert page.status_code == 200
    out = client.post(
        "/logout", data={"csrf_token": form_token(page.text)}, headers=HTML, follow_redirects=False
    )
    assert out.status_code == 303
    client.cookies.clear()
    client.cookies.set("xy_session", copied)
    assert client.get("/console", headers=HTML, follow_redirects=False).status_code == 303
