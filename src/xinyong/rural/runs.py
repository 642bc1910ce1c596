"""A period's run: every unit's result stored with the policy hash, published by the credit centre.

A run is the reproducible record of what was decided (like an evaluation batch): the results are the
pure judges' answers on the run's day; publishing is a separate, audited act. The public sees only the
published 信用村（社区）list with village-level counts — households are personal information.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth.principal import Principal, Role
from xinyong.errors import Conflict, Forbidden, Invalid, NotFound
from xinyong.policy.loader import Policy
from xinyong.rural.compute import UnitOutcome, compute_units, unit_scheme_on
from xinyong.rural.models import RuralResult, RuralRun
from xinyong.rural.schemas import (
    UNIT_LABELS,
    PublishedList,
    PublishedVillage,
    RunRead,
    UnitResultRead,
    UnitResultsPage,
    criterion_read,
)
from xinyong.rural.units import UnitResult
from xinyong.subjects.models import Subject

UNITS = tuple(UNIT_LABELS)


def _unit_row(run_id: int, r: UnitResult) -> RuralResult:
    return RuralResult(
        run_id=run_id,
        unit=r.unit,
        unit_key=r.key,
        subject_id=r.subject_id,
        region_code=r.region_code,
        township=r.township,
        name=r.name,
        level_code="met" if r.met else "not_met",
        level_name=r.title,
        met=r.met,
        detail={"counts": asdict(r.counts), "criteria": [asdict(c) for c in r.criteria]},
    )


def _household_rows(
    session: Session, run_id: int, outcome: UnitOutcome, credit: set[str]
) -> list[RuralResult]:
    """Return the households' rows: their name, county and township (from their village)."""
    places = {int(v.key): v for v in outcome.villages}
    ids = list(outcome.households)
    names: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        query = select(Subject.id, Subject.name).where(Subject.id.in_(ids[start : start + 500]))
        names.update({row[0]: row[1] for row in session.execute(query)})
    rows = []
    for hid, rating in outcome.households.items():
        village = places.get(outcome.village_of.get(hid, -1))
        criteria = [
            {"code": c.code, "label": c.label, "met": c.met, "value": c.total} for c in rating.criteria
        ]
        rows.append(
            RuralResult(
                run_id=run_id,
                unit="household",
                unit_key=str(hid),
                subject_id=hid,
                region_code=village.region_code if village else None,
                township=village.township if village else None,
                name=names.get(hid, ""),
                level_code=rating.level_code,
                level_name=rating.level_name,
                met=rating.level_code in credit,
                detail={"criteria": criteria, "village": village.name if village else None},
            )
        )
    return rows


def run_period(session: Session, policy: Policy, period: str, *, on: dt.date, actor: str) -> RuralRun:
    """Rate every household and unit on ``on`` for ``period`` and store the results with the policy hash."""
    outcome = compute_units(session, policy, on)
    run = RuralRun(
        period=period, as_of=on, policy_hash=policy.hash, versions=outcome.versions, created_by=actor
    )
    session.add(run)
    session.flush()
    credit = set(unit_scheme_on(policy, on).credit_household_levels)
    rows = _household_rows(session, run.id, outcome, credit)
    rows += [_unit_row(run.id, r) for r in [*outcome.villages, *outcome.higher]]
    session.add_all(rows)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="rural.rated",
        object_type="rural_run",
        object_id=run.id,
        detail={
            "period": period,
            "as_of": on.isoformat(),
            "policy_hash": policy.hash,
            **_met(session, run.id),
        },
    )
    return run


def publish(session: Session, run_id: int, *, actor: str, now: dt.datetime) -> RuralRun:
    """Publish a run: its 信用村（社区）list becomes public, its 信用户 list is given to the departments."""
    run = session.get(RuralRun, run_id)
    if run is None:
        raise NotFound("未找到该评定批次", code="rural.run_not_found")
    if run.published_at is not None:
        raise Conflict("该评定批次已经公布", code="rural.already_published")
    run.published_at, run.published_by = now, actor
    session.flush()
    audit.append(
        session, actor=actor, action="rural.published", object_type="rural_run", object_id=run.id, detail={}
    )
    return run


def latest_run(session: Session, period: str | None = None, *, published: bool = False) -> RuralRun | None:
    """Return the latest run (of a period, published or not)."""
    query = select(RuralRun)
    if period is not None:
        query = query.where(RuralRun.period == period)
    if published:
        query = query.where(RuralRun.published_at.is_not(None))
    return session.scalars(query.order_by(RuralRun.period.desc(), RuralRun.id.desc()).limit(1)).first()


def _met(session: Session, run_id: int) -> dict[str, int]:
    rows = session.execute(
        select(RuralResult.unit, func.count())
        .where(RuralResult.run_id == run_id, RuralResult.met.is_(True))
        .group_by(RuralResult.unit)
    )
    got = {row[0]: row[1] for row in rows}
    return {unit: got.get(unit, 0) for unit in UNITS}


def run_read(session: Session, run: RuralRun) -> RunRead:
    """Return a run with the number of units that met their criteria per level."""
    return RunRead(
        id=run.id,
        period=run.period,
        as_of=run.as_of,
        policy_hash=run.policy_hash,
        versions=run.versions,
        created_by=run.created_by,
        created_at=run.created_at,
        published_at=run.published_at,
        counts=_met(session, run.id),
    )


def _read(policy: Policy, r: RuralResult) -> UnitResultRead:
    detail: dict[str, Any] = r.detail or {}
    return UnitResultRead(
        unit=r.unit,
        unit_label=UNIT_LABELS.get(r.unit, r.unit),
        key=r.unit_key,
        subject_id=r.subject_id,
        name=r.name,
        region_code=r.region_code,
        region_name=policy.region_name(r.region_code),
        township=r.township,
        title=r.level_name,
        met=r.met,
        counts=detail.get("counts", {}),
        criteria=[criterion_read(**c) for c in detail.get("criteria", [])],
    )


def unit_results(
    session: Session, policy: Policy, *, period: str | None, unit: str, region: str | None = None
) -> UnitResultsPage:
    """Return one level's results in the latest run of a period (of a county only, when ``region`` is given)."""
    run = latest_run(session, period)
    if run is None:
        return UnitResultsPage(period=period, unit=unit, run=None, results=[])
    query = select(RuralResult).where(RuralResult.run_id == run.id, RuralResult.unit == unit)
    if region is not None:
        query = query.where(RuralResult.region_code == region)
    rows = session.scalars(query.order_by(RuralResult.region_code, RuralResult.township, RuralResult.name))
    return UnitResultsPage(
        period=run.period, unit=unit, run=run_read(session, run), results=[_read(policy, r) for r in rows]
    )


def published_villages(session: Session, policy: Policy, period: str | None = None) -> PublishedList:
    """Return the published 信用村（社区）list of a period (the latest published one by default)."""
    periods = sorted(
        session.scalars(select(RuralRun.period).where(RuralRun.published_at.is_not(None)).distinct()),
        reverse=True,
    )
    run = latest_run(session, period, published=True)
    if run is None:
        return PublishedList(
            period=period, as_of=None, published_at=None, policy_hash=None, villages=[], periods=periods
        )
    rows = session.execute(
        select(RuralResult, Subject.uscc)
        .join(Subject, Subject.id == RuralResult.subject_id)
        .where(RuralResult.run_id == run.id, RuralResult.unit == "village", RuralResult.met.is_(True))
        .order_by(RuralResult.region_code, RuralResult.township, RuralResult.name)
    ).all()
    villages = [
        PublishedVillage(
            name=r.name,
            uscc=uscc,
            township=r.township,
            region_name=policy.region_name(r.region_code),
            title=r.level_name,
            households=int((r.detail or {}).get("counts", {}).get("households", 0)),
            credit_households=int((r.detail or {}).get("counts", {}).get("credit_households", 0)),
        )
        for r, uscc in rows
    ]
    return PublishedList(
        period=run.period,
        as_of=run.as_of,
        published_at=run.published_at,
        policy_hash=run.policy_hash,
        villages=villages,
        periods=periods,
    )


RESULT_ROLES = (Role.ADMIN, Role.AUDITOR, Role.SUPERVISOR, Role.OFFICER)
HOUSEHOLD_ROLES = (Role.ADMIN, Role.AUDITOR, Role.OFFICER)  # the 信用户 list is personal: for duties only


def visible_units(principal: Principal) -> dict[str, str]:
    """Return the levels whose results the caller may read (code → label), in order."""
    roles = {u: HOUSEHOLD_ROLES if u == "household" else RESULT_ROLES for u in UNIT_LABELS}
    return {u: label for u, label in UNIT_LABELS.items() if principal.role in roles[u]}


def results_for(
    session: Session, policy: Policy, principal: Principal, *, period: str | None, unit: str
) -> UnitResultsPage:
    """Return one level's results as the caller may see them: a county officer its county only.

    The households' list is personal information: only the credit centre, the auditor and departments (for
    their county) read it, and each read of it is written to the audit chain.
    """
    if unit not in UNIT_LABELS:
        raise Invalid(f"层级须为 {'、'.join(UNIT_LABELS)} 之一", code="rural.bad_unit")
    if unit not in visible_units(principal):
        raise Forbidden("无权查看该层级的评定结果", code="access.forbidden")
    city = policy.city_region
    region = (
        principal.region_code if principal.role == Role.OFFICER and principal.region_code != city else None
    )
    page = unit_results(session, policy, period=period, unit=unit, region=region)
    if unit == "household" and page.run is not None:
        audit.append(
            session,
            actor=principal.actor,
            action="rural.households_read",
            object_type="rural_run",
            object_id=page.run.id,
            detail={"region": region, "households": len(page.results)},
        )
    return page
