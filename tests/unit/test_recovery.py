"""The recovery policy and the next action: W8, W9, W12, every rule and block at its boundary.

How a policy file is read, and every way it can be wrong: tests/unit/test_policy_schema.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.arrangement_watch import ArrangementTerms
from app.domain.recovery import (
    ARREARS_BANDS,
    NONE,
    CaseAction,
    CaseFacts,
    Recommendation,
    RecoveryPolicy,
    arrears_band,
    breathing_space_state,
    recommend,
    worklist,
)
from app.domain.rent_account import Ledger, LedgerLine, RentTerms
from app.schemas.policy import parse_policy

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = parse_policy((ROOT / "resources" / "recovery-policy.toml").read_text(encoding="utf-8"))
UTTLESFORD = parse_policy(
    (Path(__file__).parent / "fixtures" / "uttlesford-policy.toml").read_text(encoding="utf-8")
)
TERMS = RentTerms(weekly_rent_pence=10000, weekly_service_charge_pence=0, rent_weeks=52)
WEEK = timedelta(days=7)


def mondays(first: date, last: date, pence: int = 10000) -> list[LedgerLine]:
    lines = []
    day = first
    while day <= last:
        lines.append(LedgerLine(day, "RENT", pence))
        day += WEEK
    return lines


def owed(day: date, pence: int) -> LedgerLine:
    """An opening balance (arrears brought forward)."""
    return LedgerLine(day, "ADJUSTMENT", pence)


def paid(day: date, pence: int, kind: str = "PAYMENT") -> LedgerLine:
    return LedgerLine(day, kind, -pence)


def act(code: str, on: date, until: date | None = None, note: str = "") -> CaseAction:
    return CaseAction(code=code, on=on, until=until, note=note)


def nosp(on: date) -> CaseAction:
    """A NOSP as recorded: until = the date specified in it, from which proceedings may start."""
    return act("nosp", on, on + timedelta(days=28))


def rec(
    lines: Sequence[LedgerLine],
    as_of: date,
    actions: Sequence[CaseAction] = (),
    arrangements: Sequence[ArrangementTerms] = (),
    *,
    policy: RecoveryPolicy = DEFAULT,
    tenure: str = "secure",
    end_date: date | None = None,
    terms: RentTerms = TERMS,
) -> Recommendation:
    facts = CaseFacts("T-1", tenure, terms, lines, tuple(actions), tuple(arrangements), end_date)
    return recommend(facts, policy, as_of)


def policy_with(stages: str, extra: str = "") -> RecoveryPolicy:
    return parse_policy(f'version = "t"\neffective_from = 2025-01-01\n{extra}\n{stages}')


# --- W12: escalation on a fixture modelled on Uttlesford ----------------------------------------

W12_LINES = mondays(date(2026, 1, 5), date(2026, 7, 27))


def walk(
    first: date,
    last: date,
    *,
    lines: Sequence[LedgerLine] = W12_LINES,
    actions: Sequence[CaseAction] = (),
    arrangements: Sequence[ArrangementTerms] = (),
    policy: RecoveryPolicy = UTTLESFORD,
) -> tuple[list[tuple[date, str]], list[CaseAction]]:
    """Each day, do what is due (as an officer following the worklist would)."""
    done: list[tuple[date, str]] = []
    recorded = list(actions)
    day = first
    while day <= last:
        result = rec(lines, day, recorded, arrangements, policy=policy)
        if result.due_now and result.escalates:
            done.append((day, result.next_action))
            code = result.next_action
            recorded.append(nosp(day) if code == "nosp" else act(code, day))
        day += timedelta(days=1)
    return done, recorded


def test_w12_escalation_dates():
    done, _ = walk(date(2026, 1, 5), date(2026, 3, 20))
    assert done == [
        (date(2026, 1, 19), "visit"),
        (date(2026, 2, 2), "nosp"),
        (date(2026, 3, 2), "court_warning"),
        (date(2026, 3, 16), "court_applied"),
    ]


@pytest.mark.parametrize(
    ("as_of", "actions", "expected"),
    [
        (date(2026, 1, 18), [], NONE),
        (date(2026, 1, 19), [], "visit"),
        (date(2026, 2, 1), [act("visit", date(2026, 1, 19))], NONE),
        (date(2026, 2, 2), [act("visit", date(2026, 1, 19))], "nosp"),
        (date(2026, 3, 1), [act("visit", date(2026, 1, 19)), nosp(date(2026, 2, 2))], NONE),
        (date(2026, 3, 2), [act("visit", date(2026, 1, 19)), nosp(date(2026, 2, 2))],
         "court_warning"),
        (date(2026, 3, 15), [act("visit", date(2026, 1, 19)), nosp(date(2026, 2, 2)),
                             act("court_warning", date(2026, 3, 2))], NONE),
        (date(2026, 3, 16), [act("visit", date(2026, 1, 19)), nosp(date(2026, 2, 2)),
                             act("court_warning", date(2026, 3, 2))], "court_applied"),
    ],
)
def test_w12_each_step_and_the_day_before(as_of, actions, expected):
    result = rec(W12_LINES, as_of, actions, policy=UTTLESFORD)
    assert result.next_action == expected
    assert result.due_now is (expected != NONE)
    assert result.escalates is (expected != NONE)


def test_w12_serve_nosp_reason_and_earliest_proceedings():
    result = rec(W12_LINES, date(2026, 2, 2), [act("visit", date(2026, 1, 19))],
                 policy=UTTLESFORD)
    assert result.stage == "visit"
    assert result.next_action_label == "Serve NOSP"
    assert result.earliest_proceedings == date(2026, 3, 2)
    assert result.reason == (
        "£400.00 overdue = 4.00 weeks' rent (balance £500.00 less this week's charge £100.00); "
        "home visit made 14 days ago; no payment on record "
        "-> serve NOSP (earliest proceedings 2 Mar 2026)"
    )


def test_w12_a_letter_counts_for_the_visit_and_letter_stage():
    result = rec(W12_LINES, date(2026, 2, 2), [act("letter_1", date(2026, 1, 19))],
                 policy=UTTLESFORD)
    assert result.stage == "visit"
    assert result.stage_label == "Arrears letter 1 sent"
    assert result.next_action == "nosp"


def w12_arrangement_lines() -> list[LedgerLine]:
    """W12's rent, then rent + £10 a week paid every Monday from 16 Feb."""
    payments = [paid(day, 11000) for day in
                (line.posted_on for line in W12_LINES if line.posted_on >= date(2026, 2, 16))]
    return W12_LINES + payments


W12_ARRANGEMENT = ArrangementTerms(
    ref="ARR-W12", kind="informal", start_date=date(2026, 2, 16), frequency="weekly",
    instalment_pence=1000, starting_balance_pence=60000, made_on=date(2026, 2, 10),
)


def test_w12_an_arrangement_made_on_10_feb_and_kept_holds_at_the_nosp_stage():
    lines = w12_arrangement_lines()
    done, _ = walk(date(2026, 1, 5), date(2026, 7, 31), lines=lines,
                   arrangements=[W12_ARRANGEMENT])
    assert done == [(date(2026, 1, 19), "visit"), (date(2026, 2, 2), "nosp")]
    actions = [act("visit", date(2026, 1, 19)), nosp(date(2026, 2, 2))]
    for day in (date(2026, 3, 2), date(2026, 3, 16)):
        result = rec(lines, day, actions, [W12_ARRANGEMENT], policy=UTTLESFORD)
        assert result.stage == "nosp"
        assert result.next_action == NONE
        assert result.has_live_arrangement
        assert result.arrangement_kept is True
        assert result.blocked_by == "Arrangement ARR-W12 being kept (£10.00 weekly off the arrears)"


def test_a_kept_arrangement_blocks_a_stage_whose_thresholds_are_met():
    # No payment until the arrangement is made on 2 Mar; its first instalment is in grace.
    arrangement = ArrangementTerms("ARR-2", "informal", date(2026, 3, 2), "weekly", 1000, 80000)
    actions = [act("visit", date(2026, 1, 19)), nosp(date(2026, 2, 2))]
    result = rec(W12_LINES, date(2026, 3, 2), actions, [arrangement], policy=UTTLESFORD)
    assert result.next_action == "court_warning"
    assert result.blocked_by is not None
    assert result.blocked_by.startswith("Arrangement ARR-2 being kept")
    assert result.due_date is None
    assert not result.escalates
    assert not result.due_now
    assert result.reason.endswith("-> send the senior officer's warning letter: blocked "
                                  "(Arrangement ARR-2 being kept (£10.00 weekly off the arrears))")


def test_despite_kept_arrangement_lets_a_stage_through():
    policy = policy_with('''
[[stages]]
code = "nosp"
label = "Serve NOSP"
kind = "notice"
min_weeks = 4
earliest_proceedings_days = 28
despite_kept_arrangement = true
''')
    arrangement = ArrangementTerms("ARR-3", "informal", date(2026, 2, 2), "weekly", 1000, 40000)
    result = rec(W12_LINES, date(2026, 2, 2), [], [arrangement], policy=policy)
    assert result.next_action == "nosp"
    assert result.blocked_by is None


W12_TO_COURT = [act("visit", date(2026, 1, 19)), nosp(date(2026, 2, 2)),
                act("court_warning", date(2026, 3, 2))]


def test_w12_a_pending_uc_claim_blocks_the_application_for_a_hearing():
    claim = act("benefit_claim_pending", date(2026, 2, 20))
    warning = rec(W12_LINES, date(2026, 3, 2), [*W12_TO_COURT[:2], claim], policy=UTTLESFORD)
    assert warning.next_action == "court_warning"
    assert warning.blocked_by is None  # a letter is not proceedings
    result = rec(W12_LINES, date(2026, 3, 16), [*W12_TO_COURT, claim], policy=UTTLESFORD)
    assert result.next_action == "court_applied"
    assert result.blocked_by == (
        "Benefit claim pending since 20 Feb 2026 "
        "(pre-action protocol: no proceedings until it is decided)"
    )
    assert not result.escalates
    assert result.due_date is None
    assert "Benefit claim pending since 20 Feb 2026" in result.warnings


def test_a_decided_claim_lifts_the_block_from_its_day():
    actions = [*W12_TO_COURT, act("benefit_claim_pending", date(2026, 2, 20)),
               act("benefit_claim_decided", date(2026, 3, 18))]
    assert rec(W12_LINES, date(2026, 3, 17), actions, policy=UTTLESFORD).blocked_by is not None
    lifted = rec(W12_LINES, date(2026, 3, 18), actions, policy=UTTLESFORD)
    assert lifted.blocked_by is None
    assert lifted.due_date == date(2026, 3, 16)
    assert lifted.due_now


# --- W9: Breathing Space -----------------------------------------------------------------------

W9_LINES = [
    owed(date(2026, 2, 1), 120000),
    *mondays(date(2026, 3, 2), date(2026, 6, 29)),
    *(paid(day, 10000) for day in
      (date(2026, 3, 2) + WEEK * n for n in range(7))),  # £700 during the moratorium
]
W9_LETTERS = [act("reminder", date(2026, 2, 2)), act("letter_1", date(2026, 2, 9)),
              act("letter_2", date(2026, 2, 16))]
W9_START = act("breathing_space_start", date(2026, 3, 2))


def test_w9_breathing_space_dates_and_amounts():
    state = breathing_space_state([*W9_LETTERS, W9_START], DEFAULT, date(2026, 4, 30),
                                  lines=W9_LINES)
    assert state is not None
    assert state.kind == "standard"
    assert state.last_day == date(2026, 4, 30)
    assert state.review_request_by == date(2026, 3, 21)
    assert state.active
    assert state.protected_at_start_pence == 120000
    assert state.protected_pence == 120000
    assert state.new_arrears_pence == 20000
    after = breathing_space_state([W9_START], DEFAULT, date(2026, 5, 1), lines=W9_LINES)
    assert after is not None
    assert not after.active


def test_w9_serving_a_nosp_on_15_april_is_blocked():
    result = rec(W9_LINES, date(2026, 4, 15), [*W9_LETTERS, W9_START])
    assert result.next_action == "nosp"
    assert result.blocked_by == "Breathing Space until 30 Apr 2026"
    assert result.due_date == date(2026, 5, 1)
    assert not result.escalates
    assert not result.due_now
    assert result.breathing_space
    assert any(w.startswith("Breathing Space until 30 Apr 2026") for w in result.warnings)
    assert result.reason.endswith("-> serve NOSP: blocked (Breathing Space until 30 Apr 2026)")
    assert result.earliest_proceedings == date(2026, 5, 29)  # served when the block lifts


def test_w9_on_30_april_only_the_new_arrears_may_be_chased_as_current_rent():
    result = rec(W9_LINES, date(2026, 4, 30), [*W9_LETTERS, W9_START])
    state = result.breathing_space_state
    assert state is not None
    assert result.summary.balance_pence == 140000
    assert (state.protected_pence, state.new_arrears_pence) == (120000, 20000)
    # £200 new, of which this week's £100 is not yet overdue: one week -> a rent reminder.
    assert result.next_action == "reminder"
    assert result.blocked_by is None
    assert result.escalates
    assert result.due_now
    assert "new arrears since 2 Mar 2026 £100.00 overdue" in result.reason
    assert result.reason.endswith("-> send a rent reminder (current rent only)")


def test_w9_a_current_rent_reminder_at_most_every_28_days():
    sent_3_april = [*W9_LETTERS, W9_START, act("reminder", date(2026, 4, 3))]
    later = rec(W9_LINES, date(2026, 4, 30), sent_3_april)
    assert later.next_action == "reminder"
    assert later.due_date == date(2026, 5, 1)
    assert not later.due_now
    assert later.stage == "letter_2"  # a current-rent reminder does not move the ladder back
    sent_2_april = [*W9_LETTERS, W9_START, act("reminder", date(2026, 4, 2))]
    assert rec(W9_LINES, date(2026, 4, 30), sent_2_april).due_now


def test_w9_the_block_lifts_on_1_may():
    result = rec(W9_LINES, date(2026, 5, 1), [*W9_LETTERS, W9_START])
    assert result.next_action == "nosp"
    assert result.blocked_by is None
    assert result.due_now
    assert not result.breathing_space
    assert result.follow_up_due  # Breathing Space ended and nothing has been done since


def test_a_nosp_served_during_breathing_space_is_void():
    actions = [*W9_LETTERS, W9_START, nosp(date(2026, 4, 15))]
    result = rec(W9_LINES, date(2026, 5, 1), actions)
    assert result.stage == "letter_2"
    assert result.next_action == "nosp"
    assert "Notice served on 15 Apr 2026 during Breathing Space is void" in result.warnings


# The tenant keeps paying the rent, so there are no new arrears to remind about.
W9_PAID_LINES = [
    owed(date(2026, 2, 1), 120000),
    *mondays(date(2026, 3, 2), date(2027, 3, 1)),
    *(paid(line.posted_on, 10000) for line in mondays(date(2026, 3, 2), date(2027, 3, 1))),
]


@pytest.mark.parametrize(
    ("actions", "last_blocked"),
    [
        ([act("breathing_space_start", date(2026, 3, 2), date(2026, 4, 15))], date(2026, 4, 15)),
        ([W9_START, act("breathing_space_end", date(2026, 4, 10))], date(2026, 4, 10)),
        ([act("breathing_space_mh_start", date(2026, 3, 2), date(2026, 4, 10))],
         date(2026, 5, 10)),
    ],
)
def test_breathing_space_end_dates_one_day_either_side(actions, last_blocked):
    blocked = rec(W9_PAID_LINES, last_blocked, [*W9_LETTERS, *actions])
    assert blocked.blocked_by is not None
    assert "Breathing Space" in blocked.blocked_by
    lifted = rec(W9_PAID_LINES, last_blocked + timedelta(days=1), [*W9_LETTERS, *actions])
    assert lifted.blocked_by is None
    assert lifted.next_action == "nosp"


def test_a_mental_health_crisis_breathing_space_with_no_treatment_end_is_open_ended():
    crisis = act("breathing_space_mh_start", date(2026, 3, 2))
    result = rec(W9_PAID_LINES, date(2027, 1, 4), [*W9_LETTERS, crisis])
    assert result.blocked_by == (
        "Breathing Space (mental health crisis) until 30 days after crisis treatment ends"
    )
    assert result.due_date is None
    ended = rec(W9_PAID_LINES, date(2027, 1, 5), [*W9_LETTERS, crisis,
                act("breathing_space_end", date(2027, 1, 4))])
    assert ended.blocked_by is None


def test_breathing_space_blocks_chasing_a_broken_arrangement():
    lines = [owed(date(2026, 2, 23), 60000), *mondays(date(2026, 3, 2), date(2026, 4, 6))]
    arrangement = ArrangementTerms("ARR-BS", "informal", date(2026, 3, 2), "weekly", 1000, 60000)
    result = rec(lines, date(2026, 3, 21), [act("breathing_space_start", date(2026, 3, 20))],
                 [arrangement])
    assert result.next_action == "broken_arrangement_contact"
    assert result.blocked_by == "Breathing Space until 18 May 2026"  # day 60 = start + 59


# --- W8: technical arrears ---------------------------------------------------------------------


def w8_lines(balance_pence: int) -> list[LedgerLine]:
    debits = mondays(date(2026, 1, 5), date(2026, 3, 16))
    return [owed(date(2026, 1, 1), balance_pence - 110000), *debits]


UC_DAY = act("uc_pay_day", date(2026, 2, 18))


def test_w8_technical_only_arrears_are_not_escalated():
    result = rec(w8_lines(40000), date(2026, 3, 17), [UC_DAY])
    assert result.next_action == NONE
    assert not result.escalates
    assert result.technical_arrears_pence == 40000
    assert result.actionable_arrears_pence == 0
    assert result.reason == (
        "£400.00 arrears are UC timing only (technical): UC paid 18 Feb 2026, next expected "
        "18 Mar 2026 -> nothing due"
    )
    assert "Technical arrears £400.00 (UC timing): next UC expected 18 Mar 2026" in result.warnings


def test_w8_actual_arrears_beyond_the_uc_timing_are_escalated():
    result = rec(w8_lines(65000), date(2026, 3, 17), [UC_DAY])
    assert result.actionable_arrears_pence == 25000
    assert result.actionable_weeks == Decimal("2.50")
    assert result.technical_arrears_pence == 40000
    assert result.next_action == "reminder"
    assert result.escalates
    assert "£250.00 overdue = 2.50 weeks' rent (balance £650.00 less £400.00 UC timing)" in (
        result.reason
    )


def test_w8_one_penny_over_the_uc_timing():
    policy = policy_with('''
[[stages]]
code = "reminder"
label = "Send a rent reminder"
kind = "reminder"
''')
    assert rec(w8_lines(40000), date(2026, 3, 17), [UC_DAY], policy=policy).next_action == NONE
    assert rec(w8_lines(40001), date(2026, 3, 17), [UC_DAY], policy=policy).next_action == (
        "reminder"
    )


# --- credit, clear, this week's charge, former tenancies ----------------------------------------


def test_a_case_in_credit_or_clear_is_never_escalated():
    letter = act("letter_2", date(2026, 3, 1))
    credit = rec([paid(date(2026, 3, 2), 500)], date(2026, 3, 3), [letter])
    assert (credit.next_action, credit.escalates, credit.stage) == (NONE, False, NONE)
    assert credit.reason == "In credit £5.00 -> nothing due"
    assert credit.arrears_band == "credit/clear"
    clear = rec([owed(date(2026, 3, 2), 500), paid(date(2026, 3, 2), 500)], date(2026, 3, 3))
    assert clear.reason == "Clear -> nothing due"


def test_this_weeks_charge_alone_is_not_overdue():
    result = rec(mondays(date(2026, 3, 2), date(2026, 3, 2)), date(2026, 3, 8))
    assert result.next_action == NONE
    assert result.reason == "£100.00 is this week's charge, not yet overdue -> nothing due"
    assert rec(mondays(date(2026, 3, 2), date(2026, 3, 9)), date(2026, 3, 9)).next_action == (
        "reminder"
    )


def test_a_former_tenancy_gets_no_recovery_stage():
    lines = [owed(date(2025, 6, 2), 90000)]
    result = rec(lines, date(2026, 3, 3), [act("letter_2", date(2025, 7, 1))],
                 end_date=date(2026, 1, 4))
    assert result.former_tenancy
    assert result.next_action == NONE
    assert not result.escalates
    assert result.reason == (
        "Former tenancy (ended 4 Jan 2026): £900.00 former tenant arrears "
        "-> no recovery stage applies"
    )
    assert result.priority[0] == 3
    still_current = rec(lines, date(2026, 1, 3), [], end_date=date(2026, 1, 4))
    assert not still_current.former_tenancy
    assert still_current.next_action == "reminder"


# --- thresholds, one penny either side ----------------------------------------------------------


def one_stage(threshold: str) -> RecoveryPolicy:
    return policy_with(f'''
[[stages]]
code = "letter_1"
label = "Send arrears letter 1"
kind = "demand"
{threshold}
''')


@pytest.mark.parametrize(
    ("threshold", "arrears", "due"),
    [
        ('min_arrears = "250.00"', 24999, False),
        ('min_arrears = "250.00"', 25000, True),
        ("min_arrears_pence = 25000", 24999, False),
        ("min_arrears_pence = 25000", 25000, True),
        ("min_weeks = 2.5", 24999, False),
        ("min_weeks = 2.5", 25000, True),
        ('min_weeks = "2.5"', 25000, True),
        ('min_arrears = "300.00"\nmin_weeks = 2.5', 25000, False),
        ('min_arrears = "300.00"\nmin_weeks = 2.5', 30000, True),
        ('min_arrears = "300.00"\nmin_weeks = 2.5\nthreshold = "any"', 24999, False),
        ('min_arrears = "300.00"\nmin_weeks = 2.5\nthreshold = "any"', 25000, True),
        ("", 1, True),
    ],
)
def test_thresholds_at_the_penny(threshold, arrears, due):
    result = rec([owed(date(2026, 3, 1), arrears)], date(2026, 3, 3), policy=one_stage(threshold))
    assert result.next_action == ("letter_1" if due else NONE)


def test_weeks_thresholds_need_a_weekly_charge():
    result = rec([owed(date(2026, 3, 1), 50000)], date(2026, 3, 3),
                 policy=one_stage("min_weeks = 1"), terms=RentTerms(0, 0, 52))
    assert result.next_action == NONE


def test_a_threshold_not_met_says_what_would_trigger_it():
    result = rec([owed(date(2026, 3, 1), 5000)], date(2026, 3, 3))
    assert result.reason.endswith("-> nothing due (send a rent reminder at 1 weeks' rent)")


# --- waiting periods, one day either side -------------------------------------------------------

ARREARS_3_WEEKS = [owed(date(2026, 2, 1), 30000)]


def test_wait_days_after_the_previous_stage():
    actions = [act("reminder", date(2026, 3, 2))]
    early = rec(ARREARS_3_WEEKS, date(2026, 3, 8), actions)
    assert early.next_action == "letter_1"
    assert early.due_date == date(2026, 3, 9)
    assert not early.due_now
    assert early.escalates  # due later, not blocked
    assert early.reason.endswith("-> send arrears letter 1, due 9 Mar 2026")
    assert early.priority[0] == 1
    on_time = rec(ARREARS_3_WEEKS, date(2026, 3, 9), actions)
    assert on_time.due_now
    assert on_time.priority[0] == 0


def test_the_first_stage_waits_from_when_the_arrears_began():
    policy = one_stage("wait_days = 14")
    lines = [owed(date(2026, 3, 1), 10000)]
    assert rec(lines, date(2026, 3, 14), policy=policy).due_date == date(2026, 3, 15)
    assert rec(lines, date(2026, 3, 15), policy=policy).due_now


def test_stages_are_never_skipped():
    result = rec([owed(date(2026, 1, 5), 200000)], date(2026, 3, 3))
    assert result.next_action == "reminder"
    assert result.stage == NONE
    assert result.stage_label == "No recovery stage"
    assert "no recovery action yet" in result.reason


def test_the_furthest_stage_counts_even_if_a_lower_one_came_later():
    actions = [act("letter_2", date(2026, 2, 2)), act("reminder", date(2026, 2, 20))]
    result = rec([owed(date(2026, 1, 5), 100000)], date(2026, 3, 3), actions)
    assert result.stage == "letter_2"
    assert result.next_action == "nosp"


def test_a_day_ending_clear_restarts_the_ladder():
    lines = [
        *mondays(date(2026, 1, 5), date(2026, 3, 2)),
        paid(date(2026, 1, 30), 40000),  # clears the first four weeks exactly
    ]
    actions = [act("reminder", date(2026, 1, 13)), act("letter_1", date(2026, 1, 20)),
               act("letter_2", date(2026, 1, 27))]
    result = rec(lines, date(2026, 3, 3), actions)
    assert result.summary.in_arrears_since == date(2026, 2, 2)
    assert result.stage == NONE
    assert result.next_action == "reminder"


# --- notices ----------------------------------------------------------------------------------

TO_NOTICE = [act("reminder", date(2025, 1, 6)), act("letter_1", date(2025, 1, 13)),
             act("letter_2", date(2025, 1, 20))]
LONG_ARREARS = [owed(date(2025, 1, 1), 100000)]


def test_the_court_warning_waits_for_the_earliest_proceedings_date():
    actions = [*TO_NOTICE, nosp(date(2025, 2, 3))]
    before = rec(LONG_ARREARS, date(2025, 3, 2), actions)
    assert before.next_action == "court_warning"
    assert before.due_date == date(2025, 3, 3)
    assert before.earliest_proceedings == date(2025, 3, 3)
    assert not before.due_now
    assert rec(LONG_ARREARS, date(2025, 3, 3), actions).due_now


def test_earliest_proceedings_beats_a_shorter_wait():
    policy = policy_with('''
[[stages]]
code = "nosp"
label = "Serve NOSP"
kind = "notice"
earliest_proceedings_days = 28

[[stages]]
code = "court_applied"
label = "Apply for a hearing"
kind = "court"
requires_notice = true
''')
    actions = [act("nosp", date(2026, 2, 2), date(2026, 3, 2))]
    assert rec(LONG_ARREARS, date(2026, 3, 1), actions, policy=policy).due_date == date(2026, 3, 2)
    unrecorded = [act("nosp", date(2026, 2, 2))]  # no date recorded: the policy's 28 days
    assert rec(LONG_ARREARS, date(2026, 3, 1), unrecorded, policy=policy).due_date == date(
        2026, 3, 2)


def test_the_date_specified_in_the_notice_wins_over_the_policy():
    longer = [*TO_NOTICE, act("nosp", date(2025, 2, 3), date(2025, 3, 17))]
    result = rec(LONG_ARREARS, date(2025, 3, 3), longer)
    assert result.next_action == "court_warning"
    assert result.earliest_proceedings == date(2025, 3, 17)
    assert result.due_date == date(2025, 3, 17)
    assert result.notice_expires == date(2026, 3, 17)


NOTICE_2025 = [*TO_NOTICE, act("nosp", date(2025, 2, 2), date(2025, 3, 2)),
               act("court_warning", date(2025, 3, 2))]


def test_a_notice_is_in_force_12_months_from_its_specified_date_then_lapses():
    in_force = rec(LONG_ARREARS, date(2026, 3, 2), NOTICE_2025)
    assert in_force.next_action == "court_applied"
    assert in_force.notice_expires == date(2026, 3, 2)
    lapsed = rec(LONG_ARREARS, date(2026, 3, 3), NOTICE_2025)
    assert lapsed.next_action == "nosp"
    assert lapsed.due_date == date(2026, 3, 3)
    assert lapsed.due_now
    assert lapsed.notice_expires is None
    assert lapsed.earliest_proceedings == date(2026, 3, 31)
    assert "Notice lapsed on 2 Mar 2026" in lapsed.warnings
    assert "notice lapsed on 2 Mar 2026" in lapsed.reason
    assert lapsed.reason.endswith("-> serve NOSP again (earliest proceedings 31 Mar 2026)")


def test_a_notice_with_no_date_recorded_counts_from_served_plus_the_policy_period():
    actions = [*TO_NOTICE, act("nosp", date(2025, 2, 2)), act("court_warning", date(2025, 3, 2))]
    assert rec(LONG_ARREARS, date(2026, 3, 2), actions).next_action == "court_applied"
    assert rec(LONG_ARREARS, date(2026, 3, 3), actions).next_action == "nosp"


def test_proceedings_taken_in_time_keep_the_notice_from_lapsing():
    actions = [*NOTICE_2025, act("court_applied", date(2025, 6, 2))]
    result = rec(LONG_ARREARS, date(2026, 3, 3), actions)
    assert result.stage == "court_applied"
    assert result.next_action == NONE
    assert result.reason.endswith(
        "-> nothing due until a court order is breached (record the hearing outcome)"
    )
    assert not any("lapsed" in w for w in result.warnings)


def test_a_court_stage_with_no_notice_asks_for_the_notice():
    actions = [*TO_NOTICE, act("court_warning", date(2025, 3, 2))]
    result = rec(LONG_ARREARS, date(2025, 4, 1), actions)
    assert result.next_action == "nosp"
    assert "no notice served" in result.reason


# --- blocks, one day either side ---------------------------------------------------------------

READY = [act("reminder", date(2026, 1, 6)), act("letter_1", date(2026, 1, 13)),
         act("letter_2", date(2026, 1, 20))]
READY_LINES = [owed(date(2026, 1, 5), 100000)]


def test_ready_for_a_notice_with_no_block():
    result = rec(READY_LINES, date(2026, 3, 2), READY)
    assert (result.next_action, result.due_date, result.blocked_by) == (
        "nosp", date(2026, 1, 27), None)
    assert result.reason == (
        "£1,000.00 = 10.00 weeks' rent; arrears letter 2 sent 41 days ago; no payment on record "
        "-> serve NOSP (earliest proceedings 30 Mar 2026)"
    )


@pytest.mark.parametrize(
    ("block", "last_day", "reason"),
    [
        (act("pause", date(2026, 3, 1), date(2026, 3, 10)), date(2026, 3, 10),
         "Paused by the officer until 10 Mar 2026"),
        (act("hearing_set", date(2026, 3, 1), date(2026, 3, 10)), date(2026, 3, 10),
         "Possession hearing on 10 Mar 2026"),
        (act("eviction_set", date(2026, 3, 1), date(2026, 3, 10)), date(2026, 3, 10),
         "Eviction date set for 10 Mar 2026"),
    ],
)
def test_dated_blocks_hold_through_their_date(block, last_day, reason):
    held = rec(READY_LINES, last_day, [*READY, block])
    assert held.next_action == "nosp"
    assert held.blocked_by == reason
    assert held.due_date == last_day + timedelta(days=1)
    assert not held.escalates
    assert held.priority[0] == 2
    lifted = rec(READY_LINES, last_day + timedelta(days=1), [*READY, block])
    assert lifted.blocked_by is None
    assert lifted.due_now
    assert lifted.follow_up_due


@pytest.mark.parametrize(
    ("start", "end"),
    [("pause", "pause_ended"), ("hearing_set", "hearing_ended"),
     ("eviction_set", "eviction_ended")],
)
def test_an_end_action_lifts_a_dated_block_on_its_day(start, end):
    actions = [*READY, act(start, date(2026, 3, 1), date(2026, 6, 1)), act(end, date(2026, 3, 5))]
    assert rec(READY_LINES, date(2026, 3, 4), actions).blocked_by is not None
    lifted = rec(READY_LINES, date(2026, 3, 5), actions)
    assert lifted.blocked_by is None
    assert not any("no outcome" in w for w in lifted.warnings)


def test_a_hearing_date_passed_with_no_outcome_is_a_follow_up():
    actions = [*READY, act("hearing_set", date(2026, 3, 1), date(2026, 3, 10))]
    result = rec(READY_LINES, date(2026, 3, 11), actions)
    assert result.follow_up_due
    assert "Hearing on 10 Mar 2026 passed: no outcome recorded" in result.warnings


def test_a_follow_up_is_done_once_the_officer_acts():
    actions = [*READY, act("pause", date(2026, 3, 1), date(2026, 3, 10)),
               act("contact", date(2026, 3, 12))]
    assert rec(READY_LINES, date(2026, 3, 11), actions[:-1]).follow_up_due
    assert not rec(READY_LINES, date(2026, 3, 12), actions).follow_up_due


def test_a_pause_on_a_case_in_credit_needs_no_follow_up():
    actions = [act("pause", date(2026, 3, 1), date(2026, 3, 10))]
    assert not rec([paid(date(2026, 3, 1), 100)], date(2026, 3, 12), actions).follow_up_due


def test_several_blocks_are_all_named():
    actions = [*READY, act("pause", date(2026, 3, 1), date(2026, 3, 10)),
               act("hearing_set", date(2026, 3, 1), date(2026, 3, 20))]
    result = rec(READY_LINES, date(2026, 3, 5), actions)
    assert result.blocked_by == (
        "Paused by the officer until 10 Mar 2026; Possession hearing on 20 Mar 2026"
    )
    assert result.due_date == date(2026, 3, 21)


def test_a_pause_stops_even_a_reminder():
    actions = [act("pause", date(2026, 3, 1), date(2026, 3, 10))]
    result = rec(READY_LINES, date(2026, 3, 2), actions)
    assert result.next_action == "reminder"
    assert result.blocked_by == "Paused by the officer until 10 Mar 2026"


def test_vulnerability_and_safety_are_warnings_and_flags():
    actions = [*READY, act("vulnerability", date(2026, 2, 1), note="hearing impaired"),
               act("safety_warning", date(2026, 2, 1)),
               act("safety_warning_ended", date(2026, 2, 20))]
    result = rec(READY_LINES, date(2026, 3, 2), actions)
    assert result.vulnerable
    assert not result.safety_warning
    assert "Vulnerability recorded on 1 Feb 2026: hearing impaired" in result.warnings
    assert result.blocked_by is None  # the default policy holds nothing for vulnerability
    safety = rec(READY_LINES, date(2026, 3, 2), [*READY, act("safety_warning", date(2026, 2, 1))])
    assert safety.safety_warning
    assert "Officer-safety warning since 1 Feb 2026" in safety.warnings


def test_a_policy_may_hold_stages_for_vulnerability():
    text = (ROOT / "resources" / "recovery-policy.toml").read_text(encoding="utf-8")
    policy = parse_policy(text.replace("holds = []", 'holds = ["notice"]'))
    assert policy.vulnerability_holds == frozenset({"notice"})
    actions = [*READY, act("vulnerability", date(2026, 2, 1))]
    held = rec(READY_LINES, date(2026, 3, 2), actions, policy=policy)
    assert held.blocked_by == "Vulnerability recorded on 1 Feb 2026 (policy hold)"
    ended = [*actions, act("vulnerability_ended", date(2026, 3, 2))]
    assert rec(READY_LINES, date(2026, 3, 2), ended, policy=policy).blocked_by is None


# --- arrangements ------------------------------------------------------------------------------

W4_LINES = [
    owed(date(2026, 2, 23), 60000),
    *mondays(date(2026, 3, 2), date(2026, 4, 27)),
    *(paid(date(2026, 3, day), pence) for day, pence in
      ((2, 11000), (9, 11000), (16, 6000), (23, 11000))),
]
W4_TERMS = ArrangementTerms("ARR-W4", "informal", date(2026, 3, 2), "weekly", 1000, 60000)


def test_a_broken_arrangement_asks_for_contact_first():
    kept = rec(W4_LINES, date(2026, 3, 20), [], [W4_TERMS])
    assert kept.arrangement_kept is True
    assert kept.next_action == "reminder"
    assert kept.blocked_by == "Arrangement ARR-W4 being kept (£10.00 weekly off the arrears)"
    assert not kept.escalates
    broken = rec(W4_LINES, date(2026, 3, 21), [], [W4_TERMS])
    assert broken.arrangement_kept is False
    assert broken.has_live_arrangement
    assert broken.next_action == "broken_arrangement_contact"
    assert broken.due_date == date(2026, 3, 21)
    assert broken.due_now
    assert not broken.escalates
    assert "arrangement ARR-W4 breached by £50.00 since 21 Mar 2026" in broken.reason
    assert broken.reason.endswith("-> contact the tenant about the missed payments")
    assert broken.arrangement_states[0].breached_by_pence == 5000


def test_after_the_contact_the_ladder_resumes_after_the_time_limit():
    actions = [act("broken_arrangement_contact", date(2026, 3, 21))]
    waiting = rec(W4_LINES, date(2026, 3, 22), actions, [W4_TERMS])
    assert waiting.next_action == "reminder"
    assert waiting.due_date == date(2026, 3, 28)
    assert not waiting.due_now
    assert "tenant contacted 1 day ago" in waiting.reason


def test_a_contact_before_the_breach_began_does_not_count():
    actions = [act("broken_arrangement_contact", date(2026, 3, 20))]
    result = rec(W4_LINES, date(2026, 3, 21), actions, [W4_TERMS])
    assert result.next_action == "broken_arrangement_contact"


def test_cancelled_arrangements_are_ignored():
    cancelled = ArrangementTerms("ARR-C", "informal", date(2026, 3, 2), "weekly", 1000, 60000,
                                 "cancelled")
    result = rec(W4_LINES, date(2026, 3, 21), [], [cancelled])
    assert not result.has_live_arrangement
    assert result.arrangement_kept is None
    assert result.next_action == "reminder"


COURT_ORDER = ArrangementTerms("SPO-1", "court_order", date(2026, 3, 2), "weekly", 1000, 60000)


def test_a_breached_court_order_leads_to_a_warrant_after_the_warning():
    contact = rec(W4_LINES, date(2026, 3, 21), [], [COURT_ORDER])
    assert contact.stage == "court_applied"  # a court order means proceedings were taken
    assert contact.next_action == "broken_arrangement_contact"
    actions = [act("broken_arrangement_contact", date(2026, 3, 21))]
    warrant = rec(W4_LINES, date(2026, 3, 22), actions, [COURT_ORDER])
    assert warrant.next_action == "warrant_applied"
    assert warrant.due_date == date(2026, 3, 28)
    assert warrant.escalates


def test_a_kept_court_order_holds():
    result = rec(W4_LINES, date(2026, 3, 20), [], [COURT_ORDER])
    assert result.next_action == NONE
    assert result.reason.endswith("-> nothing due: a court order on the account is being kept")


# --- flags, bands and ordering -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("balance", "weeks", "band"),
    [(0, "0", "credit/clear"), (-1, "0", "credit/clear"), (1, "0.00", "under 2 weeks"),
     (19999, "1.99", "under 2 weeks"), (20000, "2.00", "2–4 weeks"),
     (39999, "3.99", "2–4 weeks"), (40000, "4.00", "4–8 weeks"), (79999, "7.99", "4–8 weeks"),
     (80000, "8.00", "8+ weeks")],
)
def test_arrears_bands(balance, weeks, band):
    assert arrears_band(balance, Decimal(weeks)) == band
    assert band in ARREARS_BANDS


def test_the_worklist_puts_due_actions_first_and_nothing_due_last():
    cases = [
        CaseFacts("NONE", "secure", TERMS, [paid(date(2026, 3, 1), 100)], (), ()),
        CaseFacts("BLOCKED", "secure", TERMS, READY_LINES,
                  (*READY, act("pause", date(2026, 3, 1), date(2026, 3, 9))), ()),
        CaseFacts("LATER", "secure", TERMS, ARREARS_3_WEEKS, (act("reminder", date(2026, 3, 2)),),
                  ()),
        CaseFacts("SMALL", "secure", TERMS, [owed(date(2026, 2, 1), 15000)], (), ()),
        CaseFacts("BIG", "secure", TERMS, READY_LINES, READY, ()),
    ]
    order = [r.tenancy_ref for r in worklist(cases, DEFAULT, date(2026, 3, 3))]
    assert order == ["BIG", "SMALL", "LATER", "BLOCKED", "NONE"]


def test_a_ledger_index_and_a_plain_list_give_the_same_recommendation():
    actions = [*W9_LETTERS, W9_START]
    for day in (date(2026, 4, 15), date(2026, 4, 30), date(2026, 5, 1)):
        assert rec(Ledger(W9_LINES), day, actions) == rec(W9_LINES, day, actions)
        assert rec(list(reversed(W9_LINES)), day, list(reversed(actions))) == rec(
            W9_LINES, day, actions)


def test_actions_after_as_of_do_not_count_yet():
    result = rec(READY_LINES, date(2026, 1, 19), READY)
    assert result.stage == "letter_1"


def test_a_policy_not_yet_in_force_is_flagged():
    result = rec(READY_LINES, date(2026, 3, 2), READY)
    assert "Recovery policy doorstep-default-2026-1 takes effect on 6 Apr 2026" in result.warnings


def test_stages_limited_to_some_tenures():
    policy = policy_with('''
[[stages]]
code = "letter_1"
label = "Send arrears letter 1"
kind = "demand"

[[stages]]
code = "nosp"
label = "Serve NOSP"
kind = "notice"
earliest_proceedings_days = 28
tenures = ["secure", "introductory"]

[[stages]]
code = "court_applied"
label = "Apply to court"
kind = "court"
''')
    actions = [act("letter_1", date(2026, 1, 6))]
    assert rec(READY_LINES, date(2026, 3, 2), actions, policy=policy).next_action == "nosp"
    garage = rec(READY_LINES, date(2026, 3, 2), actions, policy=policy, tenure="garage")
    assert garage.next_action == "court_applied"


# --- the policy file ---------------------------------------------------------------------------


def test_the_default_policy_follows_domain_f1():
    assert DEFAULT.version == "doorstep-default-2026-1"
    assert DEFAULT.effective_from == date(2026, 4, 6)
    assert [s.code for s in DEFAULT.stages] == [
        "reminder", "letter_1", "letter_2", "nosp", "court_warning", "court_applied",
        "warrant_applied"]
    assert (DEFAULT.grace_days, DEFAULT.tolerance_pence) == (5, 0)
    assert (DEFAULT.breathing_space_days, DEFAULT.mental_health_extra_days) == (60, 30)
    nosp_stage = DEFAULT.stage("nosp")
    assert nosp_stage is not None
    assert (nosp_stage.min_weeks, nosp_stage.earliest_proceedings_days,
            nosp_stage.valid_months) == (Decimal(4), 28, 12)
    assert DEFAULT.stage("letter_1") is not None
    assert DEFAULT.stage("visit") is None


# --- properties --------------------------------------------------------------------------------

ACTION_CODES = ["reminder", "letter_1", "letter_2", "nosp", "court_warning", "court_applied",
                "pause", "pause_ended", "hearing_set", "breathing_space_start",
                "breathing_space_end", "benefit_claim_pending", "uc_pay_day", "vulnerability",
                "broken_arrangement_contact"]
DAYS = st.dates(min_value=date(2025, 6, 1), max_value=date(2026, 6, 30))


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[LedgerLine], list[CaseAction], list[ArrangementTerms]]:
    lines = draw(st.lists(st.builds(
        LedgerLine, DAYS, st.sampled_from(["RENT", "PAYMENT", "UC", "HB", "ADJUSTMENT"]),
        st.integers(min_value=-40_000, max_value=40_000)), max_size=40))
    actions = []
    for code, on, span in draw(st.lists(st.tuples(st.sampled_from(ACTION_CODES), DAYS,
                                                  st.integers(0, 90)), max_size=8)):
        needs_until = code in ("nosp", "pause", "hearing_set")
        actions.append(act(code, on, on + timedelta(days=span) if needs_until else None))
    arrangements = draw(st.lists(st.builds(
        ArrangementTerms, st.just("A"), st.sampled_from(["informal", "court_order"]), DAYS,
        st.sampled_from(["weekly", "monthly"]), st.integers(1, 5000),
        st.integers(-1000, 100_000)), max_size=2))
    return lines, actions, arrangements


@settings(max_examples=60, deadline=None)
@given(cases(), st.dates(min_value=date(2025, 9, 1), max_value=date(2026, 9, 30)))
def test_recommendations_keep_their_promises(case, as_of):
    lines, actions, arrangements = case
    result = rec(lines, as_of, actions, arrangements)
    if result.summary.balance_pence <= 0 or result.actionable_arrears_pence == 0:
        assert result.next_action == NONE  # never escalated: credit, clear or technical only
        assert not result.escalates
    if result.escalates:
        assert result.next_action != NONE
        assert result.blocked_by is None
    if result.next_action == NONE:
        assert result.due_date is None
    if result.due_now:
        assert result.due_date is not None
        assert result.due_date <= as_of
    assert result.arrears_band in ARREARS_BANDS
    assert result.reason
    assert rec(Ledger(lines), as_of, actions, arrangements) == result
