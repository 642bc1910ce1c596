"""The check's held read connection (outside the test transaction): reused, never left in a transaction,
replaced after a database error. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

import pytest
from sqlalchemy import Connection, Engine, delete, select
from sqlalchemy.exc import DBAPIError

from xinyong.audit.models import AuditEvent
from xinyong.auth.principal import Principal, Role
from xinyong.db import make_sessionmaker
from xinyong.policy.loader import Policy
from xinyong.runtime import Runtime
from xinyong.sanctions import service as check_service
from xinyong.sanctions.logwriter import CheckLogWriter
from xinyong.sanctions.models import CheckLog
from xinyong.sanctions.resolve import Query
from xinyong.sanctions.service import LogEntry
from xinyong.settings import Settings


def _idle(conn: Connection) -> bool:
    raw = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql":
        import psycopg

        return bool(raw.info.transaction_status == psycopg.pq.TransactionStatus.IDLE)  # type: ignore[union-attr]
    return not raw.in_transaction  # type: ignore[union-attr]


def _committed(writer: CheckLogWriter, entry: LogEntry) -> None:
    """Submit ``entry`` in a fresh event loop and wait (at most 10 s) until it is committed."""

    async def commit() -> None:
        await asyncio.wait_for(writer.submit(entry), timeout=10)

    asyncio.run(commit())


def test_read_connection_is_reused_left_idle_and_replaced_after_an_error(
    settings: Settings, engine: Engine, policy: Policy
) -> None:
    rt = Runtime(settings=settings, engine=engine, sessions=make_sessionmaker(engine))
    rt._policy = policy
    assert rt.session_bind() is None
    ctx = check_service.CheckContext(
        Principal(role=Role.SYSTEM, username="t"), "政府采购", dt.date(2026, 11, 2)
    )
    try:
        with rt.read_connection() as first:
            answer, entry = check_service.evaluate(
                first, policy, rt.keys, [Query(code="91331002MA2AAAAAA0"), Query(name="无此公司")], ctx
            )
        assert [r["status"] for r in answer.results][1] == "not_found"
        assert entry.log["subject_count"] == 2
        assert not first.in_transaction()
        assert _idle(first)
        with rt.read_connection() as again:
            check_service.evaluate(again, policy, rt.keys, [Query(code="91331002MA2AAAAAA0")], ctx)
        assert again is first
        assert _idle(again)
        with pytest.raises(DBAPIError), rt.read_connection() as broken:
            broken.exec_driver_sql("SELECT * FROM no_such_table")
        with rt.read_connection() as fresh:
            assert fresh is not first
        assert _idle(fresh)
    finally:
        if rt._reader is not None:
            rt._reader.close()


def test_log_writer_commits_on_the_held_connection_and_checkpoints_elsewhere(
    settings: Settings, engine: Engine, policy: Policy
) -> None:
    rt = Runtime(settings=settings, engine=engine, sessions=make_sessionmaker(engine))
    rt._policy = policy
    ctx = check_service.CheckContext(
        Principal(role=Role.SYSTEM, username="writer"), "政府采购", dt.date(2026, 11, 2)
    )
    writer = CheckLogWriter(rt)
    try:
        with rt.read_connection() as conn:
            held = conn
            entries = [
                check_service.evaluate(conn, policy, rt.keys, [Query(code="91331002MA2AAAAAA0")], ctx)[1]
                for _ in range(3)
            ]

        async def write_all() -> None:
            await asyncio.gather(*(writer.submit(e) for e in entries))

        asyncio.run(write_all())
        assert (writer.batches, writer.entries) == (1, 3)  # one shared commit
        ids = [e.log["check_id"] for e in entries]
        with engine.connect() as other:  # committed: another connection sees the rows
            found = other.execute(select(CheckLog.check_id).where(CheckLog.check_id.in_(ids))).scalars()
            assert sorted(found) == sorted(ids)
            other.execute(delete(CheckLog).where(CheckLog.check_id.in_(ids)))
            other.execute(delete(AuditEvent).where(AuditEvent.object_id.in_(ids)))
            other.commit()
        assert rt._reader is held  # written on the held connection, not a connection of its own
        assert _idle(held)
        if engine.dialect.name == "sqlite":
            ck = rt._checkpointer
            assert ck is not None
            assert ck.thread.is_alive()
            assert held.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
            held.rollback()
            ck.restart_frames = 1  # any log is "long": the thread asks the writer to finish the checkpoint
            deadline = time.monotonic() + 5
            while not ck.restart_wanted and time.monotonic() < deadline:
                time.sleep(0.05)
            assert ck.restart_wanted
            with engine.connect() as other:
                frames_before = other.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()[1]
            with rt.read_connection() as conn:
                more = [
                    check_service.evaluate(conn, policy, rt.keys, [Query(code="91331002MA2AAAAAA0")], ctx)[1]
                ]
            _committed(writer, more[0])
            assert (ck.restarts, ck.restart_wanted) == (1, False)
            with engine.connect() as other:  # the commit after the catch-up started the log afresh
                frames_after = other.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()[1]
            assert frames_after < frames_before
            with engine.connect() as other:
                other.execute(delete(CheckLog).where(CheckLog.check_id == more[0].log["check_id"]))
                other.execute(delete(AuditEvent).where(AuditEvent.object_id == more[0].log["check_id"]))
                other.commit()
    finally:
        if rt._reader is not None:
            rt._reader.close()
    if rt._checkpointer is not None:
        rt._checkpointer.thread.join(timeout=5)  # it ends once the held connection is closed
        assert not rt._checkpointer.thread.is_alive()


def test_a_failed_wal_catch_up_delays_no_check(
    settings: Settings, engine: Engine, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer holds its commits back for a catch-up; when that fails the checks are still logged."""
    rt = Runtime(settings=settings, engine=engine, sessions=make_sessionmaker(engine))
    rt._policy = policy
    calls: list[str] = []

    def broken() -> bool:
        calls.append("catch_up")
        raise OSError("disk gone")

    monkeypatch.setattr(rt, "wal_catch_up_wanted", lambda: True)
    monkeypatch.setattr(rt, "catch_up_wal", broken)
    ctx = check_service.CheckContext(
        Principal(role=Role.SYSTEM, username="catchup"), "政府采购", dt.date(2026, 11, 2)
    )
    writer = CheckLogWriter(rt)
    try:
        with rt.read_connection() as conn:
            entry = check_service.evaluate(conn, policy, rt.keys, [Query(code="91331002MA2AAAAAA0")], ctx)[1]
        _committed(writer, entry)
        assert calls == ["catch_up"]
        assert (writer.batches, writer.entries) == (1, 1)
        check_id = entry.log["check_id"]
        with engine.connect() as other:
            assert other.scalar(select(CheckLog.check_id).where(CheckLog.check_id == check_id)) == check_id
            other.execute(delete(CheckLog).where(CheckLog.check_id == check_id))
            other.execute(delete(AuditEvent).where(AuditEvent.object_id == check_id))
            other.commit()
    finally:
        if rt._reader is not None:
            rt._reader.close()
