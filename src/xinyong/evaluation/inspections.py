"""分级分类监管 use cases: a subject's supervision class, and audited, reproducible 双随机 draws."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth import service as auth_service
from xinyong.departments import service as departments_service
from xinyong.departments.models import Department
from xinyong.errors import Invalid, NotFound
from xinyong.evaluation import supervision
from xinyong.evaluation.models import EvaluationResult, EvaluationRun, InspectionDraw, InspectionDrawMember
from xinyong.evaluation.service import amendments, current_result, latest_run, supervision_rules
from xinyong.evaluation.supervision import SupervisionRule
from xinyong.policy.loader import Policy
from xinyong.subjects.models import Subject


def rule_for(policy: Policy, department: Department, on: dt.date) -> SupervisionRule:
    """Return the department's rule in force, or raise ``NotFound``."""
    rule = supervision_rules(policy).for_department(department.code, on)
    if rule is None:
        raise NotFound(
            f"部门 {department.code} 在 {on} 没有生效的分级分类监管规则", code="supervision.no_rule"
        )
    return rule


def subject_class(
    session: Session,
    policy: Policy,
    subject: Subject,
    department: Department,
    *,
    actor: str,
    today: dt.date,
    on: dt.date | None = None,
    known_at: dt.datetime | None = None,
) -> dict[str, Any]:
    """Return the subject's supervision class for a department, from the latest evaluation run.

    A read of the past (``records.asof``) takes the latest run the platform had finished by ``known_at``
    and the department's rule in force on ``on`` (default: the run's date): the class it answered then.
    """
    run = latest_run(session, known_at)
    on = on or (run.as_of if run else today)
    rule = rule_for(policy, department, on)
    current = current_result(session, subject.id, run, known_at) if run is not None else None
    result = current[1] if current else None
    cls = rule.class_of(result.grade if result else None)
    audit.append(
        session,
        actor=actor,
        action="supervision.read",
        object_type="subject",
        object_id=subject.id,
        detail={"department": department.code, "class": cls.code},
    )
    return {
        "subject_id": subject.id,
        "name": subject.name,
        "department": department.code,
        "rule": {"id": rule.id, "version": rule.version},
        "class": cls.code,
        "label": cls.label,
        "inspection_ratio": {"min": cls.ratio_min, "max": cls.ratio_max, "target": cls.ratio},
        "frequency": cls.frequency,
        "grade": result.grade if result else None,
        "score": result.score if result else None,
        "run_id": run.id if run else None,
        "as_of": on.isoformat(),
        "known_at": known_at,
        "policy_hash": policy.hash,
    }


def _population(
    session: Session, policy: Policy, department: Department, rule: SupervisionRule, run: EvaluationRun | None
) -> tuple[dict[str, list[int]], dict[int, int | None]]:
    run_id = run.id if run is not None else -1  # no run yet: the join finds nothing, all unrated
    query = (
        select(Subject.id, EvaluationResult.grade, EvaluationResult.score)
        .outerjoin(
            EvaluationResult,
            (EvaluationResult.subject_id == Subject.id) & (EvaluationResult.run_id == run_id),
        )
        .where(Subject.kind.in_(rule.subject_kinds))
    )
    if department.region_code != policy.city_region:
        query = query.where(Subject.region_code == department.region_code)
    members: dict[str, list[int]] = {c: [] for c in supervision.CLASS_CODES}
    scores: dict[int, int | None] = {}
    rescored = amendments(session, run) if run is not None else {}
    for sid, grade, score in session.execute(query):
        if sid in rescored:  # re-scored after a repair or an objection since the batch
            grade, score = rescored[sid].grade, rescored[sid].score
        members[rule.class_of(grade).code].append(int(sid))
        scores[int(sid)] = score
    return members, scores


def _audit_draw(session: Session, row: InspectionDraw, department_code: str, actor: str) -> None:
    audit.append(
        session,
        actor=actor,
        action="inspections.draw",
        object_type="inspection_draw",
        object_id=row.id,
        detail={
            "department": department_code,
            "seed": row.seed,
            "size": row.size,
            "allocation": row.allocation,
            "members_hash": row.members_hash,
            "run_id": row.run_id,
            "policy_hash": row.policy_hash,
        },
    )


def draw(
    session: Session,
    policy: Policy,
    department_code: str,
    size: int,
    seed: int,
    *,
    actor: str,
    today: dt.date,
) -> InspectionDraw:
    """Draw ``size`` subjects for inspection by class (双随机), store and audit the draw."""
    if size <= 0:
        raise Invalid("抽查数量必须为正整数", code="inspections.bad_size")
    department = departments_service.by_code(session, department_code)
    run = latest_run(session)
    on = run.as_of if run else today
    rule = rule_for(policy, department, on)
    members, scores = _population(session, policy, department, rule, run)
    population = {c: len(ids) for c, ids in members.items()}
    alloc = supervision.allocate(rule, population, size)
    drawn = supervision.draw_members(members, alloc, seed)
    inspectors = auth_service.inspectors_of(session, department.id)
    all_ids = [sid for ids in drawn.values() for sid in ids]
    assigned = supervision.assign_inspectors(all_ids, inspectors, seed)
    row = InspectionDraw(
        department_id=department.id,
        run_id=run.id if run else None,
        seed=seed,
        size=size,
        supervision_id=rule.id,
        supervision_version=rule.version,
        policy_hash=policy.hash,
        population=population,
        allocation={c: len(ids) for c, ids in drawn.items()},
        members_hash=supervision.members_hash(drawn),
        actor=actor,
    )
    session.add(row)
    session.flush()
    session.add_all(
        InspectionDrawMember(
            draw_id=row.id, subject_id=sid, class_code=code, score=scores.get(sid), inspector=assigned[sid]
        )
        for code, ids in drawn.items()
        for sid in ids
    )
    _audit_draw(session, row, department.code, actor)
    session.flush()
    return row


def draw_summary(session: Session, row: InspectionDraw) -> dict[str, Any]:
    """Return a stored draw with its members."""
    members = session.scalars(
        select(InspectionDrawMember)
        .where(InspectionDrawMember.draw_id == row.id)
        .order_by(InspectionDrawMember.id)
    ).all()
    return {
        "draw_id": row.id,
        "seed": row.seed,
        "size": row.size,
        "run_id": row.run_id,
        "rule": {"id": row.supervision_id, "version": row.supervision_version},
        "policy_hash": row.policy_hash,
        "population": row.population,
        "allocation": row.allocation,
        "members_hash": row.members_hash,
        "members": [
            {"subject_id": m.subject_id, "class": m.class_code, "score": m.score, "inspector": m.inspector}
            for m in members
        ],
    }
