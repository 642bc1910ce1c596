"""The runtime: settings, engine, sessions and policy held together, built without connecting."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from xinyong.db import make_engine, make_sessionmaker
from xinyong.keys import keyring
from xinyong.kit.crypto import KeyRing
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
