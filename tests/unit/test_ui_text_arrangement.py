"""What the arrangement screens say, without Qt: a version's terms, status, state and payments;
the Arrangements tab's line; where the affordable figure comes from and what agreeing replaces;
the plan and its warnings; and the dialog's messages. Synthetic values only.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from app.domain.arrangement_plan import propose
from app.domain.arrangement_watch import ArrangementState
from app.services.arrangements import ArrangementContext, ArrangementVersion
from app.ui.text import arrangement as words


def version(**changes: object) -> ArrangementVersion:
    base = ArrangementVersion(
        id=uuid.uuid4(),
        ref="A1",
        kind="informal",
        status="live",
        source="device",
        pending=False,
        sync_problem=None,
        made_on=date(2026, 3, 2),
        start_date=date(2026, 3, 2),
        frequency="weekly",
        instalment_pence=2500,
        starting_balance_pence=100_000,
        instalment_count=40,
        end_date=date(2026, 11, 30),
        supersedes_id=None,
        current=True,
        superseded_on=None,
        state=None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def state(*, kept: bool, breached_by: int = 0, since: date | None = None) -> ArrangementState:
    return ArrangementState(
        ref="A1",
        as_of=date(2026, 4, 1),
        live=True,
        kept=kept,
        breached_by_pence=breached_by,
        breached_since=since,
        required_pence=24_000,
        credits_pence=22_000,
        shortfall_pence=breached_by,
        expected_balance_pence=0,
        instalments_due=5,
        instalment_count=40,
        next_due_on=date(2026, 4, 6),
        end_date=date(2026, 11, 30),
    )


def proposal(**changes: object):  # type: ignore[no-untyped-def]
    args: dict[str, object] = {
        "arrears_pence": 100_000,
        "affordable_monthly_pence": 10_834,  # £25.00 a week
        "weekly_rent_pence": 10_000,
        "frequency": "weekly",
        "first_date": date(2026, 3, 2),
        "uc_pay_day": None,
        "max_weeks": 104,
    }
    args.update(changes)
    return propose(**args)  # type: ignore[arg-type]


def test_a_versions_terms_and_status_in_words() -> None:
    assert words.version_terms(version()) == (
        "£25.00 a week, 2 Mar 2026 – 30 Nov 2026, 40 payments"
    )
    court = version(kind="court_order", frequency="monthly", end_date=None)
    assert words.version_terms(court) == "Court order: £25.00 a month, 2 Mar 2026, 40 payments"
    assert words.version_status(version()) == "live"
    assert words.version_status(version(pending=True)) == "live — waiting to sync"
    superseded = version(current=False, superseded_on=date(2026, 3, 9))
    assert words.version_status(superseded) == "superseded on 9 Mar 2026"
    assert words.version_status(version(status="cancelled")) == "cancelled"
    assert words.version_status(version(sync_problem="closed")) == "refused: closed"
    assert words.made_on_text(version(made_on=None)) == "—"
    assert words.version_tooltip(version()).endswith("off arrears of £1,000.00")


def test_kept_or_breached_and_what_was_paid() -> None:
    assert words.version_state(version()) == ""
    assert words.version_paid(version()) == ""
    assert words.version_state(version(state=state(kept=True))) == "kept"
    broken = version(state=state(kept=False, breached_by=2000, since=date(2026, 3, 23)))
    assert words.version_state(broken) == "breached by £20.00 since 23 Mar 2026"
    assert words.version_paid(broken) == "£220.00 of £240.00"
    assert words.live_summary([broken], broken) == (
        "Live: £25.00 a week — breached by £20.00 since 23 Mar 2026"
    )
    assert words.live_summary([], None) == words.NO_ARRANGEMENT
    assert words.live_summary([broken], None) == "No live arrangement"
    assert words.cancel_question(version()) == (
        "Cancel the arrangement of £25.00 a week from 2 Mar 2026? It stays in the history as "
        "cancelled."
    )


def test_where_the_figure_comes_from_and_what_agreeing_replaces() -> None:
    assert words.arrears_text(100_000) == "Arrears £1,000.00"
    assert words.arrears_text(0) == "No arrears to repay"
    none = ArrangementContext(None, None, None)
    assert "no finished income and expenditure" in words.source_text(none)
    found = ArrangementContext(19_093, date(2026, 5, 18), None)
    assert words.source_text(found) == (
        "From the income and expenditure of 18 May 2026: the household can afford £190.93 a "
        "month towards the arrears."
    )
    assert words.replaces_text(version()) == (
        "This replaces the arrangement of £25.00 a week from 2 Mar 2026 made on 2 Mar 2026; "
        "that one ends when you agree."
    )


def test_the_plan_and_its_warnings() -> None:
    plan = proposal()
    assert words.plan_text(plan) == (
        "40 instalments of £25.00 a week, first 2 Mar 2026, last 30 Nov 2026"
    )
    assert words.typed_instalment(plan) == "25.00"
    over = proposal(instalment_pence=2600, max_weeks=12)
    assert len(over.warnings) == 2
    assert words.plan_warnings(over, has_ie=True) == over.warnings
    # Without an I&E, affordability cannot be judged: only the term warning is worth showing.
    [term] = words.plan_warnings(over, has_ie=False)
    assert term.startswith("The plan takes longer than the policy's maximum of 12 weeks")
    assert term.endswith("(last instalment 23 Nov 2026)")
    html = words.warnings_html(over.warnings)
    assert html.count("⚠ ") == 2
    assert "<br>" in html
    assert "I&amp;E" in html
    assert "I&E" not in html


def test_a_plan_moved_to_the_uc_pay_day_says_so() -> None:
    moved = proposal(frequency="monthly", uc_pay_day=date(2026, 1, 31))
    assert moved.first_date == date(2026, 3, 31)
    assert words.plan_text(moved).endswith(" (moved to the Universal Credit pay day)")
    clamped = proposal(
        frequency="monthly", uc_pay_day=date(2026, 1, 31), first_date=date(2026, 4, 1)
    )
    assert words.plan_text(clamped).endswith(
        " (moved to the Universal Credit pay day, day 31 of each month or the month's last day)"
    )


def test_the_dialogs_messages() -> None:
    assert words.unreadable_instalment(ValueError("no digits")) == (
        "Type an amount in pounds, such as 12.50 or £12.50 (no digits)"
    )
    assert words.ie_not_read(OSError("locked")) == (
        "The income and expenditure could not be read: locked"
    )
    assert words.not_saved(OSError("disk full")) == (
        "The arrangement could not be saved on this laptop: disk full"
    )
    assert words.history_not_read(OSError("locked")) == "The arrangements could not be read: locked"
    assert words.not_cancelled(ValueError("gone")) == "The arrangement was not cancelled: gone"
    assert words.frequency_words("four_weekly") == "four-weekly"
    assert dict(words.KINDS)["court_order"] == "Court order on terms"
