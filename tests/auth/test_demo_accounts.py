"""The demo step creates one account per role and API keys for systems, and writes them to var/."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import subjects as fs
from xinyong.auth.demo import create_demo_accounts
from xinyong.departments import service as departments_service
from xinyong.runtime import Runtime


def test_demo_accounts_written_and_usable(
    client: TestClient, session: Session, runtime: Runtime, tmp_path: Path
) -> None:
    departments_service.sync_from_policy(session, runtime.policy, actor="test", on=dt.date(2026, 1, 1))
    fs.enterprise(session, runtime.keys)
    fs.person(session, runtime.keys)
    session.commit()
    lines = create_demo_accounts(runtime, tmp_path)
    path = runtime.settings.var_dir / "demo-accounts.json"
    assert str(path) in lines[0]
    accounts = json.loads(path.read_text("utf-8"))["accounts"]
    roles = {a["role"] for a in accounts}
    assert {"admin", "auditor", "supervisor", "bank", "officer", "subject", "system"} <= roles
    for acct in accounts:
        if acct["password"]:
            resp = client.post(
                "/api/v1/auth/login", json={"username": acct["username"], "password": acct["password"]}
            )
            assert resp.status_code == 200, acct["username"]
            assert resp.json()["role"] == acct["role"]
        else:
            me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {acct['api_key']}"}).json()
            assert me["role"] == acct["role"]
    officer = next(a for a in accounts if a["role"] == "officer")
    assert officer["username"] == "officer"
    again = create_demo_accounts(runtime, tmp_path)
    assert "已存在" in again[0]
