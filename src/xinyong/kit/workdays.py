"""Working days (工作日) on the official calendar, including 调休 (weekend days worked in lieu).

The ``chinesecalendar`` package knows the State Council's schedule for the years it ships; years it
does not know come from ``policy/calendar/`` overrides. A year neither knows gets a *provisional*
calendar built from the statutory holidays (``policy/calendar/statutory/``, computed with the lunar
calendar, no 调休): every deadline that reaches into such a year is 暂定 and is recomputed once the
official schedule is added. Only a year with no statutory rules at all is refused — never guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import chinese_calendar

from xinyong.kit.holidays import StatutoryHolidays, statutory_days


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
    provisional: bool = False

    def is_workday(self, day: dt.date) -> bool:
        """Tell whether ``day`` (in this year) is a working day."""
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


class WorkdayCalendar:
    """The official working-day calendar with per-year overrides (overrides win)."""

    def __init__(
        self,
        overrides: Mapping[int, YearCalendar] | None = None,
        statutory: Iterable[StatutoryHolidays] = (),
    ) -> None:
        self._overrides = dict(overrides or {})
        self._statutory = tuple(statutory)
        self._provisional: dict[int, YearCalendar | None] = {}
        self._official: dict[int, bool] = {}

    @classmethod
    def of(
        cls, years: Iterable[YearCalendar], statutory: Iterable[StatutoryHolidays] = ()
    ) -> WorkdayCalendar:
        """Build a calendar from year overrides and the statutory holiday rules."""
        return cls({y.year: y for y in years}, statutory)

    @property
    def statutory(self) -> tuple[StatutoryHolidays, ...]:
        """Return the statutory holiday revisions the provisional years are built from."""
        return self._statutory

    def official(self, year: int) -> bool:
        """Tell whether the official schedule (with 调休) of ``year`` is known (memoised: hot paths ask)."""
        known = self._official.get(year)
        if known is None:
            if year in self._overrides:
                known = not self._overrides[year].provisional
            else:
                try:
                    chinese_calendar.is_workday(dt.date(year, 6, 1))
                    known = True
                except NotImplementedError:
                    known = False
            self._official[year] = known
        return known

    def _provisional_year(self, year: int) -> YearCalendar | None:
        if year not in self._provisional:
            days = statutory_days(year, self._statutory) if self._statutory else {}
            self._provisional[year] = YearCalendar(year, frozenset(days), provisional=True) if days else None
        return self._provisional[year]

    def knows(self, year: int) -> bool:
        """Tell whether working days can be computed for ``year`` (officially or provisionally)."""
        return self.official(year) or self._provisional_year(year) is not None

    def provisional(self, year: int) -> bool:
        """Tell whether working days of ``year`` come from the provisional (statutory-only) calendar."""
        return not self.official(year) and self._provisional_year(year) is not None

    def provisional_through(self, start: dt.date, end: dt.date) -> bool:
        """Tell whether any year from ``start`` to ``end`` is only provisionally known (a 暂定 deadline)."""
        return any(self.provisional(y) for y in range(start.year, end.year + 1))

    def holidays_of(self, year: int) -> dict[dt.date, str]:
        """Return the provisional calendar's holidays of ``year`` by date (empty for an official year)."""
        if self.official(year):
            return {}
        return statutory_days(year, self._statutory)

    def schedule_warning(self, today: dt.date, *, from_month: int = 11) -> str | None:
        """Return a warning when this year's, or (from ``from_month``) next year's, schedule is missing.

        The State Council publishes next year's 放假安排 late in the year; until it is added under
        ``policy/calendar/`` deadlines reaching into that year are only 暂定.
        """
        missing = [y for y in (today.year, today.year + 1) if not self.official(y)]
        if today.month < from_month:
            missing = [y for y in missing if y == today.year]
        if not missing:
            return None
        years = "、".join(f"{y} 年" for y in missing)
        return (
            f"{years}的节假日和调休安排尚未录入 policy/calendar/：跨入该年的工作日期限按法定节假日暂定计算"
            "并标注“暂定”。国务院办公厅公布安排后，请新增 policy/calendar/<年份>.yaml 并运行 xinyong policy sync。"
        )

    def is_workday(self, day: dt.date) -> bool:
        """Tell whether ``day`` is a working day; raise ``UnknownCalendarYear`` if nothing is known."""
        override = self._overrides.get(day.year)
        if override is not None:
            return override.is_workday(day)
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError as exc:
            provisional = self._provisional_year(day.year)
            if provisional is None:
                raise UnknownCalendarYear(day.year) from exc
            return provisional.is_workday(day)

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


def recomputed(
    calendar: WorkdayCalendar, start: dt.date, workdays: int, stored: dt.date | None
) -> dt.date | None:
    """Return the deadline ``workdays`` after ``start`` on ``calendar`` if it differs from ``stored``.

    A deadline computed on the provisional calendar moves when the official schedule (with 调休) of its
    year is added; ``None`` when nothing changes or the year is still unknown.
    """
    try:
        fresh = calendar.add_workdays(start, workdays)
    except UnknownCalendarYear:
        return None
    return fresh if fresh != stored else None
