"""The evaluation's grades as SQL other capabilities compose into their own set-based reads.

A subject's grade is its newest result among the latest finished batch and the single-subject re-scores
amending it (``current_result`` in the service); the checks of ``sanctions`` read grades for thousands of
subjects at once, so the owner hands out the statements instead of a row-by-row function.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, or_, select

from xinyong.evaluation.models import EvaluationResult, EvaluationRun

_RES = EvaluationResult.__table__
_RUN = EvaluationRun.__table__
# The latest finished batch, as ``xinyong.evaluation.service.latest_run`` uses it; a subject's grade is its
# newest result among that batch and the single-subject re-scores amending it (``current_result``).
_LATEST_RUN = (
    select(_RUN.c.id)
    .where(_RUN.c.status == "finished", _RUN.c.kind == "batch")
    .order_by(_RUN.c.as_of.desc(), _RUN.c.id.desc())
    .limit(1)
    .scalar_subquery()
)
_OF_LATEST = or_(_RUN.c.id == _LATEST_RUN, _RUN.c.amends_run_id == _LATEST_RUN)


def grade_of_subject(subject_id: Any, column: str = "grade") -> Any:
    """Return a scalar subquery: ``column`` of the newest result of ``subject_id`` in the latest batch.

    ``grade`` or ``model_id`` (a grade is a name on its model's scale, so the two are read together).
    The newest result is found as ``max(id)`` over the subject's index entries, then read by primary key
    (an ``ORDER BY id DESC LIMIT 1`` made SQLite sort in a temporary tree for every subject).
    """
    newest = (
        select(func.max(_RES.c.id))
        .join(_RUN, _RUN.c.id == _RES.c.run_id)
        .where(_RES.c.subject_id == subject_id, _OF_LATEST)
        .correlate_except(_RES, _RUN)  # the subject column comes from the enclosing query, two levels up
        .scalar_subquery()
    )
    return select(_RES.c[column]).where(_RES.c.id == newest).correlate_except(_RES).scalar_subquery()


_NEWEST = (
    select(func.max(_RES.c.id).label("rid"))
    .join(_RUN, _RUN.c.id == _RES.c.run_id)
    .where(_RES.c.subject_id.in_(bindparam("ids", expanding=True)), _OF_LATEST)
    .group_by(_RES.c.subject_id)
    .subquery()
)
# (subject id, model id, grade) of the subjects bound to ``ids`` (expanding), from the latest batch.
GRADES_OF_SUBJECTS = select(_RES.c.subject_id, _RES.c.model_id, _RES.c.grade).join(
    _NEWEST, _RES.c.id == _NEWEST.c.rid
)


def _latest_run_known() -> Any:
    """The latest batch finished by ``:known_at`` (``records.asof``)."""
    return (
        select(_RUN.c.id)
        .where(_RUN.c.status == "finished", _RUN.c.kind == "batch", _RUN.c.finished_at <= _KNOWN_AT)
        .order_by(_RUN.c.as_of.desc(), _RUN.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


_KNOWN_AT = bindparam("known_at", type_=_RUN.c.finished_at.type)
_LATEST_KNOWN = _latest_run_known()
_NEWEST_KNOWN = (
    select(func.max(_RES.c.id).label("rid"))
    .join(_RUN, _RUN.c.id == _RES.c.run_id)
    .where(
        _RES.c.subject_id.in_(bindparam("ids", expanding=True)),
        or_(_RUN.c.id == _LATEST_KNOWN, _RUN.c.amends_run_id == _LATEST_KNOWN),
        _RUN.c.finished_at <= _KNOWN_AT,
    )
    .group_by(_RES.c.subject_id)
    .subquery()
)
# The same as of a past instant: the batch finished by ``known_at`` and the re-scores finished by then.
GRADES_OF_SUBJECTS_KNOWN = select(_RES.c.subject_id, _RES.c.model_id, _RES.c.grade).join(
    _NEWEST_KNOWN, _RES.c.id == _NEWEST_KNOWN.c.rid
)


def grades_of_subjects(*, known: bool) -> Any:
    """Return :data:`GRADES_OF_SUBJECTS`, or its ``known_at``-bound form for a read of the past."""
    return GRADES_OF_SUBJECTS_KNOWN if known else GRADES_OF_SUBJECTS
