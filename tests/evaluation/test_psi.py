"""PSI readings come from the versioned bands in policy/psi/, validated at load."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tests.conftest import POLICY_DIR
from xinyong.errors import PolicyError
from xinyong.evaluation import service
from xinyong.evaluation.psi import SECTION
from xinyong.policy.loader import Policy, load_policy

ON = dt.date(2026, 10, 31)


def test_readings_follow_the_bands_in_force(policy: Policy) -> None:
    bands = policy.section(SECTION).in_force(ON)
    assert (bands.watch_above, bands.shift_above) == (0.1, 0.25)
    got = service.psi_readings(policy, {"a": 0.05, "b": 0.1, "c": 0.2, "d": 0.3}, ON)
    assert [(r.model, r.level, r.label) for r in got] == [
        ("a", "stable", "稳定"),
        ("b", "stable", "稳定"),
        ("c", "watch", "需关注"),
        ("d", "shift", "分布显著变化"),
    ]


def test_bands_out_of_order_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, root)
    path = root / "psi" / "conventional.yaml"
    path.write_text(path.read_text("utf-8").replace("shift_above: 0.25", "shift_above: 0.05"), "utf-8")
    with pytest.raises(PolicyError, match="watch_above"):
        load_policy(root).section(SECTION)


def test_the_printed_report_reads_psi_by_the_bands_in_policy(policy: Policy, tmp_path: Path) -> None:
    from xinyong.evaluation.cli import report_lines
    from xinyong.evaluation.models import EvaluationRun

    run = EvaluationRun(
        id=2, as_of=dt.date(2026, 10, 31), subjects=1, timings={}, distribution={}, previous_run_id=1
    )
    run.psi = {"tz-enterprise": 0.15}
    assert report_lines(run, policy)[-1] == "PSI（对比批次 1）：tz-enterprise 0.1500（需关注）"
    root = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, root)
    path = root / "psi" / "conventional.yaml"
    path.write_text(path.read_text("utf-8").replace("watch_above: 0.1", "watch_above: 0.2"), "utf-8")
    assert report_lines(run, load_policy(root))[-1].endswith("0.1500（稳定）")
