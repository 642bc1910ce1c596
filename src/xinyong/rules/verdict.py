"""Everything the platform decides about one record on one day, in one answer (pure).

``judge(facts, policy, on)`` gathers the core's answers: severity, the governing regime and window per
channel, public or not and why per audience, shared (departments may use it), counted (evaluation may
use it), the repair terms (earliest day, publication end, bars), the retention end and, for a list entry,
whether the listing is in force. Consumers call the part they need; the agreement test calls this.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xinyong.rules.disclosure import Audience, Disclosure, decide, listing_period, retention_end
from xinyong.rules.facts import RecordFacts
from xinyong.rules.severity import severity_of
from xinyong.rules.windows import ChannelWindow, RepairTerms, repair_terms, windows

if TYPE_CHECKING:
    from xinyong.policy.loader import Policy


@dataclass(frozen=True)
class Verdict:
    """The core's answers about one record on ``on``."""

    on: dt.date
    severity: str
    windows: dict[str, ChannelWindow]
    disclosures: dict[Audience, Disclosure]  # public, departments, credit centre; others: ``decide``
    repair: RepairTerms
    retention_end: dt.date | None
    list_in_force: bool | None

    @property
    def public(self) -> bool:
        """Tell whether the public sees the record."""
        return self.disclosures[Audience.PUBLIC].shown

    @property
    def shared(self) -> bool:
        """Tell whether departments may use the record (the check)."""
        return self.disclosures[Audience.DEPARTMENT].shared

    @property
    def counted(self) -> bool:
        """Tell whether evaluation may count the record."""
        return self.disclosures[Audience.CREDIT_CENTRE].counted


_VERDICT_AUDIENCES = (Audience.PUBLIC, Audience.DEPARTMENT, Audience.CREDIT_CENTRE)


def list_in_force(facts: RecordFacts, policy: Policy, on: dt.date) -> bool | None:
    """Tell whether a list entry is in force on ``on`` (``None``: the record is not a list entry)."""
    item = policy.catalog.get(facts.catalog_item)
    if item is None or "list_end" not in item.roles:
        return None
    listing = listing_period(facts.decision_on, facts.list_end, facts.events)
    if listing is None:
        return False
    return listing.start <= on and (listing.end is None or on < listing.end)


def judge(facts: RecordFacts, policy: Policy, on: dt.date) -> Verdict:
    """Return every answer of the core about ``facts`` on ``on``."""
    return Verdict(
        on=on,
        severity=severity_of(facts, policy.severity),
        windows=windows(facts, policy),
        disclosures={a: decide(facts, a, on, policy) for a in _VERDICT_AUDIENCES},
        repair=repair_terms(facts, policy),
        retention_end=retention_end(facts, policy),
        list_in_force=list_in_force(facts, policy, on),
    )
