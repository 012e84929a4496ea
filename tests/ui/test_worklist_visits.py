"""Promises to pay and follow-ups in the worklist window (docs/rules.md F3a, F3b): the filters
for follow-ups due and broken promises with their counts, a follow-up shown in place of the
next action, the broken promise's contact, the reason in the row and under the list, and the
window still fitting the laptop. Over the seed's caseload with ``seed_visit_records``, read on
Monday 18 May 2026."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.visits import ContactDetails, FollowUpTerms, PromiseTerms, record_contact
from app.store.database import LocalStore
from app.ui.main_window import MainWindow
from app.ui.ops import InlineRunner
from app.ui.table_model import SortRole
from app.ui.worklist_model import WorkFlag, WorklistColumn
from tests.ui.fakes import RecordingPrompts
from tests.ui.seed import seed_visit_records
from tests.ui.windows import assert_fits_laptop, make_window, row_of

FOLLOW_UPS = {"T000124", "T000101", "T000102"}  # due today, a pause ended, overdue
BROKEN = {"T000117", "T000002"}  # asks for contact; held by Breathing Space
RED = (183, 28, 28)


@pytest.fixture
def visited(seeded: LocalStore) -> LocalStore:
    seed_visit_records(seeded)
    return seeded


@pytest.fixture
def window(
    qtbot: QtBot, visited: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> MainWindow:
    return make_window(qtbot, visited, inline_runner, prompts)


def refs(window: MainWindow) -> list[str]:
    return [window.proxy.row_at(r).ref for r in range(window.proxy.rowCount())]


def cell(window: MainWindow, ref: str, column: WorklistColumn, role: int = 0) -> Any:
    index = window.proxy.index(row_of(window, ref), column)
    return index.data(role or Qt.ItemDataRole.DisplayRole)


def test_the_filters_for_follow_ups_and_broken_promises_and_their_counts(
    window: MainWindow,
) -> None:
    boxes = window.filter_panel.flag_boxes
    assert [box.text() for box in boxes.values()][:3] == [
        "Action due today (21)",  # the broken promise's contact, overdue since 12 May
        "Follow-up due (3)",
        "Broken promise (2)",
    ]
    boxes[WorkFlag.FOLLOW_UP].setChecked(True)
    assert set(refs(window)) == FOLLOW_UPS
    assert boxes[WorkFlag.BROKEN_PROMISE].text() == "Broken promise (0)"
    assert window.status_text().startswith("3 of 30 cases")

    window.filter_panel.clear()
    boxes[WorkFlag.BROKEN_PROMISE].setChecked(True)
    assert set(refs(window)) == BROKEN
    assert boxes[WorkFlag.BREATHING_SPACE].text() == "Breathing Space (1)"  # of the two
    assert boxes[WorkFlag.DUE_NOW].text() == "Action due today (1)"
    window.filter_panel.clear()
    assert len(refs(window)) == 30
    assert_fits_laptop(window)


def test_a_follow_up_due_or_overdue_shows_in_place_of_the_next_action(window: MainWindow) -> None:
    action, due = WorklistColumn.NEXT_ACTION, WorklistColumn.DUE
    tip, font, colour = (
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.ForegroundRole,
    )
    overdue = "T000102"  # clear; a follow-up overdue since Thursday 14 May
    assert cell(window, overdue, action) == "Follow-up: Ring about the DHP application"
    assert cell(window, overdue, due) == "14 May 2026"
    assert cell(window, overdue, due, font).bold()
    red = cell(window, overdue, due, colour).color()
    assert (red.red(), red.green(), red.blue()) == RED
    assert cell(window, overdue, due, tip) == "Follow-up overdue since 14 May 2026 (4 days ago)"
    assert cell(window, overdue, due, SortRole) is not None
    reason = cell(window, overdue, WorklistColumn.REASON)
    assert "follow-up overdue since 14 May 2026: Ring about the DHP application" in reason

    today = "T000124"  # a hearing date holds letter 1; the follow-up is due today
    assert cell(window, today, action) == "Follow-up: Confirm the hearing"
    assert cell(window, today, due) == "Today"
    assert cell(window, today, action, font).bold()
    assert cell(window, today, action, colour) is None  # not muted as the held action would be
    assert cell(window, today, action, tip) == (
        "Follow-up: Confirm the hearing\nNext action: Send arrears letter 1\n"
        "On hold: Possession hearing on 15 Jun 2026"
    )
    # A follow-up next week is not shown; the case keeps its own line.
    assert not cell(window, "T000108", action).startswith("Follow-up")
    # Needing contact today: among the first rows, with the actions due now.
    ranks = {ref: window.proxy.row_at(row_of(window, ref)).rank for ref in FOLLOW_UPS}
    due_now = sum(window.proxy.row_at(r).item.advice.due_now for r in range(30))
    assert max(ranks.values()) <= due_now + len(FOLLOW_UPS)


def test_the_broken_promise_is_the_reason_in_the_row_and_under_the_list(
    window: MainWindow,
) -> None:
    broken = "T000117"
    assert cell(window, broken, WorklistColumn.NEXT_ACTION) == "Contact about the broken promise"
    assert cell(window, broken, WorklistColumn.DUE) == "12 May 2026"  # 2 working days on
    reason = cell(window, broken, WorklistColumn.REASON)
    assert "promise of £50.00 by 8 May 2026 broken: £0.00 paid by 10 May 2026" in reason
    assert window.select_case(window.proxy.row_at(row_of(window, broken)).tenancy_id)
    details = window.details_label.text()
    assert "next action: <b>Contact about the broken promise</b> — due since 12 May 2026" in (
        details
    )
    assert "promise of £50.00 by 8 May 2026 broken" in details

    held = "T000002"  # Breathing Space: no chasing, the reason still says it
    assert cell(window, held, WorklistColumn.DUE) == "On hold to 4 Jul 2026"
    assert "promise of £20.00 by 8 May 2026 broken" in cell(window, held, WorklistColumn.REASON)

    kept = "T000100"
    assert "promise of £10.00 by 18 May 2026 kept (£754.55 paid)" in cell(
        window, kept, WorklistColumn.REASON
    )

    overdue = window.proxy.row_at(row_of(window, "T000102")).tenancy_id
    assert window.select_case(overdue)
    assert (
        "<b>Follow-up overdue since 14 May 2026 (4 days ago):</b> Ring about the DHP application"
        in window.details_label.text()
    )
    assert_fits_laptop(window)


def test_the_due_column_sorts_a_follow_up_by_its_day(window: MainWindow) -> None:
    window.table.sortByColumn(WorklistColumn.DUE, Qt.SortOrder.AscendingOrder)
    order = refs(window)
    assert order.index("T000117") < order.index("T000102") < order.index("T000124")
    assert order.index("T000124") < order.index("T000002")  # held ones after dates


def test_the_model_passes_the_model_tester(qtmodeltester: Any, window: MainWindow) -> None:
    qtmodeltester.check(window.proxy.worklist_model())
    window.filter_panel.flag_boxes[WorkFlag.BROKEN_PROMISE].setChecked(True)
    qtmodeltester.check(window.proxy)


def test_a_visit_record_made_elsewhere_moves_its_row_at_once(window: MainWindow) -> None:
    """A promise made on a visit (another screen) is read again for that case alone."""
    ref = "T000113"  # a rent reminder due since 6 April; no visit records
    tenancy_id = window.proxy.row_at(row_of(window, ref)).tenancy_id
    workspace = window.context.workspace
    recorded = record_contact(
        workspace,
        tenancy_id=tenancy_id,
        details=ContactDetails(
            on=date(2026, 5, 4),
            how="home_visit",
            outcome="promise_to_pay",
            promise=PromiseTerms(amount_pence=3000, due_on=date(2026, 5, 6)),
            follow_up=FollowUpTerms(date(2026, 5, 11), "See if the payment came in"),
        ),
    )
    window.context.changes.operation_did_execute.emit(recorded, None)
    assert "promise of £30.00 by 6 May 2026 broken" in cell(window, ref, WorklistColumn.REASON)
    assert cell(window, ref, WorklistColumn.NEXT_ACTION) == "Send a rent reminder"  # due sooner
    assert window.filter_panel.flag_boxes[WorkFlag.BROKEN_PROMISE].text() == "Broken promise (3)"
    assert window.filter_panel.flag_boxes[WorkFlag.FOLLOW_UP].text() == "Follow-up due (4)"
