"""Benchmark 信用大脑 monitoring: a full run, and an incremental run after a day's changes.

    nice .venv/bin/python benchmarks/monitor.py --subjects 100000    # 100k subjects / 2M records
    nice .venv/bin/python benchmarks/monitor.py                      # the issue's 1M / 20M (long)

Builds the same synthetic system of record as ``benchmarks/evaluate.py`` (N organisations, ≈R·N records with
status events, bulk rows from DuckDB straight into a SQLite file under /tmp, no ORM; default 1,000,000 × 20,
the issue's city scale; generation not timed), then adds what the signals look at beyond it — four source
departments, legal representatives shared by some firms of a county, registration changes (a few firms
changing representative or address three times in a year) — and restores the indexes. Then, timed:

* a **full run** as of 2026-10-31 (``run_monitor(full=True)``);
* a day's changes — a new penalty for ``--changed`` of the subjects (1 %), decided the next day — and an
  **incremental run** on 2026-11-01;
* the **reference**: a hand-written DuckDB query of the record signals (serious penalty, listings,
  arrears, burst, registration churn, licences expiring) over the same tables read through Arrow, in the
  same process; its alerts are compared with the full run's for those signals.

It checks that the incremental run's active alerts equal those of a full run on a copy of the same
database on the same day, and prints the ratio of each run to the reference, wall-clock and CPU seconds
(the machine may be shared). Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
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


DEPARTMENTS = [
    (2, "TZ-STHJ", "市生态环境局", "environment"),
    (3, "TZ-SW", "市税务局", "tax"),
    (4, "TZ-YJGL", "市应急管理局", "work_safety"),
]
CHANGES = ("法定代表人", "住所", "经营范围")


def enrich(path: Path, subjects: int) -> int:
    """Add what the signals read beyond the evaluation benchmark's rows; return the registration changes added.

    Penalties come from four departments (the burst signal needs two); about one firm in ten shares its
    legal representative with another (the link signal); 2 % of the subjects change representative,
    address or scope three times within the year before the day looked at, 5 % once (the churn signal).
    """
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    con.executemany(
        "INSERT INTO department (id, code, name, region_code, domain, created_at) "
        "VALUES (?, ?, ?, '331000', ?, '2026-01-01 00:00:00')",
        DEPARTMENTS,
    )
    con.execute("UPDATE department SET domain = 'market_regulation' WHERE id = 1")
    con.execute("UPDATE credit_record SET department_id = 1 + (id % 4) WHERE catalog_item = 'xzcf'")
    con.execute("UPDATE subject SET legal_rep = '代表' || (id % ?)", (max(1, subjects * 9 // 10),))
    (top,) = con.execute("SELECT max(id) FROM credit_record").fetchone()
    rows, n = [], top
    for sid in range(1, subjects + 1):
        roll = (sid * 2654435761) % 100
        count = 3 if roll < 2 else (1 if roll < 7 else 0)
        for k in range(count):
            n += 1
            on = AS_OF - dt.timedelta(days=(sid * 7 + k * 97) % 330)
            what = CHANGES[(sid + k) % (2 if roll == 0 else 3)]
            payload = json.dumps({"BG_SX": what, "BG_QNR": "甲", "BG_HNR": "乙"}, ensure_ascii=False)
            stamp = "2026-10-31 00:00:00"
            rows.append((n, f"djbg-{n}", sid, on.isoformat(), payload, stamp, stamp))
    con.executemany(
        "INSERT INTO credit_record (id, record_key, catalog_item, catalog_version, subject_id, department_id, "
        "decision_on, valid_from, severity, polarity, payload, content_hash, version, first_received_at, "
        "last_received_at) VALUES (?, ?, 'djbg', '2026.1', ?, 1, ?, NULL, NULL, 'neutral', ?, 'h', 1, ?, ?)",
        rows,
    )
    con.commit()
    con.close()
    return len(rows)


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
) -> tuple[float, dict[str, float], set[tuple[int, str]]]:
    """Run the monitor once; return seconds, counts (and CPU seconds) and the active (subject, signal) pairs."""
    engine = make_engine(Settings(database_url=url, policy_dir=ROOT / "policy", env="test"))
    sessions = make_sessionmaker(engine)
    t0, c0 = time.perf_counter(), time.process_time()
    with session_scope(sessions) as session:
        run = run_monitor(session, policy, on=on, actor="bench", full=full)
        counts: dict[str, float] = {
            "subjects": run.subjects,
            "opened": run.opened,
            "updated": run.updated,
            "ended": run.ended,
        }
    seconds = time.perf_counter() - t0
    counts["cpu_s"] = round(time.process_time() - c0, 3)
    with session_scope(sessions) as session:
        active = {(a.subject_id, a.signal_id) for a in session.scalars(select(Alert)) if active_on(a, on)}
    engine.dispose()
    return seconds, counts, active


REFERENCE = """
WITH usable AS (
  SELECT r.* FROM rec r
  WHERE NOT EXISTS (SELECT 1 FROM ev e WHERE e.record_id = r.id AND e.effective_on <= $on
                    AND e.kind IN ('repaired', 'deleted', 'disclosure_stopped'))
), org AS (SELECT u.* FROM usable u JOIN subj s ON s.id = u.subject_id
  WHERE s.kind IN ('企业法人', '个体工商户', '社会组织', '事业单位')),
win AS (SELECT * FROM org WHERE decision_on > $on - INTERVAL 30 DAY AND decision_on <= $on)
SELECT subject_id, 'serious-penalty' FROM win WHERE catalog_item = 'xzcf' AND severity = '严重' GROUP BY 1
UNION ALL SELECT subject_id, 'listed-serious' FROM win WHERE catalog_item = 'yzsxmd' GROUP BY 1
UNION ALL SELECT subject_id, 'listed-court' FROM win WHERE catalog_item = 'sxbzxr' GROUP BY 1
UNION ALL SELECT o.subject_id, 'abnormal-operation' FROM win o JOIN subj s ON s.id = o.subject_id
  WHERE o.catalog_item = 'jyycml' AND s.kind IN ('企业法人', '个体工商户') GROUP BY 1
UNION ALL SELECT subject_id, 'arrears' FROM win WHERE catalog_item IN ('qs', 'sbqj') GROUP BY 1
UNION ALL SELECT subject_id, 'penalty-burst' FROM org
  WHERE catalog_item = 'xzcf' AND decision_on > $on - INTERVAL 90 DAY AND decision_on <= $on
  GROUP BY 1 HAVING count(*) >= 3 AND count(DISTINCT department_id) >= 2
UNION ALL SELECT o.subject_id, 'registration-churn' FROM org o JOIN subj s ON s.id = o.subject_id
  WHERE o.catalog_item = 'djbg' AND o.change IN ('法定代表人', '住所') AND s.kind IN ('企业法人', '个体工商户')
  AND o.decision_on > $on - INTERVAL 365 DAY AND o.decision_on <= $on GROUP BY 1 HAVING count(*) >= 3
UNION ALL SELECT o.subject_id, 'licence-expiring' FROM org o JOIN subj s ON s.id = o.subject_id
  WHERE o.catalog_item = 'xzxk' AND s.status = '存续' AND o.decision_on <= $on AND o.valid_to >= $on AND o.valid_to <= $on + INTERVAL 30 DAY
  GROUP BY 1
"""
COVERED = {
    "serious-penalty",
    "listed-serious",
    "listed-court",
    "abnormal-operation",
    "arrears",
    "penalty-burst",
    "registration-churn",
    "licence-expiring",
}


def _arrow(
    con: duckdb.DuckDBPyConnection, name: str, rows: list[tuple[object, ...]], names: list[str]
) -> None:
    columns = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in names]
    con.register(f"{name}_arrow", pa.table(columns, names=names))


def reference(path: Path, on: dt.date) -> tuple[float, float, set[tuple[int, str]]]:
    """Time the hand-written DuckDB query of the record signals (reading included); return wall and CPU
    seconds and the alerts."""
    src = sqlite3.connect(path)
    con = duckdb.connect()
    t0, c0 = time.perf_counter(), time.process_time()
    rec = src.execute(
        "SELECT id, subject_id, catalog_item, severity, department_id, decision_on, valid_to, "
        "json_extract(payload, '$.BG_SX') FROM credit_record r "
        "WHERE catalog_item IN ('xzcf','yzsxmd','sxbzxr','jyycml','qs','sbqj','djbg','xzxk') "
        "AND NOT EXISTS (SELECT 1 FROM credit_record n WHERE n.supersedes_id = r.id)"
    ).fetchall()
    names = [
        "id",
        "subject_id",
        "catalog_item",
        "severity",
        "department_id",
        "decision_on",
        "valid_to",
        "change",
    ]
    _arrow(con, "rec", rec, names)
    _arrow(
        con,
        "ev",
        src.execute("SELECT record_id, kind, effective_on FROM record_event").fetchall(),
        ["record_id", "kind", "effective_on"],
    )
    _arrow(
        con, "subj", src.execute("SELECT id, kind, status FROM subject").fetchall(), ["id", "kind", "status"]
    )
    con.execute(
        "CREATE TABLE rec AS SELECT * REPLACE (CAST(decision_on AS DATE) AS decision_on, "
        "CAST(valid_to AS DATE) AS valid_to) FROM rec_arrow"
    )
    con.execute(
        "CREATE TABLE ev AS SELECT * REPLACE (CAST(effective_on AS DATE) AS effective_on) FROM ev_arrow"
    )
    con.execute("CREATE TABLE subj AS SELECT * FROM subj_arrow")
    found = {(int(sid), str(sig)) for sid, sig in con.execute(REFERENCE, {"on": on}).fetchall()}
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    src.close()
    return seconds, cpu, found


def main() -> None:
    """Run the benchmark and print its figures; the last line is JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--records-per-subject", type=int, default=20)
    parser.add_argument("--changed", type=float, default=0.01, help="share of subjects changed in a day")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="xinyong-monitor-bench-", dir="/tmp"))  # a file database, not memory
    path = root / "bench.sqlite3"
    t0 = time.perf_counter()
    counts = _evaluate_bench().generate(path, args.subjects, args.records_per_subject)
    counts["registration_changes"] = enrich(path, args.subjects)
    restore_indexes(f"sqlite:///{path}")
    print(
        f"生成系统记录库：{counts}，用时 {time.perf_counter() - t0:.1f} 秒（不计入）",
        file=sys.stderr,
        flush=True,
    )
    policy = load_policy(ROOT / "policy")
    url = f"sqlite:///{path}"
    full_s, full_counts, full_day = timed_run(url, policy, AS_OF, full=True)
    print(f"全量运行：{full_s:.2f} 秒，{full_counts}", flush=True)
    ref_s, ref_cpu, ref_alerts = reference(path, AS_OF)
    covered = {k for k in full_day if k[1] in COVERED}
    agree = covered == ref_alerts
    print(
        f"参照（手写 DuckDB，{len(COVERED)} 个记录类信号，含读取）：{ref_s:.2f} 秒，{len(ref_alerts)} 条",
        flush=True,
    )
    print(
        f"全量运行与参照的预警一致：{'是' if agree else '否'}（{len(covered)} / {len(ref_alerts)}）",
        flush=True,
    )
    if not agree:
        print(
            f"  只在全量中：{sorted(covered - ref_alerts)[:10]}；只在参照中：{sorted(ref_alerts - covered)[:10]}"
        )
    changed = day_of_changes(path, args.changed)
    twin = root / "twin.sqlite3"
    shutil.copy(path, twin)
    inc_s, inc_counts, inc_active = timed_run(url, policy, NEXT, full=False)
    print(f"一天变化 {changed} 个主体后增量运行：{inc_s:.2f} 秒，{inc_counts}", flush=True)
    _, _, full_active = timed_run(f"sqlite:///{twin}", policy, NEXT, full=True)
    equal = inc_active == full_active
    print(f"增量与全量的有效预警一致：{'是' if equal else '否'}（{len(inc_active)} / {len(full_active)}）")
    if not equal:
        print(
            f"  只在增量中：{sorted(inc_active - full_active)[:10]}；只在全量中：{sorted(full_active - inc_active)[:10]}"
        )
    if "XINYONG_BENCH_KEEP" not in os.environ:
        shutil.rmtree(root)
    print(
        json.dumps(
            {
                "subjects": counts["subjects"],
                "records": counts["records"] + counts["registration_changes"],
                "full_s": round(full_s, 3),
                "full_cpu_s": full_counts["cpu_s"],
                "full_subjects_looked_at": full_counts["subjects"],
                "incremental_s": round(inc_s, 3),
                "incremental_cpu_s": inc_counts["cpu_s"],
                "changed_subjects": changed,
                "incremental_subjects_looked_at": inc_counts["subjects"],
                "reference_s": round(ref_s, 3),
                "reference_cpu_s": round(ref_cpu, 3),
                "full_to_reference": round(full_s / ref_s, 2) if ref_s else None,
                "incremental_to_reference": round(inc_s / ref_s, 2) if ref_s else None,
                "alerts_full": len(full_day),
                "reference_agrees": agree,
                "incremental_equals_full": equal,
                "targets": {"incremental_s": 10, "full_s": 60},
                "targets_met": equal and inc_s <= 10 and full_s <= 60,
            },
            ensure_ascii=False,
        )
    )
    if not (equal and agree):
        sys.exit(1)  # the figures are printed, but a disagreement fails the run


if __name__ == "__main__":
    main()
