"""Figures of the 城市信用大屏 (city credit dashboard), read set-based from the platform's own tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from xinyong.errors import NotFound
from xinyong.evaluation import service as evaluation_service
from xinyong.monitoring.alerts import PENDING
from xinyong.monitoring.models import Alert
from xinyong.monitoring.signals import SEVERITY_RANK
from xinyong.policy.loader import Policy
from xinyong.records.models import CreditRecord
from xinyong.repair import monitoring as repair_monitoring
from xinyong.sanctions import hits as sanction_hits


@dataclass
class Screen:
    """Everything the dashboard shows at one moment."""

    on: dt.date
    counties: list[tuple[str, str]]  # (code, name) of the city's counties, map order
    alerts_by_county: dict[str, dict[str, int]] = field(default_factory=dict)  # county → severity → active
    alerts_total: int = 0
    alerts_pending: int = 0
    alerts_by_month: list[tuple[str, int]] = field(default_factory=list)
    records_by_month: list[tuple[str, int]] = field(default_factory=list)
    measures_by_month: list[tuple[str, int]] = field(default_factory=list)
    grades_by_county: dict[str, dict[str, int]] = field(default_factory=dict)
    repair_kpis: dict[str, Any] = field(default_factory=dict)


def _months(on: dt.date, count: int) -> list[str]:
    out, year, month = [], on.year, on.month
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def _by_month(rows: Sequence[tuple[dt.date | None, int]], months: list[str]) -> list[tuple[str, int]]:
    counts = dict.fromkeys(months, 0)
    for day, n in rows:
        if day is not None and (key := f"{day.year:04d}-{day.month:02d}") in counts:
            counts[key] += n
    return list(counts.items())


def _active(on: dt.date) -> Any:
    return and_(
        Alert.opened_on <= on,
        or_(Alert.ended_on.is_(None), Alert.ended_on > on),
        or_(Alert.holds_until.is_(None), Alert.holds_until >= on),
    )


def screen(session: Session, policy: Policy, *, on: dt.date, city_region: str, months: int = 12) -> Screen:
    """Return the dashboard's figures as of ``on``."""
    counties = [
        (r.code, r.name) for r in policy.regions.regions if r.code != city_region and r.parent == city_region
    ]
    names = dict(counties)
    out = Screen(on=on, counties=counties)
    for region, severity, n in session.execute(
        select(Alert.region_code, Alert.severity, func.count())
        .where(_active(on))
        .group_by(Alert.region_code, Alert.severity)
    ):
        county = names.get(region or "", "其他")
        out.alerts_by_county.setdefault(county, {})[severity] = n
        out.alerts_total += n
    out.alerts_pending = (
        session.scalar(select(func.count()).select_from(Alert).where(_active(on), Alert.status == PENDING))
        or 0
    )
    span = _months(on, months)
    first = dt.date(int(span[0][:4]), int(span[0][5:]), 1)
    out.alerts_by_month = _by_month(_grouped(session, Alert.opened_on, first, on), span)
    out.records_by_month = _by_month(_grouped(session, CreditRecord.decision_on, first, on), span)
    out.measures_by_month = _by_month(sanction_hits.hits_by_day(session, first, on), span)
    try:
        run = evaluation_service.get_run(session, None)
        by_county = (run.distribution or {}).get("by_county", {})
        out.grades_by_county = {k: v for k, v in by_county.items() if k in names.values()} or by_county
    except NotFound:
        out.grades_by_county = {}
    out.repair_kpis = repair_monitoring.kpis(session, policy, start=dt.date(on.year, 1, 1), end=on, today=on)
    return out


def _grouped(session: Session, column: Any, first: dt.date, on: dt.date) -> list[tuple[dt.date | None, int]]:
    rows = session.execute(
        select(column, func.count()).where(column >= first, column <= on).group_by(column)
    ).all()
    return [(d, n) for d, n in rows]


def severity_order() -> list[str]:
    """Return the alert severities from the mildest to the gravest."""
    return sorted(SEVERITY_RANK, key=SEVERITY_RANK.__getitem__)
