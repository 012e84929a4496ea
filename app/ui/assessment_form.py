"""The income and expenditure form: one window per case's SFS assessment, keyboard-first.

What it shows (issue 5, docs/rules.md A1-A6): the household, the assessment date, the income, fixed
and flexible costs as lists of lines (heading, amount, frequency, note), savings and the debt
admin fee, the other priority debts and the non-priority debts, and live totals as you type.
Every figure comes from :func:`app.domain.sfs.assess` and every guideline flag from
:func:`app.domain.guidelines.check_guidelines`; this module only reads widgets into an
``sfs.Assessment`` and formats the result. A total's "?" explains its sum from
``Explained.parts``; a negative budget is shown plainly with ``Budget.drivers``.

Keyboard: Tab goes heading → amount → frequency → note → the next line; Enter on a line's
amount or note adds a new line under it. Amounts are typed as ``12.50`` or ``£12.50``; anything
else shows its reason beside the field and is not counted.

Saving: the open draft is saved ~500 ms after the last change (a single-shot ``QTimer``) with
``save_draft`` on the database worker (``Op`` kind "db"; the worker runs jobs in order, so the
last save wins). "Finish" saves and makes it final in one step (``finish_assessment``; refused
when empty, and then the figures typed stay in the draft); a finished assessment
is read-only and offers "New assessment (copy forward)" and "Print summary…" (the two-page PDF
the tenant keeps: asks where through ``Prompts``, then builds and writes it on the database
worker, never the GUI thread).

Threading: GUI thread only; database work through ``Op``. Results arriving after the window
closed are dropped. A keystroke only updates labels; no widget is rebuilt.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar, cast

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateEdit,
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
from app.domain.display import format_pence
from app.domain.guidelines import GuidelineCheck, GuidelineSet, check_guidelines
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
from app.ui.assessment_rows import (
    DebtEditorRow,
    LineEditorRow,
    amount_edit,
    read_amount,
)
from app.ui.context import UiContext
from app.ui.dates import DAY_FORMAT
from app.ui.field_errors import ERROR_STYLE, error_label
from app.ui.ops import Op, ProgressFn

log = logging.getLogger(__name__)
_R = TypeVar("_R")  # what a background operation of the form returns

SAVE_DELAY_MS = 500

FLAG_STYLE = "color: #8a4b00; font-weight: bold;"
WARNING_STYLE = (
    "QLabel { background: #fff3cd; color: #4d3800; border: 1px solid #e0c97a;"
    " border-radius: 4px; padding: 6px 10px; }"
)
SHORTFALL_STYLE = (
    "QLabel { background: #fdecea; color: #7f0000; border: 1px solid #e57373;"
    " border-radius: 4px; padding: 6px 10px; }"
)
NO_TABLE_WARNING = "No spending guidelines loaded for this date"
HOUSEHOLD_FIELDS: tuple[tuple[str, str, int], ...] = (
    ("adults", "&Adults (client and partner)", 1),
    ("children_under_16", "Children &under 16", 0),
    ("children_16_18", "Children 16–1&8", 0),
    ("other_dependants", "&Other dependants", 0),
    ("non_dependants", "&Non-dependants", 0),
    ("vehicles", "&Vehicles", 0),
)
# (key, label) of every total shown, in order.
TOTALS: tuple[tuple[str, str], ...] = (
    ("income", "Income"),
    ("fixed", "Fixed costs"),
    ("flexible", "Flexible costs"),
    ("outgoings", "Outgoings"),
    ("surplus", "Income − outgoings"),
    ("available_for_priority", "Available for priority debts"),
    ("max_rent_offer", "Largest rent-arrears offer"),
    ("available_for_non_priority", "Available for non-priority debts"),
)


def explain(explained: sfs.Explained) -> str:
    """A total's sum for people, one part a line: ``+ Child Benefit £173.20 four-weekly …``."""
    if not explained.parts:
        return f"Nothing entered = {format_pence(explained.pence)}"
    rows = []
    for index, part in enumerate(explained.parts):
        sign = "−" if part.pence < 0 else ("" if index == 0 else "+")
        if part.detail and "£" in part.detail:  # a line's own conversion text
            body = f"{part.label} {part.detail}"
        else:
            body = f"{part.label} {format_pence(abs(part.pence))}"
            if part.detail:
                body += f" ({part.detail})"
        rows.append(f"{sign} {body}".strip())
    rows.append(f"= {format_pence(explained.pence)}")
    return "\n".join(rows)


def _comment(budget: sfs.Budget, group: str) -> str:
    """A flagged group's comment: the notes on its lines (as the printed summary shows it)."""
    return "; ".join(c.line.note for c in budget.group(group).lines if c.line.note)


def _sync_state(saved: SavedAssessment) -> str:
    """Where a finished assessment is: waiting on this laptop, refused, or held centrally."""
    if saved.sync_problem:
        return f"The central store refused it: {saved.sync_problem}"
    if saved.pending:
        return "Waiting to sync: it goes to the central store at the next sync."
    return "Held by the central store."


@dataclass
class _ListSection:
    """A group box holding a growing list of rows and its "Add" button."""

    box: QGroupBox
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
        self._filling = False
        self._dirty = False
        self.saved_assessment: SavedAssessment | None = None
        self.guidelines = GuidelineSet()
        self.budget: sfs.Budget | None = None
        self.check: GuidelineCheck | None = None
        self.setObjectName("AssessmentForm")
        self.setWindowTitle(f"Doorstep — income and expenditure{' — ' + title if title else ''}")
        self.resize(1280, 900)

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_now)

        # -- top: status and warnings ---------------------------------------------------------
        self.status_label = QLabel("Opening the assessment…")
        self.guideline_warning = QLabel()
        self.guideline_warning.setObjectName("GuidelineWarning")
        self.guideline_warning.setStyleSheet(WARNING_STYLE)
        self.guideline_warning.setWordWrap(True)
        self.guideline_warning.hide()

        # -- household ------------------------------------------------------------------------
        self.date_edit = QDateEdit()
        self.date_edit.setDisplayFormat(DAY_FORMAT)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setAccessibleName("Assessment date")
        self.date_edit.dateChanged.connect(self._changed)
        self.household_spins: dict[str, QSpinBox] = {}
        household_box = QGroupBox("Household")
        household_grid = QGridLayout(household_box)
        date_label = QLabel("Assessment &date")
        date_label.setBuddy(self.date_edit)
        household_grid.addWidget(date_label, 0, 0)
        household_grid.addWidget(self.date_edit, 0, 1)
        for index, (name, text, minimum) in enumerate(HOUSEHOLD_FIELDS, start=1):
            spin = QSpinBox()
            spin.setRange(minimum, 20)
            spin.setFixedWidth(70)
            spin.setAccessibleName(text.replace("&", ""))
            spin.valueChanged.connect(self._changed)
            label = QLabel(text)
            label.setBuddy(spin)
            row, column = divmod(index, 4)
            household_grid.addWidget(label, row, column * 2)
            household_grid.addWidget(spin, row, column * 2 + 1)
            self.household_spins[name] = spin
        household_grid.setColumnStretch(7, 1)

        # -- the three sections of lines ------------------------------------------------------
        self.sections: dict[str, _ListSection] = {}
        self.section_totals: dict[str, QLabel] = {}
        self.flag_labels: dict[str, QLabel] = {}
        section_boxes = []
        for section in sfs.SECTIONS:
            listed = self._list_section(
                sfs.SECTION_LABELS[section],
                f"Add {sfs.SECTION_LABELS[section].lower()} line",
                lambda _=False, s=section: self.add_line(s),
            )
            self.sections[section] = listed
            total = QLabel()
            total.setAlignment(Qt.AlignmentFlag.AlignRight)
            self.section_totals[section] = total
            listed.box.layout().addWidget(total)  # type: ignore[union-attr]
            if section == sfs.FLEXIBLE:
                flags = QFrame()
                flags_layout = QVBoxLayout(flags)
                flags_layout.setContentsMargins(0, 4, 0, 0)
                flags_layout.setSpacing(2)
                for group in sfs.GROUPS:
                    if group.section == sfs.FLEXIBLE:
                        label = QLabel()
                        label.setObjectName(f"guideline_{group.key}")
                        label.setWordWrap(True)
                        flags_layout.addWidget(label)
                        self.flag_labels[group.key] = label
                listed.box.layout().addWidget(flags)  # type: ignore[union-attr]
            section_boxes.append(listed.box)

        # -- savings, fee, rent offer ---------------------------------------------------------
        self.savings_edit = amount_edit("Savings contribution a month")
        self.admin_fee_edit = amount_edit("Debt admin fee a month")
        self.rent_offer_edit = amount_edit("Agreed rent-arrears offer a month")
        self.rent_offer_edit.setPlaceholderText("none agreed")
        self.amount_errors: dict[QLineEdit, QLabel] = {}
        deductions = QGroupBox("Savings, fees and the rent-arrears offer (monthly)")
        deductions_form = QFormLayout(deductions)
        for text, edit in (
            ("&Savings contribution", self.savings_edit),
            ("Debt a&dmin fee", self.admin_fee_edit),
            ("Agreed &rent-arrears offer", self.rent_offer_edit),
        ):
            error = error_label()
            self.amount_errors[edit] = error
            edit.textChanged.connect(self._changed)
            holder = QWidget()
            amount_row = QHBoxLayout(holder)
            amount_row.setContentsMargins(0, 0, 0, 0)
            amount_row.addWidget(edit)
            amount_row.addWidget(error, 1)
            holder.setFocusProxy(edit)
            deductions_form.addRow(text, holder)

        # -- debts ----------------------------------------------------------------------------
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

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.addWidget(household_box)
        for box in section_boxes:
            content_layout.addWidget(box)
        content_layout.addWidget(deductions)
        content_layout.addWidget(self.priority_debts.box)
        content_layout.addWidget(self.non_priority_debts.box)
        content_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll = scroll

        # -- totals ---------------------------------------------------------------------------
        totals_box = QGroupBox("Totals (monthly)")
        totals_grid = QGridLayout(totals_box)
        totals_grid.setColumnStretch(0, 1)
        self.total_labels: dict[str, QLabel] = {}
        self.explain_buttons: dict[str, QToolButton] = {}
        for row_index, (key, text) in enumerate(TOTALS):
            name_label = QLabel(text)
            name_label.setWordWrap(True)
            value = QLabel()
            value.setWordWrap(True)
            value.setObjectName(f"total_{key}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if key in ("surplus", "available_for_priority", "max_rent_offer"):
                font = value.font()
                font.setBold(True)
                value.setFont(font)
                name_label.setFont(font)
            button = QToolButton()
            button.setText("?")
            button.setAccessibleName(f"Explain {text.lower()}")
            button.clicked.connect(lambda _=False, k=key: self.show_explanation(k))
            totals_grid.addWidget(name_label, row_index, 0)
            totals_grid.addWidget(value, row_index, 1)
            totals_grid.addWidget(button, row_index, 2)
            self.total_labels[key] = value
            self.explain_buttons[key] = button
        self.explanation_label = QLabel()
        self.explanation_label.setObjectName("Explanation")
        self.explanation_label.setWordWrap(True)
        self.explanation_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.explanation_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.explanation_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.explanation_label.setMinimumHeight(120)
        self._explaining: str | None = "max_rent_offer"
        self.shortfall_label = QLabel()
        self.shortfall_label.setObjectName("Shortfall")
        self.shortfall_label.setStyleSheet(SHORTFALL_STYLE)
        self.shortfall_label.setWordWrap(True)
        self.shortfall_label.hide()

        self.finish_button = QPushButton("&Finish")
        self.finish_button.setToolTip("Make this assessment final (it can no longer be changed)")
        self.finish_button.clicked.connect(self.finish)
        self.finish_button.setEnabled(False)
        self.discard_button = QPushButton("&Discard draft…")
        self.discard_button.setToolTip("Throw this draft away (finished assessments are kept)")
        self.discard_button.clicked.connect(self.discard)
        self.discard_button.hide()
        self.new_button = QPushButton("&New assessment (copy forward)")
        self.new_button.setToolTip("A new draft with this assessment's figures, to update")
        self.new_button.clicked.connect(lambda: self.start_new())
        self.new_button.hide()
        self.new_empty_button = QPushButton("New &empty assessment")
        self.new_empty_button.setToolTip("A new draft with nothing filled in")
        self.new_empty_button.clicked.connect(lambda: self.start_empty())
        self.new_empty_button.hide()
        self.print_button = QPushButton("&Print summary…")
        self.print_button.setToolTip("Save the two-page summary the tenant keeps, as a PDF")
        self.print_button.clicked.connect(self.print_summary)
        self.print_button.hide()
        close_button = QPushButton("Close")
        close_button.clicked.connect(self.close)

        side = QVBoxLayout()
        side.addWidget(totals_box)
        side.addWidget(self.shortfall_label)
        side.addWidget(QLabel("Where a total comes from:"))
        side.addWidget(self.explanation_label, 1)
        side.addWidget(self.finish_button)
        side.addWidget(self.discard_button)
        side.addWidget(self.new_button)
        side.addWidget(self.new_empty_button)
        side.addWidget(self.print_button)
        side.addWidget(close_button)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setFixedWidth(440)

        body = QHBoxLayout()
        body.addWidget(scroll, 1)
        body.addWidget(side_widget)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.guideline_warning)
        layout.addLayout(body, 1)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        # A finished assessment must look finished, not just refuse keys.
        self.setStyleSheet(
            'QLineEdit[readOnly="true"], QAbstractSpinBox[readOnly="true"]'
            " { background: palette(window); color: palette(text); }"
        )

    # -- building ---------------------------------------------------------------------------
    def _list_section(
        self, title: str, add_text: str, add: Callable[..., object]
    ) -> _ListSection:
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
        return _ListSection(box, rows_layout, button, [])

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
            self._scroll.ensureWidgetVisible(row)
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
            self.date_edit.setDate(QDate(value.assessed_on))
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
                edit.setText(
                    "" if not pence else format_pence(pence, symbol=False).replace(",", "")
                )
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
        savings = read_amount(self.savings_edit, self.amount_errors[self.savings_edit])
        fee = read_amount(self.admin_fee_edit, self.amount_errors[self.admin_fee_edit])
        rent_offer = read_amount(self.rent_offer_edit, self.amount_errors[self.rent_offer_edit])
        priority = [d.read() for d in self.debts(priority=True)]
        non_priority = [d.read() for d in self.debts(priority=False)]
        household = sfs.Household(
            **{name: spin.value() for name, spin in self.household_spins.items()}
        )
        return sfs.Assessment(
            assessed_on=cast("date", self.date_edit.date().toPython()),  # typed object in PySide6
            household=household,
            lines=tuple(lines),
            savings_pence=savings or 0,
            admin_fee_pence=fee or 0,
            priority_debts=tuple(d for d in priority if isinstance(d, sfs.PriorityDebt)),
            non_priority_debts=tuple(d for d in non_priority if isinstance(d, sfs.NonPriorityDebt)),
            rent_offer_pence=rent_offer,
        )

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
        figures: dict[str, sfs.Explained] = {
            "income": budget.income,
            "fixed": budget.fixed,
            "flexible": budget.flexible,
            "outgoings": budget.outgoings,
            "surplus": budget.surplus,
            "available_for_priority": budget.available_for_priority,
            "max_rent_offer": budget.max_rent_offer_monthly,
            "available_for_non_priority": budget.available_for_non_priority,
        }
        for key, explained in figures.items():
            text = format_pence(explained.pence)
            if key == "max_rent_offer":
                text += f"/month = {format_pence(budget.max_rent_offer_weekly_pence)}/week"
            label = self.total_labels[key]
            if label.text() != text:
                label.setText(text)
                label.setStyleSheet(ERROR_STYLE if explained.pence < 0 else "")
            tip = explain(explained)
            if key == "max_rent_offer":
                tip += (
                    f"\nPer week: {format_pence(explained.pence)} × 12 / 52 = "
                    f"{format_pence(budget.max_rent_offer_weekly_pence)}"
                )
            label.setToolTip(tip)
            self.explain_buttons[key].setToolTip(tip)
        for section, explained in zip(
            sfs.SECTIONS, (budget.income, budget.fixed, budget.flexible), strict=True
        ):
            self.section_totals[section].setText(
                f"{sfs.SECTION_LABELS[section]}: <b>{format_pence(explained.pence)}</b> a month"
            )
        if self._explaining is not None:
            self.show_explanation(self._explaining)
        self._show_guidelines(budget, check)
        self._show_shortfall(budget)
        return budget

    def _show_guidelines(self, budget: sfs.Budget, check: GuidelineCheck) -> None:
        flags = {flag.category: flag for flag in check.flags}
        for key, label in self.flag_labels.items():
            group = sfs.GROUPS_BY_KEY[key]
            actual = budget.group(key).pence
            guideline = check.guidelines.get(key)
            text = f"{group.label}: {format_pence(actual)}"
            if guideline is not None:
                text += f" (guideline {format_pence(guideline)})"
            flag = flags.get(key)
            if flag is not None:
                comment = _comment(budget, key)
                if comment:
                    text += (
                        f" — {format_pence(flag.over_pence)} above guideline; comment: {comment}"
                    )
                else:
                    text += f" — {flag.message} (add a note on a line)"
            label.setText(text)
            label.setStyleSheet(FLAG_STYLE if flag is not None else "")
        if check.table_from is None:
            warning = NO_TABLE_WARNING + (
                f" ({self.date_edit.date().toString(DAY_FORMAT)}): spending cannot be checked"
                " against the guidelines. Import the licensed table with"
                " 'python -m app guidelines import FILE'."
            )
        elif check.warnings:
            warning = "Spending guidelines: " + "; ".join(check.warnings)
        else:
            warning = ""
        self.guideline_warning.setText(warning)
        self.guideline_warning.setVisible(bool(warning))

    def _show_shortfall(self, budget: sfs.Budget) -> None:
        if not budget.shortfall:
            self.shortfall_label.hide()
            return
        drivers = ", ".join(
            f"{d.label} {format_pence(d.pence)}" + (f" ({d.detail.lower()})" if d.detail else "")
            for d in budget.drivers
        )
        self.shortfall_label.setText(
            f"<b>The budget does not balance:</b> "
            f"{format_pence(-budget.max_rent_offer_monthly.pence)} a month short before any "
            f"rent-arrears offer. Largest outgoings: {drivers}."
        )
        self.shortfall_label.show()

    def explanation(self, key: str) -> str:
        """How one total (a key of :data:`TOTALS`) is made up, as shown by its "?"."""
        return self.total_labels[key].toolTip()

    def show_explanation(self, key: str) -> None:
        self._explaining = key
        title = dict(TOTALS)[key]
        self.explanation_label.setText(f"{title}:\n{self.explanation(key)}")

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

    def discard(self) -> None:
        """Ask, then throw the draft away and show the latest finished assessment (or, with
        none, a fresh empty draft)."""
        saved = self.saved_assessment
        if saved is None or saved.is_final:
            return
        if not self.context.prompts.ask_yes_no(
            self,
            "Doorstep",
            "Throw this draft away? What was typed in it is lost; finished assessments are kept.",
        ):
            return
        self._save_timer.stop()
        self._dirty = False
        workspace, assessment_id = self.context.workspace, saved.id

        def work(_progress: ProgressFn) -> None:
            discard_draft(workspace, assessment_id=assessment_id)

        self._op(work).success(lambda _none: self.load()).failure(self._failed).run()

    def start_empty(self) -> None:
        """A new empty draft dated today (see :meth:`start_new`)."""
        self.start_new(copy_forward=False)

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
        self.loaded.emit()

    def is_read_only(self) -> bool:
        """True unless a draft is open for typing (a finished assessment, or none loaded)."""
        return self.saved_assessment is None or self.saved_assessment.is_final

    def _apply_read_only(self) -> None:
        read_only = self.is_read_only()
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
        self.finish_button.setEnabled(not read_only)
        self.setStyleSheet(self.styleSheet())  # re-match the readOnly selectors
        saved = self.saved_assessment
        final = saved is not None and saved.is_final
        self.new_button.setVisible(final)
        self.new_empty_button.setVisible(final)
        self.discard_button.setVisible(saved is not None and not final)
        self.print_button.setVisible(final)
        if final and saved is not None:
            when = saved.finalised_at.strftime("%d %b %Y") if saved.finalised_at else ""
            made = " (a debt adviser's statement, imported)" if saved.source == "sfs-import" else ""
            self.status_label.setText(
                f"Finished {when}{made}: read-only. Start a new assessment to record changes."
                f" {_sync_state(saved)}"
            )
        elif saved is not None:
            self.status_label.setText("Draft — saved as you type.")

    def _changed(self) -> None:
        if self._filling:
            return
        self.refresh()
        if self.saved_assessment is not None and not self.saved_assessment.is_final:
            self._dirty = True
            self.status_label.setText("Draft — unsaved changes…")
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
            self.status_label.setText("Draft — saved on this laptop.")
        self.saved.emit()

    def errors(self) -> list[str]:
        """The messages shown beside fields now (amounts refused and not counted)."""
        labels = [
            *(row.error_label for s in sfs.SECTIONS for row in self.lines(s)),
            *self.amount_errors.values(),
            *(debt.error_label for p in (True, False) for debt in self.debts(priority=p)),
        ]
        return [label.text() for label in labels if label.text()]

    def finish(self) -> None:
        """Save and make the assessment final (refused, with the reason, when it is empty or
        an amount is refused: a finished statement never leaves out what was typed)."""
        saved = self.saved_assessment
        if saved is None or saved.is_final:
            return
        self.refresh()
        uncommented = [
            f"{flag.label} ({format_pence(flag.over_pence)} above guideline)"
            for flag in (self.check.flags if self.check is not None else ())
            if self.budget is not None and not _comment(self.budget, flag.category)
        ]
        if uncommented:
            self.status_label.setText(
                f"<span style='{ERROR_STYLE}'>Not finished: a comment is required for "
                + ", ".join(uncommented)
                + ". Add a note on one of its lines saying why.</span>"
            )
            return
        bad = self.errors()
        if bad:
            self.status_label.setText(
                f"<span style='{ERROR_STYLE}'>Not finished: {len(bad)} amount(s) marked in red"
                " are not counted; correct or clear them first.</span>"
            )
            return
        self._save_timer.stop()
        self._dirty = False
        workspace, assessment_id, value = self.context.workspace, saved.id, self.current()

        def work(_progress: ProgressFn) -> SavedAssessment:
            return finish_assessment(workspace, assessment_id=assessment_id, assessment=value)

        self.finish_button.setEnabled(False)
        self._op(work).success(self._finished).failure(self._finish_failed).run()

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
            text = str(error)
            if text.startswith("lines:"):
                text = "Enter at least one income or outgoing before finishing."
            self.status_label.setText(f"<span style='{ERROR_STYLE}'>Not finished: {text}</span>")
            self.context.prompts.show_error(self, "Doorstep", f"Not finished: {text}")
        else:
            self._failed(error)

    def print_summary(self) -> None:
        """Ask where to save the finished assessment's summary, then build and write the PDF on
        the database worker and say where it went."""
        saved = self.saved_assessment
        if saved is None or not saved.is_final:
            return
        suggested = f"I&E summary {saved.assessment.assessed_on.isoformat()}.pdf"
        target = self.context.prompts.choose_save_file(
            self, "Save the I&E summary", suggested, "PDF documents (*.pdf)"
        )
        if target is None:
            return
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        workspace, assessment_id = self.context.workspace, saved.id

        def work(_progress: ProgressFn) -> Path:
            target.write_bytes(summary_pdf(workspace, assessment_id=assessment_id))
            return target

        self.print_button.setEnabled(False)
        self.status_label.setText("Building the summary…")
        self._op(work).success(self._summary_saved).failure(self._summary_failed).run()

    def _summary_saved(self, path: Path) -> None:
        if self._closed:
            return
        self.print_button.setEnabled(True)
        self.status_label.setText(f"Summary saved to {path}")

    def _summary_failed(self, error: Exception) -> None:
        if self._closed:
            return
        self.print_button.setEnabled(True)
        log.error("I&E summary failed", exc_info=error)
        self.status_label.setText(
            f"<span style='{ERROR_STYLE}'>The summary was not saved: {error}</span>"
        )
        self.context.prompts.show_error(self, "Doorstep", f"The summary was not saved: {error}")

    def _failed(self, error: Exception) -> None:
        if self._closed:
            return
        log.error("assessment operation failed", exc_info=error)
        self.status_label.setText(
            f"<span style='{ERROR_STYLE}'>Could not save on this laptop: {error}</span>"
        )
        self.context.prompts.show_error(
            self, "Doorstep", f"The assessment could not be saved: {error}"
        )

    def _op(self, work: Callable[[ProgressFn], _R]) -> Op[_R]:
        return self.context.op(self, work)

    # -- Qt overrides -----------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed:
            bad = self.errors() if not self.is_read_only() else []
            if bad and not self.context.prompts.ask_yes_no(
                self,
                "Doorstep",
                f"{len(bad)} amount(s) marked in red are not valid, so they cannot be kept in "
                "the draft. Close anyway and lose them?",
            ):
                event.ignore()  # stay open to correct them; the rest is saved already
                return
            self.save_now()  # the last keystrokes are not lost
            self._closed = True
        super().closeEvent(event)
