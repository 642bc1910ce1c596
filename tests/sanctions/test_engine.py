"""Table tests of the pure matching core, from the rules (spec §3.2, Zhejiang Art. 23/26/28, §7)."""

from __future__ import annotations

import datetime as dt

import pytest

from xinyong.policy.loader import Policy
from xinyong.sanctions.engine import Breach, Fact, SubjectFacts, match
from xinyong.sanctions.rules import Measures, measures_of

ON = dt.date(2026, 11, 2)


@pytest.fixture(scope="module")
def measures(policy: Policy) -> Measures:
    return measures_of(policy)


def fact(item: str = "xzcf", **kw: object) -> Fact:
    base: dict[str, object] = {
        "record_id": 1,
        "catalog_item": item,
        "polarity": "negative",
        "severity": "一般",
        "decision_on": dt.date(2026, 3, 1),
        "document_no": "台市监罚〔2026〕1号",
        "department": "TZ-SCJG",
    }
    base.update(kw)
    return Fact(**base)  # type: ignore[arg-type]


def on_list(item: str = "yzsxmd", **kw: object) -> Fact:
    return fact(item, severity="严重", list_type="严重违法失信名单" if item == "yzsxmd" else None, **kw)


def subject(*facts: Fact, **kw: object) -> SubjectFacts:
    return SubjectFacts(1, tuple(facts), **kw)  # type: ignore[arg-type]


CASES = [
    # (case, scenario, facts, on, expected punish hits, expected rewards)
    (
        "serious list in procurement",
        "政府采购",
        subject(on_list()),
        ON,
        {"nat.1.procurement", "zj.26.1"},
        set(),
    ),
    (
        "court list in bidding",
        "招标投标",
        subject(on_list("sxbzxr")),
        ON,
        {"nat.1.bidding", "zj.26.1"},
        set(),
    ),
    (
        "list removed before the day",
        "政府采购",
        subject(on_list(list_end=dt.date(2026, 10, 1))),
        ON,
        set(),
        set(),
    ),
    ("repaired record", "行政许可", subject(fact(excluded="已信用修复")), ON, set(), set()),
    ("minor record never triggers", "行政许可", subject(fact(severity="轻微")), ON, set(), set()),
    ("ordinary record: Art. 23 only", "行政许可", subject(fact()), ON, {"zj.23.1", "zj.23.2"}, set()),
    ("ordinary record in procurement: nothing", "政府采购", subject(fact()), ON, set(), set()),
    (
        "serious penalty within 3 years",
        "政府采购",
        subject(fact(severity="严重", decision_on=dt.date(2024, 1, 1))),
        ON,
        {"nat.1.procurement"},
        set(),
    ),
    (
        "serious penalty older than 3 years",
        "政府采购",
        subject(fact(severity="严重", decision_on=dt.date(2023, 10, 1))),
        ON,
        set(),
        set(),
    ),
    (
        "licence ban within 5 years",
        "行政许可",
        subject(fact(severity="严重", decision_on=dt.date(2023, 10, 1))),
        ON,
        {"nat.1.licence-ban", "zj.23.1", "zj.23.2"},
        set(),
    ),
    (
        "court list in awards",
        "评优评先",
        subject(on_list("sxbzxr")),
        ON,
        {"nat.2.awards", "zj.26.7", "zj.26.8"},
        set(),
    ),
    (
        "abnormal list in supervision",
        "日常监管",
        subject(on_list("jyycml")),
        ON,
        {"nat.2.key-supervision", "zj.23.2", "zj.23.3"},
        set(),
    ),
    (
        "excellent grade gets rewards",
        "行政许可",
        subject(grade="优秀", grade_model="tz-enterprise"),
        ON,
        set(),
        {"rw.rongque", "rw.green-channel", "rw.priority"},
    ),
    (
        "good grade: 容缺 only",
        "行政许可",
        subject(grade="良好", grade_model="tz-enterprise"),
        ON,
        set(),
        {"rw.rongque"},
    ),
    (
        "reward blocked by a list",
        "行政许可",
        subject(on_list("sxbzxr"), grade="优秀", grade_model="tz-enterprise"),
        ON,
        {"zj.26.2"},
        set(),
    ),
    (
        "class A fewer inspections",
        "日常监管",
        subject(supervision_class="A"),
        ON,
        set(),
        {"rw.fewer-inspections"},
    ),
    (
        "class D key supervision",
        "日常监管",
        subject(supervision_class="D"),
        ON,
        {"nat.2.key-supervision"},
        set(),
    ),
    (
        "breach suspends 告知承诺",
        "行政许可",
        subject(breaches=(Breach("331000202601010000 01", dt.date(2026, 5, 1), dt.date(2027, 4, 30)),)),
        ON,
        {"nat.2.no-commitment"},
        set(),
    ),
    (
        "suspension over",
        "行政许可",
        subject(breaches=(Breach("x", dt.date(2025, 5, 1), dt.date(2026, 4, 30)),)),
        ON,
        set(),
        set(),
    ),
    (
        "Zhejiang measures not yet published",
        "政府采购",
        subject(on_list()),
        dt.date(2017, 6, 1),
        set(),
        set(),
    ),
    (
        "national 2024 list not before 2024-03-01",
        "招标投标",
        subject(on_list("sxbzxr", decision_on=dt.date(2023, 6, 1))),
        dt.date(2024, 1, 15),
        {"zj.26.1"},
        set(),
    ),
    (
        "positive honour in force",
        "行政许可",
        subject(fact("sxjl", polarity="positive", severity=None)),
        ON,
        set(),
        {"rw.rongque", "rw.green-channel"},
    ),
    (
        "expired honour",
        "行政许可",
        subject(fact("sxjl", polarity="positive", severity=None, valid_to=dt.date(2026, 1, 1))),
        ON,
        set(),
        set(),
    ),
    (
        "fulfilled commitment (neutral record) punishes nothing",
        "行政许可",
        subject(fact("xycn", polarity="neutral", severity=None)),
        ON,
        set(),
        set(),
    ),
    (
        "commitment being kept punishes nothing in supervision",
        "日常监管",
        subject(fact("xycn", polarity="neutral", severity="一般")),
        ON,
        set(),
        set(),
    ),
    (
        "breached commitment (negative record) is 不良信息",
        "行政许可",
        subject(fact("xycn", severity="一般")),
        ON,
        {"zj.23.1", "zj.23.2"},
        set(),
    ),
    (
        "a neutral record does not bar rewards",
        "行政许可",
        subject(fact("xycn", polarity="neutral", severity=None), grade="优秀", grade_model="tz-enterprise"),
        ON,
        set(),
        {"rw.rongque", "rw.green-channel", "rw.priority"},
    ),
    (
        "a negative record does not earn an honour's reward",
        "行政许可",
        subject(fact("sxjl", severity="一般")),
        ON,
        set(),
        set(),
    ),
    (
        "a natural person's grade buys no organisation reward",
        "行政许可",
        subject(grade="优秀", grade_model="tz-natural-person"),
        ON,
        set(),
        set(),
    ),
    (
        "a grade without its model triggers nothing",
        "日常监管",
        subject(grade="较差"),
        ON,
        set(),
        set(),
    ),
    (
        "record decided after the day asked",
        "行政许可",
        subject(fact(decision_on=dt.date(2026, 12, 1))),
        ON,
        set(),
        set(),
    ),
]


@pytest.mark.parametrize(
    ("case", "scenario", "facts", "on", "hits", "rewards"), CASES, ids=[c[0] for c in CASES]
)
def test_match_table(
    measures: Measures,
    case: str,
    scenario: str,
    facts: SubjectFacts,
    on: dt.date,
    hits: set[str],
    rewards: set[str],
) -> None:
    code = measures.scenario(scenario)
    assert code is not None
    out = match(measures, code, facts, on)
    assert {h.measure.measure.id for h in out.hits} == hits, case
    assert {h.measure.measure.id for h in out.rewards} == rewards, case


def test_hit_carries_basis_and_provenance(measures: Measures) -> None:
    out = match(measures, "government_procurement", subject(on_list(record_id=42)), ON)
    hit = next(h for h in out.hits if h.measure.measure.id == "nat.1.procurement")
    assert hit.mandatory
    assert any("政府采购法" in b.cite() and "第二十二条" in b.cite() for b in hit.measure.measure.basis)
    (ev,) = hit.evidence
    assert (ev.record_id, ev.catalog_item, ev.department, ev.document_no) == (
        42,
        "yzsxmd",
        "TZ-SCJG",
        "台市监罚〔2026〕1号",
    )


def test_explain_covers_every_candidate(measures: Measures) -> None:
    out = match(measures, "administrative_licensing", subject(fact(severity="轻微")), ON, explain=True)
    ids = {e.measure_id for e in out.explanations}
    assert ids == {cm.measure.id for cm in measures.by_scenario["administrative_licensing"]}
    zj = next(e for e in out.explanations if e.measure_id == "zj.23.1")
    assert not zj.applied
    assert "轻微" in zj.reason


def test_explain_names_exclusion(measures: Measures) -> None:
    out = match(
        measures,
        "administrative_licensing",
        subject(on_list("sxbzxr"), grade="优秀", grade_model="tz-enterprise"),
        ON,
        explain=True,
    )
    rongque = next(e for e in out.explanations if e.measure_id == "rw.rongque")
    assert not rongque.applied
    assert rongque.reason.startswith("存在排除情形")


def test_eligibility_reported(measures: Measures) -> None:
    s = subject(breaches=(Breach("c", dt.date(2026, 5, 1), dt.date(2027, 4, 30)),))
    out = match(measures, "daily_supervision", s, ON)
    assert not out.commitment_eligible
    assert out.commitment_suspended_until == dt.date(2027, 4, 30)
    assert match(measures, "daily_supervision", s, dt.date(2027, 5, 1)).commitment_eligible
