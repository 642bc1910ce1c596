"""Factories for accounts, API keys and signed-in clients."""

from __future__ import annotations

import itertools
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from xinyong.auth import service
from xinyong.auth.models import Account
from xinyong.auth.principal import Role

_seq = itertools.count(1)
PASSWORD = "correct horse battery"


def account(session: Session, role: Role, **kw: Any) -> Account:
    """Create an account with the test password."""
    username = kw.pop("username", f"{role.value}{next(_seq)}")
    return service.create_account(
        session, actor="test:factory", username=username, password=PASSWORD, role=role, **kw
    )


def api_key(session: Session, role: Role, **kw: Any) -> str:
    """Create an API key; return the clear key."""
    _, key = service.create_api_key(
        session, actor="test:factory", name=kw.pop("name", f"key{next(_seq)}"), role=role, **kw
    )
    return key


def login(client: TestClient, acct: Account) -> str:
    """Sign ``client`` in as ``acct``; return the CSRF token."""
    resp = client.post("/api/v1/auth/login", json={"username": acct.username, "password": PASSWORD})
    assert resp.status_code == 200, resp.text
    return str(resp.json()["csrf_token"])
