"""``xinyong backup`` / ``xinyong restore`` round-trip to an identical database whose audit chain verifies,
on SQLite (online backup API) and PostgreSQL (pg_dump / pg_restore; skipped without a test server)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from xinyong.audit import service as audit
from xinyong.cli import app
from xinyong.db import make_engine, make_sessionmaker, session_scope
from xinyong.migrate import upgrade
from xinyong.settings import Settings


def _snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, sorted (the comparison of 'identical')."""
    out: dict[str, list[tuple[object, ...]]] = {}
    with engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).all()  # noqa: S608 - names from the catalog
            out[table] = sorted((tuple(r) for r in rows), key=repr)
    return out


def _fill(url: str, n: int) -> None:
    engine = make_engine(Settings())
    with session_scope(make_sessionmaker(engine)) as session:
        for i in range(n):
            audit.append(
                session, actor="admin:a", action="test.change", object_type="t", object_id=i, detail={"i": i}
            )
    engine.dispose()


def _cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _round_trip(url: str, tmp_path: Path, file: Path) -> None:
    _fill(url, 5)
    engine = create_engine(url)
    before = _snapshot(engine)
    assert "已备份" in _cli("backup", str(file))
    _fill(url, 3)  # later changes, then lost to the restore
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq = 2"))
    engine.dispose()
    out = _cli("restore", str(file))
    assert "哈希链校验通过" in out
    engine = create_engine(url)
    assert _snapshot(engine) == before
    engine.dispose()
    assert "哈希链校验通过" in _cli("audit", "verify")


def test_sqlite_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    upgrade(url)
    monkeypatch.setenv("XINYONG_DATABASE_URL", url)
    monkeypatch.setenv("XINYONG_VAR_DIR", str(tmp_path / "var"))
    _round_trip(url, tmp_path, tmp_path / "backup" / "xinyong.bak")


def test_sqlite_restore_refuses_a_file_that_is_not_a_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    upgrade(url)
    monkeypatch.setenv("XINYONG_DATABASE_URL", url)
    monkeypatch.setenv("XINYONG_VAR_DIR", str(tmp_path / "var"))
    junk = tmp_path / "junk.bak"
    junk.write_bytes(b"not a database" * 100)
    result = CliRunner().invoke(app, ["restore", str(junk)])
    assert result.exit_code == 2
    assert "backup.invalid" in result.output


@pytest.mark.skipif(not os.environ.get("XINYONG_TEST_POSTGRES_URL"), reason="needs XINYONG_TEST_POSTGRES_URL")
def test_postgres_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = os.environ["XINYONG_TEST_POSTGRES_URL"]
    name = f"xinyong_backup_{os.getpid()}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        monkeypatch.setenv("XINYONG_DATABASE_URL", url)
        monkeypatch.setenv("XINYONG_VAR_DIR", str(tmp_path / "var"))
        _round_trip(url, tmp_path, tmp_path / "xinyong.pgdump")
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
