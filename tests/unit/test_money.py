"""Money is integer pence: HMS amounts parse exactly or are refused with the reason, and an
exact amount between two pennies rounds half up (away from zero)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.display import format_pence
from app.domain.money import (
    AmountError,
    parse_pounds,
    parse_typed_pounds,
    round_half_up_pence,
    weeks_of_charge,
)


@pytest.mark.parametrize(
    ("text", "pence"),
    [("98.45", 9845), ("-120", -12000), ("0.5", 50), ("0", 0), (" 7.05 ", 705), ("-0.01", -1)],
)
def test_amounts_parse_to_exact_pence(text, pence):
    assert parse_pounds(text) == pence


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("12.345", "more than two decimal places"),
        ("£5", "currency sign"),
        ("1,000.00", "thousands separator"),
        ("", "blank"),
        ("1e3", "not an amount"),
        ("12.", "not an amount"),
        ("abc", "not an amount"),
        ("--5", "not an amount"),
    ],
)
def test_bad_amounts_are_refused_with_the_reason(text, reason):
    with pytest.raises(AmountError, match=reason):
        parse_pounds(text)


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_format_and_parse_round_trip_every_penny(pence):
    assert parse_pounds(format_pence(pence, symbol=False).replace(",", "")) == pence


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("12.50", 1250),
        ("£12.50", 1250),
        (" £ 12.5 ", 1250),
        ("1,150", 115000),
        ("£1,150.00", 115000),
        ("12,345,678.09", 1234567809),
        ("-1,000", -100000),
    ],
)
def test_typed_amounts_take_a_pound_sign_and_thousands_separators(text, pence):
    assert parse_typed_pounds(text) == pence


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1,40", "a comma may only separate thousands"),  # a decimal comma: never £140
        ("1,1500", "a comma may only separate thousands"),
        (",150", "a comma may only separate thousands"),
        ("1,150.001", "a comma may only separate thousands"),
        ("£", "after the £"),
        ("12.345", "more than two decimal places"),
        ("$5", "currency sign"),
        ("ten", "not an amount"),
    ],
)
def test_typed_amounts_that_could_be_misread_are_refused(text, reason):
    with pytest.raises(AmountError, match=reason):
        parse_typed_pounds(text)


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_a_formatted_amount_typed_back_is_the_same_penny(pence):
    assert parse_typed_pounds(format_pence(pence).replace("-£", "-")) == pence


def test_formatting_for_people():
    assert format_pence(123456) == "£1,234.56"
    assert format_pence(-500) == "-£5.00"
    assert format_pence(7) == "£0.07"


def test_weeks_of_charge_is_two_places_half_up():
    assert weeks_of_charge(135000, 11250) == Decimal("12.00")  # docs/rules.md W3
    assert weeks_of_charge(41250, 10000) == Decimal("4.13")
    assert weeks_of_charge(5, 1000) == Decimal("0.01")  # 0.005 rounds half up
    assert weeks_of_charge(100, 0) is None


# --- rounding an exact amount to the penny ---------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(5, 2, 3), (-5, 2, -3), (4, 3, 1), (-4, 3, -1), (7, 7, 1), (0, 9, 0), (149, 100, 1),
     (150, 100, 2)],
)
def test_half_up_rounds_half_away_from_zero(numerator, denominator, expected):
    assert round_half_up_pence(Fraction(numerator, denominator)) == expected


@pytest.mark.parametrize(
    ("amount", "pence"),
    [
        (Fraction(5, 2), 3),  # 2.5p: half a penny rounds up
        (Fraction(2499, 1000), 2),  # just under half rounds down
        (Fraction(-5, 2), -3),  # a credit rounds as the debit it mirrors
        (Fraction(-2499, 1000), -2),
        (Fraction(-1, 2), -1),
        (Fraction(1, 3), 0),
        (Decimal("2.5"), 3),
        (Decimal("-2.5"), -3),
        (Decimal("0.49"), 0),
        (Decimal("-0.50"), -1),
        (Decimal("41166.66666"), 41167),  # W5: £95 a week as a month
        (Fraction(45000 * 12, 52), 10385),  # W3: £450 a month as a week
        (Fraction(11250 * 52, 12), 48750),  # W3: exact, nothing to round
        (7, 7),
        (-7, -7),
        (0, 0),
    ],
)
def test_round_half_up_pence_at_the_half_penny(amount, pence):
    assert round_half_up_pence(amount) == pence


def test_round_half_up_pence_is_exact_for_large_amounts():
    # beyond a float's 53 bits and Decimal's default 28 digits: no precision is lost
    assert round_half_up_pence(Fraction(2 * 10**30 + 1, 2)) == 10**30 + 1
    assert round_half_up_pence(Fraction(2 * 10**30 - 1, 2)) == 10**30
    assert round_half_up_pence(Decimal("123456789012345678901234567890.5")) == (
        123456789012345678901234567891
    )
    assert round_half_up_pence(Decimal("-123456789012345678901234567890.49")) == (
        -123456789012345678901234567890
    )


@given(
    st.integers(min_value=-10**12, max_value=10**12), st.integers(min_value=1, max_value=10**6)
)
def test_round_half_up_pence_is_decimals_half_up_and_symmetric(numerator, denominator):
    amount = Fraction(numerator, denominator)
    as_decimal = (Decimal(numerator) / Decimal(denominator)).to_integral_value(ROUND_HALF_UP)
    assert round_half_up_pence(amount) == int(as_decimal)
    assert round_half_up_pence(-amount) == -round_half_up_pence(amount)
    assert abs(round_half_up_pence(amount) - amount) <= Fraction(1, 2)


@pytest.mark.parametrize(
    ("amount", "error", "reason"),
    [
        (2.5, TypeError, "not an exact amount"),  # a float has already lost the half penny
        (True, TypeError, "not an exact amount"),
        ("2.5", TypeError, "not an exact amount"),
        (Decimal("NaN"), ValueError, "not a finite amount"),
        (Decimal("Infinity"), ValueError, "not a finite amount"),
        (Decimal("-Infinity"), ValueError, "not a finite amount"),
    ],
)
def test_round_half_up_pence_refuses_what_is_not_an_exact_amount(amount, error, reason):
    with pytest.raises(error, match=reason):
        round_half_up_pence(amount)
