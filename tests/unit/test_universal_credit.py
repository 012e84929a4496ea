"""The UC estimate and its dated rates (docs/rules.md D2, D5, D6; W3, W7): each rule at its edge."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.universal_credit import (
    CLAIMANT_TYPES,
    RENT_FREQUENCIES,
    Household,
    UcInputError,
    UcRateTable,
    UcYearRates,
    child_elements,
    estimate_uc,
    housing_costs,
    monthly_rent_exact,
    monthly_rent_pence,
    share_pence,
    tariff_income_pence,
    weekly_rent_pence,
)
from app.paths import resource_path
from app.schemas.uc_rates import parse_uc_rates
from app.services.uc_rates import UcRatesFileError, load_uc_rates

RATES_TEXT = resource_path("uc-rates.toml").read_text(encoding="utf-8")
TABLE = parse_uc_rates(RATES_TEXT)
Y2526 = TABLE.year("2025/26")
Y2627 = TABLE.year("2026/27")


def w7(**changes: Any) -> Household:
    """W7: single parent aged 30, one child born 2020, £120/week over 52 weeks, £1,000 earned."""
    base = Household(
        claimant="single_25_plus",
        children_born=(date(2020, 5, 1),),
        rent_pence=12000,
        rent_frequency="weekly",
        charged_weeks=52,
        net_earnings_monthly_pence=100000,
    )
    return dataclasses.replace(base, **changes)


def bare(**changes: Any) -> Household:
    """A single claimant 25+, no children, no rent, no income: the standard allowance alone."""
    return dataclasses.replace(Household(claimant="single_25_plus"), **changes)


# --- the shipped rates (D5) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "figures"),
    [
        (
            "2025/26",
            {
                "single_under_25": 31698,
                "single_25_plus": 40014,
                "couple_under_25": 49755,
                "couple_25_plus": 62810,
                "child": 29281,
                "first": 33900,
                "carer": 20168,
                "lcwra": 42327,
                "wa_housing": 41100,
                "wa_none": 68400,
                "non_dep": 9302,
                "limit": 2,
            },
        ),
        (
            "2026/27",
            {
                "single_under_25": 33858,
                "single_25_plus": 42490,
                "couple_under_25": 52834,
                "couple_25_plus": 66697,
                "child": 30394,
                "first": 35188,
                "carer": 20934,
                "lcwra": 21726,
                "wa_housing": 42700,
                "wa_none": 71000,
                "non_dep": 9655,
                "limit": None,
            },
        ),
    ],
)
def test_shipped_rates_are_domain_d5(year: str, figures: dict[str, int | None]) -> None:
    rates = TABLE.year(year)
    for kind in CLAIMANT_TYPES:
        assert rates.standard_allowance_pence[kind] == figures[kind]
    assert rates.child_pence == figures["child"]
    assert rates.child_first_born_before_2017_pence == figures["first"]
    assert rates.carer_pence == figures["carer"]
    assert rates.lcwra_pence == figures["lcwra"]
    assert rates.work_allowance_with_housing_pence == figures["wa_housing"]
    assert rates.work_allowance_without_housing_pence == figures["wa_none"]
    assert rates.non_dependant_deduction_pence == figures["non_dep"]
    assert rates.child_limit == figures["limit"]
    assert rates.taper_rate == Decimal("0.55")
    assert (rates.capital_lower_pence, rates.capital_upper_pence) == (600000, 1600000)
    assert (rates.tariff_step_pence, rates.tariff_per_step_pence) == (25000, 435)
    assert rates.under_occupancy_rate(0) == 0
    assert rates.under_occupancy_rate(1) == Decimal("0.14")
    assert rates.under_occupancy_rate(2) == rates.under_occupancy_rate(5) == Decimal("0.25")


def test_shipped_deduction_rules_are_domain_d3_d4() -> None:
    rules = TABLE.latest_deduction_rules
    assert rules.effective_from == date(2025, 4, 30)
    assert (rules.tpd_min_rate, rules.tpd_max_rate, rules.cap_rate) == (
        Decimal("0.10"),
        Decimal("0.20"),
        Decimal("0.15"),
    )
    assert (rules.tpd_arrears_months, rules.apa_arrears_months) == (2, 2)
    assert (rules.apa_underpayment_arrears_months, rules.apa_underpaid_more_than_months) == (1, 2)


def test_the_year_in_force_changes_on_its_effective_date() -> None:
    assert TABLE.year_on(date(2026, 4, 5)).year == "2025/26"
    assert TABLE.year_on(date(2026, 4, 6)).year == "2026/27"
    assert TABLE.year_on(date(2025, 4, 7)).year == "2025/26"
    with pytest.raises(UcInputError, match="no UC rates in force on 2025-04-06"):
        TABLE.year_on(date(2025, 4, 6))
    assert TABLE.deduction_rules_on(date(2025, 4, 30)).cap_rate == Decimal("0.15")
    with pytest.raises(UcInputError, match="no deduction rules in force on 2025-04-29"):
        TABLE.deduction_rules_on(date(2025, 4, 29))


def test_an_unknown_year_names_the_field_and_the_years_known() -> None:
    with pytest.raises(UcInputError) as caught:
        TABLE.year("2027/28")
    assert caught.value.field == "year"
    assert "'2027/28' is not in the rates table (2025/26, 2026/27)" in str(caught.value)


def test_the_loader_reads_the_shipped_file_once() -> None:
    table = load_uc_rates()
    assert isinstance(table, UcRateTable)
    assert table is load_uc_rates()
    assert table.years.keys() == TABLE.years.keys()


def test_the_loader_names_the_file_and_the_key(tmp_path: Path) -> None:
    broken = tmp_path / "uc-rates.toml"
    broken.write_text(RATES_TEXT.replace('carer = "209.34"', "carer = 209.34"), encoding="utf-8")
    with pytest.raises(UcRatesFileError) as caught:
        load_uc_rates(path=broken)
    assert str(broken) in str(caught.value)
    assert 'years."2026/27".elements.carer: write pounds as a string' in str(caught.value)
    with pytest.raises(UcRatesFileError, match="Cannot read the UC rates"):
        load_uc_rates(path=tmp_path / "missing.toml")


def test_a_new_year_is_a_data_change() -> None:
    block = RATES_TEXT[RATES_TEXT.index('[years."2026/27"]') : RATES_TEXT.rindex("[[deductions]]")]
    next_year = (
        block.replace('"2026/27"', '"2027/28"')
        .replace("effective_from = 2026-04-06", "effective_from = 2027-04-05")
        .replace('single_25_plus = "424.90"', 'single_25_plus = "440.00"')
    )
    table = parse_uc_rates(RATES_TEXT + next_year)
    assert list(table.years) == ["2025/26", "2026/27", "2027/28"]
    assert table.year_on(date(2027, 4, 5)).standard_allowance_pence["single_25_plus"] == 44000
    assert estimate_uc(w7(), table.year("2027/28")).uc_pence == 93369 + 44000 - 42490


# --- conversions (D2, A4, W3) -----------------------------------------------------------------


def test_w3_conversions() -> None:
    assert monthly_rent_pence(11250, "weekly", 52) == 48750
    assert monthly_rent_pence(10000, "weekly", 48) == 40000
    assert weekly_rent_pence(45000, "monthly") == 10385
    assert housing_costs(bare(rent_pence=10000, charged_weeks=48), Y2627).housing_pence == 40000


@pytest.mark.parametrize(
    ("rent", "frequency", "weeks", "monthly"),
    [
        (12000, "weekly", 52, 52000),
        (12000, "weekly", 50, 50000),
        (24000, "fortnightly", 52, 52000),
        (24000, "fortnightly", 48, 48000),
        (48000, "four-weekly", 52, 52000),
        (52000, "monthly", 52, 52000),
        (156000, "quarterly", 52, 52000),
        (624000, "annual", 52, 52000),
        (9500, "weekly", 52, 41167),
    ],
)
def test_rent_as_a_month(rent: int, frequency: str, weeks: int, monthly: int) -> None:
    assert monthly_rent_pence(rent, frequency, weeks) == monthly


@pytest.mark.parametrize(
    ("rent", "frequency", "weekly"),
    [(10000, "weekly", 10000), (20000, "fortnightly", 10000), (40000, "four-weekly", 10000),
     (45000, "monthly", 10385), (130000, "quarterly", 10000), (520000, "annual", 10000)],
)  # fmt: skip
def test_rent_as_a_week(rent: int, frequency: str, weekly: int) -> None:
    assert weekly_rent_pence(rent, frequency) == weekly


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        ((12000, "weekly", 53), "charged_weeks", "must be 52 or fewer"),
        ((12000, "weekly", 0), "charged_weeks", "must be > 0"),
        ((12000, "monthly", 48), "charged_weeks", "rent-free weeks apply only to weekly"),
        ((12000, "daily", 52), "rent_frequency", "'daily' is not one of weekly"),
        ((-1, "weekly", 52), "rent_pence", "must be 0 or more"),
        ((True, "weekly", 52), "rent_pence", "must be a whole number"),
    ],
)
def test_bad_rent_figures_name_the_field(
    args: tuple[object, ...], field: str, message: str
) -> None:
    with pytest.raises(UcInputError) as caught:
        monthly_rent_exact(*args)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert message in caught.value.message


# --- housing costs (D2, W7) -------------------------------------------------------------------


def test_housing_costs_w7_and_under_occupancy() -> None:
    assert housing_costs(w7(), Y2627).housing_pence == 52000
    one = housing_costs(w7(spare_bedrooms=1), Y2627)
    assert (one.monthly_rent_pence, one.under_occupancy_pence, one.housing_pence) == (
        52000,
        7280,
        44720,
    )
    assert housing_costs(w7(spare_bedrooms=2), Y2627).housing_pence == 39000
    assert housing_costs(w7(spare_bedrooms=4), Y2627).housing_pence == 39000


def test_under_occupancy_comes_off_the_unrounded_month() -> None:
    # £95/week: exact month £411.666...; x 0.86 = £354.033... -> £354.03. Rounding the month
    # first (£411.67 x 0.86 = £354.0362) would give £354.04.
    costs = housing_costs(bare(rent_pence=9500, spare_bedrooms=1), Y2627)
    assert costs.housing_pence == 35403
    assert costs.monthly_rent_pence - costs.under_occupancy_pence == costs.housing_pence


def test_non_dependant_deductions_by_year_never_below_zero() -> None:
    assert housing_costs(w7(non_dependants=1), Y2627).housing_pence == 52000 - 9655
    assert housing_costs(w7(non_dependants=2), Y2526).housing_pence == 52000 - 2 * 9302
    after_bedroom = housing_costs(w7(non_dependants=1, spare_bedrooms=1), Y2627)
    assert after_bedroom.housing_pence == 44720 - 9655
    assert housing_costs(bare(rent_pence=2000, non_dependants=1), Y2627).housing_pence == 0


# --- children ---------------------------------------------------------------------------------


def test_the_eldest_born_before_6_april_2017_gets_the_higher_amount() -> None:
    assert child_elements([date(2017, 4, 5)], Y2627) == (35188,)
    assert child_elements([date(2017, 4, 6)], Y2627) == (30394,)
    # Only the eldest: a second child born before 2017 gets the ordinary amount.
    assert child_elements([date(2016, 1, 1), date(2014, 1, 1)], Y2627) == (35188, 30394)
    assert child_elements([date(2018, 1, 1), date(2014, 1, 1)], Y2526) == (33900, 29281)


def test_the_two_child_limit_applies_in_2025_26_and_not_in_2026_27() -> None:
    three = [date(2018, 1, 1), date(2019, 1, 1), date(2020, 1, 1)]
    assert child_elements(three, Y2526) == (29281, 29281, 0)
    assert child_elements(three, Y2627) == (30394, 30394, 30394)
    assert estimate_uc(bare(children_born=tuple(three)), Y2627).child_element_pence == 3 * 30394


def test_children_born_before_6_april_2017_always_count_under_the_limit() -> None:
    born_before = [date(2012, 1, 1), date(2014, 1, 1), date(2017, 4, 5)]
    assert child_elements(born_before, Y2526) == (33900, 29281, 29281)
    third_after = [date(2012, 1, 1), date(2014, 1, 1), date(2017, 4, 6)]
    assert child_elements(third_after, Y2526) == (33900, 29281, 0)


# --- carer, LCWRA, work allowance, taper ------------------------------------------------------


def test_carer_and_lcwra() -> None:
    single_both = estimate_uc(bare(carer=True, lcwra=True), Y2627)
    assert (single_both.carer_pence, single_both.lcwra_pence) == (0, 21726)
    couple_both = estimate_uc(bare(claimant="couple_25_plus", carer=True, lcwra=True), Y2627)
    assert (couple_both.carer_pence, couple_both.lcwra_pence) == (20934, 21726)
    carer = estimate_uc(bare(carer=True), Y2526)
    assert (carer.carer_pence, carer.lcwra_pence, carer.max_uc_pence) == (20168, 0, 40014 + 20168)


@pytest.mark.parametrize(
    ("household", "allowance"),
    [
        (bare(net_earnings_monthly_pence=100000), 0),
        (bare(carer=True, net_earnings_monthly_pence=100000), 0),
        (bare(lcwra=True, net_earnings_monthly_pence=100000), 71000),
        (bare(lcwra=True, rent_pence=12000, net_earnings_monthly_pence=100000), 42700),
        (w7(), 42700),
        (w7(rent_pence=0), 71000),
        (w7(rent_pence=2000, non_dependants=1), 71000),  # housing reduced to nil
        (w7(children_born=(date(2020, 1, 1),) * 3), 42700),
    ],
)
def test_the_work_allowance(household: Household, allowance: int) -> None:
    assert estimate_uc(household, Y2627).work_allowance_pence == allowance


def test_the_taper_at_the_work_allowance_and_one_penny_above() -> None:
    assert estimate_uc(w7(net_earnings_monthly_pence=42700), Y2627).taper_pence == 0
    assert estimate_uc(w7(net_earnings_monthly_pence=42701), Y2627).taper_pence == 1  # 0.55p
    assert estimate_uc(w7(net_earnings_monthly_pence=42702), Y2627).taper_pence == 1  # 1.10p
    assert estimate_uc(w7(net_earnings_monthly_pence=42703), Y2627).taper_pence == 2  # 1.65p
    assert share_pence(42490, Decimal("0.15")) == 6374  # 6373.5 rounds half up


# --- capital ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("capital", "tariff"),
    [
        (0, 0),
        (600000, 0),
        (600001, 435),
        (625000, 435),
        (625001, 870),
        (1600000, 40 * 435),
    ],
)
def test_capital_tariff_income(capital: int, tariff: int) -> None:
    assert tariff_income_pence(capital, Y2627) == tariff
    result = estimate_uc(w7(capital_pence=capital), Y2627)
    assert result.tariff_income_pence == tariff
    assert result.uc_pence == 93369 - tariff
    assert not result.over_capital_limit


def test_capital_above_the_upper_limit_means_no_uc() -> None:
    result = estimate_uc(w7(capital_pence=1600001), Y2627)
    assert result.over_capital_limit
    assert result.uc_pence == 0
    assert result.max_uc_pence == 124884  # still shown: what the household would get


# --- the estimate (W7) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "spare", "housing", "max_uc", "taper", "uc"),
    [
        ("2026/27", 0, 52000, 124884, 31515, 93369),
        ("2025/26", 0, 52000, 121295, 32395, 88900),
        ("2026/27", 1, 44720, 117604, 31515, 86089),
    ],
)
def test_w7(year: str, spare: int, housing: int, max_uc: int, taper: int, uc: int) -> None:
    result = estimate_uc(w7(spare_bedrooms=spare), TABLE.year(year))
    assert (result.housing_pence, result.max_uc_pence, result.taper_pence, result.uc_pence) == (
        housing,
        max_uc,
        taper,
        uc,
    )
    assert result.estimate is True
    assert "childcare costs" in result.ignored
    assert "the benefit cap" in result.ignored


def test_unearned_income_comes_off_in_full_and_uc_stops_at_zero() -> None:
    assert estimate_uc(w7(unearned_monthly_pence=10000), Y2627).uc_pence == 93369 - 10000
    assert estimate_uc(w7(unearned_monthly_pence=93369), Y2627).uc_pence == 0
    assert estimate_uc(w7(unearned_monthly_pence=93370), Y2627).uc_pence == 0
    assert estimate_uc(w7(net_earnings_monthly_pence=10_000_000), Y2627).uc_pence == 0


def test_the_lines_explain_the_sum() -> None:
    result = estimate_uc(w7(unearned_monthly_pence=1000, capital_pence=700000), Y2627)
    lines = dict(result.lines())
    assert lines["Standard allowance"] == 42490
    assert lines["Child element (child 1)"] == 30394
    assert lines["Housing costs"] == 52000
    assert lines["Maximum UC"] == result.max_uc_pence
    assert lines["Earnings taper (55% above the work allowance)"] == -31515
    assert lines["Unearned income"] == -1000
    assert lines["Tariff income from capital"] == -4 * 435
    assert lines["UC (estimate)"] == result.uc_pence
    parts = [amount for label, amount in result.lines() if label not in ("Maximum UC",)]
    assert sum(parts[:-1]) == result.uc_pence


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"claimant": "single"}, "claimant", "'single' is not one of single_under_25"),
        ({"children_born": ("2020-01-01",)}, "children[0].born", "must be a date"),
        ({"carer": 1}, "carer", "must be true or false"),
        ({"lcwra": "yes"}, "lcwra", "must be true or false"),
        ({"spare_bedrooms": -1}, "spare_bedrooms", "must be 0 or more"),
        ({"non_dependants": -1}, "non_dependants", "must be 0 or more"),
        ({"net_earnings_monthly_pence": -1}, "net_earnings_monthly_pence", "must be 0 or more"),
        ({"unearned_monthly_pence": 1.5}, "unearned_monthly_pence", "must be a whole number"),
        ({"capital_pence": -1}, "capital_pence", "must be 0 or more"),
        ({"rent_frequency": "daily"}, "rent_frequency", "is not one of"),
        ({"charged_weeks": 53}, "charged_weeks", "must be 52 or fewer"),
    ],
)
def test_bad_household_figures_name_the_field(
    changes: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(UcInputError) as caught:
        w7(**changes)
    assert caught.value.field == field
    assert message in str(caught.value)


# --- properties -------------------------------------------------------------------------------

households = st.builds(
    Household,
    claimant=st.sampled_from(CLAIMANT_TYPES),
    children_born=st.lists(
        st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 12, 31)), max_size=5
    ).map(tuple),
    carer=st.booleans(),
    lcwra=st.booleans(),
    rent_pence=st.integers(0, 200_000),
    rent_frequency=st.sampled_from(RENT_FREQUENCIES),
    charged_weeks=st.just(52),
    spare_bedrooms=st.integers(0, 4),
    non_dependants=st.integers(0, 3),
    net_earnings_monthly_pence=st.integers(0, 1_000_000),
    unearned_monthly_pence=st.integers(0, 200_000),
    capital_pence=st.integers(0, 2_000_000),
)
years = st.sampled_from([Y2526, Y2627])


@given(households, years)
def test_uc_is_never_negative_nor_above_the_maximum(
    household: Household, rates: UcYearRates
) -> None:
    result = estimate_uc(household, rates)
    assert 0 <= result.uc_pence <= result.max_uc_pence
    assert result.housing_pence >= 0
    assert result.estimate


@given(households, years, st.integers(1, 500_000))
def test_more_earnings_never_increase_uc(
    household: Household, rates: UcYearRates, more: int
) -> None:
    richer = dataclasses.replace(
        household, net_earnings_monthly_pence=household.net_earnings_monthly_pence + more
    )
    assert estimate_uc(richer, rates).uc_pence <= estimate_uc(household, rates).uc_pence


@given(households, years, st.integers(1, 1_000_000))
def test_more_capital_or_unearned_income_never_increase_uc(
    household: Household,
    rates: UcYearRates,
    more: int,
) -> None:
    base = estimate_uc(household, rates).uc_pence
    more_capital = dataclasses.replace(household, capital_pence=household.capital_pence + more)
    assert estimate_uc(more_capital, rates).uc_pence <= base
    more_unearned = dataclasses.replace(
        household, unearned_monthly_pence=household.unearned_monthly_pence + more
    )
    assert estimate_uc(more_unearned, rates).uc_pence <= base


@given(households, years)
def test_a_spare_bedroom_never_increases_housing_costs(
    household: Household, rates: UcYearRates
) -> None:
    fewer = housing_costs(dataclasses.replace(household, spare_bedrooms=0), rates)
    more = housing_costs(dataclasses.replace(household, spare_bedrooms=1), rates)
    most = housing_costs(dataclasses.replace(household, spare_bedrooms=2), rates)
    assert most.housing_pence <= more.housing_pence <= fewer.housing_pence


@given(households, st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 12, 31)))
def test_another_child_never_lowers_the_maximum_in_2026_27(
    household: Household, born: date
) -> None:
    bigger = dataclasses.replace(household, children_born=(*household.children_born, born))
    assert estimate_uc(bigger, Y2627).max_uc_pence >= estimate_uc(household, Y2627).max_uc_pence


@given(st.integers(0, 1_000_000), st.sampled_from([48, 50, 52]))
def test_the_unreduced_housing_element_is_the_month_of_rent(weekly: int, weeks: int) -> None:
    costs = housing_costs(bare(rent_pence=weekly, charged_weeks=weeks), Y2627)
    assert (
        costs.housing_pence
        == costs.monthly_rent_pence
        == monthly_rent_pence(weekly, "weekly", weeks)
    )
