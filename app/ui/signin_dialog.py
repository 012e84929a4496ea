"""Signing this laptop in to the central store: server address, username and password.

The dialog checks what was typed (naming the field that is wrong), then runs the sign-in on a
network worker through ``Op`` while it shows "Signing in…". A refusal or an unreachable server
is shown inside the dialog with everything typed kept; on success the dialog accepts and
``officer`` holds who signed in.

Threading: GUI thread only; ``sign_in`` runs on a worker and never sees a widget.
"""

from __future__ import annotations

import logging
import platform
import re
from collections.abc import Callable
from urllib.parse import urlsplit

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

log = logging.getLogger(__name__)

SignInFn = Callable[..., OfficerInfo]
EXAMPLE_SERVER = "https://doorstep.your-council.gov.uk"
_HOST = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
    r"[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\]"
)


def server_address_problem(text: str) -> str | None:
    """Why ``text`` is not a server address of the form http(s)://host[:port], or None."""
    raw = text.strip()
    example = f"for example {EXAMPLE_SERVER}"
    if not raw:
        return f"Server address: enter the address of your council's Doorstep server, {example}."
    if any(c.isspace() for c in raw):
        return f"Server address: it must not contain spaces ({example})."
    parts = urlsplit(raw)
    if parts.scheme.lower() not in ("http", "https") or not raw.lower().startswith(
        parts.scheme.lower() + "://"
    ):
        return f"Server address: it must start with https:// or http:// ({example})."
    netloc = parts.netloc
    if "@" in netloc:
        return "Server address: leave out any user name; give only the server's address."
    host, _, port = netloc.rpartition(":") if not netloc.endswith("]") else (netloc, "", "")
    if not host:
        host, port = netloc, ""
    if not host or not _HOST.fullmatch(host):
        return f"Server address: “{raw}” does not name a server ({example})."
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        return f"Server address: the port “{port}” must be a number from 1 to 65535."
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return f"Server address: give only the server and, if needed, a port ({example})."
    return None


def normalise_server_address(text: str) -> str:
    """A checked address without a trailing slash: ``https://host:8443/`` -> ``https://host:8443``."""
    return text.strip().rstrip("/")


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

        self.setWindowTitle("Sign in to Doorstep")
        self.setMinimumWidth(460)

        intro = QLabel(
            "Sign in with your Doorstep account to download your caseload to this laptop. "
            "It is kept encrypted and you can work with it offline."
        )
        intro.setWordWrap(True)

        self.server_edit = QLineEdit(server_url or "")
        self.server_edit.setPlaceholderText(EXAMPLE_SERVER)
        self.username_edit = QLineEdit()
        self.username_edit.setPlaceholderText("e.g. asmith")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        for edit in (self.server_edit, self.username_edit, self.password_edit):
            edit.setMinimumWidth(280)
            edit.textEdited.connect(self._clear_error)

        form = QFormLayout()
        form.addRow("&Server address:", self.server_edit)
        form.addRow("&Username:", self.username_edit)
        form.addRow("&Password:", self.password_edit)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setStyleSheet(
            "QLabel { color: #9b1c1c; background: #fdecec; border: 1px solid #f3b4b4;"
            " border-radius: 3px; padding: 6px; }"
        )
        self.error_label.hide()

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumHeight(8)
        self.progress_bar.hide()
        self.progress_label = QLabel()
        self.progress_label.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_in_button = QPushButton("Sign in")
        self.sign_in_button.setDefault(True)
        self.buttons.addButton(self.sign_in_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.progress_bar)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        (self.username_edit if server_url else self.server_edit).setFocus()

    # -- what was typed ---------------------------------------------------------------------
    def validation_problem(self) -> tuple[str, QLineEdit] | None:
        """The first problem with the fields (a message naming the field) and its field."""
        problem = server_address_problem(self.server_edit.text())
        if problem:
            return problem, self.server_edit
        if not self.username_edit.text().strip():
            return "Username: enter your Doorstep username.", self.username_edit
        if not self.password_edit.text():
            return "Password: enter your password.", self.password_edit
        return None

    def error_text(self) -> str:
        return self.error_label.text() if not self.error_label.isHidden() else ""

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

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
        ).with_progress("Signing in…").run()

    def reject(self) -> None:
        if not self._busy:  # Esc or Cancel while signing in would orphan the result
            super().reject()

    # -- results, on the GUI thread ---------------------------------------------------------
    def _signed_in(self, officer: OfficerInfo) -> None:
        self.officer = officer
        super().accept()

    def _sign_in_failed(self, error: Exception) -> None:
        if isinstance(error, SyncError | StoreError):
            self.show_error(str(error))
        else:
            log.error("sign-in failed unexpectedly", exc_info=error)
            self.show_error(f"Sign-in failed unexpectedly ({type(error).__name__}: {error}).")
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
