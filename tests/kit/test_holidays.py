"""The provisional calendar: statutory holidays from the lunar calendar and the 清明 solar term, checked
against the official schedules that chinesecalendar ships (2020–2026) and known 清明 dates to 2030."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from xinyong.kit.holidays import new_year_eve, solar_term, statutory_days
from xinyong.kit.workdays import UnknownCalendarYear, WorkdayCalendar, YearCalendar
from xinyong.policy.loader import Policy

QINGMING = {
    2020: 4, 2021: 4, 2022: 5, 2023: 5, 2024: 4, 2025: 4, 2026: 5, 2027: 5, 2028: 4, 2029: 4, 2030: 5,
}  # fmt: skip
CHUXI = {
    2020: (1, 24),
    2021: (2, 11),
    2022: (1, 31),
    2023: (1, 21),
    2024: (2, 9),
    2025: (1, 28),
    2026: (2, 16),
}


@pytest.mark.parametrize("year", sorted(QINGMING))
def test_qingming_is_the_solar_term_day(year: int) -> None:
    assert solar_term(year, "清明") == dt.date(year, 4, QINGMING[year])


@pytest.mark.parametrize("year", sorted(CHUXI))
def test_new_years_eve(year: int) -> None:
    assert new_year_eve(year) == dt.date(year, *CHUXI[year])


@pytest.mark.parametrize("year", range(2020, 2027))
def test_statutory_days_are_official_holidays(policy: Policy, year: int) -> None:
    """Every day the 办法 makes a holiday (2013 revision to 2024, 2024 revision from 2025) is one officially."""
    statutory = policy.calendar.statutory
    days = {d: n for d, n in statutory_days(year, statutory).items() if "补假" not in n}
    # 11 days under the 2013 revision, 13 under the 2024 one; in 2020 中秋 fell on 国庆 (10-01).
    assert len(days) == (10 if year == 2020 else 11 if year <= 2024 else 13)
    missing = [(d, n) for d, n in days.items() if not chinese_calendar.is_holiday(d)]
    assert missing == []


def test_a_year_without_schedule_is_provisional_not_refused(policy: Policy) -> None:
    cal = policy.calendar
    assert cal.official(2026)
    assert not cal.provisional(2026)
    assert cal.provisional(2027)
    holidays = cal.holidays_of(2027)
    assert holidays[dt.date(2027, 2, 5)] == "春节"  # 除夕
    assert holidays[dt.date(2027, 4, 5)] == "清明节"
    assert holidays[dt.date(2027, 6, 9)] == "端午节"
    assert holidays[dt.date(2027, 9, 15)] == "中秋节"
    assert holidays[dt.date(2027, 5, 3)] == "劳动节（补假）"  # 5月1日、2日适逢周六、周日
    # Across the year end: 12-29, 12-30, 12-31, (元旦 off), 01-04, 01-05.
    assert cal.add_workdays(dt.date(2026, 12, 28), 5) == dt.date(2027, 1, 5)
    assert cal.provisional_through(dt.date(2026, 12, 28), dt.date(2027, 1, 5))
    assert not cal.provisional_through(dt.date(2026, 12, 1), dt.date(2026, 12, 8))


def test_the_official_schedule_replaces_the_provisional_one(policy: Policy) -> None:
    official = YearCalendar(2027, frozenset({dt.date(2027, 1, 1), dt.date(2027, 1, 4)}))
    cal = WorkdayCalendar.of([official], policy.calendar.statutory)
    assert not cal.provisional(2027)
    assert cal.add_workdays(dt.date(2026, 12, 28), 5) == dt.date(2027, 1, 6)
    assert not cal.provisional_through(dt.date(2026, 12, 28), dt.date(2027, 1, 6))


def test_a_year_no_rule_covers_is_still_refused() -> None:
    with pytest.raises(UnknownCalendarYear):
        WorkdayCalendar().is_workday(dt.date(2040, 3, 1))


def test_the_console_warning_starts_in_november(policy: Policy) -> None:
    cal = policy.calendar
    assert cal.schedule_warning(dt.date(2026, 10, 31)) is None
    warning = cal.schedule_warning(dt.date(2026, 11, 1))
    assert warning is not None
    assert "2027 年" in warning
    assert "2026 年" not in warning
    assert "2027 年" in (cal.schedule_warning(dt.date(2027, 3, 1)) or "")  # the year itself is missing
    official = WorkdayCalendar.of([YearCalendar(2027)], cal.statutory)
    assert official.schedule_warning(dt.date(2026, 12, 1)) is None
