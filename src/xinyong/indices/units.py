"""The providers of the platform's own unit kinds: departments (as agencies and as data providers),
counties and the city. Each answers its units and their facts with a few grouped queries for all units
at once; ``xinyong.wiring`` registers them by reference (``indices.providers.register``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session

from xinyong.departments import service as departments_service
from xinyong.departments.models import Department
from xinyong.indices import facts_kpi, facts_records
from xinyong.indices.providers import FactRow, UnitRow
from xinyong.policy.loader import Policy


def _facts(
    session: Session,
    policy: Policy,
    key: facts_records.UnitKey,
    keys: list[str],
    span: tuple[dt.date, dt.date],
    unit_of: Callable[[Department], str | None],
) -> list[FactRow]:
    """Return the record facts (by ``key``) and the work facts (departments by ``unit_of``) of ``keys``."""
    start, end = span
    return [
        *facts_records.dishonesty(session, key, keys, start, end),
        *facts_records.commitments_kept(session, policy, key, keys, start, end),
        *facts_kpi.work_facts(session, policy, start, end, keys, unit_of),
    ]


def department_units(
    session: Session, policy: Policy, start: dt.date, end: dt.date
) -> tuple[list[UnitRow], list[FactRow]]:
    """Return the departments in service during the span, with their integrity and work facts."""
    depts = [
        d
        for d in departments_service.listed(session)
        if (d.valid_from is None or d.valid_from <= end) and (d.valid_to is None or d.valid_to >= start)
    ]
    units: list[UnitRow] = [(d.code, d.name, d.region_code) for d in depts]
    wanted = {d.code for d in depts}
    keys = [u[0] for u in units]
    span = (start, end)
    return units, _facts(
        session, policy, facts_records.AGENCY, keys, span, lambda d: d.code if d.code in wanted else None
    )


def county_units(
    session: Session, policy: Policy, start: dt.date, end: dt.date
) -> tuple[list[UnitRow], list[FactRow]]:
    """Return the nine counties: their government bodies' records and their departments' work."""
    units: list[UnitRow] = [(r.code, r.name, r.code) for r in policy.regions.regions if r.parent is not None]
    wanted = {u[0] for u in units}
    keys = [u[0] for u in units]

    def county_of(d: Department) -> str | None:
        return d.region_code if d.region_code in wanted else None

    return units, _facts(session, policy, facts_records.COUNTY, keys, (start, end), county_of)


def city_units(
    session: Session, policy: Policy, start: dt.date, end: dt.date
) -> tuple[list[UnitRow], list[FactRow]]:
    """Return the city as one unit: every government body and every department of it."""
    city = next(r for r in policy.regions.regions if r.level == "city")
    key = facts_records.city(city.code)
    facts = _facts(session, policy, key, [city.code], (start, end), lambda _d: city.code)
    return [(city.code, city.name, None)], facts
