"""Month arithmetic on calendar dates: one rule for every monthly schedule in Doorstep.

A UC pay day, a monthly arrangement, a NOSP's twelve months in force and a year of history all
step by months the same way:

- ``n`` months on is the same day of the month, or the month's last day when that month is
  shorter: 31 Jan + 1 month = 28 Feb; 29 Feb 2024 + 12 months = 28 Feb 2025.
- A schedule keeps its own day after a shorter month (``anchor_day``): a UC pay day of the 31st
  falls on 28 Feb, then on 31 Mar again (docs/rules.md D1; ``ArrangementTerms.day_of_month``). So
  every date of a schedule is counted from its first date with the schedule's day, never from the
  date before it (which may have been clamped).

Built on ``dateutil.relativedelta``, which clamps to the month's end. Pure functions; safe on any
thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

if TYPE_CHECKING:
    from datetime import date


def add_months(day: date, months: int, *, anchor_day: int | None = None) -> date:
    """``day`` moved ``months`` months on (back when negative), clamped to the month's end.

    The result falls on ``anchor_day`` (1-31; ``day``'s own day when None), or on the month's
    last day when the month is shorter: ``add_months(date(2026, 2, 28), 1, anchor_day=31)`` is
    31 Mar 2026. ValueError past the years a ``date`` can hold.
    """
    if anchor_day is not None and not 1 <= anchor_day <= 31:
        raise ValueError(f"anchor_day: {anchor_day} is not a day of the month (1-31)")
    return day + relativedelta(months=months, day=anchor_day)


def whole_months_between(first: date, day: date, *, anchor_day: int | None = None) -> int:
    """The number ``n`` of the latest ``add_months(first, n, anchor_day=...)`` on or before
    ``day``: how many whole months of a monthly schedule starting on ``first`` have passed.

    0 from ``first`` up to the day before its next date; negative when ``day`` is before
    ``first``. A pay day of 31 Jan: 1 on 28 Feb, still 1 on 30 Mar, 2 on 31 Mar.
    """
    months = (day.year - first.year) * 12 + day.month - first.month
    if add_months(first, months, anchor_day=anchor_day) > day:
        months -= 1
    return months


__all__ = ["add_months", "whole_months_between"]
