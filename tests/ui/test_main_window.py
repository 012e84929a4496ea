"""The main window over a seeded local store: the worklist, its filters and counts, sorting,
the keyboard, opening a case, empty states, loading on a real worker, and sync."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.models import AuditEvent
from app.services.sync import SyncSummary
from app.services.workspace import Workspace
from app.store.database import LocalStore
from app.sync.client import AuthRejected, Offline
from app.ui.main_window import MainWindow
from app.ui.ops import InlineRunner, ThreadRunner
from app.ui.table_model import SortRole
from app.ui.text.worklist import DOWNLOADING_CASELOAD, EMPTY_CASELOAD, format_synced
from app.ui.worklist_model import MarkersRole, WorkFlag, WorklistColumn
from app.ui.worklist_view import CELL_PADDING
from tests.ui.fakes import RecordingPrompts
from tests.ui.seed import add_case
from tests.ui.windows import assert_fits_laptop, make_window, ui_context


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


def column(
    window: MainWindow, col: WorklistColumn, role: int = Qt.ItemDataRole.DisplayRole
) -> list[Any]:
    proxy = window.proxy
    return [proxy.index(r, col).data(role) for r in range(proxy.rowCount())]


def refs(window: MainWindow) -> list[str]:
    return [window.proxy.row_at(r).ref for r in range(window.proxy.rowCount())]


def test_shows_the_worklist_most_urgent_first(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    window = make_window(qtbot, seeded, inline_runner, prompts)
    assert window.proxy.rowCount() == 30
    assert column(window, WorklistColumn.PRIORITY, SortRole) == list(range(1, 31))
    assert refs(window)[0] == "T000001"  # the most overdue arrears with an action due now
    first = 0
    assert window.proxy.index(first, WorklistColumn.BALANCE).data() == "£1,000.00"
    assert window.proxy.index(first, WorklistColumn.WEEKS).data() == "4.10"
    assert window.proxy.index(first, WorklistColumn.LEAD).data() == "Ms Zoë Ångström-Ward"
    assert window.proxy.index(first, WorklistColumn.NEXT_ACTION).data() == "Send arrears letter 2"
    assert (
        "Flat 3, Ångström House, 12 Mill Lane"
        in window.proxy.index(first, WorklistColumn.ADDRESS).data()
    )
    credit = refs(window).index("T000003")
    assert window.proxy.index(credit, WorklistColumn.BALANCE).data() == "-£12.00"
    assert window.status_text() == "30 cases · not synced yet"
    assert window.windowTitle() == "Doorstep — Alex Smith"
    assert window.table.placeholder_text() == ""
    assert window.filter_panel.flag_boxes[WorkFlag.DUE_NOW].text() == "Action due today (20)"
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
    window.table.sortByColumn(WorklistColumn.BALANCE, Qt.SortOrder.AscendingOrder)
    assert column(window, WorklistColumn.BALANCE) == ["-£5.00", "£90.00", "£900.00", "£1,000.00"]
    window.table.sortByColumn(WorklistColumn.BALANCE, Qt.SortOrder.DescendingOrder)
    assert column(window, WorklistColumn.REF) == ["B", "A", "C", "D"]


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
    assert set(column(window, WorklistColumn.REF)) == refs
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
    window.load_worklist()  # a reload is not a second viewing
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

    def fake_sync(workspace: Workspace, *, progress: Any) -> SyncSummary:
        progress(1, 2, "Downloading changes…")
        progress_seen.append(window.progress_label.text())
        with workspace.store.session() as session:
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
    assert column(window, WorklistColumn.REF) == ["T999999", "T000001"]
    assert window.filter_edit.text() == "ab12cd"
    assert "last synced" in window.status_text() or "not synced yet" in window.status_text()
    assert window.progress_bar.isHidden()
    assert window.sync_action.isEnabled()


def test_offline_sync_is_a_status_message_not_a_modal(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    def offline(workspace: Workspace, **kwargs: Any) -> SyncSummary:
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
    def refused(workspace: Workspace, **kwargs: Any) -> SyncSummary:
        raise AuthRejected("This laptop's sign-in was withdrawn; sign in again.")

    window = make_window(qtbot, seeded, inline_runner, prompts, refused)
    window.sync_now()
    assert "Sync failed: This laptop's sign-in was withdrawn" in window.status_text()
    assert prompts.shown == []


def test_sync_action_disabled_while_running(
    qtbot: QtBot, seeded: LocalStore, thread_runner: ThreadRunner, prompts: RecordingPrompts
) -> None:
    gate = threading.Event()

    def slow_sync(workspace: Workspace, *, progress: Any) -> SyncSummary:
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
    assert format_synced(None, now=datetime(2026, 7, 1, 20, 0, tzinfo=UTC)) == "not synced yet"


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
    window.table.sortByColumn(WorklistColumn.REF, Qt.SortOrder.AscendingOrder)
    selected = window.selected_case()
    assert selected is not None
    assert selected.case.ref == "T000002"
    assert window.table.selectionModel().selectedRows()[0].row() == 1
    window.load_worklist()
    selected = window.selected_case()
    assert selected is not None
    assert selected.case.ref == "T000002"
    assert "T000002 · Mr Ivan Petrov" in window.details_label.text()
    assert "on hold to 4 Jul 2026" in window.details_label.text()


def test_loads_on_a_real_worker_and_says_when(
    qtbot: QtBot, seeded: LocalStore, thread_runner: ThreadRunner, prompts: RecordingPrompts
) -> None:
    window = MainWindow(ui_context(seeded, thread_runner, prompts))
    qtbot.addWidget(window)
    assert window.table.placeholder_text() == "Loading your caseload…"
    with qtbot.waitSignal(window.worklist_loaded, timeout=10_000) as loaded:
        window.show()
    assert loaded.args == [30]
    assert window.progress_bar.isHidden()
    assert refs(window)[0] == "T000001"


def test_the_filter_panel_filters_and_counts(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    window = make_window(qtbot, seeded, inline_runner, prompts)
    panel = window.filter_panel
    boxes = panel.flag_boxes
    assert [box.text() for box in boxes.values()] == [
        "Action due today (20)",
        "Follow-up due (1)",
        "Broken promise (0)",
        "Live arrangement (2)",
        "Vulnerable (2)",
        "Breathing Space (1)",
    ]
    assert panel.stage_combo.itemText(0) == "All stages (30)"
    assert panel.stage_combo.itemText(panel.stage_combo.findData("letter_1")) == (
        "Arrears letter 1 sent (1)"
    )
    assert not panel.clear_button.isEnabled()

    boxes[WorkFlag.VULNERABLE].setChecked(True)
    assert set(refs(window)) == {"T000001", "T000109"}
    assert boxes[WorkFlag.DUE_NOW].text() == "Action due today (2)"  # of the vulnerable
    assert window.status_text().startswith("2 of 30 cases")
    assert panel.clear_button.isEnabled()

    panel.band_combo.setCurrentIndex(panel.band_combo.findData("4–8 weeks"))
    assert set(refs(window)) == {"T000001", "T000109"}
    panel.stage_combo.setCurrentIndex(panel.stage_combo.findData("letter_1"))
    assert refs(window) == ["T000001"]
    assert panel.stage_combo.itemText(0) == "All stages (2)"

    window.filter_edit.setText("brenda")
    assert refs(window) == []
    assert window.table.placeholder_text() == "No case matches “brenda” with these filters"
    assert boxes[WorkFlag.VULNERABLE].text() == "Vulnerable (0)"

    # Clear filters clears everything, the text typed too (issue 10: it used to keep it).
    panel.clear_button.click()
    assert window.filter_edit.text() == ""
    assert len(refs(window)) == 30
    assert not any(box.isChecked() for box in boxes.values())
    assert panel.stage_combo.currentIndex() == 0
    assert panel.band_combo.currentIndex() == 0
    assert boxes[WorkFlag.VULNERABLE].text() == "Vulnerable (2)"
    assert not panel.clear_button.isEnabled()


def test_filter_only_from_the_panel_says_so_when_empty(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    window = make_window(qtbot, seeded, inline_runner, prompts)
    window.filter_panel.flag_boxes[WorkFlag.BREATHING_SPACE].setChecked(True)
    window.filter_panel.flag_boxes[WorkFlag.LIVE_ARRANGEMENT].setChecked(True)
    assert window.proxy.rowCount() == 0
    assert window.table.placeholder_text() == "No case matches these filters"


def test_keyboard_down_from_the_filter_then_enter_opens_the_case(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    window = make_window(qtbot, seeded, inline_runner, prompts)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.focus_filter()
    window.filter_edit.setText("road")
    qtbot.keyClick(window.filter_edit, Qt.Key.Key_Down)
    assert window.table.hasFocus()
    selected = window.selected_case()
    assert selected is not None
    assert selected.case.ref == refs(window)[0]
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    selected = window.selected_case()
    assert selected is not None
    assert selected.case.ref == refs(window)[1]
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    opened = window.case_windows()
    assert list(opened) == [selected.tenancy_id]
    case = opened[selected.tenancy_id]
    assert case.case is not None
    assert case.case.ref == selected.case.ref
    assert case.isVisible()


def test_enter_in_the_filter_box_opens_the_only_match(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    window = make_window(qtbot, seeded, inline_runner, prompts)
    window.filter_edit.setText("petrov")
    qtbot.keyClick(window.filter_edit, Qt.Key.Key_Return)
    [case] = window.case_windows().values()
    assert case.case is not None
    assert case.case.ref == "T000002"


def test_double_click_opens_the_case_and_a_second_open_raises_the_same_window(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    window = make_window(qtbot, seeded, inline_runner, prompts)
    index = window.proxy.index(0, WorklistColumn.LEAD)
    rect = window.table.visualRect(index)
    viewport = window.table.viewport()
    # A view acts on a double-click only on the row the press was on, so press first.
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    [first] = window.case_windows().values()
    assert first.case is not None
    assert first.case.ref == refs(window)[0]
    assert window.open_case(first.tenancy_id) is first
    other = window.open_case(window.proxy.row_at(1).tenancy_id)
    assert other is not first
    assert len(window.case_windows()) == 2
    first.close()
    assert list(window.case_windows()) == [other.tenancy_id]  # type: ignore[union-attr]
    window.close()
    assert not other.isVisible()  # type: ignore[union-attr]


def test_a_recovery_policy_that_cannot_be_used_is_a_clear_message(
    qtbot: QtBot,
    seeded: LocalStore,
    inline_runner: InlineRunner,
    prompts: RecordingPrompts,
) -> None:
    (seeded.path.parent / "recovery-policy.toml").write_text("version = 1\n", encoding="utf-8")
    window = make_window(qtbot, seeded, inline_runner, prompts)
    [(kind, _title, text)] = prompts.shown
    assert kind == "error"
    assert "recovery-policy.toml cannot be used" in text
    assert "recovery-policy.toml cannot be used" in window.status_text()
    assert window.open_selected_case() is None


def test_actions_the_central_store_refused_are_announced_after_a_sync(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    def refused_two(workspace: Workspace, **kwargs: Any) -> SyncSummary:
        return replace(summary(), pushed=3, rejected=2)

    window = make_window(qtbot, seeded, inline_runner, prompts, refused_two)
    window.sync_now()
    assert "The central store refused 2 recorded action(s)" in window.status_text()
    assert prompts.shown == []


def click_header(qtbot: QtBot, window: MainWindow, col: WorklistColumn) -> None:
    header = window.table.horizontalHeader()
    x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
    assert 0 <= x < header.viewport().width(), f"the {col.name} header is off screen"
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


@pytest.mark.parametrize("col", [WorklistColumn.BALANCE, WorklistColumn.WEEKS])
def test_the_first_click_on_balance_or_weeks_puts_the_biggest_arrears_first(
    qtbot: QtBot,
    seeded: LocalStore,
    inline_runner: InlineRunner,
    prompts: RecordingPrompts,
    col: WorklistColumn,
) -> None:
    # Failed before the fix: the first click sorted ascending, credits first.
    window = make_window(qtbot, seeded, inline_runner, prompts)
    click_header(qtbot, window, col)
    values = column(window, col, SortRole)
    assert values == sorted(values, reverse=True)
    click_header(qtbot, window, col)  # a second click turns it round, as anywhere
    values = column(window, col, SortRole)
    assert values == sorted(values)


def test_the_first_click_on_warnings_puts_the_most_serious_first_then_by_priority(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    # Failed before the fix: the first click sorted ascending, cases with no warning first.
    window = make_window(qtbot, seeded, inline_runner, prompts)
    click_header(qtbot, window, WorklistColumn.WARNINGS)
    # An officer-safety warning outweighs the others together; vulnerability outweighs
    # Breathing Space.
    weights = [
        sum(4 >> int(marker) for marker in markers)
        for markers in column(window, WorklistColumn.WARNINGS, MarkersRole)
    ]
    assert weights == sorted(weights, reverse=True)
    assert weights[0] > 0, "a case with a warning comes first"
    ranks = [int(r) for r in column(window, WorklistColumn.PRIORITY)]
    for weight in set(weights):
        same = [rank for rank, w in zip(ranks, weights, strict=True) if w == weight]
        assert same == sorted(same), "cases alike in warnings stay in priority order"


def test_the_first_click_on_ref_still_sorts_a_to_z(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    window = make_window(qtbot, seeded, inline_runner, prompts)
    click_header(qtbot, window, WorklistColumn.REF)
    assert refs(window) == sorted(refs(window))


def test_clear_filters_is_enabled_by_the_text_alone_and_clears_it(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    # Failed before the fix: the button stayed disabled while only a search was active.
    window = make_window(qtbot, seeded, inline_runner, prompts)
    clear = window.filter_panel.clear_button
    window.filter_edit.setText("petrov")
    assert refs(window) == ["T000002"]
    assert clear.isEnabled()
    clear.click()
    assert window.filter_edit.text() == ""
    assert window.proxy.filter_text() == ""
    assert window.proxy.rowCount() == 30
    assert window.status_text().startswith("30 cases")
    assert not clear.isEnabled()
    window.filter_edit.setText("   ")  # blanks filter nothing
    assert not clear.isEnabled()


def offline(workspace: Workspace, **kwargs: Any) -> SyncSummary:
    raise Offline("Cannot reach the Doorstep server at https://doorstep.example.gov.uk.")


def assert_every_column_on_screen(window: MainWindow) -> None:
    """No sideways scrolling; each header reads in full (with its sort arrow)."""
    assert_fits_laptop(window)
    table = window.table
    header = table.horizontalHeader()
    widths = [table.columnWidth(col) for col in WorklistColumn]
    assert sum(widths) <= table.viewport().width()
    for col in WorklistColumn:
        needed = header.sectionSizeFromContents(col).width()
        assert widths[col] >= needed, f"the {col.name} header is cut off"


def text_fits(window: MainWindow, row: int, col: WorklistColumn) -> bool:
    index = window.proxy.index(row, col)
    font = index.data(Qt.ItemDataRole.FontRole) or QFont(window.table.font())
    needed = QFontMetrics(font).horizontalAdvance(str(index.data())) + CELL_PADDING
    return needed <= window.table.columnWidth(col)


def test_the_worklist_fits_a_laptop_with_every_column_on_screen(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    # Failed before the fix: the list scrolled sideways with Due, Stage and Reason off screen.
    window = make_window(qtbot, seeded, inline_runner, prompts, offline)
    assert_every_column_on_screen(window)
    # What an officer scans reads in full: the usual next actions, every due date and stage.
    shown = range(window.proxy.rowCount())
    for col in (
        WorklistColumn.PRIORITY,
        WorklistColumn.REF,
        WorklistColumn.BALANCE,
        WorklistColumn.WEEKS,
        WorklistColumn.DUE,
        WorklistColumn.STAGE,
    ):
        assert all(text_fits(window, row, col) for row in shown), col.name
    cut = [
        window.proxy.index(row, WorklistColumn.NEXT_ACTION).data()
        for row in shown
        if not text_fits(window, row, WorklistColumn.NEXT_ACTION)
    ]
    assert cut == ["Contact the tenant about the broken arrangement"]  # in its tooltip too
    window.sync_now()  # offline: the problem is in the status bar
    assert_every_column_on_screen(window)
    window.filter_panel.flag_boxes[WorkFlag.VULNERABLE].setChecked(True)
    window.focus_table()  # a case selected: its warnings under the list
    assert_every_column_on_screen(window)


def test_long_names_and_addresses_stay_on_screen_and_read_in_full_elsewhere(
    qtbot: QtBot, store: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    name = ("Dr", "Maximiliana-Josephine", "Featherstonehaugh-Cholmondeley-Worthington", True)
    with store.session() as session:
        add_case(
            session,
            ref="T123456789",
            address="Flat 1024, Ångström-Featherstonehaugh Court\nLong Meadow Industrial Estate",
            postcode="AB12 3CD",
            weekly_rent_pence=10000,
            people=[name],
            ledger=[1_234_500],
        )
        session.commit()
    window = make_window(qtbot, store, inline_runner, prompts)
    assert_every_column_on_screen(window)
    lead = window.proxy.index(0, WorklistColumn.LEAD)
    assert "Featherstonehaugh-Cholmondeley-Worthington" in lead.data(Qt.ItemDataRole.ToolTipRole)
    address = window.proxy.index(0, WorklistColumn.ADDRESS)
    tip = address.data(Qt.ItemDataRole.ToolTipRole)
    assert tip.endswith("Long Meadow Industrial Estate, AB12 3CD")
    window.focus_table()
    assert "Featherstonehaugh-Cholmondeley-Worthington" in window.details_label.text()
    assert_every_column_on_screen(window)


def test_a_long_load_problem_is_cut_short_in_the_status_bar_and_read_in_full_above(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    # Failed before the fix: the status line was cut off at the window's edge.
    (seeded.path.parent / "recovery-policy.toml").write_text("version = 1\n", encoding="utf-8")
    window = make_window(qtbot, seeded, inline_runner, prompts)
    problem = window.status_text()
    assert "recovery-policy.toml cannot be used" in problem
    assert window.table.placeholder_text() == problem  # word-wrapped over the list
    assert_fits_laptop(window)
    shown = window.status_label.text()
    assert shown.endswith("…")
    assert problem.startswith(shown[:-1])
    assert window.status_label.toolTip() == problem


def combo_text_fits(combo: QComboBox) -> bool:
    """The combo box's current text reads in full in its box."""
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox,
        option,
        QStyle.SubControl.SC_ComboBoxEditField,
        combo,
    )
    return combo.fontMetrics().horizontalAdvance(combo.currentText()) <= field.width()


def test_every_stage_and_band_reads_in_full_in_its_box(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    # Failed before the fix: a long stage ("Notice of seeking possession served") was clipped.
    window = make_window(qtbot, seeded, inline_runner, prompts)
    for combo in (window.filter_panel.stage_combo, window.filter_panel.band_combo):
        for index in range(combo.count()):
            combo.setCurrentIndex(index)
            assert combo_text_fits(combo), combo.currentText()
            assert_fits_laptop(window)


def test_the_filter_boxes_stay_put_as_their_counts_change(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    window = make_window(qtbot, seeded, inline_runner, prompts)
    panel = window.filter_panel

    def places() -> list[int]:
        widgets = [*panel.flag_boxes.values(), panel.stage_combo, panel.clear_button]
        return [widget.mapTo(window, QPoint(0, 0)).x() for widget in widgets]

    before = places()
    window.filter_edit.setText("zzz")  # every count drops to 0
    assert panel.flag_boxes[WorkFlag.DUE_NOW].text() == "Action due today (0)"
    assert places() == before


def test_while_the_first_sync_runs_the_empty_list_says_it_is_downloading(
    qtbot: QtBot, store: LocalStore, thread_runner: ThreadRunner, prompts: RecordingPrompts
) -> None:
    # Failed before the fix: "press Sync now" while the sync ran with the button disabled.
    gate = threading.Event()

    def slow_offline(workspace: Workspace, *, progress: Any) -> SyncSummary:
        assert gate.wait(10)
        raise Offline("Cannot reach the Doorstep server.")

    window = make_window(qtbot, store, thread_runner, prompts, slow_offline)
    qtbot.waitUntil(lambda: window.table.placeholder_text() == EMPTY_CASELOAD, timeout=5000)
    window.sync_now()
    assert not window.sync_action.isEnabled()
    assert window.table.placeholder_text() == DOWNLOADING_CASELOAD
    window.filter_edit.setText("a")  # any refresh while it runs says the same
    window.filter_edit.clear()
    assert window.table.placeholder_text() == DOWNLOADING_CASELOAD
    gate.set()
    qtbot.waitUntil(window.sync_action.isEnabled, timeout=5000)
    assert window.table.placeholder_text() == EMPTY_CASELOAD  # Sync now can be pressed again
    assert "Offline" in window.status_text()


def test_the_first_load_finishing_during_the_first_sync_says_downloading(
    qtbot: QtBot, store: LocalStore, thread_runner: ThreadRunner, prompts: RecordingPrompts
) -> None:
    # As on first start: the window is shown, the download starts, then the (empty) caseload
    # is read from the laptop while it runs.
    gate = threading.Event()

    def slow_sync(workspace: Workspace, *, progress: Any) -> SyncSummary:
        assert gate.wait(10)
        return summary()

    window = MainWindow(ui_context(store, thread_runner, prompts), sync_fn=slow_sync)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.worklist_loaded, timeout=10_000):
        window.sync_now(with_dialog=True)
    assert window.table.placeholder_text() == DOWNLOADING_CASELOAD
    with qtbot.waitSignal(window.worklist_loaded, timeout=10_000):
        gate.set()  # the sync ends and the caseload is read again
    assert window.table.placeholder_text() == EMPTY_CASELOAD


def test_a_sync_can_be_stopped_and_what_was_done_is_kept(
    qtbot: QtBot, seeded: LocalStore, thread_runner: ThreadRunner, prompts: RecordingPrompts
) -> None:
    """Issue 11: a silent server held Sync for two minutes with no way to stop it."""
    steps: list[int] = []

    def slow_sync(workspace: Any, *, progress: Any) -> Any:
        for step in range(3000):  # a page every 10 ms, for half a minute
            progress(step, 3000, f"Downloaded {step} changes")
            steps.append(step)
            time.sleep(0.01)
        raise AssertionError("the sync was not stopped")

    window = make_window(qtbot, seeded, thread_runner, prompts, sync_fn=slow_sync)
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 30, timeout=10_000)
    assert window.stop_sync_button.isHidden()
    window.sync_now()
    qtbot.waitUntil(lambda: len(steps) >= 5, timeout=10_000)
    assert window.stop_sync_button.isVisible()
    qtbot.mouseClick(window.stop_sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.is_syncing(), timeout=10_000)
    assert len(steps) < 3000
    assert window.stop_sync_button.isHidden()
    assert window.sync_action.isEnabled()
    assert "Sync stopped: what was sent or received before is kept" in window.status_text()
    assert prompts.shown == []


def test_a_laptop_wiped_by_it_says_so_and_closes(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    from app.services.workspace import CaseloadErased

    def wiped(workspace: Any, *, progress: Any) -> Any:
        raise CaseloadErased("IT has withdrawn this laptop from Doorstep: ... erased.")

    window = make_window(qtbot, seeded, inline_runner, prompts, sync_fn=wiped)
    window.sync_now()
    [(kind, title, text)] = prompts.shown
    assert (kind, title) == ("error", "This laptop was withdrawn")
    assert text.startswith("IT has withdrawn this laptop")
    assert not window.isVisible()
