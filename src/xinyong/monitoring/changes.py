"""Which subjects a monitor run looks at: in a full run those with facts a signal could use; in an
incremental run those whose facts changed past the last run's high-water marks, plus those date-driven
signals reach on its day (a licence ending, a commitment falling due, a listed namesake)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from xinyong.commitments import reads as commitment_reads
from xinyong.evaluation import history
from xinyong.monitoring.engine import FULFILLED
from xinyong.monitoring.facts import items_of, listed, relevant
from xinyong.monitoring.models import Alert, MonitorRun
from xinyong.monitoring.signals import (
    CommitmentCondition,
    GradeDropCondition,
    LicenceCondition,
    Signal,
)
from xinyong.records import service as records_service
from xinyong.records.models import CreditRecord, RecordEvent
from xinyong.subjects.models import Subject

DAY = dt.timedelta(days=1)


def watched_kinds(signals: Sequence[Signal]) -> list[str]:
    """Return the subject kinds any signal watches."""
    return sorted({k for s in signals for k in s.subject_kinds})


def _grade_window(signals: Sequence[Signal]) -> int:
    """Return the widest window of the grade-drop signals (0: none in force)."""
    return max(
        (s.condition.window_days for s in signals if isinstance(s.condition, GradeDropCondition)), default=0
    )


def candidates(session: Session, signals: Sequence[Signal], on: dt.date) -> set[int]:
    """Subjects a full run must look at: those with facts a signal could use, and those with live alerts.

    Every other subject has nothing a signal looks at, so no finding: looking at it would change nothing.
    """
    found = set(
        session.scalars(
            select(CreditRecord.subject_id).where(relevant(signals, on), records_service.latest_only())
        )
    )
    found |= commitment_reads.subjects_with_open(session, FULFILLED)
    window = _grade_window(signals)
    if window:
        found |= history.graded_between(session, on - dt.timedelta(days=window - 1), on)
    _, list_items = items_of(signals)
    if list_items:
        found |= namesakes(session, select(CreditRecord.subject_id).where(listed(list_items)))
    found |= set(
        session.scalars(
            select(Alert.subject_id).where(
                Alert.ended_on.is_(None), or_(Alert.holds_until.is_(None), Alert.holds_until >= on)
            )
        )
    )
    return found


def changed_subjects(session: Session, last: MonitorRun, signals: Sequence[Signal], on: dt.date) -> set[int]:
    """Subjects whose facts changed past the last run's marks, or that a date-driven signal reaches now."""
    record_items, list_items = items_of(signals)
    return (
        _written_since(session, last)
        | _dated_since(session, last, record_items | list_items, on)
        | _windows_reached(session, last, signals, on)
        | _linked_to_newly_listed(session, last, list_items, on)
        | _graded_since(session, last, signals, on)
    )


def _graded_since(session: Session, last: MonitorRun, signals: Sequence[Signal], on: dt.date) -> set[int]:
    """Subjects graded by a run finished since the last run, or by a run dated since the last run's day."""
    if not _grade_window(signals):
        return set()
    return history.graded_since(session, last.evaluation_finished_at) | history.graded_between(
        session, last.on + dt.timedelta(days=1), on
    )


def _written_since(session: Session, last: MonitorRun) -> set[int]:
    """Subjects with a record, a record event or a commitment event written after the last run."""
    found: set[int] = set(
        session.scalars(select(CreditRecord.subject_id).where(CreditRecord.id > last.max_record_id))
    )
    found |= set(
        session.scalars(
            select(CreditRecord.subject_id)
            .join(RecordEvent, RecordEvent.record_id == CreditRecord.id)
            .where(RecordEvent.id > last.max_record_event_id)
        )
    )
    found |= commitment_reads.subjects_changed_since(session, last.max_commitment_event_id)
    return found


def _dated_since(session: Session, last: MonitorRun, items: set[str], on: dt.date) -> set[int]:
    """Subjects whose dated facts (a repair effective, a decision dated ahead) take effect since the last run."""
    found: set[int] = (
        set(  # status events that take effect by date (a repair effective today) change what is usable
            session.scalars(
                select(CreditRecord.subject_id)
                .join(RecordEvent, RecordEvent.record_id == CreditRecord.id)
                .where(RecordEvent.effective_on > last.on, RecordEvent.effective_on <= on)
            )
        )
    )
    found |= set(  # records dated ahead that take effect since the last day looked at
        session.scalars(
            select(CreditRecord.subject_id).where(
                CreditRecord.catalog_item.in_(sorted(items)),
                or_(
                    and_(CreditRecord.decision_on > last.on, CreditRecord.decision_on <= on),
                    and_(CreditRecord.valid_from > last.on, CreditRecord.valid_from <= on),
                ),
            )
        )
    )
    return found


def _windows_reached(session: Session, last: MonitorRun, signals: Sequence[Signal], on: dt.date) -> set[int]:
    """Subjects a date-driven signal reaches since the last run (a licence ending, a commitment falling due)."""
    found: set[int] = set()
    for s in signals:
        cond = s.condition
        if isinstance(cond, LicenceCondition):  # validity ends entering the window since the last run
            found |= set(
                session.scalars(
                    select(CreditRecord.subject_id).where(
                        CreditRecord.catalog_item.in_(cond.catalog_items),
                        CreditRecord.valid_to > last.on + dt.timedelta(days=cond.days),
                        CreditRecord.valid_to <= on + dt.timedelta(days=cond.days),
                    )
                )
            )
        elif isinstance(cond, CommitmentCondition):  # commitments falling due since the last run
            lag = dt.timedelta(days=cond.overdue_after_days)
            found |= commitment_reads.subjects_due_between(session, last.on - lag, on - lag)
    return found


def _linked_to_newly_listed(
    session: Session, last: MonitorRun, list_items: set[str], on: dt.date
) -> set[int]:
    """Subjects sharing a legal representative with one whose listing changed since the last run.

    A listing changes when its record or a status event is written, and when it or an event takes effect
    by date (a listing recorded ahead of its decision day).
    """
    if not list_items:
        return set()
    dated_events = select(RecordEvent.record_id).where(
        or_(RecordEvent.id > last.max_record_event_id, RecordEvent.effective_on.between(last.on + DAY, on))
    )
    listed = select(CreditRecord.subject_id).where(
        CreditRecord.catalog_item.in_(sorted(list_items)),
        or_(
            CreditRecord.id > last.max_record_id,
            CreditRecord.decision_on.between(last.on + DAY, on),
            CreditRecord.id.in_(dated_events),
        ),
    )
    return namesakes(session, listed)


def namesakes(session: Session, listed: Select[int]) -> set[int]:
    """Return the subjects whose legal representative also represents another subject of ``listed`` in their
    county (the link signal's reach: a listed subject is not its own link).

    Grouped in Python after one scan with ``IN``: a self-join on the unindexed name is quadratic.
    """
    listed_ids = set(session.scalars(listed))
    if not listed_ids:
        return set()
    reps = select(Subject.legal_rep).where(Subject.id.in_(listed), Subject.legal_rep.is_not(None))
    groups: dict[tuple[str | None, str | None], list[int]] = defaultdict(list)
    for sid, rep, region in session.execute(
        select(Subject.id, Subject.legal_rep, Subject.region_code).where(Subject.legal_rep.in_(reps))
    ):
        groups[(rep, region)].append(sid)
    found: set[int] = set()
    for ids in groups.values():
        hits = listed_ids.intersection(ids)
        found |= {sid for sid in ids if hits - {sid}}
    return found


def set_marks(session: Session, run: MonitorRun) -> None:
    """Record on ``run`` the high-water marks of the facts written so far (the next incremental run starts there)."""
    run.max_record_id = session.scalar(select(func.max(CreditRecord.id))) or 0
    run.max_record_event_id = session.scalar(select(func.max(RecordEvent.id))) or 0
    run.max_commitment_event_id = commitment_reads.last_event_id(session)
    run.evaluation_finished_at = history.last_finished_at(session)
