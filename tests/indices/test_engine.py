"""Issue 21 point 6 (pure): each score rule gives the documented points; ranks; a weight change in a tmp
policy tree changes the result and the policy hash."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from xinyong.errors import Invalid
from xinyong.indices.engine import FactValue, points_of, score
from xinyong.indices.periods import parse
from xinyong.indices.spec import IndexDef, Indicator, indices_of
from xinyong.policy.loader import Policy, load_policy


def _ind(kind: str, points: float = 10, per: float | None = None, missing: str = "zero") -> Indicator:
    score_rule: dict[str, object] = {"kind": kind} | ({"per": per} if per else {})
    return Indicator.model_validate(
        {
            "code": "x",
            "name": "x",
            "group": "g",
            "points": points,
            "fact": "f",
            "score": score_rule,
            "missing": missing,
        }
    )


@pytest.mark.parametrize(
    ("kind", "per", "value", "points"),
    [
        ("rate", None, 0.85, 8.5),
        ("rate", None, 1.4, 10.0),
        ("inverse_rate", None, 0.02, 9.8),
        ("percent", None, 75, 7.5),
        ("deduct", 3, 2, 4.0),
        ("deduct", 3, 5, 0.0),
        ("at_least", 4, 2, 5.0),
        ("at_least", 4, 9, 10.0),
    ],
)
def test_score_rules_give_the_documented_points(
    kind: str, per: float | None, value: float, points: float
) -> None:
    assert points_of(_ind(kind, per=per), value) == points


def test_a_missing_value_earns_full_or_no_points_as_the_policy_says() -> None:
    assert points_of(_ind("rate", missing="full"), None) == 10
    assert points_of(_ind("rate"), None) == 0


def test_county_index_from_hand_built_facts(policy: Policy) -> None:
    index = indices_of(policy).in_force("gov-integrity-county", parse("2026-10").end)
    assert index is not None
    units = [("331081", "温岭市", "331081"), ("331082", "临海市", "331082"), ("331083", "玉环市", "331083")]
    facts = {
        "331081": {"gov_dishonest": FactValue(2, ("record:1", "record:2")), "timely_rate": FactValue(0.9)},
        "331082": {"judgment_debtor": FactValue(1, ("record:3",)), "feedback_rate": FactValue(0.5)},
    }
    imports = {"331081": {"arrears_cleared": FactValue(80, ("import:IM1:2",))}}
    got = {s.unit_key: s for s in score(index, "county", units, facts, imports)}
    # 温岭: 20−2×5 + 15 + 10 + 80%×10 + 90%×15 + 10 + 10 + 10 = 10+15+10+8+13.5+10+10+10
    assert got["331081"].total == 86.5
    # 临海: 20 + 15−15 + 10 + 0 (清欠未导入) + 15 + 10 + 50%×10 + 10
    assert got["331082"].total == 70.0
    # 玉环: everything missing counts full but 清欠 (not imported): 90
    assert got["331083"].total == 90.0
    assert [got[k].rank for k in ("331083", "331081", "331082")] == [1, 2, 3]
    assert got["331081"].grade == "good"
    assert got["331082"].grade == "fair"
    dishonest = next(i for i in got["331081"].indicators if i.code == "gov_dishonest")
    assert dishonest.evidence == ("record:1", "record:2")
    assert dishonest.points == 10


def test_equal_totals_share_a_rank(policy: Policy) -> None:
    index = indices_of(policy).in_force("gov-integrity-county", parse("2026-10").end)
    assert index is not None
    units = [("a", "甲", None), ("b", "乙", None), ("c", "丙", None)]
    facts = {"c": {"gov_dishonest": FactValue(1)}}
    assert [(s.unit_key, s.rank) for s in score(index, "county", units, facts, {})] == [
        ("a", 1),
        ("b", 1),
        ("c", 3),
    ]


def test_a_weight_change_in_policy_changes_the_result_and_the_hash(policy: Policy, tmp_path: Path) -> None:
    tree = tmp_path / "policy"
    shutil.copytree(policy.root, tree)
    path = tree / "indices" / "gov-integrity-county.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    next(i for i in doc["indicators"] if i["code"] == "gov_dishonest")["points"] = 30
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    changed = load_policy(tree)
    assert changed.hash != policy.hash
    units = [("331081", "温岭市", "331081")]
    facts = {"331081": {"gov_dishonest": FactValue(1)}}

    def total(p: Policy) -> float:
        index = indices_of(p).in_force("gov-integrity-county", parse("2026-10").end)
        assert isinstance(index, IndexDef)
        return score(index, "county", units, facts, {})[0].total

    assert total(policy) == 85.0  # 20−5 + 70 (清欠 not imported)
    assert total(changed) == 95.0  # 30−5 + 70


def test_shipped_indices_weigh_100_points_and_the_city_frame_follows_its_source(policy: Policy) -> None:
    defs = indices_of(policy)
    for index_id in defs.ids():
        index = defs.latest(index_id)
        assert index is not None, index_id
        assert index.full_marks == 100, index_id
    city = defs.latest("city-monitoring")
    assert city is not None
    assert city.target is not None
    assert city.target.value == 88.0
    groups: dict[str, float] = {}
    for ind in city.indicators:
        groups[ind.group] = groups.get(ind.group, 0) + ind.points
    assert groups == {"信用制度和基础建设": 20, "营商环境": 21, "信用监管": 43, "权益保护": 16}


def test_an_indicator_needs_exactly_one_origin() -> None:
    with pytest.raises(ValueError, match="fact"):
        Indicator.model_validate(
            {
                "code": "x",
                "name": "x",
                "group": "g",
                "points": 5,
                "fact": "f",
                "imported": True,
                "score": {"kind": "rate"},
            }
        )


def test_periods_parse_split_and_step_back() -> None:
    q4 = parse("2026q4")
    assert (q4.label, q4.start.isoformat(), q4.end.isoformat()) == ("2026Q4", "2026-10-01", "2026-12-31")
    assert [m.label for m in q4.months()] == ["2026-10", "2026-11", "2026-12"]
    assert [q.label for q in parse("2026").quarters()] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    assert parse("2026-01").previous().label == "2025-12"
    assert q4.previous().label == "2026Q3"
    assert parse("2026-10").quarters() == []


@pytest.mark.parametrize("bad", ["2026-13", "2026Q5", "26-10", "", "2026-1", "0000-01", "9999-12", "0001Q1"])
def test_a_bad_period_is_refused_in_chinese(bad: str) -> None:
    with pytest.raises(Invalid, match="统计期"):
        parse(bad)
