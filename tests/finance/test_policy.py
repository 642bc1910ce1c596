"""信易贷 and 信易+ policy: ``xinyong policy check`` refuses a bad reference (institution, model, grade)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xinyong.cli import app

runner = CliRunner()


@pytest.fixture
def policy_copy(tmp_path: Path, repo_root: Path) -> Path:
    dest = tmp_path / "policy"
    shutil.copytree(repo_root / "policy", dest)
    return dest


def _check(root: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["policy", "check", "--dir", str(root)])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("path", "old", "new", "message"),
    [
        (
            "finance/products.yaml",
            "institution: BK-TLYH",
            "institution: BK-NOSUCH",
            "BK-NOSUCH 不在机构名录中",
        ),
        (
            "finance/products.yaml",
            "model: tz-enterprise, min_grade: 良好",
            "model: tz-nosuch, min_grade: 良好",
            "tz-nosuch",
        ),
        ("finance/products.yaml", "min_grade: 中等", "min_grade: 信用良好", "没有等级 信用良好"),
        ("finance/products.yaml", 'regions: ["331081"]', 'regions: ["339999"]', "339999"),
        ("finance/subsidies.yaml", "fee_rate: 0.0075", "fee_rate: 0.0075\n    surprise: 1", "surprise"),
        ("scenes/xinyiyue.yaml", "provider: SP-TZTSG", "provider: SP-NOSUCH", "SP-NOSUCH"),
        (
            "scenes/xinyiyue.yaml",
            "model: tz-natural-person",
            "model: tz-enterprise",
            "个人场景只能用自然人模型",
        ),
    ],
)
def test_bad_references_fail_policy_check(
    policy_copy: Path, path: str, old: str, new: str, message: str
) -> None:
    target = policy_copy / path
    text = target.read_text("utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), "utf-8")
    code, output = _check(policy_copy)
    assert code != 0
    assert message in output


def test_shipped_policy_passes(repo_root: Path) -> None:
    code, output = _check(repo_root / "policy")
    assert code == 0, output
