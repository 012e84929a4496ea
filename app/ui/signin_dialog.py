"""Signing this laptop in to the central store: server address, username and password.

The dialog checks what was typed (naming the field that is wrong), then runs the sign-in on a
network worker through ``Op`` while it shows "Signing in…". A refusal or an unreachable server
is shown inside the dialog with everything typed kept; on success the dialog accepts and
``officer`` holds who signed in. Its words are in ``app.ui.text.signin``.

Room for a two-line message (or the progress) is kept under the fields from the start, so a
message appearing squashes nothing and never moves the button under the pointer; a longer
message makes the dialog taller.

Threading: GUI thread only; ``sign_in`` runs on a worker and never sees a widget.
"""

from __future__ import annotations

import logging
import platform
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.enrolment import OfficerInfo, sign_in
from app.services.workspace import StoreError
from app.sync.errors import SyncError
from app.ui.context import UiContext
from app.ui.ops import ProgressFn
from app.ui.text.signin import (
    EXAMPLE_SERVER,
    INTRO,
    NO_PASSWORD,
    NO_USERNAME,
    PASSWORD_LABEL,
    SERVER_LABEL,
    SIGN_IN,
    SIGNING_IN,
    TITLE,
    USERNAME_EXAMPLE,
    USERNAME_LABEL,
    normalise_server_address,
    server_address_problem,
    sign_in_failure,
)

log = logging.getLogger(__name__)

SignInFn = Callable[..., OfficerInfo]
MESSAGE_LINES = 2
"""The lines of message the dialog keeps room for under the fields."""


class SignInDialog(QDialog):
    """Asks for the server address, username and password, then signs this laptop in.

    ``sign_in_fn`` (default ``app.services.enrolment.sign_in``) is called on a worker with the
    workspace and keyword arguments ``server_url``, ``username``, ``password`` and
    ``device_name``. Threading: GUI thread only.
    """

    def __init__(
        self,
        context: UiContext,
        *,
        server_url: str | None = None,
        sign_in_fn: SignInFn = sign_in,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self._sign_in = sign_in_fn
        self._busy = False
        self.officer: OfficerInfo | None = None

        self.setWindowTitle(TITLE)
        self.setMinimumWidth(460)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(self._build_fields(server_url))
        layout.addWidget(self._build_message_area())
        layout.addStretch(1)
        layout.addWidget(self._build_buttons())

        (self.username_edit if server_url else self.server_edit).setFocus()

    def _build_fields(self, server_url: str | None) -> QFormLayout:
        self.server_edit = QLineEdit(server_url or "")
        self.server_edit.setPlaceholderText(EXAMPLE_SERVER)
        self.username_edit = QLineEdit()
        self.username_edit.setPlaceholderText(USERNAME_EXAMPLE)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        for edit in (self.server_edit, self.username_edit, self.password_edit):
            edit.setMinimumWidth(280)
            edit.textEdited.connect(self._clear_error)
        form = QFormLayout()
        form.addRow(SERVER_LABEL, self.server_edit)
        form.addRow(USERNAME_LABEL, self.username_edit)
        form.addRow(PASSWORD_LABEL, self.password_edit)
        return form

    def _build_message_area(self) -> QWidget:
        """The error, or the progress, in room kept for ``MESSAGE_LINES`` lines of error."""
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setStyleSheet(
            "QLabel { color: #9b1c1c; background: #fdecec; border: 1px solid #f3b4b4;"
            " border-radius: 3px; padding: 6px; }"
        )
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumHeight(8)
        self.progress_label = QLabel()
        area = QWidget()
        column = QVBoxLayout(area)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.error_label)
        column.addWidget(self.progress_label)
        column.addWidget(self.progress_bar)
        column.addStretch(1)
        self.error_label.setText("\n".join(["Wrong"] * MESSAGE_LINES))
        self.progress_label.setText(SIGNING_IN)
        progress = (
            self.progress_label.sizeHint().height()
            + column.spacing()
            + self.progress_bar.sizeHint().height()
        )
        area.setMinimumHeight(max(self.error_label.sizeHint().height(), progress))
        for widget in (self.error_label, self.progress_label, self.progress_bar):
            widget.hide()
        self.error_label.clear()
        return area

    def _build_buttons(self) -> QDialogButtonBox:
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_in_button = QPushButton(SIGN_IN)
        self.sign_in_button.setDefault(True)
        self.buttons.addButton(self.sign_in_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        return self.buttons

    # -- what was typed ---------------------------------------------------------------------
    def validation_problem(self) -> tuple[str, QLineEdit] | None:
        """The first problem with the fields (a message naming the field) and its field."""
        problem = server_address_problem(self.server_edit.text())
        if problem:
            return problem, self.server_edit
        if not self.username_edit.text().strip():
            return NO_USERNAME, self.username_edit
        if not self.password_edit.text():
            return NO_PASSWORD, self.password_edit
        return None

    def error_text(self) -> str:
        return self.error_label.text() if not self.error_label.isHidden() else ""

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        self._make_room()

    def _make_room(self) -> None:
        """Grow taller when a message needs more lines than the room kept for it."""
        layout = self.layout()
        assert layout is not None
        layout.activate()
        needed = self.heightForWidth(self.width()) if self.hasHeightForWidth() else -1
        needed = max(needed, layout.minimumSize().height())
        if needed > self.height():
            self.resize(self.width(), needed)

    def _clear_error(self) -> None:
        self.error_label.hide()

    # -- Qt overrides -----------------------------------------------------------------------
    def accept(self) -> None:
        """Check the fields, then sign in off the GUI thread; accepts once signed in."""
        if self._busy:
            return
        problem = self.validation_problem()
        if problem is not None:
            message, field = problem
            self.show_error(message)
            field.setFocus()
            field.selectAll()
            return
        self._clear_error()
        server_url = normalise_server_address(self.server_edit.text())
        self.server_edit.setText(server_url)
        username = self.username_edit.text().strip()
        password = self.password_edit.text()
        workspace = self.context.workspace
        sign_in_fn = self._sign_in
        device_name = platform.node()

        def work(progress: ProgressFn) -> OfficerInfo:
            return sign_in_fn(
                workspace,
                server_url=server_url,
                username=username,
                password=password,
                device_name=device_name,
            )

        self.context.op(self, work, kind="net").success(self._signed_in).failure(
            self._sign_in_failed
        ).with_progress(SIGNING_IN).run()

    def reject(self) -> None:
        if not self._busy:  # Esc or Cancel while signing in would orphan the result
            super().reject()

    # -- results, on the GUI thread ---------------------------------------------------------
    def _signed_in(self, officer: OfficerInfo) -> None:
        self.officer = officer
        super().accept()

    def _sign_in_failed(self, error: Exception) -> None:
        if not isinstance(error, SyncError | StoreError):
            log.error("sign-in failed unexpectedly", exc_info=error)
        self.show_error(sign_in_failure(error))
        self.password_edit.setFocus()

    # -- ProgressSink -------------------------------------------------------------------------
    def begin_progress(self, label: str) -> None:
        self._busy = True
        self._clear_error()
        for widget in (self.server_edit, self.username_edit, self.password_edit, self.buttons):
            widget.setEnabled(False)
        self.progress_label.setText(label)
        self.progress_label.show()
        self.progress_bar.show()

    def update_progress(self, done: int, total: int | None, message: str) -> None:
        if message:
            self.progress_label.setText(message)

    def end_progress(self) -> None:
        self._busy = False
        for widget in (self.server_edit, self.username_edit, self.password_edit, self.buttons):
            widget.setEnabled(True)
        self.progress_label.hide()
        self.progress_bar.hide()
