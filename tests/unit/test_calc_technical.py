"""``app calc technical`` as a user runs it (docs/calc.md; docs/rules.md E3, E5, W3, W8)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.unit.calc_cli import helpers

OUTPUT_KEYS = {"technical_pence", "actual_arrears_pence", "weeks_in_arrears", "escalate"}


calc, answer, refusal = helpers("technical", OUTPUT_KEYS)


def w8(balance_pence: int, **changes: Any) -> dict[str, Any]:
    """W8: UC paid to the tenant on the 18th (last on Wed 18 Feb 2026); RENT £100 each Monday;
    assessed Tue 17 Mar 2026."""
    mondays = [date(2026, 2, 2) + timedelta(weeks=n) for n in range(8)]  # 2 Feb .. 23 Mar
    document: dict[str, Any] = {
        "as_of": "2026-03-17",
        "last_uc_payment": "2026-02-18",
        "balance_pence": balance_pence,
        "rent_pence": 10000,
        "rent_frequency": "weekly",
        "debits": [{"date": day.isoformat(), "amount_pence": 10000} for day in mondays],
    }
    document.update(changes)
    return document


def test_w8_technical_only_is_not_escalated() -> None:
    assert answer(w8(40000)) == {
        "technical_pence": 40000,
        "actual_arrears_pence": 0,
        "weeks_in_arrears": "0.00",
        "escalate": False,
    }


def test_w8_actual_arrears_of_250_pounds() -> None:
    assert answer(w8(65000)) == {
        "technical_pence": 40000,
        "actual_arrears_pence": 25000,
        "weeks_in_arrears": "2.50",
        "escalate": True,
    }


def test_a_penny_of_actual_arrears_escalates() -> None:
    result = answer(w8(40001))
    assert (result["actual_arrears_pence"], result["escalate"]) == (1, True)


def test_arrears_below_the_allowance_are_all_technical() -> None:
    result = answer(w8(30000))
    assert (result["technical_pence"], result["actual_arrears_pence"]) == (30000, 0)


def test_a_credit_balance_has_no_arrears() -> None:
    assert answer(w8(-5000)) == {
        "technical_pence": 0,
        "actual_arrears_pence": 0,
        "weeks_in_arrears": "0.00",
        "escalate": False,
    }


def test_the_allowance_counts_debits_after_the_pay_day_up_to_as_of() -> None:
    # On the pay day itself nothing is excused: 16 Feb's rent is before it.
    on_pay_day = answer(w8(65000, as_of="2026-02-18"))
    assert on_pay_day["technical_pence"] == 0
    # The next pay day (18 Mar) has passed by 20 Mar: UC recurs monthly, as on the case view.
    assert answer(w8(65000, as_of="2026-03-17"))["technical_pence"] == 40000
    assert answer(w8(65000, as_of="2026-03-18"))["technical_pence"] == 0


def test_w3_weeks_in_arrears() -> None:
    weekly = answer(w8(135000, rent_pence=11250, debits=[]))
    assert weekly["weeks_in_arrears"] == "12.00"
    monthly = answer(w8(103850, rent_pence=45000, rent_frequency="monthly", debits=[]))
    assert monthly["weeks_in_arrears"] == "10.00"  # £450/month is £103.85 a week


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (w8(65000, uc_day=18), "uc_day: unknown field"),
        ({k: v for k, v in w8(65000).items() if k != "debits"}, "debits: missing"),
        (
            {k: v for k, v in w8(65000).items() if k != "last_uc_payment"},
            "last_uc_payment: missing",
        ),
        ({**w8(65000), "balance_pence": "650.00"}, "balance_pence:"),
        ({**w8(65000), "balance_pence": 650.0}, "balance_pence:"),
        (w8(65000, as_of="2026-02-29"), "as_of:"),
        (w8(65000, last_uc_payment="2026-03-18"), "last_uc_payment: 2026-03-18 is after as_of"),
        (w8(65000, rent_pence=0), "rent_pence: must be > 0"),
        (w8(65000, rent_pence=-10000), "rent_pence: must be > 0"),
        (w8(65000, rent_frequency="daily"), "rent_frequency: 'daily' is not one of"),
        (w8(65000, debits=[{"date": "2026-03-02"}]), "debits[0].amount_pence: missing"),
        (
            w8(65000, debits=[{"date": "2026-03-02", "amount_pence": -1}]),
            "debits[0].amount_pence: must be 0 or more",
        ),
    ],
)
def test_bad_input_exits_2_naming_the_field(document: object, message: str) -> None:
    assert f"calc technical: {message}" in refusal(document)
