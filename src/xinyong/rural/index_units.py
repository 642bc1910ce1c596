"""Villages (村、社区) and townships (乡镇、街道) as units of the indices, from the creation's own counts.

The indices read facts by name through providers registered in ``xinyong.wiring``; these answer with the
counts the 信用村 / 信用乡镇 creation (``rural.units``) judged each unit on, on the last day of the span,
so an index over villages or townships scores the same facts the creation uses and never counts them a
second way. One indices run asks for several rural unit kinds over the same day: the judgement of that
day is made once per transaction (``_outcome``) and shared by them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from xinyong.policy.loader import Policy
from xinyong.rural.compute import UnitOutcome, compute_units, scheme_on, unit_scheme_on
from xinyong.rural.rating import Rating
from xinyong.rural.units import UnitCounts

# The village facts an index may name, from ``UnitCounts.measure`` (shares are None without households).
VILLAGE_FACTS = ("credit_household_share", "households_without_arrears_share", "collective_serious_lists")
# The township facts: what the 信用乡镇 judgement counts (its villages, their households).
TOWNSHIP_FACTS = ("credit_village_share", "households_without_arrears_share", "credit_household_share")

UnitRow = tuple[str, str, str | None]
FactRow = tuple[str, str, float | None, Sequence[str]]
_MEMO = "rural.index_outcome"  # session.info: (transaction, policy hash, day, outcome)


def outcome_on(session: Session, policy: Policy, on: dt.date) -> UnitOutcome:
    """Return ``compute_units`` of ``on``, judged once per transaction and policy (the providers share it)."""
    txn = session.get_transaction()
    memo = session.info.get(_MEMO)
    if memo is not None and memo[0] is txn and memo[1] == policy.hash and memo[2] == on:
        outcome: UnitOutcome = memo[3]
        return outcome
    outcome = compute_units(session, policy, on)
    session.info[_MEMO] = (txn, policy.hash, on, outcome)
    return outcome


def village_units(
    session: Session, policy: Policy, start: dt.date, end: dt.date
) -> tuple[list[UnitRow], list[FactRow]]:
    """Return every village (key: its collective's subject id) and its facts as judged on ``end``."""
    del start  # the creation judges a day, not a span: the span's last day
    outcome = outcome_on(session, policy, end)
    units: list[UnitRow] = [(v.key, v.name, v.region_code or None) for v in outcome.villages]
    facts: list[FactRow] = [
        (v.key, name, v.counts.measure(name), (_evidence(v.counts, end),))
        for v in outcome.villages
        for name in VILLAGE_FACTS
    ]
    return units, facts


def township_units(
    session: Session, policy: Policy, start: dt.date, end: dt.date
) -> tuple[list[UnitRow], list[FactRow]]:
    """Return every township (key: its code, ``rural.townships``) and its facts as judged on ``end``."""
    del start
    towns = [t for t in outcome_on(session, policy, end).higher if t.unit == "township"]
    units: list[UnitRow] = [(t.key, t.name, t.region_code or None) for t in towns]
    facts: list[FactRow] = [
        (t.key, name, t.counts.measure(name), (_town_evidence(t.counts, end),))
        for t in towns
        for name in TOWNSHIP_FACTS
    ]
    return units, facts


def household_units(
    session: Session, policy: Policy, start: dt.date, end: dt.date
) -> tuple[list[UnitRow], list[FactRow]]:
    """Return every rated household (key: its subject id) and its rating's own facts on ``end``.

    The facts are the 信用户 rating's: each criterion's household total under the member fact it counts
    (``serious_lists_in_force``, ``arrears``, …) and ``credit_household`` (1 when the level is one the
    creation counts as a 信用户). The unit's name is the household's number, not its family name: the
    results are personal data, read one household at a time by those the household file admits.
    """
    del start
    outcome = outcome_on(session, policy, end)
    credit = set(unit_scheme_on(policy, end).credit_household_levels)
    fact_of = {c.code: c.fact for c in scheme_on(policy, end).criteria}
    county = {v.key: v.region_code or None for v in outcome.villages}
    units: list[UnitRow] = []
    facts: list[FactRow] = []
    for hid, rating in outcome.households.items():
        key, evidence = str(hid), (_household_evidence(rating, end),)
        units.append((key, f"农户 {hid}", county.get(str(outcome.village_of.get(hid)))))
        facts.append((key, "credit_household", float(rating.level_code in credit), evidence))
        facts.extend((key, fact_of[c.code], float(c.total), evidence) for c in rating.criteria)
    return units, facts


def _household_evidence(r: Rating, on: dt.date) -> str:
    """The rating behind a household's facts: the level and every criterion's household total."""
    items = "；".join(f"{'符合' if c.met else '不符合'}：{c.label}（合计 {c.total}）" for c in r.criteria)
    return f"rural:{on.isoformat()} 信用户评定：{r.level_name}。{items}"


def _evidence(c: UnitCounts, on: dt.date) -> str:
    """The counts behind a village's facts, as the indices' drill-down shows them."""
    return (
        f"rural:{on.isoformat()} 评定：农户 {c.households} 户，其中信用户 {c.credit_households} 户、"
        f"无欠款 {c.households_without_arrears} 户；村集体列入严重失信名单 {c.collective_serious_lists} 条"
    )


def _town_evidence(c: UnitCounts, on: dt.date) -> str:
    """The counts behind a township's facts."""
    return (
        f"rural:{on.isoformat()} 评定：村（社区）{c.villages} 个，其中信用村 {c.credit_villages} 个；"
        f"农户 {c.households} 户，其中信用户 {c.credit_households} 户、无欠款 {c.households_without_arrears} 户"
    )
