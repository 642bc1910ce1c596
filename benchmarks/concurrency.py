"""Benchmark serving under a mixed load, with and without an ingest running beside it, in one run.

    python benchmarks/concurrency.py --rows 100000 --clients 8 --seconds 20

A real server (``xinyong serve`` in a child process, SQLite file database) answers eight clients that
loop over the platform's ordinary writing and audited requests: a password login, a subject reading its
own credit file (audited), a consent grant (授权书, a state change with its audit row), an officer's
name screening (audited) and a department system's check (核查, logged). The same load runs twice:
alone, then while ``xinyong ingest`` (another process) loads an N-row 行政处罚 file into the same
database. A 5xx answer, a refused connection or an unexpected status counts as an error (there must be
none); p50/p99 are per run. The last line is one JSON object with the figures.

The test ``tests/test_concurrency.py`` runs the same load at a small scale (see ``docs/concurrency.md``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
PASSWORD = "concurrency bench password"  # noqa: S105 - the synthetic accounts' password


def _bench_ingest() -> ModuleType:
    """Load ``benchmarks/ingest.py`` (its file generator and register loader)."""
    spec = importlib.util.spec_from_file_location("bench_ingest_for_concurrency", HERE / "ingest.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@dataclass
class Fixture:
    """What the load needs: the subjects' codes and accounts, an officer key and a system key."""

    env: dict[str, str]
    feed: Path
    subjects: list[tuple[str, str]]  # (username, uscc) of subject accounts
    officer_key: str
    system_key: str
    names: list[str]


def prepare(work: Path, env: dict[str, str], *, rows: int, clients: int, register: int = 200_000) -> Fixture:
    """Migrate the database of ``env``, register enterprises, create accounts and keys, write the feed."""
    from xinyong.auth import service as auth_service
    from xinyong.auth.principal import Role
    from xinyong.db import session_scope
    from xinyong.departments import service as departments_service
    from xinyong.kit.ids import make_uscc
    from xinyong.migrate import upgrade
    from xinyong.runtime import Runtime
    from xinyong.settings import Settings

    bench = _bench_ingest()
    bench.SUBJECTS = register  # the generator draws its subjects from the register's first N
    url = env["XINYONG_DATABASE_URL"]
    upgrade(url)
    db = Path(url.split("///", 1)[1])
    usccs = [make_uscc("9", "1", "331081", f"BM{i:06d}") for i in range(register)]
    bench.register(db, usccs)
    feed = work / "xzcf.csv"
    bench.generate(feed, rows, usccs)
    settings = Settings(
        **{k[len("XINYONG_") :].lower(): v for k, v in env.items() if k.startswith("XINYONG_")}
    )
    runtime = Runtime.build(settings)
    with session_scope(runtime.sessions) as session:
        departments_service.sync_from_policy(session, runtime.policy, actor="bench", on=runtime.today())
        from sqlalchemy import select

        from xinyong.departments.models import Department
        from xinyong.subjects.models import Subject

        dept = session.scalars(select(Department).order_by(Department.id)).first()
        assert dept is not None
        subjects = []
        for i in range(clients):
            sid = session.scalar(select(Subject.id).where(Subject.uscc == usccs[i]))
            name = f"subject{i}"
            auth_service.create_account(
                session, actor="bench", username=name, password=PASSWORD, role=Role.SUBJECT, subject_id=sid
            )
            subjects.append((name, usccs[i]))
        _, officer_key = auth_service.create_api_key(
            session, actor="bench", name="officer", role=Role.OFFICER, department_id=dept.id
        )
        _, system_key = auth_service.create_api_key(
            session, actor="bench", name="system", role=Role.SYSTEM, department_id=dept.id
        )
    runtime.engine.dispose()
    names = [f"台州市测试{i}有限公司" for i in range(0, min(register, 2000), 37)]
    return Fixture(env, feed, subjects, officer_key, system_key, names)


@dataclass
class Stats:
    """Latencies and errors of one load run."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, op: str, seconds: float, error: str | None) -> None:
        """Record one request."""
        with self.lock:
            self.latencies.setdefault(op, []).append(seconds)
            if error:
                self.errors.append(f"{op}: {error}")

    def summary(self) -> dict[str, Any]:
        """Return counts, errors and p50/p99 (ms), overall and by operation."""
        every = sorted(x for v in self.latencies.values() for x in v)

        def pct(xs: list[float], q: float) -> float:
            return round(xs[min(len(xs) - 1, int(q * len(xs)))] * 1000, 1) if xs else 0.0

        return {
            "requests": len(every),
            "errors": len(self.errors),
            "error_samples": self.errors[:5],
            "p50_ms": pct(every, 0.50),
            "p99_ms": pct(every, 0.99),
            "max_ms": pct(every, 1.0),
            "by_op": {
                op: {"n": len(v), "p99_ms": pct(sorted(v), 0.99)} for op, v in sorted(self.latencies.items())
            },
        }


def _client_loop(base: str, fx: Fixture, i: int, stop: threading.Event, stats: Stats) -> None:
    username, _ = fx.subjects[i % len(fx.subjects)]
    officer = {"Authorization": f"Bearer {fx.officer_key}"}
    system = {"Authorization": f"Bearer {fx.system_key}"}
    n = 0
    with httpx.Client(base_url=base, timeout=60) as web:

        def call(op: str, expect: int, method: str, url: str, **kw: Any) -> httpx.Response | None:
            start = time.perf_counter()
            try:
                resp = web.request(method, url, **kw)
            except httpx.HTTPError as exc:
                stats.add(op, time.perf_counter() - start, f"{type(exc).__name__} {exc}")
                return None
            bad = None if resp.status_code == expect else f"{resp.status_code} {resp.text[:200]}"
            stats.add(op, time.perf_counter() - start, bad)
            return resp

        while not stop.is_set():
            n += 1
            web.cookies.clear()
            login = {"username": username, "password": PASSWORD}
            resp = call("login", 200, "POST", "/api/v1/auth/login", json=login)
            csrf = resp.json().get("csrf_token", "") if resp is not None and resp.status_code == 200 else ""
            call("read", 200, "GET", "/api/v1/me/queries")
            start = dt.date(2026, 1, 1) + dt.timedelta(days=(i * 1000 + n) % 300)
            body = {
                "institution_code": ("BK-TZYH", "BK-TLYH", "BK-MTYH", "BK-WLNS")[i % 4],
                "sections": ["行政管理"],
                "purpose": "贷款审查",
                "valid_from": start.isoformat(),
                "valid_to": (start + dt.timedelta(days=90)).isoformat(),
            }
            call(
                "consent", 201, "POST", "/api/v1/me/authorisations", json=body, headers={"X-CSRF-Token": csrf}
            )
            name = fx.names[(i * 7 + n) % len(fx.names)]
            call("screen", 200, "POST", "/api/v1/screen", json={"name": name}, headers=officer)
            check = {"code": fx.subjects[(i + n) % len(fx.subjects)][1], "scenario": "政府采购"}
            call("check", 200, "POST", "/api/v1/check", json=check, headers=system)


def run_load(base: str, fx: Fixture, *, clients: int, until: Callable[[], bool]) -> dict[str, Any]:
    """Run ``clients`` client threads until ``until()`` answers true; return the summary."""
    stats = Stats()
    stop = threading.Event()
    threads = [
        threading.Thread(target=_client_loop, args=(base, fx, i, stop, stats), daemon=True)
        for i in range(clients)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    while not until():
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join(timeout=120)
    out = stats.summary()
    out["seconds"] = round(time.perf_counter() - started, 2)
    return out


def start_ingest(fx: Fixture, log: Path) -> subprocess.Popen[bytes]:
    """Start ``xinyong ingest`` of the feed in a child process."""
    cmd = [sys.executable, "-m", "xinyong.cli", "ingest", str(fx.feed), "--source", "xzcf", "--json"]
    with log.open("wb") as fh:
        return subprocess.Popen(cmd, env=fx.env, stdout=fh, stderr=subprocess.STDOUT)


def ingest_result(proc: subprocess.Popen[bytes], log: Path) -> dict[str, Any]:
    """Wait for the ingest; return its JSON summary (raise with its output when it failed)."""
    proc.wait(timeout=3600)
    text = log.read_text("utf-8", errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"归集失败（退出码 {proc.returncode}）：{text[-2000:]}")
    summary: dict[str, Any] = json.loads(text.strip().splitlines()[-1])
    return summary


def main() -> None:
    """Prepare, serve, run the load alone and beside an ingest; print the figures."""
    import socket
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="行数（归集文件）")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--register", type=int, default=200_000, help="登记在册的企业数")
    parser.add_argument("--seconds", type=float, default=20.0, help="不带归集的负载时长")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xy-concurrency-") as tmp:
        work = Path(tmp)
        env = {
            **os.environ,
            "XINYONG_ENV": "development",
            "XINYONG_DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
            "XINYONG_VAR_DIR": str(work / "var"),
        }
        fx = prepare(work, env, rows=args.rows, clients=args.clients, register=args.register)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "xinyong.cli",
                "serve",
                "--port",
                str(port),
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit("服务未能启动")
                time.sleep(0.2)
            t_end = time.monotonic() + args.seconds
            alone = run_load(base, fx, clients=args.clients, until=lambda: time.monotonic() > t_end)
            log = work / "ingest.log"
            proc = start_ingest(fx, log)
            started = time.perf_counter()
            beside = run_load(base, fx, clients=args.clients, until=lambda: proc.poll() is not None)
            summary = ingest_result(proc, log)
            ingest_s = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
    for label, run in (("无归集", alone), ("归集同时", beside)):
        print(
            f"{label}：{run['requests']} 次请求，错误 {run['errors']}，p50 {run['p50_ms']} ms，"
            f"p99 {run['p99_ms']} ms，最长 {run['max_ms']} ms（{run['seconds']} s）"
        )
    print(f"归集 {summary['rows']} 行用时 {ingest_s:.1f} s，新增 {summary['accepted']}")
    print(
        json.dumps(
            {
                "clients": args.clients,
                "rows": args.rows,
                "without_ingest": alone,
                "with_ingest": beside,
                "ingest_seconds": round(ingest_s, 2),
                "ingest": {k: summary[k] for k in ("rows", "accepted", "rejected", "notices")},
                "errors": alone["errors"] + beside["errors"],
                "load_avg": os.getloadavg(),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
