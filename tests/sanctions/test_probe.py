"""Gathering a check's inputs through the probe statement gives what the general loaders give, for a
batch and for each subject alone (records, a list entry, grades, a breached commitment, a name)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from tests.factories import sanctions as f
from tests.factories.subjects import enterprise
from xinyong.commitments import service as commitments
from xinyong.departments.service import sync_from_policy
from xinyong.evaluation.models import EvaluationResult, EvaluationRun
from xinyong.runtime import Runtime
from xinyong.sanctions import inputs
from xinyong.sanctions.probe import gather, probe
from xinyong.sanctions.resolve import Query, resolve
from xinyong.sanctions.rules import measures_of
from xinyong.sanctions.service import _trigger_items

ON = dt.date(2026, 11, 2)


def _general(session: Session, runtime: Runtime, queries: list[Query], items: set[str], rule: Any) -> Any:
    """The inputs as the general loaders read them for every subject found."""
    res = resolve(session, runtime.keys, runtime.policy, queries)
    kinds = {r.subject.subject_id: r.subject.kind for r in res if r.subject is not None}
    facts = inputs.load_trigger_facts(session, kinds, ON, runtime.policy, items)
    grades = inputs.load_grades(session, kinds, runtime.policy, rule)
    breaches = commitments.breaches_for(session, sorted(kinds), runtime.policy)
    return res, facts, grades, breaches


def _same(a: Any, b: Any) -> None:
    (res_a, facts_a, grades_a, breaches_a), (res_b, facts_b, grades_b, breaches_b) = a, b
    assert [(r.status, r.subject) for r in res_a] == [(r.status, r.subject) for r in res_b]
    assert {k: v for k, v in facts_a.items() if v} == {k: v for k, v in facts_b.items() if v}
    assert grades_a == grades_b
    assert {k: v for k, v in breaches_a.items() if v} == {k: v for k, v in breaches_b.items() if v}


def test_gather_equals_the_general_loaders(session: Session, runtime: Runtime) -> None:
    sync_from_policy(session, runtime.policy, actor="test", on=dt.date(2026, 1, 1))
    clean, penalised, listed, graded, breached, named = (enterprise(session, runtime.keys) for _ in range(6))
    f.record(session, penalised)
    f.record(session, graded, severity="严重")
    f.listed(session, listed)
    c = commitments.register(
        session,
        runtime.policy,
        runtime.keys,
        commitments.CommitmentInput(
            str(breached.uscc),
            "证明事项告知承诺型",
            "WL-SCJG",
            "食品经营许可",
            "承诺材料真实。",
            dt.date(2026, 3, 2),
        ),
        actor="t",
    )
    commitments.set_status(
        session, runtime.policy, c.code, "未履行", dt.date(2026, 5, 1), actor="t", reason="不实"
    )
    run = EvaluationRun(as_of=dt.date(2026, 10, 31), policy_hash="h", actor="test", status="finished")
    session.add(run)
    session.flush()
    for s, grade in ((graded, "优秀"), (clean, "良好"), (breached, "较差")):
        session.add(
            EvaluationResult(
                run_id=run.id,
                subject_id=s.id,
                model_id="m",
                model_version="1",
                score=1,
                grade=grade,
                points={},
                policy_hash="h",
            )
        )
    session.flush()
    items = _trigger_items(measures_of(runtime.policy), "government_procurement")
    rule = inputs.supervision_rule(runtime.policy, "TZ-SCJG", ON)
    queries = [Query(code=str(s.uscc)) for s in (clean, penalised, listed, graded, breached)]
    queries += [Query(name=named.name), Query(code="91331002MA2AAAAAA0"), Query(code=str(clean.uscc).lower())]
    for batch in [queries, *([q] for q in queries)]:
        got = gather(session, runtime.keys, runtime.policy, batch, ON, items, rule)
        _same(
            (got.resolutions, got.facts, got.grades, got.breaches),
            _general(session, runtime, batch, items, rule),
        )
    found = probe(session, [str(s.uscc) for s in (clean, penalised, breached)])
    assert {(p.grade, p.has_records, p.has_commitments) for p in found.values()} == {
        (("m", "良好"), False, False),
        (None, True, False),
        (("m", "较差"), True, True),  # the breach also created a negative record
    }
