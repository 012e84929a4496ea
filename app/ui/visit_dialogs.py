"""The small forms of the Contacts tab: a follow-up, a referral, and a referral's outcome.

Each is window-modal (``open()``), saves through its service on the database worker (one
transaction there), shows a refusal under the field it names with nothing saved, and emits
``recorded(VisitRecorded)`` once saved. Marking a follow-up done and withdrawing a promise ask
only a question (``app.ui.contacts_panel``).

Threading: GUI thread only.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.visits import MAX_FOLLOW_UP_DAYS, REFERRAL_KINDS, REFERRAL_OUTCOMES
from app.services.case_changes import VisitRecorded
from app.services.visits import (
    VisitRefused,
    add_follow_up,
    record_referral,
    record_referral_outcome,
)
from app.services.workspace import Workspace
from app.ui.context import UiContext
from app.ui.dates import day_edit, qdate
from app.ui.field_errors import SaveFeedback
from app.ui.ops import ProgressFn

log = logging.getLogger(__name__)


def _not_saved(error: Exception) -> str:
    return f"Not saved: {type(error).__name__}. Nothing was changed; try again."


def _note(name: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setAccessibleName(name)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 4 + 16)
    return edit


def _day(edit: QWidget) -> date:
    return edit.date().toPython()  # type: ignore[attr-defined, no-any-return]


class _SmallForm(QDialog):
    """A form of a few fields with Save and Cancel (see the module)."""

    recorded = Signal(object)

    def __init__(
        self, context: UiContext, *, title: str, fields: tuple[str, ...], parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.feedback = SaveFeedback(
            self,
            fields,
            refusal=VisitRefused,
            not_saved=_not_saved,
            log=log,
            failed=f"{title}: saving failed",
        )
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.feedback.use_button(self.save_button, idle="&Save", busy="Saving…")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.feedback.general)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def row(self, label: str, field: QWidget, name: str) -> None:
        self.form.addRow(label, self.feedback.below(field, name))

    def work(self) -> Callable[[Workspace], VisitRecorded]:
        raise NotImplementedError

    def save(self) -> None:
        if self.feedback.saving:
            return
        run, workspace = self.work(), self.context.workspace

        def work(_progress: ProgressFn) -> VisitRecorded:
            return run(workspace)

        self.feedback.begin()
        self.context.op(self, work).success(self._saved).failure(self.feedback.refused).run()

    def _saved(self, recorded: VisitRecorded) -> None:
        self.feedback.saved()
        self.recorded.emit(recorded)
        self.accept()


class FollowUpDialog(_SmallForm):
    """A dated task on the case ("call back Friday")."""

    def __init__(
        self, context: UiContext, *, tenancy_id: uuid.UUID, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            context, title="Add a follow-up", fields=("follow-up date", "follow-up"), parent=parent
        )
        self.tenancy_id = tenancy_id
        today = context.today()
        self.due_edit = day_edit(today + timedelta(days=7), name="Follow-up date")
        self.due_edit.setMinimumDate(qdate(today))
        self.due_edit.setMaximumDate(qdate(today + timedelta(days=MAX_FOLLOW_UP_DAYS)))
        self.task_edit = QLineEdit()
        self.task_edit.setAccessibleName("What to follow up")
        self.task_edit.setPlaceholderText("e.g. check the DHP decision")
        self.row("&Date", self.due_edit, "follow-up date")
        self.row("&What", self.task_edit, "follow-up")
        self.task_edit.setFocus()

    def work(self) -> Callable[[Workspace], VisitRecorded]:
        tenancy_id, due_on, task = self.tenancy_id, _day(self.due_edit), self.task_edit.text()
        if not task.strip():
            task = "Follow up"
        return lambda w: add_follow_up(w, tenancy_id=tenancy_id, due_on=due_on, task=task)


class ReferralDialog(_SmallForm):
    """A referral made today (or earlier), where to and why."""

    def __init__(
        self, context: UiContext, *, tenancy_id: uuid.UUID, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            context, title="Record a referral", fields=("to", "date", "why"), parent=parent
        )
        self.tenancy_id = tenancy_id
        self.to_combo = QComboBox()
        self.to_combo.setAccessibleName("Referred to")
        for code, label in REFERRAL_KINDS.items():
            self.to_combo.addItem(label, code)
        self.date_edit = day_edit(context.today(), name="Date referred")
        self.why_edit = _note("Why the referral was made")
        self.row("Referred &to", self.to_combo, "to")
        self.row("&Date", self.date_edit, "date")
        self.row("&Why", self.why_edit, "why")
        self.to_combo.setFocus()

    def work(self) -> Callable[[Workspace], VisitRecorded]:
        tenancy_id, to = self.tenancy_id, str(self.to_combo.currentData())
        on, why = _day(self.date_edit), self.why_edit.toPlainText()
        return lambda w: record_referral(w, tenancy_id=tenancy_id, to=to, on=on, reason=why)


class ReferralOutcomeDialog(_SmallForm):
    """How a referral ended up (a new version of it)."""

    def __init__(
        self,
        context: UiContext,
        *,
        referral_id: uuid.UUID,
        title: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            context,
            title=f"Outcome — {title}",
            fields=("outcome", "outcome date", "outcome note"),
            parent=parent,
        )
        self.referral_id = referral_id
        self.outcome_combo = QComboBox()
        self.outcome_combo.setAccessibleName("Outcome")
        for code, label in REFERRAL_OUTCOMES.items():
            if code != "pending":
                self.outcome_combo.addItem(label, code)
        self.date_edit = day_edit(context.today(), name="Date of the outcome")
        self.note_edit = _note("Outcome note")
        self.row("&Outcome", self.outcome_combo, "outcome")
        self.row("&Date", self.date_edit, "outcome date")
        self.row("&Note", self.note_edit, "outcome note")

    def work(self) -> Callable[[Workspace], VisitRecorded]:
        referral_id, outcome = self.referral_id, str(self.outcome_combo.currentData())
        on, note = _day(self.date_edit), self.note_edit.toPlainText()
        return lambda w: record_referral_outcome(
            w, referral_id=referral_id, outcome=outcome, on=on, note=note
        )


__all__ = ["FollowUpDialog", "ReferralDialog", "ReferralOutcomeDialog"]
