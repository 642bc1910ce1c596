"""Differential: the check's fast fact loader uses a record exactly when the one disclosure decision,
on the facts the credit-files capability loads itself, shares it with departments.

Random synthetic subjects and records: versions, repairs, objections, deletions, suspensions, list
removals, list and publication end dates, sentences, 轻微 severities, decisions after the day asked,
positive records; single-subject and batch paths; several days.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import sanctions as f
from tests.factories.subjects import enterprise, person
from xinyong.records import service as records_service
from xinyong.records.models import CreditRecord, RecordEventKind
from xinyong.rules.disclosure import Audience
from xinyong.runtime import Runtime
from xinyong.sanctions import inputs

ITEMS = {"xzcf", "yzsxmd", "sxbzxr", "jyycml", "sfpj", "sxjl", "htly"}
EVENTS = [
    RecordEventKind.REPAIRED,
    RecordEventKind.OBJECTION_OPENED,
    RecordEventKind.OBJECTION_CLOSED,
    RecordEventKind.DELETED,
    RecordEventKind.LIST_REMOVED,
    RecordEventKind.DISCLOSURE_STOPPED,
    RecordEventKind.SUSPENDED,
    RecordEventKind.UNSUSPENDED,
]
DAYS = (dt.date(2026, 11, 2), dt.date(2024, 6, 30), dt.date(2029, 1, 15))


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days))


def _payload(rng: random.Random, roles: dict[Any, str], decided: dt.date) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for role in ("list_end", "publication_end", "sentence_end", "valid_to"):
        if role in roles and rng.random() < 0.6:
            out[roles[role]] = (decided + dt.timedelta(days=rng.randrange(30, 3000))).isoformat()
    if "list_type" in roles:
        out[roles["list_type"]] = "严重违法失信名单"
    return out


def _populate(session: Session, runtime: Runtime, rng: random.Random) -> dict[int, str]:
    policy = runtime.policy
    subjects = [enterprise(session, runtime.keys) for _ in range(3)] + [person(session, runtime.keys)]
    for s in subjects:
        for _ in range(rng.randrange(0, 7)):
            item = rng.choice(sorted(ITEMS))
            decided = _day(rng, dt.date(2018, 1, 1), dt.date(2027, 6, 1))
            roles = policy.catalog[item].roles
            rec = f.record(
                session,
                s,
                item,
                severity=rng.choice(["轻微", "一般", "严重", None]),
                decided=decided,
                polarity="positive" if item == "sxjl" else "negative",
                payload=_payload(rng, roles, decided),
            )
            if rng.random() < 0.2:  # a corrected version supersedes it
                rec = f.record(session, s, item, severity="严重", decided=decided, supersedes=rec)
            for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
                f.event(session, rec, rng.choice(EVENTS), _day(rng, decided, dt.date(2029, 6, 1)))
    return {s.id: s.kind for s in subjects}


@pytest.mark.parametrize("seed", range(12))
def test_fact_loader_agrees_with_the_disclosure_decision(
    seed: int, session: Session, runtime: Runtime
) -> None:
    rng = random.Random(seed)
    kinds = _populate(session, runtime, rng)
    records = session.scalars(
        select(CreditRecord).where(
            CreditRecord.subject_id.in_(kinds),
            CreditRecord.catalog_item.in_(ITEMS),
            records_service.latest_only(),
        )
    ).all()
    checked = 0
    for on in DAYS:
        expected = {
            v.record.id: v.disclosure
            for v in records_service.decide_records(session, records, Audience.DEPARTMENT, on, runtime.policy)
        }
        batch = inputs.load_trigger_facts(session, kinds, on, runtime.policy, ITEMS)
        singles: dict[int, list[Any]] = {}
        for sid, kind in kinds.items():
            singles.update(inputs.load_trigger_facts(session, {sid: kind}, on, runtime.policy, ITEMS))
        for loaded in (batch, singles):
            facts = {x.record_id: x for fs in loaded.values() for x in fs}
            assert set(facts) == set(expected)
            for rid, decision in expected.items():
                fact = facts[rid]
                assert (fact.excluded is None) == decision.shared, (on, rid, fact, decision)
                assert fact.under_objection == decision.under_objection
                if not decision.shared:
                    assert fact.excluded == decision.reason
                checked += 1
    assert checked == 2 * len(DAYS) * len(records)
