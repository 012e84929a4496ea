"""Record an action on a case, offline: the recommended one pre-selected, or any other.

The officer picks the action, its date (today unless changed), the extra date some actions
carry (shown only for them, under their own name: "Proceedings may start from" for a NOSP;
required when the action needs it) and a note. A referral to debt advice offers the case's
latest finished income and expenditure as its hand-over: ticked, the referral names it (and
the central store and the adviser's copy follow it), and "Save SFS file for the adviser…"
writes it as the SFS data-entry JSON the adviser loads, so the tenant does not start again.
Saving calls
``app.services.actions.record_action`` on the database worker; it decides what is valid. When
it refuses, its message (which starts with the field's name) is shown under that field and
nothing is saved; on success ``recorded(ActionRecorded)`` is emitted and the dialog closes.

Threading: GUI thread only; the save runs through ``Op`` (kind "db").
"""

from __future__ import annotations

import logging
import uuid
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

from app.domain.case_actions import ACTION_KINDS, CITES_ASSESSMENT, ActionKind
from app.domain.display import format_day
from app.domain.recovery import NONE
from app.domain.sfs_document import EMPLOYMENT_STATUSES
from app.services.actions import ActionRecorded, ActionRefused, record_action
from app.services.case_file import CaseFile
from app.services.ie_documents import DEFAULT_EMPLOYMENT, export_sfs
from app.ui.context import UiContext
from app.ui.dates import DAY_FORMAT
from app.ui.field_errors import (
    error_label,
    show_errors,
    split_field_message,
    with_error_below,
)
from app.ui.ops import ProgressFn

log = logging.getLogger(__name__)


FIELDS = ("code", "date", "until", "assessment", "note")
FALLBACK_CODE = "contact"


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
        self.setDate(self.BLANK if value is None else QDate(value))

    def _start_from_default(self) -> None:
        if self.date() == self.BLANK:
            self.setDate(QDate(self._default))

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


def _field_message(message: str) -> tuple[str, str]:
    return split_field_message(message, FIELDS)


def _recommendation(case: CaseFile) -> str:
    advice = case.advice
    if advice.next_action == NONE:
        return "Nothing is due on this case; choose what was done."
    label = advice.next_action_label
    if advice.blocked_by:
        return f"Recommended: {label} — on hold ({advice.blocked_by})."
    if advice.due_date is not None and advice.due_date <= advice.as_of:
        return f"Recommended: {label} — due now."
    if advice.due_date is not None:
        return f"Recommended: {label} — due {format_day(advice.due_date)}."
    return f"Recommended: {label}."


class RecordActionDialog(QDialog):
    """The form for one action on one case; ``open()`` it (window-modal, non-blocking).

    ``recorded(ActionRecorded)`` is emitted once the action is saved. Threading: GUI thread
    only.
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
        today = context.today()
        self._saving = False
        self._until_shown = False
        self._handover_shown = False
        self.setWindowTitle(f"Record an action — {case.ref}")
        self.setObjectName("RecordActionDialog")
        self.setMinimumWidth(560)

        advice = case.advice
        self.hint_label = QLabel(_recommendation(case))
        self.hint_label.setWordWrap(True)

        self.code_combo = QComboBox()
        self.code_combo.setAccessibleName("Action")
        recommended = (
            advice.next_action
            if advice.next_action in ACTION_KINDS and advice.blocked_by is None
            else None
        )
        for code, kind in ACTION_KINDS.items():
            label = f"{kind.label}  (recommended)" if code == recommended else kind.label
            self.code_combo.addItem(label, code)
        self.code_combo.setCurrentIndex(
            max(0, self.code_combo.findData(recommended or FALLBACK_CODE))
        )
        self.code_combo.setMaxVisibleItems(16)

        self.date_edit = QDateEdit(QDate(today))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat(DAY_FORMAT)
        self.date_edit.setAccessibleName("Date done")

        self.until_label = QLabel()
        self.until_edit = OptionalDateEdit(default=today)
        self.until_edit.setAccessibleName("Until")

        self.handover = self._handover_row(case)

        self.note_edit = QPlainTextEdit()
        self.note_edit.setAccessibleName("Note")
        self.note_edit.setPlaceholderText("What was done or agreed (optional)")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(self.note_edit.fontMetrics().lineSpacing() * 4 + 16)

        self.error_labels: dict[str, QLabel] = {}
        for field_name in (*FIELDS, ""):
            self.error_labels[field_name] = error_label(expand=True, selectable=True)

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for edit in (self.date_edit, self.until_edit):
            edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("30 Sep 2026") + 60)
            edit.setMaximumWidth(edit.minimumWidth())
        self.code_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.until_field = self._with_error(self.until_edit, "until")
        self.form.addRow("&Action", self._with_error(self.code_combo, "code"))
        self.form.addRow("&Date done", self._with_error(self.date_edit, "date"))
        self.form.addRow(self.until_label, self.until_field)
        self.handover_field = self._with_error(self.handover, "assessment")
        self.form.addRow("Hand-over", self.handover_field)
        self.form.addRow("&Note", self._with_error(self.note_edit, "note"))

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("&Record")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.hint_label)
        layout.addSpacing(4)
        layout.addLayout(self.form)
        layout.addWidget(self.error_labels[""])
        layout.addWidget(self.buttons)

        self.code_combo.currentIndexChanged.connect(self._code_changed)
        self._code_changed()
        self.code_combo.setFocus()

    # -- ours -----------------------------------------------------------------------------
    def code(self) -> str:
        return str(self.code_combo.currentData())

    def set_code(self, code: str) -> None:
        self.code_combo.setCurrentIndex(self.code_combo.findData(code))

    def kind(self) -> ActionKind:
        return ACTION_KINDS[self.code()]

    def until_shown(self) -> bool:
        return self._until_shown

    def error_for(self, field: str) -> str:
        """The message shown under ``field`` ("" for the general one), or ""."""
        label = self.error_labels[field]
        return label.text()

    def error_text(self) -> str:
        return " ".join(filter(None, (self.error_for(name) for name in self.error_labels)))

    def save(self) -> None:
        """Record the action on the database worker (nothing is saved if it is refused)."""
        if self._saving:
            return
        self._show_errors({})
        code = self.code()
        on: date = self.date_edit.date().toPython()  # type: ignore[assignment]
        until = self.until_edit.value() if self.until_shown() else None
        assessment_id = self.handed_over()
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
            )

        self._set_saving(True)
        self.context.op(self, work).success(self._saved).failure(self._refused).run()

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
        suggested = f"SFS {self._case.ref} {finished.assessed_on.isoformat()}.json"
        target = self.context.prompts.choose_save_file(
            self, "Save the SFS file for the adviser", suggested, "SFS documents (*.json)"
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
            target.write_text(text, encoding="utf-8")
            return target

        self.sfs_button.setEnabled(False)
        self.context.op(self, work).success(self._sfs_saved).failure(self._sfs_failed).run()

    # -- internals ------------------------------------------------------------------------
    def _handover_row(self, case: CaseFile) -> QWidget:
        """The referral's hand-over: the latest finished I&E, ticked to send, and its file."""
        row = QWidget()
        layout = QVBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        finished = case.assessment
        self.send_check = QCheckBox()
        self.sfs_button = QPushButton("Save SFS file for the adviser…")
        self.sfs_button.clicked.connect(self.save_sfs_file)
        # The SFS asks for the client's employment; Doorstep does not hold it, so ask here.
        self.employment_combo = QComboBox()
        self.employment_combo.setAccessibleName("Tenant's employment, for the SFS file")
        self.employment_combo.addItem("Employment not recorded", None)
        for status in EMPLOYMENT_STATUSES:
            self.employment_combo.addItem(status, status)
        self.handover_label = QLabel()
        self.handover_label.setWordWrap(True)
        self.handover_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if finished is None:
            self.send_check.setChecked(False)
            self.send_check.hide()
            self.sfs_button.hide()
            self.employment_combo.hide()
            self.handover_label.setText(
                "No finished income and expenditure on this case: the adviser will go "
                "through one with the tenant. Finish one first to send it."
            )
        else:
            when = format_day(finished.assessed_on)
            self.send_check.setText(f"Send the income and expenditure of {when} with it")
            refused = finished.sync_problem is not None
            self.send_check.setChecked(not refused)
            self.send_check.setEnabled(not refused)
            self.handover_label.setText(
                f"The central store refused that assessment ({finished.sync_problem}); "
                "finish a new one to send it."
                if refused
                else "The adviser's service loads the SFS file, so the tenant does not "
                "start again."
            )
        buttons = QHBoxLayout()
        buttons.addWidget(self.employment_combo)
        buttons.addWidget(self.sfs_button)
        buttons.addStretch(1)
        layout.addWidget(self.send_check)
        layout.addWidget(self.handover_label)
        layout.addLayout(buttons)
        return row

    def _sfs_saved(self, path: Path) -> None:
        self.sfs_button.setEnabled(True)
        self._show_errors({})
        self.handover_label.setText(f"SFS file saved to {path}")

    def _sfs_failed(self, error: Exception) -> None:
        self.sfs_button.setEnabled(True)
        log.error("saving the SFS file failed", exc_info=error)
        self._show_errors({"assessment": f"The SFS file was not saved: {error}"})

    def _with_error(self, field: QWidget, name: str) -> QWidget:
        return with_error_below(field, self.error_labels[name])

    def _code_changed(self) -> None:
        kind = self.kind()
        self._handover_shown = kind.code in CITES_ASSESSMENT
        self.form.setRowVisible(self.handover_field, self._handover_shown)
        shown = bool(kind.until_label) or kind.needs_until
        self._until_shown = shown
        self.form.setRowVisible(self.until_field, shown)
        if shown:
            name = kind.until_label or "Until"
            self.until_label.setText(name if kind.needs_until else f"{name} (if known)")
            self.until_edit.setAccessibleName(name)
        self._show_errors({})

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.save_button.setEnabled(not saving)
        self.save_button.setText("Recording…" if saving else "&Record")

    def _show_errors(self, errors: dict[str, str]) -> None:
        show_errors(self.error_labels, errors)
        self.adjustSize()

    def _saved(self, recorded: ActionRecorded) -> None:
        self._set_saving(False)
        self.recorded.emit(recorded)
        self.accept()

    def _refused(self, error: Exception) -> None:
        self._set_saving(False)
        if isinstance(error, ActionRefused):
            field, text = _field_message(str(error))
        else:
            log.error("recording an action failed", exc_info=error)
            field, text = "", f"The action could not be saved on this laptop: {error}"
        self._show_errors({field: text})
        focus = {
            "code": self.code_combo,
            "date": self.date_edit,
            "until": self.until_edit,
            "assessment": self.send_check,
            "note": self.note_edit,
        }.get(field)
        if focus is not None:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
