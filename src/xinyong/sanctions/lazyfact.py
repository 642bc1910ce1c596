"""A record read for the check whose fact is built only when asked for (``sanctions.inputs`` reads them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from xinyong.policy.loader import Policy
from xinyong.rules.facts import Listing, StatusEvent
from xinyong.sanctions.engine import Fact


class Read(NamedTuple):
    """What the facts of many subjects are built from, shared by all their records."""

    subjects: Mapping[int, str]
    events: Mapping[int, list[StatusEvent]]
    listings: Mapping[int, list[Listing]]
    on: dt.date
    policy: Policy
    # (row, subject kind, its events, the subject's listings, on, policy) -> the check's fact
    build: Callable[[Any, str, Sequence[StatusEvent], Sequence[Listing], dt.date, Policy], Fact]


class LazyFact:
    """One record of a subject whose check fact (the disclosure decision with it) is built on first use.

    A caller that needs only whether *some* fact fires a trigger builds the facts one by one and stops
    at the first that does (``sanctions.impact``); the fact is the one ``inputs.trigger_fact`` builds.
    """

    __slots__ = ("_fact", "_read", "_row", "catalog_item")

    def __init__(self, catalog_item: str, row: Any = None, read: Read | None = None) -> None:
        self.catalog_item, self._row, self._read = catalog_item, row, read
        self._fact: Fact | None = None

    @classmethod
    def of(cls, fact: Fact) -> LazyFact:
        """Wrap a fact already built."""
        done = cls(fact.catalog_item)
        done._fact = fact
        return done

    def get(self) -> Fact:
        """Return the fact, building it once."""
        if self._fact is None:
            r, c = self._row, self._read
            if c is None:
                raise AssertionError("unreachable: only a wrapped fact has no read, and it is built")
            self._fact = c.build(
                r,
                c.subjects[r.subject_id],
                c.events.get(r.id, ()),
                c.listings.get(r.subject_id, ()),
                c.on,
                c.policy,
            )
        return self._fact
