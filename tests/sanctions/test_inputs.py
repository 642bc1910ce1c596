"""The fact loader: newest versions only, events and retention fold into exclusions; grades seam."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from tests.factories import sanctions as f
from tests.factories.subjects import enterprise
from xinyong.records.models import RecordEventKind
from xinyong.runtime import Runtime
from xinyong.sanctions import engine, inputs

ON = dt.date(2026, 11, 2)
ITEMS = {"xzcf", "yzsxmd", "sxbzxr", "jyycml"}


def test_facts_fold_versions_events_and_retention(session: Session, runtime: Runtime) -> None:
    s = enterprise(session, runtime.keys)
    old = f.record(session, s, severity="一般")
    new = f.record(session, s, severity="严重", supersedes=old)
    repaired = f.record(session, s)
    f.event(session, repaired, RecordEventKind.REPAIRED, dt.date(2026, 5, 1))
    later = f.record(session, s)
    f.event(session, later, RecordEventKind.REPAIRED, dt.date(2026, 12, 1))  # after the day asked
    suspended = f.record(session, s)
    f.event(session, suspended, RecordEventKind.SUSPENDED, dt.date(2026, 4, 1))
    f.event(session, suspended, RecordEventKind.UNSUSPENDED, dt.date(2026, 5, 1))
    stale = f.record(session, s, decided=dt.date(2021, 1, 1))
    still_listed = f.listed(session, s, decided=dt.date(2020, 1, 1))
    removed = f.listed(session, s, "sxbzxr")
    f.event(session, removed, RecordEventKind.LIST_REMOVED, dt.date(2026, 9, 1))
    objected = f.record(session, s)
    f.event(session, objected, RecordEventKind.OBJECTION_OPENED, dt.date(2026, 10, 1))
    facts = {
        x.record_id: x
        for x in inputs.load_trigger_facts(session, {s.id: s.kind}, ON, runtime.policy, ITEMS)[s.id]
    }
    assert old.id not in facts
    assert facts[new.id].severity == "严重"
    assert facts[new.id].excluded is None
    assert "修复" in (facts[repaired.id].excluded or "")
    assert facts[later.id].excluded is None
    assert facts[suspended.id].excluded is None
    # the subject is still on a serious list: retention of all its negative records is extended (Art. 16)
    assert facts[stale.id].excluded is None
    assert facts[still_listed.id].excluded is None
    assert facts[still_listed.id].list_type == "严重违法失信名单"
    # a removed entry is history (still shared), but its listing ended on the removal day
    assert facts[removed.id].list_end == dt.date(2026, 9, 1)
    assert "移出" in (engine.fact_usable(facts[removed.id], ON) or "")
    assert facts[objected.id].under_objection
    assert facts[objected.id].excluded is None
    # without a listing, a record past the 5-year retention is out of the credit file
    t = enterprise(session, runtime.keys)
    old_t = f.record(session, t, decided=dt.date(2021, 1, 1))
    (fact,) = inputs.load_trigger_facts(session, {t.id: t.kind}, ON, runtime.policy, ITEMS)[t.id]
    assert fact.record_id == old_t.id
    assert fact.excluded is not None
    assert "保存期" in fact.excluded


def _run(session: Session, status: str, as_of: dt.date) -> int:
    from xinyong.evaluation.models import EvaluationRun

    run = EvaluationRun(as_of=as_of, policy_hash="h", actor="test", status=status)
    session.add(run)
    session.flush()
    return run.id


def _grade(session: Session, run_id: int, subject_id: int, grade: str) -> None:
    from xinyong.evaluation.models import EvaluationResult

    session.add(
        EvaluationResult(
            run_id=run_id,
            subject_id=subject_id,
            model_id="m",
            model_version="1",
            score=900,
            grade=grade,
            points={},
            policy_hash="h",
        )
    )
    session.flush()


def test_ungraded_subject_gets_the_unrated_class(session: Session, runtime: Runtime) -> None:
    s = enterprise(session, runtime.keys)
    rule = inputs.supervision_rule(runtime.policy, None, ON)
    assert rule is not None
    assert inputs.load_grades(session, {s.id: s.kind}, runtime.policy, rule) == {
        s.id: (None, rule.unrated_class, None)
    }


def test_grade_of_latest_finished_run_mapped_to_supervision_class(session: Session, runtime: Runtime) -> None:
    s = enterprise(session, runtime.keys)
    t = enterprise(session, runtime.keys)
    old = _run(session, "finished", dt.date(2026, 9, 30))
    latest = _run(session, "finished", dt.date(2026, 10, 31))
    running = _run(session, "running", dt.date(2026, 11, 1))  # not finished: ignored
    _grade(session, old, s.id, "优秀")
    _grade(session, latest, s.id, "较差")
    _grade(session, running, s.id, "良好")
    _grade(session, latest, t.id, "优秀")
    rule = inputs.supervision_rule(runtime.policy, None, ON)
    assert rule is not None
    for ids in ({s.id: s.kind}, {s.id: s.kind, t.id: t.kind}):  # the single and the batch query
        got = inputs.load_grades(session, ids, runtime.policy, rule)
        assert got[s.id] == ("较差", rule.class_of("较差").code, "m") == ("较差", "D", "m")
    got = inputs.load_grades(session, {s.id: s.kind, t.id: t.kind}, runtime.policy, rule)
    assert got[t.id] == ("优秀", "A", "m")
    # a kind the rule does not cover has a grade but no class
    assert inputs.load_grades(session, {s.id: "自然人"}, runtime.policy, rule)[s.id] == ("较差", None, "m")


def test_department_rule_overrides_default(session: Session, runtime: Runtime) -> None:
    from xinyong.evaluation.service import supervision_rules

    own = [r for r in supervision_rules(runtime.policy).rules if r.department is not None]
    assert own, "policy/supervision has a department's own rule"
    rule = inputs.supervision_rule(runtime.policy, own[0].department, ON)
    assert rule is not None
    assert rule.id == own[0].id
