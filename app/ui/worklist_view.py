"""The worklist's table view, its type-to-filter box, how the columns share the width, and a
status line that elides.

``WorklistView`` opens the current row on Enter (as a double-click does), paints a centred
message over an empty list, and fits its columns to its width whenever it is resized: each
column has an ideal width and the least it may shrink to (``ColumnFit``); when the ideals do
not fit, the columns that may shrink give up the same share of what they could give
(``fit_widths``), so on a 1366-pixel laptop nothing scrolls sideways, and the Reason column
(last, read in full under the list) takes whatever is left. Room for the vertical scroll bar is
always kept, so the columns stay put as filtering shows or hides it.

Which columns shrink (``worklist_column_fits``): the lead tenant, the address, the next action
and the reason elide with the full text in their tooltips and under the list (the usual next
actions read in full); the priority, warnings, ref, balance, weeks, due and stage columns keep
their width. Every column is at least as wide as its header with the sort arrow.

``ElidedLabel`` is one line that never widens the window: a long status (a sync or load problem
naming a file) ends in "…" with the whole of it in the tooltip.

Threading: GUI thread only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QSizePolicy, QStyle, QTableView, QWidget

from app.ui.text.worklist import SHORT_STAGES, WIDEST_STAGE
from app.ui.worklist_model import MarkerDelegate, WorklistColumn

CELL_PADDING = 20
"""The room a cell keeps beside its text (the item's margins and the focus frame)."""


@dataclass(frozen=True)
class ColumnFit:
    """How wide a column wants to be and the least it may shrink to, in pixels;
    ``gives_first``: it shrinks to its minimum before any other column shrinks."""

    ideal: int
    minimum: int
    gives_first: bool = False

    @classmethod
    def fixed(cls, width: int) -> ColumnFit:
        return cls(width, width)


def fit_widths(fits: Sequence[ColumnFit], available: int) -> list[int]:
    """Column widths within ``available`` pixels where the minimums allow it.

    The ideals when they fit. Else the columns that give first shrink, each by the same share
    of what it can give (its width less its minimum); then, if that is not enough, every
    column in the same way; the minimums when even they do not fit.
    """
    widths = [fit.ideal for fit in fits]
    for first_only in (True, False):
        excess = sum(widths) - available
        if excess <= 0:
            break
        shrinking = [n for n, fit in enumerate(fits) if fit.gives_first or not first_only]
        can_give = sum(widths[n] - fits[n].minimum for n in shrinking)
        if can_give <= 0:
            continue
        share = min(1.0, excess / can_give)
        for n in shrinking:
            widths[n] -= math.ceil((widths[n] - fits[n].minimum) * share)
    return widths


def worklist_column_fits(view: QTableView) -> list[ColumnFit]:
    """The worklist's columns, in order, sized from sample texts in the view's font."""
    metrics = view.fontMetrics()
    bold = QFont(view.font())
    bold.setBold(True)
    bold_metrics = QFontMetrics(bold)

    def plain(sample: str) -> int:
        return metrics.horizontalAdvance(sample) + CELL_PADDING

    def strong(sample: str) -> int:
        return bold_metrics.horizontalAdvance(sample) + CELL_PADDING

    samples = {
        WorklistColumn.PRIORITY: ColumnFit.fixed(plain("999")),
        WorklistColumn.WARNINGS: ColumnFit.fixed(MarkerDelegate.full_width(view.font())),
        WorklistColumn.REF: ColumnFit.fixed(plain("T0000000")),
        WorklistColumn.LEAD: ColumnFit(
            plain("Mrs Alexandra Montgomery"), plain("Miss Lucy Richardson")
        ),
        WorklistColumn.ADDRESS: ColumnFit(
            plain("Flat 12, Ångström House, 12"), plain("Flat 3, Ångström H")
        ),
        WorklistColumn.BALANCE: ColumnFit.fixed(plain("-£10,000.00")),
        WorklistColumn.WEEKS: ColumnFit.fixed(plain("99.99")),
        # The common steps read in full; a long one elides (tooltip, and under the list).
        WorklistColumn.NEXT_ACTION: ColumnFit(
            strong("Apply for a warrant of possession"), strong("Send a rent reminder")
        ),
        # An action due now is bold; one on hold is not, and says until when.
        WorklistColumn.DUE: ColumnFit.fixed(
            max(strong("30 Sep 2026"), plain("On hold to 30 Sep 2026"))
        ),
        WorklistColumn.STAGE: ColumnFit.fixed(
            max(plain(stage) for stage in (WIDEST_STAGE, *SHORT_STAGES.values()))
        ),
        # Read in full under the list: the first to give up room.
        WorklistColumn.REASON: ColumnFit(
            plain("£1,000.00 = 4.10 weeks' rent; no recovery action yet"),
            plain("£1,000.00 = 4.10"),
            gives_first=True,
        ),
    }
    header = view.horizontalHeader()
    fits = []
    for column in WorklistColumn:
        fit = samples[column]
        header_width = header.sectionSizeFromContents(column).width()  # with the sort arrow
        fits.append(
            ColumnFit(max(fit.ideal, header_width), max(fit.minimum, header_width), fit.gives_first)
        )
    return fits


class FilterEdit(QLineEdit):
    """The type-to-filter box: ↓ moves into the list, Enter opens the case selected.

    Threading: GUI thread only.
    """

    down_pressed = Signal()
    enter_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down and not event.modifiers():
            self.down_pressed.emit()
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enter_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class WorklistView(QTableView):
    """The worklist table: Enter opens the current row (``open_requested``), as a double-click
    does; a centred message is painted over an empty viewport (loading, no cases, no match);
    the columns are fitted to the width (``set_column_fits``).

    Threading: GUI thread only.
    """

    open_requested = Signal(QModelIndex)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._placeholder = ""
        self._fits: list[ColumnFit] = []
        self.doubleClicked.connect(self.open_requested)

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

    def set_column_fits(self, fits: Sequence[ColumnFit]) -> None:
        """How the columns share the width (one per column, in order); applied now and on
        every resize."""
        self._fits = list(fits)
        self.fit_columns()

    def fit_columns(self) -> None:
        if not self._fits:
            return
        for column, width in enumerate(fit_widths(self._fits, self.room_for_columns())):
            self.setColumnWidth(column, width)

    def room_for_columns(self) -> int:
        """The width the columns may take: the viewport's with the vertical scroll bar shown."""
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        return self.width() - 2 * self.frameWidth() - bar

    # -- Qt overrides -----------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            current = self.currentIndex()
            if current.isValid():
                self.open_requested.emit(current)
            event.accept()
            return
        super().keyPressEvent(event)

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


class ElidedLabel(QLabel):
    """One line of plain text showing as much as fits, ending in "…" when cut, with the whole
    text in its tooltip then. ``full_text()`` is the whole text; ``text()`` what is shown.

    Threading: GUI thread only.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = text
        self._elide()

    def _elide(self) -> None:
        room = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, room)
        self.setText(shown)
        self.setToolTip("" if shown == self._full else self._full)

    # -- Qt overrides -----------------------------------------------------------------------
    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()
