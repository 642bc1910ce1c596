"""Select builders of alerts, scoped to what the caller may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, or_, select

from xinyong.departments.models import Department
from xinyong.monitoring.models import Alert, AlertRecipient
from xinyong.monitoring.schemas import AlertFilter


@dataclass(frozen=True)
class AlertScope:
    """Whose alerts the caller sees: all (credit centre, audit), a county, or a department's own."""

    city_wide: bool
    region: str | None = None
    department_id: int | None = None


def _active(on: dt.date) -> Any:
    return and_(
        Alert.opened_on <= on,
        or_(Alert.ended_on.is_(None), Alert.ended_on > on),
        or_(Alert.holds_until.is_(None), Alert.holds_until >= on),
    )


def alerts(f: AlertFilter, scope: AlertScope) -> Select[Alert]:
    """Return the select of the alerts matching ``f`` within ``scope``, newest first."""
    q = select(Alert)
    if not scope.city_wide:
        q = q.where(
            exists().where(
                AlertRecipient.alert_id == Alert.id, AlertRecipient.department_id == scope.department_id
            )
        )
    if scope.region is not None:
        q = q.where(Alert.region_code == scope.region)
    for column, value in (
        (Alert.signal_id, f.signal),
        (Alert.severity, f.severity),
        (Alert.region_code, f.region),
        (Alert.industry, f.industry),
        (Alert.status, f.status),
    ):
        if value is not None:
            q = q.where(column == value)
    if f.department is not None:
        q = q.where(
            exists().where(
                AlertRecipient.alert_id == Alert.id,
                AlertRecipient.department_id == Department.id,
                Department.code == f.department,
            )
        )
    if f.since is not None:
        q = q.where(Alert.opened_on >= f.since)
    if f.active is not None:
        q = q.where(_active(f.on) if f.active else ~_active(f.on))
    return q.order_by(Alert.opened_on.desc(), Alert.id.desc())
