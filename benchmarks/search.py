"""Benchmark: subject search through HTTP over a city of subjects (default 1,000,000).

Generates subjects cheaply with plain SQL inserts into a fresh migrated SQLite database (the search
triggers index them), starts the real app under uvicorn, and drives ``GET /api/v1/subjects?q=`` with a
mix of queries — two-character fragments (宏达), longer fragments, a fragment matching most of the city
(有限公司) and exact codes — from concurrent connections. Baselines measured in the same run: the
bare ``/healthz`` endpoint through the same HTTP stack, and the FTS query alone in-process.
Target: p95 ≤ 20 ms. The last line printed is one JSON object.

    .venv/bin/python benchmarks/search.py [--subjects 1000000] [--requests 4000] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from xinyong.kit.ids import make_uscc  # noqa: E402
from xinyong.kit.text import normalize_name  # noqa: E402
from xinyong.migrate import upgrade  # noqa: E402
from xinyong.subjects import queries as subject_queries  # noqa: E402

PLACES = [
    "台州市",
    "椒江区",
    "黄岩区",
    "路桥区",
    "温岭市",
    "临海市",
    "玉环市",
    "三门县",
    "天台县",
    "仙居县",
    "",
]
REGIONS = ["331002", "331003", "331004", "331081", "331082", "331083", "331022", "331023", "331024"]
WORDS = [
    "宏达",
    "东海",
    "华鑫",
    "永盛",
    "恒通",
    "金鹰",
    "海天",
    "新世纪",
    "明珠",
    "兴旺",
    "博远",
    "天成",
    "富源",
    "祥和",
    "鼎盛",
    "瑞丰",
    "嘉禾",
    "汇丰",
    "利民",
    "长城",
    "振华",
    "光明",
    "星辰",
    "和信",
    "诚信",
    "德力",
    "中天",
    "远大",
    "春晖",
    "腾飞",
    "宝龙",
    "旭日",
    "众诚",
    "立信",
    "正泰",
    "锦程",
    "精工",
    "联合",
    "顺发",
    "安泰",
]
TRADES = [
    "阀门",
    "机械",
    "塑料",
    "电子",
    "汽配",
    "鞋业",
    "模具",
    "水泵",
    "食品",
    "建设",
    "贸易",
    "科技",
    "缝纫机",
    "眼镜",
    "医药",
    "化工",
    "家居",
    "服饰",
    "五金",
    "物流",
]
FORMS = ["有限公司", "股份有限公司", "厂", "商行", "经营部", "有限责任公司"]
SURNAMES = "王李张陈林黄周吴徐孙朱胡郭何高罗郑梁谢宋".replace("", " ").split()


def generate(url: str, n: int, seed: int) -> tuple[float, list[str]]:
    """Insert ``n`` subjects with plain SQL; return seconds taken and a sample of USCCs."""
    rnd = random.Random(seed)
    path = url.split("///", 1)[1]
    conn = sqlite3.connect(path)
    conn.isolation_level = None  # explicit transactions below
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    codes: list[str] = []
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.execute("DROP TRIGGER search_subject_ai")  # bulk path: index once at the end (as name_index_paused)
    batch: list[tuple[object, ...]] = []
    for i in range(1, n + 1):
        region = rnd.choice(REGIONS)
        if i % 20 == 0:
            name = rnd.choice(SURNAMES) + "".join(rnd.sample(WORDS, 1))[:2]
            kind, uscc = "自然人", None
        else:
            name = (
                rnd.choice(PLACES)
                + rnd.choice(WORDS)
                + rnd.choice(WORDS)
                + rnd.choice(TRADES)
                + rnd.choice(FORMS)
            )
            kind = "企业法人"
            uscc = make_uscc("9", "1", region, f"{i:08d}"[-8:].rjust(8, "0"))
            if len(codes) < 2000 and rnd.random() < 0.01:
                codes.append(uscc)
        batch.append((kind, name, normalize_name(name), region, uscc, "存续", now, now))
        if len(batch) == 20000:
            conn.executemany(
                "INSERT INTO subject (kind, name, name_norm, region_code, uscc, status, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                batch,
            )
            batch.clear()
    if batch:
        conn.executemany(
            "INSERT INTO subject (kind, name, name_norm, region_code, uscc, status, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            batch,
        )
    for statement in (subject_queries._INSERT_TRIGGER, *subject_queries._REBUILD):
        conn.execute(statement)
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return time.perf_counter() - started, codes


def queries(rnd: random.Random, codes: list[str], k: int) -> list[str]:
    """Return ``k`` queries: 35% two-character, 45% longer fragments, 10% 有限公司, 10% exact codes."""
    out = []
    for _ in range(k):
        r = rnd.random()
        if r < 0.35:
            out.append(rnd.choice(WORDS)[:2])
        elif r < 0.80:
            out.append(rnd.choice(WORDS) + rnd.choice(TRADES))
        elif r < 0.90:
            out.append("有限公司")
        else:
            out.append(rnd.choice(codes))
    return out


def fts_alone(url: str, qs: list[str]) -> float:
    """Return the p50 (ms) of the raw FTS query, in-process, for the three-plus-character queries."""
    conn = sqlite3.connect(url.split("///", 1)[1])
    times = []
    for q in [q for q in qs if 3 <= len(q) < 18][:500]:
        t = time.perf_counter()
        conn.execute(
            "SELECT s.id FROM search_subject_tri f JOIN subject s ON s.id = f.rowid "
            "WHERE search_subject_tri MATCH ? AND s.kind != '自然人' LIMIT 201",
            ('"' + q + '"',),
        ).fetchall()
        times.append((time.perf_counter() - t) * 1000)
    conn.close()
    return statistics.median(times)


def cpu_probe() -> float:
    """Return loops/s of a fixed CPU-bound loop (about 10,000/s on an idle core here): shows contention."""
    started, n = time.perf_counter(), 0
    while time.perf_counter() - started < 1.0:
        sum(range(10_000))
        n += 1
    return n / (time.perf_counter() - started)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def drive(base: str, paths: list[str], concurrency: int) -> tuple[list[float], float, int]:
    """Issue ``paths`` over ``concurrency`` connections; return latencies (ms), wall seconds, errors."""
    latencies: list[float] = []
    errors = 0
    queue = list(reversed(paths))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal errors
            while queue:
                path = queue.pop()
                t = time.perf_counter()
                resp = await client.get(path)
                latencies.append((time.perf_counter() - t) * 1000)
                if resp.status_code != 200:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started, errors


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--subjects", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=4000)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="xy-search-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        upgrade(url)
        gen_s, codes = generate(url, args.subjects, args.seed)
        print(
            f"生成 {args.subjects:,} 个主体（含名称索引）：{gen_s:.1f} s（{args.subjects / gen_s:,.0f} 行/秒）"
        )
        rnd = random.Random(args.seed)
        qs = queries(rnd, codes, args.requests)
        fts_p50 = fts_alone(url, qs)
        port = free_port()
        env = {
            **os.environ,
            "XINYONG_DATABASE_URL": url,
            "XINYONG_ENV": "development",
            "XINYONG_VAR_DIR": tmp,
            "XINYONG_LOG_LEVEL": "WARNING",
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "xinyong.app:create_app",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            env=env,
            cwd=ROOT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            paths = [f"/api/v1/subjects?q={q}" for q in qs]
            asyncio.run(drive(base, paths[:200], args.concurrency))  # warm-up
            base_lat, _, _ = asyncio.run(drive(base, ["/healthz"] * args.requests, args.concurrency))
            lat, wall, errors = asyncio.run(drive(base, paths, args.concurrency))
        finally:
            server.terminate()
            server.wait(timeout=10)
    probe = cpu_probe()
    two = [lat[i] for i, q in enumerate(qs) if len(q) == 2]
    result = {
        "benchmark": "search",
        "subjects": args.subjects,
        "requests": len(lat),
        "concurrency": args.concurrency,
        "errors": errors,
        "p50_ms": round(pct(lat, 50), 2),
        "p95_ms": round(pct(lat, 95), 2),
        "p99_ms": round(pct(lat, 99), 2),
        "two_char_p95_ms": round(pct(two, 95), 2) if two else None,
        "rps": round(len(lat) / wall, 1),
        "baseline_healthz_p95_ms": round(pct(base_lat, 95), 2),
        "ratio_p95_to_healthz": round(pct(lat, 95) / pct(base_lat, 95), 2),
        "fts_alone_p50_ms": round(fts_p50, 3),
        "generate_s": round(gen_s, 1),
        "cpu_probe_loops_per_s": round(probe),
        "target_p95_ms": 20,
        "ok": pct(lat, 95) <= 20 and errors == 0,
    }
    print(
        f"检索 {len(lat)} 次（并发 {args.concurrency}）：p50 {result['p50_ms']} ms，p95 {result['p95_ms']} ms，"
        f"p99 {result['p99_ms']} ms；两字查询 p95 {result['two_char_p95_ms']} ms；{result['rps']} 次/秒"
    )
    print(
        f"基线 /healthz p95 {result['baseline_healthz_p95_ms']} ms（比值 {result['ratio_p95_to_healthz']}）；FTS 单查询 p50 {result['fts_alone_p50_ms']} ms"
    )
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
