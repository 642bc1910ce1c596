"""A proposal folder makes a policy tree loaded and checked like ``policy/``; an invalid one lists every problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import POLICY_DIR
from tests.simulation.helpers import edited, proposal
from xinyong.cli import app as cli_app
from xinyong.errors import PolicyError
from xinyong.evaluation.service import models_of
from xinyong.policy.loader import load_policy
from xinyong.policy_sections import check_sections
from xinyong.simulation.proposal import proposed_policy, read_manifest, shipped

BANDS = ("  min_score: 755", "  min_score: 770")


def test_an_overlay_replaces_only_its_files(tmp_path: Path) -> None:
    folder = proposal(
        tmp_path / "p", {"models/tz-enterprise.yaml": edited("models/tz-enterprise.yaml", BANDS)}
    )
    current = load_policy(POLICY_DIR)
    with proposed_policy(POLICY_DIR, read_manifest(folder), check_sections) as policy:
        model = models_of(policy).for_kind("企业法人", dt.date(2026, 12, 1))
        assert model is not None
        assert [b.min_score for b in model.grades] == [875, 770, 600, 0]
        assert policy.hash != current.hash
        assert policy.catalog == current.catalog  # the rest is the tree in force
        root = policy.root
    assert not root.exists()  # the tree lived only for the block
    assert load_policy(POLICY_DIR).hash == current.hash  # the policy in force is untouched


def test_an_invalid_proposal_lists_every_problem_in_chinese(tmp_path: Path) -> None:
    broken_model = edited(
        "models/tz-enterprise.yaml",
        ("scale: 1000", "scale: 1000\nweights_2027: true"),  # an unknown key
        ("- grade: 中等\n  min_score: 600", "- grade: 中等\n  min_score: abc"),  # not a number
    )
    broken_period = edited(
        "periods/ndrc-order-36.yaml", ("scope: {catalog_items: [xzcf]}", "scope: {catalog_items: [nope]}")
    )
    folder = proposal(
        tmp_path / "p",
        {"models/tz-enterprise.yaml": broken_model, "periods/ndrc-order-36.yaml": broken_period},
        remove=["models/no-such-model.yaml"],
    )
    with (
        pytest.raises(PolicyError) as caught,
        proposed_policy(POLICY_DIR, read_manifest(folder), check_sections),
    ):
        pass
    problems = caught.value.detail["problems"]
    assert caught.value.code == "simulation.proposal_invalid"
    assert any("no-such-model.yaml" in p for p in problems)
    # every problem, not the first: the build problem is reported before loading, so run without it
    folder = proposal(
        tmp_path / "q",
        {"models/tz-enterprise.yaml": broken_model, "periods/ndrc-order-36.yaml": broken_period},
    )
    with (
        pytest.raises(PolicyError) as caught,
        proposed_policy(POLICY_DIR, read_manifest(folder), check_sections),
    ):
        pass
    problems = caught.value.detail["problems"]
    assert any("periods/ndrc-order-36.yaml" in p and "nope" in p for p in problems)
    with (
        pytest.raises(PolicyError) as model_caught,
        proposed_policy(
            POLICY_DIR,
            read_manifest(proposal(tmp_path / "r", {"models/tz-enterprise.yaml": broken_model})),
            check_sections,
        ),
    ):
        pass
    model_problems = model_caught.value.detail["problems"]
    assert any("weights_2027" in p and "不允许的字段" in p for p in model_problems)
    assert any("min_score" in p and "应为整数" in p for p in model_problems)
    assert not any("Extra inputs" in p or "Input should" in p for p in model_problems)


def test_a_manifest_is_required_and_checked(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(PolicyError, match="缺少提案说明文件"):
        read_manifest(tmp_path / "empty")
    folder = proposal(tmp_path / "bad", {}, mode="partial", surprise=1)
    with pytest.raises(PolicyError) as caught:
        read_manifest(folder)
    text = "\n".join(caught.value.detail["problems"])
    assert "mode" in text
    assert "不在允许的取值范围内" in text
    assert "surprise" in text
    assert "不允许的字段" in text
    assert [p.manifest.id for p in shipped(tmp_path)] == []


def test_the_shipped_proposal_is_valid() -> None:
    found = shipped(POLICY_DIR.parent / "policy-proposals")
    assert "2027-model" in [p.manifest.id for p in found]
    for p in found:
        with proposed_policy(POLICY_DIR, p, check_sections) as policy:
            assert policy.hash


def test_the_command_refuses_an_invalid_proposal_with_its_problems(tmp_path: Path) -> None:
    broken = edited("models/tz-enterprise.yaml", ("scale: 1000", "scale: 1000\nweights_2027: true"))
    folder = proposal(tmp_path / "p", {"models/tz-enterprise.yaml": broken})
    result = CliRunner().invoke(cli_app, ["policy", "simulate", "--proposed", str(folder)])
    assert result.exit_code != 0
    assert "政策数据校验失败" in result.output
    assert "weights_2027" in result.output
