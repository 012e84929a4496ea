"""Money as integer pence: parsing pounds written by people and by the HMS, formatting, and
the one rounding rule for an exact amount that falls between two pennies.

Invariant: no float ever holds money. Parsing is exact (string arithmetic), and anything that
is not an amount of pounds with at most two decimal places is refused with a reason. A figure
worked out exactly (a weekly rent as a month, a share of an amount) is rounded to the penny
only by :func:`round_half_up_pence`. Pure functions; safe on any thread.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

_POUNDS = re.compile(r"^(-)?(\d+)(?:\.(\d{1,2}))?$")

#: The largest amount written in pounds that Doorstep reads: £10,000,000,000.00. Beyond any real
#: figure (the wire takes at most £1bn, ``app.protocol.messages``) and far within the 64-bit
#: integers the databases keep, so a long run of digits is refused here, saying so, rather than
#: failing later in a database.
MAX_WRITTEN_PENCE = 10**12
_MAX_POUND_DIGITS = len(str(MAX_WRITTEN_PENCE // 100))


class AmountError(ValueError):
    """An amount that is not pounds with at most two decimal places; the message says why."""


def parse_pounds(text: str) -> int:
    """Parse an HMS amount such as ``98.45``, ``-120`` or ``0.5`` into integer pence.

    Refuses currency symbols, thousands separators, more than two decimals, exponents, blanks
    and amounts above :data:`MAX_WRITTEN_PENCE`, naming what is wrong, because a misread amount
    silently changes a tenant's balance.
    """
    raw = text.strip()
    if not raw:
        raise AmountError("amount is blank")
    match = _POUNDS.match(raw)
    if match is None:
        if "£" in raw or "$" in raw:
            raise AmountError(f"{raw!r} is not a plain number of pounds (remove the currency sign)")
        if re.match(r"^-?\d+\.\d{3,}$", raw):
            raise AmountError(f"{raw!r} has more than two decimal places")
        if "," in raw:
            raise AmountError(f"{raw!r} is not a plain number (remove the thousands separator)")
        raise AmountError(f"{raw!r} is not an amount of pounds")
    sign, whole, frac = match.groups()
    shown = repr(raw) if len(raw) <= 24 else f"{raw[:16]!r}... ({len(raw)} characters)"
    too_large = AmountError(f"{shown} is too large an amount (at most £10,000,000,000.00)")
    if len(whole.lstrip("0")) > _MAX_POUND_DIGITS:  # before int(): no 5,000-digit conversions
        raise too_large
    pence = int(whole) * 100 + int((frac or "").ljust(2, "0"))
    if pence > MAX_WRITTEN_PENCE:
        raise too_large
    return -pence if sign else pence


_GROUPED = re.compile(r"^(-)?(\d{1,3}(?:,\d{3})+)(?:\.(\d{1,2}))?$")


def parse_typed_pounds(text: str) -> int:
    """Parse an amount an officer typed into integer pence: ``12.50``, ``£12.50``, ``1,150``
    or ``£1,150.00``.

    A leading £ and thousands separators are allowed, but only where a comma separates whole
    groups of three digits: ``1,40`` (a decimal comma?) is refused rather than read as £140.
    Everything :func:`parse_pounds` refuses otherwise is refused here too, naming why.
    """
    raw = text.strip()
    if raw.startswith("£"):
        raw = raw[1:].strip()
        if not raw:
            raise AmountError("type an amount after the £")
    if "," in raw:
        grouped = _GROUPED.match(raw)
        if grouped is None:
            raise AmountError(
                f"{raw!r}: a comma may only separate thousands (1,150.00); "
                "use a point for pence (12.50)"
            )
        raw = raw.replace(",", "")
    return parse_pounds(raw)


def round_half_up_pence(amount: Fraction | Decimal | int) -> int:
    """An exact amount of pence rounded to a whole penny, half up (docs/rules.md A4: "each line is
    converted ..., then rounded half-up to the penny").

    The rule: half a penny or more rounds away from zero, less than half towards it, so a
    credit rounds as the debit it mirrors: 2.5p -> 3p, 2.49p -> 2p, -2.5p -> -3p, -2.49p -> -2p
    (Decimal's ``ROUND_HALF_UP``). Write the exact figure as a Fraction, e.g.
    ``round_half_up_pence(Fraction(weekly_pence * 52, 12))``.

    Refuses a float or a bool (TypeError: a float has already lost the half penny) and a NaN or
    infinite Decimal (ValueError).
    """
    if isinstance(amount, bool) or not isinstance(amount, int | Fraction | Decimal):
        raise TypeError(f"{amount!r} is not an exact amount of pence (int, Fraction or Decimal)")
    if isinstance(amount, int):
        return amount
    if isinstance(amount, Decimal) and not amount.is_finite():
        raise ValueError(f"{amount} is not a finite amount of pence")
    numerator, denominator = amount.as_integer_ratio()  # denominator > 0
    pennies, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        pennies += 1
    return -pennies if numerator < 0 else pennies


def weeks_of_charge(balance_pence: int, weekly_charge_pence: int) -> Decimal | None:
    """Arrears in weeks of the current weekly charge (docs/rules.md E3), to 2 dp, half up.

    None when there is no weekly charge to divide by (a zero-rent licence, say).
    """
    if weekly_charge_pence <= 0:
        return None
    return (Decimal(balance_pence) / Decimal(weekly_charge_pence)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
