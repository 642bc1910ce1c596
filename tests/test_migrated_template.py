"""The copied migrated database (``tests/fixtures/migrated.py``) is what the migrations build."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.fixtures.migrated import migrated_sqlite
from xinyong.migrate import upgrade


def _shape(path: Path) -> tuple[list[tuple[str, str, list[str]]], list[tuple[str]], list[tuple[str]]]:
    """Return the schema (a statement's lines sorted: batch mode recreates a table's constraints in an
    order that varies from run to run), the migration heads and the journal mode."""
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()
        schema = [
            (kind, name, sorted(line.strip(" ,") for line in (sql or "").splitlines()))
            for kind, name, sql in rows
        ]
        heads = conn.execute("SELECT version_num FROM alembic_version ORDER BY 1").fetchall()
        mode = conn.execute("PRAGMA journal_mode").fetchall()
    return schema, heads, mode


def test_a_copy_has_the_schema_and_heads_of_a_fresh_upgrade(tmp_path: Path) -> None:
    upgrade(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    url = migrated_sqlite(tmp_path / "copy.sqlite3")
    assert url == f"sqlite:///{tmp_path / 'copy.sqlite3'}"
    fresh, copy = _shape(tmp_path / "fresh.sqlite3"), _shape(tmp_path / "copy.sqlite3")
    assert fresh[0]
    assert fresh[1]
    assert copy == fresh


def test_a_copy_never_overwrites_a_database(tmp_path: Path) -> None:
    migrated_sqlite(tmp_path / "one.sqlite3")
    with pytest.raises(FileExistsError):
        migrated_sqlite(tmp_path / "one.sqlite3")
