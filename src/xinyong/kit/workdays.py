"""Working days (工作日) on the official calendar, including 调休 (weekend days worked in lieu).

The ``chinesecalendar`` package knows the State Council's schedule for the years it ships; years it
does not know come from ``policy/calendar/`` overrides. A date in a year neither knows is refused
with a clear error — never guessed from weekends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import chinese_calendar


class UnknownCalendarYear(ValueError):
    """No official working-day calendar is known for a year."""

    code = "calendar.unknown_year"

    def __init__(self, year: int) -> None:
        super().__init__(
            f"{year} 年的法定节假日和调休安排尚未录入（chinesecalendar 未包含，policy/calendar/ 中也没有），"
            "无法计算工作日期限"
        )
        self.year = year


@dataclass(frozen=True)
class YearCalendar:
    """An override for one year: its public holidays and its 调休 working weekend days."""

    year: int
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    workdays: frozenset[dt.date] = field(default_factory=frozenset)

    def is_workday(self, day: dt.date) -> bool:
        """Tell whether ``day`` (in this year) is a working day."""
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


class WorkdayCalendar:
    """The official working-day calendar with per-year overrides (overrides win)."""

    def __init__(self, overrides: Mapping[int, YearCalendar] | None = None) -> None:
        self._overrides = dict(overrides or {})

    @classmethod
    def of(cls, years: Iterable[YearCalendar]) -> WorkdayCalendar:
        """Build a calendar from year overrides."""
        return cls({y.year: y for y in years})

    def knows(self, year: int) -> bool:
        """Tell whether working days can be computed for ``year``."""
        if year in self._overrides:
            return True
        try:
            chinese_calendar.is_workday(dt.date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    def is_workday(self, day: dt.date) -> bool:
        """Tell whether ``day`` is a working day; raise ``UnknownCalendarYear`` if unknown."""
        override = self._overrides.get(day.year)
        if override is not None:
            return override.is_workday(day)
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError as exc:
            raise UnknownCalendarYear(day.year) from exc

    def add_workdays(self, start: dt.date, days: int) -> dt.date:
        """Return the date ``days`` working days after ``start`` (``start`` itself not counted).

        A deadline of "N working days from receipt" is the N-th working day after the day of receipt.
        """
        if days < 0:
            raise ValueError("days must be >= 0")
        current = start
        remaining = days
        while remaining:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                remaining -= 1
        return current

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Count working days after ``start`` up to and including ``end`` (0 if ``end <= start``)."""
        count = 0
        current = start
        while current < end:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                count += 1
        return count
