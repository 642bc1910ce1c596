"""Business dates and working-day deadlines; an unknown calendar year is refused, never guessed."""

from __future__ import annotations

import datetime as dt

from xinyong.errors import XinyongError
from xinyong.kit.workdays import UnknownCalendarYear, WorkdayCalendar


class CalendarUnknown(XinyongError):
    """The working-day calendar does not know a year (HTTP 422, ``calendar.unknown_year``)."""

    status = 422
    code = UnknownCalendarYear.code


def due(calendar: WorkdayCalendar, start: dt.date, workdays: int) -> dt.date:
    """Return the day ``workdays`` working days after ``start``; refuse an unknown calendar year."""
    try:
        return calendar.add_workdays(start, workdays)
    except UnknownCalendarYear as exc:
        raise CalendarUnknown(str(exc), year=exc.year) from exc


def workdays_between(calendar: WorkdayCalendar, start: dt.date, end: dt.date) -> int:
    """Count working days after ``start`` up to ``end``; refuse an unknown calendar year."""
    try:
        return calendar.workdays_between(start, end)
    except UnknownCalendarYear as exc:
        raise CalendarUnknown(str(exc), year=exc.year) from exc
