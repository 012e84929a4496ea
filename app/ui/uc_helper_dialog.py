"""The Universal Credit helper: an ESTIMATE of a household's UC, and the managed payment (APA) and
third-party deduction (TPD) checks with the text for the DWP request (issue 5; docs/rules.md D2-D6,
W5-W7).

Two tabs over one benefit year and claimant type chosen at the top:

- **Estimate**: the household (children by birth date, carer, LCWRA, rent, spare bedrooms,
  non-dependants, earnings, unearned income, capital) -> every line of
  :meth:`app.domain.universal_credit.UcEstimate.lines` and the figure, labelled an estimate and
  naming what it ignores (D6).
- **Managed payment and deductions**: rent, arrears, months underpaid, existing deductions and
  the standard allowance of the chosen year and claimant -> :func:`app.domain.deductions.
  check_deductions` and :func:`~app.domain.deductions.request_summary` (read-only, "Copy").

Every figure comes from ``app.domain`` and every sentence from ``app.ui.text.uc_helper``; this
module only reads widgets and shows results. The household scrolls (never sideways), so any
number of children fits a laptop screen.
Amounts are typed as ``12.50`` or ``£12.50``; a bad one shows its reason beside the field and no
figure is shown until it is corrected. The rates are the shipped table (read once, cached,
immutable: :func:`app.services.uc_rates.load_uc_rates`).

Threading: GUI thread only; no database work (the case values are passed in).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.deductions import DeductionCheck, check_deductions, request_summary
from app.domain.money import AmountError
from app.domain.universal_credit import (
    CLAIMANT_TYPES,
    Household,
    UcEstimate,
    UcInputError,
    UcRateTable,
    estimate_uc,
)
from app.services.case_file import CaseFile
from app.services.caseload import single_line_address
from app.services.uc_rates import load_uc_rates
from app.ui.assessment_rows import parse_amount
from app.ui.dates import day_edit
from app.ui.field_errors import ERROR_STYLE, error_label
from app.ui.screen_fit import fit_to_screen
from app.ui.text.uc_helper import (
    CLAIMANT_LABELS,
    COPIED,
    CORRECT_THE_AMOUNT,
    ENTER_THE_RENT,
    ESTIMATE_BANNER_HTML,
    allowance_text,
    check_texts,
    estimate_line_html,
    estimate_notes,
    no_check,
    no_estimate,
    uc_figure,
    window_title,
)

BANNER_STYLE = (
    "QLabel { background: #fff3cd; color: #4d3800; border: 1px solid #e0c97a;"
    " border-radius: 4px; padding: 6px 10px; }"
)
#: The size the helper asks for where the screen has room, and what it leaves of a smaller
#: screen for the window manager's title bar and frame.
PREFERRED_SIZE = QSize(1100, 720)


@dataclass(frozen=True)
class UcPrefill:
    """What the helper starts from: the case's rent, rent weeks, arrears and who/where."""

    weekly_rent_pence: int = 0
    charged_weeks: int = 52
    arrears_pence: int = 0
    tenancy_ref: str | None = None
    tenant_name: str | None = None
    property_address: str | None = None

    @classmethod
    def from_case(cls, case: CaseFile) -> UcPrefill:
        """Weekly rent + service charge, the charged weeks and the arrears (never negative)."""
        address = single_line_address(case.address)
        return cls(
            weekly_rent_pence=case.weekly_rent_pence + case.weekly_service_charge_pence,
            charged_weeks=min(52, max(1, case.rent_weeks)),
            arrears_pence=max(0, case.advice.summary.balance_pence),
            tenancy_ref=case.ref,
            tenant_name=case.lead_name or None,
            property_address=f"{address}, {case.postcode}" if case.postcode else address,
        )


def _amount_edit(name: str, pence: int | None = None) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText("0.00")
    edit.setAccessibleName(name)
    edit.setFixedWidth(110)
    edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    if pence:
        edit.setText(f"{pence // 100}.{pence % 100:02d}")  # pounds as typed, no float
    return edit


def _with_error(edit: QWidget, error: QLabel, suffix: str = "") -> QWidget:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(edit)
    if suffix:
        row.addWidget(QLabel(suffix))
    row.addWidget(error, 1)
    row.addStretch(0)  # keeps the field on the left while the message is hidden
    return box


def _spin(name: str, maximum: int, value: int = 0, minimum: int = 0) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(minimum, maximum)
    spin.setValue(value)
    spin.setAccessibleName(name)
    spin.setFixedWidth(80)
    return spin


class ChildRow(QWidget):
    """One child: a birth date and a remove button."""

    def __init__(self, born: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.date_edit = day_edit(born, name="Child's date of birth")
        self.remove_button = QToolButton()
        self.remove_button.setText("Remove")
        self.remove_button.setAccessibleName("Remove this child")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Born"))
        row.addWidget(self.date_edit)
        row.addWidget(self.remove_button)
        row.addStretch(1)

    @property
    def born(self) -> date:
        value: date = self.date_edit.date().toPython()  # type: ignore[assignment]
        return value



class UcHelperDialog(QDialog):
    """The Universal Credit helper (see the module doc). Non-modal; GUI thread only.

    ``estimate`` and ``check`` hold the figures now shown (None while an input is bad).
    """

    def __init__(
        self,
        *,
        prefill: UcPrefill,
        today: date,
        rates: UcRateTable | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._prefill = prefill
        self._today = today
        self._rates = rates if rates is not None else load_uc_rates()
        self.estimate: UcEstimate | None = None
        self.check: DeductionCheck | None = None
        self.child_rows: list[ChildRow] = []
        self.setWindowTitle(window_title(prefill.tenancy_ref))
        self.setObjectName("UcHelperDialog")

        top = self._build_year_and_claimant()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._estimate_page(), "&Estimate")
        self.tabs.addTab(self._deductions_page(), "&Managed payment and deductions")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)

        self._refresh_on_every_change()
        self.refresh()
        self._size_to_screen()

    # -- building ---------------------------------------------------------------------------
    def _build_year_and_claimant(self) -> QHBoxLayout:
        """The benefit year (the one ``today`` falls in, else the first) and the claimant,
        which both pages use."""
        self.year_combo = QComboBox()
        self.year_combo.setAccessibleName("Benefit year")
        for name in self._rates.years:
            self.year_combo.addItem(name, name)
        try:
            current = self._rates.year_on(self._today).year
        except UcInputError:
            current = next(iter(self._rates.years))
        self.year_combo.setCurrentIndex(self.year_combo.findData(current))
        self.claimant_combo = QComboBox()
        self.claimant_combo.setAccessibleName("Claimant")
        for kind in CLAIMANT_TYPES:
            self.claimant_combo.addItem(CLAIMANT_LABELS[kind], kind)
        self.claimant_combo.setCurrentIndex(self.claimant_combo.findData("single_25_plus"))
        top = QHBoxLayout()
        for text, combo in (("&Benefit year", self.year_combo), ("Cl&aimant", self.claimant_combo)):
            label = QLabel(text)
            label.setBuddy(combo)
            top.addWidget(label)
            top.addWidget(combo)
            top.addSpacing(16)
        top.addStretch(1)
        return top

    def _estimate_page(self) -> QWidget:
        """The banner over the household (scrolling) and the estimate beside it."""
        self.estimate_banner = QLabel(ESTIMATE_BANNER_HTML)
        self.estimate_banner.setObjectName("EstimateBanner")
        self.estimate_banner.setStyleSheet(BANNER_STYLE)
        self.estimate_banner.setWordWrap(True)
        body = QHBoxLayout()
        body.addWidget(self._household_scroll(), 3)
        body.addWidget(self._estimate_box(), 2)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.estimate_banner)
        layout.addLayout(body, 1)
        return page

    def _household_scroll(self) -> QScrollArea:
        """The household form, scrolling up and down (never sideways) when children fill it."""
        household = QGroupBox("Household")
        household.setLayout(self._household_form())
        scroll = QScrollArea()
        scroll.setObjectName("HouseholdScroll")
        scroll.setWidget(household)
        household.setAutoFillBackground(False)  # setWidget fills it: keep the page's colour
        scroll.viewport().setAutoFillBackground(False)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(
            household.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width()
        )
        return scroll

    def _household_form(self) -> QFormLayout:
        prefill = self._prefill
        self.carer_check = QCheckBox("Ca&rer (35 hours a week for a disabled person)")
        self.lcwra_check = QCheckBox(
            "&LCWRA (limited capability for work and work-related activity)"
        )
        self.rent_edit = _amount_edit("Weekly rent and service charge", prefill.weekly_rent_pence)
        self.rent_error = error_label()
        self.weeks_spin = _spin("Charged weeks", 52, prefill.charged_weeks, minimum=1)
        self.spare_spin = _spin("Spare bedrooms", 9)
        self.non_dependants_spin = _spin("Non-dependants", 9)
        self.earnings_edit = _amount_edit("Net monthly earnings")
        self.earnings_error = error_label()
        self.unearned_edit = _amount_edit("Unearned income a month")
        self.unearned_error = error_label()
        self.capital_edit = _amount_edit("Capital")
        self.capital_error = error_label()
        form = QFormLayout()
        form.addRow("Children", self._children_box())
        form.addRow("", self.carer_check)
        form.addRow("", self.lcwra_check)
        form.addRow(
            "Rent + service charge",
            _with_error(self.rent_edit, self.rent_error, "a week"),
        )
        form.addRow("Charged weeks a year", self.weeks_spin)
        form.addRow("Spare bedrooms", self.spare_spin)
        form.addRow("Non-dependants (a deduction applies)", self.non_dependants_spin)
        form.addRow("Net earnings", _with_error(self.earnings_edit, self.earnings_error, "a month"))
        form.addRow(
            "Unearned income", _with_error(self.unearned_edit, self.unearned_error, "a month")
        )
        form.addRow("Capital (savings)", _with_error(self.capital_edit, self.capital_error))
        return form

    def _children_box(self) -> QWidget:
        self.children_layout = QVBoxLayout()
        self.children_layout.setContentsMargins(0, 0, 0, 0)
        self.add_child_button = QPushButton("Add &child")
        self.add_child_button.clicked.connect(lambda: self.add_child())
        box = QWidget()
        children = QVBoxLayout(box)
        children.setContentsMargins(0, 0, 0, 0)
        children.addLayout(self.children_layout)
        children.addWidget(self.add_child_button, 0, Qt.AlignmentFlag.AlignLeft)
        return box

    def _estimate_box(self) -> QGroupBox:
        """The lines of the sum, the figure, and the notes (or why there is no figure)."""
        self.lines_grid = QGridLayout()
        self.lines_grid.setColumnStretch(0, 1)
        self.line_labels: list[tuple[QLabel, QLabel]] = []
        self.uc_label = QLabel()
        self.uc_label.setObjectName("UcFigure")
        font = self.uc_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.uc_label.setFont(font)
        self.uc_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.estimate_status = QLabel()
        self.estimate_status.setWordWrap(True)
        box = QGroupBox("Estimate, a month")
        result = QVBoxLayout(box)
        result.addLayout(self.lines_grid)
        result.addWidget(self.uc_label)
        result.addWidget(self.estimate_status)
        result.addStretch(1)
        return box

    def _deductions_page(self) -> QWidget:
        """The figures beside the checks, over the text for the DWP request."""
        top = QHBoxLayout()
        top.addWidget(self._figures_box(), 1)
        top.addWidget(self._checks_box(), 1)
        self.summary_edit = QPlainTextEdit()
        self.summary_edit.setReadOnly(True)
        self.summary_edit.setAccessibleName("Text for the DWP request")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addLayout(self._copy_row())
        layout.addWidget(self.summary_edit, 1)
        return page

    def _figures_box(self) -> QGroupBox:
        prefill = self._prefill
        self.ded_rent_edit = _amount_edit("Weekly rent for the check", prefill.weekly_rent_pence)
        self.ded_rent_error = error_label()
        self.ded_weeks_spin = _spin("Charged weeks for the check", 52, prefill.charged_weeks, 1)
        self.arrears_edit = _amount_edit("Arrears", prefill.arrears_pence)
        self.arrears_error = error_label()
        self.underpaid_spin = _spin("Months underpaid in a row", 120)
        self.allowance_label = QLabel()
        self.existing_edit = _amount_edit("Deductions already taken a month")
        self.existing_error = error_label()
        form = QFormLayout()
        form.addRow(
            "Rent + service charge", _with_error(self.ded_rent_edit, self.ded_rent_error, "a week")
        )
        form.addRow("Charged weeks a year", self.ded_weeks_spin)
        form.addRow("Rent arrears", _with_error(self.arrears_edit, self.arrears_error))
        form.addRow("Months underpaid in a row", self.underpaid_spin)
        form.addRow("Standard allowance", self.allowance_label)
        form.addRow(
            "Deductions already taken",
            _with_error(self.existing_edit, self.existing_error, "a month"),
        )
        inputs = QGroupBox("Figures")
        inputs.setLayout(form)
        return inputs

    def _checks_box(self) -> QGroupBox:
        self.month_label = QLabel()
        self.apa_label = QLabel()
        self.tpd_label = QLabel()
        self.range_label = QLabel()
        self.cap_label = QLabel()
        self.last_resort_label = QLabel()
        results = QFormLayout()
        for title, label in (
            ("Month of rent (UC basis)", self.month_label),
            ("Managed payment (APA)", self.apa_label),
            ("Deduction from UC (TPD)", self.tpd_label),
            ("Deduction range", self.range_label),
            ("Deductions cap", self.cap_label),
            ("Over the cap?", self.last_resort_label),
        ):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            results.addRow(title, label)
        checks = QGroupBox("Checks (the DWP decides each request)")
        checks.setLayout(results)
        return checks

    def _copy_row(self) -> QHBoxLayout:
        self.copy_button = QPushButton("C&opy")
        self.copy_button.setToolTip("Copy the text for the DWP request to the clipboard")
        self.copy_button.clicked.connect(self.copy_summary)
        self.copied_label = QLabel()
        row = QHBoxLayout()
        row.addWidget(QLabel("Text for the DWP request (check it before sending):"))
        row.addStretch(1)
        row.addWidget(self.copied_label)
        row.addWidget(self.copy_button)
        return row

    def _refresh_on_every_change(self) -> None:
        """Every field of both pages recomputes the figures; the rent is one on both pages."""
        for edit in (
            self.rent_edit,
            self.earnings_edit,
            self.unearned_edit,
            self.capital_edit,
            self.ded_rent_edit,
            self.arrears_edit,
            self.existing_edit,
        ):
            edit.textChanged.connect(self.refresh)
        for spin in (
            self.weeks_spin,
            self.spare_spin,
            self.non_dependants_spin,
            self.ded_weeks_spin,
            self.underpaid_spin,
        ):
            spin.valueChanged.connect(self.refresh)
        for check in (self.carer_check, self.lcwra_check):
            check.toggled.connect(self.refresh)
        for combo in (self.year_combo, self.claimant_combo):
            combo.currentIndexChanged.connect(self.refresh)
        # textEdited is the user's typing only, so the two rents never echo each other.
        self.rent_edit.textEdited.connect(self.ded_rent_edit.setText)
        self.ded_rent_edit.textEdited.connect(self.rent_edit.setText)

    def _size_to_screen(self) -> None:
        """As big as :data:`PREFERRED_SIZE` where the screen has room, else the screen less
        its frame."""
        fit_to_screen(self, PREFERRED_SIZE)

    # -- children ---------------------------------------------------------------------------
    def add_child(self, born: date | None = None) -> ChildRow:
        """Add a child (default: born today) and re-estimate."""
        row = ChildRow(born or self._today)
        row.date_edit.dateChanged.connect(self.refresh)
        row.remove_button.clicked.connect(lambda: self.remove_child(row))
        self.child_rows.append(row)
        self.children_layout.addWidget(row)
        row.date_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.refresh()
        return row

    def remove_child(self, row: ChildRow) -> None:
        self.child_rows.remove(row)
        self.children_layout.removeWidget(row)
        row.deleteLater()
        self.refresh()

    # -- figures ----------------------------------------------------------------------------
    def _amount(self, edit: QLineEdit, error: QLabel) -> tuple[int, bool]:
        """(pence, ok): a blank field is 0; a bad one shows its reason beside it."""
        try:
            pence = parse_amount(edit.text())
        except AmountError as exc:
            error.setText(str(exc))
            error.show()
            return 0, False
        error.clear()
        error.hide()
        return pence or 0, True

    def refresh(self) -> None:
        """Recompute both tabs from the widgets (cheap: pure functions over a few numbers)."""
        year = self._rates.year(self.year_combo.currentData())
        claimant: str = self.claimant_combo.currentData()
        self._refresh_estimate(year.year, claimant)
        self._refresh_deductions(year.standard_allowance_pence[claimant])

    def _refresh_estimate(self, year: str, claimant: str) -> None:
        rent, ok_rent = self._amount(self.rent_edit, self.rent_error)
        earnings, ok_earnings = self._amount(self.earnings_edit, self.earnings_error)
        unearned, ok_unearned = self._amount(self.unearned_edit, self.unearned_error)
        capital, ok_capital = self._amount(self.capital_edit, self.capital_error)
        self.estimate = None
        if not (ok_rent and ok_earnings and ok_unearned and ok_capital):
            self._show_no_estimate(no_estimate())
            return
        try:
            household = Household(
                claimant=claimant,
                children_born=tuple(row.born for row in self.child_rows),
                carer=self.carer_check.isChecked(),
                lcwra=self.lcwra_check.isChecked(),
                rent_pence=rent,
                rent_frequency="weekly",
                charged_weeks=self.weeks_spin.value(),
                spare_bedrooms=self.spare_spin.value(),
                non_dependants=self.non_dependants_spin.value(),
                net_earnings_monthly_pence=earnings,
                unearned_monthly_pence=unearned,
                capital_pence=capital,
            )
            estimate = estimate_uc(household, self._rates.year(year))
        except UcInputError as exc:
            self._show_no_estimate(no_estimate(str(exc)))
            return
        self.estimate = estimate
        self._show_lines(estimate.lines()[:-1])
        self.uc_label.setText(uc_figure(estimate))
        self.uc_label.show()
        self.estimate_status.setText(estimate_notes(estimate, year))

    def _show_no_estimate(self, why: str) -> None:
        self._show_lines(())
        self.uc_label.setText("")
        self.uc_label.hide()
        self.estimate_status.setText(_in_red(why))

    def _show_lines(self, lines: tuple[tuple[str, int], ...]) -> None:
        while len(self.line_labels) < len(lines):
            name, amount = QLabel(), QLabel()
            for label in (name, amount):
                label.setTextFormat(Qt.TextFormat.RichText)
            amount.setAlignment(Qt.AlignmentFlag.AlignRight)
            row = len(self.line_labels)
            self.lines_grid.addWidget(name, row, 0)
            self.lines_grid.addWidget(amount, row, 1)
            self.line_labels.append((name, amount))
        for index, (name, amount) in enumerate(self.line_labels):
            if index < len(lines):
                name_html, amount_html = estimate_line_html(*lines[index])
                name.setText(name_html)
                amount.setText(amount_html)
            name.setVisible(index < len(lines))
            amount.setVisible(index < len(lines))

    def estimate_lines(self) -> list[tuple[str, str]]:
        """The lines shown now, as (label, amount) text."""

        def plain(label: QLabel) -> str:
            return html.unescape(label.text().replace("<b>", "").replace("</b>", ""))

        return [
            (plain(name), plain(amount)) for name, amount in self.line_labels if not name.isHidden()
        ]

    def _refresh_deductions(self, allowance_pence: int) -> None:
        self.allowance_label.setText(
            allowance_text(
                allowance_pence,
                year=self.year_combo.currentText(),
                claimant=self.claimant_combo.currentText(),
            )
        )
        rent, ok_rent = self._amount(self.ded_rent_edit, self.ded_rent_error)
        arrears, ok_arrears = self._amount(self.arrears_edit, self.arrears_error)
        existing, ok_existing = self._amount(self.existing_edit, self.existing_error)
        self.check = None
        if not (ok_rent and ok_arrears and ok_existing):
            self._show_no_check(CORRECT_THE_AMOUNT)
        elif rent <= 0:
            self._show_no_check(ENTER_THE_RENT)
        else:
            try:
                check = check_deductions(
                    rent_pence=rent,
                    rent_frequency="weekly",
                    charged_weeks=self.ded_weeks_spin.value(),
                    arrears_pence=arrears,
                    months_underpaid=self.underpaid_spin.value(),
                    standard_allowance_pence=allowance_pence,
                    existing_deductions_pence=existing,
                    rules=self._rates.deduction_rules_on(self._today),
                )
            except UcInputError as exc:
                self._show_no_check(str(exc))
            else:
                self._show_check(check)

    def _check_labels(self) -> tuple[QLabel, ...]:
        return (
            self.month_label,
            self.apa_label,
            self.tpd_label,
            self.range_label,
            self.cap_label,
            self.last_resort_label,
        )

    def _show_no_check(self, why: str) -> None:
        for label in self._check_labels():
            label.clear()
        self.month_label.setText(_in_red(no_check(why)))
        self.summary_edit.setPlainText("")
        self.copy_button.setEnabled(False)

    def _show_check(self, check: DeductionCheck) -> None:
        self.check = check
        texts = check_texts(check)
        self.month_label.setText(texts.month_html)
        self.apa_label.setText(texts.apa_html)
        self.tpd_label.setText(texts.tpd_html)
        self.range_label.setText(texts.range_html)
        self.cap_label.setText(texts.cap_html)
        self.last_resort_label.setText(texts.last_resort_html)
        prefill = self._prefill
        self.summary_edit.setPlainText(
            request_summary(
                check,
                as_of=self._today,
                tenancy_ref=prefill.tenancy_ref,
                tenant_name=prefill.tenant_name,
                property_address=prefill.property_address,
            )
        )
        self.copy_button.setEnabled(True)
        self.copied_label.clear()

    def copy_summary(self) -> None:
        """Put the request text on the clipboard."""
        QGuiApplication.clipboard().setText(self.summary_edit.toPlainText())
        self.copied_label.setText(COPIED)


def _in_red(text: str) -> str:
    """``text`` as rich text in the error colour (escaped)."""
    return f"<span style='{ERROR_STYLE}'>{html.escape(text, quote=False)}</span>"
