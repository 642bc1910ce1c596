"""Reading one unit's result, and the rule for units whose results are personal data (households).

A household's index result is its members' personal information (浙江条例第十五条): it is never public,
never listed or ranked (``reads.results`` refuses the kind), and each read is authorised and logged by the
household file's own rule — ``rural.service.authorise_household`` (a member reads it as their own; the
credit centre, auditors and departments by ``subjects.scope`` within their duty and county). Other unit
kinds (agencies, counties, townships, villages) are public bodies and places: the route's roles suffice.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.auth.principal import Principal
from xinyong.errors import NotFound
from xinyong.indices import periods
from xinyong.indices.models import IndexResult, IndexRun, IndexValue
from xinyong.indices.reads import definition, header, unit_kind_of, unit_read
from xinyong.indices.schemas import IndexResults
from xinyong.indices.spec import PERSONAL_UNITS
from xinyong.policy.loader import Policy
from xinyong.rural import service as rural_service

WHAT = "household_index"


def is_personal(unit_kind: str) -> bool:
    """Whether a unit kind's results are personal data (read one at a time, never listed)."""
    return unit_kind in PERSONAL_UNITS


def authorise_unit(
    session: Session, policy: Policy, principal: Principal, unit_kind: str, key: str, *, on: dt.date
) -> None:
    """Authorise and log a read of a personal unit's result (refused: ``Forbidden``); others pass."""
    if not is_personal(unit_kind):
        return
    if not key.isdigit():
        raise NotFound("未找到该农户", code="rural.household_not_found")
    rural_service.authorise_household(session, policy, principal, int(key), what=WHAT, on=on)


def _one(session: Session, index_id: str, period: str, unit_kind: str, key: str) -> IndexResult | None:
    """Return the unit's result in the newest run of the period that computed its kind."""
    of_kind = (
        IndexResult.index_id == index_id,
        IndexResult.period == period,
        IndexResult.unit_kind == unit_kind,
    )
    run_id = session.scalar(select(func.max(IndexResult.run_id)).where(*of_kind))
    if run_id is None:
        return None
    return session.scalar(
        select(IndexResult).where(*of_kind, IndexResult.run_id == run_id, IndexResult.unit_key == key)
    )


def unit_result(
    session: Session,
    policy: Policy,
    principal: Principal,
    index_id: str,
    period: str,
    target: tuple[str | None, str],
    *,
    on: dt.date,
) -> IndexResults:
    """Return one unit's result (``target``: unit kind or the index's first, unit key), authorised first."""
    index = definition(policy, index_id)
    p = periods.parse(period)
    kind, key = unit_kind_of(index, target[0]), target[1]
    authorise_unit(session, policy, principal, kind, key, on=on)
    row = _one(session, index.id, p.label, kind, key)
    if row is None:
        raise NotFound("该单位在此统计期没有结果", code="indices.unit_not_found")
    before = _one(session, index.id, p.previous().label, kind, key)
    values = list(session.scalars(select(IndexValue).where(IndexValue.result_id == row.id)))
    out = header(index, p, kind, session.get(IndexRun, row.run_id))
    out.units = [unit_read(index, row, values, before)]
    return out
