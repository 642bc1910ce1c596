"""SQLite write transactions: a signed-in read takes the write lock only when it appends its log, and
then waits for it instead of failing with "database is locked" (issue 16, finding 3)."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from tests.conftest import POLICY_DIR
from tests.fixtures.migrated import migrated_sqlite
from xinyong.audit import service as audit
from xinyong.audit.models import AuditEvent
from xinyong.db import make_engine, make_sessionmaker, reading_session, session_scope, writer_session
from xinyong.settings import Settings


def _setup(tmp_path: Path) -> tuple[Path, Settings]:
    db = tmp_path / "w.sqlite3"
    migrated_sqlite(db)
    return db, Settings(env="test", database_url=f"sqlite:///{db}", var_dir=tmp_path, policy_dir=POLICY_DIR)


def _hold_lock(db: Path, seconds: float) -> threading.Thread:
    """Another writer: hold the write lock for ``seconds`` and commit an audit-free change."""
    ready = threading.Event()

    def run() -> None:
        con = sqlite3.connect(db, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")  # as the platform runs it
        con.execute("CREATE TABLE IF NOT EXISTS t_other (x INTEGER)")
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO t_other VALUES (1)")
        ready.set()
        time.sleep(seconds)
        con.execute("COMMIT")
        con.close()

    t = threading.Thread(target=run)
    t.start()
    ready.wait()
    return t


def test_signed_in_read_reads_without_the_lock_and_waits_to_append(tmp_path: Path) -> None:
    db, settings = _setup(tmp_path)
    engine = make_engine(settings)
    factory = make_sessionmaker(engine)
    other = _hold_lock(db, 0.5)
    with reading_session(factory) as session:
        started = time.monotonic()
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0
        assert time.monotonic() - started < 0.3  # the read did not wait for the writer
        audit.append(session, actor="officer:a", action="file.read", object_type="subject", object_id=1)
        session.commit()
    other.join()
    with writer_session(factory) as session:
        assert audit.verify(session).ok
    engine.dispose()


def test_a_writing_request_waits_for_the_lock_instead_of_failing(tmp_path: Path) -> None:
    db, settings = _setup(tmp_path)
    engine = make_engine(settings)
    factory = make_sessionmaker(engine)
    other = _hold_lock(db, 0.5)
    with session_scope(factory) as session:
        session.scalar(select(func.count()).select_from(AuditEvent))  # read first, as requests do
        audit.append(session, actor="admin:a", action="t", object_type="t")
    other.join()
    with session_scope(factory, write=False) as session:
        assert audit.verify(session).entries == 1
    engine.dispose()
