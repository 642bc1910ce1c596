"""The household file (农户信用档案): members, village and the 信用户 rating — authorised and logged.

A household's file is its members' personal information (浙江条例第十五条), so it is never public. Its
members read it as their own (a signed-in person whose ID blind index is a member's); anyone else goes
through the one scope check, ``subjects.scope.authorise_read`` (credit centre, auditor, departments for a
duty within their county). Every read is written to the query log and the audit chain. The file shows
the household's totals per criterion, not one member's records to another.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from xinyong.auth import consent
from xinyong.auth.access import Basis, ReadAccess
from xinyong.auth.principal import Principal, Role
from xinyong.errors import NotFound
from xinyong.policy.loader import Policy
from xinyong.rules.disclosure import Audience
from xinyong.rural import facts
from xinyong.rural.compute import rate_households
from xinyong.rural.models import RuralHousehold, RuralMember, RuralVillage
from xinyong.rural.registry import UNIT_KINDS
from xinyong.rural.schemas import HouseholdFile, HouseholdRatingRead, MemberRead, VillageRef, criterion_read
from xinyong.subjects.models import IdentifierScheme, Subject, SubjectKind
from xinyong.subjects.scope import authorise_read

WHAT = "household_file"
MEMBER_READ = ReadAccess(Audience.SUBJECT_SELF, Basis.SELF, "本户家庭成员查询")


def _authorise(
    session: Session,
    policy: Policy,
    principal: Principal,
    household_id: int,
    member_ids: set[int],
    on: dt.date,
    what: str = WHAT,
) -> ReadAccess:
    """Return how the caller reads the household (a member as itself, others by scope), and log the read."""
    if principal.role == Role.SUBJECT and principal.subject_id in member_ids:
        consent.log_read(
            session,
            principal,
            subject_id=household_id,
            access=MEMBER_READ,
            what=what,
            items=1,
            policy=policy,
            on=on,
        )
        return MEMBER_READ
    return authorise_read(session, policy, principal, household_id, what=what, on=on)


def _household(session: Session, household_id: int) -> tuple[Subject, RuralHousehold]:
    household, link = session.get(Subject, household_id), session.get(RuralHousehold, household_id)
    if household is None or link is None or household.kind != SubjectKind.HOUSEHOLD.value:
        raise NotFound("未找到该农户", code="rural.household_not_found")
    return household, link


def authorise_household(
    session: Session, policy: Policy, principal: Principal, household_id: int, *, what: str, on: dt.date
) -> ReadAccess:
    """Authorise and log a read of ``what`` about a household by the household file's own rule.

    For anything that is the household's personal data besides the file itself (its index results):
    a member reads it as their own, anyone else by ``subjects.scope.authorise_read``; refused otherwise.
    """
    _household(session, household_id)
    members = facts.members_of(session, [household_id]).get(household_id, [])
    persons = facts.persons_by_lookup(session, (m.member_lookup for m in members))
    return _authorise(session, policy, principal, household_id, set(persons.values()), on, what)


def _village(session: Session, policy: Policy, village_id: int) -> VillageRef | None:
    village, collective = session.get(RuralVillage, village_id), session.get(Subject, village_id)
    if village is None or collective is None:
        return None
    return VillageRef(
        id=village_id,
        name=collective.name,
        uscc=collective.uscc,
        township=village.township,
        unit_kind=UNIT_KINDS.get(village.unit_kind, village.unit_kind),
        region_name=policy.region_name(collective.region_code),
    )


def household_file(
    session: Session, policy: Policy, principal: Principal, household_id: int, *, on: dt.date
) -> HouseholdFile:
    """Return a household's file as of ``on`` for an authorised caller (refused and unlogged otherwise)."""
    household, link = _household(session, household_id)
    members = facts.members_of(session, [household_id]).get(household_id, [])
    persons = facts.persons_by_lookup(session, (m.member_lookup for m in members))
    access = _authorise(session, policy, principal, household_id, set(persons.values()), on)
    rating = rate_households(session, policy, [household_id], on)[household_id]
    return HouseholdFile(
        id=household.id,
        name=household.name,
        region_code=household.region_code,
        region_name=policy.region_name(household.region_code),
        village=_village(session, policy, link.village_id),
        members=[_member(m, m.member_lookup in persons) for m in members],
        rating=HouseholdRatingRead(
            level_code=rating.level_code,
            level_name=rating.level_name,
            scheme_id=rating.scheme_id,
            scheme_version=rating.scheme_version,
            basis=rating.basis,
            as_of=on,
            criteria=[criterion_read(c.code, c.label, c.met, c.total) for c in rating.criteria],
        ),
        basis=access.basis.value,
        purpose=access.purpose,
        notice="农户信用档案是家庭成员的个人信息，不向社会公开；本次查看已记入查询记录（谁查询了我）。"
        "信用户评定只用于守信激励，“暂不评定”不是失信认定。",
        policy_hash=policy.hash,
    )


def _member(m: RuralMember, registered: bool) -> MemberRead:
    return MemberRead(name=m.name, id_masked=m.id_masked, relation=m.relation, registered=registered)


def my_household(
    session: Session, policy: Policy, principal: Principal, *, on: dt.date
) -> HouseholdFile | None:
    """Return the household file of the signed-in person's own household, if the person is a member of one."""
    person = session.get(Subject, principal.subject_id) if principal.subject_id else None
    if person is None:
        return None
    lookup = next((i.lookup for i in person.identifiers if i.scheme == IdentifierScheme.ID_CARD.value), None)
    household_id = facts.household_of_person(session, lookup) if lookup else None
    if household_id is None:
        return None
    return household_file(session, policy, principal, household_id, on=on)
