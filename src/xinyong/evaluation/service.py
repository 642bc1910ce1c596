"""Evaluation use cases: run the batch, explain one subject, read runs and distributions.

Services flush, never commit: the CLI command or the request owns the transaction.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from sqlalchemy import Connection, bindparam, or_, select, text
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth.principal import Principal, Role
from xinyong.db import UTCDateTime, utcnow
from xinyong.errors import Forbidden, Invalid, NotFound
from xinyong.evaluation import batch, queries
from xinyong.evaluation import psi as psi_bands
from xinyong.evaluation.calibration import by_scale as by_scale  # re-exported: the PSI calibration by scale
from xinyong.evaluation.engine import Evaluation, SubjectFacts, evaluate, facts_from_rows
from xinyong.evaluation.grades import GRADES_OF_SUBJECTS as GRADES_OF_SUBJECTS  # for set-based reads
from xinyong.evaluation.grades import grade_of_subject as grade_of_subject
from xinyong.evaluation.inputs import EvaluatedRecord, retention_rule
from xinyong.evaluation.loaders import MODELS, SUPERVISION
from xinyong.evaluation.loaders import load_models as load_models  # uncached: for loaders under the lock
from xinyong.evaluation.models import EvaluationResult, EvaluationRun
from xinyong.evaluation.monitoring import psi_by_model
from xinyong.evaluation.spec import ModelSet
from xinyong.evaluation.supervision import SupervisionSet
from xinyong.policy.loader import Policy
from xinyong.subjects import scope
from xinyong.subjects.models import Subject, SubjectKind

psi_readings = psi_bands.readings  # re-exported: each model's PSI read by the bands in policy/psi/


def models_of(policy: Policy) -> ModelSet:
    """Return the evaluation models of the policy."""
    return policy.section(MODELS)


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


def latest_run(session: Session) -> EvaluationRun | None:
    """Return the latest finished batch (single-subject re-scores amend it, ``current_result``)."""
    return session.scalar(
        select(EvaluationRun)
        .where(EvaluationRun.status == "finished", EvaluationRun.kind == "batch")
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
    session: Session, subject_id: int, batch: EvaluationRun | None = None
) -> tuple[EvaluationRun, EvaluationResult] | None:
    """Return the subject's newest stored result among the latest batch and its amendments."""
    batch = batch or latest_run(session)
    if batch is None:
        return None
    row = session.execute(
        select(EvaluationRun, EvaluationResult)
        .join(EvaluationResult, EvaluationResult.run_id == EvaluationRun.id)
        .where(
            EvaluationResult.subject_id == subject_id,
            or_(EvaluationRun.id == batch.id, EvaluationRun.amends_run_id == batch.id),
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
    started = time.perf_counter()
    timings = batch.Timings()
    models = models_of(policy)
    in_force = models.in_force(as_of)
    if not in_force:
        raise Invalid(f"{as_of} 没有生效的评价模型", code="evaluation.no_model")
    rule = retention_rule(policy)
    conn, raw = _read(session, policy, models, as_of, sqlite_path)
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


def subject_inputs(
    session: Session, policy: Policy, subject_id: int, known_at: dt.datetime | None = None
) -> tuple[SubjectFacts, list[EvaluatedRecord]] | None:
    """Read one subject's evaluation inputs from the system of record (the batch's SELECTs, one subject),
    as the platform held them at ``known_at`` (``None``: everything stored now; ``records.asof``)."""
    conn = session.connection()
    dialect = conn.dialect.name
    fields = queries.payload_fields(policy, models_of(policy))
    known = known_at is not None
    params: dict[str, Any] = {"subject_id": subject_id, "known_at": known_at}
    cut = bindparam("known_at", type_=UTCDateTime())
    subject_row = conn.execute(text(queries.subjects_sql(dialect, one_subject=True)), params).first()
    if subject_row is None:
        return None
    records_sql = text(queries.records_sql(dialect, fields, one_subject=True, known=known))
    records = conn.execute(records_sql.bindparams(cut) if known else records_sql, params).all()
    # the events of exactly these records, by the record index: a sub-select on the subject let
    # PostgreSQL pick a plan that walked every event of an unanalysed table once per subject
    ids = [r[0] for r in records]
    events_sql = text(queries.events_sql(dialect, one_subject=True, known=known)).bindparams(
        bindparam("ids", expanding=True), *([cut] if known else [])
    )
    events = conn.execute(events_sql, {"ids": ids, "known_at": known_at}).all() if ids else []
    return facts_from_rows(tuple(subject_row), [tuple(r) for r in records], [tuple(e) for e in events])


def evaluate_one(
    session: Session, policy: Policy, subject_id: int, as_of: dt.date, known_at: dt.datetime | None = None
) -> Evaluation | None:
    """Evaluate one subject from the system of record with the single-subject engine (as of ``as_of``,
    with what was received by ``known_at``)."""
    found = subject_inputs(session, policy, subject_id, known_at)
    if found is None:
        return None
    facts, record_facts = found
    model = models_of(policy).for_kind(facts.kind, as_of)
    if model is None:
        return None
    return evaluate(facts, record_facts, model, as_of, policy)


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
    scope.authorise_read(
        session,
        policy,
        principal,
        subject.id,
        what="evaluation",
        on=today,
        purpose=purpose,
    )
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
            "known_at": known_at.isoformat() if known_at else None,
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


def no_model(models: ModelSet, kind: str, on: dt.date) -> NotFound:
    """Return the answer that no model evaluated ``kind`` on ``on``: none at all, or none in force then.

    The models' own effective dates decide (``policy/models/``): before the earliest ``effective_from``
    of the kind's models the platform had no model to score it with, and says so with the dates.
    """
    of_kind = [m for m in models.models if kind in m.subject_kinds]
    if not of_kind:
        return NotFound(f"本平台没有适用于“{kind}”的公共信用评价模型", code="evaluation.no_model")
    spans = "；".join(
        f"{m.name}（{m.version}）自 {m.effective_from.isoformat()} 起施行"
        + (f"，至 {m.effective_to.isoformat()} 止" if m.effective_to else "")
        for m in sorted(of_kind, key=lambda m: m.effective_from)
    )
    return NotFound(
        f"{on.isoformat()} 没有施行中的评价模型，该日不作公共信用评价：{spans}",
        code="evaluation.no_model_in_force",
        on=on.isoformat(),
        models=[
            {"id": m.id, "version": m.version, "effective_from": m.effective_from.isoformat()}
            for m in of_kind
        ],
    )


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
