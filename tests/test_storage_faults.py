"""Faults (issue 16): a database that cannot write answers a clear 503 with a stable code, never a 500,
and nothing is half-written."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select

from tests.conftest import POLICY_DIR, TEST_DATA_KEY, TEST_INDEX_KEY
from tests.fixtures.migrated import migrated_sqlite
from xinyong.app import create_app
from xinyong.audit.models import AuditEvent
from xinyong.settings import Settings


def test_a_read_only_database_refuses_writes_clearly(tmp_path: Path) -> None:
    path = tmp_path / "ro.sqlite3"
    migrated_sqlite(path)
    before = create_engine(f"sqlite:///{path}")
    with before.connect() as conn:
        entries = conn.scalar(select(func.count()).select_from(AuditEvent))
    before.dispose()
    # the same file opened read-only, as after a failed disk remount (root ignores file modes, so chmod won't do)
    settings = Settings(
        env="test",
        database_url=f"sqlite:///file:{path}?mode=ro&uri=true",
        policy_dir=POLICY_DIR,
        var_dir=tmp_path / "var",
        secret_key="test-secret-key",
        data_key=TEST_DATA_KEY,
        index_key=TEST_INDEX_KEY,
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.get("/healthz").status_code == 200
        # a failed sign-in is audited: a write the database refuses
        resp = client.post("/api/v1/auth/login", json={"username": "nobody", "password": "wrong-password"})
        assert resp.status_code == 503, resp.text
        assert resp.json()["code"] == "storage.read_only"
        assert "只读" in resp.json()["message"]
        assert resp.headers["Retry-After"]
    after = create_engine(f"sqlite:///{path}")
    with after.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(AuditEvent)) == entries
    after.dispose()
