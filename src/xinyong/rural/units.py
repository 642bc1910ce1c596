"""信用村（社区）、信用乡镇、信用县, pure: rated households and villages in, each unit's result with reasons out.

Built bottom-up as the practice is (households rated by the village, villages by the township, townships
by the county): a village counts its 信用户, a township its 信用村, a county its 信用村 and 信用乡镇.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from xinyong.rural.unit_rules import UnitLevel, UnitScheme

_SHARES = {
    "credit_household_share": ("credit_households", "households"),
    "households_without_arrears_share": ("households_without_arrears", "households"),
    "credit_village_share": ("credit_villages", "villages"),
    "credit_township_share": ("credit_townships", "townships"),
}


@dataclass(frozen=True)
class UnitCounts:
    """What a unit is judged on: counts of the units below it."""

    households: int = 0
    credit_households: int = 0
    households_without_arrears: int = 0
    collective_serious_lists: int = 0
    villages: int = 0
    credit_villages: int = 0
    townships: int = 0
    credit_townships: int = 0

    def measure(self, name: str) -> float | None:
        """Return a measure: a share (``None`` when there is nothing to divide by) or a count."""
        if name in _SHARES:
            part, whole = _SHARES[name]
            total = getattr(self, whole)
            return getattr(self, part) / total if total else None
        return float(getattr(self, name))

    def __add__(self, other: UnitCounts) -> UnitCounts:
        return UnitCounts(**{k: v + getattr(other, k) for k, v in asdict(self).items()})


@dataclass(frozen=True)
class UnitCriterionResult:
    """One criterion, met or not, with the value it was judged on (``None``: no data, not met)."""

    code: str
    label: str
    met: bool
    value: float | None
    share: bool = False  # the value is a share (shown as a percentage), else a count


@dataclass(frozen=True)
class UnitResult:
    """A unit's result: the title earned (or the fallback), and every criterion's result."""

    unit: str
    key: str
    name: str
    region_code: str
    township: str | None
    title: str
    met: bool
    counts: UnitCounts
    criteria: tuple[UnitCriterionResult, ...] = field(default=())
    subject_id: int | None = None
    township_code: str | None = None

    @property
    def reasons(self) -> tuple[str, ...]:
        """Readable reasons: each criterion, met or not."""
        return tuple(f"{'符合' if c.met else '不符合'}：{c.label}" for c in self.criteria)


@dataclass(frozen=True)
class HouseholdUnit:
    """A rated household: its village, whether it is a 信用户 and whether any member has arrears."""

    subject_id: int
    village_id: int
    credit: bool
    arrears: bool


@dataclass(frozen=True)
class VillageUnit:
    """A village or community: its collective (subject), township, county and the collective's listings."""

    subject_id: int
    name: str
    township: str
    region_code: str
    community: bool
    collective_serious_lists: int = 0
    township_code: str = ""  # the township's stable key (``rural.townships``)


def judge(level: UnitLevel, counts: UnitCounts) -> tuple[bool, tuple[UnitCriterionResult, ...]]:
    """Judge a unit's counts against the level's criteria: all met, and each criterion's result."""
    results = []
    for c in level.criteria:
        value = counts.measure(c.measure)
        if value is None:
            met = False
        elif c.at_least is not None:
            met = value >= c.at_least
        else:
            met = value <= (c.at_most or 0)
        results.append(UnitCriterionResult(c.code, c.label, met, value, c.measure in _SHARES))
    return all(r.met for r in results), tuple(results)


def _result(
    level: UnitLevel | None,
    unit: str,
    key: str,
    place: tuple[str, str, str | None],
    counts: UnitCounts,
    *,
    community: bool = False,
    subject_id: int | None = None,
    township_code: str | None = None,
) -> UnitResult:
    """Judge one unit; ``place`` is (name, county code, township); a community earns the community title."""
    name, region, township = place
    if level is None:
        return UnitResult(
            unit, key, name, region, township, "未评定", False, counts, (), subject_id, township_code
        )
    met, criteria = judge(level, counts)
    title = ((level.community_name if community else None) or level.name) if met else level.fallback
    return UnitResult(
        unit, key, name, region, township, title, met, counts, criteria, subject_id, township_code
    )


def village_results(
    scheme: UnitScheme, villages: Iterable[VillageUnit], households: Iterable[HouseholdUnit]
) -> list[UnitResult]:
    """Judge every village on its households (a village without rated households has no data)."""
    by_village: dict[int, UnitCounts] = defaultdict(UnitCounts)
    for h in households:
        by_village[h.village_id] += UnitCounts(1, int(h.credit), int(not h.arrears))
    level = scheme.level("village")
    return [
        _result(
            level,
            "village",
            str(v.subject_id),
            (v.name, v.region_code, v.township),
            by_village[v.subject_id] + UnitCounts(collective_serious_lists=v.collective_serious_lists),
            community=v.community,
            subject_id=v.subject_id,
            township_code=v.township_code,
        )
        for v in villages
    ]


def higher_results(
    scheme: UnitScheme, villages: list[UnitResult], county_names: dict[str, str]
) -> list[UnitResult]:
    """Judge every township (keyed by its code) on its villages, then every county on its villages and townships."""
    towns: dict[tuple[str, str], UnitCounts] = defaultdict(UnitCounts)
    town_names: dict[str, str] = {}
    for v in villages:
        below = UnitCounts(
            v.counts.households,
            v.counts.credit_households,
            v.counts.households_without_arrears,
            0,
            1,
            int(v.met),
        )
        code = v.township_code or f"{v.region_code}:{v.township or ''}"
        towns[(v.region_code, code)] += below
        town_names.setdefault(code, v.township or "")
    township_level, county_level = scheme.level("township"), scheme.level("county")
    out = [
        _result(
            township_level,
            "township",
            code,
            (town_names[code], region, town_names[code]),
            counts,
            community=town_names[code].endswith("街道"),
            township_code=code,
        )
        for (region, code), counts in sorted(towns.items())
    ]
    counties: dict[str, UnitCounts] = defaultdict(UnitCounts)
    for t in out:
        counties[t.region_code] += UnitCounts(
            t.counts.households,
            t.counts.credit_households,
            t.counts.households_without_arrears,
            0,
            t.counts.villages,
            t.counts.credit_villages,
            1,
            int(t.met),
        )
    for region, counts in sorted(counties.items()):
        out.append(
            _result(county_level, "county", region, (county_names.get(region, region), region, None), counts)
        )
    return out
