"""Calendar-month arithmetic and the business date: the one home of both (pure, domain-free)."""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo


def add_months(day: dt.date, months: int) -> dt.date:
    """Return ``day`` moved ``months`` calendar months (negative: back), clamped to the month's last day."""
    year, m0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, m0 + 1, min(day.day, calendar.monthrange(year, m0 + 1)[1]))


def sub_months(day: dt.date, months: int) -> dt.date:
    """Return ``day`` moved back ``months`` calendar months (clamped to the month's last day)."""
    return add_months(day, -months)


def is_month_end(day: dt.date) -> bool:
    """Tell whether ``day`` is the last day of its month."""
    return day.day == calendar.monthrange(day.year, day.month)[1]


def business_date(now: dt.datetime, timezone: str) -> dt.date:
    """Return the business date (Asia/Shanghai by default) of an aware instant."""
    return now.astimezone(ZoneInfo(timezone)).date()
