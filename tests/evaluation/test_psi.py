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
