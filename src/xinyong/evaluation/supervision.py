"""分级分类监管 (pure): grades → supervision classes A–D per department, and the 双随机 sample.

Spec §6.3: each department maps evaluation grades to classes with inspection ratios (default A ≤ 5%,
B 5–20%, C 21–60%, D 61–100%) and draws its random inspections by class. A draw is reproducible from
its seed: the same population, policy and seed give the same members and inspectors.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, model_validator

from xinyong.policy.base import Strict, Versioned

CLASS_CODES = ("A", "B", "C", "D")


class SupervisionClass(Strict):
    """A supervision class: the grades in it and its inspection ratio range."""

    code: Literal["A", "B", "C", "D"]
    label: str
    grades: list[str]
    ratio: float = Field(ge=0, le=1)
    ratio_min: float = Field(ge=0, le=1)
    ratio_max: float = Field(ge=0, le=1)
    frequency: str

    @model_validator(mode="after")
    def _ordered(self) -> SupervisionClass:
        if not self.ratio_min <= self.ratio <= self.ratio_max:
            raise ValueError(f"{self.code} 类的抽查比例必须在 [ratio_min, ratio_max] 内")
        return self


class SupervisionRule(Versioned):
    """A department's (or the default) mapping from grades to classes A–D."""

    name: str
    basis: str
    department: str | None = None
    subject_kinds: list[str] = Field(min_length=1)
    unrated_class: Literal["A", "B", "C", "D"]
    classes: list[SupervisionClass]

    @model_validator(mode="after")
    def _classes(self) -> SupervisionRule:
        if tuple(c.code for c in self.classes) != CLASS_CODES:
            raise ValueError(f"{self.id}: 必须依次定义 A、B、C、D 四类")
        grades = [g for c in self.classes for g in c.grades]
        if len(grades) != len(set(grades)):
            raise ValueError(f"{self.id}: 同一等级被映射到多个监管类别")
        return self

    def class_of(self, grade: str | None) -> SupervisionClass:
        """Return the class of a grade (the unrated class when there is no grade)."""
        for c in self.classes:
            if grade is not None and grade in c.grades:
                return c
        return self.by_code(self.unrated_class)

    def by_code(self, code: str) -> SupervisionClass:
        """Return the class with ``code``."""
        return next(c for c in self.classes if c.code == code)


@dataclass(frozen=True)
class SupervisionSet:
    """All supervision rules: a department's own, else the default."""

    rules: tuple[SupervisionRule, ...]

    def __len__(self) -> int:
        return len(self.rules)

    def for_department(self, code: str, on: dt.date) -> SupervisionRule | None:
        """Return the rule in force on ``on`` for a department (its own first, then the default)."""
        own = [r for r in self.rules if r.department == code and r.in_force(on)]
        default = [r for r in self.rules if r.department is None and r.in_force(on)]
        found = own or default
        return found[0] if found else None

    def default(self, on: dt.date) -> SupervisionRule | None:
        """Return the default rule (no department) in force on ``on``, or ``None``."""
        return next((r for r in self.rules if r.department is None and r.in_force(on)), None)


def allocate(rule: SupervisionRule, population: dict[str, int], size: int) -> dict[str, int]:
    """Split ``size`` inspections over classes: each within its ratio range, the rest by its ratio.

    Every class first gets its minimum (``ceil(pop × ratio_min)``, binding even when that exceeds ``size``
    or, in a tiny class, its maximum); the remainder goes out in proportion to ``pop × ratio``, never past
    ``floor(pop × ratio_max)``, higher-risk classes first on ties.
    """
    lo: dict[str, int] = {
        c.code: math.ceil(population.get(c.code, 0) * c.ratio_min - 1e-9) for c in rule.classes
    }
    hi: dict[str, int] = {
        c.code: max(lo[c.code], math.floor(population.get(c.code, 0) * c.ratio_max + 1e-9))
        for c in rule.classes
    }
    weight: dict[str, float] = {c.code: population.get(c.code, 0) * c.ratio for c in rule.classes}
    alloc: dict[str, int] = dict(lo)
    remaining = size - sum(lo.values())
    while remaining > 0:
        open_ = [k for k in reversed(CLASS_CODES) if alloc[k] < hi[k]]
        if not open_:
            break
        w = {k: weight[k] for k in open_} if any(weight[k] for k in open_) else dict.fromkeys(open_, 1.0)
        total = sum(w.values())
        shares = {k: remaining * w[k] / total for k in open_}
        given = 0
        for k in open_:
            add = min(int(shares[k]), hi[k] - alloc[k])
            alloc[k] += add
            given += add
        if given == 0:
            best = max(open_, key=lambda k: (shares[k] - int(shares[k]), CLASS_CODES.index(k)))
            alloc[best] += 1
            given = 1
        remaining -= given
    return alloc


def draw_members(members: dict[str, list[int]], alloc: dict[str, int], seed: int) -> dict[str, list[int]]:
    """Draw ``alloc[class]`` subjects from each class at random, reproducibly from ``seed``."""
    out = {}
    for code in CLASS_CODES:
        pool = sorted(members.get(code, []))
        rng = random.Random(f"{seed}:{code}")  # noqa: S311 - reproducible sampling, not security
        out[code] = sorted(rng.sample(pool, min(alloc.get(code, 0), len(pool))))
    return out


def assign_inspectors(subject_ids: list[int], inspectors: list[str], seed: int) -> dict[int, str | None]:
    """Assign each drawn subject a random inspector (the second 随机), reproducibly from ``seed``."""
    if not inspectors:
        return dict.fromkeys(subject_ids)
    pool = sorted(inspectors)
    rng = random.Random(f"{seed}:inspectors")  # noqa: S311 - reproducible assignment, not security
    return {sid: rng.choice(pool) for sid in sorted(subject_ids)}


def members_hash(drawn: dict[str, list[int]]) -> str:
    """Return a digest of the drawn members, to show later that a stored draw was not altered."""
    text = ";".join(f"{code}:{','.join(map(str, ids))}" for code, ids in sorted(drawn.items()))
    return hashlib.sha256(text.encode()).hexdigest()
