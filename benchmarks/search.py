"""Benchmark: subject search through HTTP over a city of subjects (default 1,000,000).

Loads subjects into a fresh migrated SQLite database with ``executemany`` (secondary indexes and the
name index built once after the load), starts the real app in one uvicorn process, and drives
``GET /api/v1/subjects?q=`` with ``wrk`` (C, one thread, fixed concurrency) and a Lua script rotating
a realistic query mix: exact codes, two-character names (宏达), three-plus-character fragments,
fragments matching most of the city (有限公司) and misses. Each class is also run alone, so its own
p95 shows. Floors measured in the same run: ``/healthz`` through the same HTTP stack (the framework),
and the name query alone on a plain connection (the database). Target: p95 ≤ 20 ms. Without ``wrk``
a Python client drives the server instead (it competes for the CPU: figures are worse). The last line
printed is one JSON object.

    .venv/bin/python benchmarks/search.py [--subjects 1000000] [--seconds 20] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from xinyong.kit.ids import make_uscc  # noqa: E402
from xinyong.kit.text import normalize_name  # noqa: E402
from xinyong.migrate import upgrade  # noqa: E402
from xinyong.settings import Settings  # noqa: E402
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
SURNAMES = list("王李张陈林黄周吴徐孙朱胡郭何高罗郑梁谢宋")
COMMON = ["有限公司", "公司", "有限", "台州市", "股份有限", "科技有限"]
MISSES = ["无此", "不存在的企业", "量子计算", "星际航运有限公司"]
# Share of each class in the mix: (class, share).
MIX = (("code", 0.10), ("two", 0.30), ("fragment", 0.40), ("common", 0.10), ("miss", 0.10))
_INSERT = (
    "INSERT INTO subject (kind, name, name_norm, region_code, uscc, status, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def generate(db: Path, n: int, seed: int) -> dict[str, float]:
    """Load ``n`` subjects (and their USCC identifiers); return the seconds each phase took."""
    rnd = random.Random(seed)
    conn = sqlite3.connect(db)
    conn.isolation_level = None  # explicit transactions below
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-400000")
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    phases: dict[str, float] = {}
    t = time.perf_counter()
    conn.execute("BEGIN")
    # Bulk path: secondary indexes and the name index are built once after the load (as an importer
    # of a whole register does with ``name_index_paused``); the unique USCC index stays.
    indexes = [
        (name, sql)
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('subject', 'subject_identifier')"
        )
    ]
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    conn.execute("DROP TRIGGER search_subject_ai")
    batch: list[tuple[object, ...]] = []
    for i in range(1, n + 1):
        region = rnd.choice(REGIONS)
        if i % 20 == 0:  # natural persons: never shown to the public
            name = rnd.choice(SURNAMES) + rnd.choice(WORDS)[:2]
            kind, uscc = "自然人", None
        else:
            name = rnd.choice(PLACES) + rnd.choice(WORDS) + rnd.choice(WORDS) + rnd.choice(TRADES)
            name += rnd.choice(FORMS)
            kind, uscc = "企业法人", make_uscc("9", "1", region, f"{i:08d}")
        batch.append((kind, name, normalize_name(name), region, uscc, "存续", now, now))
        if len(batch) == 50_000:
            conn.executemany(_INSERT, batch)
            batch.clear()
    conn.executemany(_INSERT, batch)
    conn.execute(
        "INSERT INTO subject_identifier (subject_id, scheme, lookup, value, masked, created_at) "
        "SELECT id, 'USCC', uscc, uscc, uscc, created_at FROM subject WHERE uscc IS NOT NULL"
    )
    phases["insert_s"] = time.perf_counter() - t
    t = time.perf_counter()
    for _, sql in indexes:
        conn.execute(sql)
    phases["indexes_s"] = time.perf_counter() - t
    t = time.perf_counter()
    for statement in (subject_queries.INSERT_TRIGGER, *subject_queries.REBUILD):
        conn.execute(statement)
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("ANALYZE")
    conn.close()
    phases["name_index_s"] = time.perf_counter() - t
    return phases


def sample_codes(db: Path) -> list[str]:
    """Return up to 2,000 USCCs spread over the register."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT uscc FROM subject WHERE id % 97 = 0 AND uscc IS NOT NULL LIMIT 2000")
        return [r[0] for r in rows]


def query_mix(rnd: random.Random, codes: list[str], k: int) -> list[tuple[str, str]]:
    """Return ``k`` (class, query) pairs drawn with the shares of ``MIX``."""
    makers = {
        "code": lambda: rnd.choice(codes),
        "two": lambda: rnd.choice([w[:2] for w in WORDS] + TRADES[:8]),
        "fragment": lambda: rnd.choice(
            [rnd.choice(WORDS) + rnd.choice(TRADES), rnd.choice(PLACES[:-1]) + rnd.choice(WORDS)]
        ),
        "common": lambda: rnd.choice(COMMON),
        "miss": lambda: rnd.choice(MISSES),
    }
    kinds, weights = zip(*MIX, strict=True)
    return [(kind, makers[kind]()) for kind in rnd.choices(kinds, weights, k=k)]


def db_floor(db: Path, mix: list[tuple[str, str]]) -> dict[str, float]:
    """Time the name query the server runs, alone on a plain connection: p50/p95 in ms."""
    conn = sqlite3.connect(db)
    conn.execute(
        f"PRAGMA mmap_size={Settings.model_fields['sqlite_mmap_mib'].default * 1024 * 1024}"
    )  # as the app
    statements = [
        subject_queries.sqlite_name_query(normalize_name(q), include_persons=False, cap=101)
        for kind, q in mix[:1500]
        if kind != "code"
    ]
    times = []
    for i, (sql, params) in enumerate(statements):
        t = time.perf_counter()
        conn.execute(sql, params).fetchall()
        if i >= 300:  # after a warm-up, as the server is measured
            times.append((time.perf_counter() - t) * 1000)
    conn.close()
    return {"p50_ms": pct(times, 50), "p95_ms": pct(times, 95)}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """Return the user+system CPU seconds a process has used (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  if i > #paths then i = 1 end
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "\\nRESULT {\\"requests\\": %%d, \\"seconds\\": %%.3f, \\"p50_ms\\": %%.3f, \\"p95_ms\\": %%.3f, " ..
    "\\"p99_ms\\": %%.3f, \\"max_ms\\": %%.3f, \\"errors\\": %%d}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3,
    e.status + e.connect + e.read + e.write + e.timeout))
end
"""


def run_wrk(base: str, paths: list[str], seconds: float, concurrency: int, tmp: Path) -> dict[str, float]:
    """Drive ``paths`` in rotation with wrk; return requests, p50/p95/p99 (ms), rps and errors."""
    listing, script = tmp / "paths.txt", tmp / "rotate.lua"
    listing.write_text("\n".join(paths) + "\n")
    script.write_text(LUA % listing)
    cmd = ["wrk", "-t1", f"-c{concurrency}", f"-d{round(seconds)}s", "-s", str(script), base + paths[0]]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    result: dict[str, float] = json.loads(line.removeprefix("RESULT "))
    result["rps"] = result["requests"] / result["seconds"]
    return result


def run_python(base: str, paths: list[str], seconds: float, concurrency: int, _tmp: Path) -> dict[str, float]:
    """Fallback without wrk: an asyncio httpx client (shares the CPU with the server)."""
    latencies: list[float] = []
    errors = 0

    async def go() -> float:
        nonlocal errors
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
            started = time.perf_counter()

            async def worker(offset: int) -> None:
                nonlocal errors
                i = offset
                while time.perf_counter() - started < seconds:
                    t = time.perf_counter()
                    resp = await client.get(paths[i % len(paths)])
                    latencies.append((time.perf_counter() - t) * 1000)
                    errors += resp.status_code >= 400
                    i += concurrency

            await asyncio.gather(*(worker(k) for k in range(concurrency)))
            return time.perf_counter() - started

    wall = asyncio.run(go())
    return {
        "requests": len(latencies),
        "seconds": wall,
        "p50_ms": pct(latencies, 50),
        "p95_ms": pct(latencies, 95),
        "p99_ms": pct(latencies, 99),
        "max_ms": max(latencies),
        "errors": errors,
        "rps": len(latencies) / wall,
    }


def start_server(url: str, tmp: str) -> tuple[subprocess.Popen[bytes], str]:
    """Start the app in one uvicorn process (uvloop, httptools); return it and its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "XINYONG_DATABASE_URL": url,
        "XINYONG_ENV": "development",
        "XINYONG_VAR_DIR": tmp,
        "XINYONG_LOG_LEVEL": "WARNING",
    }
    args = ["--factory", "xinyong.app:serve_app", "--port", str(port), "--log-level", "warning"]
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", *args, "--no-access-log"], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("the server did not start")


def path_of(q: str) -> str:
    return "/api/v1/subjects?q=" + urllib.parse.quote(q)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--subjects", type=int, default=1_000_000)
    ap.add_argument("--seconds", type=float, default=20, help="duration of the mixed run")
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--db", type=Path, help="load into this file and keep it; reuse it if it exists")
    args = ap.parse_args()
    drive = run_wrk if shutil.which("wrk") else run_python
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="xy-search-") as tmp:
        db = args.db or Path(tmp) / "bench.sqlite3"
        url = f"sqlite:///{db}"
        t = time.perf_counter()
        if db.exists():
            print(f"沿用已装载的数据库 {db}")
            phases = {"insert_s": 0.0, "indexes_s": 0.0, "name_index_s": 0.0}
        else:
            upgrade(url)
            phases = generate(db, args.subjects, args.seed)
        setup_s = time.perf_counter() - t
        print(
            f"装载 {args.subjects:,} 个主体：共 {setup_s:.1f} s（写入 {phases['insert_s']:.1f} s，"
            f"普通索引 {phases['indexes_s']:.1f} s，名称索引 {phases['name_index_s']:.1f} s）"
        )
        codes = sample_codes(db)
        mix = query_mix(random.Random(args.seed), codes, 5000)
        floor_db = db_floor(db, mix)
        server, base = start_server(url, tmp)
        try:
            for kind, q in mix[:50]:
                resp = httpx.get(base + path_of(q), timeout=10)
                assert resp.status_code == 200, (q, resp.text)
                assert kind not in ("code", "fragment") or resp.json()["items"], q
            paths = [path_of(q) for _, q in mix]
            drive(base, paths, 3, args.concurrency, Path(tmp))  # warm-up
            healthz = drive(base, ["/healthz"], 8, args.concurrency, Path(tmp))
            cpu = cpu_seconds(server.pid)
            mixed = drive(base, paths, args.seconds, args.concurrency, Path(tmp))
            cpu_ms = (cpu_seconds(server.pid) - cpu) / mixed["requests"] * 1000
            classes = {
                kind: drive(base, [path_of(q) for k, q in mix if k == kind], 4, args.concurrency, Path(tmp))
                for kind, _ in MIX
            }
        finally:
            server.terminate()
            server.wait(timeout=10)
    load_after = os.getloadavg()
    result = {
        "benchmark": "search",
        "driver": "wrk" if drive is run_wrk else "python",
        "subjects": args.subjects,
        "setup_s": round(setup_s, 1),
        "concurrency": args.concurrency,
        "requests": mixed["requests"],
        "errors": mixed["errors"] + sum(c["errors"] for c in classes.values()),
        "p50_ms": round(mixed["p50_ms"], 2),
        "p95_ms": round(mixed["p95_ms"], 2),
        "p99_ms": round(mixed["p99_ms"], 2),
        "rps": round(mixed["rps"], 1),
        "server_cpu_ms_per_request": round(cpu_ms, 3),
        "class_p95_ms": {k: round(c["p95_ms"], 2) for k, c in classes.items()},
        "healthz_p95_ms": round(healthz["p95_ms"], 2),
        "healthz_rps": round(healthz["rps"], 1),
        "ratio_p95_to_healthz": round(mixed["p95_ms"] / healthz["p95_ms"], 2),
        "db_floor_p50_ms": round(floor_db["p50_ms"], 3),
        "db_floor_p95_ms": round(floor_db["p95_ms"], 3),
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in load_after],
        "target_p95_ms": 20,
    }
    result["ok"] = result["p95_ms"] <= 20 and result["errors"] == 0
    print(
        f"检索（{result['driver']}，并发 {args.concurrency}，{mixed['requests']} 次）：p50 {result['p50_ms']} ms，"
        f"p95 {result['p95_ms']} ms，p99 {result['p99_ms']} ms，{result['rps']} 次/秒，"
        f"服务端 CPU {result['server_cpu_ms_per_request']} ms/次"
    )
    print("各类查询 p95（ms）：" + "，".join(f"{k} {v}" for k, v in result["class_p95_ms"].items()))
    print(
        f"框架下限 /healthz p95 {result['healthz_p95_ms']} ms（比值 {result['ratio_p95_to_healthz']}）；"
        f"数据库下限 名称查询 p50 {result['db_floor_p50_ms']} ms、p95 {result['db_floor_p95_ms']} ms；"
        f"负载均值 {load_before[0]:.2f} → {load_after[0]:.2f}"
    )
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
