"""``python -m app calc breach`` as a user runs it (docs/calc.md; docs/rules.md F3, W4)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.unit.calc_cli import helpers

OUTPUT_KEYS = {
    "required_pence",
    "credits_pence",
    "breached",
    "breach_pence",
    "instalments",
    "last_instalment",
}


calc, answer, refusal = helpers("breach", OUTPUT_KEYS)


def w4(as_of: str, **arrangement: Any) -> dict[str, Any]:
    """W4: £600 owed; RENT £100 each Monday from 2 Mar; rent + £10/week from 2 Mar; 5 days'
    grace, £0 tolerance; credits 2 Mar £110, 9 Mar £110, 16 Mar £60, 23 Mar £110."""
    mondays = [date(2026, 3, 2) + timedelta(weeks=n) for n in range(5)]
    terms = {
        "start": "2026-03-02",
        "frequency": "weekly",
        "instalment_pence": 1000,
        "arrears_at_start_pence": 60000,
        "grace_days": 5,
        "tolerance_pence": 0,
    }
    terms.update(arrangement)
    return {
        "as_of": as_of,
        "arrangement": terms,
        "debits": [{"date": day.isoformat(), "amount_pence": 10000} for day in mondays],
        "credits": [
            {"date": "2026-03-02", "amount_pence": 11000},
            {"date": "2026-03-09", "amount_pence": 11000},
            {"date": "2026-03-16", "amount_pence": 6000},
            {"date": "2026-03-23", "amount_pence": 11000},
        ],
    }


def test_w4_friday_20_march_is_kept() -> None:
    assert answer(w4("2026-03-20")) == {
        "required_pence": 22000,
        "credits_pence": 28000,
        "breached": False,
        "breach_pence": 0,
        "instalments": 60,
        "last_instalment": "2027-04-19",
    }


def test_w4_saturday_21_march_is_breached_by_50_pounds() -> None:
    result = answer(w4("2026-03-21"))
    assert (result["required_pence"], result["credits_pence"]) == (33000, 28000)
    assert (result["breached"], result["breach_pence"]) == (True, 5000)


def test_w4_saturday_28_march_is_still_breached_by_50_pounds() -> None:
    result = answer(w4("2026-03-28"))
    assert (result["breached"], result["breach_pence"]) == (True, 5000)


def test_w4_with_a_week_of_tolerance_is_kept() -> None:
    result = answer(w4("2026-03-28", tolerance_pence=11000))
    assert (result["breached"], result["breach_pence"]) == (False, 0)
    # A penny less tolerance than the shortfall breaches.
    assert answer(w4("2026-03-28", tolerance_pence=4999))["breach_pence"] == 5000
    assert not answer(w4("2026-03-28", tolerance_pence=5000))["breached"]


def test_the_input_may_be_a_file(tmp_path: Path) -> None:
    path = tmp_path / "w4.json"
    path.write_text(json.dumps(w4("2026-03-21")), encoding="utf-8")
    done = calc("", str(path))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["breach_pence"] == 5000


def test_four_weekly_and_monthly_arrangements() -> None:
    four_weekly = answer(w4("2026-03-21", frequency="four-weekly", instalment_pence=4000))
    assert four_weekly["instalments"] == 15
    assert (
        four_weekly["last_instalment"] == (date(2026, 3, 2) + timedelta(days=28 * 14)).isoformat()
    )
    monthly = answer(
        w4("2026-03-21", frequency="monthly", start="2026-01-31", arrears_at_start_pence=3000)
    )
    assert (monthly["instalments"], monthly["last_instalment"]) == (3, "2026-03-31")


def test_nothing_to_repay_has_no_last_instalment() -> None:
    result = answer(w4("2026-03-21", arrears_at_start_pence=0))
    assert (result["instalments"], result["last_instalment"]) == (0, None)
    assert result["required_pence"] == 30000  # the rent alone


def _without(document: dict[str, Any], *path: str) -> dict[str, Any]:
    target = document
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return document


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({**w4("2026-03-21"), "note": "x"}, "note: unknown field"),
        (
            {**w4("2026-03-21"), "arrangement": {**w4("2026-03-21")["arrangement"], "ref": "A"}},
            "arrangement.ref: unknown field",
        ),
        (_without(w4("2026-03-21"), "as_of"), "as_of: missing"),
        (
            _without(w4("2026-03-21"), "arrangement", "grace_days"),
            "arrangement.grace_days: missing",
        ),
        (_without(w4("2026-03-21"), "credits"), "credits: missing"),
        (w4("2026-03-21", instalment_pence=-1000), "arrangement.instalment_pence: must be > 0"),
        (w4("2026-03-21", instalment_pence=0), "arrangement.instalment_pence: must be > 0"),
        (w4("2026-03-21", instalment_pence="10.00"), "arrangement.instalment_pence:"),
        (w4("2026-03-21", instalment_pence=1000.0), "arrangement.instalment_pence:"),
        (w4("2026-03-21", instalment_pence=True), "arrangement.instalment_pence:"),
        (w4("2026-03-21", frequency="fortnigtly"), "arrangement.frequency: 'fortnigtly' is not"),
        (w4("2026-03-21", frequency="quarterly"), "arrangement.frequency: 'quarterly' is not"),
        (w4("2026-03-21", grace_days=-1), "arrangement.grace_days: must be 0 or more"),
        (w4("2026-03-21", tolerance_pence=-1), "arrangement.tolerance_pence: must be 0 or more"),
        (
            w4("2026-03-21", arrears_at_start_pence=-1),
            "arrangement.arrears_at_start_pence: must be 0 or more",
        ),
        (w4("2026-02-30"), "as_of:"),
        (w4("2026-03-21", start="21/03/2026"), "arrangement.start:"),
        (
            {**w4("2026-03-21"), "credits": [{"date": "2026-13-01", "amount_pence": 100}]},
            "credits[0].date:",
        ),
        (
            {**w4("2026-03-21"), "debits": [{"date": "2026-03-02", "amount_pence": -100}]},
            "debits[0].amount_pence: must be 0 or more",
        ),
        ({**w4("2026-03-21"), "debits": {"date": "2026-03-02"}}, "debits:"),
        ([w4("2026-03-21")], "the input must be a JSON object"),
        ("{not json", "not JSON"),
    ],
)
def test_bad_input_exits_2_naming_the_field(document: object, message: str) -> None:
    assert f"calc breach: {message}" in refusal(document)


def test_only_json_is_written() -> None:
    done = calc(w4("2026-03-21"), "--format", "sfs")
    assert done.returncode == 2
    assert "--format: calc breach writes json only" in done.stderr
