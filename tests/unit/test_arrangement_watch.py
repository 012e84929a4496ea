"""Arrangements: due dates, the end date and the F3 breach rule (docs/rules.md F3, W4)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.arrangement_watch import (
    FREQUENCIES,
    ArrangementError,
    ArrangementTerms,
    check_arrangement,
    dates_due_by,
    due_date,
    due_dates,
    end_date,
    instalment_count,
)
from app.domain.rent_account import Ledger, LedgerLine

W4 = ArrangementTerms(
    ref="ARR-1",
    kind="informal",
    start_date=date(2026, 3, 2),
    frequency="weekly",
    instalment_pence=1000,
    starting_balance_pence=60000,
)


def w4_lines(*extra: LedgerLine) -> list[LedgerLine]:
    """£600 owed at the end of Sun 1 Mar; RENT £100 every Monday; the four W4 credits."""
    lines = [LedgerLine(date(2026, 2, 23), "ADJUSTMENT", 60000)]
    lines += [LedgerLine(date(2026, 3, 2) + timedelta(weeks=n), "RENT", 10000) for n in range(6)]
    lines += [
        LedgerLine(date(2026, 3, day), "PAYMENT", -pence)
        for day, pence in ((2, 11000), (9, 11000), (16, 6000), (23, 11000))
    ]
    return lines + list(extra)


def check(as_of: date, *, tolerance: int = 0, lines: list[LedgerLine] | None = None,
          terms: ArrangementTerms = W4):
    return check_arrangement(
        terms, w4_lines() if lines is None else lines, as_of, grace_days=5,
        tolerance_pence=tolerance,
    )


# --- W4 -----------------------------------------------------------------------------------------


def test_w4_friday_20_march_not_breached():
    state = check(date(2026, 3, 20))
    assert state.kept
    assert (state.required_pence, state.credits_pence) == (22000, 28000)
    assert state.breached_by_pence == 0
    assert state.breached_since is None


def test_w4_saturday_21_march_breached_by_50_pounds():
    state = check(date(2026, 3, 21))
    assert not state.kept
    assert (state.required_pence, state.credits_pence) == (33000, 28000)
    assert state.breached_by_pence == 5000
    assert state.breached_since == date(2026, 3, 21)
    assert state.expected_balance_pence == 57000  # the balance is £620


def test_w4_saturday_28_march_still_breached_by_50_pounds():
    state = check(date(2026, 3, 28))
    assert not state.kept
    assert state.breached_by_pence == 5000
    # The 23 Mar payment cleared the shortfall until the 23 Mar instalment fell due (F3 counts
    # a payment on the day, a charge after the grace), so the current run began on 28 Mar.
    assert state.breached_since == date(2026, 3, 28)
    assert check(date(2026, 3, 23)).kept


@pytest.mark.parametrize(("tolerance", "kept"), [(11000, True), (5000, True), (4999, False)])
def test_w4_tolerance_boundary(tolerance, kept):
    state = check(date(2026, 3, 28), tolerance=tolerance)
    assert state.kept is kept
    assert state.breached_by_pence == (0 if kept else 5000)
    assert state.shortfall_pence == 5000


def test_w4_end_date_after_60_instalments():
    assert instalment_count(W4) == 60
    assert end_date(W4) == date(2027, 4, 19)
    assert check(date(2026, 3, 20)).end_date == date(2027, 4, 19)


def test_w4_with_a_ledger_index_gives_the_same_answer():
    for day in (date(2026, 3, 20), date(2026, 3, 21), date(2026, 3, 28)):
        assert check(day, lines=Ledger(w4_lines())) == check(day)  # type: ignore[arg-type]


# --- the rule's details ------------------------------------------------------------------------


def test_grace_boundary_one_day_either_side():
    # The 16 Mar instalment (£110 with its rent) is required from 21 Mar: 5 days' grace.
    assert check(date(2026, 3, 20)).kept
    assert not check(date(2026, 3, 21)).kept
    zero_grace = check_arrangement(W4, w4_lines(), date(2026, 3, 16), grace_days=0,
                                   tolerance_pence=0)
    assert zero_grace.breached_by_pence == 5000


def test_a_refund_reduces_credits_and_a_write_off_is_not_a_payment():
    base = check(date(2026, 3, 20))
    refund = check(date(2026, 3, 20), lines=w4_lines(LedgerLine(date(2026, 3, 18), "REFUND", 7000)))
    assert refund.credits_pence == base.credits_pence - 7000
    assert not refund.kept
    write_off = check(date(2026, 3, 21),
                      lines=w4_lines(LedgerLine(date(2026, 3, 18), "WRITE_OFF", -9000)))
    assert write_off.breached_by_pence == 5000


def test_benefit_credits_count_as_payments():
    lines = w4_lines(LedgerLine(date(2026, 3, 20), "HB", -2000),
                     LedgerLine(date(2026, 3, 20), "DHP", -3000))
    assert check(date(2026, 3, 21), lines=lines).kept


def test_adjustments_count_as_charges_but_court_costs_and_recharges_do_not():
    costs = w4_lines(LedgerLine(date(2026, 3, 3), "COURT_COSTS", 50000),
                     LedgerLine(date(2026, 3, 3), "RECHARGE", 20000))
    assert check(date(2026, 3, 20), lines=costs).required_pence == 22000
    reversal = w4_lines(LedgerLine(date(2026, 3, 10), "ADJUSTMENT", -10000))
    assert check(date(2026, 3, 21), lines=reversal).kept


def test_lines_before_the_start_do_not_count():
    state = check(date(2026, 3, 6))
    assert state.required_pence == 0  # nothing is required until 2 Mar + 5 days
    assert state.credits_pence == 11000


def test_an_arrangement_not_started_yet_is_kept():
    later = ArrangementTerms("ARR-2", "informal", date(2026, 4, 6), "weekly", 1000, 60000)
    state = check(date(2026, 3, 28), terms=later)
    assert state.kept
    assert (state.required_pence, state.instalments_due) == (0, 0)
    assert state.next_due_on == date(2026, 4, 6)


def test_instalments_stop_at_the_starting_balance():
    short = ArrangementTerms("ARR-3", "informal", date(2026, 3, 2), "weekly", 4000, 10000)
    assert instalment_count(short) == 3
    assert due_dates(short, date(2026, 12, 31)) == [
        date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    state = check(date(2026, 4, 4), terms=short)
    # Rent £500 (2 Mar..30 Mar up to 30 Mar) + £100 of instalments: £40, £40, then the last £20.
    assert state.required_pence == 50000 + 10000
    assert state.instalments_due == 3
    assert state.next_due_on is None


def test_nothing_to_repay_means_only_the_rent_is_required():
    clear = ArrangementTerms("ARR-4", "informal", date(2026, 3, 2), "weekly", 1000, 0)
    assert instalment_count(clear) == 0
    assert end_date(clear) is None
    assert due_dates(clear, date(2027, 1, 1)) == []
    assert check(date(2026, 3, 21), terms=clear).required_pence == 30000


def test_next_due_on_is_today_or_later():
    assert check(date(2026, 3, 23)).next_due_on == date(2026, 3, 23)
    assert check(date(2026, 3, 24)).next_due_on == date(2026, 3, 30)


def test_cancelled_arrangements_are_not_live():
    cancelled = ArrangementTerms("ARR-5", "court_order", date(2026, 3, 2), "weekly", 1000,
                                 60000, "cancelled")
    assert not cancelled.live
    assert not check(date(2026, 3, 21), terms=cancelled).live


# --- due dates ---------------------------------------------------------------------------------


def test_monthly_due_dates_clamp_to_the_month_end_and_keep_their_day():
    monthly = ArrangementTerms("M", "informal", date(2026, 1, 31), "monthly", 1000, 100000)
    assert due_dates(monthly, date(2026, 5, 31)) == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30),
        date(2026, 5, 31),
    ]
    assert [dates_due_by(monthly, day) for day in
            (date(2026, 1, 30), date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 30))] == [
        0, 1, 2, 2]


@pytest.mark.parametrize(("frequency", "days"), [("weekly", 7), ("fortnightly", 14),
                                                 ("four_weekly", 28)])
def test_fixed_period_due_dates(frequency, days):
    terms = ArrangementTerms("F", "informal", date(2026, 3, 2), frequency, 1000, 100000)
    assert due_dates(terms, date(2026, 3, 2) + timedelta(days=2 * days)) == [
        date(2026, 3, 2) + timedelta(days=days * n) for n in range(3)]
    assert due_dates(terms, date(2026, 3, 1)) == []


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    st.sampled_from(FREQUENCIES),
    st.integers(min_value=1, max_value=5000),
    st.integers(min_value=1, max_value=300_000),
    st.integers(min_value=0, max_value=900),
)
def test_due_dates_agree_with_the_counting_arithmetic(start, frequency, instalment, owed, span):
    terms = ArrangementTerms("P", "informal", start, frequency, instalment, owed)
    until = start + timedelta(days=span)
    dates = due_dates(terms, until)
    assert len(dates) == min(instalment_count(terms), dates_due_by(terms, until))
    assert dates == [due_date(terms, n) for n in range(len(dates))]
    assert all(start <= day <= until for day in dates)
    last = end_date(terms)
    if last is not None:
        assert last == due_date(terms, instalment_count(terms) - 1)
    else:
        with pytest.raises((ValueError, OverflowError)):
            due_date(terms, instalment_count(terms) - 1)


def test_a_schedule_beyond_the_calendar_has_no_end_date_and_does_not_crash():
    pennies = ArrangementTerms("P", "informal", date(2026, 1, 5), "monthly", 1, 9_000_000)
    assert end_date(pennies) is None
    state = check_arrangement(pennies, w4_lines(), date(2026, 3, 21), grace_days=5,
                              tolerance_pence=0)
    assert state.end_date is None
    assert state.next_due_on == date(2026, 4, 5)


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"instalment_pence": 0}, "instalment_pence: must be > 0"),
        ({"instalment_pence": -5}, "instalment_pence: must be > 0"),
        ({"instalment_pence": 10.5}, "instalment_pence: must be a whole number"),
        ({"frequency": "daily"}, "frequency: 'daily' is not one of"),
        ({"kind": "verbal"}, "kind: 'verbal' is not one of"),
        ({"status": "paused"}, "status: 'paused' is not one of"),
        ({"starting_balance_pence": "600"}, "starting_balance_pence: must be a whole number"),
        ({"start_date": "2026-03-02"}, "start_date: must be a date"),
    ],
)
def test_bad_terms_are_refused_naming_the_field(changes, message):
    fields = {"ref": "X", "kind": "informal", "start_date": date(2026, 3, 2),
              "frequency": "weekly", "instalment_pence": 1000, "starting_balance_pence": 100}
    fields.update(changes)
    with pytest.raises(ArrangementError, match=message):
        ArrangementTerms(**fields)


def test_four_weekly_with_a_hyphen_is_accepted():
    terms = ArrangementTerms("X", "informal", date(2026, 3, 2), "four-weekly", 1000, 100)
    assert terms.frequency == "four_weekly"


@pytest.mark.parametrize(
    ("grace", "tolerance", "message"),
    [(-1, 0, "grace_days: must be 0 or more"), (5, -1, "tolerance_pence: must be 0 or more")],
)
def test_bad_check_settings_are_refused(grace, tolerance, message):
    with pytest.raises(ArrangementError, match=message):
        check_arrangement(W4, [], date(2026, 3, 2), grace_days=grace, tolerance_pence=tolerance)
