"""Pure rules: lawful inputs, points, grades, reasons and advice for one subject."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.evaluation.engine import SubjectFacts, evaluate
from xinyong.evaluation.inputs import (
    EvaluatedRecord,
    RetentionRule,
    assess,
    listings,
    retention_cutoff,
)
from xinyong.evaluation.loaders import load_models
from xinyong.evaluation.spec import EvaluationModel
from xinyong.kit.dates import add_months, sub_months
from xinyong.policy.loader import Policy

AS_OF = dt.date(2026, 10, 31)
RULE = RetentionRule(months=60, extend_while_listed=True, list_items=frozenset({"yzsxmd", "sxbzxr"}))


@pytest.fixture
def enterprise(policy: Policy) -> EvaluationModel:
    model = load_models(policy).for_kind("企业法人", AS_OF)
    assert model is not None
    return model


def rec(rid: int, item: str = "xzcf", on: dt.date = dt.date(2025, 6, 1), **kw: object) -> EvaluatedRecord:
    polarity = "positive" if item == "sxjl" else "negative"
    return EvaluatedRecord(
        id=rid,
        subject_id=1,
        catalog_item=item,
        severity=kw.pop("severity", "一般"),  # type: ignore[arg-type]
        polarity=polarity,
        decision_on=on,
        **kw,  # type: ignore[arg-type]
    )


def test_sub_months_clips_to_month_end() -> None:
    assert sub_months(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert sub_months(dt.date(2024, 2, 29), 12) == dt.date(2023, 2, 28)
    assert sub_months(dt.date(2026, 10, 31), 60) == dt.date(2021, 10, 31)


def test_repaired_deleted_stopped_records_are_not_counted(policy: Policy) -> None:
    for kind in ("repaired", "deleted", "disclosure_stopped"):
        r = rec(1, events=((kind, dt.date(2026, 1, 1)),))
        assert assess(r, AS_OF, policy).reason == kind
        assert assess(r, dt.date(2025, 12, 31), policy).counted  # before the event it still counted


def test_retention_five_years_and_listed_extension(policy: Policy) -> None:
    cut = sub_months(AS_OF, 60)
    assert not assess(rec(1, on=cut), AS_OF, policy).counted
    assert assess(rec(1, on=cut + dt.timedelta(days=1)), AS_OF, policy).counted
    # a custodial sentence moves the start to its end
    assert assess(rec(1, "sfpj", on=cut, retention_start=dt.date(2023, 1, 1)), AS_OF, policy).counted
    # still on the serious list when five years end: kept until it leaves the list
    listed = rec(1, "yzsxmd", on=dt.date(2019, 1, 1))
    assert assess(listed, AS_OF, policy, listings([listed], RULE)).counted
    removed = rec(1, "yzsxmd", on=dt.date(2019, 1, 1), events=(("list_removed", dt.date(2025, 1, 1)),))
    assert assess(removed, AS_OF, policy, listings([removed], RULE)).reason == "past_retention"
    # positive records are not subject to the negative-information retention
    assert assess(rec(1, "sxjl", on=dt.date(2015, 1, 1)), AS_OF, policy).counted


def test_objection_flagged_suspension_and_versions(policy: Policy) -> None:
    opened = rec(1, events=(("objection_opened", dt.date(2026, 9, 1)),))
    a = assess(opened, AS_OF, policy)
    assert a.counted
    assert a.under_objection
    closed = rec(
        1, events=(("objection_opened", dt.date(2026, 9, 1)), ("objection_closed", dt.date(2026, 9, 1)))
    )
    assert not assess(closed, AS_OF, policy).under_objection
    susp = rec(1, events=(("suspended", dt.date(2026, 9, 1)), ("unsuspended", dt.date(2026, 9, 1))))
    assert assess(susp, AS_OF, policy).counted  # same-day unsuspension lifts it
    assert assess(rec(1, events=(("suspended", dt.date(2026, 9, 1)),)), AS_OF, policy).reason == "suspended"
    assert assess(rec(1, superseded=True), AS_OF, policy).reason == "superseded"
    assert assess(rec(1, on=dt.date(2026, 11, 1)), AS_OF, policy).reason == "not_yet_decided"


def test_clean_record_alone_is_good_not_excellent(enterprise: EvaluationModel, policy: Policy) -> None:
    subject = SubjectFacts(1, "企业法人", established_on=dt.date(2015, 1, 1))
    result = evaluate(subject, [], enterprise, AS_OF, policy)
    assert result.score == 95 + 370 + 150 + 200  # no negative record, no positive evidence
    assert result.grade == "良好"
    young = evaluate(
        SubjectFacts(1, "企业法人", established_on=dt.date(2026, 1, 1)), [], enterprise, AS_OF, policy
    )
    assert young.score == 40 + 370 + 150 + 200
    assert young.grade == "良好"
    assert {a.indicator_id for a in young.advice} == {
        "years_in_operation",
        "tax_credit_a",
        "honours",
        "commitments_kept_36m",
    }


def test_positive_evidence_lifts_to_excellent(enterprise: EvaluationModel, policy: Policy) -> None:
    subject = SubjectFacts(1, "企业法人", established_on=dt.date(2015, 1, 1))
    tax_a = EvaluatedRecord(
        1,
        1,
        "xypj",
        None,
        "neutral",
        dt.date(2026, 4, 30),
        valid_to=dt.date(2027, 4, 29),
        tag="纳税信用等级评价/A",
    )
    tax_b = EvaluatedRecord(
        2,
        1,
        "xypj",
        None,
        "neutral",
        dt.date(2026, 4, 30),
        valid_to=dt.date(2027, 4, 29),
        tag="纳税信用等级评价/B",
    )
    kept = [
        EvaluatedRecord(10 + i, 1, "xycn", None, "neutral", dt.date(2025, 1 + i, 1), tag="全部履行")
        for i in range(3)
    ]
    breached = EvaluatedRecord(20, 1, "xycn", None, "neutral", dt.date(2025, 6, 1), tag="未履行")
    lifted = evaluate(subject, [tax_a, *kept], enterprise, AS_OF, policy)
    assert lifted.points["tax_credit_a"] == 60
    assert lifted.points["commitments_kept_36m"] == 30
    assert lifted.grade == "优秀"
    # a B rating is not an A; a breached commitment is not a kept one and costs points
    assert evaluate(subject, [tax_b, *kept], enterprise, AS_OF, policy).grade == "良好"
    other = evaluate(subject, [tax_a, breached], enterprise, AS_OF, policy)
    assert (other.points["commitments_kept_36m"], other.points["commitment_breach_36m"]) == (0, 15)


def test_penalties_cost_points_with_records_reasons_and_advice(
    enterprise: EvaluationModel, policy: Policy
) -> None:
    subject = SubjectFacts(1, "企业法人", established_on=dt.date(2015, 1, 1))
    records = [
        rec(10, on=dt.date(2025, 3, 1)),
        rec(11, on=dt.date(2024, 5, 1)),
        rec(12, on=dt.date(2022, 1, 1)),  # outside the 36-month window
        rec(13, severity="轻微"),  # 轻微 records are not counted by this model
        rec(14, events=(("repaired", dt.date(2026, 1, 5)),)),
        rec(15, "qs", amount=15_000, events=(("objection_opened", dt.date(2026, 10, 1)),)),
        rec(16, "sxjl", valid_to=dt.date(2027, 1, 1)),
    ]
    result = evaluate(subject, records, enterprise, AS_OF, policy)
    contrib = {c.indicator_id: c for c in result.contributions}
    assert contrib["penalty_general_36m"].records == (10, 11)
    assert contrib["penalty_general_36m"].points == 70
    assert contrib["arrears_amount_36m"].value == 1.5
    assert contrib["arrears_amount_36m"].points == 45
    assert contrib["honours"].points == 50
    assert result.score == 95 + 70 + 120 + 50 + 150 + 45 + 60 + 40 + 0 + 50 + 0
    assert result.objection_records == (15,)
    codes = [r.code for r in result.reasons]
    assert codes[0] == "penalty_general_36m"
    assert "objection_pending" in codes
    advice = {a.indicator_id: a for a in result.advice}
    assert advice["penalty_general_36m"].earliest_on == dt.date(2027, 5, 1)
    assert "信用修复" in advice["penalty_general_36m"].text


def test_serious_list_drops_grade(enterprise: EvaluationModel, policy: Policy) -> None:
    subject = SubjectFacts(1, "企业法人", established_on=dt.date(2015, 1, 1))
    listed = evaluate(subject, [rec(1, "sxbzxr", on=dt.date(2020, 1, 1))], enterprise, AS_OF, policy)
    assert listed.points["serious_lists"] == 0
    assert listed.score == 599  # 一票否决: capped at the top of 较差, whatever the rest earns (665)
    assert listed.grade == "较差"
    assert listed.reasons[0].code == "cap:serious_listed"
    assert listed.reasons[0].points_lost == 665 - 599
    # off the list (removed), the cap no longer applies
    removed = rec(1, "sxbzxr", on=dt.date(2020, 1, 1), events=(("list_removed", dt.date(2026, 1, 1)),))
    assert evaluate(subject, [removed], enterprise, AS_OF, policy).grade == "良好"


@given(
    start=st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)),
    on=st.dates(dt.date(2015, 1, 1), dt.date(2036, 12, 31)),
    months=st.integers(1, 120),
)
def test_retention_cutoff_agrees_with_disclosure_end(start: dt.date, on: dt.date, months: int) -> None:
    ended = on >= add_months(start, months)
    assert ended == (start <= retention_cutoff(on, months))
