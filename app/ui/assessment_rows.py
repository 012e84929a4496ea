"""The rows of the income and expenditure form: one SFS line (heading, amount, frequency,
note) and one debt (creditor, owed, offer, CCJ), and how a typed amount is read.

Amounts are typed as ``12.50``, ``£12.50`` or ``1,150`` (``app.domain.money.
parse_typed_pounds``); anything else shows its reason under the row and is not counted.
The rows only read and show what was typed; every figure is worked out by ``app.domain.sfs``
in :mod:`app.ui.assessment_form`, every sentence by :mod:`app.ui.text.assessment`.

Widths: every line's heading box is as wide as the longest heading of any section (measured in
the row's font once), so the columns of all three sections line up; the note takes what is
left, down to :data:`NOTE_MIN_WIDTH`, so a line never needs more than a laptop's width.

Threading: GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from app.domain import sfs
from app.domain.case_actions import MAX_NOTE
from app.domain.money import AmountError, parse_typed_pounds
from app.ui.field_errors import error_label
from app.ui.text import assessment as say

FREQUENCY_LABELS: tuple[tuple[sfs.Frequency, str], ...] = (
    (sfs.Frequency.WEEKLY, "weekly"),
    (sfs.Frequency.FORTNIGHTLY, "fortnightly"),
    (sfs.Frequency.FOUR_WEEKLY, "four-weekly"),
    (sfs.Frequency.MONTHLY, "monthly"),
    (sfs.Frequency.QUARTERLY, "quarterly"),
    (sfs.Frequency.ANNUAL, "annual"),
)
#: A heading box's room beside its text: the frame and the drop-down arrow.
HEADING_PADDING = 32
#: The narrowest a line's note gets (the rest of the line is fixed width).
NOTE_MIN_WIDTH = 120
#: The widest "= £x a month" a line shows.
WIDEST_MONTHLY = "= £99,999.99 a month"
_heading_widths: dict[str, int] = {}  # by font: measured once, read for every row


def parse_amount(text: str) -> int | None:
    """``"12.50"``, ``"£12.50"`` or ``"1,150"`` -> pence; blank -> None; anything else
    AmountError (why)."""
    if not text.strip():
        return None
    pence = parse_typed_pounds(text)
    if pence < 0:
        raise AmountError("an amount cannot be negative")
    return pence


def heading_width(combo: QComboBox) -> int:
    """Wide enough for the longest heading of every section in ``combo``'s font."""
    key = combo.font().key()
    if key not in _heading_widths:
        metrics = combo.fontMetrics()
        longest = max(metrics.horizontalAdvance(h.label) for h in sfs.HEADINGS.values())
        _heading_widths[key] = longest + HEADING_PADDING
    return _heading_widths[key]


def amount_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText("0.00")
    edit.setAccessibleName(name)
    edit.setFixedWidth(100)
    edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    return edit


def show_field_error(label: QLabel, text: str) -> None:
    if label.text() != text:
        label.setText(text)
    label.setVisible(bool(text))


def read_amount(edit: QLineEdit, error: QLabel) -> int | None:
    """The amount typed (None when blank or bad); shows or clears the message under it."""
    try:
        pence = parse_amount(edit.text())
    except AmountError as exc:
        show_field_error(error, say.amount_error(str(exc)))
        return None
    show_field_error(error, "")
    return pence


def heading_combo(section: str) -> QComboBox:
    """The headings of ``section`` under their groups' titles (bold, not choosable), the
    first heading chosen."""
    combo = QComboBox()
    combo.setAccessibleName("Heading")
    combo.setFixedWidth(heading_width(combo))  # every section's columns line up
    model = QStandardItemModel(combo)
    combo.setModel(model)
    for group in sfs.GROUPS:
        if group.section != section:
            continue
        combo.addItem(group.label.upper(), None)
        title = model.item(model.rowCount() - 1)
        title.setFlags(Qt.ItemFlag.NoItemFlags)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        for item in group.headings:
            combo.addItem(item.label, item.key)
    combo.setCurrentIndex(1)
    return combo


def frequency_combo() -> QComboBox:
    """Every frequency, monthly chosen; as wide as the longest."""
    combo = QComboBox()
    combo.setAccessibleName("Frequency")
    for frequency, label in FREQUENCY_LABELS:
        combo.addItem(label, frequency.value)
    combo.setFixedWidth(combo.sizeHint().width())
    combo.setCurrentIndex(combo.findData("monthly"))
    return combo


class EditorRow(QWidget):
    """What a line and a debt share: their signals, their grid (fields on the first line, the
    message under them) and their "×" button.

    ``changed`` on any edit, ``submitted`` on Enter (the form adds a row), ``removed`` on the
    "×" or Ctrl+Delete anywhere in the row.
    """

    changed = Signal()
    submitted = Signal()
    removed = Signal()

    def _grid(self) -> QGridLayout:
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(1)
        return grid

    def _remove_button(self, name: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setText("×")
        button.setToolTip(tip)
        button.setAccessibleName(name)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab stays on the fields
        button.clicked.connect(self.removed)
        shortcut = QShortcut(QKeySequence("Ctrl+Delete"), self, self.removed.emit)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        return button


class LineEditorRow(EditorRow):
    """One SFS line: heading (the section's headings, grouped), amount, frequency, note.

    ``submitted`` is emitted on Enter in the amount or the note (the form adds a line).
    """

    def __init__(self, section: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        self.heading_combo = heading_combo(section)
        self.amount_edit = amount_edit("Amount")
        self.frequency_combo = frequency_combo()
        self.note_edit = QLineEdit()
        self.note_edit.setMaxLength(MAX_NOTE)  # what the central store keeps
        self.note_edit.setPlaceholderText("note")
        self.note_edit.setAccessibleName("Note")
        self.note_edit.setMinimumWidth(NOTE_MIN_WIDTH)
        self.monthly_label = QLabel()
        self.monthly_label.setMinimumWidth(
            self.monthly_label.fontMetrics().horizontalAdvance(WIDEST_MONTHLY)
        )
        self.monthly_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.error_label = error_label()
        self.remove_button = self._remove_button("Remove line", "Remove this line (Ctrl+Delete)")
        grid = self._grid()
        fields = (self.heading_combo, self.amount_edit, self.frequency_combo, self.note_edit)
        for column, widget in enumerate((*fields, self.monthly_label, self.remove_button)):
            grid.addWidget(widget, 0, column)
        grid.addWidget(self.error_label, 1, 0, 1, 6)
        grid.setColumnStretch(3, 1)  # the note takes what is left
        self.setFocusProxy(self.heading_combo)

        self.heading_combo.currentIndexChanged.connect(self.changed)
        self.frequency_combo.currentIndexChanged.connect(self.changed)
        self.amount_edit.textChanged.connect(self.changed)
        self.note_edit.textChanged.connect(self.changed)
        self.amount_edit.returnPressed.connect(self.submitted)
        self.note_edit.returnPressed.connect(self.submitted)

    # -- widget methods for tests and for filling ---------------------------------------------
    def set_heading(self, key: str) -> None:
        index = self.heading_combo.findData(key)
        if index < 0:
            raise ValueError(f"{key!r} is not a heading of {self.section}")
        self.heading_combo.setCurrentIndex(index)

    def set_frequency(self, frequency: str) -> None:
        self.frequency_combo.setCurrentIndex(self.frequency_combo.findData(frequency))

    def focus_chain(self) -> list[QWidget]:
        return [self.heading_combo, self.amount_edit, self.frequency_combo, self.note_edit]

    def fill(self, line: sfs.Line) -> None:
        self.set_heading(line.heading)
        self.amount_edit.setText(say.typed_amount(line.amount_pence))
        self.set_frequency(line.frequency.value)
        self.note_edit.setText(line.note)

    def read(self) -> sfs.Line | None:
        """The line as entered, or None when its amount is blank or bad (not counted)."""
        pence = read_amount(self.amount_edit, self.error_label)
        key = self.heading_combo.currentData()
        if pence is None or key is None:
            return None
        return sfs.Line(
            key,
            pence,
            sfs.parse_frequency(self.frequency_combo.currentData()),
            self.note_edit.text().strip(),
        )

    def show_monthly(self, line: sfs.Line | None) -> None:
        text = say.monthly_text(line)
        if self.monthly_label.text() != text:
            self.monthly_label.setText(text)
            self.monthly_label.setToolTip(
                sfs.conversion_text(line.amount_pence, line.frequency) if line else ""
            )

    def set_read_only(self, read_only: bool) -> None:
        for widget in (self.heading_combo, self.frequency_combo):
            widget.setEnabled(not read_only)
        self.remove_button.setVisible(not read_only)
        for edit in (self.amount_edit, self.note_edit):
            edit.setReadOnly(read_only)


class DebtEditorRow(EditorRow):
    """One debt: creditor, owed, monthly offer (and the CCJ flag for a non-priority debt)."""

    def __init__(self, *, priority: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.priority = priority
        self.creditor_edit = QLineEdit()
        self.creditor_edit.setMaxLength(sfs.MAX_CREDITOR)
        self.creditor_edit.setPlaceholderText("creditor")
        self.creditor_edit.setAccessibleName("Creditor")
        self.owed_edit = amount_edit("Owed")
        self.owed_edit.setPlaceholderText("owed")
        self.offer_edit = amount_edit("Offer a month")
        self.offer_edit.setPlaceholderText("offer/month")
        self.ccj_check = QCheckBox("CCJ")
        self.ccj_check.setToolTip("A county court judgment is registered for this debt")
        self.error_label = error_label()
        self.remove_button = self._remove_button("Remove debt", "Remove this debt (Ctrl+Delete)")
        grid = self._grid()
        grid.addWidget(self.creditor_edit, 0, 0)
        grid.addWidget(self.owed_edit, 0, 1)
        grid.addWidget(self.offer_edit, 0, 2)
        if not priority:
            grid.addWidget(self.ccj_check, 0, 3)
        else:
            self.ccj_check.hide()
        grid.addWidget(self.remove_button, 0, 4)
        grid.addWidget(self.error_label, 1, 0, 1, 5)
        grid.setColumnStretch(0, 1)
        self.setFocusProxy(self.creditor_edit)
        for edit in (self.creditor_edit, self.owed_edit, self.offer_edit):
            edit.textChanged.connect(self.changed)
            edit.returnPressed.connect(self.submitted)
        self.ccj_check.toggled.connect(self.changed)

    def focus_chain(self) -> list[QWidget]:
        chain: list[QWidget] = [self.creditor_edit, self.owed_edit, self.offer_edit]
        return chain if self.priority else [*chain, self.ccj_check]

    def fill(self, debt: sfs.PriorityDebt | sfs.NonPriorityDebt) -> None:
        self.creditor_edit.setText(debt.creditor)
        self.owed_edit.setText(say.typed_amount(debt.owed_pence))
        self.offer_edit.setText(say.typed_amount(debt.offer_pence))
        if isinstance(debt, sfs.NonPriorityDebt):
            self.ccj_check.setChecked(debt.ccj)

    def read(self) -> sfs.PriorityDebt | sfs.NonPriorityDebt | None:
        """The debt as entered, or None when it is blank or an amount is bad (not counted)."""
        messages: list[tuple[str, str]] = []
        amounts = []
        for name, edit in (("owed", self.owed_edit), ("offer", self.offer_edit)):
            try:
                amounts.append(parse_amount(edit.text()) or 0)
            except AmountError as exc:
                messages.append((name, str(exc)))
        show_field_error(self.error_label, say.debt_error(messages))
        creditor = self.creditor_edit.text().strip()
        if messages or (not creditor and not any(amounts)):
            return None
        owed, offer = amounts
        if self.priority:
            return sfs.PriorityDebt(creditor, owed, offer)
        return sfs.NonPriorityDebt(creditor, owed, offer, self.ccj_check.isChecked())

    def set_read_only(self, read_only: bool) -> None:
        for edit in (self.creditor_edit, self.owed_edit, self.offer_edit):
            edit.setReadOnly(read_only)
        self.ccj_check.setEnabled(not read_only)
        self.remove_button.setVisible(not read_only)
