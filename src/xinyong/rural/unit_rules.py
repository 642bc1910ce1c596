"""信用村（社区）、信用乡镇、信用县 criteria as data (``policy/rural/units/*.yaml``), validated at load.

Each unit is judged on measures of the unit below it (households → villages → townships → county); which
household levels count as 信用户 is named here, the household rating itself is ``rural.rules``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from xinyong.policy.base import Strict, Versioned
from xinyong.policy.loader import Policy, Problems, Section, load_dir
from xinyong.rural.rules import refuse_overlaps, schemes_of

Unit = Literal["village", "township", "county"]
Measure = Literal[
    "credit_household_share",
    "households_without_arrears_share",
    "collective_serious_lists",
    "credit_village_share",
    "credit_township_share",
]
# The measures each unit has facts for (a village has no villages below it; a county no collective).
MEASURES_OF: dict[str, frozenset[str]] = {
    "village": frozenset(
        {"credit_household_share", "households_without_arrears_share", "collective_serious_lists"}
    ),
    "township": frozenset(
        {"credit_household_share", "households_without_arrears_share", "credit_village_share"}
    ),
    "county": frozenset(
        {
            "credit_household_share",
            "households_without_arrears_share",
            "credit_village_share",
            "credit_township_share",
        }
    ),
}


class UnitCriterion(Strict):
    """One condition on a measure of the unit: at least / at most a bound (shares are fractions)."""

    code: str
    label: str
    measure: Measure
    at_least: float | None = Field(default=None, ge=0)
    at_most: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one_bound(self) -> UnitCriterion:
        if (self.at_most is None) == (self.at_least is None):
            raise ValueError(f"{self.code}: 须给出 at_most 或 at_least 之一")
        return self


class UnitLevel(Strict):
    """The title a unit earns when it meets every criterion (a community's or 街道's name where it differs)."""

    unit: Unit
    code: str
    name: str
    community_name: str | None = None
    fallback: str
    criteria: tuple[UnitCriterion, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _measures_of_unit(self) -> UnitLevel:
        wrong = sorted({c.measure for c in self.criteria} - MEASURES_OF[self.unit])
        if wrong:
            raise ValueError(f"{self.code}: {self.unit} 没有这些指标 {wrong}")
        return self


class UnitScheme(Versioned):
    """One version of the unit criteria."""

    name: str
    basis: str
    household_rating: str
    credit_household_levels: tuple[str, ...] = Field(min_length=1)
    units: tuple[UnitLevel, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _each_unit_once(self) -> UnitScheme:
        units = [u.unit for u in self.units]
        if sorted(units) != sorted(set(units)):
            raise ValueError(f"{self.id}: 同一层级的评定重复")
        return self

    def level(self, unit: str) -> UnitLevel | None:
        """Return the criteria for ``unit`` (village, township, county), if the scheme rates it."""
        return next((u for u in self.units if u.unit == unit), None)


class UnitSchemes:
    """All versions; the one in force on a day applies."""

    def __init__(self, schemes: list[UnitScheme]) -> None:
        self.schemes = schemes

    def __len__(self) -> int:
        return len(self.schemes)

    def in_force(self, on: dt.date) -> UnitScheme | None:
        """Return the version in force on ``on``."""
        return next((s for s in self.schemes if s.in_force(on)), None)


def load(policy: Policy) -> UnitSchemes:
    """Load ``policy/rural/units/*.yaml``; refuse overlaps and unknown household ratings or levels."""
    problems = Problems(policy.root)
    directory = policy.root / "rural" / "units"
    schemes = load_dir(directory, UnitScheme, problems)
    households = schemes_of(policy).schemes
    for s in schemes:
        rating = [h for h in households if h.id == s.household_rating]
        if not rating:
            problems.add(directory, f"{s.id}: 信用户评定 {s.household_rating} 不存在")
        known = {lv.code for h in rating for lv in h.levels}
        if rating and not set(s.credit_household_levels) <= known:
            problems.add(
                directory, f"{s.id}: 信用户等级 {sorted(set(s.credit_household_levels) - known)} 不存在"
            )
    refuse_overlaps(problems, directory, schemes)
    problems.raise_if_any()
    return UnitSchemes(schemes)


SECTION = Section("rural_units", load)


def unit_schemes_of(policy: Policy) -> UnitSchemes:
    """Return the loaded unit criteria (memoised on the policy)."""
    return policy.section(SECTION)
