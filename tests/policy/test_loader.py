"""The policy directory loads, and broken copies fail with clear messages."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xinyong.cli import app
from xinyong.errors import PolicyError
from xinyong.policy.loader import Policy, load_policy, policy_hash
from xinyong.rules.facts import RecordFacts
from xinyong.rules.windows import windows

runner = CliRunner()


@pytest.fixture
def policy_copy(tmp_path: Path, repo_root: Path) -> Path:
    dest = tmp_path / "policy"
    shutil.copytree(repo_root / "policy", dest)
    return dest


def test_catalog_has_required_items(policy: Policy) -> None:
    required = {
        "xzxk",
        "xzcf",
        "xzqz",
        "yzsxmd",
        "jyycml",
        "sxbzxr",
        "qs",
        "sbqj",
        "xycn",
        "sxjl",
        "xypj",
        "sfpj",
        "htly",
    }
    assert required <= set(policy.catalog)
    assert policy.catalog["xzcf"].field("CF_NR_FK").type == "amount_wan"


def test_regions_include_yuhuan_former_code(policy: Policy) -> None:
    assert policy.region_name("331021") == "玉环市"
    assert len([r for r in policy.regions.regions if r.parent == "331000"]) == 9


def test_the_city_is_the_root_region(policy: Policy) -> None:
    assert policy.city_region == "331000"
    assert policy.regions.city.name == "台州市"


def test_regions_without_exactly_one_city_root_are_refused(policy_copy: Path) -> None:
    path = policy_copy / "regions.yaml"
    path.write_text(path.read_text("utf-8").replace(', parent: "331000"}', "}", 1), "utf-8")
    with pytest.raises(PolicyError, match="有且仅有一个无上级区划的市级区划"):
        load_policy(policy_copy)


def test_regime_in_force_by_date(policy: Policy) -> None:
    def regime(decided: dt.date, domain: str | None = None, channel: str = "xytz") -> str | None:
        facts = RecordFacts(
            catalog_item="xzcf",
            polarity="negative",
            decision_on=decided,
            domain=domain,
            penalty_types=("罚款",),
        )
        return windows(facts, policy)[channel].regime_id

    assert regime(dt.date(2026, 4, 1)) == "ndrc-order-36"
    assert regime(dt.date(2026, 3, 31)) == "ndrc-order-58"
    assert regime(dt.date(2020, 1, 1)) == "ndrc-2019-527"
    assert regime(dt.date(2026, 5, 1), "market_regulation") == "ndrc-order-36"  # this platform
    assert regime(dt.date(2026, 5, 1), "market_regulation", "gsxt") == "samr-order-45"


def test_cli_policy_check_passes(repo_root: Path) -> None:
    result = runner.invoke(app, ["policy", "check", "--dir", str(repo_root / "policy")])
    assert result.exit_code == 0, result.output
    assert "policy_hash=" in result.output


def test_hash_changes_with_content(policy_copy: Path) -> None:
    before = policy_hash(policy_copy)
    (policy_copy / "severity.yaml").write_text(
        (policy_copy / "severity.yaml").read_text("utf-8") + "\n# x\n", "utf-8"
    )
    assert policy_hash(policy_copy) != before


def test_unknown_key_is_refused(policy_copy: Path) -> None:
    path = policy_copy / "retention.yaml"
    path.write_text(path.read_text("utf-8") + "surprise: 1\n", "utf-8")
    with pytest.raises(PolicyError, match=r"retention\.yaml: surprise"):
        load_policy(policy_copy)


def test_duplicate_catalog_id_is_refused(policy_copy: Path) -> None:
    shutil.copy(policy_copy / "catalog" / "xzcf.yaml", policy_copy / "catalog" / "xzcf-copy.yaml")
    with pytest.raises(PolicyError, match="重复"):
        load_policy(policy_copy)


def test_dangling_enum_reference_is_refused(policy_copy: Path) -> None:
    path = policy_copy / "catalog" / "xzcf.yaml"
    path.write_text(path.read_text("utf-8").replace("enum_ref: penalty_type", "enum_ref: nope"), "utf-8")
    with pytest.raises(PolicyError, match="不存在的枚举 nope"):
        load_policy(policy_copy)


def test_overlapping_regimes_are_refused(policy_copy: Path) -> None:
    path = policy_copy / "periods" / "ndrc-order-58.yaml"
    path.write_text(
        path.read_text("utf-8").replace("effective_to: 2026-03-31", "effective_to: 2026-06-30"), "utf-8"
    )
    with pytest.raises(PolicyError, match="生效期重叠"):
        load_policy(policy_copy)


def test_cli_fails_clearly_on_broken_copy(policy_copy: Path) -> None:
    (policy_copy / "regions.yaml").write_text("id: regions\nversion: x\n", "utf-8")
    result = runner.invoke(app, ["policy", "check", "--dir", str(policy_copy)])
    assert result.exit_code != 0
    assert "政策数据校验失败" in result.output
