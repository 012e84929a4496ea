"""Reading the UC rates file (app.schemas.uc_rates): the agreed spellings of a date and an
amount, and every way the file can be wrong, each refusal naming the key as written in the file
(and the file, through the service that loads it)."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from app.paths import resource_path
from app.schemas.uc_rates import UcRatesError, parse_uc_rates
from app.services.uc_rates import UcRatesFileError, load_uc_rates

RATES_TEXT = resource_path("uc-rates.toml").read_text(encoding="utf-8")


# --- rates file errors name the key -----------------------------------------------------------


def _edit(old: str, new: str, count: int = 1) -> str:
    """The shipped text with ``old`` replaced in its data (the comments at the top untouched)."""
    head, marker, body = RATES_TEXT.partition("\nschema = 1\n")
    assert old in marker + body, old
    return head + (marker + body).replace(old, new, count)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("schema = ", "UC rates: not valid TOML"),
        (_edit("schema = 1", "schema = 2"), "schema: must be 1"),
        (_edit("\nschema = 1\n", "\n"), "schema: missing"),
        (_edit("schema = 1", "schema = 1\nrates = 3"), "rates: unknown key"),
        (_edit('child = "303.94"\n', ""), 'years."2026/27".elements.child: missing'),
        (
            _edit('child = "303.94"', 'child = "303.94"\nchildren = "1.00"'),
            'years."2026/27".elements.children: unknown key',
        ),
        (
            _edit('single_25_plus = "424.90"', "single_25_plus = 424.90"),
            'years."2026/27".standard_allowance.single_25_plus: write pounds as a string such as',
        ),
        (
            _edit('single_25_plus = "424.90"', 'single_25_plus = "424.905"'),
            "years.\"2026/27\".standard_allowance.single_25_plus: '424.905' has more than two",
        ),
        (
            _edit('with_housing = "427.00"', 'with_housing = "-427.00"'),
            'years."2026/27".work_allowance.with_housing: must not be negative',
        ),
        (
            _edit('taper = "0.55"', "taper = 0.55"),
            'years."2025/26".taper: write a rate as a string',
        ),
        (_edit('taper = "0.55"', 'taper = "55"'), 'years."2025/26".taper: must be between 0 and 1'),
        (
            _edit('taper = "0.55"', 'taper = "half"'),
            "years.\"2025/26\".taper: 'half' is not a number",
        ),
        (
            _edit('under_occupancy_one_bedroom = "0.14"', 'under_occupancy_one_bedroom = "-0.14"'),
            'years."2025/26".housing.under_occupancy_one_bedroom: must be between 0 and 1',
        ),
        (
            _edit("child_limit = 2 ", 'child_limit = "two" '),
            'years."2025/26".child_limit: must be a whole number >= 1 or "none"',
        ),
        (
            _edit("child_limit = 2 ", "child_limit = 0 "),
            'years."2025/26".child_limit: must be a whole number >= 1 or "none"',
        ),
        (
            _edit('[years."2026/27"]', '[years."2026/28"]'),
            'years."2026/28": a benefit year is written "2026/27"',
        ),
        (
            _edit("effective_from = 2026-04-06", "effective_from = 2025-04-06"),
            'years."2026/27".effective_from: 2025-04-06 is not in 2026',
        ),
        (
            _edit("effective_from = 2026-04-06", 'effective_from = "2026-04-06"'),
            'years."2026/27".effective_from: must be a date',
        ),
        (
            _edit('upper_limit = "16000.00"', 'upper_limit = "6000.00"'),
            'years."2025/26".capital.upper_limit: must be above lower_limit',
        ),
        (
            _edit('tariff_step = "250.00"', 'tariff_step = "0.00"'),
            'years."2025/26".capital.tariff_step: must be above 0.00',
        ),
        (_edit('source = "gov.uk Benefit', 'source = "" #'), 'years."2025/26".source: must be'),
        (_edit('cap = "0.15"', 'cap = "1.5"'), "deductions[0].cap: must be between 0 and 1"),
        (_edit("tpd_arrears_months = 2\n", ""), "deductions[0].tpd_arrears_months: missing"),
        (
            _edit("tpd_arrears_months = 2", "tpd_arrears_months = -1"),
            "deductions[0].tpd_arrears_months: must be a whole number of months",
        ),
        (_edit('tpd_max = "0.20"', 'tpd_max = "0.05"'), "deductions[0].tpd_max: must not be below"),
        (
            _edit('cap = "0.15"', 'cap = "0.15"\nfloor = "0.01"'),
            "deductions[0].floor: unknown key",
        ),
        (RATES_TEXT[: RATES_TEXT.rindex("[[deductions]]")], "deductions: missing"),
        (
            RATES_TEXT + RATES_TEXT[RATES_TEXT.rindex("[[deductions]]") :],
            "deductions: two versions take effect on 2025-04-30",
        ),
    ],
)
def test_a_rates_error_names_the_key(text: str, message: str) -> None:
    with pytest.raises(UcRatesError) as caught:
        parse_uc_rates(text)
    assert str(caught.value).startswith(message)


# --- the agreed spellings ------------------------------------------------------------------------


def test_money_is_pounds_as_a_string_and_a_date_is_a_toml_date() -> None:
    data = tomllib.loads(RATES_TEXT)
    table = parse_uc_rates(RATES_TEXT)
    assert data["years"]["2026/27"]["elements"]["carer"] == "209.34"
    assert table.year("2026/27").carer_pence == 20934
    assert data["years"]["2026/27"]["effective_from"] == date(2026, 4, 6)
    assert table.year("2026/27").effective_from == date(2026, 4, 6)


def _refused(tmp_path: Path, text: str) -> tuple[Path, str]:
    path = tmp_path / "uc-rates.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UcRatesFileError) as caught:
        load_uc_rates(path=path)
    return path, str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'carer = "209.34"',
            'carer = "209.34"\ncarers = "1.00"',
            'years."2026/27".elements.carers: unknown key (expected one of carer, child, '
            "child_first_born_before_2017, lcwra)",
        ),
        (
            'carer = "209.34"',
            "carer = 209.34",
            'years."2026/27".elements.carer: write pounds as a string such as "250.00", got the '
            "number 209.34 (a TOML number with a point is a float: not exact money)",
        ),
        (
            'carer = "209.34"',
            "carer = 20934",
            'years."2026/27".elements.carer: write pounds as a string such as "250.00", got the '
            "number 20934 (pounds or pence?)",
        ),
        (
            "effective_from = 2026-04-06",
            'effective_from = "2026-04-06"',
            'years."2026/27".effective_from: must be a date such as 2026-04-06 (unquoted), got '
            "'2026-04-06'",
        ),
        (
            "effective_from = 2025-04-30",
            "effective_from = 2025-04-30T00:00:00Z",
            "deductions[0].effective_from: must be a date without a time, got "
            "2025-04-30T00:00:00+00:00",
        ),
    ],
)
def test_a_bad_file_is_refused_naming_the_file_and_the_key(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path, refusal = _refused(tmp_path, _edit(old, new))
    assert refusal.startswith(f"The UC rates {path} cannot be used: ")
    assert message in refusal


def test_every_problem_is_listed() -> None:
    text = _edit('carer = "209.34"', "carer = 209.34").replace('cap = "0.15"', 'cap = "1.5"')
    with pytest.raises(UcRatesError) as caught:
        parse_uc_rates(text)
    assert [p.split(":")[0] for p in caught.value.problems] == [
        'years."2026/27".elements.carer',
        "deductions[0].cap",
    ]
