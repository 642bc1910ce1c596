"""Chart options for the console (ECharts): bars, lines and the grade-scale charts.

The figures come from the capabilities' services (intake: ``ingest.dashboard``; quality KPIs, evaluation
monitoring, check compliance, work queues) called by the console routes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def bar(title: str, pairs: Sequence[tuple[str, float]], *, horizontal: bool = False) -> dict[str, Any]:
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


def line(title: str, pairs: Sequence[tuple[str, float]]) -> dict[str, Any]:
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


def rates(
    title: str, rows: list[dict[str, Any]], keys: dict[str, str], department: Callable[[str], str] = str
) -> dict[str, Any]:
    """Return an ECharts option comparing rates (0–1, shown in %) per department (named by ``department``)."""
    names = [f"{department(r['department_code'])} {r['period']}" for r in rows]
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
