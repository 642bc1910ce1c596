"""Subjects' names by id, for lists that show many subjects at once (one query, not one per row)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.subjects.models import Subject


def names_of(session: Session, subject_ids: Iterable[int]) -> dict[int, str]:
    """Return the names of the given subjects by id."""
    ids = set(subject_ids)
    if not ids:
        return {}
    return dict(session.execute(select(Subject.id, Subject.name).where(Subject.id.in_(ids))).all())
