"""Managed payment (APA) and third-party deduction (TPD) checks (docs/rules.md D3, D4; W5, W6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.deductions import (
    DeductionCheck,
    DeductionRules,
    check_deductions,
    request_summary,
)
from app.domain.universal_credit import UcInputError
from app.paths import resource_path
from app.schemas.uc_rates import parse_uc_rates

RULES = parse_uc_rates(
    resource_path("uc-rates.toml").read_text(encoding="utf-8")
).deduction_rules_on(date(2026, 4, 6))


def check(**changes: Any) -> DeductionCheck:
    """W5's tenancy (£95/week over 52 weeks) and W6's single 25+ claimant in 2026/27."""
    figures: dict[str, Any] = {
        "rent_pence": 9500,
        "rent_frequency": "weekly",
        "charged_weeks": 52,
        "arrears_pence": 0,
        "months_underpaid": 0,
        "standard_allowance_pence": 42490,
        "existing_deductions_pence": 0,
        "rules": RULES,
    }
    figures.update(changes)
    return check_deductions(**figures)


# --- W5 ---------------------------------------------------------------------------------------


def test_w5_month_of_rent_and_two_months() -> None:
    result = check()
    assert result.month_of_rent_pence == 41167
    assert result.apa_threshold_pence == result.tpd_threshold_pence == 82333  # not 2 x 41167
    assert result.apa_underpayment_threshold_pence == 41167
    in_48 = check(charged_weeks=48)
    assert (in_48.month_of_rent_pence, in_48.tpd_threshold_pence) == (38000, 76000)


def test_w5_case_a_both() -> None:
    result = check(arrears_pence=83000)
    assert (result.apa_eligible, result.apa_route, result.tpd_eligible) == (
        True,
        "two_months",
        True,
    )


def test_w5_case_b_underpayment_route_only() -> None:
    result = check(arrears_pence=50000, months_underpaid=3)
    assert (result.apa_eligible, result.apa_route, result.tpd_eligible) == (
        True,
        "underpayment",
        False,
    )


def test_w5_case_c_neither() -> None:
    result = check(arrears_pence=40000)
    assert (result.apa_eligible, result.apa_route, result.tpd_eligible) == (False, None, False)
    assert not check(arrears_pence=40000, months_underpaid=12).apa_eligible


# --- boundaries: one penny, one month -----------------------------------------------------------


def test_two_months_exactly_and_a_penny_below() -> None:
    at = check(arrears_pence=82333)
    assert (at.apa_route, at.tpd_eligible) == ("two_months", True)
    below = check(arrears_pence=82332)
    assert (below.apa_eligible, below.tpd_eligible) == (False, False)


def test_two_months_in_a_48_week_year() -> None:
    assert check(charged_weeks=48, arrears_pence=76000).tpd_eligible
    assert not check(charged_weeks=48, arrears_pence=75999).tpd_eligible


def test_underpayment_route_needs_one_month_and_more_than_two_months_short() -> None:
    assert check(arrears_pence=41167, months_underpaid=3).apa_route == "underpayment"
    assert check(arrears_pence=41166, months_underpaid=3).apa_route is None
    assert check(arrears_pence=41167, months_underpaid=2).apa_route is None
    # With both routes open the stronger one is given.
    assert check(arrears_pence=82333, months_underpaid=3).apa_route == "two_months"


# --- W6: range, cap, headroom -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("allowance", "minimum", "maximum", "cap"),
    [
        (42490, 4249, 8498, 6374),  # 2026/27 single 25+
        (66697, 6670, 13339, 10005),  # 2026/27 couple
        (40014, 4001, 8003, 6002),  # 2025/26 single 25+
    ],
)
def test_w6_range_and_cap(allowance: int, minimum: int, maximum: int, cap: int) -> None:
    result = check(standard_allowance_pence=allowance)
    assert (result.tpd_min_pence, result.tpd_max_pence, result.cap_pence) == (minimum, maximum, cap)
    assert result.headroom_pence == cap
    assert not result.last_resort


def test_w6_headroom_after_an_advance_and_last_resort() -> None:
    result = check(existing_deductions_pence=4000)
    assert result.headroom_pence == 2374
    assert result.last_resort


def test_the_cap_headroom_at_its_edges() -> None:
    # 10% = £42.49 fits while the headroom is at least £42.49: existing up to £21.25.
    assert not check(existing_deductions_pence=2125).last_resort
    assert check(existing_deductions_pence=2125).headroom_pence == 4249
    assert check(existing_deductions_pence=2126).last_resort
    assert check(existing_deductions_pence=6374).headroom_pence == 0
    assert check(existing_deductions_pence=9999).headroom_pence == 0


def test_other_rules_are_data() -> None:
    old_cap = DeductionRules(
        effective_from=date(2024, 4, 1),
        source="test",
        cap_rate=Decimal("0.25"),
        tpd_min_rate=Decimal("0.10"),
        tpd_max_rate=Decimal("0.20"),
        tpd_arrears_months=2,
        apa_arrears_months=2,
        apa_underpayment_arrears_months=1,
        apa_underpaid_more_than_months=2,
    )
    result = check(rules=old_cap, existing_deductions_pence=4000)
    assert (result.cap_pence, result.headroom_pence, result.last_resort) == (10623, 6623, False)


# --- bad figures --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"rent_pence": 0}, "rent_pence", "must be > 0"),
        ({"rent_pence": -100}, "rent_pence", "must be > 0"),
        ({"rent_frequency": "daily"}, "rent_frequency", "is not one of"),
        ({"charged_weeks": 53}, "charged_weeks", "must be 52 or fewer"),
        ({"arrears_pence": -1}, "arrears_pence", "must be 0 or more"),
        ({"months_underpaid": -1}, "months_underpaid", "must be 0 or more"),
        ({"existing_deductions_pence": 1.5}, "existing_deductions_pence", "whole number"),
        ({"standard_allowance_pence": 0}, "standard_allowance_pence", "must be > 0"),
    ],
)
def test_bad_figures_name_the_field(changes: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(UcInputError) as caught:
        check(**changes)
    assert caught.value.field == field
    assert message in str(caught.value)


# --- the request text ---------------------------------------------------------------------------


def test_the_request_text_for_w5_case_a_with_an_advance() -> None:
    text = request_summary(
        check(arrears_pence=83000, existing_deductions_pence=4000),
        as_of=date(2026, 3, 17),
        tenancy_ref="TEN-0042",
    )
    assert "Tenancy reference: TEN-0042" in text
    assert "Rent: £95.00 a week over 52 charged weeks = £411.67 a month" in text
    assert "Rent arrears: £830.00 on 17 Mar 2026." in text
    assert "Managed payment to landlord (APA): requested." in text
    assert "at least 2 months' rent (£823.33)" in text
    assert "Range £42.49 to £84.98 a month (10% to 20% of the standard allowance £424.90)" in text
    assert "15% of the standard allowance = £63.74 a month" in text
    assert "headroom £23.74" in text
    assert "last-resort deduction, at the DWP's discretion" in text
    assert "confirm before sending" in text


def test_the_request_text_for_the_underpayment_route_and_for_neither() -> None:
    route_b = request_summary(check(arrears_pence=50000, months_underpaid=3))
    assert "at least 1 month's rent (£411.67) and the tenant has underpaid for 3 months" in route_b
    assert "third-party deduction): not eligible" in route_b
    neither = request_summary(check(arrears_pence=40000))
    assert "Managed payment to landlord (APA): not eligible" in neither
    assert "confirm before sending" not in neither


def test_the_request_text_holds_no_personal_data_unless_given() -> None:
    bare = request_summary(check(arrears_pence=83000))
    for label in ("Tenant:", "Property:", "Landlord:", "Tenancy reference:"):
        assert label not in bare
    named = request_summary(
        check(arrears_pence=83000),
        tenant_name="A. Tenant",
        property_address="1 High Street",
        landlord="Example Council",
    )
    assert "Tenant: A. Tenant" in named
    assert "Property: 1 High Street" in named
    assert "Landlord: Example Council" in named


def test_monthly_rent_is_described_without_weeks() -> None:
    text = request_summary(check(rent_pence=45000, rent_frequency="monthly"))
    assert "Rent: £450.00 a month (the UC housing-costs basis)." in text
    quarterly = request_summary(check(rent_pence=135000, rent_frequency="quarterly"))
    assert "Rent: £1,350.00 a quarter = £450.00 a month (the UC housing-costs basis)." in quarterly


# --- properties ---------------------------------------------------------------------------------


@given(
    rent=st.integers(1, 100_000),
    weeks=st.sampled_from([48, 50, 52]),
    arrears=st.integers(0, 2_000_000),
    underpaid=st.integers(0, 24),
    allowance=st.integers(1, 200_000),
    existing=st.integers(0, 200_000),
)
def test_the_checks_hang_together(
    rent: int, weeks: int, arrears: int, underpaid: int, allowance: int, existing: int
) -> None:
    result = check(
        rent_pence=rent,
        charged_weeks=weeks,
        arrears_pence=arrears,
        months_underpaid=underpaid,
        standard_allowance_pence=allowance,
        existing_deductions_pence=existing,
    )
    assert result.tpd_min_pence <= result.cap_pence <= result.tpd_max_pence
    assert result.headroom_pence == max(0, result.cap_pence - existing)
    assert result.last_resort == (result.tpd_min_pence > result.headroom_pence)
    # Same two-month threshold: a TPD is never possible without a managed payment.
    assert not result.tpd_eligible or result.apa_route == "two_months"
    assert result.apa_eligible == (result.apa_route is not None)
    more = check(
        rent_pence=rent,
        charged_weeks=weeks,
        arrears_pence=arrears + 1,
        months_underpaid=underpaid,
        standard_allowance_pence=allowance,
        existing_deductions_pence=existing,
    )
    assert more.apa_eligible >= result.apa_eligible
    assert more.tpd_eligible >= result.tpd_eligible
