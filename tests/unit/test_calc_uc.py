"""``python -m app calc uc`` as a user runs it (docs/calc.md; docs/rules.md D2, D5, D6, W3, W7)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.calc_cli import helpers

OUTPUT_KEYS = {"housing_pence", "max_uc_pence", "taper_pence", "uc_pence", "estimate"}


calc, _answer, refusal = helpers("uc", OUTPUT_KEYS)


def answer(document: object) -> dict[str, Any]:
    result = _answer(document)
    assert result["estimate"] is True
    return result


def w7(**changes: Any) -> dict[str, Any]:
    """W7: single parent aged 30, one child born 2020, £120/week over 52 weeks, £1,000 earned."""
    document: dict[str, Any] = {
        "year": "2026/27",
        "claimant": "single_25_plus",
        "children": [{"born": "2020-05-01"}],
        "carer": False,
        "lcwra": False,
        "rent_pence": 12000,
        "rent_frequency": "weekly",
        "charged_weeks": 52,
        "spare_bedrooms": 0,
        "net_earnings_monthly_pence": 100000,
        "unearned_monthly_pence": 0,
        "capital_pence": 0,
    }
    document.update(changes)
    return document


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, (52000, 124884, 31515, 93369)),
        ({"year": "2025/26"}, (52000, 121295, 32395, 88900)),
        ({"spare_bedrooms": 1}, (44720, 117604, 31515, 86089)),
    ],
)
def test_w7(changes: dict[str, Any], expected: tuple[int, int, int, int]) -> None:
    result = answer(w7(**changes))
    got = (result["housing_pence"], result["max_uc_pence"], result["taper_pence"])
    assert (*got, result["uc_pence"]) == expected


def test_w3_a_48_week_rent_year() -> None:
    assert answer(w7(rent_pence=10000, charged_weeks=48))["housing_pence"] == 40000


def test_the_two_child_limit_goes_in_2026_27() -> None:
    three = [{"born": "2018-01-01"}, {"born": "2019-01-01"}, {"born": "2020-01-01"}]
    before = answer(w7(year="2025/26", children=three))
    after = answer(w7(year="2026/27", children=three))
    assert before["max_uc_pence"] == 40014 + 2 * 29281 + 52000
    assert after["max_uc_pence"] == 42490 + 3 * 30394 + 52000


def test_capital_at_and_above_the_limits() -> None:
    assert answer(w7(capital_pence=600000))["uc_pence"] == 93369
    assert answer(w7(capital_pence=600001))["uc_pence"] == 93369 - 435
    assert answer(w7(capital_pence=1600000))["uc_pence"] == 93369 - 40 * 435
    assert answer(w7(capital_pence=1600001))["uc_pence"] == 0


def test_non_dependants_are_an_optional_extra() -> None:
    assert answer(w7(non_dependants=1))["housing_pence"] == 52000 - 9655


def test_uc_never_goes_below_zero() -> None:
    result = answer(w7(net_earnings_monthly_pence=1_000_000))
    assert result["uc_pence"] == 0
    assert result["taper_pence"] == 526515  # 55% of (£10,000 - £427)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (w7(pets=1), "pets: unknown field"),
        (w7(children=[{"born": "2020-05-01", "name": "A"}]), "children[0].name: unknown field"),
        ({k: v for k, v in w7().items() if k != "claimant"}, "claimant: missing"),
        ({k: v for k, v in w7().items() if k != "capital_pence"}, "capital_pence: missing"),
        (w7(rent_pence="120.00"), "rent_pence:"),
        (w7(rent_pence=12000.5), "rent_pence:"),
        (w7(carer="no"), "carer:"),
        (w7(children={"born": "2020-05-01"}), "children:"),
        (w7(children=[{"born": "2020-02-30"}]), "children[0].born:"),
        (w7(rent_frequency="daily"), "rent_frequency: 'daily' is not one of"),
        (w7(claimant="single"), "claimant: 'single' is not one of"),
        (w7(year="2027/28"), "year: '2027/28' is not in the rates table (2025/26, 2026/27)"),
        (w7(capital_pence=-1), "capital_pence: must be 0 or more"),
        (w7(net_earnings_monthly_pence=-1), "net_earnings_monthly_pence: must be 0 or more"),
        (w7(spare_bedrooms=-1), "spare_bedrooms: must be 0 or more"),
        (w7(charged_weeks=0), "charged_weeks: must be > 0"),
        (w7(charged_weeks=53), "charged_weeks: must be 52 or fewer"),
        (w7(rent_frequency="monthly", charged_weeks=48), "charged_weeks: rent-free weeks apply"),
    ],
)
def test_bad_input_exits_2_naming_the_field(document: object, message: str) -> None:
    assert f"calc uc: {message}" in refusal(document)
