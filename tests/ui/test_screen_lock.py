"""Issue 11, the lock: Ctrl+L (or the policy's idle minutes) clears every screen showing the
caseload and drops the database key; only the PIN brings it back, offline, and what was open
(case windows, a half-typed action, an arrangement being worked out) comes back as it was."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.models import AuditEvent
from app.paths import data_dir
from app.services.screen_lock import OpenForm, lock_caseload, window_state
from app.services.status import waiting_changes
from app.services.workspace import CaseloadLocked, Workspace
from app.store.database import LocalStore, open_local_store
from app.ui import main_window as main_window_module
from app.ui.main_window import MainWindow
from app.ui.ops import InlineRunner, ThreadRunner
from app.ui.text.lock import LOCKED_TITLE
from tests.ui.fakes import DEFAULT_PIN, RecordingPrompts
from tests.ui.seed import seed_caseload, seed_officer
from tests.ui.windows import make_window, open_ref, tenancy_of

#: A name on the seeded case T000001, which no locked screen may show.
TENANT = "Ångström-Ward"


@pytest.fixture
def pinned(tmp_path: Path) -> Iterator[LocalStore]:
    """A seeded caseload whose key is kept only wrapped with ``DEFAULT_PIN``."""
    store = open_local_store(data_dir(tmp_path / "data"))
    seed_caseload(store, extra=26)
    seed_officer(store)
    store.protect_with_pin(DEFAULT_PIN)
    yield store
    store.close()


def every_text_on_screen() -> str:
    """The text of every label and line edit in every visible window of the app."""
    shown = []
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        shown.append(top.windowTitle())
        for widget in top.findChildren(QWidget):
            if widget.isVisible() and isinstance(widget, QLabel):
                shown.append(widget.text())
    return "\n".join(shown)


def unlock_with(qtbot: QtBot, window: MainWindow, pin: str) -> None:
    page = window.lock_page
    page.pin_edit.setText(pin)
    qtbot.keyClick(page.pin_edit, Qt.Key.Key_Return)


def test_ctrl_l_clears_every_screen_and_the_pin_brings_back_what_was_open(
    qtbot: QtBot, pinned: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    window = make_window(qtbot, pinned, inline_runner, prompts)
    first = open_ref(window, "T000001")
    first.tabs.setCurrentIndex(1)
    record = first.record_action()
    assert record is not None
    record.set_code("contact")
    record.note_edit.setPlainText("Spoke at the door; call back Friday")
    second = open_ref(window, "T000002")
    arrangement = second.open_arrangement()
    assert arrangement is not None
    arrangement.set_instalment_text("12.50")
    arrangement.set_frequency("fortnightly")
    assert TENANT in every_text_on_screen()

    assert window.lock_action.shortcut() == QKeySequence("Ctrl+L")
    # Pressed in a form on a case window: the shortcut works from every window of the app.
    arrangement.activateWindow()
    qtbot.waitUntil(arrangement.isActiveWindow)
    qtbot.keyClick(
        arrangement.instalment_edit, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier
    )

    assert window.is_locked()
    assert pinned.locked
    assert window.case_windows() == {}
    assert not first.isVisible()
    assert not second.isVisible()
    assert window.model.rowCount() == 0
    assert window.windowTitle() == LOCKED_TITLE
    assert TENANT not in every_text_on_screen()
    assert window.lock_page.isVisible()
    assert window.lock_page.pin_edit.isVisible()
    with pytest.raises(CaseloadLocked):
        waiting_changes(window.context.workspace)  # every use case is refused

    unlock_with(qtbot, window, "000000")
    assert window.is_locked()
    assert window.lock_page.problem_label.text() == "Wrong PIN (1 in a row)."
    assert window.lock_page.pin_edit.text() == ""

    unlock_with(qtbot, window, DEFAULT_PIN)
    assert not window.is_locked()
    assert window.model.rowCount() == 30
    reopened = window.case_windows()
    assert set(reopened) == {tenancy_of(window, "T000001"), tenancy_of(window, "T000002")}
    again = reopened[tenancy_of(window, "T000001")]
    assert again.tabs.currentIndex() == 1
    assert again.record_dialog is not None
    assert again.record_dialog.isVisible()
    assert again.record_dialog.code() == "contact"
    assert again.record_dialog.note_edit.toPlainText() == "Spoke at the door; call back Friday"
    plan = reopened[tenancy_of(window, "T000002")].arrangement_dialog
    assert plan is not None
    assert plan.isVisible()
    assert plan.instalment_edit.text() == "12.50"
    assert plan.frequency() == "fortnightly"
    with pinned.session() as session:
        events = session.scalars(select(AuditEvent.event)).all()
    assert {"app.locked", "app.unlocked"} <= set(events)


def test_after_the_policys_idle_minutes_it_locks_and_says_why(
    qtbot: QtBot,
    pinned: LocalStore,
    thread_runner: ThreadRunner,
    prompts: RecordingPrompts,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(main_window_module, "MINUTE_MS", 40)  # a minute of 40 ms
    window = make_window(qtbot, pinned, thread_runner, prompts)
    qtbot.waitUntil(lambda: window.model.rowCount() == 30)
    assert window.idle_watch.minutes == 5  # the policy's [security] idle_lock_minutes
    # Input keeps it open: a key every 100 ms for twice the idle time.
    for _ in range(4):
        qtbot.keyClick(window.table, Qt.Key.Key_Down)
        qtbot.wait(100)
    assert not window.is_locked()
    qtbot.waitUntil(window.is_locked, timeout=2_000)
    qtbot.waitUntil(lambda: window_state(pinned.path.parent) == "locked")
    assert pinned.locked
    assert "It locked after 5 minutes without use." in window.lock_page.text_label.text()
    unlock_with(qtbot, window, DEFAULT_PIN)
    qtbot.waitUntil(lambda: window.model.rowCount() == 30)
    assert window_state(pinned.path.parent) == "open"
    assert window.idle_watch.is_running()


def test_a_sync_running_at_the_lock_stops_and_nothing_is_lost(
    qtbot: QtBot, pinned: LocalStore, thread_runner: ThreadRunner, prompts: RecordingPrompts
) -> None:
    import threading

    started, go_on = threading.Event(), threading.Event()

    def slow_sync(workspace: Workspace, *, progress: object) -> object:
        started.set()
        go_on.wait(10)
        return waiting_changes(workspace)  # the store is locked by now

    window = make_window(qtbot, pinned, thread_runner, prompts, sync_fn=slow_sync)
    qtbot.waitUntil(lambda: window.model.rowCount() == 30)
    window.sync_now()
    assert started.wait(5)
    window.lock()
    qtbot.waitUntil(lambda: pinned.locked)
    go_on.set()
    qtbot.waitUntil(lambda: not window.is_syncing())
    assert prompts.shown == []  # no error box over the lock page
    unlock_with(qtbot, window, DEFAULT_PIN)
    qtbot.waitUntil(lambda: window.model.rowCount() == 30)
    assert "Sync stopped" in window.status_text()


def test_forms_kept_by_a_lock_doorstep_never_came_back_from_open_at_the_next_start(
    qtbot: QtBot, pinned: LocalStore, thread_runner: ThreadRunner, prompts: RecordingPrompts
) -> None:
    """The battery ran out while locked: the next start (after the PIN) opens them again."""
    window = make_window(qtbot, pinned, thread_runner, prompts)
    qtbot.waitUntil(lambda: window.model.rowCount() == 30)
    tenancy_id = tenancy_of(window, "T000001")
    window.close()
    pinned.unlock(DEFAULT_PIN)  # closing left the store as it was: open it for the service
    workspace = window.context.workspace
    kept = [
        OpenForm("case", tenancy_id, {"tab": 2}),
        OpenForm("record_action", tenancy_id, {"code": "contact", "note": "No answer"}),
    ]
    lock_caseload(workspace, kept)
    assert pinned.locked

    pinned.unlock(DEFAULT_PIN)  # the next start's PIN
    again = make_window(qtbot, pinned, thread_runner, prompts)
    qtbot.waitUntil(lambda: tenancy_id in again.case_windows(), timeout=5_000)
    case = again.case_windows()[tenancy_id]
    qtbot.waitUntil(lambda: case.record_dialog is not None and case.record_dialog.isVisible())
    assert case.record_dialog is not None
    assert case.record_dialog.note_edit.toPlainText() == "No answer"
    assert case.tabs.currentIndex() == 2


def test_an_open_ie_comes_back_whole_even_the_amounts_that_do_not_read(
    qtbot: QtBot, pinned: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    """Saving an I&E leaves out an amount that does not read; the lock keeps it as typed."""
    window = make_window(qtbot, pinned, inline_runner, prompts)
    case = open_ref(window, "T000003")
    form = case.open_assessment()
    assert form is not None
    first = form.lines("income")[0]
    first.amount_edit.setText("412.50")
    second = form.add_line("income")
    second.amount_edit.setText("12.3.4")
    second.note_edit.setText("carer's allowance, amount to check")
    debt = form.add_debt(priority=False)
    debt.creditor_edit.setText("Catalogue")
    debt.owed_edit.setText("abc")
    form.savings_edit.setText("1,0,0")
    assert form.errors()  # three entries saving would leave out

    window.lock()
    assert not form.isVisible()
    unlock_with(qtbot, window, DEFAULT_PIN)

    again = window.case_windows()[tenancy_of(window, "T000003")].assessment_form
    assert again is not None
    assert again.isVisible()
    amounts = [row.amount_edit.text() for row in again.lines("income")]
    assert amounts == ["412.50", "12.3.4"]
    assert again.lines("income")[1].note_edit.text() == "carer's allowance, amount to check"
    [back] = again.debts(priority=False)
    assert (back.creditor_edit.text(), back.owed_edit.text()) == ("Catalogue", "abc")
    assert again.savings_edit.text() == "1,0,0"
    assert len(again.errors()) == 3  # each with its message again
