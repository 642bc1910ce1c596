"""The single-subject engine equals the set-based batch on thousands of random synthetic subjects."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import evaluation as ev_factories
from tests.factories.subjects import department
from xinyong.evaluation import service
from xinyong.evaluation.models import EvaluationResult
from xinyong.kit.dates import sub_months
from xinyong.policy.loader import Policy


@pytest.mark.parametrize(
    ("seed", "as_of"), [(11, dt.date(2026, 10, 31)), (12, dt.date(2024, 2, 29)), (13, dt.date(2025, 12, 31))]
)
def test_single_subject_equals_batch(session: Session, policy: Policy, seed: int, as_of: dt.date) -> None:
    dept = department(session)
    edges = (as_of, *(sub_months(as_of, m) for m in (12, 36, 60, 120)))
    pop = ev_factories.random_population(session, dept.id, seed=seed, subjects=1200, edges=edges)
    assert pop.records > 3000
    assert pop.events > 1000
    run = service.run_evaluation(session, policy, as_of, actor="test")
    stored = {
        r.subject_id: r
        for r in session.scalars(select(EvaluationResult).where(EvaluationResult.run_id == run.id))
    }
    assert set(pop.subject_ids) <= set(stored)
    mismatches = []
    grades = set()
    for sid in pop.subject_ids:
        one = service.evaluate_one(session, policy, sid, as_of)
        assert one is not None
        batch = stored[sid]
        got = (one.score, one.grade, one.points, one.model_id, one.model_version, len(one.objection_records))
        want = (batch.score, batch.grade, batch.points, batch.model_id, batch.model_version, batch.objections)
        if got != want:
            mismatches.append((sid, got, want))
        grades.add(one.grade)
    assert mismatches == []
    assert len(grades) >= 4  # the random population spreads over the bands, so the comparison has teeth
