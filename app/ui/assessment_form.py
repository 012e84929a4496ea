"""The income and expenditure form: one window per case's SFS assessment, keyboard-first.

What it shows (issue 5, docs/rules.md A1-A6): the household, the assessment date, the income, fixed
and flexible costs as lists of lines (heading, amount, frequency, note), savings and the debt
admin fee, the other priority debts and the non-priority debts, and live totals as you type.
Every figure comes from :func:`app.domain.sfs.assess`, every guideline flag from
:func:`app.domain.guidelines.check_guidelines` and every sentence from
:mod:`app.ui.text.assessment`; this module only reads widgets into an ``sfs.Assessment`` and
shows what those return. A total's "?" explains its sum from ``Explained.parts``; a negative
budget is shown plainly with ``Budget.drivers``.

Layout: the lines scroll up and down on the left (never sideways: every field of a line, its
"= £x a month" and its remove button fit the width); the totals and the explanation of one
total stay in view on the right; the buttons run along the bottom. The window sizes itself to
the screen it opens on (a 1366x768 laptop at the smallest).

Keyboard: Tab goes heading → amount → frequency → note → the next line; Enter on a line's
amount or note adds a new line under it. Amounts are typed as ``12.50`` or ``£12.50``; anything
else shows its reason under the field and is not counted.

Saving: the open draft is saved ~500 ms after the last change (a single-shot ``QTimer``) with
``save_draft`` on the database worker (``Op`` kind "db"; the worker runs jobs in order, so the
last save wins). "Finish" saves and makes it final in one step (``finish_assessment``; refused
when empty or when spending above a guideline has no comment, and then the figures typed stay
in the draft); a finished assessment is read-only and offers "New assessment (copy forward)"
and "Print summary…" (the two-page PDF the tenant keeps: asks where through ``Prompts``, then
builds and writes it on the database worker, never the GUI thread).

Threading: GUI thread only; database work through ``Op``. Results arriving after the window
closed are dropped. A keystroke only updates labels whose text changed; no widget is rebuilt.
"""

from __future__ import annotations

import html
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar, cast

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import sfs
from app.domain.guidelines import (
    GuidelineCheck,
    GuidelineSet,
    check_guidelines,
    uncommented_flags,
)
from app.paths import write_private_file
from app.services.assessments import (
    AssessmentOpened,
    AssessmentRefused,
    SavedAssessment,
    discard_draft,
    finish_assessment,
    open_assessment,
    save_draft,
)
from app.services.ie_documents import summary_pdf
from app.ui.assessment_draft import put_back, unread_entries
from app.ui.assessment_rows import (
    DebtEditorRow,
    LineEditorRow,
    amount_edit,
    read_amount,
)
from app.ui.context import UiContext
from app.ui.dates import day_edit, qdate
from app.ui.field_errors import ERROR_STYLE, error_label
from app.ui.ops import Op, ProgressFn
from app.ui.screen_fit import fit_to_screen
from app.ui.text import assessment as say
from app.ui.text.assessment import TOTALS

log = logging.getLogger(__name__)
_R = TypeVar("_R")  # what a background operation of the form returns

SAVE_DELAY_MS = 500
#: The size the form asks for; on a smaller screen it takes the screen, less the room a window
#: frame and title bar need.
PREFERRED_SIZE = QSize(1400, 940)
#: The totals panel's share of the window's width, and its bounds in pixels.
SIDE_SHARE, SIDE_MIN, SIDE_MAX = 0.27, 320, 420
#: Totals whose figure is shown under their name (the largest offer: a month and a week).
WIDE_TOTALS = frozenset({"max_rent_offer"})
#: Household counts per row (three: the form fits a laptop's width).
HOUSEHOLD_COLUMNS = 3

FLAG_STYLE = "color: #8a4b00; font-weight: bold;"
WARNING_STYLE = (
    "QLabel { background: #fff3cd; color: #4d3800; border: 1px solid #e0c97a;"
    " border-radius: 4px; padding: 6px 10px; }"
)
SHORTFALL_STYLE = (
    "QLabel { background: #fdecea; color: #7f0000; border: 1px solid #e57373;"
    " border-radius: 4px; padding: 6px 10px; }"
)
# A finished assessment must look finished, not just refuse keys.
READ_ONLY_STYLE = (
    'QLineEdit[readOnly="true"], QAbstractSpinBox[readOnly="true"]'
    " { background: palette(window); color: palette(text); }"
)
HOUSEHOLD_FIELDS: tuple[tuple[str, str, int], ...] = (
    ("adults", "&Adults (client and partner)", 1),
    ("children_under_16", "Children &under 16", 0),
    ("children_16_18", "Children 16–1&8", 0),
    ("other_dependants", "&Other dependants", 0),
    ("non_dependants", "&Non-dependants", 0),
    ("vehicles", "&Vehicles", 0),
)


def side_width(window_width: int) -> int:
    """The totals panel's width in a window ``window_width`` wide."""
    return max(SIDE_MIN, min(SIDE_MAX, round(window_width * SIDE_SHARE)))


@dataclass
class _ListSection:
    """A group box holding a growing list of rows and its "Add" button."""

    box: QGroupBox
    layout: QVBoxLayout
    rows_layout: QVBoxLayout
    add_button: QPushButton
    rows: list[QWidget]


class AssessmentForm(QWidget):
    """One case's income and expenditure assessment in its own window (see the module doc).

    ``load()`` opens the case's draft (or its latest finished assessment, read-only, or a new
    draft) and the held guidelines on the database worker. ``saved`` is emitted after each
    draft save, ``finished`` when the assessment is made final.
    """

    loaded = Signal()
    saved = Signal()
    finished = Signal()

    def __init__(
        self,
        context: UiContext,
        *,
        tenancy_id: uuid.UUID,
        title: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.context = context
        self.tenancy_id = tenancy_id
        self._closed = False
        self._restore: Mapping[str, object] | None = None  # kept by a lock, put back once loaded
        self._filling = False
        self._dirty = False
        self._explaining: str | None = "max_rent_offer"
        self.saved_assessment: SavedAssessment | None = None
        self.guidelines = GuidelineSet()
        self.budget: sfs.Budget | None = None
        self.check: GuidelineCheck | None = None
        self.setObjectName("AssessmentForm")
        self.setWindowTitle(say.window_title(title))
        self._save_timer = self._build_save_timer()
        self._build_status()
        self.lines_area = self._build_lines_area()
        self._side = self._build_totals_panel()
        self._build_layout(self.lines_area, self._side, self._build_buttons())
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        self.setStyleSheet(READ_ONLY_STYLE)
        self._fit_to_screen()

    # -- building ---------------------------------------------------------------------------
    def _build_save_timer(self) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(SAVE_DELAY_MS)
        timer.timeout.connect(self.save_now)
        return timer

    def _build_status(self) -> None:
        """The status line (draft, finished, refusals) and the guideline warning over it all."""
        self.status_label = QLabel(say.OPENING)
        self.status_label.setObjectName("Status")
        self.status_label.setTextFormat(Qt.TextFormat.RichText)
        self.status_label.setWordWrap(True)
        self.guideline_warning = QLabel()
        self.guideline_warning.setObjectName("GuidelineWarning")
        self.guideline_warning.setTextFormat(Qt.TextFormat.PlainText)
        self.guideline_warning.setStyleSheet(WARNING_STYLE)
        self.guideline_warning.setWordWrap(True)
        self.guideline_warning.hide()

    def _build_lines_area(self) -> QScrollArea:
        """Everything typed, in one column that scrolls up and down: the household, the three
        sections of lines, the savings and fees, and the debts."""
        content = QWidget()
        column = QVBoxLayout(content)
        column.addWidget(self._build_household())
        self.sections: dict[str, _ListSection] = {}
        self.section_totals: dict[str, QLabel] = {}
        self.flag_labels: dict[str, QLabel] = {}
        for section in sfs.SECTIONS:
            column.addWidget(self._build_section(section))
        column.addWidget(self._build_deductions())
        self.priority_debts = self._list_section(
            "Other priority debts (creditor, owed, offer a month)",
            "Add priority debt",
            lambda _=False: self.add_debt(priority=True),
        )
        self.non_priority_debts = self._list_section(
            "Non-priority debts (creditor, owed, offer a month, CCJ)",
            "Add non-priority debt",
            lambda _=False: self.add_debt(priority=False),
        )
        column.addWidget(self.priority_debts.box)
        column.addWidget(self.non_priority_debts.box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("Lines")
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        return scroll

    def _build_household(self) -> QGroupBox:
        """The assessment date on its own row, then the household's counts in rows of three."""
        self.date_edit = day_edit(name="Assessment date")
        self.date_edit.dateChanged.connect(self._changed)
        box = QGroupBox("Household")
        grid = QGridLayout(box)
        date_label = QLabel("Assessment &date")
        date_label.setBuddy(self.date_edit)
        grid.addWidget(date_label, 0, 0)
        # across the next label's column too, so it does not widen the column of counts
        grid.addWidget(self.date_edit, 0, 1, 1, 2, Qt.AlignmentFlag.AlignLeft)
        self.household_spins: dict[str, QSpinBox] = {}
        for index, (name, label_text, minimum) in enumerate(HOUSEHOLD_FIELDS):
            spin = QSpinBox()
            spin.setRange(minimum, 20)
            spin.setFixedWidth(70)
            spin.setAccessibleName(label_text.replace("&", ""))
            spin.valueChanged.connect(self._changed)
            label = QLabel(label_text)
            label.setBuddy(spin)
            row, column = divmod(index, HOUSEHOLD_COLUMNS)
            label.setContentsMargins(16 if column else 0, 0, 0, 0)  # a gap between the pairs
            grid.addWidget(label, row + 1, column * 2)
            grid.addWidget(spin, row + 1, column * 2 + 1, Qt.AlignmentFlag.AlignLeft)
            self.household_spins[name] = spin
        grid.setColumnStretch(HOUSEHOLD_COLUMNS * 2, 1)  # spare width after the last column
        return box

    def _build_section(self, section: str) -> QGroupBox:
        """One section's lines, its total, and (flexible costs) each group's guideline line."""
        label = sfs.SECTION_LABELS[section]
        listed = self._list_section(
            label, f"Add {label.lower()} line", lambda _=False, s=section: self.add_line(s)
        )
        self.sections[section] = listed
        total = QLabel()
        total.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.section_totals[section] = total
        listed.layout.addWidget(total)
        if section == sfs.FLEXIBLE:
            listed.layout.addWidget(self._build_flag_lines())
        return listed.box

    def _build_flag_lines(self) -> QFrame:
        flags = QFrame()
        column = QVBoxLayout(flags)
        column.setContentsMargins(0, 4, 0, 0)
        column.setSpacing(2)
        for group in sfs.GROUPS:
            if group.section == sfs.FLEXIBLE:
                label = QLabel()
                label.setObjectName(f"guideline_{group.key}")
                label.setTextFormat(Qt.TextFormat.PlainText)  # a note is shown as typed
                label.setWordWrap(True)
                column.addWidget(label)
                self.flag_labels[group.key] = label
        return flags

    def _build_deductions(self) -> QGroupBox:
        """Savings, the debt admin fee and the agreed rent-arrears offer, each with its message
        under it."""
        self.savings_edit = amount_edit("Savings contribution a month")
        self.admin_fee_edit = amount_edit("Debt admin fee a month")
        self.rent_offer_edit = amount_edit("Agreed rent-arrears offer a month")
        self.rent_offer_edit.setPlaceholderText("none agreed")
        self.amount_errors: dict[QLineEdit, QLabel] = {}
        box = QGroupBox("Savings, fees and the rent-arrears offer (monthly)")
        form = QFormLayout(box)
        for label_text, edit in (
            ("&Savings contribution", self.savings_edit),
            ("Debt a&dmin fee", self.admin_fee_edit),
            ("Agreed &rent-arrears offer", self.rent_offer_edit),
        ):
            error = error_label()
            self.amount_errors[edit] = error
            edit.textChanged.connect(self._changed)
            form.addRow(label_text, _with_error_below(edit, error))
        return box

    def _list_section(self, title: str, add_text: str, add: Callable[..., object]) -> _ListSection:
        # ``add`` takes the button's ``checked`` (and the callers' lambdas bind their section
        # or debt kind by default argument, which mypy cannot infer against a fixed signature)
        box = QGroupBox(title)
        outer = QVBoxLayout(box)
        rows_layout = QVBoxLayout()
        rows_layout.setSpacing(4)
        outer.addLayout(rows_layout)
        button = QPushButton(add_text)
        button.setAutoDefault(False)
        button.clicked.connect(add)
        outer.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        return _ListSection(box, outer, rows_layout, button, [])

    def _build_totals_panel(self) -> QWidget:
        """The right-hand side: the totals, the shortfall when there is one, and how the
        chosen total is made up (scrolling on its own when it is long)."""
        self.shortfall_label = QLabel()
        self.shortfall_label.setObjectName("Shortfall")
        self.shortfall_label.setTextFormat(Qt.TextFormat.RichText)
        self.shortfall_label.setStyleSheet(SHORTFALL_STYLE)
        self.shortfall_label.setWordWrap(True)
        self.shortfall_label.hide()
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self._build_totals_box())
        column.addWidget(self.shortfall_label)
        column.addWidget(QLabel(say.EXPLANATION_HEADING))
        column.addWidget(self._build_explanation(), 1)
        return side

    def _build_totals_box(self) -> QGroupBox:
        """Each total: its name, its figure (never broken across lines) and its "?". The
        largest offer's figure (a month and a week) goes under its name, across the row."""
        box = QGroupBox("Totals (monthly)")
        grid = QGridLayout(box)
        grid.setColumnStretch(0, 1)
        self.total_labels: dict[str, QLabel] = {}
        self.explain_buttons: dict[str, QToolButton] = {}
        row = 0
        for key, title in TOTALS:
            name, value, button = self._total_row(key, title)
            grid.addWidget(name, row, 0)
            grid.addWidget(button, row, 2)
            if key in WIDE_TOTALS:
                row += 1
                grid.addWidget(value, row, 0, 1, 2)
            else:
                grid.addWidget(value, row, 1)
            row += 1
        return box

    def _total_row(self, key: str, title: str) -> tuple[QLabel, QLabel, QToolButton]:
        name = QLabel(title)
        name.setWordWrap(True)
        value = QLabel()
        value.setObjectName(f"total_{key}")
        value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if key in say.KEY_TOTALS:
            font = value.font()
            font.setBold(True)
            value.setFont(font)
            name.setFont(font)
        button = QToolButton()
        button.setText("?")
        button.setAccessibleName(f"Explain {title.lower()}")
        button.clicked.connect(lambda _=False, k=key: self.show_explanation(k))
        self.total_labels[key] = value
        self.explain_buttons[key] = button
        return name, value, button

    def _build_explanation(self) -> QScrollArea:
        self.explanation_label = QLabel()
        self.explanation_label.setObjectName("Explanation")
        self.explanation_label.setTextFormat(Qt.TextFormat.PlainText)  # creditors as typed
        self.explanation_label.setWordWrap(True)
        self.explanation_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.explanation_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.explanation_label.setMargin(4)
        area = QScrollArea()
        area.setObjectName("ExplanationArea")
        area.setWidget(self.explanation_label)
        area.setWidgetResizable(True)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # it wraps
        area.setMinimumHeight(100)
        return area

    def _build_buttons(self) -> QHBoxLayout:
        """Along the bottom: Finish for a draft (or Discard it); for a finished assessment a
        new one (copied forward or empty) and its printed summary; Close."""
        self.finish_button = _button(
            "&Finish", "Make this assessment final (it can no longer be changed)", self.finish
        )
        self.finish_button.setEnabled(False)
        self.discard_button = _button(
            "&Discard draft…", "Throw this draft away (finished assessments are kept)", self.discard
        )
        self.new_button = _button(
            "&New assessment (copy forward)",
            "A new draft with this assessment's figures, to update",
            lambda: self.start_new(),
        )
        self.new_empty_button = _button(
            "New &empty assessment", "A new draft with nothing filled in", self.start_empty
        )
        self.print_button = _button(
            "&Print summary…",
            "Save the two-page summary the tenant keeps, as a PDF",
            self.print_summary,
        )
        for shown_later in (
            self.discard_button,
            self.new_button,
            self.new_empty_button,
            self.print_button,
        ):
            shown_later.hide()
        row = QHBoxLayout()
        row.addStretch(1)
        for button in (
            self.finish_button,
            self.discard_button,
            self.new_button,
            self.new_empty_button,
            self.print_button,
            _button("Close", "", self.close),
        ):
            row.addWidget(button)
        return row

    def _build_layout(self, lines: QScrollArea, side: QWidget, buttons: QHBoxLayout) -> None:
        body = QHBoxLayout()
        body.addWidget(lines, 1)
        body.addWidget(side)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.guideline_warning)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)

    def _fit_to_screen(self) -> None:
        """The preferred size, or the screen the form opens on less room for the window's
        frame, centred on that screen; the totals panel takes its share of the width."""
        size = fit_to_screen(self, PREFERRED_SIZE, centre=True)
        self._side.setFixedWidth(side_width(size.width()))

    # -- the rows -----------------------------------------------------------------------------
    def lines(self, section: str) -> list[LineEditorRow]:
        """The line rows of one section, in order."""
        return [row for row in self.sections[section].rows if isinstance(row, LineEditorRow)]

    def debts(self, *, priority: bool) -> list[DebtEditorRow]:
        listed = self.priority_debts if priority else self.non_priority_debts
        return [row for row in listed.rows if isinstance(row, DebtEditorRow)]

    def add_line(self, section: str, after: LineEditorRow | None = None) -> LineEditorRow:
        """A new empty line in ``section`` (after ``after``, else at the end), focused."""
        listed = self.sections[section]
        row = LineEditorRow(section)
        position = listed.rows.index(after) + 1 if after in listed.rows else len(listed.rows)
        listed.rows.insert(position, row)
        listed.rows_layout.insertWidget(position, row)
        row.show()  # now, not when the event loop next runs: Tab and focus need it visible
        row.changed.connect(self._changed)
        row.submitted.connect(lambda: self.add_line(section, after=row))
        row.removed.connect(lambda: self.remove_line(row))
        row.set_read_only(self.is_read_only())
        self._chain_tabs()
        if not self._filling:
            row.heading_combo.setFocus(Qt.FocusReason.OtherFocusReason)
            self.lines_area.ensureWidgetVisible(row)
        return row

    def remove_line(self, row: LineEditorRow) -> None:
        """Take a line away (a section keeps one, emptied); focus moves to a neighbour."""
        if self.is_read_only():
            return
        listed = self.sections[row.section]
        position = listed.rows.index(row)
        if len(listed.rows) == 1:
            row.amount_edit.clear()
            row.note_edit.clear()
            row.heading_combo.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        listed.rows.remove(row)
        listed.rows_layout.removeWidget(row)
        row.hide()
        row.deleteLater()
        self._chain_tabs()
        neighbour = listed.rows[min(position, len(listed.rows) - 1)]
        neighbour.setFocus(Qt.FocusReason.OtherFocusReason)
        self._changed()

    def remove_debt(self, row: DebtEditorRow) -> None:
        """Take a debt away; focus moves to the next one, or the "Add" button."""
        if self.is_read_only():
            return
        listed = self.priority_debts if row.priority else self.non_priority_debts
        position = listed.rows.index(row)
        listed.rows.remove(row)
        listed.rows_layout.removeWidget(row)
        row.hide()
        row.deleteLater()
        self._chain_tabs()
        target = listed.rows[min(position, len(listed.rows) - 1)] if listed.rows else None
        (target or listed.add_button).setFocus(Qt.FocusReason.OtherFocusReason)
        self._changed()

    def add_debt(self, *, priority: bool) -> DebtEditorRow:
        listed = self.priority_debts if priority else self.non_priority_debts
        row = DebtEditorRow(priority=priority)
        listed.rows.append(row)
        listed.rows_layout.addWidget(row)
        row.show()
        row.changed.connect(self._changed)
        row.submitted.connect(lambda: self.add_debt(priority=priority))
        row.removed.connect(lambda: self.remove_debt(row))
        row.set_read_only(self.is_read_only())
        self._chain_tabs()
        if not self._filling:
            row.creditor_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        return row

    def _chain_tabs(self) -> None:
        """Tab order: date, household, then each section's lines field by field, then the rest."""
        chain: list[QWidget] = [self.date_edit, *self.household_spins.values()]
        for section in sfs.SECTIONS:
            listed = self.sections[section]
            for row in self.lines(section):
                chain += row.focus_chain()
            chain.append(listed.add_button)
        chain += [self.savings_edit, self.admin_fee_edit, self.rent_offer_edit]
        for listed in (self.priority_debts, self.non_priority_debts):
            for debt in listed.rows:
                if isinstance(debt, DebtEditorRow):
                    chain += debt.focus_chain()
            chain.append(listed.add_button)
        chain.append(self.finish_button)
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _clear(self) -> None:
        for listed in (*self.sections.values(), self.priority_debts, self.non_priority_debts):
            for row in listed.rows:
                listed.rows_layout.removeWidget(row)
                row.deleteLater()
            listed.rows.clear()

    def _fill(self, value: sfs.Assessment) -> None:
        """Show ``value`` in the widgets (no saving while filling)."""
        self._filling = True
        try:
            self._clear()
            self.date_edit.setDate(qdate(value.assessed_on))
            for name, spin in self.household_spins.items():
                spin.setValue(getattr(value.household, name))
            for line in value.lines:
                section = sfs.HEADINGS[line.heading].section
                self.add_line(section).fill(line)
            for section in sfs.SECTIONS:
                if not self.lines(section):
                    self.add_line(section)
            for edit, pence in (
                (self.savings_edit, value.savings_pence),
                (self.admin_fee_edit, value.admin_fee_pence),
                (self.rent_offer_edit, value.rent_offer_pence),
            ):
                edit.setText(say.typed_amount(pence) if pence else "")
            for debt in value.priority_debts:
                self.add_debt(priority=True).fill(debt)
            for other in value.non_priority_debts:
                self.add_debt(priority=False).fill(other)
        finally:
            self._filling = False
        self.refresh()

    # -- reading and showing ----------------------------------------------------------------
    def current(self) -> sfs.Assessment:
        """The assessment as entered now (bad or blank amounts left out, with their messages)."""
        lines: list[sfs.Line] = []
        for section in sfs.SECTIONS:
            for row in self.lines(section):
                line = row.read()
                row.show_monthly(line)
                if line is not None:
                    lines.append(line)
        savings, fee, rent_offer = (
            read_amount(edit, self.amount_errors[edit])
            for edit in (self.savings_edit, self.admin_fee_edit, self.rent_offer_edit)
        )
        priority = [d.read() for d in self.debts(priority=True)]
        non_priority = [d.read() for d in self.debts(priority=False)]
        household = sfs.Household(
            **{name: spin.value() for name, spin in self.household_spins.items()}
        )
        return sfs.Assessment(
            assessed_on=self._assessed_on(),
            household=household,
            lines=tuple(lines),
            savings_pence=savings or 0,
            admin_fee_pence=fee or 0,
            priority_debts=tuple(d for d in priority if isinstance(d, sfs.PriorityDebt)),
            non_priority_debts=tuple(d for d in non_priority if isinstance(d, sfs.NonPriorityDebt)),
            rent_offer_pence=rent_offer,
        )

    def _assessed_on(self) -> date:
        return cast("date", self.date_edit.date().toPython())  # typed object in PySide6

    def refresh(self) -> sfs.Budget:
        """Assess what is entered and update every total, flag and warning (labels only)."""
        value = self.current()
        budget = sfs.assess(value)
        check = check_guidelines(
            totals=budget.group_totals(),
            household=value.household,
            table=self.guidelines.in_force(value.assessed_on),
        )
        self.budget, self.check = budget, check
        self._show_totals(budget)
        for section, shown in say.section_totals_html(budget).items():
            _set_text(self.section_totals[section], shown)
        if self._explaining is not None:
            self.show_explanation(self._explaining)
        self._show_guidelines(budget, check, value)
        self._show_shortfall(budget)
        return budget

    def _show_totals(self, budget: sfs.Budget) -> None:
        for key, shown in say.total_texts(budget).items():
            label = self.total_labels[key]
            if label.text() != shown.text:
                label.setText(shown.text)
                label.setStyleSheet(ERROR_STYLE if shown.negative else "")
            if label.toolTip() != shown.explanation:
                label.setToolTip(shown.explanation)
                self.explain_buttons[key].setToolTip(shown.explanation)

    def _show_guidelines(
        self, budget: sfs.Budget, check: GuidelineCheck, value: sfs.Assessment
    ) -> None:
        for key, line in say.flag_lines(budget, check).items():
            label = self.flag_labels[key]
            _set_text(label, line.text)
            if label.property("flagged") != line.flagged:  # a style sheet is costly to set
                label.setProperty("flagged", line.flagged)
                label.setStyleSheet(FLAG_STYLE if line.flagged else "")
        warning = say.guideline_warning(
            check, household=value.household, assessed_on=value.assessed_on
        )
        _set_text(self.guideline_warning, warning)
        self.guideline_warning.setVisible(bool(warning))

    def _show_shortfall(self, budget: sfs.Budget) -> None:
        shortfall = say.shortfall_html(budget)
        _set_text(self.shortfall_label, shortfall)
        self.shortfall_label.setVisible(bool(shortfall))

    def explanation(self, key: str) -> str:
        """How one total (a key of :data:`TOTALS`) is made up, as shown by its "?"."""
        return self.total_labels[key].toolTip()

    def show_explanation(self, key: str) -> None:
        """Show how the total ``key`` is made up under the totals (and keep it up to date)."""
        self._explaining = key
        _set_text(self.explanation_label, say.explanation_text(key, self.explanation(key)))

    def _show_status(self, message: str, *, error: bool = False) -> None:
        """The line over the form; an error in red. ``message`` is plain text."""
        shown = html.escape(message, quote=False)
        self.status_label.setText(f"<span style='{ERROR_STYLE}'>{shown}</span>" if error else shown)

    # -- loading, saving, finishing ---------------------------------------------------------
    def load(self) -> None:
        """Open the case's draft, else its latest finished assessment, else a new draft."""
        workspace, tenancy_id = self.context.workspace, self.tenancy_id

        def work(_progress: ProgressFn) -> AssessmentOpened:
            return open_assessment(workspace, tenancy_id=tenancy_id)

        self._op(work).success(self._show_loaded).failure(self._failed).run()

    def start_new(self, *, copy_forward: bool = True) -> None:
        """A new draft dated today: the latest finished assessment's figures copied forward,
        or (``copy_forward`` False) empty. Either way it supersedes that one once finished."""
        workspace, tenancy_id = self.context.workspace, self.tenancy_id

        def work(_progress: ProgressFn) -> AssessmentOpened:
            return open_assessment(
                workspace, tenancy_id=tenancy_id, new=True, copy_forward=copy_forward
            )

        self._op(work).success(self._show_loaded).failure(self._failed).run()

    def start_empty(self) -> None:
        """A new empty draft dated today (see :meth:`start_new`)."""
        self.start_new(copy_forward=False)

    def discard(self) -> None:
        """Ask, then throw the draft away and show the latest finished assessment (or, with
        none, a fresh empty draft)."""
        saved = self.saved_assessment
        if saved is None or saved.is_final:
            return
        if not self.context.prompts.ask_yes_no(self, "Doorstep", say.DISCARD_QUESTION):
            return
        self._save_timer.stop()
        self._dirty = False
        workspace, assessment_id = self.context.workspace, saved.id

        def work(_progress: ProgressFn) -> None:
            discard_draft(workspace, assessment_id=assessment_id)

        self._op(work).success(lambda _none: self.load()).failure(self._failed).run()

    def _show_loaded(self, loaded: AssessmentOpened) -> None:
        if self._closed:
            return
        saved, self.guidelines = loaded.saved, loaded.guidelines
        self.saved_assessment = saved
        self._dirty = False
        self._fill(saved.assessment)
        self._apply_read_only()
        if not self.is_read_only():  # ready to type: the first income line's amount
            self.lines(sfs.INCOME)[0].amount_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.new_button.setFocus(Qt.FocusReason.OtherFocusReason)
        if self._restore is not None:
            kept, self._restore = self._restore, None
            self.restore_draft(kept)
        self.loaded.emit()

    def is_read_only(self) -> bool:
        """True unless a draft is open for typing (a finished assessment, or none loaded)."""
        return self.saved_assessment is None or self.saved_assessment.is_final

    def _apply_read_only(self) -> None:
        """Fields, buttons and the status line for what is open: a draft or a finished one."""
        self._set_fields_read_only(self.is_read_only())
        saved = self.saved_assessment
        final = saved is not None and saved.is_final
        self.finish_button.setEnabled(not self.is_read_only())
        self.new_button.setVisible(final)
        self.new_empty_button.setVisible(final)
        self.discard_button.setVisible(saved is not None and not final)
        self.print_button.setVisible(final)
        if saved is not None:
            self._show_status(say.loaded_status(saved))

    def _set_fields_read_only(self, read_only: bool) -> None:
        for section in sfs.SECTIONS:
            for row in self.lines(section):
                row.set_read_only(read_only)
        for priority in (True, False):
            for debt in self.debts(priority=priority):
                debt.set_read_only(read_only)
        for edit in (self.savings_edit, self.admin_fee_edit, self.rent_offer_edit):
            edit.setReadOnly(read_only)
        for listed in (*self.sections.values(), self.priority_debts, self.non_priority_debts):
            listed.add_button.setEnabled(not read_only)
        self.date_edit.setReadOnly(read_only)
        for spin in self.household_spins.values():
            spin.setReadOnly(read_only)
        self.setStyleSheet(self.styleSheet())  # re-match the readOnly selectors

    def _changed(self) -> None:
        if self._filling:
            return
        self.refresh()
        if self.saved_assessment is not None and not self.saved_assessment.is_final:
            self._dirty = True
            self._show_status(say.DRAFT_UNSAVED)
            self._save_timer.start()

    def save_now(self) -> None:
        """Save the draft as entered now (the timer calls this; so do Finish and closing)."""
        self._save_timer.stop()
        saved = self.saved_assessment
        if saved is None or saved.is_final or not self._dirty:
            return
        self._dirty = False
        workspace, assessment_id, value = self.context.workspace, saved.id, self.current()

        def work(_progress: ProgressFn) -> None:
            save_draft(workspace, assessment_id=assessment_id, assessment=value)

        self._op(work).success(self._draft_saved).failure(self._failed).run()

    def _draft_saved(self, _result: None) -> None:
        if self._closed:
            return
        if not self._dirty:
            self._show_status(say.DRAFT_SAVED)
        self.saved.emit()

    def errors(self) -> list[str]:
        """The messages shown under fields now (amounts refused and not counted)."""
        labels = [
            *(row.error_label for s in sfs.SECTIONS for row in self.lines(s)),
            *self.amount_errors.values(),
            *(debt.error_label for p in (True, False) for debt in self.debts(priority=p)),
        ]
        return [label.text() for label in labels if label.text()]

    def finish(self) -> None:
        """Save and make the assessment final (refused, with the reason, when it is empty, when
        spending above a guideline has no comment, or when an amount is refused: a finished
        statement never leaves out what was typed)."""
        saved = self.saved_assessment
        if saved is None or saved.is_final:
            return
        refusal = self._why_not_finished()
        if refusal:
            self._show_status(refusal, error=True)
            return
        self._save_timer.stop()
        self._dirty = False
        workspace, assessment_id, value = self.context.workspace, saved.id, self.current()

        def work(_progress: ProgressFn) -> SavedAssessment:
            return finish_assessment(workspace, assessment_id=assessment_id, assessment=value)

        self.finish_button.setEnabled(False)
        self._op(work).success(self._finished).failure(self._finish_failed).run()

    def _why_not_finished(self) -> str:
        """What stops Finish before asking the service: a flag with no comment (the service
        refuses it too) or an amount that could not be read (only the form knows it)."""
        budget = self.refresh()
        missing = uncommented_flags(self.check, budget) if self.check is not None else ()
        if missing:
            return say.uncommented_refusal(missing)
        bad = self.errors()
        return say.bad_amounts_refusal(len(bad)) if bad else ""

    def _finished(self, saved: SavedAssessment) -> None:
        if self._closed:
            return
        self.saved_assessment = saved
        self._apply_read_only()
        self.finished.emit()

    def _finish_failed(self, error: Exception) -> None:
        if self._closed:
            return
        self.finish_button.setEnabled(True)
        self._dirty = True  # nothing was finished: keep what was typed as the draft
        self.save_now()
        if isinstance(error, AssessmentRefused):
            refusal = say.refusal_text(str(error))
            self._show_status(refusal, error=True)
            self.context.prompts.show_error(self, "Doorstep", refusal)
        else:
            self._failed(error)

    def print_summary(self) -> None:
        """Ask where to save the finished assessment's summary, then build and write the PDF on
        the database worker and say where it went."""
        saved = self.saved_assessment
        if saved is None or not saved.is_final:
            return
        target = self.context.prompts.choose_save_file(
            self,
            "Save the I&E summary",
            say.summary_file_name(saved.assessment.assessed_on),
            "PDF documents (*.pdf)",
        )
        if target is None:
            return
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        workspace, assessment_id = self.context.workspace, saved.id

        def work(_progress: ProgressFn) -> Path:
            write_private_file(target, summary_pdf(workspace, assessment_id=assessment_id))
            return target

        self.print_button.setEnabled(False)
        self._show_status(say.BUILDING_SUMMARY)
        self._op(work).success(self._summary_saved).failure(self._summary_failed).run()

    def _summary_saved(self, path: Path) -> None:
        if self._closed:
            return
        self.print_button.setEnabled(True)
        self._show_status(say.summary_saved(path))

    def _summary_failed(self, error: Exception) -> None:
        if self._closed:
            return
        self.print_button.setEnabled(True)
        log.error("I&E summary failed", exc_info=error)
        self._show_status(say.summary_failed(error), error=True)
        self.context.prompts.show_error(self, "Doorstep", say.summary_failed(error))

    def _failed(self, error: Exception) -> None:
        if self._closed:
            return
        log.error("assessment operation failed", exc_info=error)
        self._show_status(say.not_saved_status(error), error=True)
        self.context.prompts.show_error(self, "Doorstep", say.not_saved_message(error))

    def _op(self, work: Callable[[ProgressFn], _R]) -> Op[_R]:
        return self.context.op(self, work)

    def draft(self) -> dict[str, object]:
        """What saving leaves out (amounts that do not read), as typed: kept while Doorstep is
        locked, the rest being saved as the draft (``app.ui.assessment_draft``)."""
        return {} if self.is_read_only() else unread_entries(self)

    def restore_draft(self, kept: Mapping[str, object]) -> None:
        """Put back what :meth:`draft` kept, once the draft is loaded."""
        if self.saved_assessment is None:
            self._restore = kept
        elif not self.is_read_only():
            put_back(self, kept)

    def close_for_lock(self) -> None:
        """Doorstep is locking: save the draft as it stands (amounts that cannot be read are
        left out, as when closing) and close without asking."""
        if not self._closed:
            self.save_now()
            self._closed = True
        self.close()

    # -- Qt overrides -----------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed:
            bad = self.errors() if not self.is_read_only() else []
            if bad and not self.context.prompts.ask_yes_no(
                self, "Doorstep", say.close_question(len(bad))
            ):
                event.ignore()  # stay open to correct them; the rest is saved already
                return
            self.save_now()  # the last keystrokes are not lost
            self._closed = True
        super().closeEvent(event)


def _button(label: str, tip: str, clicked: Callable[[], object]) -> QPushButton:
    button = QPushButton(label)
    if tip:
        button.setToolTip(tip)
    button.clicked.connect(clicked)
    return button


def _with_error_below(edit: QLineEdit, error: QLabel) -> QWidget:
    """An amount box with its message wrapping under it, across the row's width."""
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(edit, 0, Qt.AlignmentFlag.AlignLeft)
    column.addWidget(error)
    holder.setFocusProxy(edit)
    return holder


def _set_text(label: QLabel, shown: str) -> None:
    """Set a label's text only when it changed (a keystroke repaints only what changed)."""
    if label.text() != shown:
        label.setText(shown)
