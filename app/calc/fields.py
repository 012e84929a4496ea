"""Input pieces shared by the ``breach``, ``technical``, ``uc`` and ``deductions`` calc kinds.

Pydantic field types whose failures read as docs/calc.md asks (``instalment_pence: must be >
0``), the ledger line of those kinds (``{"date", "amount_pence"}``), and the bridge from a
domain error naming a field to :class:`~app.calc.errors.CalcInputError`.

Threading: pure values and functions; safe anywhere.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from app.calc.errors import CalcInputError
from app.calc.inputs import StrictInput
from app.pydantic_once import AfterValidator


def _positive(value: int) -> int:
    if value <= 0:
        raise ValueError("must be > 0")
    return value


def _not_negative(value: int) -> int:
    if value < 0:
        raise ValueError("must be 0 or more")
    return value


#: Pence (or a count) that must be above 0.
Positive = Annotated[int, AfterValidator(_positive)]
#: Pence (or a count) that may be 0 but never negative.
NotNegative = Annotated[int, AfterValidator(_not_negative)]
#: Every frequency docs/calc.md names.
Frequency = Literal["weekly", "fortnightly", "four-weekly", "monthly", "quarterly", "annual"]


class LineIn(StrictInput):
    """One debit or credit: the day it was posted and how much (a positive number of pence)."""

    date: dt.date
    amount_pence: NotNegative


def json_only(kind: str, fmt: str) -> None:
    """Refuse any ``--format`` but json for a kind that writes only json."""
    if fmt != "json":
        raise CalcInputError("--format", f"calc {kind} writes json only, not {fmt!r}")


def from_domain(field: str, message: str, *, prefix: str = "") -> CalcInputError:
    """A domain error naming ``field`` as a calc input error (``prefix`` for a nested object)."""
    return CalcInputError(f"{prefix}{field}", message)
