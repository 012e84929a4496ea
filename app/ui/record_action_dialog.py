"""Record an action on a case, offline: the recommended one pre-selected, or any other.

The officer picks the action, its date (today unless changed), the extra date some actions
carry (shown only for them, under their own name: "Proceedings may start from" for a NOSP;
required when the action needs it) and a note. Saving calls
``app.services.actions.record_action`` on the database worker; it decides what is valid. When
it refuses, its message (which starts with the field's name) is shown under that field and
nothing is saved; on success ``recorded(ActionRecorded)`` is emitted and the dialog closes.

Threading: GUI thread only; the save runs through ``Op`` (kind "db").
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.case_actions import ACTION_KINDS, ActionKind
from app.domain.recovery import NONE, format_day
from app.services.actions import ActionRecorded, ActionRefused, record_action
from app.services.case_file import CaseFile
from app.store.database import LocalStore
from app.ui.field_errors import (
    error_label,
    show_errors,
    split_field_message,
    with_error_below,
)
from app.ui.ops import Op, OpRunner, ProgressFn
from app.ui.prompts import Prompts

log = logging.getLogger(__name__)

DATE_FORMAT = "d MMM yyyy"
FIELDS = ("code", "date", "until", "note")
FALLBACK_CODE = "contact"


class OptionalDateEdit(QDateEdit):
    """A date that may be left unset (shown as "Not set"). A click or an arrow key on an unset
    date starts from ``default``. Threading: GUI thread only."""

    BLANK = QDate(1900, 1, 1)

    def __init__(self, *, default: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._default = default
        self.setCalendarPopup(True)
        self.setDisplayFormat(DATE_FORMAT)
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
        *,
        case: CaseFile,
        store: LocalStore,
        runner: OpRunner,
        prompts: Prompts,
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._case = case
        self._store = store
        self._runner = runner
        self._prompts = prompts
        self._today = today
        self._saving = False
        self._until_shown = False
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
        self.date_edit.setDisplayFormat(DATE_FORMAT)
        self.date_edit.setAccessibleName("Date done")

        self.until_label = QLabel()
        self.until_edit = OptionalDateEdit(default=today)
        self.until_edit.setAccessibleName("Until")

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
        note = self.note_edit.toPlainText()
        store = self._store
        tenancy_id = self._case.tenancy_id
        today = self._today

        def work(_progress: ProgressFn) -> ActionRecorded:
            with store.session() as session, session.begin():
                return record_action(
                    session,
                    tenancy_id=tenancy_id,
                    code=code,
                    on=on,
                    today=today,
                    until=until,
                    note=note,
                )

        self._set_saving(True)
        Op(self, work, kind="db", runner=self._runner, prompts=self._prompts).success(
            self._saved
        ).failure(self._refused).run()

    # -- internals ------------------------------------------------------------------------
    def _with_error(self, field: QWidget, name: str) -> QWidget:
        return with_error_below(field, self.error_labels[name])

    def _code_changed(self) -> None:
        kind = self.kind()
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
            "note": self.note_edit,
        }.get(field)
        if focus is not None:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
