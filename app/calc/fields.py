"""Input pieces shared by the ``breach``, ``technical``, ``uc`` and ``deductions`` calc kinds.

Pydantic field types whose failures read as docs/calc.md asks (``instalment_pence: must be >
0``), the ledger line of those kinds (``{"date", "amount_pence"}``), and the bridge from a
domain error naming a field to :class:`~app.calc.errors.CalcInputError`.

Numbers and days are bounded as everywhere in Doorstep, so that no input makes a calculation
fail instead of answering: pence (and counts) at most ``MAX_WRITTEN_PENCE`` (£10bn) either way,
days of grace at most :data:`MAX_DAY_COUNT`, and every date within the days Doorstep takes
(:data:`Day`, ``app.domain.days``), read with a reason when it is not a date ("2023 is not a
leap year, so February 2023 has 28 days").

Threading: pure values and functions; safe anywhere.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from app.calc.errors import CalcInputError
from app.calc.inputs import StrictInput
from app.domain.days import DayError, parse_day
from app.domain.money import MAX_WRITTEN_PENCE
from app.pydantic_once import AfterValidator, PlainValidator

#: The most days of grace (or any other count of days) a calculation takes: a hundred years.
MAX_DAY_COUNT = 36_500


def _at_most(value: int, largest: int = MAX_WRITTEN_PENCE) -> int:
    if abs(value) > largest:
        raise ValueError(f"must be at most {largest:,} (got {value:,})")
    return value


def _positive(value: int) -> int:
    if value <= 0:
        raise ValueError("must be > 0")
    return _at_most(value)


def _not_negative(value: int) -> int:
    if value < 0:
        raise ValueError("must be 0 or more")
    return _at_most(value)


def _day_count(value: int) -> int:
    return _at_most(_not_negative(value), MAX_DAY_COUNT)


def _day(value: object) -> dt.date:
    if not isinstance(value, str):
        raise ValueError(f"must be a date (YYYY-MM-DD) (got {value!r})")
    try:
        return parse_day(value)
    except DayError as exc:
        if exc.out_of_range:
            raise ValueError(exc.reason) from None
        raise ValueError(f"must be a date (YYYY-MM-DD): {exc.reason} (got {value!r})") from None


#: Pence (or a count) that must be above 0.
Positive = Annotated[int, AfterValidator(_positive)]
#: Pence (or a count) that may be 0 but never negative.
NotNegative = Annotated[int, AfterValidator(_not_negative)]
#: Pence that may be negative (a balance in credit).
Signed = Annotated[int, AfterValidator(_at_most)]
#: A number of days, 0 to :data:`MAX_DAY_COUNT`.
DayCount = Annotated[int, AfterValidator(_day_count)]
#: A date written ``YYYY-MM-DD`` within the days Doorstep takes.
Day = Annotated[dt.date, PlainValidator(_day)]
#: Every frequency docs/calc.md names.
Frequency = Literal["weekly", "fortnightly", "four-weekly", "monthly", "quarterly", "annual"]


class LineIn(StrictInput):
    """One debit or credit: the day it was posted and how much (a positive number of pence)."""

    date: Day
    amount_pence: NotNegative


def json_only(kind: str, fmt: str) -> None:
    """Refuse any ``--format`` but json for a kind that writes only json."""
    if fmt != "json":
        raise CalcInputError("--format", f"calc {kind} writes json only, not {fmt!r}")


def from_domain(field: str, message: str, *, prefix: str = "") -> CalcInputError:
    """A domain error naming ``field`` as a calc input error (``prefix`` for a nested object)."""
    return CalcInputError(f"{prefix}{field}", message)
