# ruff: noqa: S608  -- the benchmark builds its generator and baseline SQL from its own constants
"""Benchmark the batch evaluation: system of record (SQLite) → stored results, and the scoring step alone.

    .venv/bin/python benchmarks/evaluate.py [--subjects N] [--records-per-subject R] [--threads T]

Builds a fresh migrated SQLite database with N organisations (default 1,000,000, city scale) and about
R·N credit records (default 20) with status events, generated in DuckDB and bulk-inserted with
``executemany`` (generation is not timed). Then it times ``service.run_evaluation`` end to end (ADBC read,
DuckDB load, the compiled plan, monitoring, bulk write, commit) and, over the same in-memory DuckDB
tables in the same process, a hand-written DuckDB query computing the same scores (one aggregation with
FILTER clauses + an ASOF join against the points tables). It checks the two agree and prints the ratio.
Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow as pa

from xinyong.db import make_engine, make_sessionmaker, session_scope
from xinyong.evaluation import batch, service
from xinyong.evaluation.engine import threshold_units
from xinyong.evaluation.inputs import retention_cutoff, retention_rule
from xinyong.kit.dates import sub_months
from xinyong.migrate import upgrade
from xinyong.policy.loader import load_policy
from xinyong.settings import ROOT, Settings

AS_OF = dt.date(2026, 10, 31)
KINDS = [
    ("企业法人", 70),
    ("个体工商户", 24),
    ("社会组织", 3),
    ("事业单位", 1),
    ("政府机构", 1),
    ("村集体经济组织", 1),
]
ITEMS = [
    ("xzxk", 30, "neutral"),
    ("xzcf", 22, "negative"),
    ("xzqz", 4, "negative"),
    ("jyycml", 8, "negative"),
    ("yzsxmd", 1, "negative"),
    ("sxbzxr", 2, "negative"),
    ("qs", 6, "negative"),
    ("sbqj", 5, "negative"),
    ("htly", 3, "negative"),
    ("sfpj", 4, "negative"),
    ("sxjl", 7, "positive"),
    ("xycn", 8, "neutral"),
]
REGIONS = ["331002", "331003", "331004", "331081", "331082", "331083", "331022", "331023", "331024"]
INDUSTRIES = [
    "制造业",
    "批发和零售业",
    "建筑业",
    "住宿和餐饮业",
    "交通运输业",
    "信息技术服务业",
    "农林牧渔业",
    "其他",
]


def _pick(expr: str, weighted: list[tuple[str, int]]) -> str:
    """Return a CASE choosing among weighted labels by a 0–99 value."""
    out, acc = [], 0
    for label, weight in weighted:
        acc += weight
        out.append(f"WHEN {expr} < {acc} THEN '{label}'")
    return f"CASE {' '.join(out)} ELSE '{weighted[-1][0]}' END"


def generate(path: Path, subjects: int, per_subject: int) -> dict[str, int]:
    """Generate the system of record directly into SQLite; return row counts."""
    url = f"sqlite:///{path}"
    upgrade(url)
    gen = duckdb.connect()
    n_records = subjects * per_subject
    item_case = _pick("(hash(i, 2) % 100)", [(i, w) for i, w, _ in ITEMS])
    polarity = "CASE item " + " ".join(f"WHEN '{i}' THEN '{p}'" for i, _, p in ITEMS) + " END"
    gen.execute(
        f"""CREATE TABLE s AS SELECT i AS id, {_pick("(hash(i, 1) % 100)", KINDS)} AS kind,
        '主体' || i AS name, list_extract({REGIONS}, 1 + CAST(hash(i, 3) % {len(REGIONS)} AS INTEGER)) AS region,
        list_extract({INDUSTRIES}, 1 + CAST(hash(i, 4) % {len(INDUSTRIES)} AS INTEGER)) AS industry,
        CAST(DATE '1990-01-01' + CAST(hash(i, 5) % 13000 AS INTEGER) AS VARCHAR) AS est
        FROM range(1, {subjects + 1}) t(i)"""
    )
    gen.execute(
        f"""CREATE TABLE r AS SELECT i AS id, 1 + CAST(hash(i, 6) % {subjects} AS BIGINT) AS subject_id,
        {item_case} AS item,
        CAST(DATE '2018-01-01' + CAST(hash(i, 7) % 3300 AS INTEGER) AS VARCHAR) AS decided,
        CASE WHEN hash(i, 8) % 3 = 0 THEN CAST(DATE '2021-01-01' + CAST(hash(i, 9) % 3000 AS INTEGER) AS VARCHAR) END AS valid_to,
        list_extract(['轻微', '一般', '一般', '一般', '严重'], 1 + CAST(hash(i, 10) % 5 AS INTEGER)) AS severity,
        CAST(hash(i, 11) % 2000 AS INTEGER) / 10.0 AS amount
        FROM range(1, {n_records + 1}) t(i)"""
    )
    gen.execute(f"CREATE TABLE r2 AS SELECT *, {polarity} AS polarity FROM r")
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    for (name,) in con.execute(
        "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name IN ('credit_record','subject') "
        "AND sql IS NOT NULL"
    ).fetchall():
        con.execute(f'DROP INDEX "{name}"')
    con.execute(
        "INSERT INTO department (id, code, name, region_code, created_at) VALUES (1, 'TZ-SCJG', '市场监管', '331000', '2026-01-01 00:00:00')"
    )
    now = "2026-10-31 00:00:00"
    cur = gen.execute("SELECT id, kind, name, name, region, industry, est, '存续', ? , ? FROM s", [now, now])
    while rows := cur.fetchmany(200_000):
        con.executemany(
            "INSERT INTO subject (id, kind, name, name_norm, region_code, industry, established_on, status, "
            "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
    payload = (
        "CASE WHEN item = 'qs' THEN '{\"QS_JE\": ' || amount || '}' WHEN item = 'sbqj' THEN '{\"SB_JE\": ' || amount || '}' "
        "WHEN item = 'xzcf' THEN '{\"CF_NR_FK\": ' || amount || '}' ELSE '{}' END"
    )
    cur = gen.execute(
        f"SELECT id, CAST(id AS VARCHAR), item, '2024.1', subject_id, 1, decided, decided, valid_to, "
        f"CASE WHEN polarity = 'negative' THEN severity END, polarity, {payload}, 'h', 1, ?, ? FROM r2",
        [now, now],
    )
    while rows := cur.fetchmany(200_000):
        con.executemany(
            "INSERT INTO credit_record (id, record_key, catalog_item, catalog_version, subject_id, department_id, "
            "decision_on, valid_from, valid_to, severity, polarity, payload, content_hash, version, "
            "first_received_at, last_received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
    kinds = ["repaired", "objection_opened", "list_removed", "objection_closed", "disclosure_stopped"]
    cur = gen.execute(
        f"SELECT id, list_extract({kinds}, 1 + CAST(hash(id, 12) % 5 AS INTEGER)), "
        "CAST(CAST(decided AS DATE) + 200 AS VARCHAR), 'bench', '{}', ? FROM r2 WHERE hash(id, 13) % 50 = 0",
        [now],
    )
    events = 0
    while rows := cur.fetchmany(200_000):
        events += len(rows)
        con.executemany(
            "INSERT INTO record_event (record_id, kind, effective_on, actor, detail, created_at) VALUES (?,?,?,?,?,?)",
            rows,
        )
    con.commit()
    con.close()
    return {"subjects": subjects, "records": n_records, "events": events}


def handwritten(con: duckdb.DuckDBPyConnection, policy_models: list, rule: batch.RetentionRule) -> str:  # type: ignore[type-arg]
    """Return a hand-written DuckDB query for the default models: FILTERed aggregation + ASOF points join."""
    d = f"DATE '{AS_OF}'"
    w36 = f"DATE '{sub_months(AS_OF, 36)}'"
    keep = f"DATE '{retention_cutoff(AS_OF, rule.months)}'"
    steps, bands, kinds = [], [], []
    for m in policy_models:
        kinds += [(k, m.id) for k in m.subject_kinds]
        bands += [(m.id, b.min_score, b.grade) for b in m.grades]
        for ind in m.indicators:
            if ind.source == "attribute":
                steps += [(m.id, ind.id, float(round(s.at_least)), s.points) for s in ind.points]
                steps.append((m.id, ind.id, -1.0, ind.missing_points))
            else:
                steps += [
                    (m.id, ind.id, float(threshold_units(ind, s.at_least)), s.points) for s in ind.points
                ]
    con.register(
        "steps",
        pa.table(
            dict(
                zip(
                    ["model_id", "indicator", "at_least", "points"],
                    map(list, zip(*steps, strict=True)),
                    strict=True,
                )
            )
        ),
    )
    con.register(
        "bands",
        pa.table(
            dict(zip(["model_id", "min_score", "grade"], map(list, zip(*bands, strict=True)), strict=True))
        ),
    )
    caps = []
    for m in policy_models:  # the models' one cap rule: a serious list entry in force (一票否决)
        (cap,) = m.caps
        if set(cap.catalog_items) != set(rule.list_items) or not cap.in_force_only:
            raise SystemExit(f"手写 SQL 只实现了严重失信名单在列的封顶规则，模型 {m.id} 的 {cap.id} 不同")
        caps.append((m.id, m.cap_score(cap)))
    con.register("caps", pa.table({"model_id": [c[0] for c in caps], "cap": [c[1] for c in caps]}))
    con.register(
        "kind_model",
        pa.table(dict(zip(["kind", "model_id"], map(list, zip(*kinds, strict=True)), strict=True))),
    )
    lists = ", ".join(f"'{i}'" for i in sorted(rule.list_items))
    return f"""
WITH ev AS (
  SELECT record_id, bool_or(kind IN ('repaired','deleted','disclosure_stopped')) AS gone,
    bool_or(kind = 'list_removed') AS removed,
    min(effective_on) FILTER (WHERE kind IN ('list_removed','deleted','repaired')) AS list_cut,
    arg_max(kind, (effective_on, id)) FILTER (WHERE kind IN ('objection_opened','objection_closed')) AS obj,
    arg_max(kind, (effective_on, id)) FILTER (WHERE kind IN ('suspended','unsuspended')) AS susp
  FROM ev_event WHERE effective_on <= {d} GROUP BY record_id),
cur AS (SELECT * FROM ev_record WHERE id NOT IN (SELECT supersedes_id FROM ev_record WHERE supersedes_id IS NOT NULL)),
listing AS (
  SELECT r.subject_id, r.decision_on + 1 AS lo, coalesce(least(r.list_end, ev.list_cut), DATE '9000-01-01') - 1 AS hi
  FROM cur r LEFT JOIN ev ON ev.record_id = r.id
  WHERE r.catalog_item IN ({lists}) AND r.decision_on < {d}),
islands AS (
  SELECT subject_id, min(lo) AS lo, max(hi) AS hi FROM (
    SELECT *, count(*) FILTER (WHERE NOT coalesce(lo <= prev + 1, false))
      OVER (PARTITION BY subject_id ORDER BY lo, hi) AS island
    FROM (SELECT *, max(hi) OVER (PARTITION BY subject_id ORDER BY lo, hi ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev
          FROM listing WHERE lo <= hi))
  GROUP BY subject_id, island HAVING max(hi) >= {d}),
r0 AS (
  SELECT r.subject_id, r.catalog_item AS item, r.severity AS sev, r.decision_on AS dec, r.amount, r.polarity, r.tag,
    greatest(r.retention_start, r.decision_on) AS start,
    (NOT coalesce(ev.removed, false) AND (r.valid_to IS NULL OR r.valid_to >= {d})) AS live,
    coalesce(ev.obj = 'objection_opened', false) AS obj
  FROM cur r LEFT JOIN ev ON ev.record_id = r.id
  WHERE r.decision_on <= {d} AND NOT coalesce(ev.gone, false) AND coalesce(ev.susp, '') <> 'suspended'
    AND NOT (r.polarity = 'negative' AND coalesce(r.severity, '') = '轻微')),
r AS (
  SELECT * FROM r0 WHERE polarity <> 'negative' OR start > {keep}
  UNION ALL
  SELECT r0.* FROM r0 JOIN islands i ON i.subject_id = r0.subject_id
  WHERE r0.polarity = 'negative' AND r0.start <= {keep} AND i.lo <= CAST(r0.start + INTERVAL {rule.months} MONTH AS DATE)),
f AS (
  SELECT subject_id,
    count(*) FILTER (WHERE item IN ('xzcf','xzqz') AND sev = '一般' AND dec > {w36}) AS penalty_general_36m,
    count(*) FILTER (WHERE item = 'xzcf' AND sev = '严重' AND dec > {w36}) AS penalty_serious_36m,
    count(*) FILTER (WHERE item = 'xzcf' AND sev IN ('一般','严重') AND dec > {w36}) AS penalty_36m,
    count(*) FILTER (WHERE item = 'jyycml' AND live) AS abnormal_list,
    count(*) FILTER (WHERE item IN ('yzsxmd','sxbzxr') AND live) AS serious_lists,
    coalesce(sum(amount) FILTER (WHERE item IN ('qs','sbqj') AND dec > {w36}), 0) AS arrears_amount_36m,
    count(*) FILTER (WHERE item IN ('htly','sfpj') AND dec > {w36}) AS contract_judgment_36m,
    count(*) FILTER (WHERE item = 'sxjl' AND live) AS honours,
    count(*) FILTER (WHERE item IN ('xzcf','xzqz') AND sev IN ('一般','严重') AND dec > {w36}) AS penalty_36m_gov,
    count(*) FILTER (WHERE item = 'htly' AND dec > {w36}) AS contract_breach_36m,
    count(*) FILTER (WHERE item = 'sfpj' AND dec > {w36}) AS judgment_36m,
    count(*) FILTER (WHERE item = 'xycn' AND tag = '未履行' AND dec > {w36}) AS commitment_breach_36m,
    count(*) FILTER (WHERE item = 'xycn' AND tag = '全部履行' AND dec > {w36}) AS commitments_kept_36m,
    count(*) FILTER (WHERE item = 'xypj' AND tag = '纳税信用等级评价/A' AND live) AS tax_credit_a,
    count(*) FILTER (WHERE obj) AS objections
  FROM r GROUP BY subject_id),
v AS (
  SELECT s.subject_id, km.model_id, u.indicator, u.value FROM ev_subject s
  JOIN kind_model km ON km.kind = s.kind LEFT JOIN f ON f.subject_id = s.subject_id,
  LATERAL (VALUES
    ('years_in_operation', CASE WHEN s.established_on IS NULL THEN -1
       ELSE date_diff('year', s.established_on, {d}) - CASE WHEN s.established_on + to_years(date_diff('year', s.established_on, {d})) > {d} THEN 1 ELSE 0 END END),
    ('penalty_general_36m', coalesce(f.penalty_general_36m, 0)), ('penalty_serious_36m', coalesce(f.penalty_serious_36m, 0)),
    ('penalty_36m', coalesce(CASE WHEN km.model_id = 'tz-government' THEN f.penalty_36m_gov ELSE f.penalty_36m END, 0)),
    ('abnormal_list', coalesce(f.abnormal_list, 0)),
    ('contract_breach_36m', coalesce(f.contract_breach_36m, 0)), ('judgment_36m', coalesce(f.judgment_36m, 0)),
    ('commitment_breach_36m', coalesce(f.commitment_breach_36m, 0)),
    ('commitments_kept_36m', coalesce(f.commitments_kept_36m, 0)), ('tax_credit_a', coalesce(f.tax_credit_a, 0)),
    ('serious_lists', coalesce(f.serious_lists, 0)), ('dishonest_debtor', coalesce(f.serious_lists, 0)),
    ('arrears_amount_36m', coalesce(f.arrears_amount_36m, 0)), ('contract_judgment_36m', coalesce(f.contract_judgment_36m, 0)),
    ('honours', coalesce(f.honours, 0))) u(indicator, value)),
p AS (
  SELECT v.subject_id, v.model_id, sum(st.points) AS score FROM v
  ASOF JOIN steps st ON st.model_id = v.model_id AND st.indicator = v.indicator AND v.value >= st.at_least
  GROUP BY ALL),
q AS (
  SELECT p.subject_id, p.model_id,
    CASE WHEN coalesce(f.serious_lists, 0) > 0 AND p.score > c.cap THEN c.cap ELSE p.score END AS score
  FROM p LEFT JOIN f ON f.subject_id = p.subject_id JOIN caps c ON c.model_id = p.model_id)
SELECT q.subject_id, q.model_id, CAST(q.score AS BIGINT) AS score, b.grade FROM q
ASOF JOIN bands b ON b.model_id = q.model_id AND q.score >= b.min_score
"""


def main() -> None:
    """Run the benchmark and print its figures; the last line is JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--records-per-subject", type=int, default=20)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--db", type=Path, default=None, help="reuse/keep this SQLite file")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="xinyong-bench-")
    path = args.db or Path(tmp.name) / "bench.sqlite3"
    started = time.perf_counter()
    if path.exists():
        counts = {
            "subjects": args.subjects,
            "records": args.subjects * args.records_per_subject,
            "events": -1,
        }
    else:
        counts = generate(path, args.subjects, args.records_per_subject)
    gen_s = time.perf_counter() - started
    print(f"生成系统记录库：{counts}，用时 {gen_s:.1f} 秒（不计入）", file=sys.stderr)
    settings = Settings(database_url=f"sqlite:///{path}", policy_dir=ROOT / "policy", env="test")
    policy = load_policy(settings.policy_dir)
    engine = make_engine(settings)
    sessions = make_sessionmaker(engine)
    t0 = time.perf_counter()
    cpu0 = sum(os.times()[:2])  # process CPU (all threads): the load-independent cost of the run
    with session_scope(sessions) as session:
        run = service.run_evaluation(
            session, policy, AS_OF, actor="bench", sqlite_path=str(path), threads=args.threads
        )
        run_id, timings, scored = run.id, dict(run.timings), run.subjects
    end_to_end = time.perf_counter() - t0
    end_to_end_cpu = sum(os.times()[:2]) - cpu0
    timings["commit"] = round(end_to_end - timings["total"], 3)  # the session_scope commit after the run
    engine.dispose()
    # the same in-memory data, scored again by the generated plan and by the hand-written query
    models = service.models_of(policy)
    in_force = models.in_force(AS_OF)
    rule = retention_rule(policy)
    raw = batch.read_inputs_file(str(path), policy, models, AS_OF)
    con = batch.load_duckdb(raw, threads=args.threads)
    gen_times, hand_times = [], []
    hand_sql = handwritten(con, in_force, rule)
    for _ in range(3):
        t = time.perf_counter()
        batch.score(con, in_force, AS_OF, rule)
        gen_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        con.execute(f"CREATE OR REPLACE TABLE hand AS {hand_sql}")
        con.execute("SELECT COUNT(*) FROM hand").fetchall()
        hand_times.append(time.perf_counter() - t)
    mismatches = con.execute(
        "SELECT COUNT(*) FROM ev_result e FULL JOIN hand h ON h.subject_id = e.subject_id "
        "WHERE h.subject_id IS NULL OR e.subject_id IS NULL OR h.score <> e.score OR h.grade <> e.grade"
    ).fetchall()[0][0]
    scoring, baseline = min(gen_times), min(hand_times)
    figures = {
        "benchmark": "evaluate",
        "database": "sqlite",
        "subjects": counts["subjects"],
        "records": counts["records"],
        "events": counts["events"],
        "scored": scored,
        "run_id": run_id,
        "end_to_end_s": round(end_to_end, 2),
        "end_to_end_cpu_s": round(end_to_end_cpu, 2),
        "steps_s": timings,
        "scoring_s": round(scoring, 3),
        "handwritten_duckdb_s": round(baseline, 3),
        "ratio_scoring_to_handwritten": round(scoring / baseline, 3),
        "handwritten_mismatches": int(mismatches),
        "targets": {"ratio_max": 1.5, "end_to_end_max_s": 30},
        "generation_s": round(gen_s, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }
    print(
        f"端到端（系统记录库 → 保存结果，含提交）：{end_to_end:.2f} 秒（进程 CPU {end_to_end_cpu:.1f} 秒）；"
        f"读取 {timings['read']} · 装载与评分 {timings['load'] + timings['score']:.3f} · "
        f"监测 {timings['monitor']} · 写入与提交 {timings['write'] + timings['commit']:.3f}；各步骤：{timings}"
    )
    print(
        f"评分步骤（生成的计划）：{scoring:.3f} 秒；手写 DuckDB SQL：{baseline:.3f} 秒；比值 {scoring / baseline:.2f}"
    )
    print(f"手写 SQL 与生成计划结果不一致的主体数：{mismatches}")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
