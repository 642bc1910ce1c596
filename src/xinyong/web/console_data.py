"""Read models for the console: record intake by department, batches and a subject's history.

Figures are computed from the records themselves; capability services (quality KPIs, evaluation
monitoring, check compliance, work queues) are called by the console routes where they exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.departments.models import Department
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord, RecordEvent
from xinyong.subjects.models import Subject


@dataclass(frozen=True)
class Intake:
    """Records received, by department, catalog item and month (the dashboard's charts)."""

    subjects: int
    records: int
    departments: int
    last_30_days: int
    by_department: list[tuple[str, int]]
    by_item: list[tuple[str, int]]
    by_month: list[tuple[str, int]]
    batches: list[dict[str, Any]]


def _month(value: dt.datetime) -> str:
    return value.strftime("%Y-%m")


def intake(session: Session, policy: Policy, *, department_id: int | None = None) -> Intake:
    """Summarise what has been received, for one department or all."""
    scope = [] if department_id is None else [CreditRecord.department_id == department_id]
    records = session.scalar(select(func.count()).select_from(CreditRecord).where(*scope)) or 0
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    recent = (
        session.scalar(
            select(func.count())
            .select_from(CreditRecord)
            .where(*scope, CreditRecord.first_received_at >= since)
        )
        or 0
    )
    by_department = [
        (name, n)
        for name, n in session.execute(
            select(Department.name, func.count(CreditRecord.id))
            .join(CreditRecord, CreditRecord.department_id == Department.id)
            .where(*scope)
            .group_by(Department.name)
            .order_by(func.count(CreditRecord.id).desc())
            .limit(15)
        )
    ]
    by_item = [
        (policy.catalog[c].name if c in policy.catalog else c, n)
        for c, n in session.execute(
            select(CreditRecord.catalog_item, func.count())
            .where(*scope)
            .group_by(CreditRecord.catalog_item)
            .order_by(func.count().desc())
        )
    ]
    months: dict[str, int] = {}
    for (received,) in session.execute(
        select(CreditRecord.first_received_at).where(
            *scope, CreditRecord.first_received_at >= since - dt.timedelta(days=335)
        )
    ):
        months[_month(received)] = months.get(_month(received), 0) + 1
    batches = [
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
            .limit(20)
        )
    ]
    return Intake(
        subjects=session.scalar(select(func.count()).select_from(Subject)) or 0,
        records=records,
        departments=session.scalar(select(func.count()).select_from(Department)) or 0,
        last_30_days=recent,
        by_department=by_department,
        by_item=by_item,
        by_month=sorted(months.items()),
        batches=batches,
    )


def history(session: Session, subject_id: int) -> tuple[list[CreditRecord], dict[int, list[RecordEvent]]]:
    """Return every version of every record of a subject, with each record's status events."""
    records = list(
        session.scalars(
            select(CreditRecord)
            .where(CreditRecord.subject_id == subject_id)
            .order_by(CreditRecord.record_key, CreditRecord.version)
        )
    )
    events: dict[int, list[RecordEvent]] = {}
    if records:
        for ev in session.scalars(
            select(RecordEvent)
            .where(RecordEvent.record_id.in_([r.id for r in records]))
            .order_by(RecordEvent.effective_on, RecordEvent.id)
        ):
            events.setdefault(ev.record_id, []).append(ev)
    return records, events


def bar(title: str, pairs: list[tuple[str, int]], *, horizontal: bool = False) -> dict[str, Any]:
    """Return an ECharts option for a bar chart of labelled counts."""
    labels = [p[0] for p in pairs]
    values = [p[1] for p in pairs]
    cat_axis = {
        "type": "category",
        "data": labels,
        "axisLabel": {"interval": 0, "rotate": 0 if horizontal else 30},
    }
    val_axis = {"type": "value"}
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 120 if horizontal else 50, "right": 20, "bottom": 70, "top": 40},
        "xAxis": val_axis if horizontal else cat_axis,
        "yAxis": cat_axis if horizontal else val_axis,
        "series": [{"type": "bar", "data": values, "itemStyle": {"color": "#0b4f9c"}}],
    }


def line(title: str, pairs: list[tuple[str, int]]) -> dict[str, Any]:
    """Return an ECharts option for a line chart over months."""
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 50, "right": 20, "bottom": 40, "top": 40},
        "xAxis": {"type": "category", "data": [p[0] for p in pairs]},
        "yAxis": {"type": "value"},
        "series": [
            {
                "type": "line",
                "data": [p[1] for p in pairs],
                "smooth": True,
                "showSymbol": True,
                "symbolSize": 8,
                "itemStyle": {"color": "#0b4f9c"},
            }
        ],
    }
