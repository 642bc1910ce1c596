"""Typed facts about a record that the pure repair cores decide on (no database types)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


class EventKinds:
    """The record event kinds the pure cores read (equal to ``RecordEventKind``; kept here so pure code
    imports no SQLAlchemy — a test keeps them equal)."""

    OBJECTION_OPENED = "objection_opened"
    OBJECTION_CLOSED = "objection_closed"
    REPAIRED = "repaired"
    DISCLOSURE_STOPPED = "disclosure_stopped"
    LIST_REMOVED = "list_removed"
    DELETED = "deleted"


@dataclass(frozen=True)
class EventFact:
    """A status event of the record (kind from ``RecordEventKind``)."""

    kind: str
    effective_on: dt.date


@dataclass(frozen=True)
class ListFact:
    """The subject's entry on a list (严重失信名单, 经营异常名录) other than the record asked about."""

    record_id: int
    catalog_item: str
    listed_on: dt.date | None
    list_end: dt.date | None = None
    removed_on: dt.date | None = None

    def active_on(self, on: dt.date) -> bool:
        """Tell whether the subject is on this list on ``on``."""
        if self.listed_on is not None and self.listed_on > on:
            return False
        if self.removed_on is not None and self.removed_on <= on:
            return False
        return not (self.list_end is not None and self.list_end <= on)

    def known_end(self) -> dt.date | None:
        """Return the day the entry ends, if known."""
        return self.removed_on or self.list_end


@dataclass(frozen=True)
class RecordFacts:
    """What eligibility and publication periods depend on, loaded by the service."""

    catalog_item: str
    polarity: str
    decision_on: dt.date | None
    record_id: int | None = None
    domain: str | None = None
    severity: str | None = None
    penalty_types: tuple[str, ...] = ()
    procedure: str | None = None
    fine_wan: float | None = None
    list_type: str | None = None
    list_end: dt.date | None = None
    events: tuple[EventFact, ...] = ()
    other_lists: tuple[ListFact, ...] = ()
    repeat_violation_on: dt.date | None = None

    def last_event(self, kind: str, on: dt.date) -> EventFact | None:
        """Return the latest event of ``kind`` in effect on ``on``."""
        found = [e for e in self.events if e.kind == kind and e.effective_on <= on]
        return max(found, key=lambda e: e.effective_on) if found else None


@dataclass(frozen=True)
class Declaration:
    """What the applicant declares on applying (backed by its materials)."""

    obligations_fulfilled: bool
    commitment_signed: bool
