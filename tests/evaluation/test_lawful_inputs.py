"""Lawful inputs: the evaluation counts exactly the records the records package's one decision counts.

Random synthetic records with events — repaired, objections opened and closed (also on one day),
deleted, suspended, past retention, superseded versions, serious-list entries that expire or are removed
— are decided by ``records.service.counted_records`` (``disclosure.decide(...).counted``) and compared
with the batch plan's ``lawful`` set and with the single-subject path, record by record, objection flag
included.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from sqlalchemy.orm import Session

from tests.factories import evaluation as ev_factories
from tests.factories.evaluation import event, record
from tests.factories.subjects import department, enterprise
from xinyong.evaluation import batch, queries, service
from xinyong.evaluation.inputs import RetentionRule, assess, listings, retention_cutoff, retention_rule
from xinyong.evaluation.sqlgen import lawful_ctes
from xinyong.kit.dates import sub_months
from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.rules.disclosure import Audience
from xinyong.runtime import Runtime


def _lawful_records(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, rule: RetentionRule
) -> list[tuple[int, int, bool]]:
    """Return (record id, subject id, under objection) of every record the plan counts (its ``lawful``)."""
    rows = con.execute(
        f"WITH {lawful_ctes(rule, as_of)} SELECT id, subject_id, under_objection FROM lawful ORDER BY id"  # noqa: S608 -- compiled from the validated policy, as the batch does
    ).fetchall()
    return [(int(a), int(b), bool(c)) for a, b, c in rows]


@pytest.mark.parametrize(
    ("seed", "as_of"),
    [(31, dt.date(2026, 10, 31)), (32, dt.date(2024, 2, 29)), (33, dt.date(2025, 6, 15))],
)
def test_counted_records_equal_the_records_decision(
    session: Session, policy: Policy, seed: int, as_of: dt.date
) -> None:
    dept = department(session)
    edges = (
        as_of,
        sub_months(as_of, 36),
        sub_months(as_of, 60),
        retention_cutoff(as_of, 60),
        sub_months(as_of, 61),
    )
    pop = ev_factories.random_population(
        session, dept.id, seed=seed, subjects=300, records_per_subject=7.0, edges=edges
    )
    models = service.models_of(policy)
    rule = retention_rule(policy)
    items = set(queries.payload_fields(policy, models).items)
    con = batch.load_duckdb(batch.read_inputs(session.connection(), policy, models))
    plan: dict[int, set[tuple[int, bool]]] = {}
    for rid, sid, objection in _lawful_records(con, as_of, rule):
        plan.setdefault(sid, set()).add((rid, objection))
    mismatches = []
    reasons: set[str] = set()
    for sid in pop.subject_ids:
        decided = records_service.decide_records(
            session, records_service.subject_records(session, sid), Audience.CREDIT_CENTRE, as_of, policy
        )
        want = {
            (v.record.id, v.disclosure.under_objection)
            for v in decided
            if v.disclosure.counted and v.record.catalog_item in items
        }
        reasons |= {v.disclosure.reason_code for v in decided if not v.disclosure.counted}
        found = service.subject_inputs(session, policy, sid)
        assert found is not None
        _, facts = found
        held = listings(facts, rule)
        # (corrections of other items are read too, so that supersession is seen; compare the model's items)
        modelled = {f.id for f in facts if f.catalog_item in items}
        single = {
            (f.id, a.under_objection)
            for f in facts
            if f.id in modelled and (a := assess(f, as_of, policy, held)).counted
        }
        batch_set = {(rid, o) for rid, o in plan.get(sid, set()) if rid in modelled}
        if not (want == batch_set == single):
            mismatches.append((sid, sorted(want ^ batch_set), sorted(want ^ single)))
    assert mismatches == []
    # the population reaches every way of not being counted, so the comparison has teeth
    assert {"deleted", "repaired", "suspended", "disclosure_stopped", "retention_expired"} <= reasons
    assert sum(len(v) for v in plan.values()) > 300
    assert any(o for v in plan.values() for _, o in v)


def test_listing_keeps_other_negative_records_until_it_ends(
    session: Session, policy: Policy, runtime: Runtime
) -> None:
    """Zhejiang retention: a serious listing running at the end keeps the subject's other negatives."""
    dept = department(session)
    firm = enterprise(session, runtime.keys)
    as_of = dt.date(2026, 10, 31)
    old = record(session, firm, dept.id, "xzcf", dt.date(2021, 3, 1))  # five years ended 2026-03-01
    listed = record(session, firm, dept.id, "yzsxmd", dt.date(2020, 6, 1), payload={"MD_YCRQ": "2027-06-01"})
    rule = retention_rule(policy)

    def plan_ids() -> set[int]:
        con = batch.load_duckdb(batch.read_inputs(session.connection(), policy, service.models_of(policy)))
        return {rid for rid, sid, _ in _lawful_records(con, as_of, rule) if sid == firm.id}

    def records_ids() -> set[int]:
        return {r.id for r in records_service.counted_records(session, firm.id, as_of, policy)}

    assert {old.id, listed.id} <= plan_ids() == records_ids()
    event(session, listed, "list_removed", dt.date(2026, 1, 10))  # off the list before the five years end
    assert old.id not in plan_ids()
    assert plan_ids() == records_ids()
