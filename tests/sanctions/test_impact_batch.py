"""The set-based measures of a simulation equal matching each subject whole with the check's engine.

``impact.changes_given`` (what ``impact.changes`` runs on the facts it reads) splits a subject into its
grade and class (asked once per standing) and its facts and breaches (built one at a time); this table
of hand-built subjects crosses grade and class moves with facts of every trigger kind the measure policy
has (grade, supervision class, list, record, commitment breach), in force or not, and compares with
``engine.match`` over every scenario on the whole subject.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy.orm import Session

from tests.factories import evaluation as ev_factories
from tests.factories import subjects as subject_factories
from xinyong.policy.loader import Policy
from xinyong.runtime import Runtime
from xinyong.sanctions import engine, impact
from xinyong.sanctions.engine import Breach, Fact, SubjectFacts
from xinyong.sanctions.lazyfact import LazyFact
from xinyong.sanctions.rules import Measures, measures_of

ON = dt.date(2026, 11, 2)
ENT = "tz-enterprise"


def _fact(item: str, polarity: str = "negative", severity: str | None = "一般", **kw: object) -> Fact:
    base: dict[str, object] = {
        "record_id": 1,
        "catalog_item": item,
        "polarity": polarity,
        "severity": severity,
        "decision_on": dt.date(2026, 3, 1),
    }
    return Fact(**{**base, **kw})  # type: ignore[arg-type]


FACTS: dict[str, tuple[tuple[Fact, ...], tuple[Breach, ...]]] = {
    "none": ((), ()),
    "penalty": ((_fact("xzcf"),), ()),
    "minor penalty": ((_fact("xzcf", severity="轻微"),), ()),
    "repaired penalty": ((_fact("xzcf", excluded="已完成信用修复"),), ()),
    "listed": ((_fact("yzsxmd", severity="严重", list_type="严重违法失信名单"),), ()),
    "list ended": ((_fact("yzsxmd", severity="严重", list_end=dt.date(2026, 1, 1)),), ()),
    "honour": ((_fact("sxjl", "positive", None),), ()),
    "honour expired": ((_fact("sxjl", "positive", None, valid_to=dt.date(2026, 6, 1)),), ()),
    "honour and penalty": ((_fact("sxjl", "positive", None), _fact("xzcf", record_id=2)), ()),
    "commitment kept": ((_fact("xycn", "neutral", None),), ()),
    "breach": ((), (Breach("CN-1", dt.date(2026, 10, 1), dt.date(2027, 10, 1)),)),
    "breach over": ((), (Breach("CN-1", dt.date(2024, 1, 1), dt.date(2025, 1, 1)),)),
}
MOVES = [
    ((ENT, "优秀", "A"), (ENT, "良好", "B")),
    ((ENT, "良好", "B"), (ENT, "中等", "C")),
    ((ENT, "中等", "C"), (ENT, "较差", "D")),
    ((ENT, "较差", "D"), (ENT, "中等", "C")),
    ((ENT, "中等", "C"), (None, None, "C")),
    ((ENT, "优秀", "A"), ("tz-government", "优秀", "A")),
    ((ENT, "良好", "A"), (ENT, "良好", "B")),
]
CASES = list(itertools.product(MOVES, FACTS))


@pytest.fixture(scope="module")
def measures(policy: Policy) -> Measures:
    return measures_of(policy)


def _whole(m: Measures, sid: int, standing: impact.Standing, facts: str) -> frozenset[str]:
    """The check's answer for one subject: every scenario matched on the whole subject."""
    model, grade, klass = standing
    got, breaches = FACTS[facts]
    subject = SubjectFacts(sid, got, grade, klass, model, breaches)
    out: set[str] = set()
    for scenario in m.by_scenario:
        outcome = engine.match(m, scenario, subject, ON)
        out.update(h.measure.measure.id for h in (*outcome.hits, *outcome.rewards))
    return frozenset(out)


def test_the_measure_policy_has_every_trigger_kind_the_table_covers(measures: Measures) -> None:
    kinds = {t.kind for cm in measures.by_id.values() for t in (*cm.measure.triggers, *cm.measure.exclusions)}
    assert kinds == {"grade", "supervision_class", "list", "record", "commitment_breach"}


def test_set_based_changes_equal_the_engine_subject_by_subject(measures: Measures) -> None:
    before = {sid: ("企业法人", *b) for sid, ((b, _a), _f) in enumerate(CASES)}
    after = {sid: ("企业法人", *a) for sid, ((_b, a), _f) in enumerate(CASES)}
    facts = {sid: [LazyFact.of(f) for f in FACTS[name][0]] for sid, (_m, name) in enumerate(CASES)}
    breaches = {sid: FACTS[name][1] for sid, (_m, name) in enumerate(CASES)}
    expected = {}
    for sid, ((b, a), name) in enumerate(CASES):
        was, now = _whole(measures, sid, b, name), _whole(measures, sid, a, name)
        if was != now:
            expected[sid] = (now - was, was - now)
    got = {
        sid: (new, stopped)
        for sid, new, stopped in impact.changes_given(
            (measures, measures), (before, after), facts, breaches, ON
        )
    }
    assert got == expected
    # the table is not vacuous: a grade, a class, a list entry, a record, a breach each decide a case
    moved = {CASES[sid] for sid in expected}
    down, worse = MOVES[0], MOVES[2]
    assert (down, "none") in moved
    assert (down, "penalty") not in moved
    assert (down, "minor penalty") in moved
    assert (down, "breach") not in moved
    assert (down, "breach over") in moved
    assert (down, "listed") not in moved
    assert (worse, "none") in moved
    assert (worse, "listed") not in moved
    assert (worse, "list ended") in moved
    assert (MOVES[1], "honour") not in moved
    assert (MOVES[1], "honour expired") in moved
    assert (MOVES[6], "none") in moved  # the class alone (A → B) stops 减少检查频次
    assert (MOVES[5], "none") in moved  # a grade counts only on the scale of a model the measure names


def test_read_from_the_database_the_answer_equals_matching_each_subject(
    session: Session, runtime: Runtime
) -> None:
    """``impact.changes`` (facts read per set of measures at stake, built lazily) equals ``impact.compare``."""
    dept = subject_factories.department(session)
    records: list[tuple[str, dict[str, object]]] = [
        ("xzcf", {}),
        ("xzcf", {"severity": "轻微"}),
        ("yzsxmd", {"severity": "严重"}),
        ("sxjl", {"severity": None, "valid_to": dt.date(2030, 1, 1)}),
        ("sxjl", {"severity": None, "valid_to": dt.date(2025, 1, 1)}),
        ("xycn", {"severity": None}),
    ]
    firms = {}
    for item, kw in [("", {}), *records]:
        firm = subject_factories.enterprise(session, runtime.keys, established_on=dt.date(2015, 1, 1))
        if item:
            ev_factories.record(session, firm, dept.id, item, dt.date(2026, 3, 1), **kw)  # type: ignore[arg-type]
        for m, (b, a) in enumerate(MOVES):
            firms[firm.id * 100 + m] = (firm.id, b, a)
    session.flush()
    # every firm under every move: the subject ids repeat, so one call per move
    for m, (b, a) in enumerate(MOVES):
        ids = [sid for key, (sid, _b, _a) in firms.items() if key % 100 == m]
        before = dict.fromkeys(ids, ("企业法人", *b))
        after = dict.fromkeys(ids, ("企业法人", *a))
        sides = (before, after)
        whole = {
            sid: (now - was, was - now)
            for sid, was, now in impact.compare(
                session, runtime.policy, runtime.policy, sides, ON, same_facts=True
            )
            if was != now
        }
        got = {
            sid: (new, stopped)
            for sid, new, stopped in impact.changes(session, runtime.policy, runtime.policy, sides, ON)
        }
        assert got == whole, MOVES[m]
        if m == 0:  # 优秀 → 良好: the rewards stop, except for the firm barred by its penalty
            assert 0 < len(got) < len(ids)
