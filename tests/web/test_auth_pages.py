"""Sign-in, CSRF and role checks of the pages."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import HTML, form_token, sign_in
from tests.web.seed import PASSWORD, Seeded
from xinyong.auth.models import QueryLog
from xinyong.runtime import Runtime


def test_login_without_csrf_token_is_refused(client: TestClient, seeded: Seeded) -> None:
    client.get("/login", headers=HTML)
    resp = client.post("/login", data={"username": "hongda", "password": PASSWORD}, headers=HTML)
    assert resp.status_code == 403
    assert "表单已失效" in resp.text


def test_login_with_forged_token_is_refused(client: TestClient, seeded: Seeded) -> None:
    page = client.get("/login", headers=HTML)
    token = form_token(page.text)
    client.cookies.set("xy_form", "another-browser")
    resp = client.post(
        "/login", data={"username": "hongda", "password": PASSWORD, "csrf_token": token}, headers=HTML
    )
    assert resp.status_code == 403


def test_wrong_password_shows_error(client: TestClient, seeded: Seeded) -> None:
    page = client.get("/login", headers=HTML)
    resp = client.post(
        "/login",
        data={"username": "hongda", "password": "wrong", "csrf_token": form_token(page.text)},
        headers=HTML,
    )
    assert resp.status_code == 401
    assert "用户名或密码不正确" in resp.text


def test_subject_signs_in_and_sees_its_whole_file(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, "hongda", PASSWORD)
    resp = client.get("/me", headers=HTML)
    assert resp.status_code == 200
    assert "台税欠〔2026〕9号" in resp.text  # its own non-public record
    assert "张三" not in resp.text


def test_console_sends_anonymous_to_login_and_refuses_subjects(client: TestClient, seeded: Seeded) -> None:
    resp = client.get("/console", headers=HTML, follow_redirects=False)
    assert resp.status_code == 303
    assert resp.headers["location"] == "/login?next=/console"
    sign_in(client, "hongda", PASSWORD)
    assert client.get("/console", headers=HTML).status_code == 403


def test_officer_dashboard_has_charts_and_next_redirect(client: TestClient, seeded: Seeded) -> None:
    page = client.get("/login?next=/console/subjects", headers=HTML)
    resp = client.post(
        "/login",
        data={
            "username": "scjg-officer",
            "password": PASSWORD,
            "next": "/console/subjects",
            "csrf_token": form_token(page.text),
        },
        headers=HTML,
        follow_redirects=False,
    )
    assert resp.headers["location"] == "/console/subjects"
    dash = client.get("/console", headers=HTML)
    assert dash.status_code == 200
    assert 'data-chart="chart-by-dept"' in dash.text
    assert seeded.department.name in dash.text


def test_open_redirect_is_refused(client: TestClient, seeded: Seeded) -> None:
    page = client.get("/login", headers=HTML)
    resp = client.post(
        "/login",
        data={
            "username": "hongda",
            "password": PASSWORD,
            "next": "//evil.example",
            "csrf_token": form_token(page.text),
        },
        headers=HTML,
        follow_redirects=False,
    )
    assert resp.headers["location"] == "/me"


def test_government_view_needs_a_duty_purpose_and_is_logged(
    client: TestClient, seeded: Seeded, session: Session
) -> None:
    sign_in(client, "scjg-officer", PASSWORD)
    public = client.get(f"/console/subjects/{seeded.firm.uscc}", headers=HTML)
    assert public.status_code == 200
    assert "台税欠〔2026〕9号" not in public.text  # no purpose given: the public view only
    duty = client.get(f"/console/subjects/{seeded.firm.uscc}", params={"purpose": "licensing"}, headers=HTML)
    assert "台税欠〔2026〕9号" in duty.text
    assert "提出异议（异议中）" in duty.text  # the status history is shown to departments
    logged = session.scalars(select(QueryLog).where(QueryLog.subject_id == seeded.firm.id)).all()
    assert [q.purpose for q in logged] == ["行政许可"]


def test_logout_needs_csrf(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, "hongda", PASSWORD)
    assert client.post("/logout", headers=HTML).status_code == 403
    page = client.get("/me", headers=HTML)
    resp = client.post("/logout", data={"csrf_token": form_token(page.text)}, follow_redirects=False)
    assert resp.status_code == 303
    assert client.get("/me", headers=HTML, follow_redirects=False).status_code == 303


def test_dashboard_warns_when_next_years_schedule_is_missing(
    client: TestClient, seeded: Seeded, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    sign_in(client, "scjg-officer", PASSWORD)
    monkeypatch.setattr(runtime.settings, "today", dt.date(2026, 10, 30))
    assert 'id="calendar-warning"' not in client.get("/console", headers=HTML).text
    monkeypatch.setattr(runtime.settings, "today", dt.date(2026, 11, 2))
    page = client.get("/console", headers=HTML).text
    assert 'id="calendar-warning"' in page
    assert "2027 年的节假日和调休安排尚未录入" in page
