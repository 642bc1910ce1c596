"""The statutory public holidays of a year, from rules (全国年节及纪念日放假办法) and the lunar calendar.

Used for years whose official schedule (with 调休) is not published yet: the result is a provisional
calendar — the holidays the law fixes, plus the 补假 its weekend rule gives, without any 调休. The
lunar dates and the 清明 solar term come from ``lunar-python`` (寿星天文历 algorithms).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from lunar_python import Lunar

HolidayKind = Literal["solar", "lunar", "lunar_new_year_eve", "solar_term"]


@dataclass(frozen=True)
class HolidayRule:
    """One holiday: its first day (a solar date, a lunar date, 除夕 or a solar term) and its length."""

    name: str
    kind: HolidayKind
    days: int = 1
    month: int = 0
    day: int = 0
    term: str = ""


@dataclass(frozen=True)
class StatutoryHolidays:
    """A revision of the holiday rules in force from ``effective_from`` (to ``effective_to``)."""

    effective_from: dt.date
    effective_to: dt.date | None
    rules: tuple[HolidayRule, ...]
    weekend_compensation: bool
    basis: str

    def in_force(self, day: dt.date) -> bool:
        """Tell whether the revision governs ``day``."""
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


def _solar(year: int, month: int, day: int) -> dt.date:
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def lunar_date(year: int, month: int, day: int) -> dt.date:
    """Return the solar date of lunar ``month``/``day`` of the lunar year starting in ``year``."""
    return _solar(year, month, day)


def new_year_eve(year: int) -> dt.date:
    """Return 除夕, the last day of the lunar year that ends in (solar) ``year``'s spring."""
    return _solar(year, 1, 1) - dt.timedelta(days=1)


def solar_term(year: int, name: str) -> dt.date:
    """Return the (Beijing-time) date of solar term ``name`` (e.g. 清明) in ``year``."""
    table = Lunar.fromYmd(year, 6, 1).getJieQiTable()
    if name not in table:
        raise ValueError(f"未知的节气：{name}")
    solar = table[name]
    day = dt.date(solar.getYear(), solar.getMonth(), solar.getDay())
    if day.year != year:
        raise ValueError(f"{year} 年的{name}不在该年")
    return day


def first_day(rule: HolidayRule, year: int) -> dt.date:
    """Return the first day of ``rule``'s holiday in (solar) ``year``."""
    if rule.kind == "solar":
        return dt.date(year, rule.month, rule.day)
    if rule.kind == "lunar":
        return lunar_date(year, rule.month, rule.day)
    if rule.kind == "lunar_new_year_eve":
        return new_year_eve(year)
    return solar_term(year, rule.term)


def statutory_days(year: int, revisions: Sequence[StatutoryHolidays]) -> dict[dt.date, str]:
    """Return the statutory holiday days of ``year`` by date (the name of the holiday), 补假 included.

    Article 6 of the 办法: a holiday of all citizens that falls on a Saturday or Sunday is made up on
    a working day — here the first weekday after it that is not a holiday itself.
    """
    out: dict[dt.date, str] = {}
    weekend: list[tuple[dt.date, str]] = []
    for rule_set in revisions:
        for rule in rule_set.rules:
            start = first_day(rule, year)
            if not rule_set.in_force(start):
                continue
            for offset in range(rule.days):
                day = start + dt.timedelta(days=offset)
                out.setdefault(day, rule.name)
                if rule_set.weekend_compensation and day.weekday() >= 5:
                    weekend.append((day, rule.name))
    for day, name in sorted(weekend):
        makeup = day + dt.timedelta(days=1)
        while makeup.weekday() >= 5 or makeup in out:
            makeup += dt.timedelta(days=1)
        out[makeup] = f"{name}（补假）"
    return {d: n for d, n in out.items() if d.year == year}
