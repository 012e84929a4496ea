"""Month arithmetic: a day some months on keeps its day, clamped to a shorter month, and a
schedule on the 29th-31st keeps its own day after a shorter month (docs/rules.md D1)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.months import add_months, whole_months_between


def test_add_months_keeps_the_anchor_day():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 2, 28), 1, anchor_day=31) == date(2026, 3, 31)
    assert add_months(date(2026, 1, 15), -2) == date(2025, 11, 15)
    assert add_months(date(2024, 1, 29), 1) == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # 31 Jan + 1 month: the end of February
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # a leap year's February
        (date(2026, 1, 30), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # a leap day a year on
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # across the year end
        (date(2026, 11, 30), 14, date(2028, 1, 30)),
        (date(2026, 5, 18), 0, date(2026, 5, 18)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),  # back a month, clamped
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2026, 1, 15), -13, date(2024, 12, 15)),  # back across a year
        (date(2026, 12, 31), -12, date(2025, 12, 31)),
        (date(2025, 2, 28), -12, date(2024, 2, 28)),  # not the leap day: the 28th was asked
    ],
)
def test_add_months_clamps_to_the_months_end(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("anchor_day", "expected"),
    [
        (
            31,
            [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30),
             date(2026, 5, 31), date(2026, 6, 30)],
        ),
        (
            30,
            [date(2026, 1, 30), date(2026, 2, 28), date(2026, 3, 30), date(2026, 4, 30),
             date(2026, 5, 30), date(2026, 6, 30)],
        ),
        (
            29,
            [date(2026, 1, 29), date(2026, 2, 28), date(2026, 3, 29), date(2026, 4, 29),
             date(2026, 5, 29), date(2026, 6, 29)],
        ),
    ],
)
def test_a_schedule_on_the_29th_to_31st_keeps_its_day_after_a_shorter_month(anchor_day, expected):
    first = date(2026, 1, anchor_day)
    assert [add_months(first, n) for n in range(6)] == expected
    # counted from a date already clamped (28 Feb), the anchor brings the day back
    assert [add_months(date(2026, 2, 28), n - 1, anchor_day=anchor_day) for n in range(6)] == (
        expected
    )


def test_stepping_from_the_date_before_would_lose_the_day_so_the_anchor_keeps_it():
    stepped = add_months(add_months(date(2026, 1, 31), 1), 1)
    assert stepped == date(2026, 3, 28)
    assert add_months(add_months(date(2026, 1, 31), 1), 1, anchor_day=31) == date(2026, 3, 31)


def test_the_anchor_day_29_falls_on_the_leap_day_and_the_28th_otherwise():
    assert add_months(date(2027, 1, 29), 1, anchor_day=29) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 29), 1, anchor_day=29) == date(2028, 2, 29)
    assert add_months(date(2028, 2, 29), 12, anchor_day=29) == date(2029, 2, 28)
    assert add_months(date(2029, 2, 28), 1, anchor_day=29) == date(2029, 3, 29)


@pytest.mark.parametrize("anchor_day", [0, 32, -1])
def test_an_anchor_that_is_no_day_of_a_month_is_refused(anchor_day):
    with pytest.raises(ValueError, match="anchor_day"):
        add_months(date(2026, 1, 15), 1, anchor_day=anchor_day)


def test_past_the_last_year_a_date_holds_is_a_value_error():
    # arrangement_watch.end_date relies on it for a schedule too long for the calendar
    with pytest.raises(ValueError, match="year"):
        add_months(date(9999, 12, 1), 1)
    assert add_months(date(9999, 11, 30), 1) == date(9999, 12, 30)


@pytest.mark.parametrize(
    ("first", "day", "anchor_day", "expected"),
    [
        (date(2026, 1, 31), date(2026, 1, 30), None, -1),
        (date(2026, 1, 31), date(2026, 1, 31), None, 0),
        (date(2026, 1, 31), date(2026, 2, 27), None, 0),
        (date(2026, 1, 31), date(2026, 2, 28), None, 1),  # the clamped pay day
        (date(2026, 1, 31), date(2026, 3, 30), None, 1),
        (date(2026, 1, 31), date(2026, 3, 31), None, 2),  # back on the 31st
        (date(2026, 2, 28), date(2026, 3, 30), 31, 0),  # a schedule of the 31st from 28 Feb
        (date(2026, 2, 28), date(2026, 3, 31), 31, 1),
        (date(2026, 2, 28), date(2026, 3, 28), None, 1),  # a schedule of the 28th
        (date(2026, 6, 18), date(2026, 3, 17), None, -4),  # a first date to come
        (date(2024, 2, 29), date(2025, 2, 28), None, 12),
        (date(2026, 5, 18), date(2028, 5, 17), None, 23),
    ],
)
def test_whole_months_between(first, day, anchor_day, expected):
    assert whole_months_between(first, day, anchor_day=anchor_day) == expected


_DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


@given(_DAYS, _DAYS, st.one_of(st.none(), st.integers(min_value=1, max_value=31)))
def test_whole_months_between_finds_the_latest_date_of_the_schedule_on_or_before(
    first, day, anchor_day
):
    months = whole_months_between(first, day, anchor_day=anchor_day)
    assert add_months(first, months, anchor_day=anchor_day) <= day
    assert add_months(first, months + 1, anchor_day=anchor_day) > day


@given(_DAYS, st.integers(min_value=-1200, max_value=1200))
def test_a_month_on_is_in_the_right_month_and_no_later_than_the_day(day, months):
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day <= day.day
    assert moved.day == day.day or (moved + timedelta(days=1)).day == 1  # clamped: month's end
