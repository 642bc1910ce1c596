"""The fact loader: newest versions only, events and retention fold into exclusions; grades seam."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from tests.factories import sanctions as f
from tests.factories.subjects import enterprise
from xinyong.records.models import RecordEventKind
from xinyong.runtime import Runtime
from xinyong.sanctions import inputs

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
        x.record_id: x for x in inputs.load_trigger_facts(session, [s.id], ON, runtime.policy, ITEMS)[s.id]
    }
    assert old.id not in facts
    assert facts[new.id].severity == "严重"
    assert facts[new.id].excluded is None
    assert facts[repaired.id].excluded is not None
    assert "修复" in facts[repaired.id].excluded
    assert facts[later.id].excluded is None
    assert facts[suspended.id].excluded is None
    assert facts[stale.id].excluded is not None
    assert "保存期限" in facts[stale.id].excluded
    assert facts[still_listed.id].excluded is None  # retention extends while listed (Art. 16)
    assert facts[still_listed.id].list_type == "严重违法失信名单"
    assert facts[removed.id].excluded is not None
    assert "移出" in facts[removed.id].excluded
    assert facts[objected.id].under_objection
    assert facts[objected.id].excluded is None


def test_grades_absent_without_evaluation_table(session: Session, runtime: Runtime) -> None:
    s = enterprise(session, runtime.keys)
    inputs._columns_cache.clear()
    assert inputs.load_grades(session, [s.id], runtime.policy) == {}


def test_grades_read_latest_evaluation(session: Session, runtime: Runtime) -> None:
    from xinyong.evaluation.models import EvaluationResult, EvaluationRun

    s = enterprise(session, runtime.keys)
    run = EvaluationRun(as_of=dt.date(2026, 10, 31), policy_hash="h", actor="test")
    session.add(run)
    session.flush()
    for grade in ("中等", "优秀"):
        session.add(
            EvaluationResult(
                run_id=run.id,
                subject_id=s.id,
                model_id="m",
                model_version="1",
                score=900,
                grade=grade,
                points={},
                policy_hash="h",
            )
        )
    session.flush()
    inputs._columns_cache.clear()
    try:
        grade, _klass = inputs.load_grades(session, [s.id], runtime.policy)[s.id]
        assert grade == "优秀"
    finally:
        inputs._columns_cache.clear()
