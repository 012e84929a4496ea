"""The Day plan: choose the day's home visits from the worklist, put them in order, and save or
print the visit sheet.

Every case of the worklist a visit can be planned to (``app.services.visit_sheet.plan_cases``)
is listed with a tick box; the cases the worklist says need contact today are ticked at the
start. The list is in the order of the day: cases with an officer-safety warning first, then by
postcode or by street (``app.domain.visit_brief.order_for_day``), and beside it the chosen cases
are numbered in that order, as the sheet prints them. "Save visit sheet…" asks where (the
Documents folder, ``visit-sheet-YYYY-MM-DD.pdf``) and builds and writes the sheet on the
database worker; "Print…" builds it there and then shows the print dialog, or, with no printer
set up, says so and offers to save it instead. What the screen says is worded in
``app.ui.text.day_plan``.

The dialog holds names and addresses: when it closes (or the lock closes it) its rows are
dropped and it is deleted.

Threading: GUI thread only. The sheet is built through ``Op`` (kind "db"; ``fn`` touches no
widget). Printing (Qt's print dialog and the PDF's pages painted for the printer) runs on the
GUI thread once the sheet is built: one or two pages.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    QStandardPaths,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.visit_brief import OrderBy, order_for_day, postcode_key, street_key
from app.paths import write_private_file
from app.services.visit_sheet import (
    PlanCase,
    VisitSheet,
    plan_cases,
    prepare_visit_sheets,
    sheet_file_name,
    visit_sheet,
)
from app.services.worklist import WorkItem
from app.ui.context import UiContext
from app.ui.dates import day_edit, qdate
from app.ui.ops import ProgressFn
from app.ui.screen_fit import fit_to_screen
from app.ui.table_model import FrozenRowsModel, FrozenRowsProxy, fold
from app.ui.tables import read_only_table
from app.ui.text import day_plan as words

log = logging.getLogger(__name__)

#: The size the Day plan asks for; it takes less on a smaller screen (1366x768 fits).
PREFERRED = QSize(1300, 700)
_CHECK = int(Qt.ItemDataRole.CheckStateRole)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
AnyIndex = QModelIndex | QPersistentModelIndex


class SheetPrinter:
    """Prints a built sheet: whether a printer is set up, and the print dialog then the PDF's
    pages painted for the printer. Tests pass a fake. GUI thread only."""

    def has_printer(self) -> bool:
        from PySide6.QtPrintSupport import QPrinterInfo

        return bool(QPrinterInfo.availablePrinters())

    def print_pdf(self, parent: QWidget | None, pdf: bytes, title: str) -> bool:
        """Show the print dialog; when accepted, print every page. False when cancelled."""
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
        from PySide6.QtGui import QPageSize, QPainter
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(title)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        dialog = QPrintDialog(printer, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        data = QByteArray(pdf)
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document = QPdfDocument()
        document.load(buffer)
        painter = QPainter()
        if not painter.begin(printer):
            raise OSError("the printer could not be started")
        try:
            target = QRectF(printer.pageLayout().paintRectPixels(printer.resolution()))
            dpi = min(printer.resolution(), 300)
            for page in range(document.pageCount()):
                if page:
                    printer.newPage()
                points = document.pagePointSize(page)
                size = QSize(int(points.width() * dpi / 72), int(points.height() * dpi / 72))
                image = document.render(page, size)
                painter.drawImage(target, image)
        finally:
            painter.end()
            document.close()
        return True


def documents_folder() -> Path:
    """The officer's Documents folder (their home folder when the system names none)."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


class DayPlanModel(FrozenRowsModel[PlanCase]):
    """The cases to choose from, in the day's order, the first column a tick box.

    ``chosen_changed`` is emitted whenever a tick changes. Invariant: ``_chosen`` holds only
    ids of rows shown. Threading: GUI thread only."""

    headers = tuple(header for header, _tip in words.COLUMNS)
    header_tips = {column: tip for column, (_header, tip) in enumerate(words.COLUMNS)}
    right_aligned = frozenset({6, 7})
    chosen_changed = Signal()

    def __init__(self, rows: Sequence[PlanCase] = (), parent: QObject | None = None) -> None:
        self._chosen: set[uuid.UUID] = set()
        super().__init__(rows, parent)

    def rows_loaded(self) -> None:
        shown = {row.tenancy_id for row in self._rows}
        self._chosen &= shown

    def row_texts(self, row: PlanCase) -> tuple[str, ...]:
        return ("", *words.case_texts(row, chosen=False)[1:])

    def sort_key(self, row: PlanCase, column: int) -> Any:
        if column == 0:
            return row.tenancy_id in self._chosen
        if column == 1:
            return (not any(w.kind == "safety" for w in row.warnings), len(row.warnings) == 0)
        if column == 6:
            return row.balance_pence
        if column == 7:
            return row.weeks_in_arrears if row.weeks_in_arrears is not None else -1
        if column == 5:
            return postcode_key(row.postcode)
        if column == 4:
            return street_key(row.address)
        return fold(words.case_texts(row, chosen=False)[column])

    def cell_tooltip(self, row: PlanCase, column: int) -> str | None:
        if column == 1 and row.warnings:
            return row.warnings_text
        return None

    def cell_font(self, row: PlanCase, column: int) -> Any:
        if column == 1 and row.warnings:
            font = QFont()
            font.setBold(True)
            return font
        return None

    # -- the ticks --------------------------------------------------------------------------
    def chosen(self) -> list[PlanCase]:
        """The chosen cases, in the order shown."""
        return [row for row in self._rows if row.tenancy_id in self._chosen]

    def is_chosen(self, tenancy_id: uuid.UUID) -> bool:
        return tenancy_id in self._chosen

    def set_chosen(self, tenancy_ids: set[uuid.UUID]) -> None:
        """Tick exactly these cases (of those shown)."""
        self._chosen = {row.tenancy_id for row in self._rows if row.tenancy_id in tenancy_ids}
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0), [_CHECK])
        self.chosen_changed.emit()

    def set_case_chosen(self, tenancy_id: uuid.UUID, chosen: bool) -> None:
        ids = set(self._chosen)
        if chosen:
            ids.add(tenancy_id)
        else:
            ids.discard(tenancy_id)
        self.set_chosen(ids)

    # -- Qt overrides -------------------------------------------------------------------------
    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        if role == _CHECK and index.isValid() and index.column() == 0:
            row = self.row_at(index.row()) if 0 <= index.row() < self.rowCount() else None
            if row is None:
                return None
            chosen = row.tenancy_id in self._chosen
            return Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked
        return super().data(index, role)

    def setData(self, index: AnyIndex, value: Any, role: int = _CHECK) -> bool:
        if role != _CHECK or not index.isValid() or index.column() != 0:
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, True, 2)
        self.set_case_chosen(self.row_at(index.row()).tenancy_id, bool(checked))
        return True


class DayPlanProxy(FrozenRowsProxy):
    """Finds cases by ref, lead tenant, address or postcode (accents and case ignored); keeps
    the model's order. Threading: GUI thread only."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._haystacks: list[str] = []

    def set_find_text(self, text: str) -> None:
        self.refilter(lambda: setattr(self, "_needle", fold(text.strip())))

    def accepts(self, source_row: int) -> bool:
        if not self._needle:
            return True
        row: PlanCase = self.rows_model().row_at(source_row)
        haystack = fold(" ".join((row.ref, row.lead_tenant, row.address, row.postcode)))
        return all(part in haystack for part in self._needle.split())


class DayPlanDialog(QDialog):
    """The Day plan (see the module). ``sheet_saved(path)`` and ``sheet_printed()`` say what was
    done. Non-modal; deleted when closed. Threading: GUI thread only."""

    sheet_saved = Signal(Path)
    sheet_printed = Signal()
    model: DayPlanModel
    proxy: DayPlanProxy

    def __init__(
        self,
        context: UiContext,
        *,
        items: Sequence[WorkItem],
        printer: SheetPrinter | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self._printer = printer or SheetPrinter()
        self._cases = plan_cases(items)
        self._busy = False
        self.setObjectName("DayPlan")
        self.setWindowTitle(words.TITLE)
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self._build()
        self.finished.connect(self._forget)
        self.model.set_chosen({case.tenancy_id for case in self._cases if case.suggested})
        fit_to_screen(self, PREFERRED)
        self.table.setFocus()
        # Not tied to this window: it may close before the library has loaded.
        self.context.op(None, lambda _progress: prepare_visit_sheets()).failure(
            lambda error: log.warning("preparing the visit sheet failed: %s", type(error).__name__)
        ).run()

    # -- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.day_edit = day_edit(self.context.today(), name=words.DAY_LABEL)
        self.day_edit.dateChanged.connect(self._update_order)
        self.order_combo = QComboBox()
        self.order_combo.setAccessibleName(words.ORDER_LABEL)
        for code, label in words.ORDER_CHOICES:
            self.order_combo.addItem(label, code)
        self.order_combo.currentIndexChanged.connect(self._reorder)
        self.find_edit = QLineEdit()
        self.find_edit.setPlaceholderText(words.FIND_PLACEHOLDER)
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.setAccessibleName(words.FIND_PLACEHOLDER)
        self.suggested_button = QPushButton(words.CHOOSE_SUGGESTED)
        self.suggested_button.setToolTip(words.CHOOSE_SUGGESTED_TIP)
        self.suggested_button.clicked.connect(self.choose_suggested)
        self.clear_button = QPushButton(words.CLEAR)
        self.clear_button.setToolTip(words.CLEAR_TIP)
        self.clear_button.clicked.connect(lambda: self.model.set_chosen(set()))

        self.model = DayPlanModel(order_for_day(self._cases, by="postcode"), self)
        self.model.chosen_changed.connect(self._update_order)
        self.proxy = DayPlanProxy(self)
        self.proxy.setSourceModel(self.model)
        self.find_edit.textChanged.connect(self.proxy.set_find_text)
        self.table = read_only_table(self.proxy, "Cases to choose from")
        self.table.activated.connect(self._toggle_index)  # Enter or a double-click ticks
        header = self.table.horizontalHeader()
        bold = QFont(self.table.font())
        bold.setBold(True)
        metrics, bold_metrics = self.table.fontMetrics(), QFontMetrics(bold)
        widths = {
            0: metrics.horizontalAdvance("Visit") + 28,
            1: bold_metrics.horizontalAdvance("Officer safety") + 12,
            2: metrics.horizontalAdvance("T0000000") + 12,
            5: metrics.horizontalAdvance("TE10 2EF") + 16,
            6: metrics.horizontalAdvance("-£12,345.67") + 12,
            7: metrics.horizontalAdvance("Weeks") + 16,
            8: metrics.horizontalAdvance("Send arrears letter 1 (due)") + 12,
        }
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        for column in (3, 4):  # who and where share what is left
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)

        self.order_model = QStringListModel(self)
        self.order_view = QListView()
        self.order_view.setModel(self.order_model)
        self.order_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.order_view.setAccessibleName(words.ORDER_HEADING)
        self.order_view.setWordWrap(True)
        self.order_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        order_heading = QLabel(f"<b>{words.ORDER_HEADING}</b>")
        self.order_note = QLabel(words.ORDER_NOTE)
        self.order_note.setWordWrap(True)

        self.sheet_label = QLabel()
        self.sheet_label.setObjectName("DayPlanSheet")
        self.status_label = QLabel()
        self.status_label.setObjectName("DayPlanStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_button = QPushButton(words.SAVE)
        self.save_button.setToolTip(words.SAVE_TIP)
        self.save_button.clicked.connect(self.save_sheet)
        self.print_button = QPushButton(words.PRINT)
        self.print_button.setToolTip(words.PRINT_TIP)
        self.print_button.clicked.connect(self.print_sheet)
        close_button = QPushButton(words.CLOSE)
        close_button.clicked.connect(self.close)
        self.save_button.setDefault(True)

        top = QHBoxLayout()
        day_label = QLabel(words.DAY_LABEL)
        day_label.setBuddy(self.day_edit)
        order_label = QLabel(words.ORDER_LABEL)
        order_label.setBuddy(self.order_combo)
        for widget in (day_label, self.day_edit, order_label, self.order_combo):
            top.addWidget(widget)
        top.addSpacing(12)
        top.addWidget(self.find_edit, 1)
        top.addWidget(self.suggested_button)
        top.addWidget(self.clear_button)

        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(order_heading)
        side.addWidget(self.order_note)
        side.addWidget(self.order_view, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([900, 360])
        right.setMinimumWidth(300)

        buttons = QHBoxLayout()
        buttons.addWidget(self.sheet_label, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        self.setTabOrder(self.day_edit, self.order_combo)
        self.setTabOrder(self.order_combo, self.find_edit)
        self.setTabOrder(self.find_edit, self.table)

    # -- choosing and ordering -------------------------------------------------------------------
    def day(self) -> date:
        day = self.day_edit.date().toPython()
        assert isinstance(day, date)
        return day

    def set_day(self, day: date) -> None:
        self.day_edit.setDate(qdate(day))

    def order_by(self) -> OrderBy:
        code: OrderBy = self.order_combo.currentData()
        return code

    def set_order(self, by: OrderBy) -> None:
        self.order_combo.setCurrentIndex(self.order_combo.findData(by))

    def cases(self) -> list[PlanCase]:
        """Every case offered, in the order shown."""
        return self.model.rows()

    def chosen(self) -> list[PlanCase]:
        """The chosen cases in the day's order (the sheet's order)."""
        return self.model.chosen()

    def choose(self, refs: Sequence[str]) -> None:
        """Tick exactly the cases with these refs (for the keyboard's and tests' sake)."""
        wanted = set(refs)
        self.model.set_chosen({case.tenancy_id for case in self.cases() if case.ref in wanted})

    def choose_suggested(self) -> None:
        self.model.set_chosen({case.tenancy_id for case in self._cases if case.suggested})

    def _toggle_index(self, index: QModelIndex) -> None:
        if index.isValid():
            case: PlanCase = self.proxy.row_at(index.row())
            self.model.set_case_chosen(case.tenancy_id, not self.model.is_chosen(case.tenancy_id))

    def _reorder(self) -> None:
        chosen = {case.tenancy_id for case in self.chosen()}
        self.model.set_rows(order_for_day(self._cases, by=self.order_by()))
        self.model.set_chosen(chosen)

    def _update_order(self) -> None:
        chosen = self.chosen()
        lines = words.order_lines(chosen)
        self.order_model.setStringList(lines or [words.NOTHING_CHOSEN])
        self.sheet_label.setText(
            f"{words.sheet_title(self.day(), len(chosen))} · "
            f"{words.chosen_count(len(chosen), len(self._cases))}"
        )
        self._enable()

    def _enable(self) -> None:
        ready = bool(self.chosen()) and not self._busy
        self.save_button.setEnabled(ready)
        self.print_button.setEnabled(ready)

    # -- the sheet -------------------------------------------------------------------------------
    def save_sheet(self) -> None:
        """Ask where, then build and write the sheet on the database worker."""
        ids = [case.tenancy_id for case in self.chosen()]
        if not ids or self._busy:
            return
        day = self.day()
        suggested = documents_folder() / sheet_file_name(day)
        path = self.context.prompts.choose_save_file(
            self, words.SAVE_TITLE, str(suggested), words.PDF_FILTER
        )
        if path is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        workspace = self.context.workspace

        def work(_progress: ProgressFn) -> VisitSheet:
            sheet = visit_sheet(workspace, ids, day=day, order=None)
            write_private_file(path, sheet.pdf)
            return sheet

        def done(sheet: VisitSheet) -> None:
            self._finish()
            self._say(words.saved(path, sheet.pages))
            self.sheet_saved.emit(path)

        self._start()
        self.context.op(self, work).success(done).failure(self._failed).with_progress(
            words.BUILDING
        ).run()

    def print_sheet(self) -> None:
        """Build the sheet on the database worker, then show the print dialog; with no printer
        set up, say so and offer to save it instead."""
        ids = [case.tenancy_id for case in self.chosen()]
        if not ids or self._busy:
            return
        if not self._printer.has_printer():
            if self.context.prompts.ask_yes_no(self, words.NO_PRINTER_TITLE, words.NO_PRINTER):
                self.save_sheet()
            return
        day = self.day()
        workspace = self.context.workspace

        def work(_progress: ProgressFn) -> VisitSheet:
            return visit_sheet(workspace, ids, day=day, order=None)

        def built(sheet: VisitSheet) -> None:
            self._finish()
            try:
                printed = self._printer.print_pdf(self, sheet.pdf, sheet.file_name)
            except OSError as exc:
                self.context.prompts.show_error(self, words.PRINT_FAILED_TITLE, str(exc))
                return
            if printed:
                self._say(words.printed(sheet.pages))
                self.sheet_printed.emit()

        self._start()
        self.context.op(self, work).success(built).failure(self._failed).with_progress(
            words.BUILDING
        ).run()

    def _start(self) -> None:
        self._busy = True
        self._enable()

    def _finish(self) -> None:
        self._busy = False
        self._enable()

    def _say(self, text: str) -> None:
        self.status_label.setText(text)

    def _failed(self, error: Exception) -> None:
        self._finish()
        log.error("visit sheet not made: %s", type(error).__name__)
        self.context.prompts.show_error(self, words.SHEET_FAILED_TITLE, words.sheet_failed(error))

    def _forget(self) -> None:
        """Closed (by the officer or the lock): drop the names and addresses held."""
        self._cases = []
        self.model.set_rows([])
        self.order_model.setStringList([])
