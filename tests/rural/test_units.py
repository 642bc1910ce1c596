"""Issue 21 point 3: 信用村（社区）、信用乡镇、信用县 from ``policy/rural/units/`` (pure, no database)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from xinyong.errors import PolicyError
from xinyong.policy.loader import Policy, load_policy
from xinyong.rural.unit_rules import UnitScheme, unit_schemes_of
from xinyong.rural.units import HouseholdUnit, VillageUnit, higher_results, village_results

ON = dt.date(2026, 6, 1)
UNITS = Path("rural") / "units" / "credit-units.yaml"


@pytest.fixture
def scheme(policy: Policy) -> UnitScheme:
    found = unit_schemes_of(policy).in_force(ON)
    assert found is not None
    return found


def _village(sid: int, town: str = "东塍镇", *, listed: int = 0, community: bool = False) -> VillageUnit:
    return VillageUnit(sid, f"村{sid}", town, "331082", community, listed)


def _homes(village: int, credit: int, other: int, arrears: int = 0) -> list[HouseholdUnit]:
    homes = [HouseholdUnit(village * 100 + i, village, True, False) for i in range(credit)]
    homes += [HouseholdUnit(village * 100 + 50 + i, village, False, i < arrears) for i in range(other)]
    return homes


def test_a_village_needs_seven_in_ten_credit_households_and_a_clean_collective(scheme: UnitScheme) -> None:
    villages = [_village(1), _village(2), _village(3, listed=1), _village(4, community=True)]
    homes = _homes(1, 7, 3) + _homes(2, 6, 4) + _homes(3, 10, 0) + _homes(4, 3, 0)
    results = {r.subject_id: r for r in village_results(scheme, villages, homes)}
    assert results[1].met
    assert results[1].title == "信用村"
    assert not results[2].met
    assert results[2].title == "暂未达标"
    assert "不符合：信用户占本村农户的比例不低于 70%" in results[2].reasons
    assert not results[3].met  # its collective is on a serious list
    assert results[4].title == "信用社区"


def test_townships_and_counties_count_the_villages_below(scheme: UnitScheme) -> None:
    villages = [_village(1), _village(2), _village(3, "汛桥镇")]
    homes = _homes(1, 10, 0) + _homes(2, 2, 8, arrears=1) + _homes(3, 9, 1)
    below = village_results(scheme, villages, homes)
    results = {r.key: r for r in higher_results(scheme, below, {"331082": "临海市"})}
    town = results["331082:东塍镇"]
    assert town.counts.villages == 2
    assert town.counts.credit_villages == 1
    assert town.met  # 1 of 2 villages (50 %), 19 of 20 households without arrears (95 %)
    county = results["331082"]
    assert county.name == "临海市"
    assert county.counts.credit_villages == 2
    assert county.counts.townships == 2
    assert county.met  # 2 of 3 villages (66.7 %) ≥ 60 %


def test_a_threshold_is_policy(scheme: UnitScheme) -> None:
    villages, homes = [_village(1)], _homes(1, 7, 3)
    assert village_results(scheme, villages, homes)[0].met
    data = scheme.model_dump()
    data["units"][0]["criteria"][0]["at_least"] = 0.8
    stricter = UnitScheme.model_validate(data)
    assert not village_results(stricter, villages, homes)[0].met


def test_bad_criteria_are_refused_at_load(policy: Policy, tmp_path: Path) -> None:
    data = yaml.safe_load((policy.root / UNITS).read_text("utf-8"))
    wrong_measure = {**data, "units": [{**data["units"][0], "unit": "county"}]}
    with pytest.raises(ValidationError, match="没有这些指标"):
        UnitScheme.model_validate(wrong_measure)
    with pytest.raises(ValidationError):
        UnitScheme.model_validate({**data, "surprise": 1})
    root = tmp_path / "policy"
    shutil.copytree(policy.root, root)
    (root / UNITS).write_text(
        yaml.safe_dump({**data, "credit_household_levels": ["no_such_level"]}, allow_unicode=True), "utf-8"
    )
    with pytest.raises(PolicyError, match="信用户等级"):
        unit_schemes_of(load_policy(root))
