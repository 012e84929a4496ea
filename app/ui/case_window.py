"""One case in its own window: who lives there, the money, the advice, every warning, the rent
statement, the balance over time and the action history; "Record action" offline.

Opened from the worklist (non-modal, one window per case, so two cases can sit side by side;
Esc closes). ``load()`` reads the case with ``app.services.case_file.open_case`` on the
database worker (which audits the view) and fills the window; everything shown is worded by
``app.ui.text.case`` from the ``CaseFile`` values, never computed here.

The statement can be narrowed by dates (presets or two date boxes) and by type; the chart
follows the same dates. "Record action" opens a ``RecordActionDialog``; when it saves, the
window announces ``ActionRecorded`` on the ``ChangeHub`` and every screen showing the case
redraws (this window reloads itself; the worklist reloads that one case). After a sync that
touched the case the window reloads too.

The window sizes itself to the screen it opens on (:data:`PREFERRED_SIZE` where there is room,
else the screen less a frame allowance), so it fits a 1366x768 laptop; the splitter gives the
chart about :data:`CHART_SHARE` of its height and the tabs always room for a few statement lines.

Threading: GUI thread only; reads go through ``Op`` (kind "db"). Results arriving after the
window closed are dropped.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.months import add_months
from app.domain.recovery import RecoveryPolicy
from app.services.case_changes import (
    ActionRecorded,
    ArrangementAgreed,
    ArrangementCancelled,
    VisitRecorded,
)
from app.services.case_file import STATEMENT_GROUPS, CaseFile, CaseNotFound, open_case
from app.services.screen_lock import OpenForm
from app.ui.arrangement_dialog import ArrangementDialog, ArrangementsPanel
from app.ui.assessment_form import AssessmentForm
from app.ui.balance_chart import BalanceChartView
from app.ui.case_models import (
    ActionHistoryModel,
    HistoryColumn,
    StatementColumn,
    StatementFilterProxy,
    StatementTableModel,
)
from app.ui.contacts_panel import ContactsPanel, timeline_tab_title
from app.ui.context import UiContext
from app.ui.dates import day_edit, qdate
from app.ui.ops import ProgressFn
from app.ui.record_action_dialog import RecordActionDialog
from app.ui.screen_fit import fit_to_screen
from app.ui.tables import read_only_table
from app.ui.text.case import (
    ALL_TYPES,
    ARRANGEMENTS_TAB,
    FROM,
    HISTORY_TAB,
    LOADING,
    SHOW,
    STATEMENT_PRESETS,
    TO,
    UNREADABLE,
    WAITING_TO_SYNC,
    banner,
    case_header,
    history_tab_title,
    open_failed,
    statement_count,
    statement_tab_title,
)
from app.ui.uc_helper_dialog import UcHelperDialog, UcPrefill
from app.ui.visit_mode import VisitModeWindow

log = logging.getLogger(__name__)


# Warning banners: (background, text colour, border). The heading says it as well as the colour.
BANNER_COLOURS = {
    "safety": ("#b71c1c", "#ffffff", "#7f0000"),
    "vulnerability": ("#ffc107", "#000000", "#c79100"),
    "breathing_space": ("#1565c0", "#ffffff", "#003c8f"),
    "other": ("#fff3cd", "#4d3800", "#e0c97a"),
}
DEFAULT_PRESET = "last_12_months"
#: The size the window asks for where the screen has room, and what it leaves of a smaller
#: screen for the window manager's title bar and frame.
PREFERRED_SIZE = QSize(1200, 900)
#: The chart's share of the height the chart and the tabs split, at first.
CHART_SHARE = 0.4


def preset_range(preset: str, *, today: date) -> tuple[date | None, date | None]:
    """The dates a statement preset shows (None: open-ended)."""
    if preset == "last_13_weeks":
        return today - timedelta(weeks=13), None
    if preset == "last_12_months":
        return add_months(today, -12), None
    return None, None


def _banner(kind: str, text: str) -> QLabel:
    words = banner(kind, text)
    background, colour, border = BANNER_COLOURS[words.kind]
    label = QLabel(words.html)
    label.setObjectName(f"banner_{kind}")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet(
        f"QLabel {{ background: {background}; color: {colour}; border: 1px solid {border};"
        " border-radius: 4px; padding: 4px 10px; }"
    )
    label.setAccessibleName(words.spoken)
    return label


def _info_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _scale_bold(label: QLabel, scale: float) -> None:
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)


def _button(text: str, tip: str, slot: Callable[[], object]) -> QPushButton:
    """A header button, disabled until the case is read."""
    button = QPushButton(text)
    button.setToolTip(tip)
    button.setEnabled(False)
    button.clicked.connect(slot)
    return button


def _raised(window: QWidget | None) -> bool:
    """Bring ``window`` to the front if it is still open (True), else False: a case keeps one
    window of each kind, so what was typed in it is not split across two."""
    if window is None:
        return False
    with contextlib.suppress(RuntimeError):  # closed and deleted: the caller opens a new one
        if window.isVisible():
            window.raise_()
            window.activateWindow()
            return True
    return False


class CaseWindow(QWidget):
    """One case, opened from the worklist; a top-level window. ``loaded`` is emitted each time
    the case is shown (after ``load()``), ``closed`` when the window closes.

    Threading: GUI thread only.
    """

    loaded = Signal()
    closed = Signal()

    def __init__(
        self,
        context: UiContext,
        *,
        tenancy_id: uuid.UUID,
        policy: RecoveryPolicy,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.context = context
        self.tenancy_id = tenancy_id
        self._policy = policy
        self._closed = False
        self._setting_dates = False
        self.case: CaseFile | None = None
        self.record_dialog: RecordActionDialog | None = None
        self.assessment_form: AssessmentForm | None = None
        self.arrangement_dialog: ArrangementDialog | None = None
        self.uc_helper: UcHelperDialog | None = None
        self.visit_mode: VisitModeWindow | None = None
        self._to_reopen: list[OpenForm] = []  # kept by a lock, opened once the case is read
        self.banners: list[QLabel] = []
        self.setObjectName("CaseWindow")
        self.setWindowTitle("Doorstep — case")

        header = self._build_header()
        self.warnings_layout = QVBoxLayout()
        self.warnings_layout.setSpacing(4)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_statement_page(), statement_tab_title(0))
        self.contacts_panel = ContactsPanel(context, tenancy_id=tenancy_id)
        self.contacts_panel.recorded.connect(self._visit_recorded)
        self.contacts_panel.correct_requested.connect(self.correct_contact)
        self.tabs.addTab(self.contacts_panel, timeline_tab_title(()))
        self.tabs.addTab(self._build_history_page(), HISTORY_TAB)
        self.arrangements_panel = ArrangementsPanel(context, tenancy_id=tenancy_id, policy=policy)
        self.arrangements_panel.changed.connect(self._arrangement_changed)
        self.tabs.addTab(self.arrangements_panel, ARRANGEMENTS_TAB)
        self.chart = BalanceChartView()
        self.splitter = self._build_splitter()
        self._keep_statement_lines(4)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addLayout(self.warnings_layout)
        layout.addWidget(self.splitter, 1)
        self._add_shortcuts()
        context.changes.operation_did_execute.connect(self._operation_did_execute)
        self._set_preset(DEFAULT_PRESET)
        self._size_to_screen()

    # -- building ---------------------------------------------------------------------------
    def _build_header(self) -> QGridLayout:
        """Who and where (with the buttons) across the top; the money and the advice under."""
        header = QGridLayout()
        header.setHorizontalSpacing(16)
        header.setVerticalSpacing(4)
        header.addLayout(self._build_who(), 0, 0, 1, 2)
        header.addLayout(self._build_money(), 1, 0)
        header.addWidget(self._build_advice(), 1, 1)
        header.setColumnStretch(0, 2)
        header.setColumnStretch(1, 3)
        return header

    def _build_who(self) -> QVBoxLayout:
        self.name_label = QLabel(LOADING)
        _scale_bold(self.name_label, 1.45)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.ref_label = QLabel()
        self.ref_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.household_label = _info_label()
        self.address_label = _info_label()
        self.tenancy_label = _info_label()
        title_row = QHBoxLayout()
        title_row.addWidget(self.name_label)
        title_row.addSpacing(12)
        title_row.addWidget(self.ref_label, 0, Qt.AlignmentFlag.AlignBottom)
        title_row.addStretch(1)
        for button in self._build_buttons():
            title_row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        who = QVBoxLayout()
        who.setSpacing(2)
        who.addLayout(title_row)
        who.addWidget(self.household_label)
        who.addWidget(self.address_label)
        who.addWidget(self.tenancy_label)
        return who

    def _build_buttons(self) -> tuple[QPushButton, ...]:
        """The things an officer does from a case, each disabled until it is read."""
        self.visit_button = _button(
            "&Visit mode…",
            "One screen for the visit: warnings first, the household, what changed, and large"
            " buttons to record the contact (works offline)",
            self.open_visit_mode,
        )
        self.assessment_button = _button(
            "&Income and expenditure…",
            "The household's income and expenditure (SFS): continue the draft, see the last"
            " finished one, or start a new one copied forward",
            self.open_assessment,
        )
        self.uc_button = _button(
            "&Universal Credit…",
            "Estimate UC for the household; managed payment and deduction checks with the text"
            " for the DWP request",
            self.open_uc_helper,
        )
        self.arrangement_button = _button(
            "Arra&ngement…",
            "Propose and agree a payment arrangement from the latest I&E (works offline)",
            self.open_arrangement,
        )
        self.record_button = _button(
            "&Record action…",
            "Record an action on this case (works offline)",
            self.record_action,
        )
        return (
            self.visit_button,
            self.assessment_button,
            self.uc_button,
            self.arrangement_button,
            self.record_button,
        )

    def _build_money(self) -> QVBoxLayout:
        self.balance_label = QLabel()
        _scale_bold(self.balance_label, 1.3)
        self.balance_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.account_label = _info_label()
        self.arrangement_label = _info_label()
        money = QVBoxLayout()
        money.setSpacing(2)
        money.addWidget(self.balance_label)
        money.addWidget(self.account_label)
        money.addWidget(self.arrangement_label)
        money.addStretch(1)
        return money

    def _build_advice(self) -> QFrame:
        self.next_label = _info_label()
        self.stage_label = _info_label()
        self.reason_label = _info_label()
        advice_box = QFrame()
        advice_box.setObjectName("AdviceBox")
        advice_box.setFrameShape(QFrame.Shape.StyledPanel)
        advice_layout = QVBoxLayout(advice_box)
        advice_layout.setContentsMargins(10, 6, 10, 6)
        advice_layout.setSpacing(2)
        advice_layout.addWidget(self.next_label)
        advice_layout.addWidget(self.stage_label)
        advice_layout.addWidget(self.reason_label)
        return advice_box

    def _build_statement_page(self) -> QWidget:
        self.statement_model = StatementTableModel(self)
        self.statement_proxy = StatementFilterProxy(self)
        self.statement_proxy.setSourceModel(self.statement_model)
        self.statement_table = read_only_table(self.statement_proxy, "Rent statement")
        self.statement_table.setSortingEnabled(True)
        self.statement_table.sortByColumn(StatementColumn.DATE, Qt.SortOrder.DescendingOrder)
        self._size_statement()
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(self._build_statement_filters())
        layout.addWidget(self.statement_table, 1)
        return page

    def _build_statement_filters(self) -> QHBoxLayout:
        """A preset period, or two dates, and a type of line; the count of lines shown."""
        self.preset_combo = QComboBox()
        self.preset_combo.setAccessibleName("Statement period")
        for code, label in STATEMENT_PRESETS:
            self.preset_combo.addItem(label, code)
        self.from_edit = day_edit(name="Statement from")
        self.to_edit = day_edit(name="Statement to")
        self.type_combo = QComboBox()
        self.type_combo.setAccessibleName("Statement line type")
        self.type_combo.addItem(ALL_TYPES, None)
        for code, label in STATEMENT_GROUPS:
            self.type_combo.addItem(label, code)
        self.statement_count = QLabel()
        self.preset_combo.currentIndexChanged.connect(self._preset_chosen)
        self.from_edit.dateChanged.connect(self._dates_edited)
        self.to_edit.dateChanged.connect(self._dates_edited)
        self.type_combo.currentIndexChanged.connect(self._type_chosen)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(SHOW))
        filters.addWidget(self.preset_combo)
        filters.addSpacing(8)
        filters.addWidget(QLabel(FROM))
        filters.addWidget(self.from_edit)
        filters.addWidget(QLabel(TO))
        filters.addWidget(self.to_edit)
        filters.addSpacing(8)
        filters.addWidget(self.type_combo)
        filters.addStretch(1)
        filters.addWidget(self.statement_count)
        return filters

    def _build_history_page(self) -> QWidget:
        self.history_model = ActionHistoryModel(self)
        self.history_table = read_only_table(self.history_model, "Action history")
        self._size_history()
        page = self.history_page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.history_table)
        return page

    def _build_splitter(self) -> QSplitter:
        """The chart over the tabs; growing the window grows the tabs more than the chart."""
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.chart)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        return splitter

    def _keep_statement_lines(self, lines: int) -> None:
        """However the splitter is dragged, the tabs keep room for ``lines`` statement lines
        under the filters and the column headings."""
        row = self.statement_table.verticalHeader().defaultSectionSize()
        bars = self.tabs.tabBar().sizeHint().height() + self.preset_combo.sizeHint().height()
        self.tabs.setMinimumHeight(bars + (lines + 1) * row + 28)

    def _add_shortcuts(self) -> None:
        close = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        close.setContext(Qt.ShortcutContext.WindowShortcut)
        close.activated.connect(self.close)

    def _size_to_screen(self) -> None:
        """As big as :data:`PREFERRED_SIZE` where the screen has room, else the screen less
        its frame; the chart takes :data:`CHART_SHARE` of what the chart and tabs share."""
        fit_to_screen(self, PREFERRED_SIZE)
        layout = self.layout()
        if layout is not None:  # lay out now, so the splitter's height is known
            layout.activate()
        shared = self.splitter.height() - self.splitter.handleWidth()
        chart = max(self.chart.minimumHeight(), round(shared * CHART_SHARE))
        self.splitter.setSizes([chart, shared - chart])

    def _size_statement(self) -> None:
        metrics = self.statement_table.fontMetrics()
        header = self.statement_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(StatementColumn.DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        for column, sample in (
            (StatementColumn.DATE, "30 Sep 2026"),
            (StatementColumn.TYPE, "Discretionary Housing Payment"),
            (StatementColumn.DEBIT, "£10,000.00"),
            (StatementColumn.CREDIT, "£10,000.00"),
            (StatementColumn.BALANCE, "-£10,000.00"),
        ):
            self.statement_table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)

    def _size_history(self) -> None:
        metrics = self.history_table.fontMetrics()
        header = self.history_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(HistoryColumn.NOTE, QHeaderView.ResizeMode.Stretch)
        for column, sample in (
            (HistoryColumn.DATE, "30 Sep 2026"),
            (HistoryColumn.ACTION, "Notice of seeking possession served"),
            (HistoryColumn.UNTIL, "Proceedings may start from: 30 Sep 2026"),
            (HistoryColumn.SOURCE, WAITING_TO_SYNC),
        ):
            self.history_table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)

    # -- loading ----------------------------------------------------------------------------
    def load(self) -> None:
        """Read the case (auditing the view) on the database worker and show it."""
        workspace = self.context.workspace
        tenancy_id = self.tenancy_id
        policy = self._policy
        as_of = self.context.today()

        def work(_progress: ProgressFn) -> CaseFile:
            return open_case(workspace, tenancy_id=tenancy_id, policy=policy, as_of=as_of)

        self.context.op(self, work).success(self._show_case).failure(self._load_failed).run()

    def _show_case(self, case: CaseFile) -> None:
        if self._closed:
            return
        self.case = case
        self._show_header(case)
        self._show_warnings(case)
        today = case.advice.as_of
        self.statement_model.set_rows(case.statement)
        self.chart.set_statement(case.statement, today=today)
        self._set_preset(self.preset_combo.currentData() or DEFAULT_PRESET)
        self.contacts_panel.set_entries(case.timeline)
        self.tabs.setTabText(
            self.tabs.indexOf(self.contacts_panel), timeline_tab_title(case.timeline)
        )
        self.history_model.set_rows(case.actions)
        self.tabs.setTabText(self.tabs.indexOf(self.history_page), history_tab_title(case.actions))
        self.record_button.setEnabled(True)
        self.visit_button.setEnabled(True)
        self.assessment_button.setEnabled(True)
        self.arrangement_button.setEnabled(True)
        self.arrangements_panel.load()
        self.uc_button.setEnabled(True)
        if self._to_reopen:
            self._reopen_kept()
        self.loaded.emit()

    def _load_failed(self, error: Exception) -> None:
        if self._closed:
            return
        self.record_button.setEnabled(False)
        if isinstance(error, CaseNotFound):
            self.name_label.setText(str(error))
        else:
            log.error("could not open a case", exc_info=error)
            self.name_label.setText(UNREADABLE)
            self.context.prompts.show_error(self, "Doorstep", open_failed(error))

    # -- header ---------------------------------------------------------------------------
    def _show_header(self, case: CaseFile) -> None:
        header = case_header(case)
        self.setWindowTitle(header.window_title)
        self.name_label.setText(header.name)
        self.ref_label.setText(header.ref)
        self.household_label.setText(header.household)
        self.address_label.setText(header.address)
        self.tenancy_label.setText(header.tenancy)
        self.balance_label.setText(header.balance)
        self.account_label.setText(header.account)
        self.arrangement_label.setText(header.arrangements_html)
        self.arrangement_label.setVisible(bool(header.arrangements_html))
        self.next_label.setText(header.next_action_html)
        self.stage_label.setText(header.stage_html)
        # The reason already names any hold ("-> ...: blocked (Breathing Space until ...)").
        self.reason_label.setText(header.reason_html)

    def _show_warnings(self, case: CaseFile) -> None:
        for old in self.banners:
            self.warnings_layout.removeWidget(old)
            old.deleteLater()
        self.banners = [_banner(w.kind, w.text) for w in case.warnings]
        for label in self.banners:
            self.warnings_layout.addWidget(label)

    def warning_texts(self) -> list[str]:
        """The banners' texts as shown (heading and sentence), most serious first."""
        return [label.accessibleName() for label in self.banners]

    # -- statement filters ------------------------------------------------------------------
    def _set_preset(self, preset: str) -> None:
        index = self.preset_combo.findData(preset)
        if self.preset_combo.currentIndex() != index:
            self.preset_combo.setCurrentIndex(index)  # -> _preset_chosen
        else:
            self._preset_chosen(index)

    def _preset_chosen(self, index: int) -> None:
        preset = self.preset_combo.itemData(index)
        if preset == "custom":
            self._dates_edited()
            return
        today = self.case.advice.as_of if self.case is not None else self.context.today()
        start, end = preset_range(preset, today=today)
        first = self.case.statement[0].posted_on if self.case and self.case.statement else today
        last = self.case.statement[-1].posted_on if self.case and self.case.statement else today
        self._setting_dates = True
        try:
            self.from_edit.setDate(qdate(start or first))
            self.to_edit.setDate(qdate(end or max(last, today)))
        finally:
            self._setting_dates = False
        self._apply_dates(start, end)

    def _dates_edited(self) -> None:
        if self._setting_dates:
            return
        start: date = self.from_edit.date().toPython()  # type: ignore[assignment]
        end: date = self.to_edit.date().toPython()  # type: ignore[assignment]
        custom = self.preset_combo.findData("custom")
        if self.preset_combo.currentIndex() != custom:
            self.preset_combo.blockSignals(True)
            self.preset_combo.setCurrentIndex(custom)
            self.preset_combo.blockSignals(False)
        self._apply_dates(start, end)

    def set_statement_dates(self, start: date, end: date) -> None:
        """Show the statement (and chart) between two dates, as if typed in the boxes."""
        self._setting_dates = True
        try:
            self.from_edit.setDate(qdate(start))
            self.to_edit.setDate(qdate(end))
        finally:
            self._setting_dates = False
        self._dates_edited()

    def set_statement_preset(self, preset: str) -> None:
        self._set_preset(preset)

    def _apply_dates(self, start: date | None, end: date | None) -> None:
        self.statement_proxy.set_date_range(start, end)
        self.chart.set_range(start, end)
        self._statement_shown()

    def _type_chosen(self, index: int) -> None:
        self.statement_proxy.set_group(self.type_combo.itemData(index))
        self._statement_shown()

    def set_statement_type(self, group: str | None) -> None:
        self.type_combo.setCurrentIndex(max(0, self.type_combo.findData(group)))

    def _statement_shown(self) -> None:
        shown = self.statement_proxy.rowCount()
        total = self.statement_model.rowCount()
        self.statement_count.setText(statement_count(shown, total))
        self.tabs.setTabText(0, statement_tab_title(shown))

    # -- recording --------------------------------------------------------------------------
    def record_action(self) -> RecordActionDialog | None:
        """Open the record-action form for this case (window-modal, returns at once)."""
        if self.case is None:
            return None
        dialog = RecordActionDialog(self.context, case=self.case, parent=self)
        dialog.recorded.connect(self._action_recorded)
        dialog.finished.connect(dialog.deleteLater)
        self.record_dialog = dialog
        dialog.open()
        return dialog

    def open_visit_mode(self) -> VisitModeWindow | None:
        """Open (or raise) visit mode for this case in its own window."""
        if self.case is None:
            return None
        if _raised(self.visit_mode):
            return self.visit_mode
        window = VisitModeWindow(self.context, tenancy_id=self.tenancy_id, parent=self)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.visit_mode = window
        window.show()
        window.load()
        return window

    def correct_contact(self, contact_id: uuid.UUID) -> VisitModeWindow | None:
        """Open visit mode with a recorded contact, to record its corrected version."""
        visit = self.open_visit_mode()
        if visit is not None:
            visit.correct_contact(contact_id)
        return visit

    def open_assessment(self) -> AssessmentForm | None:
        """Open (or raise) this case's income and expenditure form in its own window."""
        if self.case is None:
            return None
        if _raised(self.assessment_form):
            return self.assessment_form
        form = AssessmentForm(
            self.context, tenancy_id=self.tenancy_id, title=self.name_label.text(), parent=self
        )
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.finished.connect(self.load)  # a referral can now hand the new I&E over
        self.assessment_form = form
        form.show()
        form.load()
        return form

    def open_uc_helper(self) -> UcHelperDialog | None:
        """Open (or raise) the Universal Credit helper, prefilled from this case (non-modal)."""
        if self.case is None:
            return None
        if _raised(self.uc_helper):
            return self.uc_helper
        dialog = UcHelperDialog(
            prefill=UcPrefill.from_case(self.case), today=self.case.advice.as_of, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.uc_helper = dialog
        dialog.show()
        return dialog

    def open_arrangement(self) -> ArrangementDialog | None:
        """Open the arrangement form for this case (window-modal, returns at once)."""
        if self.case is None:
            return None
        dialog = ArrangementDialog(self.context, case=self.case, policy=self._policy, parent=self)
        dialog.agreed.connect(self._arrangement_changed)
        dialog.finished.connect(dialog.deleteLater)
        self.arrangement_dialog = dialog
        dialog.open()
        dialog.load()
        return dialog

    def _arrangement_changed(self, changes: ArrangementAgreed | ArrangementCancelled) -> None:
        self.context.changes.operation_did_execute.emit(changes, self)

    def _visit_recorded(self, recorded: VisitRecorded) -> None:
        self.context.changes.operation_did_execute.emit(recorded, self)

    def _action_recorded(self, recorded: ActionRecorded) -> None:
        self.context.changes.operation_did_execute.emit(recorded, self)

    def _operation_did_execute(self, changes: object, initiator: object) -> None:
        if self._closed:
            return
        if isinstance(
            changes, (ActionRecorded, ArrangementAgreed, ArrangementCancelled, VisitRecorded)
        ):
            if changes.tenancy_id == self.tenancy_id:
                self.load()
            return
        changed = getattr(changes, "changed_tenancy_ids", None)
        if changed is not None and (
            self.tenancy_id in changed or getattr(changes, "bootstrapped", False)
        ):
            self.load()
            self._reload_finished_form()

    def _reload_finished_form(self) -> None:
        """After a sync touched the case, an open I&E form showing a finished assessment reads
        it again (its sync state, or a newer one from the officer's other laptop); a draft
        being typed is left alone."""
        form = self.assessment_form
        with contextlib.suppress(RuntimeError):  # closed and deleted: nothing to refresh
            if form is not None and form.isVisible() and form.is_read_only():
                form.load()

    # -- the lock ---------------------------------------------------------------------------
    def open_forms(self) -> list[OpenForm]:
        """This window and each form open on it, with what is typed in them (to keep while
        Doorstep is locked; ``app.services.screen_lock``)."""
        tenancy_id = self.tenancy_id
        forms = [OpenForm("case", tenancy_id, {"tab": self.tabs.currentIndex()})]
        with contextlib.suppress(RuntimeError):  # a form closed and deleted meanwhile
            if self.record_dialog is not None and self.record_dialog.isVisible():
                forms.append(OpenForm("record_action", tenancy_id, self.record_dialog.draft()))
        with contextlib.suppress(RuntimeError):
            if self.arrangement_dialog is not None and self.arrangement_dialog.isVisible():
                forms.append(OpenForm("arrangement", tenancy_id, self.arrangement_dialog.draft()))
        with contextlib.suppress(RuntimeError):
            if self.assessment_form is not None and self.assessment_form.isVisible():
                forms.append(OpenForm("assessment", tenancy_id, self.assessment_form.draft()))
        with contextlib.suppress(RuntimeError):
            if self.uc_helper is not None and self.uc_helper.isVisible():
                forms.append(OpenForm("uc_helper", tenancy_id))
        with contextlib.suppress(RuntimeError):
            if self.visit_mode is not None and self.visit_mode.isVisible():
                forms.append(OpenForm("visit", tenancy_id, self.visit_mode.draft()))
        return forms

    def close_for_lock(self) -> None:
        """Close now, without questions: the I&E draft is saved as it stands, and the other
        forms are kept by the lock (their own drafts stop, so closing them drops nothing)."""
        for dialog in (self.record_dialog, self.arrangement_dialog):
            if dialog is not None:
                with contextlib.suppress(RuntimeError):  # already deleted
                    dialog.drafts.stop()
        if self.assessment_form is not None:
            with contextlib.suppress(RuntimeError):  # already deleted
                self.assessment_form.close_for_lock()
        if self.visit_mode is not None:
            with contextlib.suppress(RuntimeError):  # already deleted
                self.visit_mode.close_for_lock()
        self.close()

    def reopen(self, forms: Sequence[OpenForm]) -> None:
        """Open again what :meth:`open_forms` kept, once the case is read."""
        self._to_reopen = list(forms)
        if self.case is not None:
            self._reopen_kept()

    def _reopen_kept(self) -> None:
        forms, self._to_reopen = self._to_reopen, []
        for form in forms:
            if form.kind == "case":
                tab = form.state.get("tab")
                if isinstance(tab, int) and 0 <= tab < self.tabs.count():
                    self.tabs.setCurrentIndex(tab)
            elif form.kind == "record_action":
                record = self.record_action()
                if record is not None:
                    record.restore_draft(form.state)
            elif form.kind == "arrangement":
                arrangement = self.open_arrangement()
                if arrangement is not None:
                    arrangement.restore_draft(form.state)
            elif form.kind == "assessment":
                assessment = self.open_assessment()
                if assessment is not None:
                    assessment.restore_draft(form.state)
            elif form.kind == "uc_helper":
                self.open_uc_helper()
            elif form.kind == "visit":
                visit = self.open_visit_mode()
                if visit is not None:
                    visit.restore_draft(form.state)

    # -- Qt overrides -----------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed and self.visit_mode is not None:
            with contextlib.suppress(RuntimeError):  # already deleted
                if self.visit_mode.isVisible() and not self.visit_mode.close():
                    event.ignore()  # the officer kept what they typed in visit mode
                    return
        if not self._closed:
            self._closed = True
            self.context.changes.operation_did_execute.disconnect(self._operation_did_execute)
            if self.record_dialog is not None:
                with contextlib.suppress(RuntimeError):  # already deleted
                    self.record_dialog.reject()
            if self.assessment_form is not None:
                with contextlib.suppress(RuntimeError):  # already deleted
                    self.assessment_form.close()
            if self.arrangement_dialog is not None:
                with contextlib.suppress(RuntimeError):  # already deleted
                    self.arrangement_dialog.reject()
            self.closed.emit()
        super().closeEvent(event)
