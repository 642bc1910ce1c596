"""Villages (村、社区) as units of the indices: their units and facts from the 信用村 judgement's counts.

The indices read facts by name through providers registered in ``xinyong.wiring``; this one answers with
the counts the 信用村 creation (``rural.units``) judged each village on, on the last day of the span, so an
index over villages scores the same facts the creation uses and never counts them a second way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from xinyong.policy.loader import Policy
from xinyong.rural.compute import compute_units
from xinyong.rural.units import UnitCounts

# The village facts an index may name, from ``UnitCounts.measure`` (shares are None without households).
VILLAGE_FACTS = ("credit_household_share", "households_without_arrears_share", "collective_serious_lists")

UnitRow = tuple[str, str, str | None]
FactRow = tuple[str, str, float | None, Sequence[str]]


def village_units(
    session: Session, policy: Policy, start: dt.date, end: dt.date
) -> tuple[list[UnitRow], list[FactRow]]:
    """Return every village (key: its collective's subject id) and its facts as judged on ``end``."""
    del start  # the creation judges a day, not a span: the span's last day
    outcome = compute_units(session, policy, end)
    units: list[UnitRow] = [(v.key, v.name, v.region_code or None) for v in outcome.villages]
    facts: list[FactRow] = [
        (v.key, name, v.counts.measure(name), (_evidence(v.counts, end),))
        for v in outcome.villages
        for name in VILLAGE_FACTS
    ]
    return units, facts


def _evidence(c: UnitCounts, on: dt.date) -> str:
    """The counts behind a village's facts, as the indices' drill-down shows them."""
    return (
        f"rural:{on.isoformat()} 评定：农户 {c.households} 户，其中信用户 {c.credit_households} 户、"
        f"无欠款 {c.households_without_arrears} 户；村集体列入严重失信名单 {c.collective_serious_lists} 条"
    )
