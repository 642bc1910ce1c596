"""``xinyong indices compute --period … --json`` and ``xinyong indices import FILE --index ID`` end to end."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from tests.factories import ingest as fx
from xinyong.departments import service as departments_service
from xinyong.migrate import upgrade
from xinyong.policy.loader import Policy


def test_compute_and_import_from_the_command_line(tmp_path: Path, policy: Policy) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    upgrade(url)
    engine = create_engine(url)
    with Session(engine) as session:
        departments_service.sync_from_policy(session, policy, actor="test", on=dt.date(2026, 1, 1))
        session.commit()
    engine.dispose()
    env = fx.cli_env(url, tmp_path / "var")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "统计期,单位编码,指标编码,数值\n2026-11,331081,arrears_cleared,101\n2026-11,0,x,1\n", "utf-8"
    )
    refused = fx.run_cli(["indices", "import", str(bad), "--index", "gov-integrity-county", "--json"], env)
    assert refused.returncode == 1
    assert "第 2 行" in refused.stderr
    assert "第 3 行" in refused.stderr
    assert json.loads(refused.stdout.strip().splitlines()[-1])["stored"] == 0
    good = tmp_path / "good.csv"
    good.write_text("统计期,单位编码,指标编码,数值\n2026-11,331081,arrears_cleared,90\n", "utf-8")
    done = fx.run_cli(["indices", "import", str(good), "--index", "gov-integrity-county"], env)
    assert done.returncode == 0, done.stderr
    run = fx.run_cli(["indices", "compute", "--period", "2026Q4", "--json"], env)
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    assert summary["period"] == "2026Q4"
    assert summary["indices"]["gov-integrity-county"] == ["2026-10", "2026-11", "2026-12"]
    assert summary["policy_hash"] == policy.hash
    assert summary["units"] > 0
    assert summary["run_id"].startswith("IX")
    wrong = fx.run_cli(["indices", "compute", "--period", "2026Q9"], env)
    assert wrong.returncode == 2
    assert "统计期" in wrong.stderr
