"""Fixtures for the page tests: seeded data and a client that can sign in through the form."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.web.seed import Seeded, seed
from xinyong.policy.loader import Policy
from xinyong.runtime import Runtime

HTML = {"accept": "text/html"}


@pytest.fixture
def seeded(session: Session, runtime: Runtime, policy: Policy) -> Seeded:
    """Return the seeded data (rolled back after the test)."""
    # flush, not commit: on SQLite (pysqlite) releasing the test session's savepoint would commit for good
    return seed(session, runtime.keys, policy)


def form_token(html: str) -> str:
    """Return the CSRF token of the first form in a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "page has no CSRF field"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str) -> None:
    """Sign in through the login form."""
    page = client.get("/login", headers=HTML)
    resp = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": form_token(page.text)},
        headers=HTML,
        follow_redirects=False,
    )
    assert resp.status_code == 303, resp.text
