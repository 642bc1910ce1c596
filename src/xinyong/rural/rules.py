"""The 信用户 rating as data (``policy/rural/credit-household.yaml``): criteria over the members' facts, levels.

One definition, read by the rural file and (later) by the indices work; validated at load.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from xinyong.policy.base import Strict, Versioned
from xinyong.policy.loader import Policy, Problems, Section, load_dir

# The member facts a criterion may count (gathered by ``rural.service``, summed over the household).
Fact = Literal[
    "serious_lists_in_force", "negative_records_in_force", "arrears", "commitments_broken", "positive_records"
]


class Criterion(Strict):
    """One condition: the household's total of ``fact`` is at most / at least a bound."""

    code: str
    label: str
    fact: Fact
    at_most: int | None = Field(default=None, ge=0)
    at_least: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one_bound(self) -> Criterion:
        if (self.at_most is None) == (self.at_least is None):
            raise ValueError(f"{self.code}: 须给出 at_most 或 at_least 之一")
        return self


class Level(Strict):
    """A rating level and the criteria it requires (all of them)."""

    code: str
    name: str
    requires: tuple[str, ...] = Field(min_length=1)


class Fallback(Strict):
    """What a household meeting no level gets (not a sanction: 暂不评定)."""

    code: str
    name: str


class RatingScheme(Versioned):
    """One version of the 信用户 rating; levels are listed best first."""

    name: str
    basis: str
    arrears_items: tuple[str, ...] = Field(min_length=1)  # catalog items counted as ``arrears``
    criteria: tuple[Criterion, ...] = Field(min_length=1)
    levels: tuple[Level, ...] = Field(min_length=1)
    fallback: Fallback

    @model_validator(mode="after")
    def _references(self) -> RatingScheme:
        codes = [c.code for c in self.criteria]
        if len(set(codes)) != len(codes):
            raise ValueError(f"{self.id}: 评定条件编码重复")
        for level in self.levels:
            unknown = set(level.requires) - set(codes)
            if unknown:
                raise ValueError(f"{self.id}: 等级 {level.code} 引用了不存在的条件 {sorted(unknown)}")
        return self


class RatingSchemes:
    """All versions of the rating; the one in force on a day is the one to apply."""

    def __init__(self, schemes: list[RatingScheme]) -> None:
        self.schemes = schemes

    def __len__(self) -> int:
        return len(self.schemes)

    def in_force(self, on: dt.date) -> RatingScheme | None:
        """Return the version in force on ``on``."""
        return next((s for s in self.schemes if s.in_force(on)), None)


def load(policy: Policy) -> RatingSchemes:
    """Load ``policy/rural/*.yaml``; refuse overlapping versions of the same rating."""
    problems = Problems(policy.root)
    schemes = load_dir(policy.root / "rural", RatingScheme, problems)
    for scheme in schemes:
        unknown = sorted(set(scheme.arrears_items) - set(policy.catalog))
        if unknown:
            problems.add(policy.root / "rural", f"评定 {scheme.id} 的欠款目录项不存在：{unknown}")
    refuse_overlaps(problems, policy.root / "rural", schemes)
    problems.raise_if_any()
    return RatingSchemes(schemes)


def refuse_overlaps(problems: Problems, where: Path, docs: Sequence[Versioned]) -> None:
    """Record a problem for every two versions of the same rating in force on a common day."""
    for i, a in enumerate(docs):
        for b in docs[i + 1 :]:
            if a.id == b.id and a.overlaps(b):
                problems.add(where, f"评定 {a.id} 的版本 {a.version} 与 {b.version} 生效期重叠")


SECTION = Section("rural", load)


def schemes_of(policy: Policy) -> RatingSchemes:
    """Return the loaded rating schemes (memoised on the policy)."""
    return policy.section(SECTION)
