"""Publication periods of a penalty under the regime in force (pure).

The regime is chosen on the decision date (``period_start: decision_on``): the periods a penalty was
published under do not change when a later regime starts. A domain-specific regime (SAMR Order 45 for
market regulation) is the primary one and fixes the maximum; every applicable regime's minimum must
have run before an early stop (终止公示), so the minimum is the largest of them.
Publication ends at the maximum by itself: ``publication_end`` is derived, no job flips a flag.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
from dataclasses import dataclass

from xinyong.policy.loader import Policy
from xinyong.policy.schemas import SEVERITIES, PublicityRegime, SeverityMap
from xinyong.repair.facts import RecordFacts

_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def add_months(day: dt.date, months: int) -> dt.date:
    """Return ``day`` plus ``months`` calendar months (clamped to the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def severity_of(facts: RecordFacts, severity: SeverityMap) -> str:
    """Return the severity class (轻微/一般/严重) of a record: stored, else derived from the policy map."""
    if facts.severity in _RANK:
        return str(facts.severity)
    if facts.catalog_item in severity.catalog_items:
        return severity.catalog_items[facts.catalog_item]
    domain_map = severity.domains.get(facts.domain or "", {})
    found: list[str] = []
    for kind in facts.penalty_types:
        cls = domain_map.get(kind) or severity.penalty_types.get(kind)
        if cls is None:
            continue
        if kind == "罚款" and facts.fine_wan is not None:
            if facts.fine_wan >= severity.fine_thresholds_wan.serious_from:
                cls = "严重"
            elif facts.fine_wan < severity.fine_thresholds_wan.minor_below:
                cls = "轻微"
        found.append(cls)
    if not found and facts.fine_wan is not None:
        if facts.fine_wan >= severity.fine_thresholds_wan.serious_from:
            found.append("严重")
        elif facts.fine_wan < severity.fine_thresholds_wan.minor_below:
            found.append("轻微")
    by_procedure = severity.procedures.get(facts.procedure or "")
    if by_procedure and all(_RANK[c] <= _RANK[by_procedure] for c in found):
        return by_procedure
    return max(found, key=lambda c: _RANK[c]) if found else severity.default


@dataclass(frozen=True)
class Window:
    """The publication window of a penalty under its regimes."""

    regime_id: str | None
    regime_name: str | None
    severity: str
    published: bool
    min_end: dt.date | None
    publication_end: dt.date | None
    regime_ids: tuple[str, ...] = ()
    not_published_reason: str | None = None
    no_early_stop: tuple[str, ...] = ()
    min_regime_name: str | None = None

    def publishing_on(self, on: dt.date) -> bool:
        """Tell whether the record is within its publication period on ``on`` (repair aside)."""
        return self.published and self.publication_end is not None and on < self.publication_end


def _short_period(regime: PublicityRegime, facts: RecordFacts) -> int | None:
    short = regime.short_period
    if short is None:
        return None
    types = set(facts.penalty_types)
    if types and types <= set(short.penalty_types):
        return short.months
    fine_only = types <= {"罚款", "通报批评", *short.penalty_types}
    below = (
        short.fine_below_wan is not None
        and facts.fine_wan is not None
        and facts.fine_wan < short.fine_below_wan
    )
    return short.months if below and fine_only and types else None


def _not_published(regime: PublicityRegime, facts: RecordFacts) -> str | None:
    rule = regime.not_published
    if rule is None:
        return None
    if facts.penalty_types and set(facts.penalty_types) <= set(rule.penalty_types_only):
        return f"仅处以{'、'.join(facts.penalty_types)}的处罚依《{regime.name}》不予公示"
    if facts.procedure and facts.procedure in rule.procedures:
        return f"适用{facts.procedure}作出的处罚依《{regime.name}》不予公示"
    return None


def regimes_of(facts: RecordFacts, policy: Policy) -> list[PublicityRegime]:
    """Return the regimes governing a record, the primary (domain-specific) first."""
    if facts.decision_on is None:
        return []
    return policy.regimes_for(facts.catalog_item, facts.domain, facts.decision_on)


def window(facts: RecordFacts, policy: Policy) -> Window:
    """Return the publication window of a record (minimum end, maximum end, regime, severity)."""
    severity = severity_of(facts, policy.severity)
    regimes = regimes_of(facts, policy)
    if not regimes or facts.decision_on is None:
        return Window(None, None, severity, published=True, min_end=None, publication_end=None)
    primary = regimes[0]
    start = facts.decision_on
    hidden = _not_published(primary, facts)
    cls = primary.classes[severity]  # type: ignore[index]
    max_months = cls.max_months
    short = _short_period(primary, facts)
    if short is not None:
        max_months = min(max_months, short)
    min_months, min_regime = 0, primary
    for regime in regimes:
        rc = regime.classes[severity]  # type: ignore[index]
        m = max(rc.min_months, regime.domain_min_months.get(facts.domain or "", 0))
        if regime is primary and short is not None:
            m = min(m, short)
        if m > min_months:
            min_months, min_regime = m, regime
    min_months = min(min_months, max_months)
    barred = tuple(
        sorted({t for r in regimes for t in r.no_early_stop_penalty_types if t in facts.penalty_types})
    )
    return Window(
        regime_id=primary.id,
        regime_name=primary.name,
        severity=severity,
        published=hidden is None and cls.publish != "never",
        min_end=add_months(start, min_months),
        publication_end=add_months(start, max_months),
        regime_ids=tuple(r.id for r in regimes),
        not_published_reason=hidden,
        no_early_stop=barred,
        min_regime_name=min_regime.name,
    )


def fine_cuts(policy: Policy) -> tuple[float, ...]:
    """Return every amount (万元) a fine is compared with above, ascending.

    ``severity_of`` and ``_short_period`` look at a fine only through ``fine >= cut`` / ``fine < cut``
    against these; keep the list in step with them (a test checks the equivalence on a grid).
    """
    t = policy.severity.fine_thresholds_wan
    cuts = {t.serious_from, t.minor_below}
    for regime in policy.regimes:
        if regime.short_period is not None and regime.short_period.fine_below_wan is not None:
            cuts.add(regime.short_period.fine_below_wan)
    return tuple(sorted(cuts))


def fine_class(cuts: tuple[float, ...], fine: float | None) -> float | None:
    """Return the amount that stands for ``fine`` in every comparison above: the lower cut of its interval.

    Records whose facts differ only in the fine within one interval get the same window, so a batch
    assesses each interval once instead of each amount.
    """
    if fine is None or fine != fine or not cuts:  # None, NaN, no cuts: as is
        return fine
    i = bisect.bisect_right(cuts, fine)
    return cuts[i - 1] if i else cuts[0] - 1.0


def publication_end(facts: RecordFacts, policy: Policy) -> dt.date | None:
    """Return the day publication ends by itself (the maximum period), for disclosure to use."""
    return window(facts, policy).publication_end
