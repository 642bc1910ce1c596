"""Evaluation use cases: run the batch, explain one subject, read runs and distributions.

Services flush, never commit: the CLI command or the request owns the transaction.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from sqlalchemy import Connection, or_, select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth.principal import Principal, Role
from xinyong.db import utcnow
from xinyong.errors import Forbidden, Invalid, NotFound
from xinyong.evaluation import batch, single
from xinyong.evaluation import psi as psi_bands
from xinyong.evaluation.calibration import by_scale as by_scale  # re-exported: the PSI calibration by scale
from xinyong.evaluation.engine import Evaluation
from xinyong.evaluation.grades import GRADES_OF_SUBJECTS as GRADES_OF_SUBJECTS  # for set-based reads
from xinyong.evaluation.grades import grade_of_subject as grade_of_subject
from xinyong.evaluation.grades import grades_of_subjects as grades_of_subjects
from xinyong.evaluation.inputs import retention_rule
from xinyong.evaluation.loaders import SUPERVISION
from xinyong.evaluation.loaders import load_models as load_models  # uncached: for loaders under the lock
from xinyong.evaluation.models import EvaluationResult, EvaluationRun
from xinyong.evaluation.monitoring import psi_by_model
from xinyong.evaluation.spec import ModelSet
from xinyong.evaluation.supervision import SupervisionSet
from xinyong.policy.loader import Policy
from xinyong.subjects import scope
from xinyong.subjects.models import Subject, SubjectKind

psi_readings = psi_bands.readings  # re-exported: each model's PSI read by the bands in policy/psi/


models_of = single.models_of  # re-exported: the evaluation models of the policy
subject_inputs = single.subject_inputs  # re-exported: one subject's inputs (as known at an instant)
evaluate_one = single.evaluate_one  # re-exported: one subject scored by the single-subject engine
no_model = single.no_model  # re-exported: the answer when no model evaluated a kind on a day


def supervision_rules(policy: Policy) -> SupervisionSet:
    """Return the supervision rules (分级分类监管) of the policy."""
    return policy.section(SUPERVISION)


def county_map(policy: Policy) -> dict[str, str]:
    """Return region code (current and former) → county name."""
    out: dict[str, str] = {}
    for r in policy.regions.regions:
        out[r.code] = r.name
        for f in r.former_codes:
            out[f.code] = r.name
    return out


def _finished_by(known_at: dt.datetime | None) -> list[Any]:
    return [] if known_at is None else [EvaluationRun.finished_at <= known_at]


def latest_run(session: Session, known_at: dt.datetime | None = None) -> EvaluationRun | None:
    """Return the latest finished batch (finished by ``known_at`` when given; single-subject re-scores
    amend it, ``current_result``)."""
    return session.scalar(
        select(EvaluationRun)
        .where(EvaluationRun.status == "finished", EvaluationRun.kind == "batch", *_finished_by(known_at))
        .order_by(EvaluationRun.as_of.desc(), EvaluationRun.id.desc())
        .limit(1)
    )


CAUSE_LABELS = {"repair": "信用修复", "objection": "异议处理"}


def cause_text(cause: dict[str, Any] | None) -> str | None:
    """Return the Chinese reason of a re-score (e.g. 因信用修复案件 7 改变记录 12 重新评价)."""
    if not cause:
        return None
    label = CAUSE_LABELS.get(str(cause.get("type")), str(cause.get("type")))
    return f"因{label}案件 {cause.get('id')} 改变记录 {cause.get('record_id')}，重新评价"


def current_result(
    session: Session, subject_id: int, batch: EvaluationRun | None = None, known_at: dt.datetime | None = None
) -> tuple[EvaluationRun, EvaluationResult] | None:
    """Return the subject's newest stored result among the latest batch and its amendments (those finished
    by ``known_at`` when given: the result the platform held then)."""
    batch = batch or latest_run(session, known_at)
    if batch is None:
        return None
    row = session.execute(
        select(EvaluationRun, EvaluationResult)
        .join(EvaluationResult, EvaluationResult.run_id == EvaluationRun.id)
        .where(
            EvaluationResult.subject_id == subject_id,
            or_(EvaluationRun.id == batch.id, EvaluationRun.amends_run_id == batch.id),
            *_finished_by(known_at),
        )
        .order_by(EvaluationResult.id.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row is not None else None


def amendments(session: Session, batch: EvaluationRun) -> dict[int, EvaluationResult]:
    """Return subject → newest re-scored result amending ``batch``."""
    rows = session.scalars(
        select(EvaluationResult)
        .join(EvaluationRun, EvaluationResult.run_id == EvaluationRun.id)
        .where(EvaluationRun.amends_run_id == batch.id)
        .order_by(EvaluationResult.id)
    )
    return {r.subject_id: r for r in rows}


def _read(
    session: Session, policy: Policy, models: ModelSet, as_of: dt.date, sqlite_path: str | None
) -> tuple[Connection, batch.RawInputs]:
    """Read the run's inputs: from the SQLite file directly when given, else through the session."""
    if sqlite_path is not None:
        # Two SQLite libraries in one process must never hold the same file open at once (closing one's
        # descriptor drops the other's POSIX locks): release pooled connections, read, then connect.
        session.get_bind().dispose()  # type: ignore[union-attr]
        raw = batch.read_inputs_file(sqlite_path, policy, models, as_of)
        return session.connection(), raw
    conn = session.connection()
    return conn, batch.read_inputs(conn, policy, models, as_of)


def _audit_run(session: Session, run: EvaluationRun, actor: str) -> None:
    audit.append(
        session,
        actor=actor,
        action="evaluation.run",
        object_type="evaluation_run",
        object_id=run.id,
        detail={
            "as_of": run.as_of.isoformat(),
            "subjects": run.subjects,
            "models": run.model_versions,
            "policy_hash": run.policy_hash,
        },
    )


def run_evaluation(
    session: Session,
    policy: Policy,
    as_of: dt.date,
    *,
    actor: str,
    sqlite_path: str | None = None,
    threads: int | None = None,
) -> EvaluationRun:
    """Evaluate every subject as of ``as_of`` with the models in force; store the run and results."""
    started, known_at = time.perf_counter(), utcnow()  # known_at: the run is recomputed from this instant
    timings = batch.Timings()
    in_force = models_of(policy).in_force(as_of)
    if not in_force:
        raise Invalid(f"{as_of} 没有生效的评价模型", code="evaluation.no_model")
    rule = retention_rule(policy)
    conn, raw = _read(session, policy, models_of(policy), as_of, sqlite_path)
    t = timings.mark("read", started)
    con = batch.load_duckdb(raw, threads=threads)
    t = timings.mark("load", t)
    scored = batch.score(con, in_force, as_of, rule)
    t = timings.mark("score", t)
    dist = batch.distribution(con, county_map(policy))
    previous = latest_run(session)
    psi = psi_by_model(previous.distribution.get("score_bins", {}), dist["score_bins"]) if previous else {}
    t = timings.mark("monitor", t)
    total = len(raw.subjects)
    run = EvaluationRun(
        as_of=as_of,
        status="running",
        engine="duckdb",
        model_versions={m.id: m.version for m in in_force},
        policy_hash=policy.hash,
        subjects=scored,
        counts={
            "subjects_total": total,
            "subjects_scored": scored,
            "subjects_without_model": total - scored,
            "records_read": len(raw.records),
            "events_read": len(raw.events),
            "reader": raw.reader,
        },
        distribution=dist,
        psi=psi,
        previous_run_id=previous.id if previous else None,
        actor=actor,
        known_at=known_at,
    )
    session.add(run)
    session.flush()
    batch.write_results(conn, con, run.id, policy.hash)
    con.close()
    t = timings.mark("write", t)
    run.status = "finished"
    run.finished_at = utcnow()
    timings.steps["total"] = round(time.perf_counter() - started, 3)
    run.timings = dict(timings.steps)
    _audit_run(session, run, actor)
    session.flush()
    return run


def can_read(principal: Principal, subject: Subject) -> bool:
    """Tell whether ``principal`` may read ``subject``'s evaluation.

    The subject itself always may; government roles may read organisations', and so may a bank whose
    institution the organisation authorised with the score in scope (``scope.authorise_read`` checks the
    grant). Natural persons' scores are positive-use only and never public: only the person, or a 信易+
    provider through the person's consented token, reads them (《浙江省公共信用信息管理条例》第十五、十九条).
    """
    if principal.subject_id is not None and principal.subject_id == subject.id:
        return True
    if subject.kind == SubjectKind.NATURAL_PERSON.value:
        return False
    return principal.is_government or principal.role in (Role.AUDITOR, Role.BANK)


def explain(
    session: Session,
    policy: Policy,
    subject: Subject,
    principal: Principal,
    as_of: dt.date | None,
    *,
    today: dt.date,
    purpose: str | None = None,
    known_at: dt.datetime | None = None,
) -> dict[str, Any]:
    """Return one subject's evaluation with contributions, records, reasons and advice (audited read).

    ``as_of`` (valid date; default the latest run's) picks the model in force then; ``known_at`` cuts the
    inputs at what the platform had received (``records.asof``; ``None``: everything stored now).

    The score is not public: besides the role rule of :func:`can_read`, the caller must be in scope
    (a department within its region) and the read goes to the subject's 谁查询了我.
    """
    if not can_read(principal, subject):
        raise Forbidden("无权查看该主体的信用评价", code="evaluation.forbidden")
    scope.authorise_read(session, policy, principal, subject.id, what="evaluation", on=today, purpose=purpose)
    current = current_result(session, subject.id) if known_at is None else None
    run = current[0] if current else latest_run(session)
    on = as_of or (run.as_of if run else today)
    result = evaluate_one(session, policy, subject.id, on, known_at)
    if result is None:
        raise no_model(models_of(policy), subject.kind, on)
    stored = _stored(*current) if current is not None else None
    audit.append(
        session,
        actor=principal.actor,
        action="evaluation.read",
        object_type="subject",
        object_id=subject.id,
        detail={
            "as_of": on.isoformat(),
            "known_at": known_at and known_at.isoformat(),
            "model": result.model_id,
        },
    )
    return {
        "subject_id": subject.id,
        "name": subject.name,
        "kind": subject.kind,
        "as_of": on.isoformat(),
        "known_at": known_at,
        "model_id": result.model_id,
        "model_version": result.model_version,
        "use": result.use,
        "policy_hash": policy.hash,
        "score": result.score,
        "grade": result.grade,
        **_explained(result),
        "objection_records": list(result.objection_records),
        "stored": stored,
    }


def _stored(run: EvaluationRun, row: EvaluationResult) -> dict[str, Any]:
    """Return the stored result in force (its run, score, grade and why the run was made)."""
    return {
        "run_id": run.id,
        "kind": run.kind,
        "amends_run_id": run.amends_run_id,
        "as_of": run.as_of.isoformat(),
        "score": row.score,
        "grade": row.grade,
        "cause": run.cause,
        "reason": cause_text(run.cause),
    }


def _explained(result: Evaluation) -> dict[str, Any]:
    """Return the explanation of a score: each indicator's contribution, the reasons and the advice."""
    return {
        "contributions": [
            {
                "indicator": c.indicator_id,
                "name": c.name,
                "dimension": c.dimension,
                "value": c.value,
                "points": c.points,
                "max_points": c.cap,
                "records": list(c.records),
            }
            for c in result.contributions
        ],
        "reason_codes": [
            {"code": r.code, "name": r.name, "points_lost": r.points_lost} for r in result.reasons
        ],
        "advice": [
            {
                "indicator": a.indicator_id,
                "name": a.name,
                "text": a.text,
                "possible_gain": a.possible_gain,
                "earliest_on": a.earliest_on.isoformat() if a.earliest_on else None,
            }
            for a in result.advice
        ],
    }


def run_summary(run: EvaluationRun) -> dict[str, Any]:
    """Return a run as a plain dict."""
    return {
        "run_id": run.id,
        "kind": run.kind,
        "amends_run_id": run.amends_run_id,
        "cause": run.cause,
        "as_of": run.as_of.isoformat(),
        "status": run.status,
        "engine": run.engine,
        "subjects": run.subjects,
        "model_versions": run.model_versions,
        "policy_hash": run.policy_hash,
        "counts": run.counts,
        "timings": run.timings,
        "psi": run.psi,
        "previous_run_id": run.previous_run_id,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


def get_run(session: Session, run_id: int | None) -> EvaluationRun:
    """Return a run by id, or the latest finished run; raise ``NotFound``."""
    run = session.get(EvaluationRun, run_id) if run_id is not None else latest_run(session)
    if run is None:
        raise NotFound("尚无评价批次", code="evaluation.no_run")
    return run


def public_grade(session: Session, policy: Policy, subject_id: int) -> dict[str, Any] | None:
    """Return the subject's current grade for the public portal, only where its model publishes grades
    (``grade_disclosure: public``); the score and its contributions are never public."""
    found = current_result(session, subject_id)
    if found is None:
        return None
    run, result = found
    model = models_of(policy).get(result.model_id, result.model_version)
    if model is None or model.grade_disclosure != "public":
        return None
    return {"grade": result.grade, "as_of": run.as_of, "model": model.name, "model_version": model.version}


def results_of(session: Session, run_id: int, *, limit: int) -> list[EvaluationResult]:
    """Return up to ``limit`` stored results of a run, by subject (a sample to recompute)."""
    return list(
        session.scalars(
            select(EvaluationResult)
            .where(EvaluationResult.run_id == run_id)
            .order_by(EvaluationResult.subject_id)
            .limit(limit)
        )
    )


def recent_runs(session: Session, *, limit: int) -> list[EvaluationRun]:
    """Return the latest finished runs (batches and re-scores), newest first."""
    return list(
        session.scalars(
            select(EvaluationRun)
            .where(EvaluationRun.status == "finished")
            .order_by(EvaluationRun.id.desc())
            .limit(limit)
        )
    )
