"""Property: over random subjects, no punishment fires without a lawful trigger, and rewards use the right scale.

A lawful ground for a punishment (《浙江省公共信用信息管理条例》第二十三、二十六、二十八条) is a negative record of a
severity the measure names, or a list entry in force, or a breached commitment still suspending 告知承诺,
or a grade on the scale of a model the measure names (and the class derived from it). Neutral and
positive records (a 信用承诺 being kept, a licence, an evaluation, an honour), repaired or otherwise
excluded facts, ended list entries and records decided later never are. The oracle below restates that
from the measures' own triggers, independently of ``engine.evaluate_trigger``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinyong.evaluation.service import models_of
from xinyong.policy.loader import Policy
from xinyong.sanctions.engine import Breach, Evidence, Fact, Hit, SubjectFacts, match
from xinyong.sanctions.rules import Measure, Measures, Trigger, measures_of

ON = dt.date(2026, 11, 2)
DAYS = st.dates(dt.date(2019, 1, 1), dt.date(2027, 6, 30))
EXCLUDED = [None, None, None, "已信用修复", "已依法删除", "超过保存期限", "停止公示"]
POLARITIES = ["negative", "neutral", "positive"]
SEVERITIES = ["轻微", "一般", "严重", None]
LIST_TYPES = [None, "严重违法失信名单", "失信被执行人名单", "经营异常名录"]


@pytest.fixture(scope="module")
def world(policy: Policy) -> tuple[Measures, list[str], list[tuple[str, str]], list[str]]:
    measures = measures_of(policy)
    scales = sorted({(m.id, b.grade) for m in models_of(policy).models for b in m.grades})
    return measures, sorted(policy.catalog), scales, sorted(measures.by_scenario)


def facts_strategy(items: list[str]) -> st.SearchStrategy[tuple[Fact, ...]]:
    fact = st.builds(
        Fact,
        record_id=st.integers(1, 10_000),
        catalog_item=st.sampled_from(items),
        polarity=st.sampled_from(POLARITIES),
        severity=st.sampled_from(SEVERITIES),
        decision_on=st.one_of(st.none(), DAYS),
        list_type=st.sampled_from(LIST_TYPES),
        list_end=st.one_of(st.none(), DAYS),
        valid_to=st.one_of(st.none(), DAYS),
        excluded=st.sampled_from(EXCLUDED),
        under_objection=st.booleans(),
    )
    return st.lists(fact, max_size=6, unique_by=lambda f: f.record_id).map(tuple)


def _usable(f: Fact) -> bool:
    return (
        f.excluded is None
        and (f.decision_on is None or f.decision_on <= ON)
        and (f.list_end is None or f.list_end > ON)
    )


def _within(t: Trigger, f: Fact) -> bool:
    if t.within_months is None or f.decision_on is None:
        return True
    months = (ON.year - f.decision_on.year) * 12 + ON.month - f.decision_on.month
    return months <= t.within_months


def lawful_punishment_ground(m: Measure, ev: Evidence, s: SubjectFacts, lists: set[str]) -> bool:
    """Tell whether one piece of evidence is a ground the law allows for punishment ``m``."""
    if ev.record_id is not None:
        f = next(x for x in s.facts if x.record_id == ev.record_id)
        if f.polarity != "negative" or not _usable(f):
            return False
        for t in m.triggers:
            if f.catalog_item not in t.catalog_items or not _within(t, f):
                continue
            if t.list_types and f.list_type not in t.list_types:
                continue
            if t.kind == "list" and f.catalog_item in lists:
                return True
            if t.kind == "record" and f.severity in (t.severities or ["一般", "严重"]):
                return True
        return False
    if ev.kind == "grade":
        return any(
            t.kind == "grade" and s.grade_model in t.models and s.grade in t.grades for t in m.triggers
        )
    if ev.kind == "supervision_class":
        return any(t.kind == "supervision_class" and s.supervision_class in t.classes for t in m.triggers)
    if ev.kind == "commitment_breach":
        return any(
            b.breached_on <= ON and (b.suspended_until is None or b.suspended_until >= ON) for b in s.breaches
        )
    return False


def lawful_reward_ground(m: Measure, ev: Evidence, s: SubjectFacts) -> bool:
    """Tell whether a reward rests on a positive record in force or a grade on a scale the measure names."""
    if ev.record_id is not None:
        f = next(x for x in s.facts if x.record_id == ev.record_id)
        return f.polarity == "positive" and _usable(f) and (f.valid_to is None or f.valid_to >= ON)
    if ev.kind == "grade":
        return any(
            t.kind == "grade" and s.grade_model in t.models and s.grade in t.grades for t in m.triggers
        )
    return ev.kind == "supervision_class"


@st.composite
def subjects(draw: st.DrawFn, items: list[str], scales: list[tuple[str, str]]) -> SubjectFacts:
    graded = draw(st.one_of(st.none(), st.sampled_from(scales)))
    breaches = draw(
        st.lists(
            st.builds(Breach, st.just("c"), DAYS, st.one_of(st.none(), DAYS)),
            max_size=1,
        )
    )
    return SubjectFacts(
        subject_id=1,
        facts=draw(facts_strategy(items)),
        grade=graded[1] if graded else None,
        grade_model=graded[0] if graded else None,
        supervision_class=draw(st.sampled_from([None, "A", "B", "C", "D"])),
        breaches=tuple(breaches),
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_punishment_without_a_lawful_trigger(
    world: tuple[Measures, list[str], list[tuple[str, str]], list[str]], data: st.DataObject
) -> None:
    measures, items, scales, scenarios = world
    s = data.draw(subjects(items, scales))
    scenario = data.draw(st.sampled_from(scenarios))
    out = match(measures, scenario, s, ON)
    hit: Hit
    for hit in out.hits:
        m = hit.measure.measure
        assert m.kind == "punish"
        assert hit.evidence, m.id
        for ev in hit.evidence:
            assert lawful_punishment_ground(m, ev, s, measures.list_items), (m.id, ev)
    for hit in out.rewards:
        m = hit.measure.measure
        assert m.kind == "reward"
        for ev in hit.evidence:
            assert lawful_reward_ground(m, ev, s), (m.id, ev)
        if s.grade_model == "tz-natural-person":
            assert all(ev.kind != "grade" for ev in hit.evidence), "a person's grade bought a reward"


def test_the_property_sees_every_kind_of_fact(
    world: tuple[Measures, list[str], list[tuple[str, str]], list[str]],
) -> None:
    """The generator reaches what the property is about: each catalog item, polarity and scenario."""
    _measures, items, scales, scenarios = world
    assert {"xycn", "xypj", "sxjl", "xzcf", "yzsxmd", "sxbzxr", "jyycml"} <= set(items)
    assert {m for m, _ in scales} >= {"tz-natural-person", "tz-enterprise"}
    assert "administrative_licensing" in scenarios
