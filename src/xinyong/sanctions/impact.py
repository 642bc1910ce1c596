"""Which measures apply to many subjects under two policies, with grades given by the caller.

A policy simulation (``xinyong.simulation``) compares the measures that would apply under the policy in
force and under a proposal. Both sides are the check's own answer: the facts are loaded by
``inputs.load_trigger_facts`` (the disclosure decision of each policy), breaches by the commitments
service, and every scenario is matched by ``engine.match`` — only the grade and the supervision class
come from the caller, because a simulation scores the subjects itself instead of reading the stored run.

When the caller knows the facts are the same under both policies (only models or supervision rules
differ), the facts are loaded once and only the measures naming a grade or a class are matched: every
other trigger sees the same facts under the same measure, so it answers the same on both sides.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from xinyong.commitments import service as commitments_service
from xinyong.db_prepared import Reader
from xinyong.policy.loader import Policy
from xinyong.sanctions import engine
from xinyong.sanctions.inputs import chunks, load_trigger_facts, subject_facts
from xinyong.sanctions.rules import Measures, measures_of

# subject id -> (kind, evaluation model, grade, supervision class) on one side
Graded = Mapping[int, tuple[str, str | None, str | None, str | None]]


@dataclass(frozen=True)
class _Facts:
    facts: Mapping[int, list[engine.Fact]]
    breaches: Mapping[int, list[commitments_service.BreachInfo]]


def _trigger_items(measures: Measures) -> set[str]:
    """Return the catalog items any measure names (triggers and exclusions)."""
    return {
        item
        for cm in measures.by_id.values()
        for t in (*cm.measure.triggers, *cm.measure.exclusions)
        for item in t.catalog_items
    }


def _naming_grades(measures: Measures) -> set[str]:
    """Return the ids of the measures some trigger or exclusion of which is a grade or a class."""
    return {
        mid
        for mid, cm in measures.by_id.items()
        if any(
            t.kind in ("grade", "supervision_class") for t in (*cm.measure.triggers, *cm.measure.exclusions)
        )
    }


def _only(measures: Measures, ids: set[str]) -> Measures:
    """Return the measures restricted to ``ids`` (a new object: the engine's caches key on it)."""
    return dataclasses.replace(
        measures,
        by_id={k: v for k, v in measures.by_id.items() if k in ids},
        by_scenario={
            sc: [cm for cm in ms if cm.measure.id in ids] for sc, ms in measures.by_scenario.items()
        },
        trigger_items={},
    )


def _load(db: Reader, policy: Policy, kinds: Mapping[int, str], on: dt.date, items: set[str]) -> _Facts:
    ids = list(kinds)
    return _Facts(
        load_trigger_facts(db, kinds, on, policy, items),
        commitments_service.breaches_for(db, ids, policy),
    )


def _applied(
    measures: Measures,
    sid: int,
    graded: tuple[str, str | None, str | None, str | None],
    got: _Facts,
    on: dt.date,
) -> frozenset[str]:
    """Return the ids of the measures (惩戒 and 激励) applying to one subject in any scenario."""
    _kind, model, grade, klass = graded
    subject = subject_facts(sid, got.facts.get(sid, ()), (grade, klass, model), got.breaches.get(sid, ()))
    applied: set[str] = set()
    for scenario in measures.by_scenario:
        outcome = engine.match(measures, scenario, subject, on)
        applied.update(h.measure.measure.id for h in (*outcome.hits, *outcome.rewards))
    return frozenset(applied)


def compare(
    db: Reader,
    before: Policy,
    after: Policy,
    subjects: tuple[Graded, Graded],
    on: dt.date,
    *,
    same_facts: bool,
) -> Iterator[tuple[int, frozenset[str], frozenset[str]]]:
    """Yield (subject, measures applying before, after) for every subject given, chunk by chunk.

    ``subjects``: the same subjects graded under each policy. ``same_facts``: the two policies read the
    records alike (only models or supervision rules differ), so only the measures naming a grade or a
    class can answer differently, and only those are matched.
    """
    mb, ma = measures_of(before), measures_of(after)
    if same_facts:
        named = _naming_grades(mb) | _naming_grades(ma)
        mb, ma = _only(mb, named), _only(ma, named)
    items_b, items_a = _trigger_items(mb), _trigger_items(ma)
    graded_b, graded_a = subjects
    for part in chunks(sorted(graded_b)):
        kinds = {sid: graded_b[sid][0] for sid in part}
        got_b = _load(db, before, kinds, on, items_b)
        got_a = got_b if same_facts else _load(db, after, kinds, on, items_a)
        for sid in part:
            yield (
                sid,
                _applied(mb, sid, graded_b[sid], got_b, on),
                _applied(ma, sid, graded_a[sid], got_a, on),
            )


def named_grades_and_classes(policy: Policy) -> tuple[set[str], set[str]]:
    """Return the grades and the supervision classes some trigger or exclusion names.

    A grade or class no trigger names changes no measure: ``engine.evaluate_trigger`` fires a grade or
    class trigger only for the grades and classes it lists.
    """
    measures = measures_of(policy)
    return measures.trigger_grades, measures.trigger_classes


def measure_names(policy: Policy) -> dict[str, str]:
    """Return measure id → its Chinese name (with its kind: 惩戒/激励)."""
    return {
        mid: f"{cm.measure.name}（{'惩戒' if cm.measure.kind == 'punish' else '激励'}）"
        for mid, cm in measures_of(policy).by_id.items()
    }
