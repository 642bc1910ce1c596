"""Monitoring runs on a real database: alerts open, deduplicate, end when facts change; incremental = full."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import sanctions as f
from tests.factories.subjects import department, enterprise
from xinyong.db import utcnow
from xinyong.departments.models import Department
from xinyong.evaluation.models import EvaluationResult, EvaluationRun
from xinyong.evaluation.service import models_of
from xinyong.monitoring.engine import evaluate_all
from xinyong.monitoring.facts import load_facts
from xinyong.monitoring.models import Alert, AlertRecipient
from xinyong.monitoring.service import active_on, run_monitor
from xinyong.monitoring.signals import signals_of
from xinyong.policy.loader import Policy
from xinyong.records.models import RecordEventKind
from xinyong.runtime import Runtime
from xinyong.subjects.models import Subject

ON = dt.date(2026, 12, 7)


def _county_credit(session: Session) -> Department:
    dept = session.scalar(select(Department).where(Department.code == "JJ-FGJ"))
    if dept is None:
        dept = Department(code="JJ-FGJ", name="椒江区发展和改革局", region_code="331002", domain="credit")
        session.add(dept)
        session.flush()
    return dept


def _active(session: Session, on: dt.date) -> set[tuple[int, str]]:
    return {(a.subject_id, a.signal_id) for a in session.scalars(select(Alert)) if active_on(a, on)}


def test_an_alert_opens_once_and_ends_when_the_record_is_repaired(session: Session, runtime: Runtime) -> None:
    policy = runtime.policy
    _county_credit(session)
    firm = enterprise(session, runtime.keys, region_code="331002")
    penalty = f.record(session, firm, severity="严重", decided=ON - dt.timedelta(days=2))
    run = run_monitor(session, policy, on=ON, actor="test", full=True)
    assert run.opened >= 1
    alert = session.scalar(
        select(Alert).where(Alert.subject_id == firm.id, Alert.signal_id == "serious-penalty")
    )
    assert alert is not None
    assert active_on(alert, ON)
    told = set(
        session.scalars(select(AlertRecipient.department_id).where(AlertRecipient.alert_id == alert.id))
    )
    assert told == {department(session, "TZ-SCJG").id, _county_credit(session).id}

    again = run_monitor(session, policy, on=ON + dt.timedelta(days=1), actor="test")
    assert again.mode == "incremental"
    assert again.opened == 0
    assert session.scalars(select(Alert).where(Alert.subject_id == firm.id)).all() == [alert]

    f.event(session, penalty, RecordEventKind.REPAIRED, ON + dt.timedelta(days=2))
    ended = run_monitor(session, policy, on=ON + dt.timedelta(days=3), actor="test")
    assert ended.subjects == 1
    assert ended.ended == 1
    session.refresh(alert)
    assert alert.ended_on == ON + dt.timedelta(days=3)
    assert not active_on(alert, ON + dt.timedelta(days=3))


def test_an_alert_ends_by_its_dates_without_a_run(session: Session, runtime: Runtime) -> None:
    firm = enterprise(session, runtime.keys, region_code="331002")
    f.record(session, firm, severity="严重", decided=ON - dt.timedelta(days=29))
    run_monitor(session, runtime.policy, on=ON, actor="test", full=True)
    alert = session.scalar(select(Alert).where(Alert.subject_id == firm.id))
    assert alert is not None
    assert active_on(alert, ON)
    assert not active_on(alert, ON + dt.timedelta(days=1))  # derived: no job had to flip it
    assert alert.ended_on is None


def test_incremental_runs_give_the_alerts_a_full_evaluation_gives(session: Session, runtime: Runtime) -> None:
    policy: Policy = runtime.policy
    firms = [enterprise(session, runtime.keys, region_code="331002") for _ in range(6)]
    run_monitor(session, policy, on=ON, actor="test", full=True)
    day = ON
    for i, firm in enumerate(firms):
        day += dt.timedelta(days=3)
        f.record(session, firm, severity="严重", decided=day - dt.timedelta(days=1))
        if i % 2:
            f.listed(session, firm, "jyycml", decided=day)
        run_monitor(session, policy, on=day, actor="test")
    expected: set[tuple[int, str]] = set()
    signals = signals_of(policy).in_force(day)
    for subject, facts in load_facts(session, [s.id for s in firms], signals, day, policy):
        expected |= {(subject.id, x.signal_id) for x in evaluate_all(signals, facts, day)}
    got = {k for k in _active(session, day) if k[0] in {s.id for s in firms}}
    assert got == expected
    assert any(sig == "abnormal-operation" for _, sig in expected)


def test_a_licence_dated_ahead_reaches_the_incremental_run_the_day_it_takes_effect(
    session: Session, runtime: Runtime
) -> None:
    firm = enterprise(session, runtime.keys, region_code="331002")
    licence = f.record(
        session, firm, "xzxk", severity=None, polarity="neutral", decided=ON + dt.timedelta(days=1)
    )
    licence.valid_to = ON + dt.timedelta(days=20)
    session.flush()
    run_monitor(session, runtime.policy, on=ON, actor="test", full=True)
    assert (firm.id, "licence-expiring") not in _active(session, ON)  # not yet in force on ON
    run_monitor(session, runtime.policy, on=ON + dt.timedelta(days=1), actor="test")
    assert (firm.id, "licence-expiring") in _active(session, ON + dt.timedelta(days=1))


def _graded(session: Session, policy: Policy, firm: Subject, as_of: dt.date, grade: str) -> EvaluationResult:
    """Store a finished evaluation run that gave ``firm`` ``grade`` as of ``as_of``."""
    model = models_of(policy).for_kind(firm.kind, as_of)
    assert model is not None
    run = EvaluationRun(
        as_of=as_of, status="finished", policy_hash=policy.hash, actor="test", finished_at=utcnow()
    )
    session.add(run)
    session.flush()
    result = EvaluationResult(
        run_id=run.id,
        subject_id=firm.id,
        model_id=model.id,
        model_version=model.version,
        score=0,
        grade=grade,
        points={},
        policy_hash=policy.hash,
    )
    session.add(result)
    session.flush()
    return result


def test_a_grade_drop_reaches_the_next_incremental_run_and_ends_when_the_grade_recovers(
    session: Session, runtime: Runtime
) -> None:
    policy = runtime.policy
    firm = enterprise(session, runtime.keys, region_code="331002")
    steady = enterprise(session, runtime.keys, region_code="331002")
    run_monitor(session, policy, on=ON, actor="test", full=True)
    before = _graded(session, policy, firm, ON - dt.timedelta(days=200), "良好")
    _graded(session, policy, steady, ON - dt.timedelta(days=200), "良好")
    after = _graded(session, policy, firm, ON - dt.timedelta(days=5), "较差")
    _graded(session, policy, steady, ON - dt.timedelta(days=5), "中等")
    # stored after the last run but dated before it: found by the run's mark, not by its date
    run_monitor(session, policy, on=ON + dt.timedelta(days=1), actor="test")
    active = _active(session, ON + dt.timedelta(days=1))
    assert (firm.id, "grade-drop") in active
    assert (steady.id, "grade-drop") not in active
    alert = session.scalar(select(Alert).where(Alert.subject_id == firm.id, Alert.signal_id == "grade-drop"))
    assert alert is not None
    assert alert.evidence == [f"evaluation:{before.id}", f"evaluation:{after.id}"]
    _graded(session, policy, firm, ON + dt.timedelta(days=2), "中等")
    run_monitor(session, policy, on=ON + dt.timedelta(days=3), actor="test")
    assert (firm.id, "grade-drop") not in _active(session, ON + dt.timedelta(days=3))


def test_frequent_changes_of_legal_representative_or_address_open_an_alert(
    session: Session, runtime: Runtime
) -> None:
    policy = runtime.policy
    firm = enterprise(session, runtime.keys, region_code="331002")
    run_monitor(session, policy, on=ON, actor="test", full=True)
    changes = [
        f.record(
            session,
            firm,
            "djbg",
            severity=None,
            polarity="neutral",
            decided=ON - dt.timedelta(days=days),
            payload={"BG_SX": what, "BG_QNR": "甲", "BG_HNR": "乙"},
        )
        for days, what in ((200, "法定代表人"), (120, "经营范围"), (60, "住所"), (2, "法定代表人"))
    ]
    run_monitor(session, policy, on=ON + dt.timedelta(days=1), actor="test")
    alert = session.scalar(
        select(Alert).where(Alert.subject_id == firm.id, Alert.signal_id == "registration-churn")
    )
    assert alert is not None
    assert alert.evidence == [f"record:{changes[i].id}" for i in (0, 2, 3)]  # not the change of scope


def test_a_listing_taking_effect_by_date_reaches_the_namesakes_in_the_incremental_run(
    session: Session, runtime: Runtime
) -> None:
    listed = enterprise(session, runtime.keys, region_code="331002", legal_rep="郑某某")
    linked = enterprise(session, runtime.keys, region_code="331002", legal_rep="郑某某")
    f.listed(session, listed, "sxbzxr", decided=ON + dt.timedelta(days=2))  # recorded now, in force later
    run_monitor(session, runtime.policy, on=ON, actor="test", full=True)
    assert (linked.id, "linked-listed") not in _active(session, ON)
    run_monitor(session, runtime.policy, on=ON + dt.timedelta(days=3), actor="test")
    assert (linked.id, "linked-listed") in _active(session, ON + dt.timedelta(days=3))


def test_a_full_run_finds_the_namesakes_of_a_listed_subject_in_its_county_only(
    session: Session, runtime: Runtime
) -> None:
    listed = enterprise(session, runtime.keys, region_code="331002", legal_rep="钱某某")
    linked = enterprise(session, runtime.keys, region_code="331002", legal_rep="钱某某")
    elsewhere = enterprise(session, runtime.keys, region_code="331003", legal_rep="钱某某")
    f.listed(session, listed, "yzsxmd", decided=ON - dt.timedelta(days=400))  # out of every record window
    run = run_monitor(session, runtime.policy, on=ON, actor="test", full=True)
    active = _active(session, ON)
    assert (linked.id, "linked-listed") in active
    assert (elsewhere.id, "linked-listed") not in active
    assert (listed.id, "linked-listed") not in active
    assert run.subjects <= 2  # the listed subject's namesake (and nobody far away) is looked at
