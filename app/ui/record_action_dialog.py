"""Record an action on a case, offline: the recommended one pre-selected, or any other.

The officer picks the action, its date (today unless changed), the extra date some actions
carry (shown only for them, under their own name: "Proceedings may start from" for a NOSP;
required when the action needs it) and a note. A referral to debt advice offers the case's
latest finished income and expenditure as its hand-over: ticked, the referral names it (and
the central store and the adviser's copy follow it), and "Save SFS file for the adviser…"
writes it as the SFS data-entry JSON the adviser loads, so the tenant does not start again.
Saving calls ``app.services.actions.record_action`` on the database worker; it decides what is
valid. When it refuses, its message (which starts with the field's name) is shown under that
field, the focus moves there and nothing is saved; on success ``recorded(ActionRecorded)`` is
emitted and the dialog closes. A refusal appears in room kept above the buttons, so they do
not move under the pointer. What the form says is worded in ``app.ui.text.record_action``.

Threading: GUI thread only; the save runs through ``Op`` (kind "db").
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.case_actions import (
    ACTION_KINDS,
    CITES_ASSESSMENT,
    LEARNED_FROM,
    NEEDS_SUPPORT_DETAILS,
    SUPPORT_NEEDS,
    ActionKind,
)
from app.domain.sfs_document import EMPLOYMENT_STATUSES
from app.paths import write_private_file
from app.services.actions import ActionRefused, record_action
from app.services.case_changes import ActionRecorded
from app.services.case_file import CaseFile
from app.services.ie_documents import DEFAULT_EMPLOYMENT, export_sfs
from app.ui.context import UiContext
from app.ui.dates import DAY_FORMAT, day_edit, kept_day, qdate
from app.ui.draft_keeper import DraftKeeper
from app.ui.field_errors import SaveFeedback
from app.ui.ops import ProgressFn
from app.ui.text import record_action as words

log = logging.getLogger(__name__)


FIELDS = ("code", "date", "until", "assessment", "support need", "learned from", "note")
#: Room kept above the buttons for a refusal of up to three lines, so it does not move them.
ROOM_LINES = 3


class OptionalDateEdit(QDateEdit):
    """A date that may be left unset (shown as "Not set"). A click or an arrow key on an unset
    date starts from ``default``. Threading: GUI thread only."""

    BLANK = QDate(1900, 1, 1)

    def __init__(self, *, default: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._default = default
        self.setCalendarPopup(True)
        self.setDisplayFormat(DAY_FORMAT)
        self.setMinimumDate(self.BLANK)
        self.setSpecialValueText("Not set")
        self.setDate(self.BLANK)

    def value(self) -> date | None:
        chosen = self.date()
        return None if chosen == self.BLANK else chosen.toPython()  # type: ignore[return-value]

    def set_value(self, value: date | None) -> None:
        self.setDate(self.BLANK if value is None else qdate(value))

    def _start_from_default(self) -> None:
        if self.date() == self.BLANK:
            self.setDate(qdate(self._default))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._start_from_default()
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (
            event.key()
            in (
                Qt.Key.Key_Up,
                Qt.Key.Key_Down,
                Qt.Key.Key_PageUp,
                Qt.Key.Key_PageDown,
            )
            or event.text().isdigit()
        ):
            self._start_from_default()
        super().keyPressEvent(event)


class RecordActionDialog(QDialog):
    """The form for one action on one case; ``open()`` it (window-modal, non-blocking).

    ``recorded(ActionRecorded)`` is emitted once the action is saved. Its save, refusals and
    button state are a :class:`~app.ui.field_errors.SaveFeedback` (``feedback``). Threading:
    GUI thread only.
    """

    recorded = Signal(object)

    def __init__(
        self,
        context: UiContext,
        *,
        case: CaseFile,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self._case = case
        self._until_shown = False
        self._handover_shown = False
        self.setWindowTitle(f"Record an action — {case.ref}")
        self.setObjectName("RecordActionDialog")
        self.setMinimumWidth(620)
        self.feedback = SaveFeedback(
            self,
            FIELDS,
            refusal=ActionRefused,
            not_saved=words.not_saved,
            log=log,
            failed="recording an action failed",
            selectable=True,
        )
        self.hint_label = QLabel(words.recommendation(case.advice))
        self.hint_label.setWordWrap(True)
        self._build_fields(context.today())
        self.handover = self._handover_row(case)
        self._build_form()
        self._build_buttons()
        self._lay_out()
        self.code_combo.currentIndexChanged.connect(self._code_changed)
        self._code_changed()
        self.code_combo.setFocus()
        self.drafts = DraftKeeper(
            context, kind="record_action", tenancy_id=case.tenancy_id, state=self.draft, parent=self
        )
        for signal in (
            self.code_combo.currentIndexChanged,
            self.date_edit.dateChanged,
            self.until_edit.dateChanged,
            self.note_edit.textChanged,
            self.send_check.toggled,
            self.need_combo.currentIndexChanged,
            self.learned_combo.currentIndexChanged,
        ):
            signal.connect(self.drafts.typed)
        self.finished.connect(self.drafts.drop)  # saved or cancelled: nothing to keep

    # -- building -------------------------------------------------------------------------
    def _build_fields(self, today: date) -> None:
        """The action (the recommended one chosen), the date done, its extra date, the note."""
        self.code_combo = QComboBox()
        self.code_combo.setAccessibleName("Action")
        for code, label in words.action_choices(self._case.advice):
            self.code_combo.addItem(label, code)
        preselected = words.preselected_code(self._case.advice)
        self.code_combo.setCurrentIndex(max(0, self.code_combo.findData(preselected)))
        self.code_combo.setMaxVisibleItems(16)
        self.code_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.date_edit = day_edit(today, name="Date done")
        self.until_label = QLabel()
        self.until_edit = OptionalDateEdit(default=today)
        self.until_edit.setAccessibleName("Until")
        for edit in (self.date_edit, self.until_edit):  # as wide as a date, even with an error
            edit.setFixedWidth(self.date_edit.minimumWidth())
        self.need_combo = self._choices("Support need", SUPPORT_NEEDS)
        self.learned_combo = self._choices("Learned from", LEARNED_FROM)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setAccessibleName("Note")
        self.note_edit.setPlaceholderText(words.NOTE_PLACEHOLDER)
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(self.note_edit.fontMetrics().lineSpacing() * 4 + 16)

    @staticmethod
    def _choices(name: str, choices: dict[str, str]) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.addItem(words.CHOOSE, None)
        for code, label in choices.items():
            combo.addItem(label, code)
        return combo

    def _build_form(self) -> None:
        """Each field with its refusal under it; the extra date and the hand-over rows are
        shown only for the actions that take them."""
        below = self.feedback.below
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.until_field = below(self.until_edit, "until")
        self.handover_field = below(self.handover, "assessment", focus=self.send_check)
        self.need_field = below(self.need_combo, "support need")
        self.learned_field = below(self.learned_combo, "learned from")
        action_label = QLabel("&Action")
        action_label.setBuddy(self.code_combo)
        # Wide enough for every extra date's label: choosing an action never moves the fields.
        metrics = action_label.fontMetrics()
        action_label.setMinimumWidth(
            max(metrics.horizontalAdvance(text) for text in words.until_row_labels())
        )
        self.form.addRow(action_label, below(self.code_combo, "code"))
        self.form.addRow("&Date done", below(self.date_edit, "date"))
        self.form.addRow(self.until_label, self.until_field)
        self.form.addRow("Hand-over", self.handover_field)
        self.form.addRow("Support &need", self.need_field)
        self.form.addRow("&Learned from", self.learned_field)
        self.form.addRow("&Note", below(self.note_edit, "note"))

    def _build_buttons(self) -> None:
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.feedback.use_button(self.save_button, idle="&Record", busy="Recording…")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def _lay_out(self) -> None:
        """The recommendation, the form, a refusal naming no field, then room (see
        ``SaveFeedback.make_room``) above the buttons."""
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint_label)
        layout.addSpacing(4)
        layout.addLayout(self.form)
        layout.addWidget(self.feedback.general)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def _handover_row(self, case: CaseFile) -> QWidget:
        """The referral's hand-over: the latest finished I&E, ticked to send, and its file."""
        finished = case.assessment
        self.send_check = QCheckBox()
        self.sfs_button = QPushButton("Save SFS file for the adviser…")
        self.sfs_button.clicked.connect(self.save_sfs_file)
        # The SFS asks for the client's employment; Doorstep does not hold it, so ask here.
        self.employment_combo = QComboBox()
        self.employment_combo.setAccessibleName("Tenant's employment, for the SFS file")
        self.employment_combo.addItem(words.EMPLOYMENT_NOT_RECORDED, None)
        for status in EMPLOYMENT_STATUSES:
            self.employment_combo.addItem(status, status)
        self.handover_label = QLabel(words.handover_note(finished))
        self.handover_label.setWordWrap(True)
        self.handover_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if finished is None:
            self.send_check.setChecked(False)
            for nothing_to_send in (self.send_check, self.sfs_button, self.employment_combo):
                nothing_to_send.hide()
        else:
            self.send_check.setText(words.handover_check(finished))
            sendable = finished.sync_problem is None
            self.send_check.setChecked(sendable)
            self.send_check.setEnabled(sendable)
        buttons = QHBoxLayout()
        buttons.addWidget(self.employment_combo)
        buttons.addWidget(self.sfs_button)
        buttons.addStretch(1)
        row = QWidget()
        layout = QVBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.send_check)
        layout.addWidget(self.handover_label)
        layout.addLayout(buttons)
        return row

    # -- ours -----------------------------------------------------------------------------
    def code(self) -> str:
        return str(self.code_combo.currentData())

    def set_code(self, code: str) -> None:
        self.code_combo.setCurrentIndex(self.code_combo.findData(code))

    def kind(self) -> ActionKind:
        return ACTION_KINDS[self.code()]

    def draft(self) -> dict[str, object]:
        """What is typed, as JSON values: kept (encrypted) while Doorstep is locked."""
        until = self.until_edit.value()
        on: date = self.date_edit.date().toPython()  # type: ignore[assignment]
        return {
            "code": self.code(),
            "on": on.isoformat(),
            "until": until.isoformat() if until else None,
            "note": self.note_edit.toPlainText(),
            "send": self.send_check.isChecked(),
            "support_need": self.need_combo.currentData(),
            "learned_from": self.learned_combo.currentData(),
        }

    def restore_draft(self, draft: Mapping[str, object]) -> None:
        """Put back what :meth:`draft` kept (a value that no longer fits is left as it is)."""
        code = draft.get("code")
        if isinstance(code, str) and self.code_combo.findData(code) >= 0:
            self.set_code(code)
        on = kept_day(draft.get("on"))
        if on is not None:
            self.date_edit.setDate(qdate(on))
        self.until_edit.set_value(kept_day(draft.get("until")))
        note = draft.get("note")
        if isinstance(note, str):
            self.note_edit.setPlainText(note)
        for key, combo in (("support_need", self.need_combo), ("learned_from", self.learned_combo)):
            value = draft.get(key)
            if isinstance(value, str) and combo.findData(value) >= 0:
                combo.setCurrentIndex(combo.findData(value))
        if self.send_check.isEnabled() and isinstance(draft.get("send"), bool):
            self.send_check.setChecked(bool(draft["send"]))

    def until_shown(self) -> bool:
        return self._until_shown

    def error_for(self, field: str) -> str:
        """The message shown under ``field`` ("" for the general one), or ""."""
        return self.feedback.error_for(field)

    def error_text(self) -> str:
        return self.feedback.error_text()

    def save(self) -> None:
        """Record the action on the database worker (nothing is saved if it is refused)."""
        if self.feedback.saving:
            return
        code = self.code()
        on: date = self.date_edit.date().toPython()  # type: ignore[assignment]
        until = self.until_edit.value() if self.until_shown() else None
        assessment_id = self.handed_over()
        need, learned = self.support_details()
        note = self.note_edit.toPlainText()
        workspace = self.context.workspace
        tenancy_id = self._case.tenancy_id

        def work(_progress: ProgressFn) -> ActionRecorded:
            return record_action(
                workspace,
                tenancy_id=tenancy_id,
                code=code,
                on=on,
                until=until,
                note=note,
                assessment_id=assessment_id,
                support_need=need,
                learned_from=learned,
            )

        self.feedback.begin()
        self.context.op(self, work).success(self._saved).failure(self.feedback.refused).run()

    def support_details(self) -> tuple[str | None, str | None]:
        """The support need and its source, for the actions that take them (else None)."""
        if self.code() not in NEEDS_SUPPORT_DETAILS:
            return None, None
        return self.need_combo.currentData(), self.learned_combo.currentData()

    def handed_over(self) -> uuid.UUID | None:
        """The assessment the referral is to name: shown, offered and ticked; else None."""
        finished = self._case.assessment
        if finished is None or not self._handover_shown or not self.send_check.isChecked():
            return None
        return finished.id

    def save_sfs_file(self) -> None:
        """Ask where to save the hand-over, then write it as SFS JSON on the database worker."""
        finished = self._case.assessment
        if finished is None:
            return
        target = self.context.prompts.choose_save_file(
            self,
            "Save the SFS file for the adviser",
            words.sfs_file_name(self._case.ref, finished),
            "SFS documents (*.json)",
        )
        if target is None:
            return
        if target.suffix.lower() != ".json":
            target = target.with_name(target.name + ".json")
        workspace, ref, assessment_id = self.context.workspace, self._case.ref, finished.id
        status = self.employment_combo.currentData()
        employment = DEFAULT_EMPLOYMENT if status is None else (str(status),)

        def work(_progress: ProgressFn) -> Path:
            text = export_sfs(
                workspace, tenancy_ref=ref, assessment_id=assessment_id, employment=employment
            )
            write_private_file(target, text.encode("utf-8"))
            return target

        self.sfs_button.setEnabled(False)
        self.context.op(self, work).success(self._sfs_saved).failure(self._sfs_failed).run()

    # -- internals ------------------------------------------------------------------------
    def _sfs_saved(self, path: Path) -> None:
        self.sfs_button.setEnabled(True)
        self.feedback.show({})
        self.handover_label.setText(words.sfs_saved(path))

    def _sfs_failed(self, error: Exception) -> None:
        self.sfs_button.setEnabled(True)
        log.error("saving the SFS file failed", exc_info=error)
        self.feedback.show({"assessment": words.sfs_not_saved(error)})

    def _code_changed(self) -> None:
        """Show the rows the chosen action takes, then size the dialog to them."""
        kind = self.kind()
        self._handover_shown = kind.code in CITES_ASSESSMENT
        self.form.setRowVisible(self.handover_field, self._handover_shown)
        support = kind.code in NEEDS_SUPPORT_DETAILS
        self.form.setRowVisible(self.need_field, support)
        self.form.setRowVisible(self.learned_field, support)
        shown = bool(kind.until_label) or kind.needs_until
        self._until_shown = shown
        self.form.setRowVisible(self.until_field, shown)
        if shown:
            self.until_label.setText(words.until_row_label(kind))
            self.until_edit.setAccessibleName(words.until_name(kind))
        self.feedback.show({})
        self.feedback.make_room(lines=ROOM_LINES)

    def _saved(self, recorded: ActionRecorded) -> None:
        self.feedback.saved()
        self.recorded.emit(recorded)
        self.accept()
