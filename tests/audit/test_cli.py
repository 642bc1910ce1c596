"""``xinyong audit verify`` on a real database file changed behind the application's back."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from tests.fixtures.migrated import migrated_sqlite
from xinyong.audit import service as audit
from xinyong.cli import app
from xinyong.db import make_engine, make_sessionmaker, session_scope
from xinyong.settings import Settings


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = migrated_sqlite(tmp_path / "audit.sqlite3")
    monkeypatch.setenv("XINYONG_DATABASE_URL", url)
    monkeypatch.setenv("XINYONG_VAR_DIR", str(tmp_path))
    engine = make_engine(Settings(database_url=url))
    with session_scope(make_sessionmaker(engine)) as session:
        for i in range(5):
            audit.append(
                session, actor="admin:a", action="test.change", object_type="t", object_id=i, detail={"i": i}
            )
    engine.dispose()
    return url


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["audit", "verify", *args])
    return result.exit_code, result.output


def test_intact_chain_exits_zero(db_url: str) -> None:
    code, out = _run()
    assert code == 0, out
    assert "5 条" in out


@pytest.mark.parametrize(
    ("statement", "bad_seq"),
    [
        ("UPDATE audit_event SET detail = '{\"i\": 99}' WHERE seq = 3", 3),
        ("UPDATE audit_event SET actor = 'admin:b' WHERE seq = 2", 2),
        ("DELETE FROM audit_event WHERE seq = 4", 5),
        ("UPDATE audit_event SET seq = CASE seq WHEN 2 THEN 3 WHEN 3 THEN 2 END WHERE seq IN (2, 3)", 2),
    ],
)
def test_tampering_detected_and_named(db_url: str, statement: str, bad_seq: int) -> None:
    engine = create_engine(db_url)
    with engine.begin() as conn:
        if "CASE" in statement:  # a reorder: swap two entries' positions through a free slot
            conn.execute(text("UPDATE audit_event SET seq = 1000 WHERE seq = 2"))
            conn.execute(text("UPDATE audit_event SET seq = 2 WHERE seq = 3"))
            conn.execute(text("UPDATE audit_event SET seq = 3 WHERE seq = 1000"))
        else:
            conn.execute(text(statement))
    engine.dispose()
    code, out = _run()
    assert code == 1
    assert f"序号 {bad_seq}" in out
    code, out = _run("--json")
    assert code == 1
    assert f'"first_bad_seq": {bad_seq}' in out
