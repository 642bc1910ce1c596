"""Benchmark the indices: every index for every unit of the synthetic city for one month, end to end.

    nice .venv/bin/python benchmarks/indices.py --scale small              # seconds (after the build)
    nice .venv/bin/python benchmarks/indices.py --scale city               # the issue's target (≤ 30 s; long build)
    nice .venv/bin/python benchmarks/indices.py --db /tmp/demo.sqlite3     # a copy of a loaded database

Builds (not timed) a SQLite database under /tmp the way the demo does — migrations, registers, the synthetic
Taizhou at ``--scale`` (register and every feed through ``ingest``) — unless ``--db`` names a loaded one,
which is copied first. Then, timed, in one process:

* the **platform run**: ``indices.service.compute`` for ``--period`` (all indices, all unit kinds, results
  stored), wall-clock and CPU seconds;
* the **reference**: a hand-written DuckDB query of one index's record facts — 政务诚信（县级政府）'s
  政府机构失信记录 and 失信被执行人 per county with their points — over the same tables read through Arrow.
  Its counts are compared with the platform's stored values (they must be equal).

Prints the figures and the ratio platform / reference; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow as pa

from xinyong import wiring
from xinyong.db import session_scope
from xinyong.indices import periods, service
from xinyong.indices.spec import indices_of
from xinyong.kit.dates import add_months
from xinyong.runtime import Runtime
from xinyong.settings import ROOT, Settings

INDEX = "gov-integrity-county"


def build(workdir: Path, scale: str, seed: int) -> Path:
    """Create and load the synthetic city into ``workdir/bench.sqlite3`` (as the demo's first steps do).

    Every step goes through the platform's own writers: migrations, the registers, the subject register,
    every feed through ``ingest`` and the rural files through ``rural.service.load_files``; each step's
    seconds are printed so a larger scale can be extrapolated.
    """
    from xinyong.demo import DEMO_END
    from xinyong.ingest.demo import ingest_synth
    from xinyong.migrate import upgrade
    from xinyong.registers.sync import sync_all
    from xinyong.rural import service as rural_service
    from xinyong.subjects.register import load_register
    from xinyong.synth.generate import generate

    db = workdir / "bench.sqlite3"
    runtime = _runtime(db, workdir)
    clock = _Steps()
    upgrade(runtime.settings.database_url)
    with session_scope(runtime.sessions) as session:
        sync_all(session, runtime.policy, actor="bench", on=DEMO_END)
    clock.step("迁移与名录")
    summary = generate(workdir / "synth", scale=scale, seed=seed, mess=0.02, end=DEMO_END)
    clock.step("生成合成数据")
    folder = Path(summary["register"]).parent
    with session_scope(runtime.sessions) as session:
        load_register(session, runtime.keys, Path(summary["register"]))
        if (folder / "rural-operators.csv").exists():
            load_register(session, runtime.keys, folder / "rural-operators.csv")
    clock.step("主体名录")
    ingest_synth(runtime, workdir / "synth")
    clock.step("归集全部报送文件")
    if (folder / "villages.csv").exists():
        with session_scope(runtime.sessions) as session:
            rural_service.load_files(
                session, runtime.keys, folder / "villages.csv", folder / "households.csv", actor="bench"
            )
        clock.step("村与农户")
    return db


class _Steps:
    """Print the seconds of each build step as it ends."""

    def __init__(self) -> None:
        self.t = time.perf_counter()

    def step(self, name: str) -> None:
        now = time.perf_counter()
        print(f"构建：{name} {now - self.t:.1f} 秒", flush=True)
        self.t = now


def _copy(src: Path, db: Path) -> None:
    """Copy a loaded database (consistently, WAL included) and bring it to the newest migration."""
    from xinyong.migrate import upgrade

    with sqlite3.connect(src) as source, sqlite3.connect(db) as target:
        source.backup(target)
    upgrade(f"sqlite:///{db}")


def _runtime(db: Path, workdir: Path) -> Runtime:
    settings = Settings(
        env="test",
        database_url=f"sqlite:///{db}",
        policy_dir=ROOT / "policy",
        var_dir=workdir / "var",
    )
    return Runtime.build(settings)


def platform(runtime: Runtime, period: str) -> tuple[float, float, int, dict[str, tuple[float, float]]]:
    """Compute every index for ``period``; return wall and CPU seconds, units, and the county record facts."""
    t0, c0 = time.perf_counter(), time.process_time()
    with session_scope(runtime.sessions) as session:
        run = service.compute(session, runtime.policy, period, actor="bench")
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    with session_scope(runtime.sessions, write=False) as session:
        res = service.results(session, runtime.policy, INDEX, period, "county")
    facts = {
        u.unit_key: tuple(
            i.value or 0.0 for i in u.indicators if i.code in ("gov_dishonest", "judgment_debtor")
        )
        for u in res.units
    }
    return wall, cpu, run.units, facts  # type: ignore[return-value]


REFERENCE = """
WITH latest AS (
  SELECT r.* FROM rec r WHERE NOT EXISTS (SELECT 1 FROM rec n WHERE n.supersedes_id = r.id)
), gov AS (
  SELECT l.*, s.region_code FROM latest l JOIN subj s ON s.id = l.subject_id WHERE s.kind = '政府机构'
)
SELECT c.code,
  count(g.id) FILTER (WHERE g.polarity = 'negative' AND g.catalog_item <> 'sxbzxr'
                      AND g.decision_on BETWEEN $start AND $end) AS dishonest,
  count(g.id) FILTER (WHERE g.catalog_item = 'sxbzxr' AND g.decision_on <= $end
                      AND (g.valid_to IS NULL OR g.valid_to >= $start)) AS debtor
FROM counties c LEFT JOIN gov g ON g.region_code = c.code
GROUP BY c.code ORDER BY c.code
"""


def reference(
    db: Path, counties: list[str], start: dt.date, end: dt.date
) -> tuple[float, float, dict[str, tuple[float, float]]]:
    """Time the DuckDB query of the county record facts (reading through Arrow included)."""
    t0, c0 = time.perf_counter(), time.process_time()
    src = sqlite3.connect(db)
    con = duckdb.connect()
    rec = src.execute(
        "SELECT id, subject_id, catalog_item, polarity, decision_on, valid_to, supersedes_id FROM credit_record"
    ).fetchall()
    names = ["id", "subject_id", "catalog_item", "polarity", "decision_on", "valid_to", "supersedes_id"]
    con.register(
        "rec_arrow", pa.table([list(c) for c in zip(*rec, strict=True)] if rec else [[]] * 7, names=names)
    )
    con.execute(
        "CREATE TABLE rec AS SELECT * REPLACE (CAST(decision_on AS DATE) AS decision_on, CAST(valid_to AS DATE) AS valid_to) FROM rec_arrow"
    )
    subj = src.execute("SELECT id, kind, region_code FROM subject").fetchall()
    con.register(
        "subj", pa.table([list(c) for c in zip(*subj, strict=True)], names=["id", "kind", "region_code"])
    )
    con.register("counties", pa.table([counties], names=["code"]))
    rows = con.execute(REFERENCE, {"start": start, "end": end}).fetchall()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    src.close()
    return wall, cpu, {code: (float(d), float(j)) for code, d, j in rows}


def main() -> None:
    """Build or copy the database, time the platform and the reference, print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="small")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--profile", type=Path, help="把平台计算的 cProfile 统计写到此文件")
    parser.add_argument("--keep", type=Path, help="构建到此目录并保留（之后用 --db 反复计时）")
    args = parser.parse_args()
    wiring.install()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="bench-indices-"))
    workdir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    if args.db:
        db = workdir / "bench.sqlite3"
        _copy(args.db, db)
    else:
        db = build(workdir, args.scale, args.seed)
    built = time.perf_counter() - t0
    runtime = _runtime(db, workdir)
    if args.profile:
        import cProfile

        with cProfile.Profile() as prof:
            wall, cpu, units, ours = platform(runtime, args.period)
        prof.dump_stats(args.profile)
    else:
        wall, cpu, units, ours = platform(runtime, args.period)
    period = periods.parse(args.period)
    index = indices_of(runtime.policy).in_force(INDEX, period.end)
    assert index is not None
    start = add_months(period.end + dt.timedelta(days=1), -index.window_months)
    ref_wall, ref_cpu, theirs = reference(db, sorted(ours), start, period.end)
    equal = ours == theirs
    ratio = wall / ref_wall if ref_wall else None
    print(
        f"数据库：{db}（{'复制 ' + str(args.db) if args.db else '规模 ' + args.scale}，准备 {built:.1f} 秒，不计时）"
    )
    print(f"平台：统计期 {args.period} 全部指数，单位结果 {units} 个，{wall:.2f} 秒（CPU {cpu:.2f} 秒）")
    print(
        f"参照（DuckDB 手写查询，{INDEX} 的记录事实）：{ref_wall:.2f} 秒（CPU {ref_cpu:.2f} 秒）；结果一致：{'是' if equal else '否'}"
    )
    print(f"比值 平台/参照：{ratio:.1f}" if ratio else "比值：—")
    print(
        json.dumps(
            {
                "scale": None if args.db else args.scale,
                "period": args.period,
                "units": units,
                "seconds": round(wall, 3),
                "cpu_seconds": round(cpu, 3),
                "reference_seconds": round(ref_wall, 3),
                "reference_cpu_seconds": round(ref_cpu, 3),
                "ratio": round(ratio, 2) if ratio else None,
                "reference_equal": equal,
                "build_seconds": round(built, 1),
            },
            ensure_ascii=False,
        )
    )
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    if not equal:
        raise SystemExit(f"参照与平台不一致：{ours} ≠ {theirs}")


if __name__ == "__main__":
    main()
