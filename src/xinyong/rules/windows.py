"""Publication windows per channel (pure): which regime governs each channel and what it says of a record.

``policy/channels.yaml`` names the regime governing each publication channel by decision date: this
platform (信用台州, a credit website of the national credit platform system) publishes under the NDRC
regime (发改办财金〔2019〕527号, Order 58, Order 36 with 国办发〔2025〕22号); SAMR Order 45 governs the
国家企业信用信息公示系统 and only for market-regulation penalties. The regime is chosen on the decision
date (``period_start: decision_on``) and does not change when a later regime starts.

A channel's window, in order: a regime's ``not_published`` rule (Order 45 Art. 2: warnings only, 简易程序)
hides the record; a class whose ``publish`` is ``never`` too; the maximum is the class maximum, shortened by
the regime's ``short_period`` (Order 45 Art. 13: only 通报批评/警告 and a fine below the threshold) and by the
department's own 公示截止期 when earlier; a class whose ``publish`` is ``optional`` (Order 36 轻微) is
published only when the department gave a 公示截止期. The minimum (before which no early stop) is the
class minimum or the regime's domain minimum, never past the maximum.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from xinyong.kit.dates import add_months
from xinyong.policy.schemas import Channel, PublicityRegime
from xinyong.rules.facts import RecordFacts
from xinyong.rules.severity import severity_of

if TYPE_CHECKING:
    from xinyong.policy.loader import Policy

# reasons a regime itself excludes a record (no channel window, nothing to stop early)
EXCLUDED = frozenset({"procedure_not_published", "warning_not_published", "class_not_published"})


@dataclass(frozen=True)
class ChannelWindow:
    """What one channel's regime says of a record: published or not (and why), and its dates."""

    channel_id: str
    channel_name: str
    regime_id: str | None
    regime_name: str | None
    severity: str
    published: bool
    code: str
    reason: str
    start: dt.date | None = None
    min_end: dt.date | None = None
    end: dt.date | None = None
    no_early_stop: tuple[str, ...] = ()


def governing_regime(channel: Channel, facts: RecordFacts, policy: Policy) -> PublicityRegime | None:
    """Return the regime governing ``channel`` for a record decided on its decision date (``None``: none)."""
    if facts.decision_on is None or not channel.carries(facts.domain, facts.subject_kind):
        return None
    for entry in channel.governed_by:
        if not entry.in_force(facts.decision_on):
            continue
        regime = policy.regime(entry.regime)
        in_scope = facts.catalog_item in regime.scope.catalog_items and (
            not regime.scope.domains or facts.domain in regime.scope.domains
        )
        if in_scope and regime.in_force(facts.decision_on):
            return regime
    return None


def _short_months(regime: PublicityRegime, facts: RecordFacts) -> int | None:
    """Order 45 Art. 13: only 通报批评 (or 警告) and a fine below the provincial threshold — the short period."""
    short = regime.short_period
    if short is None or not facts.penalty_types:
        return None
    types = set(facts.penalty_types)
    light = {*short.penalty_types, "警告"} | ({"罚款"} if short.fine_below_wan is not None else set())
    if not types <= light or types == {"警告"}:
        return None
    if "罚款" in types and (
        short.fine_below_wan is None or facts.fine_wan is None or not facts.fine_wan < short.fine_below_wan
    ):
        return None
    return short.months


def _hidden(regime: PublicityRegime, facts: RecordFacts) -> tuple[str, str] | None:
    rule = regime.not_published
    if rule is None:
        return None
    if facts.procedure and facts.procedure in rule.procedures:
        return "procedure_not_published", f"{facts.procedure}作出的处罚依《{regime.name}》不予公示"
    only = set(rule.penalty_types_only)
    if only and facts.penalty_types and set(facts.penalty_types) <= only:
        kinds = "、".join(facts.penalty_types)
        return "warning_not_published", f"仅处以{kinds}的处罚依《{regime.name}》不予公示"
    return None


def channel_window(channel: Channel, facts: RecordFacts, policy: Policy) -> ChannelWindow | None:
    """Return the window of a record on ``channel`` (``None``: the channel does not carry it)."""
    regime = governing_regime(channel, facts, policy)
    if regime is None or facts.decision_on is None:
        return None
    severity = severity_of(facts, policy.severity)
    base = ChannelWindow(channel.id, channel.name, regime.id, regime.name, severity, False, "", "")
    start = facts.decision_on
    hidden = _hidden(regime, facts)
    if hidden is not None:
        return replace(base, code=hidden[0], reason=hidden[1])
    klass = regime.classes[severity]  # type: ignore[index]
    if klass.publish == "never":
        return replace(
            base, code="class_not_published", reason=f"{severity}失信信息依《{regime.name}》不予公示"
        )
    months = klass.max_months
    short = _short_months(regime, facts)
    if short is not None:
        months = min(months, short)
    end = add_months(start, months)
    if facts.publication_end is not None and facts.publication_end < end:
        end = facts.publication_end
    min_months = max(klass.min_months, regime.domain_min_months.get(facts.domain or "", 0))
    if short is not None:
        min_months = min(min_months, short)
    min_end = min(add_months(start, min_months), end)
    barred = tuple(sorted(t for t in set(regime.no_early_stop_penalty_types) if t in facts.penalty_types))
    if klass.publish == "optional" and facts.publication_end is None:
        reason = f"{severity}失信信息可不予公示，提供单位未要求公示（{regime.name}）"
        return replace(
            base,
            code="minor_not_published",
            reason=reason,
            start=start,
            min_end=min_end,
            no_early_stop=barred,
        )
    return replace(
        base,
        published=True,
        code="in_publication",
        reason=f"依《{regime.name}》自 {start.isoformat()} 公示至 {end.isoformat()}",
        start=start,
        min_end=min_end,
        end=end,
        no_early_stop=barred,
    )


def windows(facts: RecordFacts, policy: Policy) -> dict[str, ChannelWindow]:
    """Return the record's window on every channel that carries it, the platform's channel first."""
    out: dict[str, ChannelWindow] = {}
    platform = policy.channels.platform
    for channel in sorted(policy.channels.channels, key=lambda c: c.id != platform):
        found = channel_window(channel, facts, policy)
        if found is not None:
            out[channel.id] = found
    return out


def platform_window(facts: RecordFacts, policy: Policy) -> ChannelWindow | None:
    """Return the window of a record on this platform's own channel (信用台州)."""
    return channel_window(policy.channels.channel(policy.channels.platform), facts, policy)


@dataclass(frozen=True)
class RepairTerms:
    """What the periods say about repairing a record (终止公示 early) on application.

    The same repair decision ends publication on every channel (谁认定、谁修复; Credit China and the
    enterprise publicity system share results), so the minimum of every channel that holds the record
    must have run and every channel's bars apply. A channel *holds* a record it publishes or may publish
    (Order 36 轻微); a regime's exclusion (warning only, 简易程序, ``never``) holds nothing. The publication
    end is this platform's (what its portal and notices state), else the latest of the other channels'.
    """

    regime_id: str | None
    regime_name: str | None
    severity: str
    held: bool
    not_held_reason: str | None
    min_end: dt.date | None
    min_regime_name: str | None
    publication_end: dt.date | None
    regime_ids: tuple[str, ...]
    no_early_stop: tuple[str, ...]


def repair_terms(facts: RecordFacts, policy: Policy) -> RepairTerms:
    """Return the period terms of repairing a record: earliest day, publication end, regimes and bars."""
    found = windows(facts, policy)
    platform = found.get(policy.channels.platform)
    severity = severity_of(facts, policy.severity)
    held = [w for w in found.values() if w.code not in EXCLUDED]
    first = platform or next(iter(found.values()), None)
    min_win = max(held, key=lambda w: w.min_end or dt.date.min, default=None)
    ends = [w.end for w in held if w.published and w.end is not None]
    if platform is not None and platform.published and platform.end is not None:
        ends = [platform.end]  # this platform's own window: the one its portal and notices state
    reason = first.reason if first is not None and not held else None
    return RepairTerms(
        regime_id=first.regime_id if first else None,
        regime_name=first.regime_name if first else None,
        severity=severity,
        held=bool(held),
        not_held_reason=reason,
        min_end=min_win.min_end if min_win else None,
        min_regime_name=min_win.regime_name if min_win else None,
        publication_end=max(ends) if ends else None,
        regime_ids=tuple(w.regime_id for w in held if w.regime_id),
        no_early_stop=tuple(sorted({t for w in held for t in w.no_early_stop})),
    )


def fine_cuts(policy: Policy) -> tuple[float, ...]:
    """Return every amount (万元) a fine is compared with by the rules, ascending.

    ``severity.classify`` and ``_short_months`` look at a fine only through ``fine >= cut`` /
    ``fine < cut`` against these; keep the list in step with them (a test checks it on a grid).
    """
    t = policy.severity.fine_thresholds_wan
    cuts = {t.serious_from, t.minor_below}
    for regime in policy.regimes:
        if regime.short_period is not None and regime.short_period.fine_below_wan is not None:
            cuts.add(regime.short_period.fine_below_wan)
    return tuple(sorted(cuts))


def fine_class(cuts: tuple[float, ...], fine: float | None) -> float | None:
    """Return the amount that stands for ``fine`` in every comparison: the lower cut of its interval.

    Records whose facts differ only in the fine within one interval get the same window, so a batch
    assesses each interval once instead of each amount.
    """
    if fine is None or fine != fine or not cuts:  # None, NaN, no cuts: as is
        return fine
    i = bisect.bisect_right(cuts, fine)
    return cuts[i - 1] if i else cuts[0] - 1.0
