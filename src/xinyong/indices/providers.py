"""Where a unit kind's units and facts come from: providers registered by reference in ``xinyong.wiring``.

A provider answers, for one span of business dates, the units of its kind and the facts it knows about
them, in plain tuples — so a capability below or beside indices (rural's households and villages) can
supply one without importing this package. The indices only read facts by name; which function computes
them is the wiring's choice, and a fact no registered provider supplies makes the run fail in Chinese.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.orm import Session

from xinyong.policy.loader import Policy

# (unit key, display name, county code or None): e.g. ("TZ-FGW", "台州市发展和改革委员会", "331000").
UnitRow = tuple[str, str, str | None]
# (unit key, fact name, value or None when there is no base, evidence refs such as "record:12").
FactRow = tuple[str, str, float | None, Sequence[str]]


class Provider(Protocol):
    """Answer the units of one kind and their facts for the dates ``[start, end]``."""

    def __call__(
        self, session: Session, policy: Policy, start: dt.date, end: dt.date, /
    ) -> tuple[list[UnitRow], list[FactRow]]: ...


_PROVIDERS: dict[str, Provider] = {}


def register(unit_kind: str, provider: Provider) -> None:
    """Register the provider of ``unit_kind`` (the last registration wins; installing twice changes nothing)."""
    _PROVIDERS[unit_kind] = provider


def provider_for(unit_kind: str) -> Provider | None:
    """Return the provider registered for ``unit_kind``, if any."""
    return _PROVIDERS.get(unit_kind)


def registered() -> dict[str, Provider]:
    """Return the registered providers by unit kind."""
    return dict(_PROVIDERS)
