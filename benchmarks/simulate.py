"""Benchmark the policy impact simulation of a model change against the evaluation run of the same data.

    .venv/bin/python benchmarks/simulate.py [--subjects N] [--records-per-subject R] [--db FILE]

Builds the same synthetic system of record as ``benchmarks/evaluate.py`` (N organisations, default
1,000,000; about R·N records, default 20; generation not timed), then, in one process: (1) the reference,
``evaluation.service.run_evaluation`` end to end (read, score, monitor, write, commit) on the proposal's
day; (2) ``simulation.service.simulate_folder`` of the shipped model proposal
(``policy-proposals/2027-model``: changed points and grade bands) on the same day, end to end (the
proposal checked like ``policy/``, both policies scored, the measures of the subjects that move, the
stored result, commit). Prints the ratio (target ≤ 2×). Last line: one JSON object. The generator bulk
loads without indexes; the ones the schema declares are created before either run (not timed), as a
production database has them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from evaluate import generate  # the same generator as the evaluation benchmark (benchmarks/ is the path)

from xinyong.db import make_engine, make_sessionmaker, session_scope
from xinyong.evaluation import service as evaluation_service
from xinyong.policy.loader import load_policy
from xinyong.policy_sections import check_sections
from xinyong.records.models import CreditRecord
from xinyong.settings import ROOT, Settings
from xinyong.simulation import service
from xinyong.simulation.proposal import read_manifest
from xinyong.subjects.models import Subject

PROPOSAL = ROOT / "policy-proposals" / "2027-model"


def _timed(fn):  # type: ignore[no-untyped-def]
    t, cpu = time.perf_counter(), sum(os.times()[:2])
    out = fn()
    return out, time.perf_counter() - t, sum(os.times()[:2]) - cpu


def _production_indexes(settings: Settings) -> None:
    """Create the indexes the schema declares on the tables the generator fills without them.

    The generator drops them for its bulk insert (the evaluation reads whole tables); the measures step
    reads the records of the subjects that move, as a production database answers it: by subject.
    """
    engine = make_engine(settings)
    for table in (CreditRecord.__table__, Subject.__table__):
        for index in table.indexes:
            index.create(engine, checkfirst=True)
    engine.dispose()


def main() -> None:
    """Run the benchmark and print its figures; the last line is JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--records-per-subject", type=int, default=20)
    parser.add_argument("--db", type=Path, default=None, help="reuse/keep this SQLite file")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="xinyong-bench-")
    path = args.db or Path(tmp.name) / "bench.sqlite3"
    started = time.perf_counter()
    counts = (
        {"subjects": args.subjects, "records": args.subjects * args.records_per_subject, "events": -1}
        if path.exists()
        else generate(path, args.subjects, args.records_per_subject)
    )
    settings = Settings(database_url=f"sqlite:///{path}", policy_dir=ROOT / "policy", env="test")
    _production_indexes(settings)
    gen_s = time.perf_counter() - started
    print(f"生成系统记录库并建索引：{counts}，用时 {gen_s:.1f} 秒（不计入）", file=sys.stderr)
    policy = load_policy(settings.policy_dir)
    check_sections(policy)  # the policy in force, loaded once as a serving process holds it
    on = read_manifest(PROPOSAL).manifest.effective_on
    assert on is not None
    sessions = make_sessionmaker(make_engine(settings))

    def evaluate() -> int:
        with session_scope(sessions) as session:
            run = evaluation_service.run_evaluation(session, policy, on, actor="bench", sqlite_path=str(path))
            return run.subjects

    def simulate() -> dict[str, object]:
        with session_scope(sessions) as session:
            row = service.simulate_folder(
                session,
                policy,
                PROPOSAL,
                on,
                actor="bench",
                today=on,
                check=check_sections,
                sqlite_path=str(path),
            )
            return dict(row.result)

    scored, eval_s, eval_cpu = _timed(evaluate)
    result, sim_s, sim_cpu = _timed(simulate)
    summary, timings = result["summary"], result["timings"]
    figures = {
        "benchmark": "simulate",
        "database": "sqlite",
        **counts,
        "scored": scored,
        "on": on.isoformat(),
        "evaluation_s": round(eval_s, 3),
        "evaluation_cpu_s": round(eval_cpu, 2),
        "simulation_s": round(sim_s, 3),
        "simulation_cpu_s": round(sim_cpu, 2),
        "ratio_simulation_to_evaluation": round(sim_s / eval_s, 3),
        "simulation_steps_s": timings,
        "subjects_moved": {k: summary[k] for k in ("grade_up", "grade_down", "grade_other", "class_changed")},  # type: ignore[index]
        "targets": {"ratio_max": 2.0},
        "generation_s": round(gen_s, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }
    print(f"评价批次（参照，端到端含提交）：{eval_s:.2f} 秒；主体 {scored}")
    print(f"模型变更的政策模拟（端到端含提案校验与提交）：{sim_s:.2f} 秒；各步骤 {timings}")
    print(f"比值 {sim_s / eval_s:.2f}（目标 ≤ 2）；等级变化 {figures['subjects_moved']}")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
