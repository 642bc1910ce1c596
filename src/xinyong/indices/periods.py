"""Index periods: a month (``2026-10``), a quarter (``2026Q4``) or a year (``2026``), as date spans."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from xinyong.errors import Invalid
from xinyong.kit.dates import add_months

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    """A named span of business dates, both ends inclusive."""

    label: str
    kind: str
    start: dt.date
    end: dt.date

    def months(self) -> list[Period]:
        """Return the months the span covers, in order."""
        out, day = [], self.start
        while day <= self.end:
            out.append(month(day.year, day.month))
            day = add_months(day, 1)
        return out

    def quarters(self) -> list[Period]:
        """Return the quarters wholly inside the span, in order."""
        found = {quarter(m.start.year, (m.start.month - 1) // 3 + 1) for m in self.months()}
        return sorted(
            (q for q in found if self.start <= q.start and q.end <= self.end), key=lambda q: q.start
        )

    def previous(self) -> Period:
        """Return the period of the same kind just before this one."""
        day = self.start - dt.timedelta(days=1)
        return (
            quarter(day.year, (day.month - 1) // 3 + 1)
            if self.kind == "quarter"
            else month(day.year, day.month)
        )


def month(year: int, number: int) -> Period:
    """Return the month ``year-number``."""
    start = dt.date(year, number, 1)
    return Period(f"{year}-{number:02d}", "month", start, add_months(start, 1) - dt.timedelta(days=1))


def quarter(year: int, number: int) -> Period:
    """Return quarter ``number`` of ``year``."""
    start = dt.date(year, 3 * number - 2, 1)
    return Period(f"{year}Q{number}", "quarter", start, add_months(start, 3) - dt.timedelta(days=1))


def parse(text: str) -> Period:
    """Parse ``2026-10``, ``2026Q4`` or ``2026``; a bad value is a Chinese ``Invalid``."""
    value = text.strip().upper()
    m = _MONTH.match(value) or _QUARTER.match(value) or _YEAR.match(value)
    if m and 1900 <= int(m[1]) <= 2999:  # a period the working-day calendar and the records can hold
        if m.re is _MONTH:
            return month(int(m[1]), int(m[2]))
        if m.re is _QUARTER:
            return quarter(int(m[1]), int(m[2]))
        return Period(value, "year", dt.date(int(m[1]), 1, 1), dt.date(int(m[1]), 12, 31))
    raise Invalid(
        f"统计期“{text[:20]}”无效：请写作 2026-10（月）、2026Q4（季度）或 2026（年）",
        code="indices.bad_period",
    )


def within(span: Period, kind: str) -> list[Period]:
    """Return the periods of ``kind`` (month or quarter) that make up ``span``."""
    return span.months() if kind == "month" else span.quarters()
