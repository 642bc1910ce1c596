"""Score one index over its units: facts and imported figures → points per indicator → total, grade, rank.

Pure: no database. The same function serves the batch run and the tests that recompute an index from
hand-built facts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from xinyong.indices.spec import Band, IndexDef, Indicator


@dataclass(frozen=True)
class FactValue:
    """A value behind an indicator and the evidence for it (record ids, case ids, an import row)."""

    value: float | None
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndicatorScore:
    """One indicator of one unit: its value, the points it earned and the facts behind them."""

    code: str
    value: float | None
    points: float
    evidence: tuple[str, ...]
    origin: str  # "fact" or "import"; "missing" when neither gave a value


@dataclass(frozen=True)
class UnitScore:
    """One unit's result: total points, grade, rank among the units of its kind."""

    unit_kind: str
    unit_key: str
    unit_name: str
    county: str | None
    total: float
    grade: str
    rank: int
    indicators: tuple[IndicatorScore, ...]


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def points_of(indicator: Indicator, value: float | None) -> float:
    """Return the points ``value`` earns under the indicator's score rule (see ``spec.Score``)."""
    full = indicator.points
    if value is None:
        return full if indicator.missing == "full" else 0.0
    score = indicator.score
    per = score.per or 1.0
    share = {
        "rate": _clamp(value),
        "inverse_rate": 1.0 - _clamp(value),
        "percent": _clamp(value / 100.0),
        "deduct": _clamp((full - per * value) / full),
        "at_least": _clamp(value / per),
    }[score.kind]
    return round(full * share, 2)


def grade_of(bands: Sequence[Band], total: float) -> str:
    """Return the code of the first band (best first) whose floor the total reaches."""
    return next((b.code for b in bands if total >= b.at_least), bands[-1].code)


def _indicator(
    ind: Indicator, facts: Mapping[str, FactValue], imports: Mapping[str, FactValue]
) -> IndicatorScore:
    found = imports.get(ind.code) if ind.imported else facts.get(ind.fact or "")
    origin = "missing" if found is None or found.value is None else ("import" if ind.imported else "fact")
    value = found.value if found else None
    evidence = found.evidence if found else ()
    return IndicatorScore(ind.code, value, points_of(ind, value), evidence, origin)


def score(
    index: IndexDef,
    unit_kind: str,
    units: Sequence[tuple[str, str, str | None]],
    facts: Mapping[str, Mapping[str, FactValue]],
    imports: Mapping[str, Mapping[str, FactValue]],
) -> list[UnitScore]:
    """Score every unit of one kind; ``facts``/``imports`` map unit key → fact name/indicator code → value.

    Ranks are competition ranks (equal totals share a rank; the next rank skips), best total first.
    """
    rows = []
    for key, name, county in units:
        scores = tuple(_indicator(i, facts.get(key, {}), imports.get(key, {})) for i in index.indicators)
        rows.append((key, name, county, round(sum(s.points for s in scores), 2), scores))
    rows.sort(key=lambda r: (-r[3], r[0]))
    out: list[UnitScore] = []
    for pos, (key, name, county, total, scores) in enumerate(rows):
        rank = out[-1].rank if out and out[-1].total == total else pos + 1
        out.append(
            UnitScore(unit_kind, key, name, county, total, grade_of(index.grades, total), rank, scores)
        )
    return out
