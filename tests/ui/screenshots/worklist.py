"""The worklist: unfiltered, by balance, due today, a long stage chosen, filtered offline, no
match, a case selected; with promises to pay and follow-ups, the follow-ups due and the broken
promises filtered; and a laptop with no caseload yet, idle and during its first download."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from app.paths import data_dir
from app.store.database import open_local_store
from app.sync.errors import Offline
from app.ui.context import UiContext
from app.ui.main_window import MainWindow
from app.ui.worklist_model import WorkFlag, WorklistColumn
from tests.ui.fakes import RecordingPrompts
from tests.ui.screenshots.kit import Shots
from tests.ui.seed import SEED_TODAY, seed_visit_records
from tests.workspaces import workspace_on


def offline(workspace: object, **kwargs: object) -> object:
    raise Offline("Cannot reach the Doorstep server at https://doorstep.example.gov.uk.")


def open_worklist(shots: Shots) -> MainWindow:
    """The worklist window, shown at its own size on the laptop screen."""
    window = MainWindow(shots.context, sync_fn=offline)
    window.show()
    return window


def shoot(shots: Shots, window: MainWindow) -> None:
    shots.save(window, "worklist")
    window.table.sortByColumn(WorklistColumn.BALANCE, Qt.SortOrder.DescendingOrder)
    shots.save(window, "worklist_by_balance")
    window.table.sortByColumn(WorklistColumn.PRIORITY, Qt.SortOrder.AscendingOrder)
    window.filter_panel.flag_boxes[WorkFlag.DUE_NOW].setChecked(True)
    shots.save(window, "worklist_due_today")
    window.filter_panel.clear()
    stages = window.filter_panel.stage_combo
    stages.setCurrentIndex(stages.findData("nosp"))
    shots.save(window, "worklist_stage_nosp")
    window.filter_panel.clear()
    window.sync_now()
    window.filter_edit.setText("road")
    shots.save(window, "worklist_filtered_offline")
    window.filter_edit.setText("xyz")
    shots.save(window, "worklist_no_match")
    window.filter_edit.clear()
    window.focus_table()
    shots.save(window, "worklist_selected")


def shoot_visit_records(shots: Shots, window: MainWindow) -> None:
    """The seed's promises and follow-ups recorded, the list read again: the follow-ups due
    (one overdue, shown in place of the next action) and the broken promises (one asking for
    contact, one held by Breathing Space), each with a case selected."""
    seed_visit_records(shots.context.workspace.store)
    window.load_worklist()
    shots.save(window, "worklist_with_visits")
    panel = window.filter_panel
    panel.flag_boxes[WorkFlag.FOLLOW_UP].setChecked(True)
    _select(window, "T000102")
    shots.save(window, "worklist_follow_ups_due")
    panel.clear()
    panel.flag_boxes[WorkFlag.BROKEN_PROMISE].setChecked(True)
    _select(window, "T000117")
    shots.save(window, "worklist_broken_promises")
    panel.clear()


def _select(window: MainWindow, ref: str) -> None:
    proxy = window.proxy
    row = next(r for r in range(proxy.rowCount()) if proxy.row_at(r).ref == ref)
    window.select_case(proxy.row_at(row).tenancy_id)


def shoot_empty(shots: Shots, folder: Path) -> None:
    """A laptop whose caseload has not been downloaded yet, then its first download."""
    store = open_local_store(data_dir(folder))
    empty = MainWindow(
        UiContext(workspace_on(store, SEED_TODAY), shots.context.runner, RecordingPrompts())
    )
    empty.show()
    shots.save(empty, "main_window_empty")
    empty.close()
    shoot_first_download(shots, folder.with_name(folder.name + "-first"))


def shoot_first_download(shots: Shots, folder: Path) -> None:
    """A laptop's first download, running (the shot is taken from inside the sync)."""
    store = open_local_store(data_dir(folder))

    def downloading(workspace: object, **kwargs: object) -> object:
        shots.save(window, "main_window_first_download")
        raise Offline("Cannot reach the Doorstep server at https://doorstep.example.gov.uk.")

    context = UiContext(workspace_on(store, SEED_TODAY), shots.context.runner, RecordingPrompts())
    window = MainWindow(context, sync_fn=downloading)
    window.show()
    window.sync_now()
    shots.save(window, "main_window_first_download_offline")
    window.close()
