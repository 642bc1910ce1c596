"""Benchmark 信用大脑 monitoring: a full run, and an incremental run after a day's changes.

    .venv/bin/python benchmarks/monitor.py [--subjects N] [--records-per-subject R] [--changed 0.01]

Builds the same synthetic system of record as ``benchmarks/evaluate.py`` (N organisations, ≈R·N records with
status events; default 1,000,000 × 20, the issue's city scale; generation not timed) and restores its
indexes. Then, timed:

* a **full run** as of 2026-10-31 (``run_monitor(full=True)``);
* a day's changes — a new penalty for ``--changed`` of the subjects (1 %), decided the next day — and an
  **incremental run** on 2026-11-01;
* the **reference**: a hand-written DuckDB query of the window signals (serious penalty, listings,
  arrears, burst) over the same tables read through Arrow, in the same process.

It checks that the incremental run's active alerts equal those of a full run on a copy of the same
database on the same day, and prints the ratio of each run to the reference. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow as pa
from sqlalchemy import select

from xinyong.db import make_engine, make_sessionmaker, session_scope
from xinyong.models import Base
from xinyong.monitoring.models import Alert
from xinyong.monitoring.service import active_on, run_monitor
from xinyong.policy.loader import Policy, load_policy
from xinyong.settings import ROOT, Settings

AS_OF = dt.date(2026, 10, 31)
NEXT = AS_OF + dt.timedelta(days=1)
HERE = Path(__file__).resolve().parent


def _evaluate_bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_evaluate", HERE / "evaluate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def restore_indexes(url: str) -> None:
    """Create the indexes of ``subject`` and ``credit_record`` the generator dropped for its bulk insert."""
    engine = make_engine(Settings(database_url=url, policy_dir=ROOT / "policy", env="test"))
    for table in ("subject", "credit_record"):
        for index in Base.metadata.tables[table].indexes:
            index.create(engine, checkfirst=True)
    engine.dispose()


def day_of_changes(path: Path, fraction: float) -> int:
    """Give ``fraction`` of the subjects a new penalty decided on ``NEXT``; return how many."""
    con = sqlite3.connect(path)
    (count,) = con.execute("SELECT count(*) FROM subject").fetchone()
    step = max(1, round(1 / fraction))
    (top,) = con.execute("SELECT max(id) FROM credit_record").fetchone()
    rows = [
        (
            top + n,
            f"day-{n}",
            "xzcf",
            "2024.1",
            sid,
            1,
            NEXT.isoformat(),
            NEXT.isoformat(),
            "严重" if n % 4 == 0 else "一般",
            "negative",
            "{}",
            "h",
            1,
            "2026-11-01 00:00:00",
            "2026-11-01 00:00:00",
        )
        for n, sid in enumerate(range(1, count + 1, step), start=1)
    ]
    con.executemany(
        "INSERT INTO credit_record (id, record_key, catalog_item, catalog_version, subject_id, department_id, "
        "decision_on, valid_from, severity, polarity, payload, content_hash, version, first_received_at, "
        "last_received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    con.commit()
    con.close()
    return len(rows)


def timed_run(
    url: str, policy: Policy, on: dt.date, *, full: bool
) -> tuple[float, dict[str, int], set[tuple[int, str]]]:
    """Run the monitor once; return seconds, counts and the active (subject, signal) pairs on ``on``."""
    engine = make_engine(Settings(database_url=url, policy_dir=ROOT / "policy", env="test"))
    sessions = make_sessionmaker(engine)
    t0 = time.perf_counter()
    with session_scope(sessions) as session:
        run = run_monitor(session, policy, on=on, actor="bench", full=full)
        counts = {"subjects": run.subjects, "opened": run.opened, "updated": run.updated, "ended": run.ended}
    seconds = time.perf_counter() - t0
    with session_scope(sessions) as session:
        active = {(a.subject_id, a.signal_id) for a in session.scalars(select(Alert)) if active_on(a, on)}
    engine.dispose()
    return seconds, counts, active


REFERENCE = """
WITH usable AS (
  SELECT r.* FROM rec r
  WHERE NOT EXISTS (SELECT 1 FROM ev e WHERE e.record_id = r.id AND e.effective_on <= $on
                    AND e.kind IN ('repaired', 'deleted', 'disclosure_stopped'))
), win AS (SELECT * FROM usable WHERE decision_on > $on - INTERVAL 30 DAY AND decision_on <= $on)
SELECT subject_id, 'serious-penalty' FROM win WHERE catalog_item = 'xzcf' AND severity = '严重' GROUP BY 1
UNION ALL SELECT subject_id, 'listed-serious' FROM win WHERE catalog_item = 'yzsxmd' GROUP BY 1
UNION ALL SELECT subject_id, 'listed-court' FROM win WHERE catalog_item = 'sxbzxr' GROUP BY 1
UNION ALL SELECT subject_id, 'abnormal-operation' FROM win WHERE catalog_item = 'jyycml' GROUP BY 1
UNION ALL SELECT subject_id, 'arrears' FROM win WHERE catalog_item IN ('qs', 'sbqj') GROUP BY 1
UNION ALL SELECT subject_id, 'penalty-burst' FROM usable
  WHERE catalog_item = 'xzcf' AND decision_on > $on - INTERVAL 90 DAY AND decision_on <= $on
  GROUP BY 1 HAVING count(*) >= 3 AND count(DISTINCT department_id) >= 2
"""


def reference(path: Path, on: dt.date) -> tuple[float, int]:
    """Time the hand-written DuckDB query of the window signals (reading included); return seconds and alerts."""
    src = sqlite3.connect(path)
    con = duckdb.connect()
    t0 = time.perf_counter()
    rec = src.execute(
        "SELECT id, subject_id, catalog_item, severity, department_id, decision_on FROM credit_record r "
        "WHERE catalog_item IN ('xzcf','yzsxmd','sxbzxr','jyycml','qs','sbqj') "
        "AND NOT EXISTS (SELECT 1 FROM credit_record n WHERE n.supersedes_id = r.id)"
    ).fetchall()
    ev = src.execute("SELECT record_id, kind, effective_on FROM record_event").fetchall()
    rec_names = ["id", "subject_id", "catalog_item", "severity", "department_id", "decision_on"]
    con.register("rec_arrow", pa.table([list(c) for c in zip(*rec, strict=True)], names=rec_names))
    con.register(
        "ev_arrow",
        pa.table([list(c) for c in zip(*ev, strict=True)], names=["record_id", "kind", "effective_on"]),
    )
    con.execute(
        "CREATE TABLE rec AS SELECT * REPLACE (CAST(decision_on AS DATE) AS decision_on) FROM rec_arrow"
    )
    con.execute(
        "CREATE TABLE ev AS SELECT * REPLACE (CAST(effective_on AS DATE) AS effective_on) FROM ev_arrow"
    )
    n = len(con.execute(REFERENCE, {"on": on}).fetchall())
    seconds = time.perf_counter() - t0
    src.close()
    return seconds, n


def main() -> None:
    """Run the benchmark and print its figures; the last line is JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--records-per-subject", type=int, default=20)
    parser.add_argument("--changed", type=float, default=0.01, help="share of subjects changed in a day")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="xinyong-monitor-bench-")
    path = Path(tmp.name) / "bench.sqlite3"
    t0 = time.perf_counter()
    counts = _evaluate_bench().generate(path, args.subjects, args.records_per_subject)
    restore_indexes(f"sqlite:///{path}")
    print(f"生成系统记录库：{counts}，用时 {time.perf_counter() - t0:.1f} 秒（不计入）", file=sys.stderr)
    policy = load_policy(ROOT / "policy")
    url = f"sqlite:///{path}"
    full_s, full_counts, _ = timed_run(url, policy, AS_OF, full=True)
    ref_s, ref_alerts = reference(path, AS_OF)
    changed = day_of_changes(path, args.changed)
    twin = Path(tmp.name) / "twin.sqlite3"
    shutil.copy(path, twin)
    inc_s, inc_counts, inc_active = timed_run(url, policy, NEXT, full=False)
    _, _, full_active = timed_run(f"sqlite:///{twin}", policy, NEXT, full=True)
    equal = inc_active == full_active
    print(f"全量运行：{full_s:.2f} 秒，{full_counts}")
    print(f"一天变化 {changed} 个主体后增量运行：{inc_s:.2f} 秒，{inc_counts}")
    print(f"参照（手写 DuckDB 窗口信号，含读取）：{ref_s:.2f} 秒，{ref_alerts} 条")
    print(f"增量与全量的有效预警一致：{'是' if equal else '否'}（{len(inc_active)} / {len(full_active)}）")
    if not equal:
        print(
            f"  只在增量中：{sorted(inc_active - full_active)[:10]}；只在全量中：{sorted(full_active - inc_active)[:10]}"
        )
    print(
        json.dumps(
            {
                "subjects": counts["subjects"],
                "records": counts["records"],
                "full_s": round(full_s, 3),
                "incremental_s": round(inc_s, 3),
                "changed_subjects": changed,
                "reference_s": round(ref_s, 3),
                "full_to_reference": round(full_s / ref_s, 2) if ref_s else None,
                "incremental_to_reference": round(inc_s / ref_s, 2) if ref_s else None,
                "incremental_equals_full": equal,
                "targets": {"incremental_s": 10, "full_s": 60},
                "targets_met": equal and inc_s <= 10 and full_s <= 60,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
