"""Drafts saved as you type (issue 12): a half-typed action or arrangement is in the encrypted
database a moment after each change, comes back as it was at the next start (as after a
crash), and goes once the form is saved or cancelled."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.models import FormDraft
from app.services.screen_lock import take_open_forms
from app.store.database import LocalStore
from app.ui.main_window import MainWindow
from app.ui.ops import InlineRunner
from tests.ui.fakes import RecordingPrompts
from tests.ui.seed import SEED_TODAY
from tests.ui.windows import make_window, open_ref
from tests.workspaces import workspace_on


@pytest.fixture
def window(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> MainWindow:
    return make_window(qtbot, seeded, inline_runner, prompts)


def drafts(store: LocalStore) -> int:
    with store.session() as session:
        return int(session.execute(select(func.count()).select_from(FormDraft)).scalar_one())


def test_a_half_typed_action_is_kept_and_comes_back_and_cancelling_drops_it(
    qtbot: QtBot, window: MainWindow, seeded: LocalStore
) -> None:
    case = open_ref(window, "T000003")
    dialog = case.record_action()
    assert dialog is not None
    dialog.set_code("contact")
    dialog.note_edit.setPlainText("Rang twice; left a message with Siân")
    qtbot.waitUntil(lambda: drafts(seeded) == 1, timeout=3_000)
    kept = take_open_forms(workspace_on(seeded, SEED_TODAY))  # as the next start does
    assert [(f.kind, f.state["note"]) for f in kept] == [
        ("record_action", "Rang twice; left a message with Siân")
    ]
    again = open_ref(window, "T000002")
    again.reopen(kept)
    assert again.record_dialog is not None
    assert again.record_dialog.note_edit.toPlainText() == "Rang twice; left a message with Siân"
    qtbot.waitUntil(lambda: drafts(seeded) == 1, timeout=3_000)  # typed again: kept again
    again.record_dialog.reject()
    dialog.reject()
    qtbot.waitUntil(lambda: drafts(seeded) == 0, timeout=3_000)


def test_a_half_typed_arrangement_is_kept_until_it_is_cancelled(
    qtbot: QtBot, window: MainWindow, seeded: LocalStore
) -> None:
    case = open_ref(window, "T000001")
    dialog = case.open_arrangement()
    assert dialog is not None
    dialog.set_instalment_text("12.50")
    dialog.instalment_edit.textEdited.emit("12.50")  # as typed
    qtbot.waitUntil(lambda: drafts(seeded) == 1, timeout=3_000)
    with seeded.session() as session:
        (row,) = session.scalars(select(FormDraft))
        assert (row.kind, row.state["instalment"]) == ("arrangement", "12.50")
    dialog.reject()
    qtbot.waitUntil(lambda: drafts(seeded) == 0, timeout=3_000)
