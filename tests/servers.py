"""Real uvicorn servers for the tests that need sockets: settings over a file database, a free port, and a
server run in a thread until the block ends."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from tests.conftest import POLICY_DIR, TEST_DATA_KEY, TEST_INDEX_KEY
from tests.fixtures.migrated import migrated_sqlite
from xinyong.settings import Settings


def live_settings(tmp: Path, name: str) -> Settings:
    """Return test settings over a migrated SQLite file ``<tmp>/<name>.sqlite3``."""
    settings = Settings(
        env="test",
        database_url=migrated_sqlite(tmp / f"{name}.sqlite3"),
        policy_dir=POLICY_DIR,
        var_dir=tmp / "var",
        secret_key=f"{name}-test-secret",
        data_key=TEST_DATA_KEY,
        index_key=TEST_INDEX_KEY,
    )
    return settings


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(config: uvicorn.Config) -> Iterator[uvicorn.Server]:
    """Run a uvicorn server in a thread; stop it when the block ends."""
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("测试服务器未能启动")
        time.sleep(0.05)
    try:
        yield server
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class CheckServers:
    """One app served twice: with the hot protocol (``xinyong serve``) and with plain uvicorn httptools."""

    hot: str
    plain: str
    key: str
    listed: str
    clean: str
    clean_name: str
    port: int
    plain_port: int


@contextmanager
def check_servers(tmp: Path) -> Iterator[CheckServers]:
    """Seed a subject on the serious list, a clean one and an API key; serve the same app both ways."""
    from tests.factories import sanctions as f
    from tests.factories.subjects import enterprise
    from xinyong.app import create_app
    from xinyong.db import session_scope
    from xinyong.hotproto import hot_protocol
    from xinyong.runtime import Runtime

    runtime = Runtime.build(live_settings(tmp, "checkservers"))
    with session_scope(runtime.sessions) as session:
        listed = enterprise(session, runtime.keys)
        clean = enterprise(session, runtime.keys)
        f.listed(session, listed)
        key, _ = f.api_key(session)
        assert listed.uscc is not None
        assert clean.uscc is not None
        codes = (listed.uscc, clean.uscc, clean.name)
    hot_app, plain_app = create_app(runtime=runtime), create_app(runtime=runtime)
    hot_port, plain_port = free_port(), free_port()
    config: dict[str, Any] = {"host": "127.0.0.1", "log_level": "warning"}
    try:
        with (
            running(uvicorn.Config(hot_app, port=hot_port, http=hot_protocol(hot_app), **config)),
            running(uvicorn.Config(plain_app, port=plain_port, http="httptools", **config)),
        ):
            yield CheckServers(
                f"http://127.0.0.1:{hot_port}",
                f"http://127.0.0.1:{plain_port}",
                key,
                *codes,
                port=hot_port,
                plain_port=plain_port,
            )
    finally:
        runtime.engine.dispose()
