"""Gather what the 信用户 rating counts for each household member, set-based: a few reads per 500 people.

Every verdict on a record is the rule core's (``rules.disclosure.decide(...).counted`` for 计入期,
``rules.verdict.list_in_force`` for a list entry); breaches of commitments are the commitments service's.
Members are found through the blind index of their ID number; a member who is not (yet) a registered
subject has no records and so contributes nothing but its presence.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.commitments import service as commitments_service
from xinyong.policy.loader import Policy
from xinyong.records import service as records_service
from xinyong.records.models import CreditRecord
from xinyong.rules.disclosure import Audience, decide
from xinyong.rules.verdict import list_in_force
from xinyong.rural.models import RuralHousehold, RuralMember
from xinyong.rural.rating import MemberFacts
from xinyong.rural.rules import RatingScheme
from xinyong.subjects.models import IdentifierScheme, SubjectIdentifier

CHUNK = 500
NEGATIVE, POSITIVE = "negative", "positive"


T = TypeVar("T", int, str)


def _chunks(values: Sequence[T]) -> Iterable[list[T]]:
    for start in range(0, len(values), CHUNK):
        yield list(values[start : start + CHUNK])


def members_of(session: Session, household_ids: Iterable[int]) -> dict[int, list[RuralMember]]:
    """Return the members of many households (户主 first, then in the order they joined)."""
    out: dict[int, list[RuralMember]] = defaultdict(list)
    for part in _chunks(sorted(set(household_ids))):
        rows = session.scalars(
            select(RuralMember).where(RuralMember.household_id.in_(part)).order_by(RuralMember.id)
        )
        for m in rows:
            out[m.household_id].append(m)
    for members in out.values():
        members.sort(key=lambda m: (m.relation != "户主", m.id))
    return out


def member_lookups(session: Session, household_ids: Iterable[int]) -> dict[int, list[str]]:
    """Return the members' ID blind indexes of many households (columns only: what the rating joins on)."""
    out: dict[int, list[str]] = defaultdict(list)
    for part in _chunks(sorted(set(household_ids))):
        query = select(RuralMember.household_id, RuralMember.member_lookup).where(
            RuralMember.household_id.in_(part)
        )
        for hid, lookup in session.execute(query.order_by(RuralMember.id)):
            out[hid].append(lookup)
    return out


def persons_by_lookup(session: Session, lookups: Iterable[str]) -> dict[str, int]:
    """Return the natural-person subject of each ID blind index that belongs to one."""
    out: dict[str, int] = {}
    for part in _chunks(sorted(set(lookups))):
        rows = session.execute(
            select(SubjectIdentifier.lookup, SubjectIdentifier.subject_id).where(
                SubjectIdentifier.scheme == IdentifierScheme.ID_CARD.value, SubjectIdentifier.lookup.in_(part)
            )
        )
        out.update({row[0]: row[1] for row in rows})
    return out


def household_of_person(session: Session, lookup: str) -> int | None:
    """Return the household a person (by ID blind index) belongs to, if any."""
    return session.scalar(select(RuralMember.household_id).where(RuralMember.member_lookup == lookup))


def _records(session: Session, person_ids: list[int]) -> list[CreditRecord]:
    out: list[CreditRecord] = []
    for part in _chunks(person_ids):
        out.extend(
            session.scalars(
                select(CreditRecord).where(CreditRecord.subject_id.in_(part), records_service.latest_only())
            )
        )
    return out


def subject_facts(
    session: Session, policy: Policy, scheme: RatingScheme, person_ids: Iterable[int], on: dt.date
) -> dict[int, MemberFacts]:
    """Return each person's facts on ``on``: lists in force, counted negative records, arrears, breaches, honours."""
    ids = sorted(set(person_ids))
    counts: dict[int, dict[str, int]] = {i: defaultdict(int) for i in ids}
    records = _records(session, ids)
    facts = records_service.load_facts(session, records, policy)
    serious = set(records_service.serious_list_items(policy))
    arrears = set(scheme.arrears_items)
    for r in records:
        f = facts[r.id]
        c = counts[r.subject_id]
        if r.catalog_item in serious and list_in_force(f, policy, on):
            c["serious_lists_in_force"] += 1
        if not decide(f, Audience.CREDIT_CENTRE, on, policy).counted:
            continue
        if r.catalog_item in arrears:
            c["arrears"] += 1
        if r.polarity == NEGATIVE:
            c["negative_records_in_force"] += 1
        elif r.polarity == POSITIVE:
            c["positive_records"] += 1
    for sid, breaches in commitments_service.breaches_for(session, ids, policy).items():
        counts[sid]["commitments_broken"] += sum(1 for b in breaches if b.breached_on <= on)
    return {sid: MemberFacts(**c) for sid, c in counts.items()}


def household_facts(
    session: Session, policy: Policy, scheme: RatingScheme, household_ids: Iterable[int], on: dt.date
) -> dict[int, tuple[MemberFacts, ...]]:
    """Return each household's members' facts on ``on`` (an unregistered member: no facts, still a member)."""
    members = member_lookups(session, household_ids)
    persons = persons_by_lookup(session, (lookup for ms in members.values() for lookup in ms))
    facts = subject_facts(session, policy, scheme, persons.values(), on)
    empty = MemberFacts()
    return {
        hid: tuple(facts.get(persons.get(lookup, -1), empty) for lookup in ms) for hid, ms in members.items()
    }


def household_villages(session: Session, household_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Return the village of every household (all of them, or those given)."""
    query = select(RuralHousehold.subject_id, RuralHousehold.village_id)
    if household_ids is None:
        return {row[0]: row[1] for row in session.execute(query)}
    out: dict[int, int] = {}
    for part in _chunks(sorted(set(household_ids))):
        out.update(
            {row[0]: row[1] for row in session.execute(query.where(RuralHousehold.subject_id.in_(part)))}
        )
    return out
