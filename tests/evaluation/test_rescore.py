"""Issue 7: an approved repair re-scores the subject at once (Order 36: evaluation stops counting it)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import repair as f
from tests.factories.subjects import enterprise
from xinyong.auth.principal import Role
from xinyong.evaluation import inspections, service
from xinyong.evaluation.models import EvaluationRun
from xinyong.repair import service as repair_service
from xinyong.repair import storage
from xinyong.runtime import Runtime
from xinyong.sanctions.inputs import load_grades

AS_OF = dt.date(2026, 9, 30)


def _now(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(2), tzinfo=dt.UTC)


def test_approved_repair_rescores_the_subject(session: Session, runtime: Runtime, tmp_path: Path) -> None:
    policy = runtime.policy
    subject = enterprise(
        session, runtime.keys, name="台州市重评测试有限公司", established_on=dt.date(2010, 1, 1)
    )
    dept = f.department(session, "TZ-STHJ", "environment", "台州市生态环境局")
    penalty = f.record(
        session,
        subject_id=subject.id,
        department_id=dept.id,
        decision_on=dt.date(2026, 5, 10),
        severity="一般",
    )
    subject_p, _ = f.api_key(session, Role.SUBJECT, subject_id=subject.id)
    officer_p, _ = f.api_key(session, Role.OFFICER, department_id=dept.id)
    admin_p, _ = f.api_key(session, Role.ADMIN)

    batch = service.run_evaluation(session, policy, AS_OF, actor="test")
    before = service.explain(session, policy, subject, admin_p, None, today=dt.date(2026, 6, 1))
    penalised = {c["indicator"]: c for c in before["contributions"]}["penalty_general_36m"]
    assert penalty.id in penalised["records"]
    assert before["stored"]["run_id"] == batch.id
    assert before["stored"]["kind"] == "batch"

    day = dt.date(2026, 10, 9)
    case = repair_service.submit_repair(
        session,
        policy,
        subject_p,
        record_id=penalty.id,
        obligations_fulfilled=True,
        commitment_accepted=True,
        uploads=[storage.Upload("performance_proof", "缴款凭证.pdf", "application/pdf", b"%PDF-1.4 paid")],
        now=_now(day),
        today=day,
        var_dir=tmp_path,
        max_bytes=10_000_000,
    )
    repair_service.accept_repair(session, policy, officer_p, case.id, now=_now(day), today=day)
    repair_service.decide_repair(
        session, policy, officer_p, case.id, outcome="approved", reason="已履行义务", now=_now(day), today=day
    )

    # the batch is still the latest batch; a re-score run amends it, caused by the repair case
    assert service.latest_run(session).id == batch.id  # type: ignore[union-attr]
    rescores = session.scalars(select(EvaluationRun).where(EvaluationRun.kind == "rescore")).all()
    assert len(rescores) == 1
    rescore = rescores[0]
    assert rescore.amends_run_id == batch.id
    assert rescore.as_of == day
    assert rescore.cause is not None
    assert rescore.cause["type"] == "repair"
    assert rescore.cause["id"] == case.id
    assert rescore.cause["record_id"] == penalty.id

    after = service.explain(session, policy, subject, admin_p, None, today=dt.date(2026, 6, 1))
    assert after["stored"]["run_id"] == rescore.id
    assert after["stored"]["kind"] == "rescore"
    assert after["stored"]["reason"] == f"因信用修复案件 {case.id} 改变记录 {penalty.id}，重新评价"
    assert after["stored"]["score"] > before["stored"]["score"]
    assert after["stored"]["score"] == after["score"]
    assert after["as_of"] == day.isoformat()
    contributions = {c["indicator"]: c for c in after["contributions"]}
    assert all(penalty.id not in c["records"] for c in contributions.values())
    # the check API's grade and the supervision class read the re-scored result too
    grade_label = load_grades(session, {subject.id: subject.kind}, policy, None)[subject.id][0]
    both = load_grades(session, {subject.id: subject.kind, subject.id + 10_000: subject.kind}, policy, None)
    assert both[subject.id][0] == grade_label  # the batch path reads the same newest result
    labels = policy.enum_labels("grade") if "grade" in policy.enums.enums else {}
    assert grade_label == labels.get(after["stored"]["grade"], after["stored"]["grade"])
    dept_row = f.department(session, "TZ-STHJ", "environment")
    klass = inspections.subject_class(
        session, policy, subject, dept_row, actor="test", today=dt.date(2026, 6, 1)
    )
    assert klass["score"] == after["stored"]["score"]


def test_no_batch_no_rescore(session: Session, runtime: Runtime) -> None:
    """Before any batch there is nothing stored to amend: the first batch reads the change."""
    from xinyong.evaluation.rescore import rescore_after_change
    from xinyong.outbox.changes import RecordChange

    subject = enterprise(session, runtime.keys, name="台州市无批次测试有限公司")
    change = RecordChange(
        record_id=1,
        record_key="k",
        subject_id=subject.id,
        kinds=("repaired",),
        effective_on=AS_OF,
        source_type="repair",
        source_id=1,
        reason="r",
        actor="test",
    )
    rescore_after_change(session, change, policy=runtime.policy, now=_now(AS_OF))
    assert session.scalars(select(EvaluationRun)).all() == []


def test_objection_outcome_rescores_the_subject(session: Session, runtime: Runtime) -> None:
    """An objection found well-founded deletes the record; the stored score follows at once."""
    from xinyong.objections import service as objections_service

    policy = runtime.policy
    subject = enterprise(
        session, runtime.keys, name="台州市异议重评有限公司", established_on=dt.date(2010, 1, 1)
    )
    dept = f.department(session, "TZ-STHJ", "environment", "台州市生态环境局")
    penalty = f.record(
        session,
        subject_id=subject.id,
        department_id=dept.id,
        decision_on=dt.date(2026, 5, 10),
        severity="一般",
    )
    subject_p, _ = f.api_key(session, Role.SUBJECT, subject_id=subject.id)
    officer_p, _ = f.api_key(session, Role.OFFICER, department_id=dept.id)
    batch = service.run_evaluation(session, policy, AS_OF, actor="test")
    before = service.current_result(session, subject.id)
    assert before is not None
    day = dt.date(2026, 10, 9)
    obj, _code = objections_service.submit_objection(
        session,
        policy,
        subject_p,
        record_id=penalty.id,
        ground="wrong",
        description="处罚对象认定错误",
        contact_name="张三",
        contact_phone="13800000000",
        contact_email=None,
        now=_now(day),
        today=day,
    )
    objections_service.accept_objection(session, policy, officer_p, obj.id, now=_now(day), today=day)
    objections_service.decide_objection(
        session,
        policy,
        officer_p,
        obj.id,
        outcome="delete",
        reason="核实有误",
        changes=None,
        now=_now(day),
        today=day,
    )
    after = service.current_result(session, subject.id)
    assert after is not None
    run, result = after
    assert run.kind == "rescore"
    assert run.amends_run_id == batch.id
    assert run.cause is not None
    assert (run.cause["type"], run.cause["id"]) == ("objection", obj.id)
    assert result.score > before[1].score
    assert service.cause_text(run.cause) == f"因异议处理案件 {obj.id} 改变记录 {penalty.id}，重新评价"
