"""The value types of the council's TOML files, defined once for the recovery policy and the UC
rates, so that both files write a date, an amount, a rate and a code the same way.

- **Money** (:data:`Pence`) is pounds written as a string with two decimals: ``"424.90"``. That
  is how the figures are published (gov.uk rate tables, a council's policy) and how a finance
  officer reads them; a whole number of pence invites a factor-of-100 slip, and a TOML number
  with a point is a float, never exact money. Read as integer pence; never negative.
- **A date** (:data:`Day`) is a TOML date, unquoted: ``2026-04-06`` (never a time of day).
- **A rate** (:data:`Rate`) is a fraction written as a string, ``"0.55"``, between 0 and 1.
- **A code** (:data:`Code`) is a word from a list the domain fixes (``one_of``, ``codes``).

Each validator's ``ValueError`` says what is wrong in words; :mod:`app.schemas.base` puts the
key path in front. Pure functions; safe on any thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated

from app.domain.money import AmountError, parse_pounds
from app.pydantic_once import AfterValidator, PlainValidator

#: How an amount is written in the TOML files, for messages.
POUNDS_EXAMPLE = '"250.00"'


def pence(value: object) -> int:
    """Pounds written as a string (``"250.00"``) as integer pence, 0 or more."""
    if not isinstance(value, str):
        raise ValueError(f"write pounds as a string such as {POUNDS_EXAMPLE}, {_not_money(value)}")
    try:
        amount = parse_pounds(value)
    except AmountError as exc:
        raise ValueError(str(exc)) from None
    if amount < 0:
        raise ValueError(f"must not be negative, got {value!r}")
    return amount


def _not_money(value: object) -> str:
    if isinstance(value, float):
        return f"got the number {value!r} (a TOML number with a point is a float: not exact money)"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"got the number {value!r} (pounds or pence?)"
    return f"got {value!r}"


def day(value: object) -> date:
    """A TOML date (``2026-04-06``, unquoted) without a time of day."""
    if isinstance(value, datetime):
        raise ValueError(f"must be a date without a time, got {value.isoformat()}")
    if isinstance(value, date):
        return value
    unquote = " (unquoted)" if isinstance(value, str) else ""
    raise ValueError(f"must be a date such as 2026-04-06{unquote}, got {value!r}")


def rate(value: object) -> Decimal:
    """A fraction written as a string (``"0.55"``), from 0 to 1."""
    if not isinstance(value, str):
        raise ValueError(f'write a rate as a string such as "0.55", got {value!r}')
    try:
        fraction = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    if not fraction.is_finite() or not Decimal(0) <= fraction <= Decimal(1):
        raise ValueError(f"must be between 0 and 1, got {value!r}")
    return fraction


def text(value: object) -> str:
    """A string with something in it, without surrounding spaces."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be a non-empty string, got {value!r}")
    return value.strip()


def flag(value: object) -> bool:
    """``true`` or ``false`` (never 1 or "yes")."""
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, got {value!r}")
    return value


def code(value: object) -> str:
    """A code: a non-empty string, checked against its list by :func:`one_of`."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"must be a code (a word such as letter_1), got {value!r}")
    return value


def whole(
    minimum: int = 0, what: str = "a whole number", *, maximum: int | None = None
) -> PlainValidator:
    """A validator for a whole number of at least ``minimum`` (and at most ``maximum``, if
    given; ``what`` words the type)."""

    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"must be {what}, got {value!r}")
        if value < minimum:
            raise ValueError(f"must be {minimum} or more, got {value}")
        if maximum is not None and value > maximum:
            raise ValueError(f"must be {maximum} or less, got {value}")
        return value

    return PlainValidator(check)


def one_of(allowed: Sequence[str]) -> AfterValidator:
    """A validator keeping a :data:`Code` to ``allowed`` (named in order when refused)."""

    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")
        return value

    return AfterValidator(check)


def codes(allowed: Sequence[str], what: str) -> PlainValidator:
    """A validator for a list of codes from ``allowed`` (``what`` names them), as a set."""

    def check(value: object) -> frozenset[str]:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError(f"must be a list of {what}, got {value!r}")
        for item in value:
            if item not in allowed:
                raise ValueError(f"{item!r} is not one of {', '.join(allowed)}")
        return frozenset(value)

    return PlainValidator(check)


#: Money: pounds written as a string, ``"424.90"``, read as integer pence (0 or more).
Pence = Annotated[int, PlainValidator(pence)]
#: A date: a TOML date, ``2026-04-06``.
Day = Annotated[date, PlainValidator(day)]
#: A fraction from 0 to 1 written as a string, ``"0.55"``.
Rate = Annotated[Decimal, PlainValidator(rate)]
#: A code from a list the domain fixes: ``Annotated[Code, one_of(STAGE_KINDS)]``.
Code = Annotated[str, PlainValidator(code)]
#: A non-empty string (surrounding spaces dropped).
Text = Annotated[str, PlainValidator(text)]
#: ``true`` or ``false``.
Flag = Annotated[bool, PlainValidator(flag)]
#: A whole number, 0 or more (days, weeks).
Count = Annotated[int, whole(0)]
#: A whole number, 1 or more.
AtLeastOne = Annotated[int, whole(1)]
