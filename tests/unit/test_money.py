"""Money is integer pence: HMS amounts parse exactly or are refused with the reason."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.money import (
    AmountError,
    format_pence,
    parse_pounds,
    parse_typed_pounds,
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
