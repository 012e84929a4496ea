"""Visit mode: one focused screen for the case in front of the officer.

Opened from the case window (or the worklist). The case's brief (``app.services.visit_brief``)
is read on the database worker; when the case has warnings (officer safety, vulnerability,
Breathing Space) they fill the screen first and the officer confirms having read them before the
visit page shows. The visit page holds, on the left, who lives there with phone and date of
birth, the balance and what changed since the last contact, the live arrangement and whether it
is kept, the latest promise, open follow-ups and the last three contacts; on the right, large
buttons for each outcome, how the contact was made and who was spoken to, a promise and a
follow-up when made, and the note (with templates and snippets), saved in one step
(``record_contact``, Ctrl+Return).

Usable by touch (large targets) and the keyboard alone (Alt+1 to Alt+8 pick an outcome, every
field in tab order). What is typed is kept as a draft in the encrypted database a moment after
each change (``app.services.drafts``), so a crash or a lock loses nothing; it is dropped once
the contact is saved.

Threading: GUI thread only; reads, saves and drafts run through ``Op`` (kind "db").
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Mapping
from datetime import date, timedelta

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.display import format_pence
from app.domain.money import AmountError, parse_typed_pounds
from app.domain.note_templates import SNIPPETS, templates_for
from app.domain.visits import CONTACT_HOW, CONTACT_OUTCOMES, MAX_PROMISE_DAYS
from app.services.case_changes import VisitRecorded
from app.services.visit_brief import VisitBrief, visit_briefs
from app.services.visits import (
    ContactDetails,
    FollowUpTerms,
    PromiseTerms,
    VisitRefused,
    contact_as_recorded,
    record_contact,
)
from app.ui.context import UiContext
from app.ui.dates import day_edit, kept_day, qdate
from app.ui.draft_keeper import DraftKeeper
from app.ui.field_errors import SaveFeedback
from app.ui.ops import ProgressFn
from app.ui.screen_fit import fit_to_screen
from app.ui.text import visit as words

log = logging.getLogger(__name__)

FIELDS = (
    "outcome",
    "recovery action",
    "how",
    "spoke to",
    "promise",
    "promise date",
    "follow-up date",
    "note",
    "date",
)
#: Touch targets: Apple and Microsoft both ask for about 44 px; outcome buttons are larger.
OUTCOME_HEIGHT = 50
BUTTON_HEIGHT = 46
SOMEONE_ELSE = "other"
PREFERRED_SIZE = QSize(1300, 720)
#: The outcome chosen must be plain at arm's length, in sunlight.
CHOSEN_STYLE = (
    "QPushButton:checked { background: #0b57d0; color: white; font-weight: bold;"
    " border: 2px solid #062e6f; border-radius: 4px; }"
)


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def _text(text: str = "", *, rich: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _as_draft(details: ContactDetails, contact_id: uuid.UUID) -> dict[str, object]:
    """A recorded contact as the form's draft, marked as its correction."""
    spoke: str | None = None
    if details.spoke_to_person_id is not None:
        spoke = str(details.spoke_to_person_id)
    elif details.spoke_to_name:
        spoke = SOMEONE_ELSE
    promise, follow_up = details.promise, details.follow_up
    return {
        "outcome": details.outcome,
        "how": details.how,
        "spoke": spoke,
        "spoke_name": details.spoke_to_name,
        "step": str(details.action_id) if details.action_id else None,
        "promise_amount": ""
        if promise is None
        else format_pence(promise.amount_pence, symbol=False),
        "promise_date": None if promise is None else promise.due_on.isoformat(),
        "follow_up": follow_up is not None,
        "follow_date": None if follow_up is None else follow_up.due_on.isoformat(),
        "follow_task": "" if follow_up is None else follow_up.task,
        "note": details.note,
        "correcting": str(contact_id),
        "on": details.on.isoformat(),
    }


def _iso(edit: QDateEdit) -> str:
    return edit.date().toString(Qt.DateFormat.ISODate)


class VisitModeWindow(QWidget):
    """Visit mode for one case; a top-level window. ``loaded`` follows each read of the brief,
    ``recorded(VisitRecorded)`` each contact saved, ``closed`` the window closing."""

    loaded = Signal()
    recorded = Signal(object)
    closed = Signal()

    def __init__(
        self, context: UiContext, *, tenancy_id: uuid.UUID, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.context = context
        self.tenancy_id = tenancy_id
        self.brief: VisitBrief | None = None
        self._restoring = False
        self._closed = False
        self._pending_draft: Mapping[str, object] | None = None
        # The contact being corrected and its day (None: a new contact, made today).
        self.correcting: uuid.UUID | None = None
        self._correcting_on: date | None = None
        self.setObjectName("VisitMode")
        self.setWindowTitle(words.WINDOW_TITLE)
        self.drafts = DraftKeeper(context, kind="visit", tenancy_id=tenancy_id, state=self.draft)

        self.title_label = _text(words.LOADING)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_warnings_page())
        self.pages.addWidget(self._build_visit_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.title_label)
        layout.addWidget(self.pages, 1)
        save_key = QShortcut(QKeySequence("Ctrl+Return"), self)
        save_key.activated.connect(self.save)
        for number, button in enumerate(self.outcome_buttons.buttons(), start=1):
            shortcut = QShortcut(QKeySequence(f"Alt+{number}"), self)
            shortcut.activated.connect(button.click)
        fit_to_screen(self, PREFERRED_SIZE, centre=True)

    # -- building ---------------------------------------------------------------------------
    def _build_warnings_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        heading = _heading(words.READ_FIRST)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        heading.setFont(font)
        self.warning_list = QVBoxLayout()
        self.read_button = QPushButton(words.READ_BUTTON)
        self.read_button.setMinimumHeight(OUTCOME_HEIGHT)
        self.read_button.setDefault(True)
        self.read_button.clicked.connect(self.show_visit_page)
        layout.addWidget(heading)
        layout.addLayout(self.warning_list)
        layout.addStretch(1)
        layout.addWidget(self.read_button)
        return page

    def _build_visit_page(self) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        facts = QScrollArea()
        facts.setWidgetResizable(True)
        facts.setFrameShape(QFrame.Shape.NoFrame)
        facts.setWidget(self._build_facts())
        facts.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        row.addWidget(facts, 5)
        row.addWidget(self._build_record(), 6)
        return page

    def _build_facts(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 8, 0)
        self.banner_label = _text(rich=True)
        self.household_label = _text()
        self.balance_label = _text()
        font = self.balance_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.balance_label.setFont(font)
        self.changes_label = _text()
        self.arrangement_label = _text(rich=True)
        self.promise_label = _text()
        self.follow_ups_label = _text()
        self.contacts_label = _text()
        for heading, label in (
            ("", self.banner_label),
            (words.WHO, self.household_label),
            (words.ACCOUNT, self.balance_label),
            ("", self.changes_label),
            (words.ARRANGEMENT, self.arrangement_label),
            (words.PROMISE, self.promise_label),
            (words.FOLLOW_UPS, self.follow_ups_label),
            (words.LAST_CONTACTS, self.contacts_label),
        ):
            if heading:
                layout.addWidget(_heading(heading))
            layout.addWidget(label)
        layout.addStretch(1)
        return box

    def _build_record(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(8, 0, 0, 0)
        self.feedback = SaveFeedback(
            self,
            FIELDS,
            refusal=VisitRefused,
            not_saved=words.not_saved,
            log=log,
            failed="recording a contact failed",
        )
        layout.addWidget(_heading(words.OUTCOME))
        self.outcome_buttons = QButtonGroup(self)
        self.outcome_buttons.setExclusive(True)
        grid = QGridLayout()
        grid.setSpacing(6)
        for n, (code, label) in enumerate(CONTACT_OUTCOMES.items()):
            button = QPushButton(f"{n + 1}  {label}")
            button.setCheckable(True)
            button.setMinimumHeight(OUTCOME_HEIGHT)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setProperty("code", code)
            button.setStyleSheet(CHOSEN_STYLE)
            button.setAccessibleName(label)
            self.outcome_buttons.addButton(button, n)
            grid.addWidget(button, n // 2, n % 2)
        self.outcome_buttons.buttonToggled.connect(self._outcome_changed)
        outcome_box = QWidget()
        outcome_box.setLayout(grid)
        layout.addWidget(self.feedback.below(outcome_box, "outcome"))

        how_row = QHBoxLayout()
        self.how_combo = QComboBox()
        self.how_combo.setAccessibleName(words.HOW)
        for code, label in CONTACT_HOW.items():
            self.how_combo.addItem(label, code)
        self.spoke_combo = QComboBox()
        self.spoke_combo.setAccessibleName(words.SPOKE_TO)
        self.spoke_name = QLineEdit()
        self.spoke_name.setPlaceholderText(words.SPOKE_NAME_HINT)
        self.spoke_name.setAccessibleName(words.SPOKE_NAME)
        self.spoke_name.setVisible(False)
        self.spoke_combo.currentIndexChanged.connect(self._spoke_changed)
        how_label = QLabel(words.HOW_LABEL)
        how_label.setBuddy(self.how_combo)
        spoke_label = QLabel(words.SPOKE_LABEL)
        spoke_label.setBuddy(self.spoke_combo)
        how_row.addWidget(how_label)
        how_row.addWidget(self.how_combo)
        how_row.addWidget(spoke_label)
        how_row.addWidget(self.spoke_combo, 1)
        how_row.addWidget(self.spoke_name, 1)
        layout.addLayout(how_row)
        layout.addWidget(self.feedback.labels["spoke to"])
        step_row = QHBoxLayout()
        self.step_combo = QComboBox()
        self.step_combo.setAccessibleName(words.STEP)
        self.step_combo.addItem(words.NO_STEP, None)
        step_label = QLabel(words.STEP_LABEL)
        step_label.setBuddy(self.step_combo)
        step_row.addWidget(step_label)
        step_row.addWidget(self.step_combo, 1)
        layout.addLayout(step_row)
        layout.addWidget(self.feedback.labels["recovery action"])

        self.promise_box = QWidget()
        promise_row = QHBoxLayout(self.promise_box)
        promise_row.setContentsMargins(0, 0, 0, 0)
        self.promise_amount = QLineEdit()
        self.promise_amount.setPlaceholderText("0.00")
        self.promise_amount.setAccessibleName(words.PROMISE_AMOUNT)
        self.promise_amount.setMaximumWidth(120)
        self.promise_date = day_edit(name=words.PROMISE_DATE)
        amount_label = QLabel(words.PROMISE_AMOUNT_LABEL)
        amount_label.setBuddy(self.promise_amount)
        by_label = QLabel(words.PROMISE_BY_LABEL)
        by_label.setBuddy(self.promise_date)
        promise_row.addWidget(amount_label)
        promise_row.addWidget(self.promise_amount)
        promise_row.addWidget(by_label)
        promise_row.addWidget(self.promise_date)
        promise_row.addStretch(1)
        self.promise_box.setVisible(False)
        layout.addWidget(self.promise_box)
        layout.addWidget(self.feedback.labels["promise"])
        layout.addWidget(self.feedback.labels["promise date"])

        follow_row = QHBoxLayout()
        self.follow_check = QCheckBox(words.FOLLOW_UP_CHECK)
        self.follow_date = day_edit(name=words.FOLLOW_UP_DATE)
        self.follow_task = QLineEdit()
        self.follow_task.setPlaceholderText(words.FOLLOW_UP_HINT)
        self.follow_task.setAccessibleName(words.FOLLOW_UP_TASK)
        self.follow_check.toggled.connect(self._follow_toggled)
        follow_row.addWidget(self.follow_check)
        follow_row.addWidget(self.follow_date)
        follow_row.addWidget(self.follow_task, 1)
        layout.addLayout(follow_row)
        layout.addWidget(self.feedback.labels["follow-up date"])

        note_row = QHBoxLayout()
        note_label = QLabel(words.NOTE_LABEL)
        self.template_combo = QComboBox()
        self.template_combo.setAccessibleName(words.TEMPLATE)
        self.template_combo.activated.connect(self._template_chosen)
        self.snippet_combo = QComboBox()
        self.snippet_combo.setAccessibleName(words.SNIPPET)
        self.snippet_combo.addItem(words.SNIPPET, None)
        for snippet in SNIPPETS:
            self.snippet_combo.addItem(words.short(snippet), snippet)
        self.snippet_combo.activated.connect(self._snippet_chosen)
        note_row.addWidget(note_label)
        note_row.addStretch(1)
        note_row.addWidget(self.template_combo)
        note_row.addWidget(self.snippet_combo)
        layout.addLayout(note_row)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setAccessibleName(words.NOTE)
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMinimumHeight(90)
        note_label.setBuddy(self.note_edit)
        layout.addWidget(self.feedback.below(self.note_edit, "note"), 1)

        buttons = QHBoxLayout()
        self.status_label = _text()
        self.correcting_label = _text()
        self.correcting_label.setStyleSheet("font-weight: bold; color: #0b57d0;")
        self.correcting_label.hide()
        layout.addWidget(self.correcting_label)
        self.save_button = QPushButton()
        self.save_button.setMinimumHeight(BUTTON_HEIGHT)
        self.save_button.setMinimumWidth(200)
        self.save_button.clicked.connect(self.save)
        self.feedback.use_button(self.save_button, idle=words.SAVE, busy=words.SAVING)
        self.close_button = QPushButton(words.CLOSE)
        self.close_button.setMinimumHeight(BUTTON_HEIGHT)
        self.close_button.clicked.connect(self.close)
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save_button)
        layout.addWidget(self.feedback.general)
        layout.addLayout(buttons)

        for signal in (
            self.how_combo.currentIndexChanged,
            self.spoke_combo.currentIndexChanged,
            self.step_combo.currentIndexChanged,
            self.spoke_name.textChanged,
            self.promise_amount.textChanged,
            self.promise_date.dateChanged,
            self.follow_check.toggled,
            self.follow_date.dateChanged,
            self.follow_task.textChanged,
            self.note_edit.textChanged,
            self.outcome_buttons.buttonToggled,
        ):
            signal.connect(self._typed)
        self._fill_templates(None)
        self._follow_toggled(False)
        return box

    # -- loading ----------------------------------------------------------------------------
    def load(self) -> None:
        """Read the case's brief on the database worker and show it."""
        workspace, tenancy_id, today = self.context.workspace, self.tenancy_id, self.context.today()

        def work(_progress: ProgressFn) -> VisitBrief:
            return visit_briefs(workspace, [tenancy_id], as_of=today)[0]

        self.context.op(self, work).success(self._show_brief).failure(self._load_failed).run()

    def _show_brief(self, brief: VisitBrief) -> None:
        if self._closed:
            return
        first = self.brief is None
        self.brief = brief
        self.setWindowTitle(words.window_title(brief))
        self.title_label.setText(words.title(brief))
        self._show_warnings(brief)
        self.household_label.setText(words.household(brief))
        self.balance_label.setText(brief.balance_text)
        self.changes_label.setText(words.changes(brief))
        self.arrangement_label.setText(words.arrangement(brief))
        self.promise_label.setText(words.promise(brief))
        self.follow_ups_label.setText(words.follow_ups(brief))
        self.contacts_label.setText(words.recent_contacts(brief))
        if first:
            self._fill_people(brief)
            for step in brief.recent_steps:
                self.step_combo.addItem(step.text, str(step.id))
            today = brief.as_of
            self.promise_date.setMinimumDate(qdate(today - timedelta(days=7)))
            self.promise_date.setMaximumDate(qdate(today + timedelta(days=MAX_PROMISE_DAYS)))
            self.promise_date.setDate(qdate(today + timedelta(days=1)))
            self.follow_date.setDate(qdate(today + timedelta(days=7)))
            if self._pending_draft is not None:
                self.restore_draft(self._pending_draft)
                self._pending_draft = None
            self.pages.setCurrentIndex(0 if brief.warnings else 1)
            if not brief.warnings:
                self._focus_outcomes()
            else:
                self.read_button.setFocus()
        self.loaded.emit()

    def _load_failed(self, error: Exception) -> None:
        if self._closed:
            return
        log.error("could not read the case for visit mode", exc_info=error)
        self.title_label.setText(words.not_read(error))

    def _show_warnings(self, brief: VisitBrief) -> None:
        while self.warning_list.count():
            item = self.warning_list.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for warning in brief.warnings:
            label = _text(words.warning_html(warning), rich=True)
            label.setObjectName(f"warning_{warning.kind}")
            label.setStyleSheet(words.warning_style(warning.kind))
            font = label.font()
            font.setPointSizeF(font.pointSizeF() * 1.3)
            label.setFont(font)
            label.setAccessibleName(f"{warning.label}: {warning.text}")
            self.warning_list.addWidget(label)
        self.banner_label.setText(words.banners_html(brief))
        self.banner_label.setVisible(bool(brief.warnings))

    def _fill_people(self, brief: VisitBrief) -> None:
        self.spoke_combo.blockSignals(True)
        self.spoke_combo.clear()
        self.spoke_combo.addItem(words.NOBODY, None)
        for member in brief.household:
            self.spoke_combo.addItem(member.name, str(member.id))
        self.spoke_combo.addItem(words.SOMEONE_ELSE, SOMEONE_ELSE)
        self.spoke_combo.blockSignals(False)

    # -- the two pages ------------------------------------------------------------------------
    def show_visit_page(self) -> None:
        """The officer has read the warnings: show the visit."""
        self.pages.setCurrentIndex(1)
        self._focus_outcomes()

    def warnings_page_shown(self) -> bool:
        return self.pages.currentIndex() == 0

    def warning_texts(self) -> list[str]:
        return [
            w.accessibleName()
            for i in range(self.warning_list.count())
            if (item := self.warning_list.itemAt(i)) is not None
            and (w := item.widget()) is not None
        ]

    def _focus_outcomes(self) -> None:
        first = self.outcome_buttons.button(0)
        checked = self.outcome_buttons.checkedButton()
        (checked or first).setFocus()

    # -- the form -------------------------------------------------------------------------------
    def outcome(self) -> str | None:
        button = self.outcome_buttons.checkedButton()
        return None if button is None else str(button.property("code"))

    def set_outcome(self, code: str) -> None:
        for button in self.outcome_buttons.buttons():
            if button.property("code") == code:
                button.setChecked(True)

    def set_how(self, code: str) -> None:
        self.how_combo.setCurrentIndex(max(0, self.how_combo.findData(code)))

    def _outcome_changed(self) -> None:
        outcome = self.outcome()
        self.promise_box.setVisible(outcome == "promise_to_pay")
        self._fill_templates(outcome)

    def _spoke_changed(self) -> None:
        self.spoke_name.setVisible(self.spoke_combo.currentData() == SOMEONE_ELSE)

    def _follow_toggled(self, on: bool) -> None:
        self.follow_date.setEnabled(on)
        self.follow_task.setEnabled(on)

    def _fill_templates(self, outcome: str | None) -> None:
        self.template_combo.clear()
        self.template_combo.addItem(words.TEMPLATE, None)
        for template in templates_for(outcome):
            self.template_combo.addItem(template.name, template.text)

    def _template_chosen(self, index: int) -> None:
        text = self.template_combo.itemData(index)
        if isinstance(text, str):
            if self.note_edit.toPlainText().strip():
                self.note_edit.appendPlainText(text)
            else:
                self.note_edit.setPlainText(text)
            self.note_edit.setFocus()
        self.template_combo.setCurrentIndex(0)

    def _snippet_chosen(self, index: int) -> None:
        text = self.snippet_combo.itemData(index)
        if isinstance(text, str):
            cursor = self.note_edit.textCursor()
            before = self.note_edit.toPlainText()[: cursor.position()]
            spacer = " " if before and not before.endswith((" ", "\n")) else ""
            cursor.insertText(spacer + text)
            self.note_edit.setFocus()
        self.snippet_combo.setCurrentIndex(0)

    def details(self) -> ContactDetails | dict[str, str]:
        """The contact as typed, or the messages for the fields that do not read."""
        outcome = self.outcome()
        if outcome is None:
            return {"outcome": words.PICK_OUTCOME}
        promise = None
        if outcome == "promise_to_pay":
            try:
                amount = parse_typed_pounds(self.promise_amount.text() or "")
            except AmountError as exc:
                return {"promise": words.bad_amount(exc)}
            promise = PromiseTerms(amount, self.promise_date.date().toPython())  # type: ignore[arg-type]
        follow_up = None
        if self.follow_check.isChecked():
            follow_up = FollowUpTerms(
                self.follow_date.date().toPython(),  # type: ignore[arg-type]
                self.follow_task.text(),
            )
        spoke = self.spoke_combo.currentData()
        if spoke == SOMEONE_ELSE and not self.spoke_name.text().strip():
            return {"spoke to": words.NAME_THEM}
        step = self.step_combo.currentData()
        return ContactDetails(
            on=self._correcting_on or self.context.today(),
            how=str(self.how_combo.currentData()),
            outcome=outcome,
            note=self.note_edit.toPlainText(),
            spoke_to_person_id=uuid.UUID(spoke) if spoke not in (None, SOMEONE_ELSE) else None,
            spoke_to_name=self.spoke_name.text() if spoke == SOMEONE_ELSE else "",
            action_id=uuid.UUID(step) if isinstance(step, str) else None,
            promise=promise,
            follow_up=follow_up,
        )

    def save(self) -> None:
        """Record the contact (with its promise and follow-up) in one step."""
        if self.feedback.saving or self.brief is None or self.warnings_page_shown():
            return
        details = self.details()
        if isinstance(details, dict):
            self.feedback.show(details)
            self.feedback.focus_error()
            return
        workspace, tenancy_id, replaces = self.context.workspace, self.tenancy_id, self.correcting

        def work(_progress: ProgressFn) -> VisitRecorded:
            return record_contact(
                workspace, tenancy_id=tenancy_id, details=details, supersedes_id=replaces
            )

        self.feedback.begin()
        self.context.op(self, work).success(self._saved).failure(self.feedback.refused).run()

    def _saved(self, recorded: VisitRecorded) -> None:
        self.feedback.saved()
        self._clear_form()
        self.drafts.drop()
        self.status_label.setText(words.SAVED)
        self.recorded.emit(recorded)
        self.context.changes.operation_did_execute.emit(recorded, self)
        self.load()

    def _clear_form(self) -> None:
        self._restoring = True
        try:
            self.outcome_buttons.setExclusive(False)
            for button in self.outcome_buttons.buttons():
                button.setChecked(False)
            self.outcome_buttons.setExclusive(True)
            self.promise_amount.clear()
            self.follow_check.setChecked(False)
            self.follow_task.clear()
            self.note_edit.clear()
            self.spoke_name.clear()
            self.spoke_combo.setCurrentIndex(0)
            self.step_combo.setCurrentIndex(0)
            self.correcting = self._correcting_on = None
            self.correcting_label.hide()
        finally:
            self._restoring = False

    # -- drafts -----------------------------------------------------------------------------
    def draft(self) -> dict[str, object]:
        """What is typed, as JSON values (kept in the encrypted database)."""
        return {
            "outcome": self.outcome(),
            "how": self.how_combo.currentData(),
            "spoke": self.spoke_combo.currentData(),
            "spoke_name": self.spoke_name.text(),
            "step": self.step_combo.currentData(),
            "promise_amount": self.promise_amount.text(),
            "promise_date": _iso(self.promise_date),
            "follow_up": self.follow_check.isChecked(),
            "follow_date": _iso(self.follow_date),
            "follow_task": self.follow_task.text(),
            "note": self.note_edit.toPlainText(),
            "warnings_read": not self.warnings_page_shown(),
            "correcting": str(self.correcting) if self.correcting else None,
            "on": self._correcting_on.isoformat() if self._correcting_on else None,
        }

    def restore_draft(self, draft: Mapping[str, object]) -> None:
        """Put back what :meth:`draft` kept (once the brief is read; a value that no longer
        fits is left as it is). The warnings are shown again first all the same."""
        if self.brief is None:
            self._pending_draft = draft
            return
        self._restoring = True
        try:
            if isinstance(draft.get("outcome"), str):
                self.set_outcome(str(draft["outcome"]))
            if isinstance(draft.get("how"), str):
                self.set_how(str(draft["how"]))
            for key, combo in (("spoke", self.spoke_combo), ("step", self.step_combo)):
                value = draft.get(key)
                if isinstance(value, str) and combo.findData(value) >= 0:
                    combo.setCurrentIndex(combo.findData(value))
            for key, edit in (
                ("spoke_name", self.spoke_name),
                ("promise_amount", self.promise_amount),
                ("follow_task", self.follow_task),
            ):
                if isinstance(draft.get(key), str):
                    edit.setText(str(draft[key]))
            for key, date_edit in (
                ("promise_date", self.promise_date),
                ("follow_date", self.follow_date),
            ):
                day = kept_day(draft.get(key))
                if day is not None:
                    date_edit.setDate(qdate(day))
            self.follow_check.setChecked(draft.get("follow_up") is True)
            if isinstance(draft.get("note"), str):
                self.note_edit.setPlainText(str(draft["note"]))
            self._restore_correcting(draft)
        finally:
            self._restoring = False
        self.status_label.setText(words.RESTORED)

    def _restore_correcting(self, draft: Mapping[str, object]) -> None:
        correcting, on = draft.get("correcting"), kept_day(draft.get("on"))
        if not isinstance(correcting, str) or on is None:
            return
        try:
            self.correcting = uuid.UUID(correcting)
        except ValueError:
            return
        self._correcting_on = on
        self.correcting_label.setText(words.correcting(on))
        self.correcting_label.show()

    # -- correcting a contact ---------------------------------------------------------------
    def correct_contact(self, contact_id: uuid.UUID) -> None:
        """Fill the form with a recorded contact (its promise and open follow-up too); saving
        makes the corrected version, which supersedes it (nothing is overwritten)."""
        workspace = self.context.workspace

        def work(_progress: ProgressFn) -> ContactDetails:
            return contact_as_recorded(workspace, contact_id=contact_id)

        def fill(details: ContactDetails) -> None:
            self.restore_draft(_as_draft(details, contact_id))
            self.drafts.typed()
            self.status_label.setText("")

        self.context.op(self, work).success(fill).failure(self.feedback.refused).run()

    def _typed(self) -> None:
        if self._restoring or self.brief is None:
            return
        self.status_label.setText("")
        self.drafts.typed()

    def has_typing(self) -> bool:
        draft = self.draft()
        return bool(draft["outcome"] or str(draft["note"]).strip() or draft["promise_amount"])

    def close_for_lock(self) -> None:
        """Close now without asking: the lock keeps the draft (``open_forms``)."""
        self.drafts.stop()
        self._closed = True
        self.close()

    # -- Qt overrides -------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if (
            not self._closed
            and self.has_typing()
            and not self.context.prompts.ask_yes_no(
                self, words.WINDOW_TITLE, words.DISCARD_QUESTION
            )
        ):
            event.ignore()
            return
        if not self._closed:
            self._closed = True
            self.drafts.drop()
        self.closed.emit()
        with contextlib.suppress(RuntimeError):
            super().closeEvent(event)


__all__ = ["VisitModeWindow"]
