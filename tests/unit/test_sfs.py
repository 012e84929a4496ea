"""The SFS I&E in the domain: structure (A1, A2), conversions (A4), totals (A3), W1.

Every conversion is tested at its rounding boundary, and hypothesis checks that conversions
and totals never lose or invent a penny.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.sfs import (
    FIXED,
    FLEXIBLE,
    GROUPS,
    HEADINGS,
    INCOME,
    Assessment,
    Frequency,
    Household,
    Line,
    NonPriorityDebt,
    PriorityDebt,
    SfsError,
    assess,
    conversion_text,
    monthly_to_weekly_pence,
    parse_frequency,
    to_monthly_pence,
)
from tests.unit.sfs_examples import W1_DATE, w1_assessment

CALC_MD = Path(__file__).resolve().parents[2] / "docs" / "calc.md"
W, F, FW, M, Q, A = (
    Frequency.WEEKLY,
    Frequency.FORTNIGHTLY,
    Frequency.FOUR_WEEKLY,
    Frequency.MONTHLY,
    Frequency.QUARTERLY,
    Frequency.ANNUAL,
)


# --- structure ----------------------------------------------------------------------------------


def test_the_headings_are_the_sfs_fields_no_more_no_fewer():
    text = CALC_MD.read_text(encoding="utf-8")
    listing = text[text.index("<!-- headings:start -->") : text.index("<!-- headings:end -->")]
    listed = re.findall(r"`([^`]+)`", listing)
    assert len(listed) == len(set(listed)) == len(HEADINGS) == 88
    assert set(listed) == set(HEADINGS)
    assert sum(len(g.headings) for g in GROUPS) == len(HEADINGS)


def test_groups_and_sections_follow_the_sfs():
    assert [g.key for g in GROUPS if g.section == INCOME] == [
        "earnings",
        "benefits",
        "pensions",
        "other-income",
    ]
    assert [g.key for g in GROUPS if g.section == FLEXIBLE] == [
        "communications-leisure",
        "food-housekeeping",
        "personal",
    ]
    assert len([g for g in GROUPS if g.section == FIXED]) == 9
    assert HEADINGS["rent"].group == "home-contents"
    assert HEADINGS["groceries"].section == FLEXIBLE
    assert {g.key: g.total_key for g in GROUPS}["pensions-insurance"] == "total-pensions-insurances"
    assert [g.key for g in GROUPS if g.listed] == ["other-essential"]
    assert all(h.label and h.label[0].isupper() for h in HEADINGS.values())


# --- conversions (A4) -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pence", "frequency", "monthly"),
    [
        # W1 and W3
        (11250, W, 48750),
        (17320, FW, 18763),
        (144000, A, 12000),
        (54000, A, 4500),
        (17450, A, 1454),
        (2500, W, 10833),
        (13000, W, 56333),
        (1000, W, 4333),
        (95000, M, 95000),
        # weekly × 52/12: remainders are 0, 4/12 or 8/12 (never a half)
        (1, W, 4),  # 4.33
        (2, W, 9),  # 8.67
        (3, W, 13),  # exact
        # fortnightly × 26/12: 3p -> 6.5 rounds up; 1p -> 2.17; 5p -> 10.83
        (3, F, 7),
        (1, F, 2),
        (5, F, 11),
        (6, F, 13),
        # four-weekly × 13/12: 6p -> 6.5 up; 5p -> 5.42 down; 7p -> 7.58 up
        (6, FW, 7),
        (5, FW, 5),
        (7, FW, 8),
        (12, FW, 13),
        # quarterly ÷ 3: 1/3 down, 2/3 up
        (1, Q, 0),
        (2, Q, 1),
        (30000, Q, 10000),
        # annual ÷ 12: 6p -> 0.5 up, 5p -> 0.42 down, 18p -> 1.5 up
        (6, A, 1),
        (5, A, 0),
        (18, A, 2),
        (0, W, 0),
    ],
)
def test_each_conversion_rounds_half_up_to_the_penny(pence, frequency, monthly):
    assert to_monthly_pence(pence, frequency) == monthly


@pytest.mark.parametrize(
    ("monthly", "weekly"),
    [(19093, 4406), (45000, 10385), (0, 0), (-19093, -4406), (13, 3), (11, 3), (2, 0)],
)
def test_monthly_to_weekly_is_times_12_over_52_half_up(monthly, weekly):
    # 13p -> 3.0 exactly; 11p -> 2.54 -> 3; 2p -> 0.46 -> 0; negatives round away from zero
    assert monthly_to_weekly_pence(monthly) == weekly


def test_frequencies_parse_with_the_four_weekly_alias_and_refuse_typos():
    assert parse_frequency("four_weekly") is FW
    assert parse_frequency("four-weekly") is FW
    assert parse_frequency("annual") is A
    with pytest.raises(SfsError, match=r"'fortnigtly' is not one of 'weekly', 'fortnightly'"):
        parse_frequency("fortnigtly")


def test_conversion_text_says_how_a_line_became_monthly():
    assert conversion_text(17320, FW) == "£173.20 four-weekly × 13 / 12 = £187.63"
    assert conversion_text(95000, M) == "£950.00 monthly"
    assert conversion_text(17450, A) == "£174.50 annual ÷ 12 = £14.54"


_FACTORS = {
    W: Fraction(52, 12),
    F: Fraction(26, 12),
    FW: Fraction(13, 12),
    M: Fraction(1),
    Q: Fraction(1, 3),
    A: Fraction(1, 12),
}


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(list(Frequency)))
def test_a_conversion_is_within_half_a_penny_and_ties_go_up(pence, frequency):
    exact = pence * _FACTORS[frequency]
    got = to_monthly_pence(pence, frequency)
    assert abs(got - exact) <= Fraction(1, 2)
    if got - exact == Fraction(-1, 2):  # pragma: no cover - a tie must never round down
        pytest.fail("a half penny rounded down")


@given(st.integers(min_value=0, max_value=10**10))
def test_whole_periods_convert_without_losing_or_inventing_a_penny(n):
    assert to_monthly_pence(n * 12, A) == n
    assert to_monthly_pence(n * 3, Q) == n
    assert to_monthly_pence(n * 3, W) == n * 13
    assert to_monthly_pence(n * 6, F) == n * 13
    assert to_monthly_pence(n * 12, FW) == n * 13
    assert to_monthly_pence(n, M) == n
    assert monthly_to_weekly_pence(n * 13) == n * 3


# --- W1 -----------------------------------------------------------------------------------------


def test_w1_every_figure():
    budget = assess(w1_assessment())
    assert budget.income.pence == 195763
    assert budget.fixed.pence == 95337
    assert budget.flexible.pence == 74833
    assert budget.outgoings.pence == 170170
    assert budget.surplus.pence == 25593
    assert budget.available_for_priority.pence == 23593
    assert budget.other_priority_offers.pence == 4500
    assert budget.max_rent_offer_monthly.pence == 19093
    assert budget.max_rent_offer_weekly_pence == 4406
    assert not budget.shortfall
    assert budget.drivers == ()
    # no rent offer agreed yet: everything left is available for non-priority debts
    assert budget.available_for_non_priority.pence == 19093


def test_w1_with_ten_pounds_a_week_agreed_leaves_147_60_for_non_priority_debts():
    offer = to_monthly_pence(1000, W)
    assert offer == 4333
    budget = assess(w1_assessment(rent_offer_pence=offer))
    assert budget.rent_offer_monthly_pence == 4333
    assert budget.available_for_non_priority.pence == 14760
    assert budget.max_rent_offer_monthly.pence == 19093  # the offer does not change the maximum


def test_w1_group_totals_and_per_heading():
    budget = assess(w1_assessment())
    totals = budget.group_totals()
    assert totals["benefits"] == 82000 + 18763
    assert totals["home-contents"] == 48750 + 12000 + 1454
    assert totals["communications-leisure"] == 8500
    assert totals["food-housekeeping"] == 56333
    assert totals["personal"] == 10000
    assert totals["professional"] == 0
    assert len(totals) == len(GROUPS)
    assert budget.group("home-contents").heading_pence("rent") == 48750
    with pytest.raises(SfsError):
        budget.group("nonsense")


def test_each_total_explains_where_it_comes_from():
    budget = assess(w1_assessment())
    child_benefit = next(p for p in budget.income.parts if p.label == "Child Benefit")
    assert child_benefit.pence == 18763
    assert child_benefit.detail == "£173.20 four-weekly × 13 / 12 = £187.63"
    groceries = next(p for p in budget.flexible.parts if p.label.startswith("Groceries"))
    assert groceries.label == "Groceries (family of four)"
    assert [(p.label, p.pence) for p in budget.available_for_priority.parts] == [
        ("Income", 195763),
        ("Outgoings", -170170),
        ("Savings contribution", -2000),
        ("Debt admin fee", 0),
    ]
    assert [(p.label, p.pence) for p in budget.max_rent_offer_monthly.parts] == [
        ("Available for priority debts", 23593),
        ("Council tax", -3000),
        ("Energy", -1500),
    ]
    for total in (
        budget.income,
        budget.fixed,
        budget.flexible,
        budget.outgoings,
        budget.surplus,
        budget.available_for_priority,
        budget.other_priority_offers,
        budget.max_rent_offer_monthly,
        budget.available_for_non_priority,
    ):
        assert sum(p.pence for p in total.parts) == total.pence


def test_a_negative_budget_is_shown_plainly_with_what_drives_it():
    lines = (
        Line("client-salary-or-wages", 100000),
        Line("rent", 20000, W),  # £866.67
        Line("groceries", 60000),
        Line("gas", 9000),
        Line("electricity", 9000),
        Line("mobile-phone", 2000),
        Line("tv-licence", 17450, A),
    )
    budget = assess(
        Assessment(
            W1_DATE,
            Household(),
            lines,
            savings_pence=1000,
            priority_debts=(PriorityDebt("Water Co", 10000, 5000),),
        )
    )
    assert (
        budget.available_for_priority.pence == 100000 - 86667 - 60000 - 18000 - 2000 - 1454 - 1000
    )
    assert budget.max_rent_offer_monthly.pence == budget.available_for_priority.pence - 5000
    assert budget.max_rent_offer_monthly.pence < 0
    assert budget.max_rent_offer_weekly_pence == monthly_to_weekly_pence(
        budget.max_rent_offer_monthly.pence
    )
    assert budget.shortfall
    assert [(d.label, d.pence) for d in budget.drivers] == [
        ("Rent", 86667),
        ("Groceries", 60000),
        ("Gas", 9000),
        ("Electricity", 9000),
        ("Water Co", 5000),
    ]


def test_several_lines_under_one_heading_add_up_each_rounded_first():
    budget = assess(Assessment(W1_DATE, lines=(Line("groceries", 1, W), Line("groceries", 1, W))))
    # each 1p/week is 4.33p -> 4p; the heading is 8p, not round(8.67) = 9p
    assert budget.group("food-housekeeping").heading_pence("groceries") == 8
    assert budget.flexible.pence == 8


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Line("wages", 100), "'wages' is not an SFS heading"),
        (lambda: Line("rent", -1), "amount_pence must be >= 0"),
        (lambda: Line("rent", 1.5), "whole number of pence"),
        (lambda: Line("rent", True), "whole number of pence"),
        (lambda: Household(adults=0), "adults must be a whole number >= 1"),
        (lambda: Household(vehicles=-1), "vehicles"),
        (lambda: PriorityDebt("x", offer_pence=-5), "offer_pence"),
        (lambda: NonPriorityDebt("x", owed_pence=-5), "owed_pence"),
        (lambda: Assessment(W1_DATE, savings_pence=-1), "savings_pence"),
        (lambda: Assessment(W1_DATE, rent_offer_pence=-1), "rent_offer_pence"),
    ],
)
def test_impossible_input_is_refused_with_the_reason(build, message):
    with pytest.raises(SfsError, match=re.escape(message)):
        build()


def test_household_counts():
    household = Household(
        adults=2, children_under_16=2, children_16_18=1, other_dependants=1, non_dependants=1
    )
    assert household.children == 3
    assert household.people == 7


# --- properties: no penny lost or invented --------------------------------------------------------

_lines = st.lists(
    st.builds(
        Line,
        st.sampled_from(sorted(HEADINGS)),
        st.integers(min_value=0, max_value=10**9),
        st.sampled_from(list(Frequency)),
    ),
    max_size=30,
)


@given(
    _lines,
    st.integers(min_value=0, max_value=10**7),
    st.integers(min_value=0, max_value=10**7),
    st.lists(st.integers(min_value=0, max_value=10**7), max_size=4),
    st.none() | st.integers(min_value=0, max_value=10**7),
)
def test_totals_are_exactly_the_sums_of_the_rounded_lines(lines, savings, fee, offers, rent):
    budget = assess(
        Assessment(
            W1_DATE,
            Household(),
            tuple(lines),
            savings_pence=savings,
            admin_fee_pence=fee,
            priority_debts=tuple(PriorityDebt(f"c{i}", 0, o) for i, o in enumerate(offers)),
            rent_offer_pence=rent,
        )
    )
    by_section = {s: 0 for s in (INCOME, FIXED, FLEXIBLE)}
    for line in lines:
        by_section[HEADINGS[line.heading].section] += to_monthly_pence(
            line.amount_pence, line.frequency
        )
    assert budget.income.pence == by_section[INCOME]
    assert budget.fixed.pence == by_section[FIXED]
    assert budget.flexible.pence == by_section[FLEXIBLE]
    assert sum(t.pence for t in budget.groups) == sum(by_section.values())
    assert sum(c.monthly_pence for c in budget.lines) == sum(by_section.values())
    assert budget.outgoings.pence == budget.fixed.pence + budget.flexible.pence
    assert budget.surplus.pence == budget.income.pence - budget.outgoings.pence
    assert budget.available_for_priority.pence == budget.surplus.pence - savings - fee
    assert budget.max_rent_offer_monthly.pence == budget.available_for_priority.pence - sum(offers)
    assert budget.available_for_non_priority.pence == budget.max_rent_offer_monthly.pence - (
        rent or 0
    )
    assert budget.shortfall == (budget.max_rent_offer_monthly.pence < 0)
    for total in (
        budget.income,
        budget.fixed,
        budget.flexible,
        budget.outgoings,
        budget.surplus,
        budget.available_for_priority,
        budget.max_rent_offer_monthly,
        budget.available_for_non_priority,
    ):
        assert sum(p.pence for p in total.parts) == total.pence
