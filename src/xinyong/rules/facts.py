"""The facts of one credit record the rule core decides on (typed, no ORM): the one ``RecordFacts``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xinyong.policy.loader import Policy

NATURAL_PERSON = "自然人"
HOUSEHOLD = "农户"
# Kinds whose files are personal information: a household's file is its members' (浙江条例第十五条).
PERSONAL_KINDS = frozenset({NATURAL_PERSON, HOUSEHOLD})
NEGATIVE = "negative"


def personal_not_public(subject_kind: str, policy: Policy) -> bool:
    """Tell whether information about a subject of this kind is kept from the public (浙江条例第十五条).

    Natural persons (and households of them) are never public unless the retention policy says otherwise;
    records (``disclosure.decide``) and register entries (``entries.decide_entry``) both ask here.
    """
    return subject_kind in PERSONAL_KINDS and not policy.retention.natural_person_public


class EventKind:
    """Status event kinds (same values as ``xinyong.records.models.RecordEventKind``; a test keeps them equal)."""

    OBJECTION_OPENED = "objection_opened"
    OBJECTION_CLOSED = "objection_closed"
    REPAIRED = "repaired"
    DISCLOSURE_STOPPED = "disclosure_stopped"
    LIST_REMOVED = "list_removed"
    DELETED = "deleted"
    SUSPENDED = "suspended"
    UNSUSPENDED = "unsuspended"


@dataclass(frozen=True)
class StatusEvent:
    """A dated status event of a record."""

    kind: str
    effective_on: dt.date


@dataclass(frozen=True)
class Listing:
    """A period during which the subject is on a serious-dishonesty list (end ``None``: still listed)."""

    start: dt.date
    end: dt.date | None = None

    def in_force_on(self, on: dt.date) -> bool:
        """Tell whether the subject is on the list on ``on`` (the end day itself is off the list)."""
        return self.start <= on and (self.end is None or on < self.end)


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
    """Everything the rule core needs to know about one record.

    ``fine_wan`` is the fine plus confiscations in 万元 (the amount severity thresholds apply to);
    ``domain`` is the deciding department's domain; ``subject_listings`` are the subject's serious-list
    periods (retention extension); ``other_lists`` its other list entries (repair conditions).
    """

    catalog_item: str
    polarity: str
    decision_on: dt.date | None
    subject_kind: str = ""
    record_id: int | None = None
    domain: str | None = None
    severity: str | None = None
    valid_to: dt.date | None = None
    publication_end: dt.date | None = None
    list_type: str | None = None
    list_end: dt.date | None = None
    penalty_types: tuple[str, ...] = ()
    procedure: str | None = None
    fine_wan: float | None = None
    sentence_end: dt.date | None = None
    events: tuple[StatusEvent, ...] = ()
    subject_listings: tuple[Listing, ...] = field(default=())
    other_lists: tuple[ListFact, ...] = ()
    repeat_violation_on: dt.date | None = None

    @property
    def natural_person(self) -> bool:
        """Tell whether the subject is a natural person (or a household of them: treated alike)."""
        return self.subject_kind in PERSONAL_KINDS

    def last_event(self, kind: str, on: dt.date) -> StatusEvent | None:
        """Return the latest event of ``kind`` in effect on ``on``."""
        found = [e for e in self.events if e.kind == kind and e.effective_on <= on]
        return max(found, key=lambda e: e.effective_on) if found else None
