"""``xinyong report CODE …`` and ``xinyong report batch CODES.csv …`` on a real database file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.factories import records as fr
from tests.factories import subjects as fs
from tests.fixtures.migrated import migrated_sqlite
from xinyong.cli import app
from xinyong.db import make_engine, make_sessionmaker, session_scope
from xinyong.keys import keyring
from xinyong.policy.loader import load_policy
from xinyong.settings import ROOT, Settings


@pytest.fixture
def codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    url = migrated_sqlite(tmp_path / "r.sqlite3")
    monkeypatch.setenv("XINYONG_DATABASE_URL", url)
    monkeypatch.setenv("XINYONG_VAR_DIR", str(tmp_path))
    settings = Settings(database_url=url, var_dir=tmp_path)
    policy = load_policy(ROOT / "policy")
    engine = make_engine(settings)
    out = []
    with session_scope(make_sessionmaker(engine)) as session:
        dept = fs.department(session, "TZ-SCJG")
        for i in range(3):
            company = fs.enterprise(session, keyring(settings), name=f"台州市测试{i}号有限公司")
            fr.record(session, policy, company, dept)
            out.append(company.uscc or "")
    engine.dispose()
    return out


def test_single_report(codes: list[str], tmp_path: Path) -> None:
    target = tmp_path / "out" / "r.pdf"
    result = CliRunner().invoke(
        app,
        [
            "report",
            codes[0],
            "--kind",
            "special",
            "--domains",
            "市场监管,税务",
            "--from",
            "2026-01-01",
            "--to",
            "2026-06-30",
            "--out",
            str(target),
        ],
    )
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF")
    report = json.loads(target.with_suffix(".json").read_bytes())["report"]
    assert [d["name"] for d in report["special"]["domains"]] == ["市场监管", "税务"]
    assert report["number"] in result.output


def test_batch_reports_and_bad_codes(codes: list[str], tmp_path: Path) -> None:
    listing = tmp_path / "codes.csv"
    listing.write_text("code\n" + "\n".join([*codes, "91331000000000000X"]) + "\n", encoding="utf-8")
    out = tmp_path / "batch"
    result = CliRunner().invoke(app, ["report", "batch", str(listing), "--kind", "full", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "已出具 3 份，失败 1 份" in result.output
    rows = list(csv.reader((out / "index.csv").open(encoding="utf-8")))
    assert [r[0] for r in rows[1:4]] == codes
    assert len(list(out.glob("*.pdf"))) == 3
    assert len(list(out.glob("*.json"))) == 3
    assert rows[4][0] == "91331000000000000X"
    assert rows[4][2].startswith("[subject.not_found]")


def test_corrections_command_runs(codes: list[str]) -> None:
    result = CliRunner().invoke(app, ["report", "corrections"])
    assert result.exit_code == 0, result.output
    assert "已检查 0 条" in result.output
