"""The runtime: settings, engine, sessions and policy held together, built without connecting."""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from xinyong.db import WalCheckpointer, make_engine, make_sessionmaker, tune_for_reads, utcnow
from xinyong.keys import keyring
from xinyong.kit.crypto import KeyRing
from xinyong.kit.dates import business_date
from xinyong.policy.loader import Policy, load_policy
from xinyong.settings import Settings


@dataclass
class Runtime:
    """Everything a request or a CLI command needs; policy and keys are loaded on first use."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    _policy: Policy | None = field(default=None, repr=False)
    _keys: KeyRing | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _reader: Connection | None = field(default=None, repr=False)
    _checkpointer: WalCheckpointer | None = field(default=None, repr=False)

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        """Create the runtime; nothing connects to the database here."""
        engine = make_engine(settings)
        return cls(settings=settings, engine=engine, sessions=make_sessionmaker(engine))

    @property
    def policy(self) -> Policy:
        """Return the loaded policy (loaded once)."""
        with self._lock:
            if self._policy is None:
                self._policy = load_policy(self.settings.policy_dir)
            return self._policy

    @property
    def keys(self) -> KeyRing:
        """Return the key ring for personal numbers."""
        with self._lock:
            if self._keys is None:
                self._keys = keyring(self.settings)
            return self._keys

    def today(self, now: dt.datetime | None = None) -> dt.date:
        """Return the business date: the settings' fixed day if any, else ``now`` (default: this instant)
        in the platform's time zone. The one "today" of the platform."""
        if self.settings.today is not None:
            return self.settings.today
        return business_date(now or utcnow(), self.settings.timezone)

    def session_bind(self) -> Connection | None:
        """Return the connection the sessions are bound to, if any (tests join one transaction)."""
        bind = self.sessions.kw.get("bind")
        return bind if isinstance(bind, Connection) else None

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """Yield the hot path's connection, outside any ORM session: the check's reads and its log writes.

        One connection is held for the process and reused, so a read pays neither a pool checkout nor a
        session: callers MUST use it from the event loop's thread, synchronously (no ``await`` inside
        the block). Whatever transaction the reads opened is ended on exit; a connection that failed is
        dropped and the next read opens a fresh one. In tests it is the connection the sessions share.
        """
        shared = self.session_bind()
        if shared is not None:
            yield shared
            return
        conn = self._reader
        if conn is None or conn.closed or conn.invalidated:
            conn = self._reader = self.engine.connect()
            tune_for_reads(conn)
            self._start_checkpoints()
        try:
            yield conn
        except DBAPIError:
            self._reader = None
            conn.invalidate()
            conn.close()
            raise
        finally:
            if not conn.closed:
                if conn.in_transaction():
                    conn.rollback()
                else:  # statements run on the driver cursor may have opened a transaction there
                    conn.connection.dbapi_connection.rollback()  # type: ignore[union-attr]

    def wal_catch_up_wanted(self) -> bool:
        """Whether the hot-path writer should hold its next commit back for :meth:`catch_up_wal` (SQLite)."""
        return self._checkpointer is not None and self._checkpointer.restart_wanted

    def catch_up_wal(self) -> bool:
        """Checkpoint the whole write-ahead log from a worker thread, the writer's commits held back
        (``db.WalCheckpointer.catch_up``); return whether the next commit restarts the log."""
        return self._checkpointer is not None and self._checkpointer.catch_up()

    def _start_checkpoints(self) -> None:
        """SQLite: checkpoint the WAL from a thread while the held connection lives (see ``tune_for_reads``)."""
        if self.engine.dialect.name != "sqlite" or (
            self._checkpointer and self._checkpointer.thread.is_alive()
        ):
            return
        me = weakref.ref(self)

        def alive() -> bool:
            rt = me()
            return rt is not None and rt._reader is not None and not rt._reader.closed

        self._checkpointer = WalCheckpointer(self.engine, alive).start()

    @contextmanager
    def reader(self) -> Iterator[Any]:
        """Yield a driver connection for a short public read that writes nothing: no session, no
        transaction (SQLite reads in autocommit; the pool rolls back anything else on return).

        A runtime whose sessions are bound to an open connection (the tests' rolled-back
        transaction) reads on that connection, so it sees what the test wrote.
        """
        bind = self.sessions.kw.get("bind")
        if isinstance(bind, Connection):
            yield bind.connection.driver_connection
            return
        raw = self.engine.raw_connection()
        try:
            yield raw
        finally:
            raw.close()


def sqlite_file(runtime: Runtime) -> str | None:
    """Return the SQLite file to read through ADBC, when the database is one and the driver is installed."""
    if not runtime.settings.is_sqlite:
        return None
    path = runtime.settings.database_url.split("///", 1)[-1]
    if not path or path == ":memory:":
        return None
    try:
        import adbc_driver_sqlite  # noqa: F401
    except ImportError:
        return None
    return path
