"""Concurrent appends to the audit chain from separate transactions all succeed and chain in order.

Before: on SQLite a deferred transaction read the head and then failed to upgrade ("database is
locked"); on PostgreSQL two transactions read the same head and collided on ``seq``.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import POLICY_DIR
from xinyong.audit import service as audit
from xinyong.db import make_engine, make_sessionmaker, session_scope
from xinyong.migrate import upgrade
from xinyong.settings import Settings

THREADS, EACH = 6, 15


def _hammer(url: str, var_dir: Path) -> None:
    settings = Settings(env="test", database_url=url, var_dir=var_dir, policy_dir=POLICY_DIR)
    engine = make_engine(settings)
    factory = make_sessionmaker(engine)
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def work(n: int) -> None:
        start.wait()
        for i in range(EACH):
            try:
                with session_scope(factory) as session:
                    session.execute(text("SELECT 1"))  # a read before the append, as requests do
                    audit.append(
                        session, actor=f"t:{n}", action="test.concurrent", object_type="t", object_id=i
                    )
            except BaseException as exc:
                errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert not errors, errors[:3]
        with session_scope(factory, write=False) as session:
            check = audit.verify(session)
        assert check.ok, check.reason
        assert check.entries == THREADS * EACH
    finally:
        engine.dispose()


def test_sqlite_concurrent_appends(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    upgrade(url)
    _hammer(url, tmp_path)


@pytest.mark.skipif(not os.environ.get("XINYONG_TEST_POSTGRES_URL"), reason="needs XINYONG_TEST_POSTGRES_URL")
def test_postgres_concurrent_appends(tmp_path: Path) -> None:
    admin = os.environ["XINYONG_TEST_POSTGRES_URL"]
    name = f"xinyong_append_{os.getpid()}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        _hammer(url, tmp_path)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
