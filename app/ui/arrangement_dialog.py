"""Agree (or renegotiate) a payment arrangement on a case, offline, from its latest I&E.

The dialog reads, on the database worker, the case's latest finished income and expenditure
assessment's offer and its current live arrangement
(``app.services.arrangements.arrangement_context``). It proposes with
``app.domain.arrangement_plan.propose``: the instalment defaults to the largest affordable
offer for the chosen frequency until the officer types one; with no finished I&E the officer
types the instalment and a note says so. The end date, the number of instalments and the
proposal's warnings follow every change. "Agree" saves with
``app.services.arrangements.agree_arrangement`` on the database worker; a refusal (from
``propose`` or the service, each naming the field) is shown under that field, the focus moves
there and nothing is saved. A live arrangement is replaced by the new version (the dialog says
so). Warnings and refusals appear in room kept above the buttons, so the Agree button does not
move under the pointer (``app.ui.field_errors.SaveFeedback``). What it says is worded in
``app.ui.text.arrangement``.

Also here: :class:`ArrangementHistoryModel`, every version of a case's arrangements, and
:class:`ArrangementsPanel`, the case window's "Arrangements" tab.

Threading: GUI thread only; reads and the save run through ``Op`` (kind "db").
"""

from __future__ import annotations

import enum
import logging
import uuid
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.arrangement_plan import Proposal, ProposalError, propose
from app.domain.money import parse_typed_pounds
from app.domain.recovery import RecoveryPolicy
from app.services.arrangements import (
    ArrangementAgreed,
    ArrangementCancelled,
    ArrangementContext,
    ArrangementRefused,
    ArrangementVersion,
    agree_arrangement,
    arrangement_context,
    arrangement_history,
    cancel_arrangement,
)
from app.services.case_file import CaseFile
from app.ui.context import UiContext
from app.ui.dates import day_edit, kept_day, qdate
from app.ui.draft_keeper import DraftKeeper
from app.ui.field_errors import SaveFeedback
from app.ui.ops import ProgressFn
from app.ui.tables import read_only_table
from app.ui.text import arrangement as words
from app.ui.text.arrangement import (
    made_on_text,
    version_paid,
    version_state,
    version_status,
    version_terms,
    version_tooltip,
)

log = logging.getLogger(__name__)


WARNING_STYLE = (
    "QLabel { background: #fff3cd; color: #4d3800; border: 1px solid #e0c97a;"
    " border-radius: 4px; padding: 6px 10px; }"
)
FIELDS = ("instalment_pence", "frequency", "first_date", "kind")
# Messages from propose()/agree_arrangement() name these; shown under our field.
FIELD_ALIASES = {"start_date": "first_date", "instalment": "instalment_pence"}
#: Room kept above the buttons for what comes and goes as the officer types and agrees: two
#: warnings of two lines each in their box and a two-line refusal. It fills, so the Agree
#: button does not move under the pointer.
ROOM_LINES = 7


class ArrangementDialog(QDialog):
    """Propose and agree an arrangement on one case; ``open()`` it (window-modal).

    ``agreed(ArrangementAgreed)`` is emitted once saved. ``ready`` once the I&E is read. Its
    save, refusals and button state are a :class:`~app.ui.field_errors.SaveFeedback`
    (``feedback``), which also keeps room above the buttons for the warnings and messages.
    Threading: GUI thread only.
    """

    agreed = Signal(object)
    ready = Signal()

    def __init__(
        self,
        context: UiContext,
        *,
        case: CaseFile,
        policy: RecoveryPolicy,
        max_weeks: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self._case = case
        self._policy = policy
        self._today = context.today()
        # The policy's longest term unless a caller (a test) names another.
        self._max_weeks = max_weeks if max_weeks is not None else policy.max_arrangement_weeks
        self._typed = False  # the officer typed an instalment (else: the affordable default)
        self._restore: Mapping[str, object] | None = None  # a draft to put back once loaded
        self._setting = False
        self.starting_point: ArrangementContext | None = None
        self.proposal: Proposal | None = None
        self.setWindowTitle(f"Arrangement — {case.ref}")
        self.setObjectName("ArrangementDialog")
        self.setMinimumWidth(580)
        self.feedback = SaveFeedback(
            self,
            FIELDS,
            refusal=ArrangementRefused,
            not_saved=words.not_saved,
            log=log,
            failed="agreeing an arrangement failed",
            aliases=FIELD_ALIASES,
        )
        self._build_header()
        self._build_fields()
        self._build_plan()
        self._build_buttons()
        self._lay_out()
        self.frequency_combo.currentIndexChanged.connect(self._recompute)
        self.first_date_edit.dateChanged.connect(self._recompute)
        self.instalment_edit.setFocus()
        self.drafts = DraftKeeper(
            context, kind="arrangement", tenancy_id=case.tenancy_id, state=self.draft, parent=self
        )
        for signal in (
            self.instalment_edit.textEdited,
            self.frequency_combo.currentIndexChanged,
            self.kind_combo.currentIndexChanged,
            self.first_date_edit.dateChanged,
        ):
            signal.connect(self.drafts.typed)
        self.finished.connect(self.drafts.drop)  # agreed or cancelled: nothing to keep

    # -- building -----------------------------------------------------------------------------
    def _build_header(self) -> None:
        """The arrears (bold), where the affordable figure comes from, what it replaces."""
        self.arrears_label = QLabel(words.arrears_text(self._case.advice.summary.balance_pence))
        bold = self.arrears_label.font()
        bold.setBold(True)
        self.arrears_label.setFont(bold)
        self.source_label = QLabel(words.READING_IE)
        self.source_label.setWordWrap(True)
        self.replaces_label = QLabel()
        self.replaces_label.setWordWrap(True)
        self.replaces_label.hide()

    def _build_fields(self) -> None:
        """The instalment, its frequency, the first due date and the kind."""
        self.instalment_edit = QLineEdit()
        self.instalment_edit.setAccessibleName("Instalment")
        self.instalment_edit.setPlaceholderText(words.INSTALMENT_EXAMPLE)
        self.instalment_edit.textEdited.connect(self._instalment_typed)
        self.frequency_combo = QComboBox()
        self.frequency_combo.setAccessibleName("Frequency")
        for code, label in words.FREQUENCIES:
            self.frequency_combo.addItem(label, code)
        self.frequency_combo.setCurrentIndex(self.frequency_combo.findData("weekly"))
        self.first_date_edit = day_edit(self._today, name="First instalment due")
        # The calendar offers only the days the policy allows (the service refuses others).
        self.first_date_edit.setMaximumDate(
            qdate(self._today + timedelta(days=self._policy.first_payment_within_days))
        )
        # A date's width, even when a message under it widens its row.
        self.first_date_edit.setFixedWidth(self.first_date_edit.minimumWidth())
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName("Kind")
        for code, label in words.KINDS:
            self.kind_combo.addItem(label, code)

    def _build_plan(self) -> None:
        """The plan in words, and the box of warnings (hidden while there are none)."""
        self.plan_label = QLabel()
        self.plan_label.setAccessibleName("Plan")
        self.plan_label.setWordWrap(True)  # a plan moved to the UC pay day runs long
        self.plan_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.warnings_label = QLabel()
        self.warnings_label.setTextFormat(Qt.TextFormat.RichText)  # escaped, even one warning
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setStyleSheet(WARNING_STYLE)
        self.warnings_label.hide()

    def _build_buttons(self) -> None:
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.agree_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.feedback.use_button(self.agree_button, idle="&Agree", busy="Saving…")
        self.agree_button.setEnabled(False)  # until the I&E is read
        self.buttons.accepted.connect(self.agree)
        self.buttons.rejected.connect(self.reject)

    def _lay_out(self) -> None:
        """The header, the form with each field's message under it, the warnings, a message
        naming no field, then room (see ``SaveFeedback.make_room``) above the buttons."""
        below = self.feedback.below
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("&Instalment", below(self.instalment_edit, "instalment_pence"))
        form.addRow("&Frequency", below(self.frequency_combo, "frequency"))
        form.addRow("First &due", below(self.first_date_edit, "first_date"))
        form.addRow("&Kind", below(self.kind_combo, "kind"))
        form.addRow("Plan", self.plan_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.arrears_label)
        layout.addWidget(self.source_label)
        layout.addWidget(self.replaces_label)
        layout.addSpacing(4)
        layout.addLayout(form)
        layout.addWidget(self.warnings_label)
        layout.addWidget(self.feedback.general)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    # -- loading ------------------------------------------------------------------------------
    def load(self) -> None:
        """Read the latest finished I&E and the live arrangement, then propose."""
        workspace, tenancy_id, policy, today = (
            self.context.workspace,
            self._case.tenancy_id,
            self._policy,
            self._today,
        )

        def work(_progress: ProgressFn) -> ArrangementContext:
            return arrangement_context(workspace, tenancy_id=tenancy_id, as_of=today, policy=policy)

        self.context.op(self, work).success(self._loaded).failure(self._load_failed).run()

    def _loaded(self, context: ArrangementContext) -> None:
        self.source_label.setText(words.source_text(context))
        live = context.live
        if live is not None:
            self.replaces_label.setText(words.replaces_text(live))
            self.replaces_label.show()
            kind_index = self.kind_combo.findData(live.kind)
            if kind_index >= 0:
                self.kind_combo.setCurrentIndex(kind_index)
        self._start_from(context)

    def _load_failed(self, error: Exception) -> None:
        log.error("could not read the I&E for an arrangement", exc_info=error)
        self.source_label.setText(words.ie_not_read(error))
        self._start_from(ArrangementContext(None, None, None))

    def _start_from(self, context: ArrangementContext) -> None:
        """The header is final: size the dialog with its room, then propose."""
        self.starting_point = context
        self.feedback.make_room(lines=ROOM_LINES)
        self.agree_button.setEnabled(True)
        self._recompute()
        if self._restore is not None:
            kept, self._restore = self._restore, None
            self.restore_draft(kept)
        self.ready.emit()

    # -- ours ---------------------------------------------------------------------------------
    def frequency(self) -> str:
        return str(self.frequency_combo.currentData())

    def set_frequency(self, frequency: str) -> None:
        self.frequency_combo.setCurrentIndex(self.frequency_combo.findData(frequency))

    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def set_kind(self, kind: str) -> None:
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))

    def first_date(self) -> date:
        return self.first_date_edit.date().toPython()  # type: ignore[return-value]

    def set_first_date(self, on: date) -> None:
        self.first_date_edit.setDate(qdate(on))

    def draft(self) -> dict[str, object]:
        """What is typed, as JSON values: kept (encrypted) while Doorstep is locked."""
        return {
            "instalment": self.instalment_edit.text() if self._typed else None,
            "frequency": self.frequency(),
            "kind": self.kind(),
            "first": self.first_date().isoformat(),
        }

    def restore_draft(self, draft: Mapping[str, object]) -> None:
        """Put back what :meth:`draft` kept, once the I&E is read (a value that no longer fits
        is left as proposed)."""
        if self.starting_point is None:
            self._restore = draft
            return
        for key, combo in (("frequency", self.frequency_combo), ("kind", self.kind_combo)):
            value = draft.get(key)
            if isinstance(value, str) and combo.findData(value) >= 0:
                combo.setCurrentIndex(combo.findData(value))
        first = kept_day(draft.get("first"))
        if first is not None:
            self.set_first_date(first)
        typed = draft.get("instalment")
        if isinstance(typed, str) and typed.strip():
            self.set_instalment_text(typed)

    def set_instalment_text(self, text: str) -> None:
        """As if typed: the officer's instalment replaces the default."""
        self.instalment_edit.setText(text)
        self._instalment_typed()

    def error_for(self, field: str) -> str:
        return self.feedback.error_for(field)

    def error_text(self) -> str:
        return self.feedback.error_text()

    def warnings(self) -> tuple[str, ...]:
        return self._warnings

    _warnings: tuple[str, ...] = ()

    def agree(self) -> None:
        """Save the proposal on the database worker (nothing is saved if it is refused)."""
        if self.feedback.saving or self.starting_point is None:
            return
        proposal = self._recompute()
        if proposal is None:
            self.feedback.focus_error()
            return
        workspace, tenancy_id, kind = self.context.workspace, self._case.tenancy_id, self.kind()

        def work(_progress: ProgressFn) -> ArrangementAgreed:
            return agree_arrangement(workspace, tenancy_id=tenancy_id, terms=proposal, kind=kind)

        self.feedback.begin()
        self.context.op(self, work).success(self._saved).failure(self.feedback.refused).run()

    # -- internals ----------------------------------------------------------------------------
    def _instalment_typed(self, *_args: object) -> None:
        if not self._setting:
            self._typed = bool(self.instalment_edit.text().strip())
        self._recompute()

    def _recompute(self, *_args: object) -> Proposal | None:
        """Propose from the fields; show the plan, the warnings and any refusal."""
        self.proposal = None
        self._warnings = ()
        start = self.starting_point
        if start is None:
            return None
        proposal, errors = self._propose(start)
        if proposal is not None and not self._typed:
            self._show_default_instalment(proposal)
        self.proposal = proposal
        self._show_plan(proposal, has_ie=start.affordable_monthly_pence is not None)
        self.feedback.show(errors)
        return proposal

    def _propose(self, start: ArrangementContext) -> tuple[Proposal | None, dict[str, str]]:
        """The proposal from the fields, or no proposal and the message under its field."""
        instalment: int | None = None
        if self._typed:
            try:
                instalment = parse_typed_pounds(self.instalment_edit.text())
            except ValueError as exc:
                return None, {"instalment_pence": words.unreadable_instalment(exc)}
        if instalment is None and start.affordable_monthly_pence is None:
            return None, {"instalment_pence": words.TYPE_THE_INSTALMENT}
        case = self._case
        try:
            proposal = propose(
                arrears_pence=case.advice.summary.balance_pence,
                affordable_monthly_pence=start.affordable_monthly_pence or 0,
                weekly_rent_pence=case.weekly_rent_pence + case.weekly_service_charge_pence,
                frequency=self.frequency(),
                first_date=self.first_date(),
                uc_pay_day=self._uc_pay_day(),
                max_weeks=self._max_weeks,
                instalment_pence=instalment,
                agreed_monthly_pence=start.agreed_monthly_pence,
            )
        except ProposalError as exc:
            field, text = self.feedback.split(str(exc))
            return None, {field: text}
        return proposal, {}

    def _show_default_instalment(self, proposal: Proposal) -> None:
        """The affordable instalment in the box, not counted as typed."""
        self._setting = True
        try:
            self.instalment_edit.setText(words.typed_instalment(proposal))
        finally:
            self._setting = False

    def _uc_pay_day(self) -> date | None:
        uc = self._case.advice.summary.uc
        return None if uc is None else uc.anchor

    def _show_plan(self, proposal: Proposal | None, *, has_ie: bool) -> None:
        if proposal is None:
            self.plan_label.setText(words.NO_PLAN)
            self.warnings_label.hide()
            return
        self.plan_label.setText(words.plan_text(proposal))
        warnings = words.plan_warnings(proposal, has_ie=has_ie)
        self._warnings = warnings
        self.warnings_label.setText(words.warnings_html(warnings))
        self.warnings_label.setVisible(bool(warnings))

    def _saved(self, agreed: ArrangementAgreed) -> None:
        self.feedback.saved()
        self.agreed.emit(agreed)
        self.accept()


class ArrangementColumn(enum.IntEnum):
    TERMS = 0
    MADE_ON = 1
    STATUS = 2
    STATE = 3
    PAID = 4


HEADERS = {
    ArrangementColumn.TERMS: "Terms",
    ArrangementColumn.MADE_ON: "Made on",
    ArrangementColumn.STATUS: "Status",
    ArrangementColumn.STATE: "Kept?",
    ArrangementColumn.PAID: "Paid / required",
}
VersionRole = Qt.ItemDataRole.UserRole + 1


class ArrangementHistoryModel(QAbstractTableModel):
    """Every version of a case's arrangements, newest first (rows are
    ``ArrangementVersion``; the version itself under ``VersionRole``). GUI thread only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ArrangementVersion] = []

    def set_rows(self, rows: list[ArrangementVersion]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> ArrangementVersion:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ArrangementColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(ArrangementColumn)
        ):
            return HEADERS[ArrangementColumn(section)]
        return None

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        version = self._rows[index.row()]
        column = ArrangementColumn(index.column())
        if role == VersionRole:
            return version
        if role == Qt.ItemDataRole.DisplayRole:
            if column == ArrangementColumn.TERMS:
                return version_terms(version)
            if column == ArrangementColumn.MADE_ON:
                return made_on_text(version)
            if column == ArrangementColumn.STATUS:
                return version_status(version)
            if column == ArrangementColumn.STATE:
                return version_state(version)
            return version_paid(version)
        if role == Qt.ItemDataRole.ToolTipRole and column == ArrangementColumn.TERMS:
            return version_tooltip(version)
        if role == Qt.ItemDataRole.ForegroundRole and column == ArrangementColumn.STATE:
            state = version.state
            if state is not None and not state.kept:
                return QColor("#b00020")
        return None


class ArrangementsPanel(QWidget):
    """The case window's "Arrangements" tab: every version (newest first) and "Cancel" for the
    live one (confirmed through the prompts seam) with ``cancel_arrangement``. ``load()`` reads
    ``arrangement_history`` on the database worker; ``loaded`` follows. ``changed(summary)``
    is emitted after a cancel is saved (the case window puts it on the ChangeHub).

    Threading: GUI thread only; reads and the save run through ``Op`` (kind "db").
    """

    loaded = Signal()
    changed = Signal(object)

    def __init__(
        self,
        context: UiContext,
        *,
        tenancy_id: uuid.UUID,
        policy: RecoveryPolicy,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self._tenancy_id = tenancy_id
        self._policy = policy
        self.model = ArrangementHistoryModel(self)
        self.table = read_only_table(self.model, "Arrangements")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ArrangementColumn.TERMS, QHeaderView.ResizeMode.Stretch)
        self.summary_label = QLabel(words.NO_ARRANGEMENT)
        self.summary_label.setWordWrap(True)
        self.cancel_button = QPushButton("&Cancel the live arrangement…")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_live)
        row = QHBoxLayout()
        row.addWidget(self.summary_label, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)

    def live(self) -> ArrangementVersion | None:
        rows = (self.model.row_at(r) for r in range(self.model.rowCount()))
        return next((version for version in rows if version.is_live), None)

    def load(self) -> None:
        workspace, tenancy_id, policy, as_of = (
            self.context.workspace,
            self._tenancy_id,
            self._policy,
            self.context.today(),
        )

        def work(_progress: ProgressFn) -> list[ArrangementVersion]:
            return arrangement_history(workspace, tenancy_id=tenancy_id, as_of=as_of, policy=policy)

        self.context.op(self, work).success(self._show).failure(self._failed).run()

    def _show(self, versions: list[ArrangementVersion]) -> None:
        self.model.set_rows(versions)
        live = self.live()
        self.cancel_button.setEnabled(live is not None)
        self.summary_label.setText(words.live_summary(versions, live))
        self.loaded.emit()

    def _failed(self, error: Exception) -> None:
        log.error("could not read the arrangements", exc_info=error)
        self.summary_label.setText(words.history_not_read(error))

    def cancel_live(self) -> None:
        """Ask, then cancel the live version (a new cancelled version; nothing overwritten)."""
        live = self.live()
        if live is None:
            return
        if not self.context.prompts.ask_yes_no(
            self, "Cancel the arrangement", words.cancel_question(live)
        ):
            return
        workspace, arrangement_id = self.context.workspace, live.id

        def work(_progress: ProgressFn) -> ArrangementCancelled:
            return cancel_arrangement(workspace, arrangement_id=arrangement_id)

        self.context.op(self, work).success(self.changed.emit).failure(self._cancel_failed).run()

    def _cancel_failed(self, error: Exception) -> None:
        if not isinstance(error, ArrangementRefused):
            log.error("cancelling an arrangement failed", exc_info=error)
        self.context.prompts.show_error(self, "Doorstep", words.not_cancelled(error))
