"""The case window's "Contacts" tab: one timeline of everything on the case, newest first.

Shows the frozen entries ``open_case`` read (``app.services.case_timeline``): contacts, actions,
promises to pay, referrals, follow-ups and arrangements, filtered by kind and by words (the
filtering is the service's ``filter_timeline``; this widget only shows). The panel's buttons
open the visit records' dialogs (``app.ui.visit_dialogs``), which save through the services and
announce the change; the case window then reads the case again.

Threading: GUI thread only.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.display import format_day
from app.services.case_timeline import TIMELINE_KINDS, TimelineEntry, filter_timeline
from app.ui.table_model import FrozenRowsModel

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
    """The timeline with its filters. ``set_entries`` shows a case's entries (all kinds);
    ``show_kind`` / the search box narrow what is shown."""

    shown = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Contacts timeline")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.buttons)

    def set_entries(self, entries: Sequence[TimelineEntry]) -> None:
        self._entries = tuple(entries)
        self._refilter()

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
        total = len(self._entries)
        self.count_label.setText(
            f"{len(shown)} of {total}" if len(shown) != total else f"{total} entries"
        )
        self.shown.emit()


__all__ = ["ContactsPanel", "TimelineColumn", "TimelineModel", "timeline_tab_title"]
