"""Calendar-month arithmetic, the business date and dates accepted from outside: the one home of each.

Business dates near the end of the calendar (9999-12-31) overflowed ``add_months`` and ``date +
timedelta`` deep in the rules and answered 500. Every date a request carries is an ``InputDate``:
outside 1900-01-01 … 2199-12-31 it is refused with a Chinese message (422) where it is parsed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, WithJsonSchema


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


MIN_INPUT_DATE = dt.date(1900, 1, 1)
MAX_INPUT_DATE = dt.date(2199, 12, 31)


def bounded(value: dt.date) -> dt.date:
    """Return ``value`` if it lies in the accepted range; raise a Chinese ``ValueError`` otherwise."""
    if not MIN_INPUT_DATE <= value <= MAX_INPUT_DATE:
        raise ValueError(f"日期 {value.isoformat()} 超出允许范围（{MIN_INPUT_DATE} 至 {MAX_INPUT_DATE}）")
    return value


InputDate = Annotated[
    dt.date,
    AfterValidator(bounded),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "formatMinimum": MIN_INPUT_DATE.isoformat(),
            "formatMaximum": MAX_INPUT_DATE.isoformat(),
        }
    ),
]


def phase(start: dt.date, end: dt.date | None, on: dt.date) -> str:
    """Return where ``on`` falls in a period from ``start`` up to ``end`` (exclusive): before, during or after."""
    if on < start:
        return "before"
    if end is not None and on >= end:
        return "after"
    return "during"
