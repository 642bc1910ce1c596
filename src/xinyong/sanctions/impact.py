"""Which measures apply to many subjects at once, under one policy, with grades given by the caller.

A policy simulation (``xinyong.simulation``) compares the measures that would apply under the policy in
force and under a proposal. Both sides are the check's own answer: the facts are loaded by
``inputs.load_trigger_facts`` (the disclosure decision of the given policy), breaches by the commitments
service, and every scenario is matched by ``engine.match`` — only the grade and the supervision class
come from the caller, because a simulation scores the subjects itself instead of reading the stored run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from xinyong.commitments import service as commitments_service
from xinyong.db_prepared import Reader
from xinyong.policy.loader import Policy
from xinyong.sanctions import engine
from xinyong.sanctions.inputs import chunks, load_trigger_facts
from xinyong.sanctions.rules import Measures, measures_of


def trigger_items(measures: Measures) -> set[str]:
    """Return the catalog items any measure of any scenario names (triggers and exclusions)."""
    return {
        item
        for cm in measures.by_id.values()
        for t in (*cm.measure.triggers, *cm.measure.exclusions)
        for item in t.catalog_items
    }


def measures_applied(
    db: Reader,
    policy: Policy,
    subjects: Mapping[int, tuple[str, str | None, str | None, str | None]],
    on: dt.date,
) -> dict[int, frozenset[str]]:
    """Return, per subject, the ids of the measures (惩戒 and 激励) applying in any scenario on ``on``.

    ``subjects`` maps subject ids to (kind, evaluation model, grade, supervision class); subjects to
    which no measure applies are left out.
    """
    measures = measures_of(policy)
    items = trigger_items(measures)
    out: dict[int, frozenset[str]] = {}
    ids = sorted(subjects)
    for part in chunks(ids):
        kinds = {sid: subjects[sid][0] for sid in part}
        facts = load_trigger_facts(db, kinds, on, policy, items)
        breaches = commitments_service.breaches_for(db, list(part), policy)
        for sid in part:
            _kind, model, grade, klass = subjects[sid]
            subject = engine.SubjectFacts(
                subject_id=sid,
                facts=tuple(facts.get(sid, ())),
                grade=grade,
                supervision_class=klass,
                grade_model=model,
                breaches=tuple(
                    engine.Breach(b.code, b.breached_on, b.suspended_until) for b in breaches.get(sid, ())
                ),
            )
            applied: set[str] = set()
            for scenario in measures.by_scenario:
                outcome = engine.match(measures, scenario, subject, on)
                applied.update(h.measure.measure.id for h in (*outcome.hits, *outcome.rewards))
            if applied:
                out[sid] = frozenset(applied)
    return out


def measure_names(policy: Policy) -> dict[str, str]:
    """Return measure id → its Chinese name (with its kind: 惩戒/激励)."""
    return {
        mid: f"{cm.measure.name}（{'惩戒' if cm.measure.kind == 'punish' else '激励'}）"
        for mid, cm in measures_of(policy).by_id.items()
    }
