"""The case window's "Contacts" tab: one timeline of everything on the case, newest first.

Shows the frozen entries ``open_case`` read (``app.domain.timeline``): contacts, actions,
promises to pay, referrals, follow-ups and arrangements, filtered by kind and by words (the
filtering is the service's ``filter_timeline``; this widget only shows). The panel's buttons
open the visit records' dialogs (``app.ui.visit_dialogs``), which save through the services and
announce the change; the case window then reads the case again.

Threading: GUI thread only.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.display import format_day
from app.domain.timeline import TIMELINE_KINDS, TimelineEntry, filter_timeline
from app.services.case_changes import VisitRecorded
from app.services.visits import VisitRefused, close_follow_up, withdraw_promise
from app.services.workspace import Workspace
from app.ui.context import UiContext
from app.ui.ops import ProgressFn
from app.ui.table_model import FrozenRowsModel
from app.ui.tables import read_only_table
from app.ui.visit_dialogs import FollowUpDialog, ReferralDialog, ReferralOutcomeDialog

log = logging.getLogger(__name__)
D = TypeVar("D", FollowUpDialog, ReferralDialog, ReferralOutcomeDialog)

HEADERS = ("Date", "What", "Details", "State", "Recorded by")
ALL_KINDS = "Everything"


class TimelineColumn(IntEnum):
    DATE = 0
    WHAT = 1
    DETAILS = 2
    STATE = 3
    BY = 4


def timeline_tab_title(entries: Sequence[TimelineEntry]) -> str:
    """``"Contacts (14) — 2 waiting to sync"``."""
    title = f"Contacts ({len(entries)})"
    waiting = sum(1 for e in entries if e.sync == "waiting to sync")
    return f"{title} — {waiting} waiting to sync" if waiting else title


class TimelineModel(FrozenRowsModel[TimelineEntry]):
    """The timeline's rows; an entry waiting to sync is in italics, a refused one in red."""

    headers = HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        self._italic = QFont()
        self._italic.setItalic(True)
        self._refused = QBrush(QColor("#b00020"))
        super().__init__((), parent)

    def row_texts(self, row: TimelineEntry) -> tuple[str, ...]:
        details = " ".join(row.detail.split())
        state = row.state
        if row.sync:
            state = f"{state} — {row.sync}" if state else row.sync
        return (format_day(row.on), row.title, details, state, row.recorded_by)

    def sort_key(self, row: TimelineEntry, column: int) -> Any:
        if column == TimelineColumn.DATE:
            return row.order
        return self.text_of(row, column).casefold()

    def text_of(self, row: TimelineEntry, column: int) -> str:
        return self.row_texts(row)[column]

    def cell_font(self, row: TimelineEntry, column: int) -> Any:
        return self._italic if row.sync == "waiting to sync" else None

    def cell_foreground(self, row: TimelineEntry, column: int) -> Any:
        if row.sync.startswith("refused") or "broken" in row.state or row.state == "overdue":
            return self._refused if column in (TimelineColumn.STATE, TimelineColumn.WHAT) else None
        return None

    def cell_tooltip(self, row: TimelineEntry, column: int) -> str | None:
        if column == TimelineColumn.DETAILS and row.detail:
            return row.detail
        if column == TimelineColumn.STATE and row.sync:
            return row.sync
        return None


class ContactsPanel(QWidget):
    """The timeline with its filters and the buttons that add to it. ``set_entries`` shows a
    case's entries (all kinds); ``show_kind`` / the search box narrow what is shown;
    ``recorded(VisitRecorded)`` follows each record saved from here (the case window then reads
    the case again)."""

    shown = Signal()
    recorded = Signal(object)
    correct_requested = Signal(object)  # the contact's id: visit mode opens it to correct

    def __init__(
        self, context: UiContext, *, tenancy_id: uuid.UUID, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.tenancy_id = tenancy_id
        self.dialog: QDialog | None = None
        self._entries: tuple[TimelineEntry, ...] = ()
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName("Show")
        self.kind_combo.addItem(ALL_KINDS, None)
        for code, label in TIMELINE_KINDS.items():
            self.kind_combo.addItem(label, code)
        self.kind_combo.currentIndexChanged.connect(self._refilter)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find in the timeline (words in notes, names, states)")
        self.search.setAccessibleName("Find in the timeline")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._refilter)
        self.count_label = QLabel()
        self.model = TimelineModel(self)
        self.table = read_only_table(self.model, "Contacts timeline")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TimelineColumn.DATE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TimelineColumn.DETAILS, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(TimelineColumn.WHAT, 300)
        header.resizeSection(TimelineColumn.STATE, 170)
        header.resizeSection(TimelineColumn.BY, 130)
        filters = QHBoxLayout()
        show = QLabel("&Show:")
        show.setBuddy(self.kind_combo)
        filters.addWidget(show)
        filters.addWidget(self.kind_combo)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.count_label)
        self.buttons = QHBoxLayout()
        self.follow_up_button = self._button("Add fo&llow-up…", self.add_follow_up)
        self.done_button = self._button("Follow-up &done", self.close_follow_up)
        self.refer_button = self._button("Re&fer…", self.add_referral)
        self.outcome_button = self._button("Referral &outcome…", self.referral_outcome)
        self.withdraw_button = self._button("&Withdraw promise", self.withdraw_promise)
        self.correct_button = self._button("&Correct contact…", self.correct_contact)
        self.buttons.addStretch(1)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.buttons)

    def _button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        self.buttons.addWidget(button)
        return button

    def set_entries(self, entries: Sequence[TimelineEntry]) -> None:
        self._entries = tuple(entries)
        self._refilter()

    def select_record(self, record_id: uuid.UUID) -> None:
        for row, entry in enumerate(self.model.rows()):
            if entry.record_id == record_id:
                self.table.selectRow(row)
                return

    # -- adding to the timeline -------------------------------------------------------------
    def add_follow_up(self) -> FollowUpDialog:
        dialog = FollowUpDialog(self.context, tenancy_id=self.tenancy_id, parent=self)
        return self._open(dialog)

    def add_referral(self) -> ReferralDialog:
        dialog = ReferralDialog(self.context, tenancy_id=self.tenancy_id, parent=self)
        return self._open(dialog)

    def referral_outcome(self) -> ReferralOutcomeDialog | None:
        entry = self._selected_open("referral")
        if entry is None:
            return None
        dialog = ReferralOutcomeDialog(
            self.context, referral_id=entry.record_id, title=entry.title, parent=self
        )
        return self._open(dialog)

    def close_follow_up(self) -> None:
        entry = self._selected_open("follow_up")
        if entry is None or not self.context.prompts.ask_yes_no(
            self, "Follow-up done", f"Mark this follow-up done?\n\n{entry.title}"
        ):
            return
        self._run(lambda w: close_follow_up(w, follow_up_id=entry.record_id))

    def withdraw_promise(self) -> None:
        entry = self._selected_open("promise")
        if entry is None or not self.context.prompts.ask_yes_no(
            self,
            "Withdraw the promise",
            f"Withdraw this promise? It will no longer be judged kept or broken.\n\n{entry.title}",
        ):
            return
        self._run(lambda w: withdraw_promise(w, promise_id=entry.record_id))

    def correct_contact(self) -> None:
        """Ask visit mode to open the selected contact for correction."""
        entry = self.selected()
        if entry is not None and entry.kind == "contact" and not entry.sync.startswith("refused"):
            self.correct_requested.emit(entry.record_id)

    def _selected_open(self, kind: str) -> TimelineEntry | None:
        entry = self.selected()
        return entry if entry is not None and entry.kind == kind and entry.open else None

    def _open(self, dialog: D) -> D:
        dialog.recorded.connect(self.recorded.emit)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _run(self, fn: Callable[[Workspace], VisitRecorded]) -> None:
        workspace = self.context.workspace

        def work(_progress: ProgressFn) -> VisitRecorded:
            return fn(workspace)

        self.context.op(self, work).success(self.recorded.emit).failure(self._failed).run()

    def _failed(self, error: Exception) -> None:
        if not isinstance(error, VisitRefused):
            log.error("saving from the Contacts tab failed", exc_info=error)
        self.context.prompts.show_error(self, "Doorstep", f"Not saved: {error}")

    def _selection_changed(self) -> None:
        entry = self.selected()
        for button, kind in (
            (self.done_button, "follow_up"),
            (self.outcome_button, "referral"),
            (self.withdraw_button, "promise"),
        ):
            button.setEnabled(entry is not None and entry.kind == kind and entry.open)
        self.correct_button.setEnabled(
            entry is not None and entry.kind == "contact" and not entry.sync.startswith("refused")
        )

    def show_kind(self, kind: str | None) -> None:
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))

    def shown_entries(self) -> list[TimelineEntry]:
        return self.model.rows()

    def selected(self) -> TimelineEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _refilter(self) -> None:
        kind = self.kind_combo.currentData()
        shown = filter_timeline(
            self._entries,
            kinds=None if kind is None else frozenset({kind}),
            text=self.search.text(),
        )
        self.model.set_rows(shown)
        self._selection_changed()
        total = len(self._entries)
        self.count_label.setText(
            f"{len(shown)} of {total}" if len(shown) != total else f"{total} entries"
        )
        self.shown.emit()


__all__ = ["ContactsPanel", "TimelineColumn", "TimelineModel", "timeline_tab_title"]
