"""Public: a subject's stored grades over time (for 信用大脑's grade-drop signal and the timeline).

Reads finished runs only (batches and the re-scores amending them); the grade order comes from the model
that gave each grade (``ranked_grades`` in ``policy/models/``), never from code.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.evaluation.loaders import load_models
from xinyong.evaluation.models import EvaluationResult, EvaluationRun
from xinyong.policy.loader import Policy


@dataclass(frozen=True)
class StoredGrade:
    """A grade a subject was given by a finished run, with its place on the model's grade scale."""

    result_id: int
    as_of: dt.date
    grade: str
    scale: tuple[str, ...]  # the model's grade names from the lowest to the highest
    rank: int  # index of ``grade`` in ``scale`` (0: the lowest)


def grade_history(
    session: Session, policy: Policy, subject_ids: Sequence[int], first: dt.date, last: dt.date
) -> dict[int, list[StoredGrade]]:
    """Return each subject's grades of runs dated ``first``..``last``, oldest first (ties: the later result)."""
    models = policy.section("models", load_models)
    rows = session.execute(
        select(
            EvaluationResult.id,
            EvaluationResult.subject_id,
            EvaluationRun.as_of,
            EvaluationResult.model_id,
            EvaluationResult.model_version,
            EvaluationResult.grade,
        )
        .join(EvaluationRun, EvaluationRun.id == EvaluationResult.run_id)
        .where(
            EvaluationResult.subject_id.in_(subject_ids),
            EvaluationRun.status == "finished",
            EvaluationRun.as_of >= first,
            EvaluationRun.as_of <= last,
        )
        .order_by(EvaluationRun.as_of, EvaluationResult.id)
    ).all()
    out: dict[int, list[StoredGrade]] = defaultdict(list)
    for result_id, subject_id, as_of, model_id, version, grade in rows:
        model = models.get(model_id, version)
        if model is None or grade not in model.ranked_grades:
            continue  # a result of a model no longer in the policy cannot be placed on a scale
        scale = tuple(model.ranked_grades)
        out[subject_id].append(StoredGrade(result_id, as_of, grade, scale, scale.index(grade)))
    return out


def graded_between(session: Session, first: dt.date, last: dt.date) -> set[int]:
    """Return the subjects with a grade of a finished run dated ``first``..``last``."""
    return set(
        session.scalars(
            select(EvaluationResult.subject_id)
            .join(EvaluationRun, EvaluationRun.id == EvaluationResult.run_id)
            .where(
                EvaluationRun.status == "finished", EvaluationRun.as_of >= first, EvaluationRun.as_of <= last
            )
        )
    )


def graded_since(session: Session, finished_after: dt.datetime | None) -> set[int]:
    """Return the subjects graded by runs finished after ``finished_after`` (all finished runs for ``None``).

    By the time a run finished, not by result id: a long batch started before a reader's mark but finishing
    after it is still seen.
    """
    q = select(EvaluationResult.subject_id).join(EvaluationRun, EvaluationRun.id == EvaluationResult.run_id)
    q = q.where(EvaluationRun.status == "finished")
    if finished_after is not None:
        q = q.where(EvaluationRun.finished_at > finished_after)
    return set(session.scalars(q))


def last_finished_at(session: Session) -> dt.datetime | None:
    """Return when the latest finished run finished (a high-water mark for incremental readers)."""
    return session.scalar(
        select(func.max(EvaluationRun.finished_at)).where(EvaluationRun.status == "finished")
    )


def grades_of_subject(session: Session, subject_id: int) -> list[tuple[dt.date, str, Any]]:
    """Return (run date, grade, score) of every finished run that graded the subject, oldest first."""
    rows = session.execute(
        select(EvaluationRun.as_of, EvaluationResult.grade, EvaluationResult.score)
        .join(EvaluationRun, EvaluationRun.id == EvaluationResult.run_id)
        .where(EvaluationResult.subject_id == subject_id, EvaluationRun.status == "finished")
        .order_by(EvaluationRun.as_of)
    ).all()
    return [(as_of, grade, score) for as_of, grade, score in rows]
