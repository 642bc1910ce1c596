"""Which measures apply to many subjects under two policies, with grades given by the caller.

A policy simulation (``xinyong.simulation``) compares the measures that would apply under the policy in
force and under a proposal. Both sides are the check's own answer: the facts are loaded by
``inputs.load_trigger_facts`` (the disclosure decision of each policy), breaches by the commitments
service, and every scenario is matched by ``engine.match`` — only the grade and the supervision class
come from the caller, because a simulation scores the subjects itself instead of reading the stored run.

When the caller knows the facts are the same under both policies (only models or supervision rules
differ), :func:`changes` answers set-based instead: each trigger reads one part of a subject (grade,
class, facts, breaches — ``engine.fires``), so what a grade and class alone fire is asked of the engine
once per distinct (model, grade, class), and only the measures whose answer differs between the two
sides are at stake for a subject; its facts are then read in batches and built one at a time, only
until the measure's exclusions and triggers are decided. ``tests/sanctions/test_impact_batch.py`` keeps
it equal to matching each subject whole with ``engine.match``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from xinyong.commitments import service as commitments_service
from xinyong.db_prepared import Reader
from xinyong.policy.loader import Policy
from xinyong.sanctions import engine
from xinyong.sanctions.engine import Breach, SubjectFacts
from xinyong.sanctions.inputs import chunks, lazy_trigger_facts, load_trigger_facts, subject_facts
from xinyong.sanctions.lazyfact import LazyFact
from xinyong.sanctions.rules import CompiledMeasure, Measures, Trigger, measures_of

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


# (evaluation model, grade, supervision class) of a subject on one side
Standing = tuple[str | None, str | None, str | None]
# measure id -> (one of its triggers fires, one of its exclusions fires) on a grade and class alone
_Parts = dict[str, tuple[bool, bool]]
Change = tuple[int, frozenset[str], frozenset[str]]


def _on_facts(
    triggers: Sequence[Trigger],
    items: frozenset[str],
    facts: Sequence[LazyFact],
    breaches: tuple[Breach, ...],
    on: dt.date,
    m: Measures,
) -> bool:
    """Tell whether one of ``triggers`` (naming catalog ``items``) fires on the subject's facts or breaches.

    A list or record trigger fires on a subject's facts when it fires on one of them
    (``engine.evaluate_trigger`` weighs each fact alone), so the facts are built one at a time and the
    first that fires ends the search.
    """
    if not triggers:
        return False
    if breaches and engine.fires(triggers, SubjectFacts(0, breaches=breaches), on, m):
        return True
    return any(
        engine.fires(triggers, SubjectFacts(0, facts=(f.get(),)), on, m)
        for f in facts
        if f.catalog_item in items
    )


class _Side:
    """One policy's measures in force on the day, and what a grade and class alone fire (memoised).

    Measures often share their triggers or exclusions (every reward is barred by the same records):
    each distinct list is asked once per subject (``memo``).
    """

    def __init__(self, measures: Measures, on: dt.date) -> None:
        self.measures, self.on = measures, on
        self.in_force: dict[str, CompiledMeasure] = {
            cm.measure.id: cm for ms in measures.by_scenario.values() for cm in ms if cm.in_force(on)
        }
        self._parts: dict[Standing, _Parts] = {}
        self._lists: list[tuple[list[Trigger], frozenset[str]]] = []
        self._which = {
            mid: (self._list_of(cm.measure.triggers), self._list_of(cm.measure.exclusions))
            for mid, cm in self.in_force.items()
        }

    def _list_of(self, triggers: list[Trigger]) -> int:
        for n, (known, _items) in enumerate(self._lists):
            if known == triggers:
                return n
        self._lists.append((triggers, frozenset(i for t in triggers for i in t.catalog_items)))
        return len(self._lists) - 1

    def parts(self, standing: Standing) -> _Parts:
        """Return, per measure in force, whether the grade and class alone fire a trigger, an exclusion."""
        got = self._parts.get(standing)
        if got is None:
            model, grade, klass = standing
            alone = SubjectFacts(0, grade=grade, supervision_class=klass, grade_model=model)
            got = self._parts[standing] = {
                mid: (
                    engine.fires(cm.measure.triggers, alone, self.on, self.measures),
                    engine.fires(cm.measure.exclusions, alone, self.on, self.measures),
                )
                for mid, cm in self.in_force.items()
            }
        return got

    def _fires(
        self, n: int, facts: Sequence[LazyFact], breaches: tuple[Breach, ...], memo: dict[int, bool]
    ) -> bool:
        if n not in memo:
            triggers, items = self._lists[n]
            memo[n] = _on_facts(triggers, items, facts, breaches, self.on, self.measures)
        return memo[n]

    def applies(
        self,
        mid: str,
        parts: _Parts,
        facts: Sequence[LazyFact],
        breaches: tuple[Breach, ...],
        memo: dict[int, bool],
    ) -> bool:
        """Tell whether measure ``mid`` applies: a trigger fires and no exclusion does (``engine.match``).

        ``memo``: this subject's answers so far per distinct trigger list of this side.
        """
        if mid not in self.in_force:
            return False
        fired, blocked = parts[mid]
        triggers, exclusions = self._which[mid]
        if blocked or self._fires(exclusions, facts, breaches, memo):
            return False
        return fired or self._fires(triggers, facts, breaches, memo)

    def needs(self, mids: Iterable[str]) -> tuple[set[str], bool]:
        """Return the catalog items the measures' triggers and exclusions read, and whether breaches."""
        ts = [t for mid in mids if mid in self.in_force for t in _all_triggers(self.in_force[mid])]
        return {i for t in ts for i in t.catalog_items}, any(t.kind == "commitment_breach" for t in ts)


def _all_triggers(cm: CompiledMeasure) -> tuple[Trigger, ...]:
    return (*cm.measure.triggers, *cm.measure.exclusions)


# A subject's measures at stake: the grade parts on each side and the measures whose answer can differ.
_Stake = tuple[_Parts, _Parts, frozenset[str]]


def _stakes(
    sides: tuple[_Side, _Side], subjects: tuple[Graded, Graded], ids: Iterable[int]
) -> dict[int, _Stake]:
    """Return the subjects some measure of which may answer differently on the two sides, and those measures.

    With the same facts on both sides, a measure defined alike whose triggers and exclusions a grade and
    class alone fire alike answers alike.
    """
    sb, sa = sides
    differ = {mid for mid, cm in sb.in_force.items() if sa.in_force.get(mid, cm) != cm}
    out: dict[int, _Stake] = {}
    for sid in ids:
        pb, pa = sb.parts(subjects[0][sid][1:]), sa.parts(subjects[1][sid][1:])
        at = frozenset(mid for mid in pb.keys() | pa.keys() if pb.get(mid) != pa.get(mid) or mid in differ)
        if at:
            out[sid] = (pb, pa, at)
    return out


def _decide(
    sides: tuple[_Side, _Side],
    stakes: Mapping[int, _Stake],
    facts: Mapping[int, Sequence[LazyFact]],
    breaches: Mapping[int, tuple[Breach, ...]],
) -> Iterator[Change]:
    sb, sa = sides
    for sid, (pb, pa, at) in stakes.items():
        got, owed = facts.get(sid, ()), breaches.get(sid, ())
        memo_b: dict[int, bool] = {}
        memo_a: dict[int, bool] = {}
        was = {mid for mid in at if sb.applies(mid, pb, got, owed, memo_b)}
        now = {mid for mid in at if sa.applies(mid, pa, got, owed, memo_a)}
        if was != now:
            yield sid, frozenset(now - was), frozenset(was - now)


def changes_given(
    measures: tuple[Measures, Measures],
    subjects: tuple[Graded, Graded],
    facts: Mapping[int, Sequence[LazyFact]],
    breaches: Mapping[int, tuple[Breach, ...]],
    on: dt.date,
) -> Iterator[Change]:
    """Yield (subject, measures newly applying, measures no longer applying) from facts in hand.

    The set-based answer of :func:`changes`, without the database (the facts are the same on both sides).
    """
    sides = (_Side(measures[0], on), _Side(measures[1], on))
    yield from _decide(sides, _stakes(sides, subjects, sorted(subjects[0])), facts, breaches)


def changes(
    db: Reader, before: Policy, after: Policy, subjects: tuple[Graded, Graded], on: dt.date
) -> Iterator[Change]:
    """Yield (subject, measures newly applying, measures no longer applying) for the subjects that change.

    For two policies that read the records alike (only models or supervision rules differ): the same
    answer as :func:`compare` with ``same_facts``, set-based. Only the subjects with a measure at stake
    are read, only the catalog items those measures name, and a fact is built only while it may decide.
    """
    sides = (_Side(measures_of(before), on), _Side(measures_of(after), on))
    stakes = _stakes(sides, subjects, sorted(subjects[0]))
    groups: dict[frozenset[str], list[int]] = defaultdict(list)
    for sid, (_pb, _pa, at) in stakes.items():  # read per set of measures at stake: only their items
        groups[at].append(sid)
    found: list[Change] = []
    for at, ids in groups.items():
        (items_b, owed_b), (items_a, owed_a) = sides[0].needs(at), sides[1].needs(at)
        for part in chunks(ids):
            kinds = {sid: subjects[0][sid][0] for sid in part}
            facts = lazy_trigger_facts(db, kinds, on, before, items_b | items_a)
            owed: dict[int, tuple[Breach, ...]] = {}
            if owed_b or owed_a:
                for sid, got in commitments_service.breaches_for(db, list(kinds), before).items():
                    owed[sid] = subject_facts(sid, (), (None, None, None), got).breaches
            found.extend(_decide(sides, {sid: stakes[sid] for sid in part}, facts, owed))
    yield from sorted(found)  # in subject order, as the examples of a cell are the first subjects


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
