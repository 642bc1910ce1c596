"""Sign-in, signed session cookies, CSRF protection for cookie requests, API keys exempt; roles in one place."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import subjects as fs
from xinyong.auth.access import Capability, can
from xinyong.auth.principal import ANONYMOUS, Principal, Role
from xinyong.runtime import Runtime


def test_login_sets_signed_cookie_and_me(client: TestClient, session: Session) -> None:
    acct = fa.account(session, Role.ADMIN)
    csrf = fa.login(client, acct)
    assert client.cookies.get("xy_session")
    assert client.cookies.get("xy_csrf") == csrf
    me = client.get("/api/v1/auth/me").json()
    assert me["role"] == "admin"
    assert me["csrf_token"] == csrf


def test_wrong_password_and_tampered_cookie(client: TestClient, session: Session) -> None:
    acct = fa.account(session, Role.ADMIN)
    resp = client.post("/api/v1/auth/login", json={"username": acct.username, "password": "nope"})
    assert resp.status_code == 401
    assert resp.json()["code"] == "auth.bad_credentials"
    client.cookies.set("xy_session", "forged.value.sig")
    assert client.get("/api/v1/auth/me").json()["role"] == "public"


def test_csrf_required_for_cookie_posts(client: TestClient, session: Session, runtime: Runtime) -> None:
    company = fs.enterprise(session, runtime.keys)
    acct = fa.account(session, Role.SUBJECT, subject_id=company.id)
    csrf = fa.login(client, acct)
    body = {
        "institution_code": "BK-TZYH",
        "sections": ["行政管理"],
        "purpose": "贷款",
        "valid_from": "2026-01-01",
        "valid_to": "2026-03-31",
    }
    missing = client.post("/api/v1/me/authorisations", json=body)
    assert missing.status_code == 403
    assert missing.json()["code"] == "auth.csrf"
    wrong = client.post("/api/v1/me/authorisations", json=body, headers={"X-CSRF-Token": "x" + csrf})
    assert wrong.status_code == 403
    assert (
        client.post("/api/v1/me/authorisations", json=body, headers={"X-CSRF-Token": csrf}).status_code == 201
    )
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    client.cookies.clear()
    assert client.get("/api/v1/auth/me").json()["role"] == "public"


def test_api_keys_exempt_from_csrf_and_bad_key_refused(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    company = fs.enterprise(session, runtime.keys)
    key = fa.api_key(session, Role.SUBJECT, subject_id=company.id)
    body = {
        "institution_code": "BK-TZYH",
        "sections": ["行政管理"],
        "purpose": "贷款",
        "valid_from": "2026-01-01",
        "valid_to": "2026-03-31",
    }
    resp = client.post("/api/v1/me/authorisations", json=body, headers={"Authorization": f"Bearer {key}"})
    assert resp.status_code == 201
    bad = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer xy_wrong"})
    assert bad.status_code == 401


def test_capabilities_by_role() -> None:
    subject = Principal(role=Role.SUBJECT, username="s", subject_id=7)
    assert can(subject, Capability.MANAGE_CONSENT)
    assert not can(Principal(role=Role.SUBJECT, username="x"), Capability.MANAGE_CONSENT)
    assert not can(ANONYMOUS, Capability.READ_VERSIONS)
    assert can(Principal(role=Role.AUDITOR), Capability.READ_AUDIT)
    assert not can(Principal(role=Role.BANK), Capability.SEARCH_PERSONS)
    assert can(Principal(role=Role.OFFICER), Capability.SEARCH_PERSONS)


def test_non_subject_cannot_manage_consent(client: TestClient, session: Session) -> None:
    acct = fa.account(session, Role.BANK, organisation="某银行")
    fa.login(client, acct)
    assert client.get("/api/v1/me/authorisations").status_code == 403
    assert client.get("/api/v1/me/queries").status_code == 403
