"""The main window over a seeded local store: rows, filter, sort, empty states, sync."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.models import AuditEvent
from app.services.sync import SyncSummary
from app.store.database import LocalStore
from app.sync.client import AuthRejected, Offline
from app.ui.caseload_model import CaseColumn, SortRole
from app.ui.main_window import EMPTY_CASELOAD, MainWindow, format_synced
from app.ui.ops import InlineRunner, ThreadRunner
from tests.ui.fakes import RecordingPrompts
from tests.ui.seed import add_case, seed_caseload, seed_officer


def summary() -> SyncSummary:
    return SyncSummary(
        pages=1,
        tenancies=0,
        people=0,
        ledger_lines=0,
        removed=0,
        cursor=1,
        bootstrapped=False,
        check_ok=True,
        changed_tenancy_ids=(),
    )


def no_sync(**kwargs: Any) -> SyncSummary:
    raise AssertionError("this test does not sync")


@pytest.fixture
def seeded(store: LocalStore) -> LocalStore:
    seed_caseload(store, extra=26)
    seed_officer(store)
    return store


def make_window(
    qtbot: QtBot,
    store: LocalStore,
    runner: InlineRunner | ThreadRunner,
    prompts: RecordingPrompts,
    sync_fn: Callable[..., SyncSummary] = no_sync,
) -> MainWindow:
    window = MainWindow(store=store, runner=runner, prompts=prompts, sync_fn=sync_fn)
    qtbot.addWidget(window)
    window.show()
    return window


def column(
    window: MainWindow, col: CaseColumn, role: int = Qt.ItemDataRole.DisplayRole
) -> list[Any]:
    proxy = window.proxy
    return [proxy.index(r, col).data(role) for r in range(proxy.rowCount())]


def test_shows_caseload_sorted_by_balance(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    window = make_window(qtbot, seeded, inline_runner, prompts)
    assert window.proxy.rowCount() == 30
    balances = column(window, CaseColumn.BALANCE, SortRole)
    assert balances == sorted(balances, reverse=True)
    by_ref = {window.proxy.row_at(r).ref: r for r in range(window.proxy.rowCount())}
    first = by_ref["T000001"]
    assert window.proxy.index(first, CaseColumn.BALANCE).data() == "£1,000.00"
    assert window.proxy.index(first, CaseColumn.ARREARS).data() == "4.10 wks"
    assert window.proxy.index(first, CaseColumn.LEAD).data() == "Ms Zoë Ångström-Ward"
    assert (
        "Flat 3, Ångström House, 12 Mill Lane"
        in window.proxy.index(first, CaseColumn.ADDRESS).data()
    )
    credit = by_ref["T000003"]
    assert window.proxy.index(credit, CaseColumn.BALANCE).data() == "-£12.00"
    assert window.proxy.index(by_ref["T000004"], CaseColumn.ARREARS).data() == ""
    assert window.status_text() == "30 cases · not synced yet"
    assert window.windowTitle() == "Doorstep — Alex Smith"
    assert window.table.placeholder_text() == ""
    assert prompts.shown == []


def test_sorts_balance_numerically_not_as_text(
    qtbot: QtBot, store: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    with store.session() as session:
        for ref, pence in [("A", 90000), ("B", 100000), ("C", 9000), ("D", -500)]:
            add_case(
                session,
                ref=ref,
                address="1 St",
                postcode="X1 1XX",
                weekly_rent_pence=10000,
                ledger=[pence],
            )
        session.commit()
    window = make_window(qtbot, store, inline_runner, prompts)
    window.table.sortByColumn(CaseColumn.BALANCE, Qt.SortOrder.AscendingOrder)
    assert column(window, CaseColumn.BALANCE) == ["-£5.00", "£90.00", "£900.00", "£1,000.00"]
    window.table.sortByColumn(CaseColumn.BALANCE, Qt.SortOrder.DescendingOrder)
    assert column(window, CaseColumn.REF) == ["B", "A", "C", "D"]


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ("zoe angstrom", {"T000001"}),
        ("PETROV", {"T000002"}),
        ("张", {"T000002"}),
        ("ab12cd", {"T000001"}),
        ("ea3 4fg", {"T000003"}),
        ("t000004", {"T000004"}),
        ("mill lane", {"T000001"}),
    ],
)
def test_filter(
    qtbot: QtBot,
    seeded: LocalStore,
    inline_runner: InlineRunner,
    prompts: RecordingPrompts,
    text: str,
    refs: set[str],
) -> None:
    window = make_window(qtbot, seeded, inline_runner, prompts)
    window.filter_edit.setText(text)
    assert set(column(window, CaseColumn.REF)) == refs
    assert window.status_text().startswith(f"{len(refs)} of 30 cases")


def test_filter_matching_nothing_says_so(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    window = make_window(qtbot, seeded, inline_runner, prompts)
    window.filter_edit.setText("xyz")
    assert window.proxy.rowCount() == 0
    assert window.table.placeholder_text() == "No case matches “xyz”"
    window.filter_edit.clear()
    assert window.table.placeholder_text() == ""


def test_ctrl_f_focuses_filter_and_escape_clears_it(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    window = make_window(qtbot, seeded, inline_runner, prompts)
    window.activateWindow()
    window.table.setFocus()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.filter_edit.hasFocus()
    window.filter_edit.setText("petrov")
    qtbot.keyClick(window.filter_edit, Qt.Key.Key_Escape)
    assert window.filter_edit.text() == ""
    assert window.proxy.rowCount() == 30


def test_empty_caseload(
    qtbot: QtBot, store: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    window = make_window(qtbot, store, inline_runner, prompts)
    assert window.table.placeholder_text() == EMPTY_CASELOAD
    assert window.status_text() == "0 cases · not synced yet"
    assert window.windowTitle() == "Doorstep"


def test_demo_key_file_is_in_the_title(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    seeded.secrets.source = "demo key file"
    window = make_window(qtbot, seeded, inline_runner, prompts)
    assert window.windowTitle() == (
        "Doorstep — Alex Smith — DEMO (database key in a file, not the keyring)"
    )


def test_viewing_the_caseload_is_audited_without_personal_data(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    window = make_window(qtbot, seeded, inline_runner, prompts)
    window.load_caseload()  # a reload is not a second viewing
    with seeded.session() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.event == "caseload.viewed")
        ).all()
    assert len(events) == 1
    assert events[0].officer_id is not None
    assert events[0].detail == {"cases": 30}


def test_sync_reloads_and_keeps_filter_and_sort(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    progress_seen: list[str] = []

    def fake_sync(*, store: LocalStore, progress: Any) -> SyncSummary:
        progress(1, 2, "Downloading changes…")
        progress_seen.append(window.progress_label.text())
        with store.session() as session:
            add_case(
                session,
                ref="T999999",
                address="9 New Road",
                postcode="AB1 2CD",
                weekly_rent_pence=10000,
                people=[("Mr", "Neil", "New", True)],
                ledger=[2_000_000],
            )
            session.commit()
        return summary()

    window = make_window(qtbot, seeded, inline_runner, prompts, fake_sync)
    window.filter_edit.setText("ab12cd")
    window.sync_action.trigger()
    assert progress_seen == ["Downloading changes…"]
    assert column(window, CaseColumn.REF) == ["T999999", "T000001"]
    assert window.filter_edit.text() == "ab12cd"
    assert "last synced" in window.status_text() or "not synced yet" in window.status_text()
    assert window.progress_bar.isHidden()
    assert window.sync_action.isEnabled()


def test_offline_sync_is_a_status_message_not_a_modal(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    def offline(**kwargs: Any) -> SyncSummary:
        raise Offline("Cannot reach the Doorstep server.")

    window = make_window(qtbot, seeded, inline_runner, prompts, offline)
    window.sync_now()
    assert window.status_text() == "30 cases · Offline: Cannot reach the Doorstep server."
    assert prompts.shown == []
    assert window.sync_action.isEnabled()
    assert window.proxy.rowCount() == 30


def test_other_sync_failure_is_shown_in_status(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    def refused(**kwargs: Any) -> SyncSummary:
        raise AuthRejected("This laptop's sign-in was withdrawn; sign in again.")

    window = make_window(qtbot, seeded, inline_runner, prompts, refused)
    window.sync_now()
    assert "Sync failed: This laptop's sign-in was withdrawn" in window.status_text()
    assert prompts.shown == []


def test_sync_action_disabled_while_running(
    qtbot: QtBot, seeded: LocalStore, thread_runner: ThreadRunner, prompts: RecordingPrompts
) -> None:
    gate = threading.Event()

    def slow_sync(*, store: LocalStore, progress: Any) -> SyncSummary:
        progress(0, None, "Sending your changes…")
        assert gate.wait(10)
        return summary()

    window = make_window(qtbot, seeded, thread_runner, prompts, slow_sync)
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 30, timeout=5000)
    window.sync_now()
    assert not window.sync_action.isEnabled()
    assert window.progress_bar.isVisible()
    qtbot.waitUntil(lambda: window.progress_label.text() == "Sending your changes…", timeout=5000)
    gate.set()
    qtbot.waitUntil(lambda: window.sync_action.isEnabled(), timeout=5000)
    qtbot.waitUntil(lambda: not window.is_syncing() and window.progress_bar.isHidden())


def test_loads_on_a_real_worker_thread(
    qtbot: QtBot, seeded: LocalStore, thread_runner: ThreadRunner, prompts: RecordingPrompts
) -> None:
    window = make_window(qtbot, seeded, thread_runner, prompts)
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 30, timeout=5000)
    assert window.status_text().startswith("30 cases")


def test_format_synced_in_london_time() -> None:
    from datetime import UTC, datetime

    moment = datetime(2026, 7, 1, 13, 5, tzinfo=UTC)  # 14:05 BST
    assert format_synced(moment, now=datetime(2026, 7, 1, 20, 0, tzinfo=UTC)) == (
        "last synced today at 14:05"
    )
    assert format_synced(moment, now=datetime(2026, 7, 3, 9, 0, tzinfo=UTC)) == (
        "last synced 1 Jul 2026 at 14:05"
    )
    assert format_synced(None) == "not synced yet"


def test_closing_the_window_closes_the_store(
    qtbot: QtBot,
    seeded: LocalStore,
    inline_runner: InlineRunner,
    prompts: RecordingPrompts,
    tmp_path: Path,
) -> None:
    window = make_window(qtbot, seeded, inline_runner, prompts)
    closed: list[bool] = []
    original = seeded.close
    seeded.close = lambda: (closed.append(True), original())[-1]  # type: ignore[method-assign]
    window.close()
    assert closed == [True]


def test_selection_follows_the_case_through_sort_and_reload(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    window = make_window(qtbot, seeded, inline_runner, prompts)
    target = next(
        window.proxy.row_at(r) for r in range(30) if window.proxy.row_at(r).ref == "T000002"
    )
    assert window.select_case(target.tenancy_id)
    window.table.sortByColumn(CaseColumn.REF, Qt.SortOrder.AscendingOrder)
    selected = window.selected_case()
    assert selected is not None
    assert selected.ref == "T000002"
    assert window.table.selectionModel().selectedRows()[0].row() == 1
    window.load_caseload()
    selected = window.selected_case()
    assert selected is not None
    assert selected.ref == "T000002"
