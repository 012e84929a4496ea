"""Spending guidelines (docs/rules.md A6, A7, W2) with W2's FICTIONAL table, never SFS figures."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.guidelines import (
    CATEGORIES,
    NO_TABLE,
    GuidelineError,
    GuidelineRow,
    GuidelineSet,
    check_guidelines,
    parse_guideline_csv,
)
from app.domain.sfs import Household, Line, assess
from tests.unit.sfs_examples import W1_DATE, W2_CSV, w1_assessment

HEADER = "category,household_key,amount,effective_from\n"
W1_HOUSEHOLD = Household(adults=2, children_under_16=2)


@pytest.fixture
def w2() -> GuidelineSet:
    return parse_guideline_csv(W2_CSV.read_text(encoding="utf-8"))


def test_the_fixture_parses_into_one_dated_table(w2):
    assert len(w2.rows) == 6
    (table,) = w2.tables
    assert table.effective_from == date(2025, 4, 7)
    assert table.amounts[("food-housekeeping", "per_child")] == 11000


def test_w2_guidelines_for_w1s_household(w2):
    table = w2.in_force(W1_DATE)
    assert table is not None
    assert [table.guideline_pence(c, W1_HOUSEHOLD) for c in CATEGORIES] == [9500, 64000, 12000]


def test_w2_no_flags_for_w1(w2):
    budget = assess(w1_assessment())
    check = check_guidelines(
        totals=budget.group_totals(), household=W1_HOUSEHOLD, table=w2.in_force(W1_DATE)
    )
    assert check.flags == ()
    assert check.warnings == ()
    assert check.table_from == date(2025, 4, 7)
    assert check.guidelines == {
        "communications-leisure": 9500,
        "food-housekeeping": 64000,
        "personal": 12000,
    }


def test_w2_communications_and_leisure_at_140_is_45_above(w2):
    lines = [x for x in w1_assessment().lines if x.heading != "home-phone-internet-tv"]
    budget = assess(w1_assessment(lines=(*lines, Line("home-phone-internet-tv", 14000))))
    check = check_guidelines(
        totals=budget.group_totals(), household=W1_HOUSEHOLD, table=w2.in_force(W1_DATE)
    )
    (flag,) = check.flags
    assert flag.category == "communications-leisure"
    assert flag.label == "Communications and leisure"
    assert (flag.actual_pence, flag.guideline_pence, flag.over_pence) == (14000, 9500, 4500)
    assert flag.message == "£45.00 above guideline: comment required"


@pytest.mark.parametrize(("actual", "flagged"), [(9499, False), (9500, False), (9501, True)])
def test_a_flag_starts_one_penny_above_the_guideline(w2, actual, flagged):
    check = check_guidelines(
        totals={"communications-leisure": actual},
        household=W1_HOUSEHOLD,
        table=w2.in_force(W1_DATE),
    )
    assert bool(check.flags) is flagged
    if flagged:
        assert check.flags[0].message == "£0.01 above guideline: comment required"


def test_no_table_for_the_date_is_a_warning_never_a_silent_pass(w2):
    assert w2.in_force(date(2025, 4, 6)) is None  # the day before the table starts
    check = check_guidelines(
        totals={"communications-leisure": 10**9},
        household=W1_HOUSEHOLD,
        table=w2.in_force(date(2025, 4, 6)),
    )
    assert check.flags == ()
    assert check.warnings == (NO_TABLE,) == ("no guideline table",)
    assert check.table_from is None


def test_the_table_in_force_is_the_latest_on_or_before_the_date():
    text = HEADER + (
        "personal,base_1_adult,50,2025-04-07\n"
        "personal,base_1_adult,55,2026-04-06\n"
        "personal,base_1_adult,60,2027-04-05\n"
    )
    tables = parse_guideline_csv(text)
    one = Household()
    for day, pence in [
        (date(2025, 4, 7), 5000),
        (date(2026, 4, 5), 5000),
        (date(2026, 4, 6), 5500),  # the first Monday in April
        (date(2030, 1, 1), 6000),
    ]:
        table = tables.in_force(day)
        assert table is not None
        assert table.guideline_pence("personal", one) == pence


def test_the_household_key_scheme():
    text = HEADER + "\n".join(
        f"personal,{key},{amount},2025-04-07"
        for key, amount in [
            ("base_1_adult", "100"),
            ("base_2_adults", "150"),
            ("per_additional_adult", "40"),
            ("per_child", "20"),
            ("per_vehicle", "5"),
        ]
    )
    (table,) = parse_guideline_csv(text).tables
    cases = [
        (Household(), 10000),
        (Household(adults=2), 15000),
        (Household(adults=3), 19000),
        (Household(adults=2, other_dependants=1), 19000),
        (Household(adults=1, children_under_16=1, children_16_18=1), 14000),
        (Household(adults=1, vehicles=2), 11000),
        (Household(adults=1, non_dependants=3), 10000),  # non-dependants pay their own way
    ]
    for household, pence in cases:
        assert table.guideline_pence("personal", household) == pence, household


def test_a_missing_base_warns_and_a_missing_increment_adds_nothing(w2):
    table = w2.in_force(W1_DATE)
    single = Household(adults=1, children_under_16=1, vehicles=1)
    check = check_guidelines(totals={"personal": 10**9}, household=single, table=table)
    assert check.flags == ()
    assert len(check.warnings) == 3
    assert check.warnings[0].startswith("no guideline for communications and leisure for 1 adult")
    assert table.guideline_pence("personal", Household(adults=2, vehicles=3)) == 8000


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("personal,per_child,12.345,2025-04-07", "line 2, column amount: '12.345' has more than"),
        ("personal,per_child,£12,2025-04-07", "line 2, column amount: '£12' is not a plain"),
        ("personal,per_child,-1,2025-04-07", "line 2, column amount: '-1' is negative"),
        ("personal,per_child,1,2025-02-30", "line 2, column effective_from: '2025-02-30' is not"),
        ("leisure,per_child,1,2025-04-07", "line 2, column category: 'leisure' is not one of"),
        ("personal,per_kid,1,2025-04-07", "line 2, column household_key: 'per_kid' is not one"),
        ("personal,per_child,1", "line 2: expected 4 columns, found 3"),
        (
            "personal,per_child,1,2025-04-07\n\npersonal,per_child,2,2025-04-07",
            "line 4, column household_key: personal per_child from 2025-04-07 is already given "
            "on line 2",
        ),
    ],
)
def test_bad_csv_names_the_line_and_column(body, message):
    with pytest.raises(GuidelineError) as caught:
        parse_guideline_csv(HEADER + body + "\n")
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("cat,key,amount,from\npersonal,per_child,1,2025-04-07\n", "line 1: the header must be"),
        (HEADER, "the table has a header but no rows"),
    ],
)
def test_bad_csv_files(text, message):
    with pytest.raises(GuidelineError, match=message):
        parse_guideline_csv(text)


def test_csv_tolerates_a_byte_order_mark_blank_lines_and_spaces():
    text = "\ufeff" + HEADER + "\n personal , per_child , 20 , 2025-04-07 \n\n"
    (row,) = parse_guideline_csv(text).rows
    assert row == GuidelineRow("personal", "per_child", 2000, date(2025, 4, 7))


def test_rows_given_twice_are_refused_outside_csv_too():
    row = GuidelineRow("personal", "per_child", 2000, date(2025, 4, 7))
    with pytest.raises(GuidelineError, match="given twice"):
        GuidelineSet((row, row))
    with pytest.raises(GuidelineError, match="household_key"):
        GuidelineRow("personal", "per_cat", 1, date(2025, 4, 7))
