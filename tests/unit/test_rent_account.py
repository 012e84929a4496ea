"""The rent account: balances, weeks, collectable arrears, rent-free weeks and UC timing
(docs/rules.md E1-E5, W3, W8), each rule at its boundary."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.rent_account import (
    Ledger,
    LedgerLine,
    RentTerms,
    balance_before,
    balance_on,
    daily_rate_from_monthly,
    monthly_from_weekly,
    running_balance,
    summarise_account,
    uc_pay_day_on_or_before,
    weekly_from_monthly,
)

WEEK = timedelta(days=7)
TERMS = RentTerms(weekly_rent_pence=10000, weekly_service_charge_pence=0, rent_weeks=52)


def rent(day: date, pence: int = 10000) -> LedgerLine:
    return LedgerLine(day, "RENT", pence)


def paid(day: date, pence: int, kind: str = "PAYMENT") -> LedgerLine:
    return LedgerLine(day, kind, -pence)


def mondays(first: date, last: date, pence: int = 10000) -> list[LedgerLine]:
    lines = []
    day = first
    while day <= last:
        lines.append(rent(day, pence))
        day += WEEK
    return lines


# --- W3: conversions and weeks ---------------------------------------------------------------


def test_w3_conversions():
    assert monthly_from_weekly(11250) == 48750
    assert RentTerms(11250, 0, 52).monthly_equivalent_pence == 48750
    assert monthly_from_weekly(10000, 48) == 40000
    assert RentTerms(10000, 0, 48).monthly_equivalent_pence == 40000
    assert weekly_from_monthly(45000) == 10385


def test_w3_weeks_in_arrears_is_balance_over_the_current_weekly_debit():
    terms = RentTerms(weekly_rent_pence=11250, weekly_service_charge_pence=0, rent_weeks=52)
    lines = [LedgerLine(date(2026, 1, 5), "ADJUSTMENT", 135000)]
    summary = summarise_account(lines, terms, date(2026, 1, 10))
    assert summary.weeks_in_arrears == Decimal("12.00")


def test_weekly_charge_is_rent_plus_service_charge():
    terms = RentTerms(weekly_rent_pence=9000, weekly_service_charge_pence=1000, rent_weeks=52)
    assert terms.weekly_charge_pence == 10000
    summary = summarise_account([LedgerLine(date(2026, 1, 5), "ADJUSTMENT", 25000)], terms,
                                date(2026, 1, 10))
    assert summary.weeks_in_arrears == Decimal("2.50")


def test_w11_daily_rates():
    assert RentTerms(10000).daily_rate_pence == 1429
    assert daily_rate_from_monthly(45000) == 1479


def test_weeks_are_zero_in_credit_and_with_no_charge():
    in_credit = summarise_account([paid(date(2026, 1, 5), 500)], TERMS, date(2026, 1, 6))
    assert in_credit.weeks_in_arrears == Decimal("0.00")
    assert in_credit.arrears_pence == 0
    no_charge = summarise_account([rent(date(2026, 1, 5))], RentTerms(0, 0, 52), date(2026, 1, 6))
    assert no_charge.weeks_in_arrears == Decimal("0.00")
    assert no_charge.arrears_pence == 10000


# --- balances ---------------------------------------------------------------------------------


def test_running_balance_sorts_by_date_and_keeps_same_day_order():
    lines = [
        paid(date(2026, 1, 12), 5000),
        rent(date(2026, 1, 5)),
        LedgerLine(date(2026, 1, 12), "RENT", 10000),
        LedgerLine(date(2026, 1, 12), "HB", -2000),
    ]
    rows = running_balance(lines)
    assert [line for line, _ in rows] == [lines[1], lines[0], lines[2], lines[3]]
    assert [balance for _, balance in rows] == [10000, 5000, 15000, 13000]


def test_balance_on_counts_lines_posted_on_or_before_the_day():
    lines = [rent(date(2026, 1, 5)), paid(date(2026, 1, 9), 4000), rent(date(2026, 1, 12))]
    assert balance_on(lines, date(2026, 1, 4)) == 0
    assert balance_on(lines, date(2026, 1, 8)) == 10000
    assert balance_on(lines, date(2026, 1, 9)) == 6000
    assert balance_on(lines, date(2026, 1, 12)) == 16000
    assert balance_on(Ledger(lines), date(2026, 1, 9)) == 6000


def test_lines_after_as_of_do_not_exist_yet():
    lines = [rent(date(2026, 1, 5)), rent(date(2026, 1, 12)), paid(date(2026, 1, 13), 20000)]
    summary = summarise_account(lines, TERMS, date(2026, 1, 11))
    assert summary.balance_pence == 10000
    assert summary.last_payment_on is None


def test_balance_before_a_day():
    lines = mondays(date(2026, 1, 5), date(2026, 3, 2))
    balance = balance_on(lines, date(2026, 3, 4))
    for source in (lines, Ledger(lines)):
        assert balance_before(source, date(2026, 2, 2), as_of=date(2026, 3, 4),
                              balance_on_as_of=balance) == 40000


lines_strategy = st.lists(
    st.builds(
        LedgerLine,
        st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)),
        st.sampled_from(["RENT", "SERVICE", "PAYMENT", "HB", "UC", "DHP", "ADJUSTMENT",
                         "WRITE_OFF", "REFUND", "COURT_COSTS", "RECHARGE"]),
        st.integers(min_value=-50_000, max_value=50_000),
    ),
    max_size=60,
)


@given(lines_strategy)
def test_running_balance_never_loses_a_penny(lines):
    rows = running_balance(lines)
    previous = 0
    for line, balance in rows:
        assert balance - previous == line.amount_pence
        previous = balance
    total = sum(line.amount_pence for line in lines)
    assert previous == total
    if lines:
        last_day = max(line.posted_on for line in lines)
        assert balance_on(lines, last_day) == total
        assert Ledger(lines).balance_on(last_day) == total


@settings(max_examples=60)
@given(lines_strategy, st.dates(min_value=date(2023, 12, 1), max_value=date(2027, 2, 1)),
       st.randoms(use_true_random=False))
def test_the_summary_does_not_depend_on_line_order_or_on_the_ledger_index(lines, as_of, rng):
    shuffled = list(lines)
    rng.shuffle(shuffled)
    expected = summarise_account(sorted(lines, key=lambda line: line.posted_on), TERMS, as_of)
    assert summarise_account(shuffled, TERMS, as_of) == expected
    assert summarise_account(Ledger(shuffled), TERMS, as_of) == expected
    assert expected.balance_pence == balance_on(lines, as_of)


# --- collectable arrears and this week's charge ------------------------------------------------


def test_collectable_arrears_exclude_this_weeks_charge_through_sunday():
    lines = mondays(date(2026, 3, 2), date(2026, 3, 9))
    sunday = summarise_account(lines, TERMS, date(2026, 3, 8))
    assert (sunday.balance_pence, sunday.collectable_arrears_pence) == (10000, 0)
    monday = summarise_account(lines, TERMS, date(2026, 3, 9))
    assert monday.current_week_charge_pence == 10000
    assert (monday.balance_pence, monday.collectable_arrears_pence) == (20000, 10000)


def test_collectable_arrears_never_go_below_zero():
    lines = [rent(date(2026, 3, 2)), paid(date(2026, 3, 3), 15000)]
    summary = summarise_account(lines, TERMS, date(2026, 3, 4))
    assert summary.collectable_arrears_pence == 0


def test_collectable_counts_rent_and_service_charge_but_not_court_costs():
    lines = [
        rent(date(2026, 3, 2)),
        LedgerLine(date(2026, 3, 2), "SERVICE", 1500),
        LedgerLine(date(2026, 3, 3), "COURT_COSTS", 35500),
    ]
    summary = summarise_account(lines, RentTerms(10000, 1500, 52), date(2026, 3, 4))
    assert summary.current_week_charge_pence == 11500
    assert summary.collectable_arrears_pence == 35500


# --- rent-free weeks -------------------------------------------------------------------------


def forty_eight_week_year() -> list[LedgerLine]:
    """Rent every Monday from 1 Dec 2025 except the two Christmas weeks (22 and 29 Dec)."""
    return [
        line
        for line in mondays(date(2025, 12, 1), date(2026, 1, 19))
        if line.posted_on not in (date(2025, 12, 22), date(2025, 12, 29))
    ]


def test_a_week_with_no_rent_on_a_48_week_account_is_rent_free():
    terms = RentTerms(10000, 0, 48)
    lines = forty_eight_week_year()
    for day in (date(2025, 12, 22), date(2025, 12, 28), date(2026, 1, 4)):
        summary = summarise_account(lines, terms, day)
        assert summary.in_rent_free_week, day
        assert summary.current_week_charge_pence == 0
        # Nothing is charged, so the balance is all older arrears: nothing is deducted.
        assert summary.collectable_arrears_pence == summary.balance_pence == 30000


def test_the_rent_free_weeks_end_on_the_next_charged_monday():
    terms = RentTerms(10000, 0, 48)
    lines = forty_eight_week_year()
    assert not summarise_account(lines, terms, date(2025, 12, 21)).in_rent_free_week
    back = summarise_account(lines, terms, date(2026, 1, 5))
    assert not back.in_rent_free_week
    assert back.collectable_arrears_pence == 30000


def test_a_gap_on_a_52_week_account_or_a_dead_account_is_not_rent_free():
    lines = forty_eight_week_year()
    weekly_52 = summarise_account(lines, RentTerms(10000, 0, 52), date(2025, 12, 23))
    assert not weekly_52.in_rent_free_week
    dead = mondays(date(2025, 1, 6), date(2025, 6, 2))
    assert not summarise_account(dead, RentTerms(10000, 0, 48), date(2025, 9, 1)).in_rent_free_week


# --- payments and collection rates -------------------------------------------------------------


def test_last_payment_is_the_latest_tenant_or_benefit_credit_summed_over_its_day():
    lines = [
        *mondays(date(2026, 1, 5), date(2026, 3, 2)),
        paid(date(2026, 2, 20), 3000, "HB"),
        paid(date(2026, 2, 20), 5000),
        paid(date(2026, 2, 27), 1000, "WRITE_OFF"),
        LedgerLine(date(2026, 2, 28), "PAYMENT", 2000),  # a reversal is not a payment
    ]
    summary = summarise_account(lines, TERMS, date(2026, 3, 3))
    assert summary.last_payment_on == date(2026, 2, 20)
    assert summary.last_payment_pence == 8000
    assert summary.days_since_payment == 11


def test_last_payment_found_beyond_the_recent_window():
    lines = [paid(date(2024, 5, 1), 777, "DHP"), *mondays(date(2025, 1, 6), date(2026, 3, 2))]
    for source in (lines, Ledger(lines)):
        summary = summarise_account(source, TERMS, date(2026, 3, 3))
        assert (summary.last_payment_on, summary.last_payment_pence) == (date(2024, 5, 1), 777)


def test_no_payment_ever():
    summary = summarise_account(mondays(date(2026, 1, 5), date(2026, 3, 2)), TERMS,
                                date(2026, 3, 3))
    assert summary.last_payment_on is None
    assert summary.last_payment_pence is None
    assert summary.days_since_payment is None


def test_collection_windows_are_28_and_91_days_ending_on_as_of():
    as_of = date(2026, 3, 31)
    lines = [
        paid(as_of - timedelta(days=27), 100),   # inside 4 weeks
        paid(as_of - timedelta(days=28), 200),   # outside 4 weeks, inside 13
        paid(as_of - timedelta(days=90), 400),   # inside 13 weeks
        paid(as_of - timedelta(days=91), 800),   # outside
        rent(as_of - timedelta(days=27), 1000),
        rent(as_of - timedelta(days=28), 2000),
        rent(as_of - timedelta(days=90), 4000),
        rent(as_of - timedelta(days=91), 8000),
        LedgerLine(as_of - timedelta(days=3), "RECHARGE", 9999),  # not rent
        LedgerLine(as_of - timedelta(days=2), "REFUND", 5000),    # not a payment
    ]
    summary = summarise_account(lines, TERMS, as_of)
    assert (summary.paid_4w_pence, summary.charged_4w_pence) == (100, 1000)
    assert (summary.paid_13w_pence, summary.charged_13w_pence) == (700, 7000)
    assert summary.collection_rate_4w_pct == Decimal("10.0")
    assert summary.collection_rate_13w_pct == Decimal("10.0")


def test_collection_rate_is_none_when_nothing_was_charged():
    summary = summarise_account([paid(date(2026, 3, 2), 500)], TERMS, date(2026, 3, 3))
    assert summary.collection_rate_4w_pct is None
    assert summary.collection_rate_13w_pct is None


# --- the arrears episode -----------------------------------------------------------------------


def test_in_arrears_since_the_first_day_after_the_last_clear_day():
    lines = [
        rent(date(2026, 1, 5)),
        paid(date(2026, 1, 9), 10000),      # clear at the end of 9 Jan
        rent(date(2026, 1, 12)),
        paid(date(2026, 1, 19), 10000),     # paid, then charged the same day: not clear
        rent(date(2026, 1, 19)),
        rent(date(2026, 1, 26)),
    ]
    for source in (lines, Ledger(lines)):
        assert summarise_account(source, TERMS, date(2026, 1, 27)).in_arrears_since == date(
            2026, 1, 12
        )
        assert summarise_account(source, TERMS, date(2026, 1, 9)).in_arrears_since is None
        assert summarise_account(source, TERMS, date(2026, 1, 8)).in_arrears_since == date(
            2026, 1, 5
        )


def test_never_clear_means_in_arrears_since_the_first_line():
    lines = mondays(date(2021, 4, 5), date(2026, 3, 2))
    for source in (lines, Ledger(lines)):
        assert summarise_account(source, TERMS, date(2026, 3, 3)).in_arrears_since == date(
            2021, 4, 5
        )


# --- Universal Credit timing (E5, W8) ----------------------------------------------------------


def w8_lines(balance_pence: int) -> list[LedgerLine]:
    """RENT £100 every Monday; the balance at 17 Mar 2026 made up by an opening adjustment."""
    debits = mondays(date(2026, 1, 5), date(2026, 3, 16))
    opening = balance_pence - sum(line.amount_pence for line in debits)
    return [LedgerLine(date(2026, 1, 1), "ADJUSTMENT", opening), *debits]


@pytest.mark.parametrize(
    ("balance", "technical", "actual", "weeks"),
    [(40000, 40000, 0, "0.00"), (65000, 40000, 25000, "2.50"), (39999, 39999, 0, "0.00"),
     (40001, 40000, 1, "0.00")],
)
def test_w8_technical_arrears_for_a_tenant_paid_uc_on_the_18th(balance, technical, actual, weeks):
    summary = summarise_account(
        w8_lines(balance), TERMS, date(2026, 3, 17), uc_pay_day=date(2026, 2, 18)
    )
    uc = summary.uc
    assert uc is not None
    assert uc.source == "tenant"
    assert uc.last_uc_on == date(2026, 2, 18)
    assert uc.next_uc_expected == date(2026, 3, 18)
    assert uc.allowance_pence == 40000  # debits on 23 Feb, 2, 9 and 16 Mar
    assert uc.technical_arrears_pence == technical
    assert uc.actual_arrears_pence == actual
    assert uc.actual_weeks_in_arrears == Decimal(weeks)


def test_tenant_pay_day_recurs_monthly_from_any_recorded_pay_day():
    summary = summarise_account(w8_lines(40000), TERMS, date(2026, 3, 18),
                                uc_pay_day=date(2025, 11, 18))
    assert summary.uc is not None
    assert summary.uc.last_uc_on == date(2026, 3, 18)
    assert summary.uc.allowance_pence == 0


@pytest.mark.parametrize(
    ("as_of", "last", "expected"),
    [
        (date(2026, 3, 10), date(2026, 2, 28), date(2026, 3, 31)),  # not 28 Mar
        (date(2026, 3, 30), date(2026, 2, 28), date(2026, 3, 31)),  # the day before
        (date(2026, 3, 31), date(2026, 3, 31), date(2026, 4, 30)),  # the day itself
    ],
)
def test_a_pay_day_of_the_31st_is_expected_on_the_31st_after_february(as_of, last, expected):
    summary = summarise_account(w8_lines(40000), TERMS, as_of, uc_pay_day=date(2026, 1, 31))
    uc = summary.uc
    assert uc is not None
    assert (uc.last_uc_on, uc.next_uc_expected, uc.anchor) == (last, expected, date(2026, 1, 31))


@pytest.mark.parametrize(
    ("pay_day", "as_of", "expected"),
    [
        (date(2026, 1, 31), date(2026, 2, 27), date(2026, 1, 31)),
        (date(2026, 1, 31), date(2026, 2, 28), date(2026, 2, 28)),
        (date(2026, 1, 31), date(2026, 3, 30), date(2026, 2, 28)),
        (date(2026, 1, 31), date(2026, 3, 31), date(2026, 3, 31)),
        (date(2026, 6, 18), date(2026, 3, 17), date(2026, 2, 18)),  # a pay day in the future
    ],
)
def test_uc_pay_day_on_or_before_clamps_to_the_month_end(pay_day, as_of, expected):
    assert uc_pay_day_on_or_before(pay_day, as_of) == expected


def direct_uc(last_uc: date) -> list[LedgerLine]:
    return [*mondays(date(2025, 12, 1), date(2026, 4, 27)), paid(last_uc, 43333, "UC")]


def test_direct_uc_credits_give_the_pay_day():
    summary = summarise_account(direct_uc(date(2026, 2, 18)), TERMS, date(2026, 3, 17))
    uc = summary.uc
    assert uc is not None
    assert (uc.source, uc.last_uc_on, uc.next_uc_expected) == (
        "landlord", date(2026, 2, 18), date(2026, 3, 18),
    )
    assert not uc.overdue
    assert uc.allowance_pence == 40000


def test_direct_uc_next_payment_clamps_to_the_month_end():
    summary = summarise_account(direct_uc(date(2026, 1, 31)), TERMS, date(2026, 2, 10))
    assert summary.uc is not None
    assert summary.uc.next_uc_expected == date(2026, 2, 28)


def test_a_direct_uc_payment_more_than_7_days_late_is_overdue_and_excuses_nothing():
    lines = direct_uc(date(2026, 2, 18))
    on_time = summarise_account(lines, TERMS, date(2026, 3, 25)).uc
    late_summary = summarise_account(lines, TERMS, date(2026, 3, 26))
    late = late_summary.uc
    assert on_time is not None
    assert late is not None
    assert (on_time.overdue, on_time.allowance_pence) == (False, 50000)
    assert (late.overdue, late.allowance_pence) == (True, 0)
    assert late.actual_arrears_pence == late_summary.arrears_pence


def test_direct_uc_older_than_62_days_no_longer_applies():
    lines = direct_uc(date(2026, 1, 15))
    assert summarise_account(lines, TERMS, date(2026, 3, 18)).uc is not None  # 62 days
    assert summarise_account(lines, TERMS, date(2026, 3, 19)).uc is None       # 63 days


def test_no_uc_without_credits_or_a_pay_day():
    assert summarise_account(mondays(date(2026, 1, 5), date(2026, 3, 2)), TERMS,
                             date(2026, 3, 3)).uc is None


def test_the_later_of_a_direct_credit_and_the_tenant_pay_day_wins():
    summary = summarise_account(direct_uc(date(2026, 2, 18)), TERMS, date(2026, 3, 17),
                                uc_pay_day=date(2026, 1, 5))
    assert summary.uc is not None
    assert (summary.uc.source, summary.uc.last_uc_on) == ("tenant", date(2026, 3, 5))


# --- the Ledger index --------------------------------------------------------------------------


def test_ledger_sorts_and_answers_by_binary_search():
    rng = random.Random(4)
    lines = mondays(date(2025, 1, 6), date(2026, 3, 2)) + [
        paid(date(2025, 1, 6) + timedelta(days=rng.randint(0, 420)), 9000) for _ in range(40)
    ]
    rng.shuffle(lines)
    ledger = Ledger(lines)
    assert list(ledger) == sorted(lines, key=lambda line: line.posted_on)
    assert len(ledger) == len(lines)
    assert ledger[0].posted_on == date(2025, 1, 6)
    assert ledger.count_up_to(date(2025, 1, 5)) == 0
    for day in (date(2025, 3, 1), date(2025, 9, 9), date(2026, 3, 2)):
        assert ledger.balance_on(day) == balance_on(lines, day)


def test_an_empty_ledger():
    ledger = Ledger([])
    summary = summarise_account(ledger, TERMS, date(2026, 3, 3))
    assert summary.balance_pence == 0
    assert summary.in_arrears_since is None
    assert summary == summarise_account([], TERMS, date(2026, 3, 3))
