"""What the worklist window says, without Qt: the empty-list messages (downloading while a sync
runs), sync and load problems, the cells and tooltips of a row (overdue, on hold, the short
stage names), the filter counts and the selected case. Synthetic facts only."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from app.domain.recovery import NONE, CaseAction, CaseFacts, Recommendation, recommend
from app.domain.rent_account import LedgerLine, RentTerms
from app.paths import resource_path
from app.services.caseload import CaseRow
from app.services.worklist import WorkItem, load_recovery_policy, stage_options
from app.sync.errors import Offline, SyncError
from app.ui.text import worklist as text

MON = date(2026, 4, 6)
AS_OF = date(2026, 6, 1)


@pytest.fixture(scope="module")
def advice() -> Recommendation:
    """Nine weeks' rent unpaid, no recovery action: a reminder, overdue since 6 Apr 2026."""
    policy = load_recovery_policy(path=resource_path("recovery-policy.toml"))
    facts = CaseFacts(
        tenancy_ref="T1",
        tenure="secure",
        terms=RentTerms(10000),
        lines=[LedgerLine(MON + timedelta(weeks=n), "RENT", 10000) for n in range(9)],
        actions=(CaseAction("vulnerability", date(2026, 4, 10), note="hearing impaired"),),
        arrangements=(),
    )
    return recommend(facts, policy, AS_OF)


def case_row(**changes: object) -> CaseRow:
    row = CaseRow(
        tenancy_id=uuid.uuid4(),
        ref="T1",
        lead_tenant="Ms Zoë Ångström-Ward",
        address="Flat 3, Ångström House, 12 Mill Lane",
        postcode="AB1 2CD",
        balance_pence=90000,
        weekly_charge_pence=10000,
        weeks_in_arrears=None,
        is_former=False,
    )
    return replace(row, **changes)  # type: ignore[arg-type]


def item(advice: Recommendation, **changes: object) -> WorkItem:
    return WorkItem(case_row(), replace(advice, **changes))  # type: ignore[arg-type]


# -- the empty list -------------------------------------------------------------------------


def test_the_empty_list_says_loading_then_the_problem() -> None:
    assert text.empty_list_text(text.ListState(False, None, 0, syncing=True)) == text.LOADING
    problem = text.load_problem(OSError("disk unreadable"))
    assert problem == "The caseload could not be read from this laptop: disk unreadable"
    assert text.empty_list_text(text.ListState(True, problem, 0, syncing=False)) == problem


def test_an_empty_caseload_says_downloading_while_a_sync_runs_and_sync_now_after() -> None:
    syncing = text.ListState(loaded=True, load_problem=None, total=0, syncing=True)
    assert text.empty_list_text(syncing) == text.DOWNLOADING_CASELOAD
    assert "Sync now" not in text.DOWNLOADING_CASELOAD
    idle = replace(syncing, syncing=False)
    assert text.empty_list_text(idle) == text.EMPTY_CASELOAD
    assert text.EMPTY_CASELOAD.endswith("press Sync now")


def test_filters_that_hide_every_case_say_which() -> None:
    state = text.ListState(True, None, 30, syncing=True, filter_text=" xyz ")
    assert text.empty_list_text(state) == "No case matches “xyz”"
    both = replace(state, panel_filters=True)
    assert text.empty_list_text(both) == "No case matches “xyz” with these filters"
    panel = replace(both, filter_text="")
    assert text.empty_list_text(panel) == "No case matches these filters"


# -- sync problems --------------------------------------------------------------------------


def test_sync_problems_for_the_status_line() -> None:
    assert text.sync_failure(Offline("Cannot reach the server.")) == (
        "Offline: Cannot reach the server."
    )
    assert text.sync_failure(SyncError("withdrawn")) == "Sync failed: withdrawn"
    assert text.sync_failure(KeyError("x")) == "Sync failed unexpectedly (KeyError)"
    assert text.sync_refused(0) is None
    assert text.sync_refused(2) == (
        "The central store refused 2 recorded action(s); each case's history says why"
    )


# -- a row ----------------------------------------------------------------------------------


def test_a_row_of_the_list(advice: Recommendation) -> None:
    cells = text.row_texts(item(advice), rank=3, warnings=("Vulnerable",))
    assert len(cells) == len(text.COLUMNS)
    assert cells == (
        "3",
        "Vulnerable",
        "T1",
        "Ms Zoë Ångström-Ward",
        "Flat 3, Ångström House, 12 Mill Lane, AB1 2CD",
        "£900.00",
        "9.00",
        "Send a rent reminder",
        "6 Apr 2026",
        "—",
        advice.reason,
    )
    none = item(advice, next_action=NONE, summary=replace(advice.summary, weekly_charge_pence=0))
    assert text.row_texts(none, rank=1, warnings=())[6:9] == ("", "—", "")


def test_overdue_today_future_and_on_hold(advice: Recommendation) -> None:
    overdue = item(advice)
    assert text.is_overdue(overdue.advice)
    assert text.due_text(overdue) == "6 Apr 2026"
    assert text.due_tip(overdue.advice) == "Overdue: due since 6 Apr 2026 (56 days ago)"
    yesterday = item(advice, due_date=AS_OF - timedelta(days=1))
    assert text.due_tip(yesterday.advice) == "Overdue: due since 31 May 2026 (1 day ago)"
    today = item(advice, due_date=AS_OF)
    assert not text.is_overdue(today.advice)
    assert text.due_text(today) == "Today"
    assert text.due_tip(today.advice) is None
    future = item(advice, due_date=AS_OF + timedelta(days=3))
    assert not text.is_overdue(future.advice)
    assert text.due_text(future) == "4 Jun 2026"
    held = item(advice, blocked_by="Breathing Space", due_date=date(2026, 7, 4))
    assert not text.is_overdue(held.advice)
    assert text.due_text(held) == "On hold to 4 Jul 2026"
    assert text.due_tip(held.advice) == "On hold: Breathing Space"
    assert text.next_action_tip(held.advice) == "Send a rent reminder\nOn hold: Breathing Space"


def test_long_stages_have_short_names_and_the_full_one_in_the_tooltip(
    advice: Recommendation,
) -> None:
    policy = load_recovery_policy(path=resource_path("recovery-policy.toml"))
    names = [text.short_stage(label) for _, label in stage_options(policy)]
    assert "NOSP served" in names
    widest = len(text.WIDEST_STAGE)
    assert all(len(name) <= widest for name in names), names
    nosp = replace(
        advice, stage="nosp", stage_label="Notice of seeking possession served", stage_on=MON
    )
    assert text.stage_text(nosp) == "NOSP served"
    assert text.stage_tip(nosp) == "Notice of seeking possession served on 6 Apr 2026"
    assert text.stage_text(replace(advice, stage=NONE)) == "—"


def test_the_tooltips_carry_what_a_cell_cuts_off(advice: Recommendation) -> None:
    household = case_row(household_names=("伟 张",))
    assert text.lead_tip(household) == "Ms Zoë Ångström-Ward\nHousehold: 伟 张"
    assert text.lead_tip(case_row()) == "Ms Zoë Ångström-Ward"
    assert text.address_text(case_row(postcode="")) == "Flat 3, Ångström House, 12 Mill Lane"
    assert text.next_action_tip(advice) == "Send a rent reminder"
    reason = text.reason_tip(replace(advice, blocked_by="a hearing is set"))
    assert reason.splitlines() == [
        advice.reason,
        "On hold: a hearing is set",
        *advice.warnings,
    ]
    credit = replace(advice, summary=replace(advice.summary, balance_pence=-1200))
    assert text.credit_tip(credit) == "In credit by £12.00"
    assert text.credit_tip(advice) is None


def test_every_column_has_a_header_and_the_due_tip_explains_overdue() -> None:
    headers = [header for header, _tip in text.COLUMNS]
    assert headers[:3] == ["#", "Warnings", "Ref"]
    assert len(set(headers)) == len(headers)
    tips = dict(text.COLUMNS)
    assert "overdue in bold red" in (tips["Due"] or "")


# -- the filter panel and the selected case ---------------------------------------------------


def test_counts() -> None:
    assert text.counted("Action due today", 37) == "Action due today (37)"
    assert text.counted(text.ALL_STAGES, 0) == "All stages (0)"


def test_the_selected_case_under_the_list(advice: Recommendation) -> None:
    assert text.details_html(None) == text.NO_SELECTION
    shown = text.details_html(item(advice))
    assert "<b>T1 · Ms Zoë Ångström-Ward</b> — next action: <b>Send a rent reminder</b>" in shown
    assert "due since 6 Apr 2026" in shown
    assert "⚠ Vulnerability recorded on 10 Apr 2026: hearing impaired" in shown
    today = text.details_html(item(advice, due_date=AS_OF))
    assert "— due now" in today
    held = text.details_html(item(advice, blocked_by="x", due_date=date(2026, 7, 4)))
    assert "on hold to 4 Jul 2026" in held
    nothing = text.details_html(item(advice, next_action=NONE))
    assert "next action: nothing due" in nothing
    escaped = text.details_html(WorkItem(case_row(lead_tenant="A <b>"), advice))
    assert "A &lt;b&gt;" in escaped


def test_the_status_line_counts_what_waits_to_be_sent() -> None:
    now = datetime(2026, 5, 18, 15, 0, tzinfo=UTC)
    synced = datetime(2026, 5, 18, 13, 32, tzinfo=UTC)
    none = text.StatusFacts(total=240, shown=12, sync_problem=None, last_synced=synced)
    assert text.status_line(none, now=now) == "12 of 240 cases · last synced today at 14:32"
    one = replace(none, waiting=1)
    assert text.status_line(one, now=now) == (
        "12 of 240 cases · 1 change waiting to be sent · last synced today at 14:32"
    )
    three = replace(none, shown=240, waiting=3)
    assert text.status_line(three, now=now).startswith("240 cases · 3 changes waiting to be sent")
