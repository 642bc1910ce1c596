"""Issue 19 point 6: the 信用户 rating from ``policy/rural/credit-household.yaml`` (pure, no database)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from xinyong.policy.loader import Policy
from xinyong.rural.rating import MemberFacts, rate
from xinyong.rural.rules import RatingScheme, schemes_of

ON = dt.date(2026, 6, 1)


@pytest.fixture
def scheme(policy: Policy) -> RatingScheme:
    found = schemes_of(policy).in_force(ON)
    assert found is not None
    return found


def test_clean_household_with_a_positive_record_is_a_model_household(scheme: RatingScheme) -> None:
    rating = rate(scheme, (MemberFacts(positive_records=1), MemberFacts()))
    assert rating.level_name == "信用示范户"
    assert all(c.met for c in rating.criteria)


def test_clean_household_without_positive_records_is_a_credit_household(scheme: RatingScheme) -> None:
    rating = rate(scheme, (MemberFacts(), MemberFacts()))
    assert rating.level_name == "信用户"
    assert "不符合：家庭成员有表彰、志愿服务等守信记录" in rating.reasons


@pytest.mark.parametrize(
    "bad",
    [
        MemberFacts(serious_lists_in_force=1),
        MemberFacts(negative_records_in_force=1),
        MemberFacts(arrears=2),
        MemberFacts(commitments_broken=1),
    ],
)
def test_one_member_failing_holds_the_whole_household(scheme: RatingScheme, bad: MemberFacts) -> None:
    rating = rate(scheme, (MemberFacts(positive_records=3), bad))
    assert rating.level_name == "暂不评定"
    assert any(r.startswith("不符合") for r in rating.reasons)


def test_household_without_members_is_not_rated(scheme: RatingScheme) -> None:
    assert rate(scheme, ()).level_code == "not_rated"


def test_scheme_is_not_in_force_before_its_effective_date(policy: Policy) -> None:
    assert schemes_of(policy).in_force(dt.date(2025, 12, 31)) is None


def _doc(policy: Policy) -> dict[str, object]:
    data = yaml.safe_load(Path(policy.root / "rural" / "credit-household.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_unknown_keys_and_dangling_criteria_are_refused(policy: Policy) -> None:
    with pytest.raises(ValidationError):
        RatingScheme.model_validate({**_doc(policy), "surprise": 1})
    doc = _doc(policy)
    doc["levels"] = [{"code": "x", "name": "X", "requires": ["no_such_criterion"]}]
    with pytest.raises(ValidationError, match="不存在的条件"):
        RatingScheme.model_validate(doc)
    doc = _doc(policy)
    doc["criteria"] = [{"code": "c", "label": "c", "fact": "arrears"}]
    doc["levels"] = [{"code": "x", "name": "X", "requires": ["c"]}]
    with pytest.raises(ValidationError, match="at_most 或 at_least"):
        RatingScheme.model_validate(doc)
