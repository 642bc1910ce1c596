"""Storage: engine, sessions and the declarative base with a naming convention.

SQLite is the embedded default (WAL, foreign keys, busy timeout); PostgreSQL works with the same models.
Transactions belong to the caller: services ``flush()``, the request or CLI command commits.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import JSON, BigInteger, Connection, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from xinyong.settings import Settings

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BIGINT primary keys that still autoincrement on SQLite (which only does so for INTEGER).
BigIntPK = BigInteger().with_variant(sqlite.INTEGER(), "sqlite")
# JSON payloads: JSONB on PostgreSQL.
JSONType = JSON().with_variant(postgresql.JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite stores naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base for all tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    """Return the current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


def _sqlite_pragmas(busy_timeout_ms: int, mmap_mib: int = 0) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # First: the pragmas below wait for a writer only once a busy timeout is set (a new pool
        # connection opened while an ingest held the write lock failed on journal_mode otherwise).
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Reads through a memory map skip a copy and a system call per page: a name search over a
        # million subjects touches ~100 scattered rows, and runs ~40% faster so.
        cursor.execute(f"PRAGMA mmap_size={int(mmap_mib) * 1024 * 1024}")
        cursor.close()
        # Let SQLAlchemy, not pysqlite, open transactions (see _sqlite_begin): otherwise SAVEPOINTs
        # (begin_nested, test sessions joined with create_savepoint) commit for real on RELEASE.
        dbapi_connection.isolation_level = None

    return on_connect


# The execution option that makes a SQLite transaction take the write lock at its start (``BEGIN IMMEDIATE``).
SQLITE_BEGIN = "xinyong_sqlite_begin"
IMMEDIATE = "IMMEDIATE"


def _sqlite_begin(conn: Any) -> None:
    """Open the transaction: ``BEGIN IMMEDIATE`` for writers, a deferred ``BEGIN`` for readers.

    A deferred transaction that has read and then writes cannot wait for the write lock: SQLite calls
    the busy handler only for a connection with no transaction open, so the upgrade fails at once with
    "database is locked" whenever another connection writes (finding 3 of issue 16). A writer therefore
    takes the lock first and waits for it (``busy_timeout``); its reads then see the latest data.
    """
    mode = "BEGIN IMMEDIATE" if conn.get_execution_options().get(SQLITE_BEGIN) == IMMEDIATE else "BEGIN"
    # Straight to the driver: through ``exec_driver_sql`` this costs ~0.1 ms, a tenth of a search.
    _driver_execute(conn.connection.driver_connection, mode)


def _driver_execute(raw: Any, sql: str) -> None:
    """Run ``sql`` on the driver connection; its errors become SQLAlchemy's, as from any statement.

    A lock waited out at ``BEGIN IMMEDIATE`` must reach the application as
    ``sqlalchemy.exc.OperationalError`` (503 ``storage.busy``); the driver's own exception, raised from an
    event SQLAlchemy does not wrap, was a 500 (``tests/security/test_storage_busy.py``).
    """
    try:
        raw.execute(sql)
    except sqlite3.Error as exc:
        raise DBAPIError.instance(sql, None, exc, sqlite3.Error) from exc


_writers: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def writing_engine(engine: Engine) -> Engine:
    """Return ``engine`` for writing transactions: on SQLite they begin ``IMMEDIATE`` (same pool)."""
    if engine.dialect.name != "sqlite":
        return engine
    found = _writers.get(engine)
    if found is None:
        found = _writers[engine] = engine.execution_options(**{SQLITE_BEGIN: IMMEDIATE})
        from xinyong.audit.keys import same_keys

        same_keys(found, engine)
    return found


def writer_session(factory: sessionmaker[Session]) -> Session:
    """Open a session whose transaction will write: on SQLite it takes the write lock when it begins.

    A factory bound to a connection (the tests' shared transaction) is used as it is.
    """
    bind = factory.kw.get("bind")
    if isinstance(bind, Engine) and bind.dialect.name == "sqlite":
        return factory(bind=writing_engine(bind))
    return factory()


# The held read connection of the hot paths (``Runtime.read_connection``): a larger page cache and a memory
# map, so the random index lookups of a large database do not go through read() for every page.
READER_CACHE_KIB = 65536
READER_MMAP_BYTES = 1 << 30


def tune_for_reads(conn: Connection) -> None:
    """Give the long-lived hot-path connection a larger page cache (SQLite; nothing elsewhere).

    Its commits (the check's group-committed log) never run a WAL checkpoint themselves
    (``wal_autocheckpoint=0``): :class:`WalCheckpointer` does that from a background thread.
    """
    if conn.dialect.name != "sqlite":
        return
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f"PRAGMA cache_size=-{READER_CACHE_KIB}")
        cursor.execute(f"PRAGMA mmap_size={READER_MMAP_BYTES}")
        cursor.execute("PRAGMA wal_autocheckpoint=0")
    finally:
        cursor.close()


class WalCheckpointer:
    """Checkpoint a SQLite database's write-ahead log every ``interval`` seconds from a daemon thread.

    The hot-path connection writes the check log several hundred times a second; a checkpoint in its
    commit (SQLite's default every 1,000 pages) would copy pages and fsync while requests wait. A
    ``PASSIVE`` checkpoint here runs without Python's GIL and never blocks readers or the writer.
    ``alive`` is asked before each round; the thread ends when it answers ``False``.

    Under a steady stream of commits a checkpoint never catches the log's end (frames are appended while
    it copies), so SQLite never restarts the log from its start and it grows without bound, every read
    searching more of its index. Past ``restart_frames`` frames the thread sets ``restart_wanted``; the
    writer then holds its next commit back while :meth:`catch_up` (in a worker thread) checkpoints the
    few frames of the commits since, and that commit starts the log afresh. Done on the writing
    connection, in the event loop, this catch-up stalled every request for 11-15 ms about once a second
    at 1,000 checks/s (measured in the check's server); held back, only the commits wait, and the
    requests go on being evaluated.
    """

    restart_frames = 4096

    def __init__(self, engine: Engine, alive: Callable[[], bool], interval: float = 0.1) -> None:
        self._engine = engine
        self._alive = alive
        self._interval = interval
        self.rounds = 0
        self.restarts = 0
        self.restart_wanted = False
        self.thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)

    def start(self) -> WalCheckpointer:
        """Start the thread; return self."""
        self.thread.start()
        return self

    def catch_up(self) -> bool:
        """Checkpoint the whole log while the writer holds its commits back (blocking: call it from a
        worker thread). Return whether every frame was copied, so the writer's next commit restarts the log.
        """
        self.restart_wanted = False
        with self._engine.connect() as conn:
            busy, frames, copied = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        done = not busy and frames == copied
        self.restarts += done
        return done

    def _run(self) -> None:
        while True:
            time.sleep(self._interval)
            if not self._alive():
                return
            try:
                with self._engine.connect() as conn:
                    frames = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()[1]
                    if frames >= self.restart_frames:
                        # once more at once, so that the writer's catch-up copies only the last few commits
                        conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
                        self.restart_wanted = True
                self.rounds += 1
            except Exception:  # the database went away (tests, shutdown): try again next round
                log.warning("WAL checkpoint failed", exc_info=True)


def placeholders(conn: Connection, n: int) -> str:
    """Return ``n`` bind markers in the driver's style (``?`` or ``%s``), comma-separated."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    return ", ".join(mark for _ in range(n))


def bulk_insert(conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows (tuples in ``columns`` order) with one ``executemany`` of the driver."""
    if not rows:
        return
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders(conn, len(columns))})"  # noqa: S608 - names are constants
    cursor = conn.connection.cursor()
    try:
        cursor.executemany(sql, rows if isinstance(rows, list) else list(rows))
    finally:
        cursor.close()


def dumps_json(value: Any) -> str:
    """Serialise a JSON column value (orjson: UTF-8 text, several times faster than ``json.dumps``)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def loads_json(text: str | bytes) -> Any:
    """Parse a JSON column value with orjson; what orjson refuses (NaN, integers past 64 bits, which
    older rows written by ``json.dumps`` may hold) is parsed by ``json.loads``."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def make_engine(settings: Settings) -> Engine:
    """Build the engine for the configured database; nothing connects until first use."""
    url = settings.database_url
    if settings.is_sqlite:
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False},
            json_serializer=dumps_json,
            json_deserializer=loads_json,
        )
        event.listen(
            engine, "connect", _sqlite_pragmas(settings.sqlite_busy_timeout_ms, settings.sqlite_mmap_mib)
        )
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(
            url, pool_pre_ping=True, json_serializer=dumps_json, json_deserializer=loads_json
        )
    from xinyong.audit.keys import register  # the audit chain's keys follow the engine's settings

    register(engine, settings)
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory bound to ``engine``."""
    return sessionmaker(bind=engine, expire_on_commit=False)


# ``Session.info`` flags of a reading session that may write logs (``reading_session``).
UPGRADE_ON_WRITE = "xinyong_upgrade_on_write"
UPGRADED = "xinyong_upgraded"


def reading_session(factory: sessionmaker[Session]) -> Session:
    """Open a session for a read that may append logs (a signed-in GET: the audit and query log).

    On SQLite it reads without the write lock; at its first write (:func:`begin_writing`, called by the
    audit append and before any flush) the read transaction is ended and a ``BEGIN IMMEDIATE`` one
    started, waiting for the lock. What it read before stays valid for what it writes: logs of the read.
    A factory bound to a connection (the tests' shared transaction) is used as it is.
    """
    session = factory()
    bind = factory.kw.get("bind")
    if isinstance(bind, Engine) and bind.dialect.name == "sqlite":
        session.info[UPGRADE_ON_WRITE] = True
    return session


def begin_writing(session: Session) -> None:
    """Make a :func:`reading_session` hold the write lock from here on (SQLite; nothing elsewhere)."""
    if not session.info.get(UPGRADE_ON_WRITE) or session.info.get(UPGRADED):
        return
    session.info[UPGRADED] = True
    raw = session.connection().connection.driver_connection
    if raw is None:  # pragma: no cover - a live connection always has its driver connection
        return
    if raw.in_transaction:
        _driver_execute(raw, "COMMIT")  # only reads so far: nothing is lost, the snapshot is let go
    _driver_execute(raw, "BEGIN IMMEDIATE")


@event.listens_for(Session, "before_flush")
def _upgrade_before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(UPGRADE_ON_WRITE) and (session.new or session.dirty or session.deleted):
        begin_writing(session)


@event.listens_for(Session, "do_orm_execute")
def _upgrade_before_dml(state: Any) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and state.session.info.get(UPGRADE_ON_WRITE):
        begin_writing(state.session)


@event.listens_for(Session, "after_transaction_end")
def _reset_upgrade(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(UPGRADED, None)


@contextmanager
def committing(session: Session) -> Iterator[Session]:
    """Commit ``session`` when the block ends well, roll it back on any error; close it either way."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def session_scope(factory: sessionmaker[Session], *, write: bool = True) -> Iterator[Session]:
    """Open a session that commits on success and rolls back on error (for CLI commands).

    ``write`` (the default: batch commands write) begins the transaction holding the write lock on SQLite.
    """
    with committing(writer_session(factory) if write else factory()) as session:
        yield session
