"""Real uvicorn servers for the tests that need sockets: settings over a file database, a free port, and a
server run in a thread until the block ends."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from tests.conftest import POLICY_DIR, TEST_DATA_KEY, TEST_INDEX_KEY
from xinyong.migrate import upgrade
from xinyong.settings import Settings


def live_settings(tmp: Path, name: str) -> Settings:
    """Return test settings over a migrated SQLite file ``<tmp>/<name>.sqlite3``."""
    settings = Settings(
        env="test",
        database_url=f"sqlite:///{tmp / f'{name}.sqlite3'}",
        policy_dir=POLICY_DIR,
        var_dir=tmp / "var",
        secret_key=f"{name}-test-secret",
        data_key=TEST_DATA_KEY,
        index_key=TEST_INDEX_KEY,
    )
    upgrade(settings.database_url)
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
