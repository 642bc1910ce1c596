"""The ``xinyong ingest`` command in a subprocess: JSON summary, rejects export, quality, and atomicity
under SIGKILL."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from tests.conftest import TEST_DATA_KEY, TEST_INDEX_KEY
from tests.factories import ingest as fx
from tests.fixtures.migrated import migrated_sqlite
from xinyong.departments import service as departments_service
from xinyong.ingest.models import IngestBatch, IngestRowReject
from xinyong.kit.crypto import KeyRing
from xinyong.kit.ids import make_uscc
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord
from xinyong.subjects.service import SubjectInput, build_subject


@pytest.fixture
def cli_db(tmp_path: Path, policy: Policy) -> tuple[str, dict[str, str], list[str]]:
    """A migrated SQLite file with departments and 500 registered enterprises."""
    url = migrated_sqlite(tmp_path / "cli.sqlite3")
    keys = KeyRing.from_text(TEST_DATA_KEY, TEST_INDEX_KEY)
    engine = create_engine(url)
    usccs = [make_uscc("9", "1", "331081", f"CL{i:06d}") for i in range(500)]
    with Session(engine) as session:
        departments_service.sync_from_policy(session, policy, actor="test", on=dt.date(2026, 1, 1))
        session.add_all(
            build_subject(keys, SubjectInput(name=f"温岭市测试{i}有限公司", uscc=u))
            for i, u in enumerate(usccs)
        )
        session.commit()
    engine.dispose()
    return url, fx.cli_env(url, tmp_path / "var"), usccs


def counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with Session(engine) as session:
        out = {
            "batches": session.scalar(select(func.count()).select_from(IngestBatch)) or 0,
            "records": session.scalar(select(func.count()).select_from(CreditRecord)) or 0,
            "rejects": session.scalar(select(func.count()).select_from(IngestRowReject)) or 0,
        }
    engine.dispose()
    return out


def big_file(path: Path, usccs: list[str], rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(fx.CF_HEADERS)
        for i in range(rows):
            row = fx.penalty(f"温岭市测试{i % 500}有限公司", usccs[i % 500], f"温市监罚〔2026〕{i}号")
            if i % 1000 == 7:
                row["CF_CFLB"] = "罚金"
            writer.writerow([row[h] for h in fx.CF_HEADERS])
    return path


def test_ingest_json_summary_and_errors_export(
    cli_db: tuple[str, dict[str, str], list[str]], tmp_path: Path
) -> None:
    _url, env, usccs = cli_db
    rows = [
        fx.penalty("温岭市测试0有限公司", usccs[0], "温市监罚〔2026〕1号"),
        fx.penalty("温岭市测试1有限公司", usccs[1], "温市监罚〔2026〕2号", CF_CFLB="罚金"),
    ]
    path = fx.write_csv(tmp_path / "feed.csv", rows, encoding="gbk")
    done = fx.invoke_cli(["ingest", str(path), "--source", "xzcf", "--json"], env)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert {k: summary[k] for k in ("rows", "accepted", "updated", "duplicate", "rejected")} == {
        "rows": 2,
        "accepted": 1,
        "updated": 0,
        "duplicate": 0,
        "rejected": 1,
    }
    out = tmp_path / "rejects.csv"
    exported = fx.invoke_cli(["ingest", "errors", str(summary["batch_id"]), "--out", str(out)], env)
    assert exported.returncode == 0, exported.stderr
    with out.open(encoding="gb18030") as fh:
        back = list(csv.DictReader(fh))
    assert len(back) == 1
    assert back[0]["CF_XDR_MC"] == "温岭市测试1有限公司"
    assert "刑罚" in back[0]["错误说明"]
    assert back[0]["原行号"] == "3"
    xlsx = tmp_path / "rejects.xlsx"
    assert (
        fx.invoke_cli(["ingest", "errors", str(summary["batch_id"]), "--out", str(xlsx)], env).returncode == 0
    )
    wb = load_workbook(xlsx, read_only=True)
    sheet = list(wb.active.iter_rows(values_only=True))
    wb.close()
    assert sheet[0][-2:] == ("错误说明", "错误代码")  # people read the message, systems match the code
    assert "罚金" in str(sheet[1][-2])
    assert "." not in str(sheet[1][-2])  # no code such as catalog.bad_value in the message
    assert "." in str(sheet[1][-1])
    quality = fx.invoke_cli(["quality", "--json"], env)
    assert quality.returncode == 0, quality.stderr
    report = json.loads(quality.stdout)
    row = next(r for r in report["departments"] if r["department_code"] == "WL-SCJG")
    assert row["rows"] == 2
    assert row["intake_rate"] == 0.5


def test_rejected_rows_export_with_formulas_made_inert(
    cli_db: tuple[str, dict[str, str], list[str]], tmp_path: Path
) -> None:
    """A hostile value in a feed (formula injection, issue 16) does not run when an officer opens the rejects."""
    _url, env, usccs = cli_db
    hostile = "=cmd|' /C calc'!A0"
    rows = [fx.penalty(hostile, usccs[2], "@SUM(1+1)", CF_CFLB="罚金")]
    path = fx.write_csv(tmp_path / "hostile.csv", rows)
    done = fx.invoke_cli(["ingest", str(path), "--source", "xzcf", "--json"], env)
    assert done.returncode == 0, done.stderr
    batch = json.loads(done.stdout.strip().splitlines()[-1])["batch_id"]
    out = tmp_path / "rejects.csv"
    assert fx.invoke_cli(["ingest", "errors", str(batch), "--out", str(out)], env).returncode == 0
    with out.open(encoding="utf-8-sig") as fh:
        back = list(csv.DictReader(fh))
    assert back[0]["CF_XDR_MC"] == "'" + hostile
    assert back[0]["CF_WSH"] == "'@SUM(1+1)"
    xlsx = tmp_path / "rejects.xlsx"
    assert fx.invoke_cli(["ingest", "errors", str(batch), "--out", str(xlsx)], env).returncode == 0
    wb = load_workbook(xlsx)
    cells = [c for row in wb.active.iter_rows() for c in row]
    wb.close()
    assert not [c.coordinate for c in cells if c.data_type == "f"], "no cell may be a formula"
    assert "'" + hostile in [c.value for c in cells]


@pytest.mark.slow  # 60 000 rows in a real process, killed and run again
def test_sigkill_mid_batch_leaves_nothing_and_rerun_completes(
    cli_db: tuple[str, dict[str, str], list[str]], tmp_path: Path
) -> None:
    url, env, usccs = cli_db
    path = big_file(tmp_path / "big.csv", usccs, 60_000)
    env = {**env, "XINYONG_INGEST_CHUNK_ROWS": "2000"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "xinyong.cli", "ingest", str(path), "--source", "xzcf"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    seen = 0
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        if "已处理" in line:
            seen += 1
            if seen >= 3:  # several chunks written inside the open transaction
                os.kill(proc.pid, signal.SIGKILL)
                break
    proc.wait(timeout=60)
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL, "the batch finished before it could be killed"
    assert counts(url) == {"batches": 0, "records": 0, "rejects": 0}
    done = fx.run_cli(
        ["ingest", str(path), "--source", "xzcf", "--json"], {**env, "XINYONG_INGEST_CHUNK_ROWS": "20000"}
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["rows"] == 60_000
    assert summary["rejected"] == 60
    assert (
        summary["accepted"]
        + summary["updated"]
        + summary["duplicate"]
        + summary["rejected"]
        + summary["unresolved"]
        == 60_000
    )
    assert counts(url) == {"batches": 1, "records": 59_940, "rejects": 60}
