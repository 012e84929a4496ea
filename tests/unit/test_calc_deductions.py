"""``app calc deductions`` as a user runs it (docs/calc.md; docs/rules.md D3, D4, W5, W6)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.calc_cli import helpers

OUTPUT_KEYS = {
    "month_of_rent_pence",
    "apa_eligible",
    "apa_route",
    "tpd_eligible",
    "tpd_min_pence",
    "tpd_max_pence",
    "cap_pence",
    "headroom_pence",
    "last_resort",
}


calc, answer, refusal = helpers("deductions", OUTPUT_KEYS)


def w5(**changes: Any) -> dict[str, Any]:
    """W5: rent £95/week over 52 weeks; W6: single 25+ in 2026/27 (£424.90)."""
    document: dict[str, Any] = {
        "rent_pence": 9500,
        "rent_frequency": "weekly",
        "charged_weeks": 52,
        "arrears_pence": 0,
        "months_underpaid": 0,
        "standard_allowance_pence": 42490,
        "existing_deductions_pence": 0,
    }
    document.update(changes)
    return document


def test_w5_case_a() -> None:
    assert answer(w5(arrears_pence=83000)) == {
        "month_of_rent_pence": 41167,
        "apa_eligible": True,
        "apa_route": "two_months",
        "tpd_eligible": True,
        "tpd_min_pence": 4249,
        "tpd_max_pence": 8498,
        "cap_pence": 6374,
        "headroom_pence": 6374,
        "last_resort": False,
    }


def test_w5_case_b() -> None:
    result = answer(w5(arrears_pence=50000, months_underpaid=3))
    assert (result["apa_eligible"], result["apa_route"], result["tpd_eligible"]) == (
        True,
        "underpayment",
        False,
    )


def test_w5_case_c() -> None:
    result = answer(w5(arrears_pence=40000))
    assert (result["apa_eligible"], result["apa_route"], result["tpd_eligible"]) == (
        False,
        None,
        False,
    )


def test_w5_two_months_exactly_and_a_penny_below() -> None:
    assert answer(w5(arrears_pence=82333))["tpd_eligible"] is True
    below = answer(w5(arrears_pence=82332))
    assert (below["tpd_eligible"], below["apa_eligible"]) == (False, False)


def test_w5_in_a_48_week_year() -> None:
    assert answer(w5(charged_weeks=48))["month_of_rent_pence"] == 38000
    assert answer(w5(charged_weeks=48, arrears_pence=76000))["tpd_eligible"] is True
    assert answer(w5(charged_weeks=48, arrears_pence=75999))["tpd_eligible"] is False


def test_w3_month_of_rent() -> None:
    assert answer(w5(rent_pence=11250))["month_of_rent_pence"] == 48750
    assert answer(w5(rent_pence=10000, charged_weeks=48))["month_of_rent_pence"] == 40000


@pytest.mark.parametrize(
    ("allowance", "minimum", "maximum", "cap"),
    [(42490, 4249, 8498, 6374), (66697, 6670, 13339, 10005), (40014, 4001, 8003, 6002)],
)
def test_w6_range_and_cap(allowance: int, minimum: int, maximum: int, cap: int) -> None:
    result = answer(w5(standard_allowance_pence=allowance))
    assert (result["tpd_min_pence"], result["tpd_max_pence"], result["cap_pence"]) == (
        minimum,
        maximum,
        cap,
    )


def test_w6_an_advance_leaves_23_74_and_a_rent_deduction_is_last_resort() -> None:
    result = answer(w5(arrears_pence=83000, existing_deductions_pence=4000))
    assert (result["headroom_pence"], result["last_resort"]) == (2374, True)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (w5(tenant="A"), "tenant: unknown field"),
        ({k: v for k, v in w5().items() if k != "months_underpaid"}, "months_underpaid: missing"),
        (w5(arrears_pence="830.00"), "arrears_pence:"),
        (w5(arrears_pence=-1), "arrears_pence: must be 0 or more"),
        (w5(rent_pence=0), "rent_pence: must be > 0"),
        (w5(standard_allowance_pence=-42490), "standard_allowance_pence: must be > 0"),
        (w5(existing_deductions_pence=None), "existing_deductions_pence:"),
        (w5(rent_frequency="fortnigtly"), "rent_frequency: 'fortnigtly' is not one of"),
        (w5(charged_weeks=53), "charged_weeks: must be 52 or fewer"),
        (w5(months_underpaid=True), "months_underpaid:"),
    ],
)
def test_bad_input_exits_2_naming_the_field(document: object, message: str) -> None:
    assert f"calc deductions: {message}" in refusal(document)
