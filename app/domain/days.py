"""The days Doorstep takes, and a date written by a person or a script read with a reason.

The days a case is made of lie between :data:`EARLIEST_DAY` and :data:`LATEST_DAY`: an
action's date and ``until`` (``case_actions.check_action``, on the laptop, in the HMS import and
in a push), an arrangement's first date (``arrangement_watch.ArrangementTerms``,
``arrangement_plan.propose``), every date column of the HMS import, every day on the wire
(``app.protocol.messages``) and every date a ``calc`` is given. The rules add days, weeks and
months to the days they are given (a NOSP is in force for twelve months after its date, a block
ends the day after its date): near the calendar's end (31 Dec 9999) that arithmetic has nowhere
to go, and a date so far out is a typing slip or a placeholder, never a fact about a tenancy.
The window is wide enough for any tenant's date of birth and any tenancy's start, and for a plan
made today that runs for decades.

:func:`parse_day` reads ``YYYY-MM-DD`` and says what is wrong in words ("2023 is not a leap
year, so February 2023 has 28 days") where ``date.fromisoformat`` says "day is out of range
for month". :func:`working_days_after` counts working days (a broken promise's contact,
docs/rules.md F3a). Pure functions; safe on any thread.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from app.domain.display import format_day

EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2199, 12, 31)

_ONE_DAY = timedelta(days=1)
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class DayError(ValueError):
    """A date that cannot be used: ``str()`` quotes the text and says why; ``reason`` says why
    alone; ``out_of_range`` is true for a real date outside the days Doorstep takes (false for
    text that is not a date at all)."""

    def __init__(self, text: str, reason: str, *, out_of_range: bool = False) -> None:
        super().__init__(reason if out_of_range else f"{text!r}: {reason}")
        self.reason = reason
        self.out_of_range = out_of_range


def day_problem(day: date) -> str | None:
    """Why ``day`` is outside the days Doorstep takes (see the module), or None."""
    if day < EARLIEST_DAY:
        return (
            f"{format_day(day)} is too far in the past (the earliest date Doorstep takes is "
            f"{format_day(EARLIEST_DAY)})"
        )
    if day > LATEST_DAY:
        return (
            f"{format_day(day)} is too far in the future (the latest date Doorstep takes is "
            f"{format_day(LATEST_DAY)})"
        )
    return None


def parse_day(text: str) -> date:
    """``YYYY-MM-DD`` as a date within the days Doorstep takes, or :class:`DayError` saying
    what is wrong: the form, a month or day that does not exist (29 February of a year that is
    not a leap year), or a date too far in the past or the future."""
    raw = text.strip()
    match = _ISO_DAY.match(raw)
    if match is None:
        if re.match(r"^\d{5,}-\d{2}-\d{2}$", raw):
            latest = format_day(LATEST_DAY)
            raise DayError(raw, f"a year has four digits (the latest date is {latest})")
        raise DayError(raw, "not a date written YYYY-MM-DD, such as 2026-03-31")
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        raise DayError(raw, f"there is no month {month} (months are 01 to 12)")
    if year < 1:
        raise DayError(raw, "there is no year 0")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        leap = f"{year} is not a leap year, so " if month == 2 and day == 29 else ""
        raise DayError(raw, f"{leap}{calendar.month_name[month]} {year} has {days} days")
    parsed = date(year, month, day)
    problem = day_problem(parsed)
    if problem is not None:
        raise DayError(raw, problem, out_of_range=True)
    return parsed


def working_days_after(day: date, count: int) -> date:
    """The ``count``-th working day after ``day`` (Monday to Friday; ``day`` itself never
    counts, so 1 is the next working day and 0 is ``day``). Bank holidays are not known to
    Doorstep, so they count as working days."""
    found = day
    left = count
    while left > 0:
        found += _ONE_DAY
        if found.weekday() < 5:
            left -= 1
    return found
