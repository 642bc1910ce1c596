"""Indices as data (``policy/indices/*.yaml``): units, indicators over named facts or imported figures, bands.

An index is a points table: every indicator turns one value (a platform fact, or a figure imported with
``xinyong indices import``) into points out of its ``points`` by a declared ``score`` rule; the total
falls into a grade band. Facts are named here and supplied, per unit kind, by the providers registered in
``xinyong.wiring`` (``indices.providers``); a name no provider supplies is refused when the index runs.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from xinyong.policy.base import Strict, Versioned
from xinyong.policy.loader import Policy, Problems, Section, load_dir

# Unit kinds an index may rank. agency/department: a row of the department register (as a government body
# and as a data provider); county: the nine counties; city: the city as a whole. township, village and
# household are supplied by the rural capability once its provider is registered.
UnitKind = Literal["agency", "department", "county", "city", "township", "village", "household"]
UNIT_LABELS: dict[str, str] = {
    "agency": "党政机关",
    "department": "部门",
    "county": "县（市、区）",
    "city": "全市",
    "township": "乡镇（街道）",
    "village": "村（社区）",
    "household": "农户",
}
# Unit kinds whose results are personal data (a household is its members): never listed or ranked on a
# page, read one unit at a time by those the unit's own file admits (``indices.personal``).
PERSONAL_UNITS = frozenset({"household"})
PeriodKind = Literal["month", "quarter"]


class Score(Strict):
    """How a value becomes points (out of the indicator's ``points``).

    - ``rate``: the value is a share in [0, 1]; points × value.
    - ``inverse_rate``: a share of something bad in [0, 1]; points × (1 − value).
    - ``percent``: a figure out of 100 (survey results, imported scores); points × value / 100.
    - ``deduct``: a count of bad facts; points − ``per`` × value, never below 0.
    - ``at_least``: a count of good facts; full points from ``per`` up, pro rata below.
    """

    kind: Literal["rate", "inverse_rate", "percent", "deduct", "at_least"]
    per: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _per_needed(self) -> Score:
        if (self.kind in ("deduct", "at_least")) != (self.per is not None):
            raise ValueError(f"计分方式 {self.kind}：deduct 与 at_least 须给出 per，其余不得给出")
        return self


class Indicator(Strict):
    """One indicator: a platform fact or an imported figure, scored into at most ``points`` points."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    group: str
    points: float = Field(gt=0)
    fact: str | None = None
    imported: bool = False
    score: Score
    # A unit without the value (no denominator, nothing imported): full points, or none.
    missing: Literal["full", "zero"] = "zero"
    source: str | None = None

    @model_validator(mode="after")
    def _one_origin(self) -> Indicator:
        if (self.fact is None) == (not self.imported):
            raise ValueError(
                f"指标 {self.code}：须且只能给出 fact（平台事实）或 imported: true（导入数据）之一"
            )
        return self


class Band(Strict):
    """A grade band: totals from ``at_least`` up (bands listed best first)."""

    code: str
    name: str
    at_least: float = Field(ge=0)


class Line(Strict):
    """A reference line drawn beside the totals (e.g. the score of the national top 30), with its source."""

    name: str
    value: float
    source: str


class IndexDef(Versioned):
    """One version of an index."""

    name: str
    basis: str
    units: tuple[UnitKind, ...] = Field(min_length=1)
    period: PeriodKind = "month"
    # Facts are counted over the last ``window_months`` months up to the period's end (rolling, as the
    # national monitoring ranks monthly over 12 months); 1: the period itself.
    window_months: int = Field(default=1, ge=1, le=60)
    indicators: tuple[Indicator, ...] = Field(min_length=1)
    grades: tuple[Band, ...] = Field(min_length=1)
    target: Line | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> IndexDef:
        codes = [i.code for i in self.indicators]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"{self.id}: 指标编码重复 {dupes}")
        floors = [b.at_least for b in self.grades]
        if floors != sorted(floors, reverse=True) or floors[-1] != 0:
            raise ValueError(f"{self.id}: 等级须从高到低排列，最后一级从 0 分起")
        return self

    @property
    def full_marks(self) -> float:
        """Return the sum of the indicators' points."""
        return sum(i.points for i in self.indicators)

    def indicator(self, code: str) -> Indicator | None:
        """Return the indicator with ``code``, if any."""
        return next((i for i in self.indicators if i.code == code), None)


class Indices:
    """All versions of every index; the one in force on a day is the one to compute."""

    def __init__(self, defs: list[IndexDef]) -> None:
        self.defs = defs

    def __len__(self) -> int:
        return len(self.defs)

    def ids(self) -> list[str]:
        """Return the index ids, in file order, once each."""
        return list(dict.fromkeys(d.id for d in self.defs))

    def in_force(self, index_id: str, on: dt.date) -> IndexDef | None:
        """Return the version of ``index_id`` in force on ``on``."""
        return next((d for d in self.defs if d.id == index_id and d.in_force(on)), None)

    def latest(self, index_id: str) -> IndexDef | None:
        """Return the newest version of ``index_id`` (for labels when no day is given)."""
        found = [d for d in self.defs if d.id == index_id]
        return max(found, key=lambda d: d.effective_from) if found else None


def load(policy: Policy) -> Indices:
    """Load ``policy/indices/*.yaml`` (one file per index: a new version replaces the file, the hash keeps it)."""
    problems = Problems(policy.root)
    defs = load_dir(policy.root / "indices", IndexDef, problems)
    problems.raise_if_any()
    return Indices(defs)


SECTION = Section("indices", load)


def indices_of(policy: Policy) -> Indices:
    """Return the loaded index definitions (memoised on the policy)."""
    return policy.section(SECTION)
