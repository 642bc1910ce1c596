"""Re-score one subject at once when a repair or an objection changes one of its records.

Order 36 (信用修复管理办法) Art. 4: once repaired, information stops being used — so the stored score
must not wait for the next batch. ``rescore_after_change`` is registered in
``xinyong.wiring.RECORD_CHANGE_HOOKS`` and runs in the deciding transaction: it evaluates the subject with
the single-subject engine and stores the result as a ``rescore`` run that amends the latest batch (never
mistaken for a batch: ``service.latest_run`` reads batches only). Readers take the subject's newest result
among the latest batch and its amendments (``current_result``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.db import utcnow
from xinyong.evaluation.models import EvaluationResult, EvaluationRun
from xinyong.evaluation.service import evaluate_one, latest_run
from xinyong.policy.loader import Policy

RESCORE = "rescore"


class _Change(Protocol):
    """What the hook reads of ``outbox.changes.RecordChange`` (typed here: evaluation need not import outbox).

    Read-only members, so the frozen dataclass matches.
    """

    @property
    def record_id(self) -> int: ...
    @property
    def subject_id(self) -> int: ...
    @property
    def kinds(self) -> tuple[str, ...]: ...
    @property
    def effective_on(self) -> dt.date: ...
    @property
    def source_type(self) -> str: ...
    @property
    def source_id(self) -> int: ...
    @property
    def actor(self) -> str: ...


def rescore_after_change(session: Session, change: _Change, *, policy: Policy, now: dt.datetime) -> None:
    """Hook: re-score the changed record's subject, amending the latest batch (nothing before a batch)."""
    batch = latest_run(session)
    if batch is None:  # nothing stored yet: the first batch reads the change like any other
        return
    cause = {
        "type": change.source_type,
        "id": change.source_id,
        "record_id": change.record_id,
        "changes": list(change.kinds),
        "effective_on": change.effective_on.isoformat(),
    }
    rescore_subject(
        session,
        policy,
        change.subject_id,
        batch,
        as_of=max(batch.as_of, change.effective_on),
        cause=cause,
        actor=change.actor,
    )


def rescore_subject(
    session: Session,
    policy: Policy,
    subject_id: int,
    batch: EvaluationRun,
    *,
    as_of: dt.date,
    cause: dict[str, Any],
    actor: str,
) -> EvaluationRun | None:
    """Evaluate one subject as of ``as_of`` and store it as an amendment of ``batch``; audit it."""
    known_at = utcnow()  # the inputs' transaction-time cut-off (``records.asof``): replayable
    result = evaluate_one(session, policy, subject_id, as_of)
    if result is None:  # no model for the subject's kind
        return None
    run = EvaluationRun(
        kind=RESCORE,
        amends_run_id=batch.id,
        cause=cause,
        as_of=as_of,
        status="finished",
        engine="single",
        model_versions={result.model_id: result.model_version},
        policy_hash=policy.hash,
        subjects=1,
        counts={"subjects_scored": 1},
        distribution={},
        psi={},
        actor=actor,
        finished_at=utcnow(),
        known_at=known_at,
    )
    session.add(run)
    session.flush()
    session.add(
        EvaluationResult(
            run_id=run.id,
            subject_id=subject_id,
            model_id=result.model_id,
            model_version=result.model_version,
            score=result.score,
            grade=result.grade,
            points=result.points,
            objections=len(result.objection_records),
            policy_hash=policy.hash,
        )
    )
    detail = {"run_id": run.id, "amends_run_id": batch.id, "as_of": as_of.isoformat()}
    detail.update(score=result.score, grade=result.grade, cause=cause)
    audit.append(
        session,
        actor=actor,
        action="evaluation.rescore",
        object_type="subject",
        object_id=subject_id,
        detail=detail,
    )
    session.flush()
    return run
