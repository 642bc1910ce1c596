"""What other capabilities read of commitments: sets of subjects for monitoring, a subject's commitments.

The commitment workflow writes these tables (``service``); monitoring watches them for signals and the
timeline tells their story, through these reads only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.commitments.models import Commitment, CommitmentEvent


def subjects_with_open(session: Session, settled: Collection[str]) -> set[int]:
    """Return the subjects with a commitment whose status is not one of ``settled``."""
    return set(session.scalars(select(Commitment.subject_id).where(Commitment.status.not_in(settled))))


def subjects_changed_since(session: Session, event_id: int) -> set[int]:
    """Return the subjects whose commitments have an event after ``event_id`` (the high-water mark)."""
    return set(
        session.scalars(
            select(Commitment.subject_id)
            .join(CommitmentEvent, CommitmentEvent.commitment_id == Commitment.id)
            .where(CommitmentEvent.id > event_id)
        )
    )


def subjects_due_between(session: Session, first: dt.date, before: dt.date) -> set[int]:
    """Return the subjects with a commitment due on ``first`` .. the day before ``before``."""
    stmt = select(Commitment.subject_id).where(Commitment.due_on >= first, Commitment.due_on < before)
    return set(session.scalars(stmt))


def last_event_id(session: Session) -> int:
    """Return the id of the newest commitment event (0 when none): the next incremental run starts there."""
    return session.scalar(select(func.max(CommitmentEvent.id))) or 0


def of_subjects(session: Session, subject_ids: Iterable[int]) -> list[Commitment]:
    """Return the commitments of the subjects."""
    return list(session.scalars(select(Commitment).where(Commitment.subject_id.in_(list(subject_ids)))))


def events_of(session: Session, commitment_id: int) -> list[CommitmentEvent]:
    """Return a commitment's events in the order they were written."""
    stmt = select(CommitmentEvent).where(CommitmentEvent.commitment_id == commitment_id)
    return list(session.scalars(stmt.order_by(CommitmentEvent.id)))
