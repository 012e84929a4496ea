"""The main window: the officer's worklist (who needs me today, and why) and "Sync now".

The worklist is every case on the laptop, most urgent first, each with its next recommended
action and the reason, worked out on the laptop from its own data
(``app.services.worklist.read_worklist``, on the database worker), so the window opens at once
with no connection at all. A filter strip across the top (type-to-filter, stage, arrears band,
yes/no filters with counts) narrows it; the arrow keys move, Enter or a double-click opens the
case in its own window (several may be open to compare). The window takes the screen's width
and the columns share it (``app.ui.worklist_view``), so a 1366x768 laptop never scrolls
sideways; the selected case's next action and reason read in full under the list. What the
window says is worded in ``app.ui.text.worklist``.

The loaded cases stay in the window: after an action is recorded only that case is read
again and the worklist rebuilt (pure, on the worker); after a sync everything is reloaded.
"Sync now" runs on a network worker with its progress in the status bar; a failed sync
(offline, above all) is reported in the status bar, never in a modal box. While a sync runs an
empty list says it is downloading ("press Sync now" only when that can be done).

Threading: GUI thread only. Work goes through ``Op`` (``fn`` never touches a widget; results
arrive on the GUI thread). A generation number drops a rebuilt worklist that a newer load
overtook. The window owns the workspace once shown and closes it (after closing its case
windows and waiting for running work) when the window closes.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QFrame,
    QHeaderView,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.domain.recovery import RecoveryPolicy
from app.services.case_changes import CASE_CHANGES
from app.services.caseload import LoadedCase, load_cases
from app.services.device import OfficerInfo
from app.services.screen_lock import (
    OpenForm,
    lock_caseload,
    note_window,
    take_open_forms,
    unlock_caseload,
)
from app.services.status import waiting_changes
from app.services.worklist import (
    LoadedWorklist,
    WorkItem,
    build_worklist,
    read_worklist,
    stage_options,
)
from app.services.workspace import CaseloadErased, CaseloadLocked, PinRefused
from app.sync.errors import SyncCancelled, SyncError
from app.ui.context import UiContext
from app.ui.ops import ProgressDialogSink, ProgressFn
from app.ui.screen_fit import fit_to_screen
from app.ui.screen_lock import IdleWatch, LockPage
from app.ui.text import day_plan as day_plan_words
from app.ui.text import lock as lock_words
from app.ui.text.worklist import (
    ERASED_TITLE,
    FILE_MENU,
    FILTER_PLACEHOLDER,
    FIRST_DOWNLOAD,
    LOADING,
    OPEN_CASE,
    OPEN_CASE_TIP,
    QUIT,
    SYNC_CANCEL,
    SYNC_CANCEL_TIP,
    SYNC_NOW,
    SYNC_NOW_TIP,
    SYNC_STOPPED,
    SYNC_STOPPING,
    SYNCING,
    ListState,
    StatusFacts,
    details_html,
    empty_list_text,
    load_problem,
    status_line,
    sync_failure,
    sync_refused,
    window_title,
)
from app.ui.worklist_filters import WorklistFilterPanel
from app.ui.worklist_model import (
    MarkerDelegate,
    WorklistColumn,
    WorklistFilterProxy,
    WorklistTableModel,
    worklist_rows,
)
from app.ui.worklist_view import ElidedLabel, FilterEdit, WorklistView, worklist_column_fits

if TYPE_CHECKING:
    from app.services.sync import SyncSummary
    from app.services.workspace import Workspace
    from app.ui.case_window import CaseWindow
    from app.ui.day_plan import DayPlanDialog

log = logging.getLogger(__name__)

#: How long after the worklist is shown to load what opening a case needs.
LOAD_REST_AFTER_MS = 300
#: Idle minutes before Doorstep locks, until the policy (``[security] idle_lock_minutes``) is read.
DEFAULT_IDLE_LOCK_MINUTES = 5
#: A minute, for the idle watch (tests shorten it).
MINUTE_MS = 60_000

SyncFn = Callable[..., "SyncSummary"]

LARGEST = QSize(1680, 1000)  # past this the list reads no better
"""Room left on the screen for the window's frame and title bar (and the desktop's panel)."""


def run_sync_lazily(workspace: Workspace, *, progress: ProgressFn) -> SyncSummary:
    """``app.services.sync.run_sync``, imported on first use so httpx stays out of start-up."""
    from app.services.sync import run_sync

    return run_sync(workspace, progress=progress)


class MainWindow(QMainWindow):
    """The worklist with its filters, "Sync now", and the case windows opened from it; a
    ``ProgressSink`` (the status bar) for loads and syncs.

    ``sync_fn`` (default ``app.services.sync.run_sync``) is called on a worker with the
    workspace and ``progress``; the worklist is worked out for the context's today.
    ``worklist_loaded(count)`` is emitted each time the worklist is shown. Threading: GUI thread
    only.
    """

    worklist_loaded = Signal(int)

    def __init__(
        self,
        context: UiContext,
        *,
        sync_fn: SyncFn | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self._sync_fn = sync_fn or run_sync_lazily
        self._officer: OfficerInfo | None = None
        self._last_synced: datetime | None = None
        self._waiting = 0  # changes waiting to be sent, as last counted
        self._sync_problem: str | None = None
        self._load_problem: str | None = None
        self._loaded = False
        self._syncing = False
        self._stop_sync = threading.Event()
        self._viewed_recorded = False
        self._rest_loaded = False  # what opening a case needs: loaded once the list is shown
        self._closed = False
        self._progress_depth = 0
        # The loaded cases (immutable values), the policy and the day they were worked out for.
        self._cases: dict[uuid.UUID, LoadedCase] = {}
        self._policy: RecoveryPolicy | None = None
        self._as_of: date | None = None
        self._generation = 0
        self._case_windows: dict[uuid.UUID, CaseWindow] = {}
        self._locked = False  # the lock page shows; the store holds no key
        self._to_reopen: tuple[OpenForm, ...] = ()  # kept by a lock: opened once loaded

        context.changes.operation_did_execute.connect(self._operation_did_execute)

        self.setObjectName("MainWindow")
        self._update_title()
        fit_to_screen(self, LARGEST)
        self._build_models()
        self._build_filter_box()
        self._build_table()
        self._build_details()
        self.filter_panel = WorklistFilterPanel(self.proxy, search=self.filter_edit)
        self._build_layout()
        self._build_actions()
        self._build_shortcuts()
        self._build_status_bar()
        self.idle_watch = IdleWatch(DEFAULT_IDLE_LOCK_MINUTES, self, minute_ms=MINUTE_MS)
        self.idle_watch.idle.connect(lambda: self.lock(idle=True))
        self.idle_watch.start()
        self.load_worklist()

    # -- building the window ------------------------------------------------------------------
    def _build_models(self) -> None:
        self.model = WorklistTableModel(parent=self)
        self.proxy = WorklistFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.filter_changed.connect(self._filter_changed)

    def _build_filter_box(self) -> None:
        self.filter_edit = FilterEdit()
        self.filter_edit.setPlaceholderText(FILTER_PLACEHOLDER)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter the worklist")
        self.filter_edit.textChanged.connect(self.proxy.set_filter_text)
        self.filter_edit.down_pressed.connect(self.focus_table)
        self.filter_edit.enter_pressed.connect(self._open_from_filter)

    def _build_table(self) -> None:
        self.table = WorklistView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(WorklistColumn.PRIORITY, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.setShowGrid(False)
        self.table.setAccessibleName("Worklist")
        self.table.setItemDelegateForColumn(WorklistColumn.WARNINGS, MarkerDelegate(self.table))
        self.table.open_requested.connect(self._open_index)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setSortIndicatorShown(True)
        self.table.set_column_fits(worklist_column_fits(self.table))
        self.table.set_placeholder_text(LOADING)

    def _build_details(self) -> None:
        """The selected case's next action, reason and warnings in full, under the list."""
        self.details_label = QLabel()
        self.details_label.setObjectName("WorklistDetails")
        self.details_label.setWordWrap(True)
        self.details_label.setTextFormat(Qt.TextFormat.RichText)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.details_label.setMargin(6)
        self.details_label.setMinimumHeight(self.fontMetrics().lineSpacing() * 3 + 16)
        self.details_label.setAccessibleName("The selected case")
        self.table.selectionModel().selectionChanged.connect(self._show_details)

    def _build_layout(self) -> None:
        """The filters across the top, the list, the selected case under it."""
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.filter_panel)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details_label)
        self.lock_page = LockPage()
        self.lock_page.unlock_requested.connect(self.unlock)
        self.pages = QStackedWidget()
        self.pages.addWidget(central)
        self.pages.addWidget(self.lock_page)
        self.setCentralWidget(self.pages)
        panel = self.filter_panel
        chain = [
            self.filter_edit,
            self.table,
            panel.stage_combo,
            panel.band_combo,
            panel.clear_button,
            *panel.flag_boxes.values(),
        ]
        for first, second in zip(chain, chain[1:], strict=False):
            self.setTabOrder(first, second)

    def _build_actions(self) -> None:
        """"Sync now", "Open case" and "Quit", in the File menu and the toolbar."""
        self.sync_action = QAction(SYNC_NOW, self)
        self.sync_action.setShortcuts([QKeySequence(Qt.Key.Key_F5), QKeySequence("Ctrl+R")])
        self.sync_action.setToolTip(SYNC_NOW_TIP)
        self.sync_action.triggered.connect(self.sync_now)
        self.open_action = QAction(OPEN_CASE, self)
        self.open_action.setToolTip(OPEN_CASE_TIP)
        self.open_action.setEnabled(False)
        self.open_action.triggered.connect(self.open_selected_case)
        self.lock_action = QAction(lock_words.LOCK, self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        # From any of Doorstep's windows (a case, a form), not only this one.
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.lock_action.setToolTip(lock_words.LOCK_TIP)
        self.lock_action.triggered.connect(self.lock)
        self.day_plan_action = QAction(day_plan_words.MENU_ACTION, self)
        self.day_plan_action.setToolTip(day_plan_words.MENU_TIP)
        self.day_plan_action.triggered.connect(self.open_day_plan)
        quit_action = QAction(QUIT, self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)

        menu = self.menuBar().addMenu(FILE_MENU)
        menu.addAction(self.sync_action)
        menu.addAction(self.open_action)
        menu.addAction(self.day_plan_action)
        menu.addAction(self.lock_action)
        menu.addSeparator()
        menu.addAction(quit_action)
        toolbar = self.toolbar = QToolBar("Main")
        toolbar.setObjectName("MainToolBar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.sync_action)
        toolbar.addAction(self.open_action)
        toolbar.addAction(self.day_plan_action)
        toolbar.addAction(self.lock_action)
        self.addToolBar(toolbar)

    def _build_shortcuts(self) -> None:
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.activated.connect(self.focus_filter)
        clear = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.filter_edit)
        clear.setContext(Qt.ShortcutContext.WidgetShortcut)
        clear.activated.connect(self.filter_edit.clear)

    def _build_status_bar(self) -> None:
        """What is shown, when it was synced, and progress."""
        self.status_label = ElidedLabel()
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(180)
        self.progress_bar.setMaximumHeight(14)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.hide()
        self.progress_label = QLabel()
        self.progress_label.hide()
        self.stop_sync_button = QPushButton(SYNC_CANCEL)
        self.stop_sync_button.setToolTip(SYNC_CANCEL_TIP)
        self.stop_sync_button.clicked.connect(self.stop_sync)
        self.stop_sync_button.hide()
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress_label)
        self.statusBar().addPermanentWidget(self.progress_bar)
        self.statusBar().addPermanentWidget(self.stop_sync_button)

    # -- title and status -----------------------------------------------------------------------
    def _update_title(self) -> None:
        self.setWindowTitle(
            window_title(
                self._officer, demo_key_file=self.context.workspace.uses_demo_key_file
            )
        )

    def status_text(self) -> str:
        """The whole status line (the label may show it cut short, ending in "…")."""
        return self.status_label.full_text()

    def _update_status(self) -> None:
        if self._load_problem:
            self.status_label.set_full_text(self._load_problem)
            return
        if not self._loaded:
            self.status_label.set_full_text(LOADING)
            return
        facts = StatusFacts(
            total=self.model.rowCount(),
            shown=self.proxy.rowCount(),
            sync_problem=self._sync_problem,
            last_synced=self._last_synced,
            waiting=self._waiting,
        )
        self.status_label.set_full_text(
            status_line(facts, now=self.context.workspace.clock.now())
        )

    def _update_empty_state(self) -> None:
        chosen = self.proxy.current_filter()
        state = ListState(
            loaded=self._loaded,
            load_problem=self._load_problem,
            total=self.model.rowCount(),
            syncing=self._syncing,
            filter_text=self.proxy.filter_text(),
            panel_filters=bool(chosen.flags) or chosen.stage is not None or chosen.band is not None,
        )
        self.table.set_placeholder_text(empty_list_text(state))

    def _refresh_counts(self) -> None:
        self.filter_panel.show_counts(self.proxy.counts())
        self._update_empty_state()
        self._update_status()

    # -- filter and keyboard --------------------------------------------------------------------
    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def focus_table(self) -> None:
        """Move into the list, on the selected row or else the first."""
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.proxy.rowCount() == 0:
            return
        current = self.table.currentIndex()
        if not current.isValid() or not self.table.selectionModel().isSelected(current):
            first = self.proxy.index(0, 0)
            self.table.selectionModel().setCurrentIndex(
                first,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _filter_changed(self) -> None:
        self._refresh_counts()
        self._show_details()

    def _show_details(self, *_args: object) -> None:
        """The selected case's next action, reason and warnings under the table."""
        self.details_label.setVisible(self.model.rowCount() > 0)
        self.details_label.setText(details_html(self.selected_case()))

    def set_filter_text(self, text: str) -> None:
        self.filter_edit.setText(text)

    # -- loading --------------------------------------------------------------------------------
    def load_worklist(self) -> None:
        """Read every case and work out the worklist on the database worker, then show it."""
        workspace = self.context.workspace
        record_view = not self._viewed_recorded
        self._viewed_recorded = True
        today = self.context.today()

        def work(progress: ProgressFn) -> LoadedWorklist:
            return read_worklist(
                workspace, as_of=today, record_view=record_view, progress=progress
            )

        self.context.op(self, work).success(self._show_loaded).failure(
            self._load_failed
        ).with_progress(LOADING, sink=self).run()

    def refresh_cases(self, tenancy_ids: Iterable[uuid.UUID]) -> None:
        """Read only these cases again and rebuild the worklist (after an action recorded)."""
        ids = list(tenancy_ids)
        today = self.context.today()
        if self._policy is None or self._as_of != today:
            self.load_worklist()  # nothing loaded yet, or a new day: everything again
            return
        workspace = self.context.workspace
        self.context.op(
            self, lambda _progress: load_cases(workspace, as_of=today, tenancy_ids=ids)
        ).success(lambda fresh: self._merge_cases(ids, fresh, today)).failure(
            self._load_failed
        ).run()

    def _merge_cases(
        self, ids: list[uuid.UUID], fresh: dict[uuid.UUID, LoadedCase], as_of: date
    ) -> None:
        if not self._showing() or as_of != self._as_of:
            return
        for tenancy_id in ids:
            self._cases.pop(tenancy_id, None)  # a case no longer on the laptop goes
        self._cases.update(fresh)
        self._rebuild()

    def _rebuild(self) -> None:
        """Work the worklist out again from the cases held (pure, on the worker)."""
        assert self._policy is not None
        assert self._as_of is not None
        self._generation += 1
        generation = self._generation
        cases = list(self._cases.values())
        policy = self._policy
        as_of = self._as_of

        def shown(items: list[WorkItem]) -> None:
            if generation == self._generation and self._showing():
                self._show_items(items)

        self.context.op(
            self, lambda _progress: build_worklist(cases, policy=policy, as_of=as_of)
        ).success(shown).failure(self._load_failed).run()

    def _showing(self) -> bool:
        """The worklist is on screen: the window is neither closed nor locked."""
        return not self._closed and not self._locked

    def _show_loaded(self, loaded: LoadedWorklist) -> None:
        if not self._showing():
            return
        self._generation += 1
        self._cases = loaded.cases
        self._as_of = loaded.as_of
        if loaded.policy != self._policy:
            self._policy = loaded.policy
            options = stage_options(loaded.policy)
            self.model.set_stage_order([code for code, _ in options])
            self.filter_panel.set_stage_options(options)
            self.idle_watch.set_minutes(loaded.policy.idle_lock_minutes)
        self._last_synced = loaded.last_synced
        self._officer = loaded.officer
        self._waiting = loaded.waiting
        self._load_problem = None
        self._update_title()
        self._show_items(loaded.items)
        if not self._rest_loaded:
            self._rest_loaded = True
            # After the list is painted: loading holds Python's lock, which painting needs too.
            QTimer.singleShot(LOAD_REST_AFTER_MS, self._load_the_rest)
        elif self._to_reopen:
            self._reopen_kept()

    def _load_the_rest(self) -> None:
        """Load what opening a case needs, note the window as open (for ``status``) and open
        again what a lock kept that Doorstep did not come back from (killed while locked)."""
        if not self._showing():
            self._rest_loaded = False  # after the unlock's load instead
            return
        workspace = self.context.workspace

        def work(_progress: ProgressFn) -> tuple[OpenForm, ...]:
            workspace.load_the_rest()
            note_window(workspace.data_dir, locked=False)
            return take_open_forms(workspace)

        self.context.op(self, work).success(self._reopen_after_start).failure(
            lambda error: log.warning("loading ahead failed: %s", type(error).__name__)
        ).run()

    def _reopen_after_start(self, kept: tuple[OpenForm, ...]) -> None:
        if kept and self._showing():
            self._to_reopen = kept
            self._reopen_kept()

    def _reopen_kept(self) -> None:
        """Open the case windows and forms a lock kept, each as it was."""
        kept, self._to_reopen = self._to_reopen, ()
        by_case: dict[uuid.UUID, list[OpenForm]] = {}
        for form in kept:
            by_case.setdefault(form.tenancy_id, []).append(form)
        for tenancy_id, forms in by_case.items():
            window = self.open_case(tenancy_id)
            if window is not None:
                window.reopen(forms)

    def _show_items(self, items: list[WorkItem]) -> None:
        selected = self.selected_case()
        self.model.set_rows(worklist_rows(items))
        self._loaded = True
        self._refresh_counts()
        if selected is not None:
            self.select_case(selected.tenancy_id)
        self._show_details()
        self.open_action.setEnabled(self.model.rowCount() > 0)
        self.worklist_loaded.emit(self.model.rowCount())

    def _load_failed(self, error: Exception) -> None:
        if self._locked or isinstance(error, CaseloadLocked):
            return  # a load overtaken by the lock: the unlock loads again
        log.error("could not read the worklist", exc_info=error)
        self._loaded = True
        self._load_problem = load_problem(error)
        self._update_empty_state()
        self._update_status()
        self.context.prompts.show_error(self, "Doorstep", self._load_problem)

    # -- selection and opening ------------------------------------------------------------------
    def selected_case(self) -> WorkItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()).item if rows else None

    def select_case(self, tenancy_id: uuid.UUID) -> bool:
        source_row = self.model.row_of(tenancy_id)
        if source_row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid():
            return False
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    def open_selected_case(self) -> CaseWindow | None:
        item = self.selected_case()
        return None if item is None else self.open_case(item.tenancy_id)

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_case(self.proxy.row_at(index.row()).tenancy_id)

    def _open_from_filter(self) -> None:
        if self.proxy.rowCount() == 0:
            return
        if self.selected_case() is None:
            self.focus_table()
        self.open_selected_case()

    def case_windows(self) -> dict[uuid.UUID, CaseWindow]:
        """The case windows open now, by tenancy."""
        return dict(self._case_windows)

    def _case_window_closed(self, tenancy_id: uuid.UUID) -> None:
        # A closed case window is a top-level widget owned by Python alone. Delete it through
        # the event loop, here on the GUI thread: were the last reference dropped by a garbage
        # collection that happened to run on a worker thread, Qt would destroy it off-thread.
        window = self._case_windows.pop(tenancy_id, None)
        if window is not None:
            window.deleteLater()

    def open_case(self, tenancy_id: uuid.UUID) -> CaseWindow | None:
        """Show the case in its own window (raising it if it is open already)."""
        if self._policy is None or self._closed:
            return None
        window = self._case_windows.get(tenancy_id)
        if window is None:
            from app.ui.case_window import CaseWindow  # QtCharts loads on the first case

            window = CaseWindow(self.context, tenancy_id=tenancy_id, policy=self._policy)
            window.closed.connect(lambda tid=tenancy_id: self._case_window_closed(tid))
            self._case_windows[tenancy_id] = window
            window.load()
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def open_day_plan(self) -> DayPlanDialog | None:
        """The Day plan over the worklist as loaded (not while locked)."""
        if self._locked or self._closed:
            return None
        from app.ui.day_plan import DayPlanDialog

        items = [row.item for row in self.model.rows()]
        dialog = DayPlanDialog(self.context, items=items, parent=self)
        dialog.show()
        return dialog

    # -- changes from other screens --------------------------------------------------------------
    def _operation_did_execute(self, changes: object, initiator: object) -> None:
        if isinstance(changes, CASE_CHANGES):
            self.refresh_cases([changes.tenancy_id])
            self._count_waiting()

    def _count_waiting(self) -> None:
        """Count the changes waiting to be sent again (one was just queued)."""
        workspace = self.context.workspace
        self.context.op(self, lambda _progress: waiting_changes(workspace)).success(
            self._show_waiting
        ).failure(
            lambda error: log.warning("counting waiting changes failed: %s", type(error).__name__)
        ).run()

    def _show_waiting(self, waiting: int) -> None:
        if self._showing():
            self._waiting = waiting
            self._update_status()

    # -- sync -----------------------------------------------------------------------------------
    def is_syncing(self) -> bool:
        return self._syncing

    def sync_now(self, *, with_dialog: bool = False) -> None:
        """Sync with the central store on a network worker, then reload everything.

        ``with_dialog`` shows the progress in a dialog (the first download after sign-in)
        instead of the status bar.
        """
        if self._syncing:
            return
        self._syncing = True
        self.sync_action.setEnabled(False)
        self._update_empty_state()  # an empty list says it is downloading, not "press Sync now"
        workspace = self.context.workspace
        sync_fn = self._sync_fn
        stop = self._stop_sync = threading.Event()

        def work(progress: ProgressFn) -> SyncSummary:
            def checked(done: int, total: int | None, message: str) -> None:
                # Between two steps (a batch sent, a page applied): a request in flight ends
                # first, within the client's time-outs.
                if stop.is_set():
                    raise SyncCancelled(SYNC_STOPPED)
                progress(done, total, message)

            return sync_fn(workspace, progress=checked)

        self.stop_sync_button.setEnabled(True)
        self.stop_sync_button.setVisible(not with_dialog)
        sink = ProgressDialogSink(self) if with_dialog else self
        label = FIRST_DOWNLOAD if with_dialog else SYNCING
        self.context.op(self, work, kind="net").success(self._synced).failure(
            self._sync_failed
        ).with_progress(label, sink=sink).run()

    def stop_sync(self) -> None:
        """Stop the sync at its next step; what was sent or received so far is kept."""
        if self._syncing:
            self._stop_sync.set()
            self.stop_sync_button.setEnabled(False)
            self.progress_label.setText(SYNC_STOPPING)

    def _synced(self, summary: SyncSummary) -> None:
        # An empty list keeps saying "downloading" until the reload below shows what came.
        self.stop_sync_button.hide()
        self._syncing = False
        self.sync_action.setEnabled(not self._locked)
        self._sync_problem = sync_refused(summary.rejected)
        if self._showing():
            self.load_worklist()
            self.context.changes.operation_did_execute.emit(summary, self)

    def _sync_failed(self, error: Exception) -> None:
        self.stop_sync_button.hide()
        if isinstance(error, CaseloadErased):  # IT wiped the laptop: nothing left to show
            self.context.prompts.show_error(self, ERASED_TITLE, str(error))
            self.close()
            return
        self._syncing = False
        self.sync_action.setEnabled(not self._locked)
        if isinstance(error, CaseloadLocked):  # locked between two of its steps
            error = SyncCancelled(SYNC_STOPPED)
        if not isinstance(error, SyncError):
            log.error("sync failed unexpectedly", exc_info=error)
        self._sync_problem = sync_failure(error)
        self._update_empty_state()
        self._update_status()

    # -- ProgressSink (the status bar; loads and a sync may overlap) ------------------------------
    def begin_progress(self, label: str) -> None:
        self._progress_depth += 1
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
        self._progress_depth = max(0, self._progress_depth - 1)
        if self._progress_depth == 0:
            self.progress_bar.hide()
            self.progress_label.hide()

    # -- the lock -------------------------------------------------------------------------------
    def is_locked(self) -> bool:
        return self._locked

    def lock(self, *, idle: bool = False) -> None:
        """Lock now (Ctrl+L, or ``idle`` after the policy's minutes): every screen showing the
        caseload is cleared and closed, what was open is kept (encrypted) to come back after
        the PIN, a sync stops at its next step, and the store drops its key."""
        if self._locked or self._closed:
            return
        self._locked = True
        self.idle_watch.stop()
        self.stop_sync()
        kept: list[OpenForm] = []
        for window in list(self._case_windows.values()):
            kept.extend(window.open_forms())
            window.close_for_lock()
        self._close_other_windows()
        self._clear_for_lock()
        pin = not self.context.workspace.uses_demo_key_file
        minutes = self.idle_watch.minutes if idle else None
        self.lock_page.show_locked(idle_minutes=minutes, pin=pin)
        self.pages.setCurrentWidget(self.lock_page)
        workspace = self.context.workspace

        def work(_progress: ProgressFn) -> None:
            try:
                lock_caseload(workspace, kept)  # locked even when what was open is not kept
            finally:
                note_window(workspace.data_dir, locked=True)

        self.context.op(self, work).failure(self._lock_failed).run()

    def _close_other_windows(self) -> None:
        """Any other window or message still open (a helper, a question) goes too."""
        for widget in QApplication.topLevelWidgets():
            if widget is self or not widget.isVisible():
                continue
            if isinstance(widget, QDialog):
                widget.reject()
            else:
                widget.close()

    def _clear_for_lock(self) -> None:
        """Nothing of the caseload stays in the window: rows, details, the filter's text."""
        self._generation += 1  # a load still running is dropped when it arrives
        self._cases = {}
        self._as_of = None
        self.model.set_rows([])
        self.details_label.clear()
        self.filter_edit.clear()
        self.setWindowTitle(lock_words.LOCKED_TITLE)
        self.toolbar.hide()
        self.statusBar().hide()
        for action in (self.sync_action, self.open_action, self.lock_action):
            action.setEnabled(False)

    def _lock_failed(self, error: Exception) -> None:
        if isinstance(error, CaseloadLocked):
            return
        log.error("keeping the open screens at lock failed: %s", type(error).__name__)
        self.lock_page.show_problem(lock_words.not_kept(error))

    def unlock(self, pin: str) -> None:
        """Check the PIN on the database worker; when right, show the worklist again and open
        what was kept."""
        if not self._locked:
            return
        workspace = self.context.workspace

        def work(_progress: ProgressFn) -> tuple[OpenForm, ...]:
            kept = unlock_caseload(workspace, pin or None)
            note_window(workspace.data_dir, locked=False)
            return kept

        self.context.op(self, work).success(self._unlocked).failure(self._unlock_failed).run()

    def _unlocked(self, kept: tuple[OpenForm, ...]) -> None:
        if self._closed:
            return
        self._locked = False
        self._to_reopen = kept
        self.pages.setCurrentIndex(0)
        self.toolbar.show()
        self.statusBar().show()
        self.sync_action.setEnabled(not self._syncing)
        self.lock_action.setEnabled(True)
        self._update_title()
        self.idle_watch.start()
        self.load_worklist()  # then opens what was kept (``_show_loaded``)
        self.focus_filter()

    def _unlock_failed(self, error: Exception) -> None:
        if self._closed:
            return
        if isinstance(error, CaseloadErased):  # the tenth wrong PIN
            self.context.prompts.show_error(self, ERASED_TITLE, str(error))
            self.close()
            return
        if not isinstance(error, PinRefused):
            log.error("unlocking failed: %s", type(error).__name__)
        self.lock_page.show_problem(str(error))

    # -- Qt overrides -----------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        """Close the case windows, wait for running work, then close the workspace (the window
        owns it)."""
        if not self._closed:
            for window in list(self._case_windows.values()):
                window.close()
            self.idle_watch.detach()
            self._closed = True
            # Results still queued after this wait find the window closed and do nothing.
            self.context.runner.wait_for_done(30_000)
            self.context.workspace.close()
            note_window(self.context.workspace.data_dir, locked=None)
        super().closeEvent(event)
