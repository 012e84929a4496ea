"""The main window: the officer's caseload as a sortable, filterable table, and "Sync now".

The caseload is read from the local encrypted store on the database worker, so the window
opens at once with no connection at all. "Sync now" runs the sync on a network worker with
its progress in the status bar; a failed sync (offline, above all) is reported in the status
bar, never in a modal box. After a sync the table reloads, keeping the filter, the sort and the
selected case.

Threading: GUI thread only. Work goes through ``Op``; the window owns the store once shown
and closes it (after waiting for running work) when the window closes.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPainter, QPaintEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.services.caseload import (
    CaseRow,
    last_synced_at,
    list_caseload,
    record_caseload_viewed,
)
from app.services.enrolment import OfficerInfo, current_officer
from app.store.database import LocalStore
from app.sync.errors import Offline, SyncError
from app.ui.caseload_model import CaseColumn, CaseFilterProxy, CaseTableModel
from app.ui.ops import Op, OpRunner, ProgressDialogSink, ProgressFn, shared_runner
from app.ui.prompts import Prompts

if TYPE_CHECKING:
    from app.services.sync import SyncSummary

log = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
DEMO_KEY_SOURCE = "demo key file"
DEMO_TITLE_SUFFIX = " — DEMO (database key in a file, not the keyring)"
EMPTY_CASELOAD = "No cases in your caseload yet — press Sync now"
LOADING = "Loading your caseload…"
FILTER_PLACEHOLDER = "Filter by name, address, postcode or ref"

SyncFn = Callable[..., "SyncSummary"]


def run_sync_lazily(**kwargs: Any) -> SyncSummary:
    """``app.services.sync.run_sync``, imported on first use so httpx stays out of start-up."""
    from app.services.sync import run_sync

    return run_sync(**kwargs)


@dataclass(frozen=True)
class LoadedCaseload:
    """What the database worker reads for the window in one go."""

    rows: list[CaseRow]
    last_synced: datetime | None
    officer: OfficerInfo | None


def read_caseload(store: LocalStore, *, record_view: bool) -> LoadedCaseload:
    """Read the caseload list (and, the first time, audit that it was viewed). Worker thread."""
    with store.session() as session:
        rows = list_caseload(session)
        synced = last_synced_at(session)
        if record_view:
            record_caseload_viewed(session, case_count=len(rows))
            session.commit()
    return LoadedCaseload(rows=rows, last_synced=synced, officer=current_officer(store))


def format_synced(moment: datetime | None, *, now: datetime | None = None) -> str:
    """``"last synced today at 14:32"`` (Europe/London), or ``"not synced yet"``."""
    if moment is None:
        return "not synced yet"
    local = moment.astimezone(LONDON)
    today = (now or datetime.now(LONDON)).astimezone(LONDON).date()
    if local.date() == today:
        return f"last synced today at {local:%H:%M}"
    return f"last synced {local.day} {local:%b %Y} at {local:%H:%M}"


class CaseTableView(QTableView):
    """A table that paints a centred message over an empty viewport (loading, no cases,
    no match). Threading: GUI thread only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._placeholder = ""

    def placeholder_text(self) -> str:
        """The message shown when the table has no rows ("" when it has rows)."""
        model = self.model()
        if model is not None and model.rowCount() > 0:
            return ""
        return self._placeholder

    def set_placeholder_text(self, text: str) -> None:
        if text != self._placeholder:
            self._placeholder = text
            self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        text = self.placeholder_text()
        if not text:
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().placeholderText().color())
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        painter.setFont(font)
        area = self.viewport().rect().adjusted(24, 24, -24, -24)
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
        painter.end()


class MainWindow(QMainWindow):
    """The caseload list with type-to-filter and "Sync now"; a ``ProgressSink`` for syncs.

    ``sync_fn`` (default ``app.services.sync.run_sync``) is called on a worker with
    ``store`` and ``progress``. Threading: GUI thread only.
    """

    def __init__(
        self,
        *,
        store: LocalStore,
        runner: OpRunner | None = None,
        prompts: Prompts | None = None,
        sync_fn: SyncFn | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._runner: OpRunner = runner if runner is not None else shared_runner()
        self._prompts = prompts or Prompts()
        self._sync_fn = sync_fn or run_sync_lazily
        self._officer: OfficerInfo | None = None
        self._last_synced: datetime | None = None
        self._sync_problem: str | None = None
        self._loaded = False
        self._syncing = False
        self._viewed_recorded = False
        self._closed = False

        self.setObjectName("MainWindow")
        self._update_title()
        self.resize(1100, 680)

        # The table and its models.
        self.model = CaseTableModel(parent=self)
        self.proxy = CaseFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(FILTER_PLACEHOLDER)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter the caseload")
        self.filter_edit.textChanged.connect(self._filter_changed)

        self.table = CaseTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(CaseColumn.BALANCE, Qt.SortOrder.DescendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAccessibleName("Caseload")
        self._size_columns()
        self.table.set_placeholder_text(LOADING)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table, 1)
        self.setCentralWidget(central)

        # Actions.
        self.sync_action = QAction("&Sync now", self)
        self.sync_action.setShortcuts([QKeySequence(Qt.Key.Key_F5), QKeySequence("Ctrl+R")])
        self.sync_action.setToolTip("Send your changes and download the latest caseload (F5)")
        self.sync_action.triggered.connect(self.sync_now)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)

        menu = self.menuBar().addMenu("&File")
        menu.addAction(self.sync_action)
        menu.addSeparator()
        menu.addAction(quit_action)
        toolbar = QToolBar("Main")
        toolbar.setObjectName("MainToolBar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.sync_action)
        self.addToolBar(toolbar)

        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.activated.connect(self.focus_filter)
        clear = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.filter_edit)
        clear.setContext(Qt.ShortcutContext.WidgetShortcut)
        clear.activated.connect(self.filter_edit.clear)

        # Status bar: what is shown, when it was synced, and sync progress.
        self.status_label = QLabel()
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(180)
        self.progress_bar.setMaximumHeight(14)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.hide()
        self.progress_label = QLabel()
        self.progress_label.hide()
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress_label)
        self.statusBar().addPermanentWidget(self.progress_bar)

        self.load_caseload()

    # -- layout -------------------------------------------------------------------------------
    def _size_columns(self) -> None:
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        pad = 28

        def width(sample: str) -> int:
            return metrics.horizontalAdvance(sample) + pad

        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(CaseColumn.ADDRESS, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        header.setSortIndicatorShown(True)
        self.table.setColumnWidth(CaseColumn.REF, width("T0000000"))
        self.table.setColumnWidth(CaseColumn.LEAD, width("Mrs Alexandra Montgomery-Smith"))
        self.table.setColumnWidth(CaseColumn.BALANCE, width("-£10,000.00") + 12)
        self.table.setColumnWidth(CaseColumn.ARREARS, width("100.00 wks") + 12)
        header.setMinimumSectionSize(width("Ref"))
        self.table.verticalHeader().setDefaultSectionSize(metrics.height() + 10)

    # -- title and status -----------------------------------------------------------------------
    def _update_title(self) -> None:
        who = ""
        if self._officer is not None:
            who = self._officer.display_name or self._officer.username
        title = f"Doorstep — {who}" if who else "Doorstep"
        if self._store.key_source == DEMO_KEY_SOURCE:
            title += DEMO_TITLE_SUFFIX
        self.setWindowTitle(title)

    def status_text(self) -> str:
        return self.status_label.text()

    def _update_status(self) -> None:
        if not self._loaded:
            self.status_label.setText(LOADING)
            return
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        noun = "case" if total == 1 else "cases"
        count = f"{total} {noun}" if shown == total else f"{shown} of {total} {noun}"
        parts = [count]
        if self._sync_problem:
            parts.append(self._sync_problem)
            if self._last_synced is not None:
                parts.append(format_synced(self._last_synced))
        else:
            parts.append(format_synced(self._last_synced))
        self.status_label.setText(" · ".join(parts))

    def _update_empty_state(self) -> None:
        if not self._loaded:
            self.table.set_placeholder_text(LOADING)
        elif self.model.rowCount() == 0:
            self.table.set_placeholder_text(EMPTY_CASELOAD)
        else:
            text = self.proxy.filter_text().strip()
            self.table.set_placeholder_text(f"No case matches “{text}”")

    # -- filter ---------------------------------------------------------------------------------
    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def _filter_changed(self, text: str) -> None:
        self.proxy.set_filter_text(text)
        self._update_empty_state()
        self._update_status()

    # -- loading --------------------------------------------------------------------------------
    def load_caseload(self) -> None:
        """Read the caseload on the database worker and show it."""
        store = self._store
        record_view = not self._viewed_recorded
        self._viewed_recorded = True
        Op(
            self,
            lambda _progress: read_caseload(store, record_view=record_view),
            kind="db",
            runner=self._runner,
            prompts=self._prompts,
        ).success(self._show_caseload).failure(self._load_failed).run()

    def _show_caseload(self, loaded: LoadedCaseload) -> None:
        if self._closed:
            return
        selected = self.selected_case()
        self.model.set_rows(loaded.rows)
        self._loaded = True
        self._last_synced = loaded.last_synced
        self._officer = loaded.officer
        self._update_title()
        self._update_empty_state()
        self._update_status()
        if selected is not None:
            self.select_case(selected.tenancy_id)

    def _load_failed(self, error: Exception) -> None:
        log.error("could not read the caseload", exc_info=error)
        self._loaded = True
        self._update_empty_state()
        self.status_label.setText("The caseload could not be read from this laptop.")
        self._prompts.show_error(
            self, "Doorstep", f"The caseload could not be read from this laptop: {error}"
        )

    # -- selection ------------------------------------------------------------------------------
    def selected_case(self) -> CaseRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()) if rows else None

    def select_case(self, tenancy_id: uuid.UUID) -> bool:
        source_row = self.model.row_of(tenancy_id)
        if source_row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid():
            return False
        self.table.selectionModel().select(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    # -- sync -----------------------------------------------------------------------------------
    def is_syncing(self) -> bool:
        return self._syncing

    def sync_now(self, *, with_dialog: bool = False) -> None:
        """Sync with the central store on a network worker, then reload the table.

        ``with_dialog`` shows the progress in a dialog (the first download after sign-in)
        instead of the status bar.
        """
        if self._syncing:
            return
        self._syncing = True
        self.sync_action.setEnabled(False)
        store = self._store
        sync_fn = self._sync_fn

        def work(progress: ProgressFn) -> SyncSummary:
            return sync_fn(store=store, progress=progress)

        sink = ProgressDialogSink(self) if with_dialog else self
        label = "Downloading your caseload…" if with_dialog else "Syncing…"
        Op(self, work, kind="net", runner=self._runner, prompts=self._prompts).success(
            self._synced
        ).failure(self._sync_failed).with_progress(label, sink=sink).run()

    def _synced(self, summary: SyncSummary) -> None:
        self._syncing = False
        self.sync_action.setEnabled(True)
        self._sync_problem = None
        if not self._closed:
            self.load_caseload()

    def _sync_failed(self, error: Exception) -> None:
        self._syncing = False
        self.sync_action.setEnabled(True)
        if isinstance(error, Offline):
            self._sync_problem = f"Offline: {error}"
        elif isinstance(error, SyncError):
            self._sync_problem = f"Sync failed: {error}"
        else:
            log.error("sync failed unexpectedly", exc_info=error)
            self._sync_problem = f"Sync failed unexpectedly ({type(error).__name__})"
        self._update_status()

    # -- ProgressSink (the status bar) ------------------------------------------------------------
    def begin_progress(self, label: str) -> None:
        self.progress_bar.setRange(0, 0)
        self.progress_label.setText(label)
        self.progress_label.show()
        self.progress_bar.show()

    def update_progress(self, done: int, total: int | None, message: str) -> None:
        if total:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(min(done, total))
        else:
            self.progress_bar.setRange(0, 0)
        if message:
            self.progress_label.setText(message)

    def end_progress(self) -> None:
        self.progress_bar.hide()
        self.progress_label.hide()

    # -- Qt overrides -----------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        """Wait for running work, then close the store (the window owns it)."""
        if not self._closed:
            self._closed = True
            # Results still queued after this wait find the window closed and do nothing.
            self._runner.wait_for_done(30_000)
            self._store.close()
        super().closeEvent(event)
