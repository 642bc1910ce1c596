"""Intake figures for the console dashboard: records received by department, catalog item and month,
and the latest batches — computed from the records themselves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.departments.models import Department
from xinyong.ingest.dashboard_rules import dashboard_rules
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord
from xinyong.subjects.models import Subject

TOP_DEPARTMENTS = 15  # bars of the by-department chart (technical: what fits on the screen)
LATEST_BATCHES = 20  # rows of the latest-batches table


@dataclass(frozen=True)
class IntakeSummary:
    """Records received, by department, catalog item and month (the dashboard's charts)."""

    subjects: int
    records: int
    departments: int
    recent: int
    recent_days: int
    by_department: list[tuple[str, int]]
    by_item: list[tuple[str, int]]
    by_month: list[tuple[str, int]]
    batches: list[dict[str, Any]]


def _month(value: dt.datetime) -> str:
    return value.strftime("%Y-%m")


def _start_of(day: dt.date) -> dt.datetime:
    """Return the first instant of ``day`` (reception times are stored in UTC)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def intake(
    session: Session, policy: Policy, *, today: dt.date, department_id: int | None = None
) -> IntakeSummary:
    """Summarise what has been received by ``today``, for one department or all; the windows of "recent"
    and of the monthly chart come from ``policy/ingest/dashboard.yaml``."""
    rules = dashboard_rules(policy)
    scope = [] if department_id is None else [CreditRecord.department_id == department_id]
    records = session.scalar(select(func.count()).select_from(CreditRecord).where(*scope)) or 0
    since = _start_of(rules.recent_since(today))
    recent = (
        session.scalar(
            select(func.count())
            .select_from(CreditRecord)
            .where(*scope, CreditRecord.first_received_at >= since)
        )
        or 0
    )
    return IntakeSummary(
        subjects=session.scalar(select(func.count()).select_from(Subject)) or 0,
        records=records,
        departments=session.scalar(select(func.count()).select_from(Department)) or 0,
        recent=recent,
        recent_days=rules.recent_days,
        by_department=_by_department(session, scope),
        by_item=_by_item(session, policy, scope),
        by_month=_by_month(session, scope, _start_of(rules.monthly_since(today))),
        batches=_batches(session, scope),
    )


def _by_department(session: Session, scope: list[Any]) -> list[tuple[str, int]]:
    """Return the departments that sent the most records, with their counts."""
    return [
        (name, n)
        for name, n in session.execute(
            select(Department.name, func.count(CreditRecord.id))
            .join(CreditRecord, CreditRecord.department_id == Department.id)
            .where(*scope)
            .group_by(Department.name)
            .order_by(func.count(CreditRecord.id).desc())
            .limit(TOP_DEPARTMENTS)
        )
    ]


def _by_item(session: Session, policy: Policy, scope: list[Any]) -> list[tuple[str, int]]:
    """Return the records per catalog item, most first."""
    return [
        (policy.catalog[c].name if c in policy.catalog else c, n)
        for c, n in session.execute(
            select(CreditRecord.catalog_item, func.count())
            .where(*scope)
            .group_by(CreditRecord.catalog_item)
            .order_by(func.count().desc())
        )
    ]


def _by_month(session: Session, scope: list[Any], since: dt.datetime) -> list[tuple[str, int]]:
    """Return the records first received per month since ``since``."""
    months: dict[str, int] = {}
    for (received,) in session.execute(
        select(CreditRecord.first_received_at).where(*scope, CreditRecord.first_received_at >= since)
    ):
        months[_month(received)] = months.get(_month(received), 0) + 1
    return sorted(months.items())


def _batches(session: Session, scope: list[Any]) -> list[dict[str, Any]]:
    """Return the latest batches with their department, record count and reception times."""
    return [
        {"batch_id": b, "department": d, "rows": n, "first": first, "last": last}
        for b, d, n, first, last in session.execute(
            select(
                CreditRecord.batch_id,
                Department.name,
                func.count(),
                func.min(CreditRecord.first_received_at),
                func.max(CreditRecord.last_received_at),
            )
            .join(Department, Department.id == CreditRecord.department_id)
            .where(*scope, CreditRecord.batch_id.is_not(None))
            .group_by(CreditRecord.batch_id, Department.name)
            .order_by(CreditRecord.batch_id.desc())
            .limit(LATEST_BATCHES)
        )
    ]
