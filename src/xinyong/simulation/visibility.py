"""Which records each audience would see differently under a proposal: the rule core asked twice.

Every record's newest version is decided by ``xinyong.rules.disclosure.decide`` for every audience, once
with the policy in force and once with the proposal, on the same facts built by
``records.service.facts_of``. When the two policies agree on everything the decision reads (catalog,
enumerations, publicity regimes, channels, retention, severity), no record can change and none is read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.departments.models import Department
from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.records.models import CreditRecord
from xinyong.rules.disclosure import Audience, Disclosure, decide
from xinyong.rules.facts import Listing
from xinyong.simulation.tally import Tally
from xinyong.subjects.models import Subject

PAGE = 2000


def same_disclosure_rules(before: Policy, after: Policy) -> bool:
    """Tell whether the two policies agree on every input of the disclosure decision."""
    return (
        before.catalog == after.catalog
        and before.enums == after.enums
        and before.regimes == after.regimes
        and before.channels == after.channels
        and before.retention == after.retention
        and before.severity == after.severity
    )


def _pages(session: Session) -> Iterator[Sequence[Any]]:
    """Yield the newest record versions with their subject's kind, region, industry and department domain."""
    last = 0
    while True:
        rows = session.execute(
            select(CreditRecord, Subject.kind, Subject.region_code, Subject.industry, Department.domain)
            .join(Subject, Subject.id == CreditRecord.subject_id)
            .join(Department, Department.id == CreditRecord.department_id)
            .where(CreditRecord.id > last, records_service.latest_only())
            .order_by(CreditRecord.id)
            .limit(PAGE)
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0].id


def _decisions(
    rows: Sequence[Any],
    policy: Policy,
    on: dt.date,
    events: dict[int, Any],
    listings: dict[int, list[Listing]],
) -> list[dict[Audience, Disclosure]]:
    out = []
    for record, kind, _region, _industry, domain in rows:
        facts = records_service.facts_of(
            record,
            subject_kind=kind,
            domain=domain,
            events=events.get(record.id, []),
            listings=listings.get(record.subject_id, []),
            policy=policy,
        )
        out.append({a: decide(facts, a, on, policy) for a in Audience})
    return out


def compare(session: Session, before: Policy, after: Policy, on: dt.date) -> tuple[Tally, int]:
    """Count the records whose visibility changes, per (audience, shown after, region, industry, kind).

    Return the tally (examples: subject and record ids) and the number of records decided.
    """
    tally = Tally()
    decided = 0
    if same_disclosure_rules(before, after):
        return tally, decided
    for rows in _pages(session):
        events = records_service.status_events(session, [r[0].id for r in rows])
        subjects = {r[0].subject_id for r in rows}
        old = _decisions(rows, before, on, events, records_service.listings_of(session, subjects, before))
        new = _decisions(rows, after, on, events, records_service.listings_of(session, subjects, after))
        decided += len(rows)
        for (record, kind, region, industry, _domain), b, a in zip(rows, old, new, strict=True):
            for audience in Audience:
                if b[audience].shown != a[audience].shown:
                    key = (audience.value, a[audience].shown, region or "", industry or "", kind)
                    tally.add(key, record.subject_id, record.id)
    return tally, decided
