"""The measures section: every measure complete, cross references checked, bad files refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from xinyong.errors import PolicyError
from xinyong.policy.loader import Policy, load_policy
from xinyong.policy_sections import check_sections
from xinyong.sanctions.rules import measures_of
from xinyong.settings import ROOT


def test_measures_are_complete(policy: Policy) -> None:
    m = measures_of(policy)
    assert {"national-2024", "zhejiang-art23", "zhejiang-art26", "taizhou-rewards"} == {
        c.list_id for c in m.by_id.values()
    }
    for cm in m.by_id.values():
        assert cm.measure.basis
        assert cm.measure.implementing_bodies
        assert cm.measure.scenarios
        if cm.measure.kind == "punish":
            assert cm.measure.measure_class in (1, 2, 3)
    classes = {cm.measure.measure_class for cm in m.by_id.values() if cm.list_id == "national-2024"}
    assert classes == {1, 2, 3}
    assert len([c for c in m.by_id.values() if c.list_id == "zhejiang-art26"]) == 8
    assert {"rw.rongque", "rw.green-channel", "rw.priority"} <= set(m.by_id)
    assert m.scenario("行政审批") == m.scenario("administrative_licensing") == "administrative_licensing"
    assert check_sections(policy)["measures"] == len(m.by_id)


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "policy"
    shutil.copytree(ROOT / "policy", root)
    return root


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("scenarios: [政府采购, 公共资源交易]", "scenarios: [政府采购, 买菜]", "买菜"),
        ("catalog_items: [yzsxmd, sxbzxr], label", "catalog_items: [yzsxmd, nope], label", "nope"),
        ("catalog_items: [yzsxmd, sxbzxr], label", "catalog_items: [xzcf], label", "不是名单"),
        (
            "    mandatory: true\n  - id: nat.1.bidding",
            "    mandatory: true\n    colour: red\n  - id: nat.1.bidding",
            "colour",
        ),
        ("  - id: nat.1.bidding", "  - id: nat.1.procurement", "重复"),
    ],
)
def test_bad_measures_are_refused(tmp_path: Path, old: str, new: str, message: str) -> None:
    root = _copy(tmp_path)
    path = root / "measures" / "lists" / "national-2024.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    with pytest.raises(PolicyError) as err:
        measures_of(load_policy(root))
    assert message in err.value.message


def test_minor_severity_cannot_be_a_trigger(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "measures" / "lists" / "zhejiang-art23.yaml"
    path.write_text(
        path.read_text("utf-8").replace("severities: [一般, 严重]", "severities: [轻微, 一般]"), "utf-8"
    )
    with pytest.raises(PolicyError):
        measures_of(load_policy(root))


ORG_MODELS = "[tz-enterprise, tz-individual-business, tz-social-organisation, tz-public-institution]"


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        # a grade means nothing without its model's scale
        ("national-2024", f"models: {ORG_MODELS}, grades: [较差]", "grades: [较差]", "models"),
        (
            "national-2024",
            f"models: {ORG_MODELS}, grades: [较差]",
            "models: [tz-nope], grades: [较差]",
            "tz-nope",
        ),
        (
            "national-2024",
            f"models: {ORG_MODELS}, grades: [较差]",
            "models: [tz-natural-person], grades: [较差]",
            "不在评价模型 tz-natural-person 的等级表中",
        ),
        (
            "national-2024",
            f"models: {ORG_MODELS}, grades: [较差]",
            "models: [tz-natural-person], grades: [信用待提高]",
            "不得以仅用于正向激励的评价模型 tz-natural-person",
        ),
        (
            "taizhou-rewards",
            "{kind: grade, models: *org, grades: [优秀]}",
            "{kind: grade, models: [tz-natural-person], grades: [优秀]}",
            "等级 优秀 不在评价模型 tz-natural-person 的等级表中",
        ),
        # a punishment rests on negative records only; an honour is positive information
        (
            "national-2024",
            "{kind: list, catalog_items: [yzsxmd, sxbzxr], label",
            "{kind: record, polarity: positive, catalog_items: [sxjl], label",
            "惩戒措施 nat.1.procurement 只能由不良记录触发",
        ),
        (
            "taizhou-rewards",
            "{kind: record, polarity: positive, catalog_items: [sxjl], label",
            "{kind: record, catalog_items: [sxjl], label",
            "是正面信息，不能作为不良记录触发条件",
        ),
        (
            "taizhou-rewards",
            "{kind: record, polarity: positive, catalog_items: [sxjl], label",
            "{kind: record, polarity: positive, catalog_items: [xycn], label",
            "不是正面信息",
        ),
    ],
)
def test_triggers_the_law_does_not_allow_are_refused(
    tmp_path: Path, file: str, old: str, new: str, message: str
) -> None:
    root = _copy(tmp_path)
    path = root / "measures" / "lists" / f"{file}.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    with pytest.raises(PolicyError) as err:
        measures_of(load_policy(root))
    assert message in err.value.message


def test_a_record_trigger_fires_from_general_up_unless_it_names_severities() -> None:
    from xinyong.sanctions.rules import Trigger

    assert Trigger(kind="record", catalog_items=["xzcf"]).wanted_severities == ["一般", "严重"]
    assert Trigger(kind="record", catalog_items=["xzcf"], severities=["严重"]).wanted_severities == ["严重"]
