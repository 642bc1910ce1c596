"""The working-day clock of the runtime: a request's instant and business date, and deadlines in working
days (an unknown calendar year is refused, never guessed). Every workflow (repair, objections, outbox)
counts its deadlines here; the request dependency that builds a ``Clock`` is ``app_deps.get_clock``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xinyong.errors import XinyongError
from xinyong.kit.workdays import UnknownCalendarYear, WorkdayCalendar


@dataclass(frozen=True)
class Clock:
    """The instant a request happens and its business date (Asia/Shanghai)."""

    now: dt.datetime
    today: dt.date
    calendar: WorkdayCalendar | None = None  # the policy's working days, to mark 暂定 deadlines


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


def deadline_marks(calendar: WorkdayCalendar, **deadlines: dt.date | None) -> dict[str, object]:
    """Return which deadlines are 暂定 (reach a year with only the provisional calendar) and why.

    Derived on every read: once the official schedule of that year is in ``policy/calendar/`` the mark
    goes, and ``xinyong policy sync`` recomputes the stored dates (see ``refresh`` of each workflow).
    """
    marked = [name for name, day in deadlines.items() if day is not None and calendar.provisional(day.year)]
    years = sorted({d.year for n, d in deadlines.items() if n in marked and d is not None})
    note = (
        f"暂定：{'、'.join(str(y) for y in years)} 年的节假日和调休安排尚未公布，期限按《全国年节及纪念日放假办法》"
        "规定的法定节假日推算，官方安排录入后自动重算"
        if marked
        else None
    )
    return {"provisional_deadlines": marked, "deadline_note": note}
