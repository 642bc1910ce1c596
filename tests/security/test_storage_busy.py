"""A write lock held past the busy timeout (another process's long write) answers 503 ``storage.busy``
with ``Retry-After``, never a 500; once the lock is released the same request goes through."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import POLICY_DIR, TEST_DATA_KEY, TEST_INDEX_KEY
from tests.fixtures.migrated import migrated_sqlite
from xinyong.app import create_app
from xinyong.settings import Settings


def test_a_lock_held_past_the_wait_is_a_clear_503(tmp_path: Path) -> None:
    path = tmp_path / "busy.sqlite3"
    migrated_sqlite(path)
    settings = Settings(
        env="test",
        database_url=f"sqlite:///{path}",
        policy_dir=POLICY_DIR,
        var_dir=tmp_path / "var",
        secret_key="busy-secret",
        data_key=TEST_DATA_KEY,
        index_key=TEST_INDEX_KEY,
        sqlite_busy_timeout_ms=100,
    )
    wrong = {"username": "nobody", "password": "wrong-password"}
    holder = sqlite3.connect(path, isolation_level=None)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        # a warm pool: the request's pooled connection waits at ``BEGIN IMMEDIATE`` (not at connecting)
        assert client.post("/api/v1/auth/login", json=wrong).status_code == 401
        holder.execute("BEGIN IMMEDIATE")  # an ingest's publish step, holding the write lock
        try:
            resp = client.post("/api/v1/auth/login", json=wrong)
        finally:
            holder.execute("ROLLBACK")
        assert resp.status_code == 503, resp.text
        assert resp.json()["code"] == "storage.busy"
        assert resp.headers["Retry-After"]
        assert client.post("/api/v1/auth/login", json=wrong).status_code == 401
    holder.close()
