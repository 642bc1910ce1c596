"""The signal engine (pure): windows, bursts, commitments, licences and links, with their end dates."""

from __future__ import annotations

import datetime as dt

import pytest

from xinyong.evaluation.service import models_of
from xinyong.monitoring.engine import (
    CommitmentFact,
    GradeFact,
    LinkFact,
    ListingFact,
    RecordFact,
    SubjectFacts,
    evaluate,
)
from xinyong.monitoring.signals import SignalSet, load
from xinyong.policy.loader import Policy

ON = dt.date(2026, 12, 7)


@pytest.fixture(scope="module")
def signals(policy: Policy) -> SignalSet:
    return load(policy)


def _facts(**kw: object) -> SubjectFacts:
    base: dict[str, object] = {"subject_id": 1, "kind": "企业法人", "region_code": "331002", "status": "存续"}
    return SubjectFacts(**{**base, **kw})  # type: ignore[arg-type]


def _penalty(n: int, on: dt.date, severity: str = "严重", dept: str = "TZ-SCJG") -> RecordFact:
    return RecordFact(n, "xzcf", severity, on, None, dept)


def test_a_serious_penalty_in_the_window_holds_until_the_window_passes(signals: SignalSet) -> None:
    signal = signals.get("serious-penalty")
    assert signal is not None
    finding = evaluate(signal, _facts(records=(_penalty(1, ON - dt.timedelta(days=3)),)), ON)
    assert finding is not None
    assert finding.holds_until == ON - dt.timedelta(days=3) + dt.timedelta(days=29)
    assert finding.evidence == ("record:1",)
    assert finding.source_departments == {"TZ-SCJG"}
    # the day after the window, the same facts no longer hold
    assert evaluate(signal, _facts(records=(_penalty(1, ON - dt.timedelta(days=30)),)), ON) is None


def test_only_the_named_severity_and_kind_count(signals: SignalSet) -> None:
    signal = signals.get("serious-penalty")
    assert signal is not None
    assert evaluate(signal, _facts(records=(_penalty(1, ON, severity="一般"),)), ON) is None
    assert evaluate(signal, _facts(kind="自然人", records=(_penalty(1, ON),)), ON) is None


def test_a_burst_needs_enough_records_from_enough_departments(signals: SignalSet) -> None:
    signal = signals.get("penalty-burst")
    assert signal is not None
    same_dept = tuple(_penalty(i, ON - dt.timedelta(days=i), "一般") for i in range(1, 5))
    assert evaluate(signal, _facts(records=same_dept), ON) is None
    mixed = (
        _penalty(1, ON - dt.timedelta(days=80), "一般", "TZ-SCJG"),
        _penalty(2, ON - dt.timedelta(days=40), "一般", "TZ-STHJ"),
        _penalty(3, ON - dt.timedelta(days=10), "一般", "TZ-SCJG"),
        _penalty(4, ON - dt.timedelta(days=5), "一般", "TZ-SCJG"),
    )
    finding = evaluate(signal, _facts(records=mixed), ON)
    assert finding is not None
    # records 2–4 still make three from two departments after record 1 leaves; it holds until record 2 leaves
    assert finding.holds_until == ON - dt.timedelta(days=40) + dt.timedelta(days=89)


def test_commitments_breached_or_overdue(signals: SignalSet) -> None:
    signal = signals.get("commitment-breach")
    assert signal is not None
    kept = CommitmentFact("A", "全部履行", ON, ON - dt.timedelta(days=10), "TZ-SCJG")
    assert evaluate(signal, _facts(commitments=(kept,)), ON) is None
    overdue = CommitmentFact("B", "履约中", ON - dt.timedelta(days=100), ON - dt.timedelta(days=1), "TZ-SCJG")
    finding = evaluate(signal, _facts(commitments=(kept, overdue)), ON)
    assert finding is not None
    assert finding.holds_until is None  # holds until the commitment's status changes
    assert finding.evidence == ("commitment:B",)
    not_yet = CommitmentFact("C", "履约中", ON - dt.timedelta(days=100), ON, "TZ-SCJG")
    assert evaluate(signal, _facts(commitments=(not_yet,)), ON) is None
    fed = RecordFact(7, "xycn", None, ON - dt.timedelta(days=200), None, "TZ-SW", status="未履行")
    finding = evaluate(signal, _facts(records=(fed,)), ON)
    assert finding is not None
    assert finding.evidence == ("record:7",)
    assert finding.source_departments == {"TZ-SW"}
    kept_fed = RecordFact(8, "xycn", None, ON - dt.timedelta(days=200), None, "TZ-SW", status="全部履行")
    assert evaluate(signal, _facts(records=(kept_fed,)), ON) is None


def test_licences_expiring_only_for_operating_subjects(signals: SignalSet) -> None:
    signal = signals.get("licence-expiring")
    assert signal is not None
    licence = RecordFact(9, "xzxk", None, ON - dt.timedelta(days=700), ON + dt.timedelta(days=20), "TZ-SCJG")
    finding = evaluate(signal, _facts(records=(licence,)), ON)
    assert finding is not None
    assert finding.holds_until == ON + dt.timedelta(days=20)
    assert evaluate(signal, _facts(records=(licence,), status="注销"), ON) is None
    later = RecordFact(9, "xzxk", None, ON, ON + dt.timedelta(days=31), "TZ-SCJG")
    assert evaluate(signal, _facts(records=(later,)), ON) is None


def test_a_link_to_a_listed_subject_holds_while_it_is_listed(signals: SignalSet) -> None:
    signal = signals.get("linked-listed")
    assert signal is not None
    listed = ListingFact(5, "yzsxmd", ON - dt.timedelta(days=50), ON + dt.timedelta(days=10), "TZ-SCJG")
    link = LinkFact(2, "台州市某失信有限公司", (listed,))
    finding = evaluate(signal, _facts(links=(link,)), ON)
    assert finding is not None
    assert finding.holds_until == ON + dt.timedelta(days=9)
    removed = ListingFact(5, "yzsxmd", ON - dt.timedelta(days=50), ON, "TZ-SCJG")
    assert evaluate(signal, _facts(links=(LinkFact(2, "x", (removed,)),)), ON) is None


def _grades(policy: Policy, *dated: tuple[int, str]) -> tuple[GradeFact, ...]:
    """Grades of the enterprise model, ``(days before ON, grade)``; the order is the model's, from policy."""
    model = models_of(policy).for_kind("企业法人", ON)
    assert model is not None
    scale = tuple(model.ranked_grades)
    return tuple(
        GradeFact(n, ON - dt.timedelta(days=days), grade, scale, scale.index(grade))
        for n, (days, grade) in enumerate(dated, start=1)
    )


def test_a_grade_two_levels_below_the_best_of_the_year_before_holds_for_the_window(
    signals: SignalSet, policy: Policy
) -> None:
    signal = signals.get("grade-drop")
    assert signal is not None
    grades = _grades(policy, (300, "良好"), (120, "中等"), (10, "较差"))
    finding = evaluate(signal, _facts(grades=grades), ON)
    assert finding is not None
    assert finding.evidence == ("evaluation:1", "evaluation:3")  # from the best (良好) to the newest (较差)
    assert finding.holds_until == ON - dt.timedelta(days=10) + dt.timedelta(days=89)
    assert "良好" in finding.summary
    assert "较差" in finding.summary
    # one level down is not two
    assert evaluate(signal, _facts(grades=_grades(policy, (120, "中等"), (10, "较差"))), ON) is None
    # a grade better than the one before is no drop, whatever came first
    assert evaluate(signal, _facts(grades=_grades(policy, (120, "较差"), (10, "优秀"))), ON) is None
    # the best grade more than a year before the newest is out of the look-back
    assert evaluate(signal, _facts(grades=_grades(policy, (400, "优秀"), (10, "较差"))), ON) is None
    # a drop whose newest grade is older than the window no longer holds
    assert evaluate(signal, _facts(grades=_grades(policy, (200, "优秀"), (90, "较差"))), ON) is None
    # grades stored after the day looked at are not known yet
    assert evaluate(signal, _facts(grades=grades), ON - dt.timedelta(days=11)) is None


def test_grades_on_another_scale_are_not_compared(signals: SignalSet, policy: Policy) -> None:
    signal = signals.get("grade-drop")
    assert signal is not None
    other = GradeFact(1, ON - dt.timedelta(days=100), "A", ("C", "B", "A"), 2)
    newest = _grades(policy, (10, "较差"))[0]
    assert (
        evaluate(signal, _facts(grades=(other, GradeFact(2, newest.as_of, "较差", newest.scale, 0))), ON)
        is None
    )


def _change(n: int, days: int, what: str) -> RecordFact:
    return RecordFact(
        n, "djbg", None, ON - dt.timedelta(days=days), None, "JJ-SCJG", values=(("BG_SX", what),)
    )


def test_three_changes_of_legal_representative_or_address_in_a_year(signals: SignalSet) -> None:
    signal = signals.get("registration-churn")
    assert signal is not None
    churn = (_change(1, 300, "法定代表人"), _change(2, 200, "住所"), _change(3, 20, "法定代表人"))
    finding = evaluate(signal, _facts(records=churn), ON)
    assert finding is not None
    assert finding.evidence == ("record:1", "record:2", "record:3")
    assert finding.holds_until == ON - dt.timedelta(days=300) + dt.timedelta(days=364)
    # changes of business scope or capital are not what the signal watches
    other = (_change(1, 300, "经营范围"), _change(2, 200, "住所"), _change(3, 20, "注册资本"))
    assert evaluate(signal, _facts(records=other), ON) is None
    # three changes spread over more than a year are not frequent
    slow = (_change(1, 400, "法定代表人"), _change(2, 200, "住所"), _change(3, 20, "法定代表人"))
    assert evaluate(signal, _facts(records=slow), ON) is None
