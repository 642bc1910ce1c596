"""How a PSI (population stability index) between two evaluation runs is read: stable, watch or shift.

The bands are policy (``policy/psi/*.yaml``, versioned); the console shows each model's reading.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pydantic import model_validator

from xinyong.policy.base import Versioned
from xinyong.policy.loader import Policy, Problems, Section, load_dir

Level = Literal["stable", "watch", "shift"]
LABELS: dict[Level, str] = {"stable": "稳定", "watch": "需关注", "shift": "分布显著变化"}


class PsiBands(Versioned):
    """PSI above ``watch_above`` needs watching; above ``shift_above`` the distribution has shifted."""

    basis: str
    watch_above: float
    shift_above: float

    @model_validator(mode="after")
    def _ordered(self) -> PsiBands:
        if not 0 < self.watch_above < self.shift_above:
            raise ValueError(f"{self.id}: 须 0 < watch_above < shift_above")
        return self

    def level(self, value: float) -> Level:
        """Return the reading of a PSI value."""
        return "shift" if value > self.shift_above else "watch" if value > self.watch_above else "stable"


@dataclass(frozen=True)
class PsiBandSet:
    bands: tuple[PsiBands, ...]

    def __len__(self) -> int:
        return len(self.bands)

    def in_force(self, on: dt.date) -> PsiBands:
        """Return the bands in force on ``on`` (the loader guarantees exactly one from the first)."""
        found = [b for b in self.bands if b.in_force(on)]
        if not found:
            raise LookupError(f"{on} 没有生效的 PSI 判读区间")
        return found[0]


def load_psi(policy: Policy) -> PsiBandSet:
    """Load ``policy/psi/*.yaml``; refuse an empty set and overlapping versions."""
    problems = Problems(policy.root)
    bands = load_dir(policy.root / "psi", PsiBands, problems)
    if not bands:
        problems.add("psi/", "没有 PSI 判读区间")
    for i, a in enumerate(bands):
        for b in bands[i + 1 :]:
            if a.overlaps(b):
                problems.add("psi/", f"PSI 判读区间 {a.id} 与 {b.id} 的生效期重叠")
    problems.raise_if_any()
    return PsiBandSet(tuple(bands))


SECTION = Section("psi", load_psi)


@dataclass(frozen=True)
class PsiReading:
    """A model's PSI against the previous run and how it reads."""

    model: str
    value: float
    level: Level
    label: str


def readings(policy: Policy, psi: dict[str, float], on: dt.date) -> list[PsiReading]:
    """Return each model's PSI with its reading under the bands in force on ``on``."""
    bands = policy.section(SECTION).in_force(on)
    out = []
    for model, value in psi.items():
        level = bands.level(value)
        out.append(PsiReading(model, value, level, LABELS[level]))
    return out
