"""Serving under ordinary concurrency, and beside an ingest, against a real server: no request fails.

Eight clients log in, read who has queried them, grant consent, screen names (audited) and check
(logged) while ``xinyong ingest`` loads a 行政处罚 file into the same SQLite database in another
process. Before the write design of ``docs/concurrency.md`` about half of these requests answered 500
("database is locked") and the ingest could fail.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType

import uvicorn

from tests.conftest import POLICY_DIR
from tests.factories.ingest import cli_env
from tests.servers import free_port, running
from xinyong.app import create_app
from xinyong.audit import service as audit_service
from xinyong.db import session_scope
from xinyong.runtime import Runtime
from xinyong.settings import ROOT, Settings


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_concurrency", ROOT / "benchmarks" / "concurrency.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _settings(env: dict[str, str]) -> Settings:
    return Settings(
        env="test",
        database_url=env["XINYONG_DATABASE_URL"],
        policy_dir=POLICY_DIR,
        var_dir=Path(env["XINYONG_VAR_DIR"]),
        secret_key=env["XINYONG_SECRET_KEY"],
        data_key=env["XINYONG_DATA_KEY"],
        index_key=env["XINYONG_INDEX_KEY"],
    )


def test_mixed_load_beside_an_ingest_answers_every_request(tmp_path: Path) -> None:
    bench = _bench()
    env = cli_env(f"sqlite:///{tmp_path / 'load.sqlite3'}", tmp_path / "var")
    assert Path(env["XINYONG_POLICY_DIR"]) == POLICY_DIR
    fx = bench.prepare(tmp_path, env, rows=10_000, clients=8, register=5_000)
    runtime = Runtime.build(_settings(env))
    port = free_port()
    try:
        with running(
            uvicorn.Config(create_app(runtime=runtime), port=port, host="127.0.0.1", log_level="warning")
        ):
            base = f"http://127.0.0.1:{port}"
            t_end = time.monotonic() + 3
            alone = bench.run_load(base, fx, clients=8, until=lambda: time.monotonic() > t_end)
            assert alone["errors"] == 0, alone["error_samples"]
            log = tmp_path / "ingest.log"
            proc = bench.start_ingest(fx, log)
            beside = bench.run_load(base, fx, clients=8, until=lambda: proc.poll() is not None)
            summary = bench.ingest_result(proc, log)
        assert summary["rows"] == 10_000
        assert summary["accepted"] > 9_500
        assert beside["errors"] == 0, beside["error_samples"]
        by_op = beside["by_op"]
        assert {"login", "read", "consent", "screen", "check"} <= set(by_op)
        assert all(by_op[op]["n"] >= 8 for op in ("login", "read", "consent", "screen", "check"))
        with session_scope(runtime.sessions) as session:
            assert audit_service.verify(session).ok
    finally:
        runtime.engine.dispose()
