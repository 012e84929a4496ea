"""Arrangements in the case window: proposing from the latest finished I&E (the affordable
instalment by default), agreeing offline (no network), a renegotiation superseding the live
version, kept / breached changing when a sync brings ledger lines, a cancel, a refusal naming
the field that saves nothing; the history model passes the model tester.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtGui import QTextDocumentFragment
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.domain import sfs
from app.domain.arrangement_plan import per_frequency_from_monthly
from app.domain.display import format_pence
from app.models import Arrangement, LedgerEntry, OutboxMutation
from app.services.actions import record_action
from app.services.assessments import finish_assessment, save_draft, start_assessment
from app.services.sync import SyncSummary
from app.store.database import LocalStore
from app.ui.arrangement_dialog import ArrangementColumn, ArrangementDialog
from app.ui.case_window import CaseWindow
from app.ui.main_window import MainWindow
from app.ui.ops import InlineRunner, ThreadRunner
from app.ui.worklist_model import WorklistColumn
from tests.ui.dialog_checks import assert_nothing_squeezed, where
from tests.ui.fakes import RecordingPrompts
from tests.ui.seed import SEED_TODAY
from tests.ui.windows import (
    assert_fits_laptop,
    make_window,
    open_ref,
    tenancy_of,
    ui_context,
    worklist_cell,
)
from tests.unit.sfs_examples import w1_assessment
from tests.workspaces import MovableClock, workspace_on

REF = "T000001"  # arrears £1,000.00, no arrangement


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(SEED_TODAY)


@pytest.fixture
def window(
    qtbot: QtBot,
    seeded: LocalStore,
    inline_runner: InlineRunner,
    prompts: RecordingPrompts,
    clock: MovableClock,
) -> MainWindow:
    return make_window(qtbot, seeded, inline_runner, prompts, clock=clock)


def finish_w1(store: LocalStore, tenancy_id: uuid.UUID) -> int:
    """A finished W1 assessment on the case; its largest affordable offer a month."""
    workspace = workspace_on(store, SEED_TODAY)
    draft = start_assessment(workspace, tenancy_id=tenancy_id, on=SEED_TODAY)
    save_draft(workspace, assessment_id=draft.id, assessment=w1_assessment(assessed_on=SEED_TODAY))
    finish_assessment(workspace, assessment_id=draft.id)
    return sfs.assess(w1_assessment(assessed_on=SEED_TODAY)).max_rent_offer_monthly.pence


def synced(tenancy_id: uuid.UUID, *, lines: int) -> SyncSummary:
    """What the main window announces after a sync that touched the case."""
    return SyncSummary(
        pages=1,
        tenancies=1,
        people=0,
        ledger_lines=lines,
        removed=0,
        cursor=1,
        bootstrapped=False,
        check_ok=True,
        changed_tenancy_ids=frozenset({tenancy_id}),
    )


def count(store: LocalStore, model: type) -> int:
    with store.session() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def queued(store: LocalStore) -> int:
    """Arrangement changes waiting in the outbox (a finished I&E waits there too)."""
    with store.session() as session:
        intents = session.scalars(select(OutboxMutation.intent)).all()
    return sum(intent.startswith("arrangement.") for intent in intents)


def open_dialog(case: CaseWindow) -> ArrangementDialog:
    dialog = case.open_arrangement()
    assert dialog is not None
    assert dialog.starting_point is not None
    return dialog


def column(case: CaseWindow, col: ArrangementColumn) -> list[str]:
    model = case.arrangements_panel.model
    return [model.index(r, col).data() for r in range(model.rowCount())]


def test_the_dialog_proposes_the_affordable_instalment_from_the_latest_ie(
    window: MainWindow, seeded: LocalStore
) -> None:
    monthly = finish_w1(seeded, tenancy_of(window, REF))
    weekly = per_frequency_from_monthly(monthly, "weekly")
    assert weekly > 0
    dialog = open_dialog(open_ref(window, REF))
    assert "can afford" in dialog.source_label.text()
    assert dialog.instalment_edit.text() == format_pence(weekly, symbol=False)
    assert dialog.proposal is not None
    assert dialog.proposal.instalment_pence == weekly
    assert dialog.proposal.instalment_count == -(-100000 // weekly)
    assert f"{dialog.proposal.instalment_count} instalments" in dialog.plan_label.text()
    assert dialog.warnings() == ()
    dialog.set_frequency("monthly")
    assert dialog.proposal.instalment_pence == monthly
    # A penny over what the I&E allows warns, plainly.
    dialog.set_instalment_text(format_pence(monthly + 1))
    assert dialog.proposal.instalment_pence == monthly + 1
    assert any("more than the I&E shows as affordable" in w for w in dialog.warnings())
    assert dialog.warnings_label.isVisibleTo(dialog)
    # One warning, rich text all the same: "I&E" reads as typed, not as "I&amp;E".
    shown = QTextDocumentFragment.fromHtml(dialog.warnings_label.text()).toPlainText()
    assert "more than the I&E shows as affordable" in shown
    dialog.reject()


def test_with_no_finished_ie_the_officer_types_the_instalment(window: MainWindow) -> None:
    dialog = open_dialog(open_ref(window, REF))
    assert "no finished income and expenditure" in dialog.source_label.text()
    assert dialog.proposal is None
    assert dialog.instalment_edit.text() == ""
    dialog.set_instalment_text("£20")
    assert dialog.proposal is not None
    assert dialog.proposal.instalment_pence == 2000
    assert dialog.proposal.instalment_count == 50
    assert dialog.warnings() == ()  # no I&E: nothing to call unaffordable
    dialog.reject()


def test_agreeing_offline_adds_a_live_version_and_updates_the_header_and_worklist(
    window: MainWindow, seeded: LocalStore
) -> None:
    finish_w1(seeded, tenancy_of(window, REF))
    case = open_ref(window, REF)
    assert case.arrangements_panel.model.rowCount() == 0
    assert not case.arrangements_panel.cancel_button.isEnabled()
    advice = (WorklistColumn.NEXT_ACTION, WorklistColumn.DUE, WorklistColumn.REASON)
    before = [worklist_cell(window, REF, c) for c in advice]
    dialog = open_dialog(case)
    dialog.set_instalment_text("25.00")
    dialog.agree()
    assert dialog.result() == ArrangementDialog.DialogCode.Accepted
    assert queued(seeded) == 1
    assert column(case, ArrangementColumn.STATUS) == ["live — waiting to sync"]
    assert column(case, ArrangementColumn.STATE) == ["kept"]
    assert column(case, ArrangementColumn.TERMS)[0].startswith("£25.00 a week, 18 May 2026 – ")
    assert column(case, ArrangementColumn.MADE_ON) == ["18 May 2026"]
    assert case.arrangements_panel.cancel_button.isEnabled()
    assert "kept" in case.arrangement_label.text()
    assert case.arrangement_label.isVisibleTo(case)
    # The worklist recomputed the case: a kept arrangement holds the ladder.
    after = [worklist_cell(window, REF, c) for c in advice]
    assert after != before
    assert "arrangement" in after[2].lower()


def test_a_replacement_supersedes_the_live_version(window: MainWindow, seeded: LocalStore) -> None:
    case = open_ref(window, REF)
    first = open_dialog(case)
    first.set_instalment_text("25")
    first.agree()
    second = open_dialog(case)
    assert "replaces the arrangement of £25.00 a week" in second.replaces_label.text()
    second.set_frequency("fortnightly")
    second.set_instalment_text("40")
    second.agree()
    assert column(case, ArrangementColumn.STATUS) == [
        "live — waiting to sync",
        "superseded on 18 May 2026 — waiting to sync",
    ]
    assert column(case, ArrangementColumn.TERMS)[0].startswith("£40.00 a fortnight")
    with seeded.session() as session:
        assert session.execute(select(func.count()).select_from(Arrangement)).scalar_one() >= 2


def test_kept_or_breached_follows_the_ledger_a_sync_brings(
    window: MainWindow, seeded: LocalStore, clock: MovableClock
) -> None:
    tenancy_id = tenancy_of(window, REF)
    case = open_ref(window, REF)
    dialog = open_dialog(case)
    dialog.set_instalment_text("25")
    dialog.agree()
    # Two weeks on, nothing paid: breached.
    clock.day = SEED_TODAY + timedelta(days=14)
    window.context.changes.operation_did_execute.emit(synced(tenancy_id, lines=0), window)
    assert "broken arrangement" in case.next_label.text()
    window.refresh_cases([tenancy_id])  # as the main window does after its sync
    assert "broken arrangement" in worklist_cell(window, REF, WorklistColumn.NEXT_ACTION)
    [state] = column(case, ArrangementColumn.STATE)
    assert state.startswith("breached by £50.00 since")
    assert column(case, ArrangementColumn.PAID) == ["£0.00 of £50.00"]
    assert "broken" in case.arrangement_label.text()
    # A sync brings the two payments: kept again.
    with seeded.session() as session, session.begin():
        for n, on in enumerate((SEED_TODAY, SEED_TODAY + timedelta(days=7))):
            session.add(
                LedgerEntry(
                    tenancy_id=tenancy_id,
                    ref=f"SYNC-{n}",
                    posted_on=on,
                    type="PAYMENT",
                    amount_pence=-2500,
                    description="Payment",
                    server_seq=900_000 + n,
                )
            )
    window.context.changes.operation_did_execute.emit(synced(tenancy_id, lines=2), window)
    assert column(case, ArrangementColumn.STATE) == ["kept"]
    assert column(case, ArrangementColumn.PAID) == ["£50.00 of £50.00"]


def test_cancel_asks_then_makes_a_cancelled_version(
    window: MainWindow, seeded: LocalStore, prompts: RecordingPrompts
) -> None:
    case = open_ref(window, REF)
    dialog = open_dialog(case)
    dialog.set_instalment_text("25")
    dialog.agree()
    prompts.answers = [False]
    case.arrangements_panel.cancel_live()
    assert column(case, ArrangementColumn.STATUS) == ["live — waiting to sync"]
    prompts.answers = [True]
    case.arrangements_panel.cancel_live()
    # once, as cancelled: not also as the version the cancellation ended (issue 12's report)
    assert column(case, ArrangementColumn.STATUS) == ["cancelled — waiting to sync"]
    assert not case.arrangements_panel.cancel_button.isEnabled()
    assert queued(seeded) == 2


def test_a_bad_instalment_is_refused_naming_the_field_and_saves_nothing(
    window: MainWindow, seeded: LocalStore
) -> None:
    case = open_ref(window, REF)
    dialog = open_dialog(case)
    before = count(seeded, Arrangement)
    dialog.set_instalment_text("2000")  # more than the arrears
    dialog.agree()
    assert "more than the arrears" in dialog.error_for("instalment_pence")
    dialog.set_instalment_text("0")
    dialog.agree()
    assert "more than £0.00" in dialog.error_for("instalment_pence")
    dialog.set_instalment_text("ten pounds")
    dialog.agree()
    assert "pounds" in dialog.error_for("instalment_pence")
    dialog.set_instalment_text("2,50")  # a decimal comma: refused, never read as £250
    dialog.agree()
    assert "a comma may only separate thousands" in dialog.error_for("instalment_pence")
    assert dialog.isVisible()
    # The first date before today is refused by the service, under the date.
    dialog.set_instalment_text("25")
    dialog.first_date_edit.setMinimumDate(dialog.first_date_edit.minimumDate().addYears(-1))
    dialog.set_first_date(SEED_TODAY - timedelta(days=1))
    dialog.agree()
    assert "17 May 2026 is before today" in dialog.error_for("first_date")
    assert count(seeded, Arrangement) == before
    assert queued(seeded) == 0
    dialog.reject()


def test_the_history_model_passes_the_model_tester(qtmodeltester: Any, window: MainWindow) -> None:
    case = open_ref(window, "T000105")  # a broken arrangement from the HMS
    model = case.arrangements_panel.model
    assert model.rowCount() == 1
    assert column(case, ArrangementColumn.STATE)[0].startswith("breached by")
    qtmodeltester.check(model)
    dialog = open_dialog(case)
    dialog.set_instalment_text("20")
    dialog.agree()
    qtmodeltester.check(model)


def test_a_plan_longer_than_the_maximum_term_warns_plainly(
    window: MainWindow, qtbot: QtBot
) -> None:
    case = open_ref(window, REF)
    assert case.case is not None
    dialog = ArrangementDialog(
        case.context, case=case.case, policy=case._policy, max_weeks=12, parent=case
    )
    qtbot.addWidget(dialog)
    dialog.load()
    dialog.set_instalment_text("100")  # 10 weeks: within
    assert dialog.warnings() == ()
    dialog.set_instalment_text("50")  # 20 weeks: longer
    [warning] = dialog.warnings()
    assert "longer than the policy's maximum of 12 weeks" in warning
    assert dialog.warnings_label.isVisibleTo(dialog)
    assert "⚠" in dialog.warnings_label.text()


def test_agreeing_on_a_real_worker_thread(
    qtbot: QtBot, seeded: LocalStore, thread_runner: ThreadRunner, prompts: RecordingPrompts
) -> None:
    main = MainWindow(ui_context(seeded, thread_runner, prompts))
    qtbot.addWidget(main)
    with qtbot.waitSignal(main.worklist_loaded, timeout=10_000):
        main.show()
    finish_w1(seeded, tenancy_of(main, REF))
    main.select_case(tenancy_of(main, REF))
    case = main.open_selected_case()
    assert case is not None
    with qtbot.waitSignal(case.arrangements_panel.loaded, timeout=10_000):
        pass
    dialog = case.open_arrangement()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.proposal is not None, timeout=10_000)
    assert dialog.proposal is not None
    assert dialog.proposal.instalment_pence == 4406  # W1: £190.93 a month = £44.06 a week
    with qtbot.waitSignal(main.worklist_loaded, timeout=10_000):
        dialog.agree()
    qtbot.waitUntil(lambda: case.arrangements_panel.model.rowCount() == 1, timeout=10_000)
    assert column(case, ArrangementColumn.STATUS) == ["live — waiting to sync"]


def test_a_court_order_and_a_version_the_central_store_refused_read_as_such(
    window: MainWindow, seeded: LocalStore
) -> None:
    case = open_ref(window, REF)
    dialog = open_dialog(case)
    dialog.set_kind("court_order")
    dialog.set_instalment_text("25")
    dialog.agree()
    assert column(case, ArrangementColumn.TERMS)[0].startswith("Court order: £25.00 a week")
    with seeded.session() as session, session.begin():
        row = session.scalars(select(Arrangement).where(Arrangement.pending.is_(True))).one()
        row.pending = False
        row.sync_problem = "the case is closed on the housing system"
    case.load()
    assert column(case, ArrangementColumn.STATUS) == [
        "refused: the case is closed on the housing system"
    ]
    assert column(case, ArrangementColumn.STATE) == [""]
    assert not case.arrangements_panel.cancel_button.isEnabled()


def test_the_case_window_uses_the_policys_maximum_term(window: MainWindow, qtbot: QtBot) -> None:
    from dataclasses import replace

    case = open_ref(window, REF)
    assert case.case is not None
    short = replace(case._policy, max_arrangement_weeks=12)
    dialog = ArrangementDialog(case.context, case=case.case, policy=short, parent=case)
    qtbot.addWidget(dialog)
    dialog.load()
    dialog.set_instalment_text("50")  # 20 weeks, against the policy's 12
    [warning] = dialog.warnings()
    assert "longer than the policy's maximum of 12 weeks" in warning


def test_a_monthly_plan_moves_to_the_uc_pay_day_and_keeps_the_31st(
    window: MainWindow, seeded: LocalStore
) -> None:
    tenancy_id = tenancy_of(window, REF)
    record_action(  # UC is paid to the tenant on the 31st
        workspace_on(seeded, SEED_TODAY),
        tenancy_id=tenancy_id,
        code="uc_pay_day",
        on=date(2026, 1, 31),
    )
    case = open_ref(window, REF)
    dialog = open_dialog(case)
    dialog.set_instalment_text("50")
    dialog.set_frequency("monthly")
    assert dialog.proposal is not None
    assert dialog.proposal.first_date == date(2026, 5, 31)  # from 18 May: the next pay day
    assert "moved to the Universal Credit pay day)" in dialog.plan_label.text()
    dialog.set_first_date(date(2026, 6, 1))
    assert dialog.proposal.first_date == date(2026, 6, 30)  # June has no 31st
    assert "day 31 of each month or the month's last day" in dialog.plan_label.text()
    fits(dialog)
    dialog.agree()  # 30 Jun is 43 days ahead: past the policy's 31 (issue 13)
    assert "must be due by 18 Jun 2026" in dialog.feedback.error_text()
    assert dialog.result() != ArrangementDialog.DialogCode.Accepted
    dialog.set_first_date(SEED_TODAY)
    assert dialog.proposal.first_date == date(2026, 5, 31)
    dialog.agree()
    assert dialog.result() == ArrangementDialog.DialogCode.Accepted
    with seeded.session() as session:
        row = session.scalars(select(Arrangement).where(Arrangement.pending.is_(True))).one()
    assert row.start_date == date(2026, 5, 31)


def short_term_dialog(case: CaseWindow, qtbot: QtBot) -> ArrangementDialog:
    """The case's arrangement dialog, opened as the case window opens it, with a 12-week
    maximum term so a plan of £50 a week off £1,000 warns."""
    assert case.case is not None
    dialog = ArrangementDialog(
        case.context, case=case.case, policy=case._policy, max_weeks=12, parent=case
    )
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.load()
    return dialog


def fits(dialog: ArrangementDialog) -> None:
    """On the laptop screen, with room for everything it shows."""
    assert_fits_laptop(dialog)
    assert_nothing_squeezed(dialog)


def test_a_warning_or_a_refusal_appearing_does_not_move_the_agree_button(
    window: MainWindow, seeded: LocalStore, qtbot: QtBot
) -> None:
    dialog = short_term_dialog(open_ref(window, REF), qtbot)  # no I&E
    dialog.set_instalment_text("100")  # 10 weeks: no warning
    assert dialog.warnings() == ()
    assert dialog.error_text() == ""
    fits(dialog)
    before = where(dialog.agree_button)
    dialog.set_instalment_text("50")  # 20 weeks: longer than 12
    assert len(dialog.warnings()) == 1
    assert where(dialog.agree_button) == before
    fits(dialog)
    dialog.set_instalment_text("ten pounds")
    assert "pounds" in dialog.error_for("instalment_pence")
    assert where(dialog.agree_button) == before
    fits(dialog)
    dialog.set_instalment_text("50")
    dialog.first_date_edit.setMinimumDate(dialog.first_date_edit.minimumDate().addYears(-1))
    dialog.set_first_date(SEED_TODAY - timedelta(days=1))
    dialog.agree()  # refused by the service, under the date, with the warning shown
    assert "before today" in dialog.error_for("first_date")
    assert len(dialog.warnings()) == 1
    assert where(dialog.agree_button) == before
    assert dialog.focusWidget() is dialog.first_date_edit
    fits(dialog)
    dialog.reject()


def test_both_warnings_and_a_refusal_fit_in_the_room_kept_for_them(
    window: MainWindow, seeded: LocalStore, qtbot: QtBot
) -> None:
    finish_w1(seeded, tenancy_of(window, REF))
    dialog = short_term_dialog(open_ref(window, REF), qtbot)
    [too_long] = dialog.warnings()  # the affordable default takes 23 weeks
    assert "longer than the policy's maximum of 12 weeks" in too_long
    before = where(dialog.agree_button)
    dialog.set_instalment_text("50")  # above what the I&E allows, and still 20 weeks
    assert len(dialog.warnings()) == 2
    assert where(dialog.agree_button) == before
    fits(dialog)
    dialog.first_date_edit.setMinimumDate(dialog.first_date_edit.minimumDate().addYears(-1))
    dialog.set_first_date(SEED_TODAY - timedelta(days=1))
    dialog.agree()
    assert "before today" in dialog.error_for("first_date")
    assert len(dialog.warnings()) == 2
    assert where(dialog.agree_button) == before
    fits(dialog)
    dialog.reject()


def test_the_dialog_fits_the_laptop_in_each_state(
    window: MainWindow, seeded: LocalStore, qtbot: QtBot
) -> None:
    case = open_ref(window, REF)
    dialog = short_term_dialog(case, qtbot)  # no I&E: the instalment is asked for
    assert "Type the instalment agreed" in dialog.error_for("instalment_pence")
    fits(dialog)
    dialog.set_instalment_text("25")
    dialog.agree()
    dialog = short_term_dialog(case, qtbot)  # replacing the live arrangement
    assert dialog.replaces_label.isVisibleTo(dialog)
    dialog.set_instalment_text("50")
    dialog.set_frequency("monthly")
    assert dialog.warnings()
    fits(dialog)
    dialog.set_instalment_text("2000")  # more than the arrears
    assert "more than the arrears" in dialog.error_for("instalment_pence")
    fits(dialog)
    dialog.reject()


def test_an_unexpected_failure_is_logged_and_said_under_the_form(
    window: MainWindow,
    seeded: LocalStore,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import app.ui.arrangement_dialog as module

    def broken(*_args: object, **_kwargs: object) -> object:
        raise OSError("disk full")

    monkeypatch.setattr(module, "agree_arrangement", broken)
    arrangements_before = count(seeded, Arrangement)
    dialog = open_dialog(open_ref(window, REF))
    dialog.set_instalment_text("25")
    before = where(dialog.agree_button)
    with caplog.at_level(logging.ERROR, logger=module.__name__):
        dialog.agree()
    assert dialog.error_for("") == "The arrangement could not be saved on this laptop: disk full"
    assert [r.getMessage() for r in caplog.records] == ["agreeing an arrangement failed"]
    assert dialog.agree_button.isEnabled()
    assert dialog.agree_button.text() == "&Agree"
    assert where(dialog.agree_button) == before
    assert count(seeded, Arrangement) == arrangements_before
    fits(dialog)
    dialog.reject()


def test_the_dialog_starts_from_the_offer_agreed_in_the_ie(
    window: MainWindow, seeded: LocalStore
) -> None:
    """Issue 13 (found trying it as a new user would): with £86.67 a month (£20 a week) agreed
    in the I&E, the dialog pre-filled the household's whole surplus."""
    from dataclasses import replace

    agreed = replace(w1_assessment(assessed_on=SEED_TODAY), rent_offer_pence=8_667)
    workspace = workspace_on(seeded, SEED_TODAY)
    draft = start_assessment(workspace, tenancy_id=tenancy_of(window, REF), on=SEED_TODAY)
    save_draft(workspace, assessment_id=draft.id, assessment=agreed)
    finish_assessment(workspace, assessment_id=draft.id)
    most = sfs.assess(agreed).max_rent_offer_monthly.pence
    dialog = open_dialog(open_ref(window, REF))
    assert dialog.instalment_edit.text() == "20.00"
    assert dialog.proposal is not None
    assert dialog.proposal.instalment_pence == 2_000
    assert "£86.67 a month agreed towards the arrears" in dialog.source_label.text()
    assert f"the most the household can afford: {format_pence(most)} a month" in (
        dialog.source_label.text()
    )
