"""``policy/workflows/`` is validated data; bad references are reported with their file."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from xinyong.errors import PolicyError
from xinyong.kit.dates import add_months
from xinyong.policy.loader import Policy, load_policy
from xinyong.policy_sections import check_sections
from xinyong.repair.workflows import load


def test_repository_workflows_load(policy: Policy) -> None:
    wf = load(policy)
    assert wf.repair.accept_workdays == 1
    assert wf.repair.decide_workdays == 3
    assert wf.objection.decide_workdays == 5
    assert wf.objection.max_workdays == 20
    assert wf.notification.lookback_days == 90
    assert wf.queue.due_soon_days == 1
    assert check_sections(policy)["workflows"] == 4  # repair, objection, notification, queue


def test_bad_reference_is_reported(tmp_path: Path, repo_root: Path) -> None:
    root = tmp_path / "policy"
    shutil.copytree(repo_root / "policy", root)
    path = root / "workflows" / "repair.yaml"
    path.write_text(
        path.read_text("utf-8").replace("notice_items: [xzcf, yzsxmd]", "notice_items: [nope]"), "utf-8"
    )
    with pytest.raises(PolicyError) as err:
        load(load_policy(root))
    assert "workflows/repair.yaml" in err.value.message
    assert "nope" in err.value.message


def test_unknown_key_is_refused(tmp_path: Path, repo_root: Path) -> None:
    root = tmp_path / "policy"
    shutil.copytree(repo_root / "policy", root)
    path = root / "workflows" / "objection.yaml"
    path.write_text(path.read_text("utf-8") + "surprise: 1\n", "utf-8")
    with pytest.raises(PolicyError):
        load(load_policy(root))


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2026, 5, 10), 36, dt.date(2029, 5, 10)),
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
    ],
)
def test_add_months(start: dt.date, months: int, end: dt.date) -> None:
    assert add_months(start, months) == end
