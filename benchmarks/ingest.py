"""Benchmark 归集 end to end against the floor of a plain bulk insert, in the same run and database.

    python benchmarks/ingest.py --rows 1000000

The 行政处罚 file comes from this script's own generator (national CF_ codes, mixed date formats, about
0.5 % defective rows, 200,000 registered enterprises), because ``xinyong synth`` cannot size a single
feed to N rows. The file is ingested by the real CLI (``xinyong ingest FILE --source xzcf --json``) in a
child process, whose wall time and peak resident memory are measured. The floor inserts the very rows
the ingest stored — already parsed, as tuples — with one ``executemany`` into a table of the same
schema and indexes in the same SQLite database. The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from xinyong.db import make_engine
from xinyong.departments import service as departments_service
from xinyong.kit.ids import make_uscc
from xinyong.migrate import upgrade
from xinyong.policy.loader import load_policy
from xinyong.settings import ROOT, Settings

SUBJECTS = 200_000
DEPTS = [
    ("11331081027146595L", "温岭市市场监督管理局"),
    ("11331082030297407H", "临海市市场监督管理局"),
    ("11331000042107420B", "台州市市场监督管理局"),
    ("1133100001706270XL", "台州市生态环境局"),
]
HEADERS = (
    "CF_XDR_MC", "CF_XDR_LB", "CF_XDR_SHXYM", "CF_FRDB", "CF_WSH", "CF_WFXW", "CF_SY", "CF_YJ", "CF_CFLB",
    "CF_NR", "CF_NR_FK", "CF_NR_WFFF", "CF_JDRQ", "CF_YXQ", "CF_GSJZQ", "CF_CFJG", "CF_CFJGDM", "CF_SJLY",
    "CF_SJLYDM", "BZ",
)  # fmt: skip


def register(db: Path, usccs: list[str]) -> None:
    """Insert the register's enterprises directly (the benchmark resolves by USCC)."""
    con = sqlite3.connect(db)
    now = "2026-01-01 00:00:00.000000"
    con.executemany(
        "INSERT INTO subject (kind, name, name_norm, region_code, uscc, status, created_at, updated_at)"
        " VALUES ('企业法人', ?, ?, ?, ?, '存续', ?, ?)",
        [
            (f"台州市测试{i}有限公司", f"台州市测试{i}有限公司", u[2:8], u, now, now)
            for i, u in enumerate(usccs)
        ],
    )
    con.commit()
    con.close()


def generate(path: Path, rows: int, usccs: list[str], seed: int = 7) -> None:
    """Write an N-row 行政处罚 CSV with the defects departments send."""
    rnd = random.Random(seed)
    types = ["罚款", "警告", "罚款,没收违法所得", "警告、罚款", "责令停产停业", "吊销许可证件"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        for i in range(rows):
            k = rnd.randrange(SUBJECTS)
            dept_uscc, dept_name = DEPTS[i % len(DEPTS)]
            y, m, d = 2025, rnd.randint(1, 12), rnd.randint(1, 28)
            style = i % 4
            jdrq = (f"{y}-{m:02d}-{d:02d}", f"{y}/{m}/{d}", f"{y}年{m}月{d}日", f"{y}{m:02d}{d:02d}")[style]
            ptype = types[rnd.randrange(len(types))]
            fine = f"{rnd.randint(1, 5000) / 100:.2f}"
            if i % 200 == 13:
                ptype = "罚金"  # a criminal fine: rejected
            if i % 200 == 77:
                jdrq = "2025-02-30"  # an impossible date: rejected
            w.writerow(
                (
                    f"台州市测试{k}有限公司", "法人及非法人组织", usccs[k], "张三",
                    f"台市监罚〔2025〕{i}号", "违反广告管理规定", "当事人在网店发布含有虚假内容的广告，违反广告法第二十八条",
                    "《中华人民共和国广告法》第五十五条第一款", ptype, "罚款人民币若干元并责令改正",
                    fine, "0", jdrq, f"{y + 1}-{m:02d}-{d:02d}", f"{y + 1}-{m:02d}-{d:02d}",
                    dept_name, dept_uscc, dept_name, dept_uscc, "",
                )
            )  # fmt: skip


def floor(db: Path) -> tuple[int, float]:
    """Insert the stored (pre-parsed) rows again with one executemany into a same-shaped table."""
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA cache_size=-65536")  # as the ingest connection
    ddl = [
        r[0]
        for r in con.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name='credit_record' AND sql IS NOT NULL"
        )
    ]
    for stmt in ddl:
        con.execute(stmt.replace("credit_record", "floor_record"))
    cols = [r[1] for r in con.execute("PRAGMA table_info(credit_record)") if r[1] != "id"]
    rows = con.execute(f"SELECT {', '.join(cols)} FROM credit_record").fetchall()  # noqa: S608
    marks = ", ".join("?" for _ in cols)
    start = time.perf_counter()
    con.executemany(f"INSERT INTO floor_record ({', '.join(cols)}) VALUES ({marks})", rows)  # noqa: S608
    con.commit()
    elapsed = time.perf_counter() - start
    con.close()
    return len(rows), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description="归集端到端基准")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=None, help="工作目录（默认临时目录）")
    args = parser.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="xy-bench-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{db}"
    upgrade(url)
    settings = Settings(database_url=url, var_dir=work / "var", policy_dir=ROOT / "policy")
    engine = make_engine(settings)
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        departments_service.sync_from_policy(session, load_policy(settings.policy_dir), actor="bench")
        session.commit()
    engine.dispose()
    usccs = [make_uscc("9", "1", "331081", f"BM{i:06d}") for i in range(SUBJECTS)]
    register(db, usccs)
    feed = work / "xzcf.csv"
    t0 = time.perf_counter()
    generate(feed, args.rows, usccs)
    print(f"生成 {args.rows} 行：{time.perf_counter() - t0:.1f} s，{feed.stat().st_size / 1e6:.0f} MB")
    env = {**os.environ, "XINYONG_DATABASE_URL": url, "XINYONG_VAR_DIR": str(work / "var")}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "xinyong.cli", "ingest", str(feed), "--source", "xzcf", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        raise SystemExit(done.returncode)
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    stored, floor_s = floor(db)
    rate = args.rows / elapsed
    floor_rate = stored / floor_s
    print(f"端到端：{elapsed:.1f} s，{rate:,.0f} 行/秒，峰值内存 {peak_mb:.0f} MB")
    print(
        f"下限（同库 executemany 已解析行）：{floor_s:.1f} s，{floor_rate:,.0f} 行/秒；比值 {rate / floor_rate:.2f}"
    )
    figures = {
        "rows": args.rows,
        "seconds": round(elapsed, 2),
        "rows_per_s": round(rate),
        "peak_rss_mb": round(peak_mb),
        "floor_rows_per_s": round(floor_rate),
        "ratio_to_floor": round(rate / floor_rate, 3),
        "accepted": summary["accepted"],
        "rejected": summary["rejected"],
        "generator": "benchmarks/ingest.py",
    }
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
