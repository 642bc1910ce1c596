"""Working days on the official calendar with 调休, overrides for later years, and clear refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from xinyong.kit.workdays import UnknownCalendarYear, WorkdayCalendar, YearCalendar

CAL = WorkdayCalendar()
D = dt.date
KNOWN = st.dates(min_value=D(2010, 1, 1), max_value=D(2026, 10, 31))


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (D(2026, 2, 14), True),  # Saturday worked before the Spring Festival
        (D(2026, 2, 15), False),
        (D(2026, 2, 17), False),  # 春节 (Tuesday)
        (D(2026, 2, 23), False),  # last day of the break (Monday)
        (D(2026, 2, 24), True),
        (D(2026, 2, 28), True),  # Saturday worked after the Spring Festival
        (D(2026, 9, 20), True),  # Sunday worked before National Day
        (D(2026, 10, 1), False),
        (D(2026, 10, 7), False),  # Wednesday, still National Day
        (D(2026, 10, 10), True),  # Saturday worked after National Day
        (D(2026, 10, 11), False),
        (D(2026, 3, 4), True),
    ],
)
def test_official_2026_calendar_with_make_up_days(day: dt.date, workday: bool) -> None:
    assert CAL.is_workday(day) is workday


def test_deadlines_across_the_2026_holidays() -> None:
    assert CAL.add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert CAL.add_workdays(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert CAL.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert CAL.add_workdays(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert CAL.workdays_between(D(2026, 9, 30), D(2026, 10, 8)) == 1
    assert CAL.add_workdays(D(2026, 5, 8), 0) == D(2026, 5, 8)


def test_2027_is_refused_clearly() -> None:
    assert CAL.knows(2026)
    assert not CAL.knows(2027)
    with pytest.raises(UnknownCalendarYear) as err:
        CAL.is_workday(D(2027, 3, 1))
    assert err.value.year == 2027
    assert err.value.code == "calendar.unknown_year"
    assert "2027 年" in str(err.value)
    assert "policy/calendar/" in str(err.value)
    with pytest.raises(UnknownCalendarYear):
        CAL.add_workdays(D(2026, 12, 28), 10)
    with pytest.raises(UnknownCalendarYear):
        CAL.workdays_between(D(2026, 12, 20), D(2027, 1, 10))


def test_an_override_makes_2027_computable() -> None:
    year = YearCalendar(
        2027,
        holidays=frozenset({D(2027, 1, 1), D(2027, 2, 5), D(2027, 2, 8)}),
        workdays=frozenset({D(2027, 2, 6)}),  # a Saturday worked in lieu
    )
    cal = WorkdayCalendar.of([year])
    assert cal.knows(2027)
    assert not cal.is_workday(D(2027, 1, 1))  # Friday, New Year
    assert cal.is_workday(D(2027, 2, 6))
    assert not cal.is_workday(D(2027, 2, 7))
    assert cal.add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert cal.add_workdays(D(2027, 2, 4), 2) == D(2027, 2, 9)
    assert cal.workdays_between(D(2026, 12, 30), D(2027, 1, 4)) == 2


def test_an_override_wins_over_the_package() -> None:
    cal = WorkdayCalendar.of([YearCalendar(2026, holidays=frozenset({D(2026, 3, 4)}))])
    assert not cal.is_workday(D(2026, 3, 4))
    assert cal.is_workday(D(2026, 3, 5))


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="days"):
        CAL.add_workdays(D(2026, 5, 8), -1)


@given(KNOWN, st.integers(0, 40))
def test_add_then_count_gives_back_the_days(start: dt.date, days: int) -> None:
    end = CAL.add_workdays(start, days)
    assert CAL.workdays_between(start, end) == days
    if days:
        assert CAL.is_workday(end)
        assert end > start
        assert CAL.add_workdays(start, days - 1) < end


@given(KNOWN, st.integers(0, 60), st.integers(0, 60))
def test_counting_is_additive(start: dt.date, a: int, b: int) -> None:
    middle = start + dt.timedelta(days=a)
    end = middle + dt.timedelta(days=b)
    assume(CAL.knows(end.year))
    total = CAL.workdays_between(start, end)
    assert total == CAL.workdays_between(start, middle) + CAL.workdays_between(middle, end)
    assert CAL.workdays_between(end, start) == 0
    assert total <= (end - start).days
