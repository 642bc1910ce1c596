"""Test fixtures: a real database built by the migrations, rolled back after each test.

The suite runs on SQLite by default and on PostgreSQL when ``XINYONG_TEST_POSTGRES_URL`` points at a
server (an admin URL such as ``postgresql+psycopg://postgres@127.0.0.1:54329/postgres``); each
pytest-xdist worker gets its own database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from xinyong.app import create_app
from xinyong.db import make_engine, utcnow
from xinyong.kit.dates import business_date
from xinyong.migrate import upgrade
from xinyong.policy.loader import Policy, load_policy
from xinyong.registers.sync import sync_database
from xinyong.runtime import Runtime
from xinyong.settings import ROOT, Settings

# Property tests check rules, not speed: on two busy cores one example can take far longer than another,
# and hypothesis' per-example deadline would fail a correct rule (performance lives in benchmarks/).
hypothesis_settings.register_profile("xinyong", deadline=None)
hypothesis_settings.load_profile("xinyong")

POLICY_DIR = ROOT / "policy"
TEST_DATA_KEY = "q7b1tZ3f0QhX8o5m2CwYv9nKp4sLr6uJ1eAa3dGg0Hc"
TEST_INDEX_KEY = "Zx8c7v6b5n4m3l2k1j0h9g8f7d6s5a4q3w2e1r0t9y8"


def _postgres_url(worker: str) -> str | None:
    admin = os.environ.get("XINYONG_TEST_POSTGRES_URL")
    if not admin:
        return None
    name = f"xinyong_test_{worker}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(admin).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def worker_id_str(request: pytest.FixtureRequest) -> str:
    """Return the xdist worker id ("master" without xdist)."""
    return str(getattr(request.config, "workerinput", {}).get("workerid", "master"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id_str: str) -> str:
    """Return the URL of a freshly migrated test database for this worker."""
    url = _postgres_url(worker_id_str) or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Return test settings with fixed keys and a temporary var directory."""
    return Settings(
        env="test",
        database_url=database_url,
        policy_dir=POLICY_DIR,
        var_dir=tmp_path_factory.mktemp("var"),
        secret_key="test-secret-key",
        data_key=TEST_DATA_KEY,
        index_key=TEST_INDEX_KEY,
    )


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    """Return the engine of the test database."""
    eng = make_engine(settings)
    # as `xinyong db upgrade` does: the registers of policy/ (departments, regions, sources) are loaded,
    # audited under the test settings' keys
    sync_database(
        eng, load_policy(POLICY_DIR), actor="system:test", on=business_date(utcnow(), settings.timezone)
    )
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def policy() -> Policy:
    """Return the repository's policy."""
    return load_policy(POLICY_DIR)


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """Yield a connection inside a transaction that is rolled back after the test."""
    conn = engine.connect()
    trans = conn.begin()
    try:
        yield conn
    finally:
        trans.rollback()
        conn.close()


@pytest.fixture
def runtime(settings: Settings, engine: Engine, connection: Connection, policy: Policy) -> Runtime:
    """Return a runtime whose sessions join the test's rolled-back transaction."""
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    rt = Runtime(settings=settings, engine=engine, sessions=factory)
    rt._policy = policy
    return rt


@pytest.fixture
def session(runtime: Runtime) -> Iterator[Session]:
    """Yield a session on the test transaction (commits become savepoints)."""
    s = runtime.sessions()
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def app(runtime: Runtime) -> FastAPI:
    """Return the application on the test runtime."""
    return create_app(runtime=runtime)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """Return an HTTP test client."""
    with TestClient(app) as c:
        yield c


@pytest.fixture
def repo_root() -> Path:
    """Return the repository root."""
    return ROOT
