"""The case window's Contacts tab: one timeline, newest first, filtered by kind and words, and
its buttons: a follow-up added then marked done, a referral and its outcome, a promise
withdrawn, each a new version (nothing overwritten) and a refusal named with nothing saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.models import Contact, FollowUp, PaymentPromise, Referral
from app.services.visits import ContactDetails, PromiseTerms, record_contact
from app.store.database import LocalStore
from app.ui.case_window import CaseWindow
from app.ui.contacts_panel import TimelineColumn
from app.ui.main_window import MainWindow
from app.ui.ops import InlineRunner
from tests.ui.fakes import RecordingPrompts
from tests.ui.seed import SEED_TODAY
from tests.ui.windows import assert_fits_laptop, make_window, open_ref
from tests.workspaces import workspace_on


@pytest.fixture
def window(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> MainWindow:
    return make_window(qtbot, seeded, inline_runner, prompts)


def column(case: CaseWindow, col: TimelineColumn) -> list[str]:
    model = case.contacts_panel.model
    return [model.text_at(row, col) for row in range(model.rowCount())]


def select_title(case: CaseWindow, start: str) -> None:
    panel = case.contacts_panel
    for row, entry in enumerate(panel.model.rows()):
        if entry.title.startswith(start):
            panel.table.selectRow(row)
            return
    raise AssertionError(f"no entry starting {start!r}: {column(case, TimelineColumn.WHAT)}")


def test_the_timeline_holds_actions_and_the_tab_fits(window: MainWindow) -> None:
    case = open_ref(window, "T000001")
    case.tabs.setCurrentWidget(case.contacts_panel)
    whats = column(case, TimelineColumn.WHAT)
    assert "Arrears letter 1 sent" in whats  # the case's actions are in the one timeline
    days = [e.on for e in case.contacts_panel.shown_entries()]
    assert days == sorted(days, reverse=True)
    assert case.tabs.tabText(case.tabs.indexOf(case.contacts_panel)).startswith("Contacts (")
    assert_fits_laptop(case)


def test_a_follow_up_is_added_then_marked_done_as_a_new_version(
    window: MainWindow, seeded: LocalStore, prompts: RecordingPrompts
) -> None:
    case = open_ref(window, "T000003")
    dialog = case.contacts_panel.add_follow_up()
    dialog.task_edit.setText("x" * 4001)
    dialog.save()
    assert "too long" in dialog.feedback.error_for("follow-up")
    dialog.task_edit.setText("Check the DHP decision")
    dialog.save()
    select_title(case, "Follow-up: Check the DHP decision")
    assert case.contacts_panel.done_button.isEnabled()
    prompts.answers = [True]
    case.contacts_panel.close_follow_up()
    select_title(case, "Follow-up: Check the DHP decision")
    assert case.contacts_panel.selected().state == "done"  # type: ignore[union-attr]
    assert not case.contacts_panel.done_button.isEnabled()
    with seeded.session() as session:
        statuses = sorted(session.scalars(select(FollowUp.status)))
    assert statuses == ["done", "open"]  # the first version kept as it was


def test_a_referral_and_its_outcome_and_the_filter_by_kind(
    window: MainWindow, seeded: LocalStore
) -> None:
    case = open_ref(window, "T000003")
    dialog = case.contacts_panel.add_referral()
    dialog.to_combo.setCurrentIndex(dialog.to_combo.findData("welfare_benefits"))
    dialog.save()
    assert dialog.feedback.error_for("why") != ""  # a referral says why
    with seeded.session() as session:
        assert session.scalar(select(func.count()).select_from(Referral)) == 0
    dialog.why_edit.setPlainText("Check entitlement to the UC housing element")
    dialog.save()
    case.contacts_panel.show_kind("referral")
    assert column(case, TimelineColumn.WHAT) == ["Referred to Welfare benefits team"]
    select_title(case, "Referred to")
    outcome = case.contacts_panel.referral_outcome()
    assert outcome is not None
    outcome.outcome_combo.setCurrentIndex(outcome.outcome_combo.findData("awarded"))
    outcome.save()
    assert column(case, TimelineColumn.STATE)[0].startswith("Awarded or put in place")
    case.contacts_panel.show_kind(None)
    case.contacts_panel.search.setText("housing element")
    assert column(case, TimelineColumn.WHAT) == ["Referred to Welfare benefits team"]


def test_a_promise_is_withdrawn_after_asking(
    window: MainWindow, seeded: LocalStore, prompts: RecordingPrompts
) -> None:
    record_contact(
        workspace_on(seeded, SEED_TODAY),
        tenancy_id=open_ref(window, "T000003").tenancy_id,
        details=ContactDetails(
            on=SEED_TODAY,
            how="phone",
            outcome="promise_to_pay",
            promise=PromiseTerms(1500, SEED_TODAY + timedelta(days=3)),
        ),
    )
    case = open_ref(window, "T000003")
    case.load()
    select_title(case, "Promise to pay £15.00")
    assert case.contacts_panel.selected().state.startswith("pending")  # type: ignore[union-attr]
    prompts.answers = [False]
    case.contacts_panel.withdraw_promise()
    select_title(case, "Promise to pay £15.00")
    assert case.contacts_panel.selected().state.startswith("pending")  # type: ignore[union-attr]
    prompts.answers = [True]
    case.contacts_panel.withdraw_promise()
    select_title(case, "Promise to pay £15.00")
    assert case.contacts_panel.selected().state == "withdrawn"  # type: ignore[union-attr]


def test_a_contact_is_corrected_in_visit_mode_as_a_new_version(
    qtbot: QtBot, window: MainWindow, seeded: LocalStore
) -> None:
    tenancy_id = open_ref(window, "T000003").tenancy_id
    first = record_contact(
        workspace_on(seeded, SEED_TODAY),
        tenancy_id=tenancy_id,
        details=ContactDetails(
            on=SEED_TODAY - timedelta(days=2),
            how="phone",
            outcome="promise_to_pay",
            note="Will pay Fridya",
            promise=PromiseTerms(1500, SEED_TODAY + timedelta(days=3)),
        ),
    )
    case = open_ref(window, "T000003")
    case.load()
    select_title(case, "Phone call: Promise to pay")
    assert case.contacts_panel.correct_button.isEnabled()
    case.contacts_panel.correct_button.click()
    mode = case.visit_mode
    assert mode is not None
    mode.show_visit_page()
    assert (mode.outcome(), mode.note_edit.toPlainText()) == ("promise_to_pay", "Will pay Fridya")
    assert mode.promise_amount.text() == "15.00"
    assert mode.correcting == first.record_id
    assert mode.correcting_label.text().startswith("Correcting the contact of 16 May 2026")
    mode.note_edit.setPlainText("Will pay Friday")
    mode.promise_amount.setText("20")
    mode.save()
    assert mode.correcting is None  # the form is ready for a new contact
    with seeded.session() as session:
        contacts = {c.id: c for c in session.scalars(select(Contact))}
        promises = list(session.scalars(select(PaymentPromise)))
    assert contacts[first.record_id].note == "Will pay Fridya"  # kept as it was
    (new,) = [c for c in contacts.values() if c.supersedes_id == first.record_id]
    assert (new.note, new.on_date) == ("Will pay Friday", SEED_TODAY - timedelta(days=2))
    replaced = {p.supersedes_id for p in promises}
    assert [p.amount_pence for p in promises if p.id not in replaced] == [2000]
    case.load()
    contacts_shown = [e for e in case.contacts_panel.shown_entries() if e.kind == "contact"]
    assert [(e.detail, e.state) for e in contacts_shown] == [("Will pay Friday", "corrected")]
