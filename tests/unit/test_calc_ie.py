"""``python -m app calc ie [FILE] [--format sfs]`` as an auditor runs it (docs/calc.md;
docs/rules.md W1, W2).

W1 and the SFS round trip run the real command in a subprocess; the many bad-input cases call
``app.cli.main`` in-process (the same code, without paying for a new interpreter each time).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.calc.ie import input_from_document
from app.cli import main
from app.schemas.sfs_document import validate_document
from tests.unit.sfs_examples import W1_CLIENT, W1_DATE, W2_CSV, w1_input

ROOT = Path(__file__).resolve().parents[2]


def run_cli(tmp_path: Path, data: Any, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m app calc ie`` in a subprocess, the input on stdin, in an empty folder
    (``tmp_path/cwd``; DOORSTEP_HOME is the test's own ``tmp_path/home``)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHONPATH"] = str(ROOT)
    cwd = tmp_path / "cwd"
    cwd.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "app", "calc", "ie", *args],
        cwd=cwd,
        env=env,
        input=data if isinstance(data, str) else json.dumps(data),
        capture_output=True,
        text=True,
        timeout=60,
    )


def nothing_written(tmp_path: Path) -> bool:
    """No file appeared in the working folder or the data home."""
    return not any(p.is_file() for p in tmp_path.rglob("*"))


def call(
    data: Any, *args: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    """``main(["calc", "ie", ...])`` in-process with ``data`` on standard input."""
    text = data if isinstance(data, str) else json.dumps(data)
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    code = main(["calc", "ie", *args])
    out, err = capsys.readouterr()
    return code, out, err


def guideline_rows() -> list[dict[str, Any]]:
    rows = []
    for line in W2_CSV.read_text(encoding="utf-8").splitlines()[1:]:
        category, key, amount, effective_from = line.split(",")
        rows.append(
            {
                "category": category,
                "household_key": key,
                "amount_pence": int(Decimal(amount) * 100),
                "effective_from": effective_from,
            }
        )
    return rows


# --- W1 through the command line ------------------------------------------------------------------


def test_w1_through_the_command_line(tmp_path):
    result = run_cli(tmp_path, w1_input(rent_offer={"amount_pence": 1000, "frequency": "weekly"}))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = json.loads(result.stdout)
    assert result.stdout == json.dumps(out, sort_keys=True, ensure_ascii=False) + "\n"
    assert {k: out[k] for k in out if k.endswith("_pence") and isinstance(out[k], int)} == {
        "income_pence": 195763,
        "fixed_pence": 95337,
        "flexible_pence": 74833,
        "outgoings_pence": 170170,
        "surplus_pence": 25593,
        "available_for_priority_pence": 23593,
        "other_priority_offers_pence": 4500,
        "max_rent_offer_monthly_pence": 19093,
        "max_rent_offer_weekly_pence": 4406,
        "rent_offer_monthly_pence": 4333,
        "available_for_non_priority_pence": 14760,
    }
    assert out["guideline_flags"] == [{"warning": "no guideline table"}]
    assert out["guideline_table"] is None
    assert out["shortfall"] is False
    assert out["drivers"] == []
    assert out["groups_pence"]["food-housekeeping"] == 56333
    assert out["lines"][2] == {
        "heading": "child-benefit",
        "amount_pence": 17320,
        "frequency": "four-weekly",
        "monthly_pence": 18763,
    }
    for key, parts in out["explain"].items():
        assert sum(p["pence"] for p in parts) == out[key], key
    assert out["explain"]["income_pence"][2]["detail"] == (
        "£173.20 four-weekly × 13 / 12 = £187.63"
    )
    assert nothing_written(tmp_path)


def test_w1_from_a_file_and_the_four_weekly_alias(tmp_path, monkeypatch, capsys):
    data = w1_input()
    data["lines"][2]["frequency"] = "four_weekly"
    path = tmp_path / "w1.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["calc", "ie", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["income_pence"] == 195763
    assert out["available_for_non_priority_pence"] == 19093  # no rent offer agreed
    assert out["rent_offer_monthly_pence"] == 0


# --- W2 -----------------------------------------------------------------------------------------


def test_w2_no_flags_for_w1(monkeypatch, capsys):
    code, out, _ = call(
        w1_input(guidelines=guideline_rows()), monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0
    result = json.loads(out)
    assert result["guideline_flags"] == []
    assert result["guideline_table"] == "2025-04-07"
    assert result["guidelines_pence"] == {
        "communications-leisure": 9500,
        "food-housekeeping": 64000,
        "personal": 12000,
    }


def test_w2_communications_at_140_is_flagged(monkeypatch, capsys):
    data = w1_input(guidelines_csv=W2_CSV.read_text(encoding="utf-8"))
    for line in data["lines"]:
        if line["heading"] == "home-phone-internet-tv":
            line["amount_pence"] = 14000
    code, out, _ = call(data, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0
    assert json.loads(out)["guideline_flags"] == [
        {
            "category": "communications-leisure",
            "label": "Communications and leisure",
            "actual_pence": 14000,
            "guideline_pence": 9500,
            "over_pence": 4500,
            "message": "£45.00 above guideline: comment required",
        }
    ]


def test_w2_no_table_for_the_assessment_date_warns(monkeypatch, capsys):
    data = w1_input(date="2025-04-06", guidelines=guideline_rows())
    code, out, _ = call(data, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0
    assert json.loads(out)["guideline_flags"] == [{"warning": "no guideline table"}]


def test_a_negative_budget_is_plain_with_its_drivers(monkeypatch, capsys):
    data = w1_input(savings_pence=40000)
    code, out, _ = call(data, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0
    result = json.loads(out)
    assert result["max_rent_offer_monthly_pence"] == 19093 - 38000
    assert result["max_rent_offer_weekly_pence"] == -4363  # -18907 × 12 / 52 = -4363.15
    assert result["shortfall"] is True
    assert [d["label"] for d in result["drivers"]] == [
        "Groceries",
        "Rent",
        "Savings contribution",
        "Council tax",
        "Public transport",
    ]


# --- bad input: exit 2, the field named, nothing written ---------------------------------------


def _with_line(index: int, **changes: Any) -> dict[str, Any]:
    data = w1_input()
    data["lines"][index].update(changes)
    return data


def _without(*path: str) -> dict[str, Any]:
    data = w1_input()
    node = data
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return data


def _household(**changes: Any) -> dict[str, Any]:
    data = w1_input()
    data["household"].update(changes)
    return data


BAD_INPUT = [
    (
        _with_line(2, frequency="fortnigtly"),
        "lines[2].frequency: 'fortnigtly' is not one of 'weekly', 'fortnightly', 'four-weekly'",
    ),
    (_with_line(0, heading="wages"), "lines[0].heading: 'wages' is not an SFS heading"),
    (_with_line(1, amount_pence=-1), "lines[1].amount_pence: must be 0 or more"),
    (_with_line(1, amount_pence=950.5), "lines[1].amount_pence: must be a whole number"),
    (_with_line(1, amount_pence=95000.0), "lines[1].amount_pence: must be a whole number"),
    (_with_line(1, amount_pence="95000"), "lines[1].amount_pence: must be a whole number"),
    (_with_line(1, amount_pence=True), "lines[1].amount_pence: must be a whole number"),
    (_with_line(1, colour="red"), "lines[1].colour: unknown field"),
    (_with_line(1, note=5), "lines[1].note: must be a string"),
    (_without("lines", 0, "frequency"), "lines[0].frequency: missing (required)"),
    (_without("date"), "date: missing (required)"),
    (_without("household"), "household: missing (required)"),
    (_without("household", "vehicles"), "household.vehicles: missing (required)"),
    (w1_input(date="2026-02-30"), "date: must be a date (YYYY-MM-DD)"),
    (w1_input(date="01/03/2026"), "date: must be a date (YYYY-MM-DD)"),
    (w1_input(date=20260301), "date: must be a date"),
    (w1_input(surprise=1), "surprise: unknown field"),
    (w1_input(lines={}), "lines: must be a list"),
    (w1_input(savings_pence=-200), "savings_pence: must be 0 or more"),
    (w1_input(admin_fee_pence=1.5), "admin_fee_pence: must be a whole number"),
    (w1_input(priority_offers_pence=[3000, -1]), "priority_offers_pence[1]: must be 0 or more"),
    (_household(adults=0), "household.adults: must be 1 or more"),
    (_household(adults=True), "household.adults: must be a whole number"),
    (_household(children_under_16=-1), "household.children_under_16: must be 0 or more"),
    (_household(pets=2), "household.pets: unknown field"),
    (
        w1_input(rent_offer={"amount_pence": 1000, "frequency": "daily"}),
        "rent_offer.frequency: 'daily' is not one of",
    ),
    (
        w1_input(priority_debts=[{"creditor": "Water Co", "offer_pence": -5}]),
        "priority_debts[0].offer_pence: must be 0 or more",
    ),
    (
        w1_input(non_priority_debts=[{"creditor": "Card", "ccj": "yes"}]),
        "non_priority_debts[0].ccj: must be true or false",
    ),
    (
        w1_input(guidelines=[{**guideline_rows()[0], "household_key": "per_kid"}]),
        "guidelines[0].household_key: 'per_kid' is not one of",
    ),
    (
        w1_input(guidelines=[guideline_rows()[0], guideline_rows()[0]]),
        "guidelines: food-housekeeping base_2_adults from 2025-04-07 is given twice",
    ),
    (
        w1_input(
            guidelines_csv="category,household_key,amount,effective_from\n"
            "personal,per_child,12.345,2025-04-07\n"
        ),
        "guidelines_csv: line 2, column amount: '12.345' has more than two decimal places",
    ),
    (
        w1_input(guidelines=[], guidelines_csv="x"),
        "guidelines_csv: give the table once",
    ),
    ("{not json", "not JSON: Expecting property name enclosed in double quotes (line 1, column 2)"),
    ('{"date": NaN}', "not JSON: NaN is not a number JSON allows"),
    ("[1, 2]", "the input must be a JSON object, not list"),
    ("", "not JSON: Expecting value"),
]


@pytest.mark.parametrize(("data", "message"), BAD_INPUT)
def test_bad_input_exits_2_naming_the_field(data, message, monkeypatch, capsys):
    code, out, err = call(data, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2
    assert out == ""
    assert err.startswith(f"doorstep: calc ie: {message}"), err
    assert err.count("\n") == 1


BAD_SFS = [
    (w1_input(), "client: missing (required for --format sfs)"),
    (w1_input(client={**W1_CLIENT, "tenure": "Council"}), "client.tenure: 'Council' is not one"),
    (w1_input(client={**W1_CLIENT, "employment": []}), "client.employment: needs at least 1"),
    (
        w1_input(client={**W1_CLIENT, "employment": ["Zero-hours"]}),
        "client.employment[0]: 'Zero-hours' is not one of",
    ),
    (w1_input(client={**W1_CLIENT, "date_of_birth": "1988-13-01"}), "client.date_of_birth"),
    (w1_input(client={**W1_CLIENT, "name": None}), "client.name: must be a string"),
]


@pytest.mark.parametrize(("data", "message"), BAD_SFS)
def test_bad_sfs_input_exits_2_naming_the_field(data, message, monkeypatch, capsys):
    code, out, err = call(data, "--format", "sfs", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2
    assert out == ""
    assert err.startswith(f"doorstep: calc ie: {message}"), err


def test_a_joint_application_for_one_adult_is_refused(monkeypatch, capsys):
    data = _household(adults=1)
    data["client"] = W1_CLIENT
    code, _, err = call(data, "--format", "sfs", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2
    assert err.startswith("doorstep: calc ie: client.joint: a joint application needs 2 adults")


def test_a_missing_file_exits_2(tmp_path, capsys):
    assert main(["calc", "ie", str(tmp_path / "nope.json")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_bad_input_through_a_real_process_writes_nothing(tmp_path):
    result = run_cli(tmp_path, _with_line(2, frequency="fortnigtly"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("doorstep: calc ie: lines[2].frequency: 'fortnigtly'")
    assert "Traceback" not in result.stderr
    assert nothing_written(tmp_path)


# --- --format sfs ---------------------------------------------------------------------------------


def test_sfs_export_validates_and_round_trips_through_the_command_line(tmp_path):
    data = w1_input(
        client=W1_CLIENT,
        rent_offer={
            "amount_pence": 1000,
            "frequency": "weekly",
            "owed_pence": 60000,
            "creditor": "Testshire Homes",
        },
        non_priority_debts=[{"creditor": "Catalogue Co", "owed_pence": 32000, "ccj": True}],
        notes=["Fictional test case"],
        savings_considered=True,
    )
    first = run_cli(tmp_path, data, "--format", "sfs")
    assert first.returncode == 0, first.stderr
    document = json.loads(first.stdout, parse_float=Decimal)
    assert validate_document(document) == []
    assert document["overview"]["total-available-for-priority-debts"] == Decimal("235.93")
    assert document["overview"]["total-available-for-non-priority-debts"] == Decimal("147.60")
    assert '"total-monthly-income": 1957.63' in first.stdout
    assert '"total-fixed-costs": 953.37' in first.stdout
    assert '"total-flexible-costs": 748.33' in first.stdout
    assert '"total-monthly-outgoings": 1701.70' in first.stdout
    assert document["additional-notes"] == ["Fictional test case"]

    back = input_from_document(json.loads(first.stdout), assessed_on=W1_DATE)
    second = run_cli(tmp_path, back, "--format", "sfs")
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    # and the imported input computes W1's figures again (the rent offer recognised)
    figures = run_cli(tmp_path, back)
    result = json.loads(figures.stdout)
    assert result["max_rent_offer_monthly_pence"] == 19093
    assert result["available_for_non_priority_pence"] == 14760
    assert nothing_written(tmp_path)


def test_the_sfs_format_option_works_before_or_after_the_file(tmp_path, capsys):
    path = tmp_path / "in.json"
    path.write_text(json.dumps(w1_input(client=W1_CLIENT)), encoding="utf-8")
    outputs = []
    for args in (
        ["calc", "ie", "--format", "sfs", str(path)],
        ["calc", "ie", str(path), "--format", "sfs"],
        ["calc", "--format", "sfs", "ie", str(path)],
    ):
        assert main(args) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0].startswith('{"client-address"')


def test_help_stays_free_of_qt_and_pydantic():
    code = (
        "import sys, app.cli\n"
        "try:\n    app.cli.main(['calc', '--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('PySide6', 'pydantic') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "ie" in result.stdout
    assert result.stdout.strip().endswith("[]")


def test_the_documented_input_example_runs(monkeypatch, capsys):
    example = {
        "date": "2026-03-01",
        "household": {
            "adults": 2,
            "children_under_16": 2,
            "children_16_18": 0,
            "other_dependants": 0,
            "non_dependants": 0,
            "vehicles": 0,
        },
        "lines": [
            {"heading": "client-salary-or-wages", "amount_pence": 95000, "frequency": "monthly"},
            {"heading": "rent", "amount_pence": 11250, "frequency": "weekly"},
            {
                "heading": "groceries",
                "amount_pence": 13000,
                "frequency": "weekly",
                "note": "family of four",
            },
        ],
        "savings_pence": 2000,
        "admin_fee_pence": 0,
        "priority_offers_pence": [3000, 1500],
    }
    code, out, _ = call(example, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0
    result = json.loads(out)
    assert result["income_pence"] == 95000
    assert result["outgoings_pence"] == 48750 + 56333
    assert date.fromisoformat(example["date"]) == W1_DATE
