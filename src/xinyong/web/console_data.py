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
from xinyong.records.models import CreditRecord
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


# From the lowest grade (red) to the highest (green): a colour scale that reads low → high.
GRADE_RAMP = ("#a4161a", "#d9622b", "#d9a520", "#7fa843", "#1b6b3a")


def ramp(n: int) -> list[str]:
    """Return ``n`` colours from the low end of ``GRADE_RAMP`` to its high end."""
    if n <= 1:
        return [GRADE_RAMP[-1]] * n
    last = len(GRADE_RAMP) - 1
    return [GRADE_RAMP[round(i * last / (n - 1))] for i in range(n)]


def grade_bar(title: str, grades: list[str], counts: dict[str, int]) -> dict[str, Any]:
    """Return an ECharts option for one scale's grade counts, grades by rank from the lowest, ramp-coloured."""
    option = bar(title, [(g, counts.get(g, 0)) for g in grades])
    option["series"][0]["data"] = [
        {"value": counts.get(g, 0), "itemStyle": {"color": c}}
        for g, c in zip(grades, ramp(len(grades)), strict=True)
    ]
    return option


def stacked(
    title: str,
    groups: dict[str, dict[str, int]],
    *,
    horizontal: bool = True,
    order: list[str] | None = None,
) -> dict[str, Any]:
    """Return an ECharts option for a stacked bar of grade counts per group (county, industry).

    ``order``: the grades by rank from the lowest (one scale); the series follow it and take the colour
    ramp, so the stack reads from low to high.
    """
    names = list(groups)
    series_names = order or sorted({g for counts in groups.values() for g in counts})
    palette = (
        ramp(len(series_names))
        if order
        else ["#1b6b3a", "#0b4f9c", "#8a5a00", "#a4161a", "#5b5f97", "#4a5262"]
    )
    cat_axis = {"type": "category", "data": names, "axisLabel": {"interval": 0}}
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"bottom": 0},
        "grid": {"left": 110 if horizontal else 50, "right": 20, "bottom": 50, "top": 40},
        "xAxis": {"type": "value"} if horizontal else cat_axis,
        "yAxis": cat_axis if horizontal else {"type": "value"},
        "series": [
            {
                "name": grade,
                "type": "bar",
                "stack": "grades",
                "data": [groups[n].get(grade, 0) for n in names],
                "itemStyle": {"color": palette[i % len(palette)]},
            }
            for i, grade in enumerate(series_names)
        ],
    }


def rates(title: str, rows: list[dict[str, Any]], keys: dict[str, str]) -> dict[str, Any]:
    """Return an ECharts option comparing rates (0–1, shown in %) per department."""
    names = [f"{r['department_code']} {r['period']}" for r in rows]
    palette = ["#0b4f9c", "#1b6b3a", "#8a5a00", "#5b5f97", "#a4161a"]
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 50, "right": 20, "bottom": 90, "top": 40},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0, "rotate": 30}},
        "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "series": [
            {
                "name": label,
                "type": "bar",
                "data": [None if r.get(k) is None else round(r[k] * 100, 1) for r in rows],
                "itemStyle": {"color": palette[i % len(palette)]},
            }
            for i, (k, label) in enumerate(keys.items())
        ],
    }
