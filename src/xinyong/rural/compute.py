"""Rate households and judge villages, townships and counties on a day (reads, no writes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.errors import Invalid
from xinyong.policy.loader import Policy
from xinyong.rural import facts
from xinyong.rural.models import RuralVillage
from xinyong.rural.rating import MemberFacts, Rating, rate
from xinyong.rural.rules import RatingScheme, schemes_of
from xinyong.rural.unit_rules import UnitScheme, unit_schemes_of
from xinyong.rural.units import HouseholdUnit, UnitResult, VillageUnit, higher_results, village_results
from xinyong.subjects.models import Subject


def scheme_on(policy: Policy, on: dt.date) -> RatingScheme:
    """Return the 信用户 rating in force on ``on``."""
    scheme = schemes_of(policy).in_force(on)
    if scheme is None:
        raise Invalid(f"{on.isoformat()} 没有生效的信用户评定办法", code="rural.no_scheme")
    return scheme


def unit_scheme_on(policy: Policy, on: dt.date) -> UnitScheme:
    """Return the 信用村/乡镇/县 criteria in force on ``on``."""
    scheme = unit_schemes_of(policy).in_force(on)
    if scheme is None:
        raise Invalid(f"{on.isoformat()} 没有生效的信用村评定办法", code="rural.no_unit_scheme")
    return scheme


def household_facts(
    session: Session, policy: Policy, household_ids: Iterable[int], on: dt.date
) -> dict[int, tuple[MemberFacts, ...]]:
    """Return each household's members' facts on ``on`` (a few reads per 500 people, no per-household read)."""
    return facts.household_facts(session, policy, scheme_on(policy, on), household_ids, on)


def rate_households(
    session: Session, policy: Policy, household_ids: Iterable[int], on: dt.date
) -> dict[int, Rating]:
    """Rate households on ``on`` with the rating in force (a household without members is not rated)."""
    scheme = scheme_on(policy, on)
    ids = sorted(set(household_ids))
    gathered = facts.household_facts(session, policy, scheme, ids, on)
    return {hid: rate(scheme, gathered.get(hid, ())) for hid in ids}


@dataclass(frozen=True)
class UnitOutcome:
    """Every unit's result on one day, and the versions that gave them."""

    as_of: dt.date
    households: dict[int, Rating]
    village_of: dict[int, int]
    villages: list[UnitResult]
    higher: list[UnitResult]
    versions: dict[str, str]


def _village_units(session: Session, policy: Policy, scheme: RatingScheme, on: dt.date) -> list[VillageUnit]:
    rows = session.execute(
        select(
            RuralVillage.subject_id,
            RuralVillage.township,
            RuralVillage.township_code,
            RuralVillage.unit_kind,
            Subject.name,
            Subject.region_code,
        )
        .join(Subject, Subject.id == RuralVillage.subject_id)
        .order_by(Subject.region_code, RuralVillage.township, Subject.name)
    ).all()
    collectives = facts.subject_facts(session, policy, scheme, [r[0] for r in rows], on)
    return [
        VillageUnit(
            sid, name, town, region or "", kind == "community", collectives[sid].serious_lists_in_force, code
        )
        for sid, town, code, kind, name, region in rows
    ]


def compute_units(session: Session, policy: Policy, on: dt.date) -> UnitOutcome:
    """Rate every household, then judge every village, township and county on ``on``."""
    scheme, units = scheme_on(policy, on), unit_scheme_on(policy, on)
    villages_of = facts.household_villages(session)
    ratings = rate_households(session, policy, villages_of, on)
    credit = set(units.credit_household_levels)
    arrears_code = next((c.code for c in scheme.criteria if c.fact == "arrears"), None)
    households = [
        HouseholdUnit(
            hid,
            villages_of[hid],
            r.level_code in credit,
            any(c.code == arrears_code and not c.met for c in r.criteria),
        )
        for hid, r in ratings.items()
    ]
    villages = village_results(units, _village_units(session, policy, scheme, on), households)
    names = {r.code: r.name for r in policy.regions.regions}
    versions = {scheme.id: scheme.version, units.id: units.version}
    return UnitOutcome(on, ratings, villages_of, villages, higher_results(units, villages, names), versions)


def period_as_of(period: str, today: dt.date, as_of: dt.date | None = None) -> dt.date:
    """Return the rating day of a period (a year): the given day within it, else the earlier of its end and today."""
    if not (len(period) == 4 and period.isdigit() and period.startswith("20")):
        raise Invalid("评定年度须为 20 开头的四位年份，如 2026", code="rural.bad_period")
    first, last = dt.date(int(period), 1, 1), dt.date(int(period), 12, 31)
    on = as_of or min(last, today)
    if not first <= on <= last or on > today:
        raise Invalid("评定日须在该年度内且不晚于今天", code="rural.bad_as_of")
    return on
