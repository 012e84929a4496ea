"""The sign-in dialog: field checks, sign-in off the GUI thread, failures shown inline, and
messages that fit (what the messages say is tested in tests/unit/test_ui_text_signin.py)."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from app.services.enrolment import OfficerInfo
from app.services.workspace import Workspace
from app.store.database import LocalStore
from app.sync.client import AuthRejected, Offline
from app.ui.ops import InlineRunner, ThreadRunner
from app.ui.signin_dialog import SignInDialog
from tests.ui.fakes import RecordingPrompts
from tests.ui.windows import assert_fits_laptop, ui_context

OFFICER = OfficerInfo(id=uuid.uuid4(), username="asmith", display_name="Alex Smith")


class FakeSignIn:
    """Records calls; answers an officer or raises the error given."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.calls: list[dict[str, Any]] = []
        self.threads: list[int] = []

    def __call__(self, workspace: Workspace, **kwargs: Any) -> OfficerInfo:
        self.calls.append({"workspace": workspace, **kwargs})
        self.threads.append(threading.get_ident())
        if self.error is not None:
            raise self.error
        return OFFICER


def make_dialog(
    qtbot: QtBot,
    store: LocalStore,
    runner: InlineRunner | ThreadRunner,
    sign_in: FakeSignIn,
    server_url: str | None = None,
) -> SignInDialog:
    dialog = SignInDialog(
        ui_context(store, runner, RecordingPrompts()), server_url=server_url, sign_in_fn=sign_in
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill(dialog: SignInDialog, server: str, username: str, password: str) -> None:
    dialog.server_edit.setText(server)
    dialog.username_edit.setText(username)
    dialog.password_edit.setText(password)


@pytest.mark.parametrize(
    ("server", "username", "password", "message", "field"),
    [
        ("", "asmith", "pw", "Server address: enter the address", "server_edit"),
        ("host.gov.uk", "asmith", "pw", "Server address: it must start with", "server_edit"),
        (
            "https://host.gov.uk",
            " ",
            "pw",
            "Username: enter your Doorstep username.",
            "username_edit",
        ),
        ("https://host.gov.uk", "asmith", "", "Password: enter your password.", "password_edit"),
    ],
)
def test_validation_names_the_field_and_does_not_sign_in(
    qtbot: QtBot,
    store: LocalStore,
    inline_runner: InlineRunner,
    server: str,
    username: str,
    password: str,
    message: str,
    field: str,
) -> None:
    sign_in = FakeSignIn()
    dialog = make_dialog(qtbot, store, inline_runner, sign_in)
    fill(dialog, server, username, password)
    dialog.sign_in_button.click()
    assert dialog.error_text().startswith(message)
    assert sign_in.calls == []
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.isVisible()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: getattr(dialog, field).hasFocus(), timeout=2000)


def test_server_address_prefilled(
    qtbot: QtBot, store: LocalStore, inline_runner: InlineRunner
) -> None:
    dialog = make_dialog(qtbot, store, inline_runner, FakeSignIn(), "https://known.gov.uk")
    assert dialog.server_edit.text() == "https://known.gov.uk"


def test_success_accepts_with_the_officer(
    qtbot: QtBot, store: LocalStore, inline_runner: InlineRunner
) -> None:
    sign_in = FakeSignIn()
    dialog = make_dialog(qtbot, store, inline_runner, sign_in)
    fill(dialog, "https://doorstep.council.gov.uk/", " asmith ", "correct horse")
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        dialog.accept()
    assert dialog.officer == OFFICER
    call = sign_in.calls[0]
    assert call["server_url"] == "https://doorstep.council.gov.uk"
    assert call["username"] == "asmith"
    assert call["password"] == "correct horse"
    assert call["workspace"].store is store
    assert inline_runner.kinds == ["net"]


@pytest.mark.parametrize(
    "error",
    [
        AuthRejected("The username or password is not right."),
        Offline("Cannot reach the Doorstep server at https://doorstep.council.gov.uk."),
    ],
)
def test_failure_is_shown_inline_and_keeps_the_fields(
    qtbot: QtBot, store: LocalStore, inline_runner: InlineRunner, error: Exception
) -> None:
    dialog = make_dialog(qtbot, store, inline_runner, FakeSignIn(error))
    fill(dialog, "https://doorstep.council.gov.uk", "asmith", "wrong")
    dialog.accept()
    assert dialog.error_text() == str(error)
    assert dialog.isVisible()
    assert dialog.officer is None
    assert dialog.server_edit.text() == "https://doorstep.council.gov.uk"
    assert dialog.username_edit.text() == "asmith"
    assert dialog.password_edit.text() == "wrong"
    assert dialog.server_edit.isEnabled()
    assert dialog.sign_in_button.isEnabled()
    assert dialog.progress_bar.isHidden()


def test_unexpected_error_is_shown_inline(
    qtbot: QtBot, store: LocalStore, inline_runner: InlineRunner
) -> None:
    dialog = make_dialog(qtbot, store, inline_runner, FakeSignIn(KeyError("token")))
    fill(dialog, "https://doorstep.council.gov.uk", "asmith", "pw")
    dialog.accept()
    assert dialog.error_text().startswith("Sign-in failed unexpectedly (KeyError")


def test_signs_in_off_the_gui_thread_showing_progress(
    qtbot: QtBot, store: LocalStore, thread_runner: ThreadRunner
) -> None:
    gate = threading.Event()

    class SlowSignIn(FakeSignIn):
        def __call__(self, workspace: Workspace, **kwargs: Any) -> OfficerInfo:
            assert gate.wait(10)
            return super().__call__(workspace, **kwargs)

    sign_in = SlowSignIn()
    dialog = make_dialog(qtbot, store, thread_runner, sign_in)
    fill(dialog, "https://doorstep.council.gov.uk", "asmith", "pw")
    dialog.accept()
    assert dialog.progress_label.text() == "Signing in…"
    assert dialog.progress_bar.isVisible()
    assert not dialog.server_edit.isEnabled()
    assert not dialog.sign_in_button.isEnabled()
    dialog.reject()  # Esc while signing in is ignored
    assert dialog.isVisible()
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        gate.set()
    assert sign_in.threads[0] != threading.get_ident()
    assert dialog.officer == OFFICER


def assert_reads_in_full(dialog: SignInDialog) -> None:
    """Fits the laptop; no field is squashed; the message shown has room for all its lines."""
    QApplication.processEvents()
    assert_fits_laptop(dialog)
    for edit in (dialog.server_edit, dialog.username_edit, dialog.password_edit):
        assert edit.height() >= edit.sizeHint().height(), edit.text()
    label = dialog.error_label
    if label.isVisible():
        assert label.height() >= label.heightForWidth(label.width())


def sign_in_place(dialog: SignInDialog) -> QPoint:
    return dialog.sign_in_button.mapTo(dialog, QPoint(0, 0))


def test_a_message_neither_squashes_the_fields_nor_moves_the_buttons(
    qtbot: QtBot, store: LocalStore, inline_runner: InlineRunner
) -> None:
    # Failed before the fix: a two-line message squashed the three fields to fit.
    refused = FakeSignIn(AuthRejected("The username or password is not right."))
    dialog = make_dialog(qtbot, store, inline_runner, refused, "https://doorstep.gov.uk")
    assert_reads_in_full(dialog)
    button = sign_in_place(dialog)
    fill(dialog, "doorstep.example.gov.uk", "asmith", "pw")
    dialog.accept()  # two lines: it must start with https://, for example ...
    assert dialog.error_text().startswith("Server address: it must start with")
    assert_reads_in_full(dialog)
    assert sign_in_place(dialog) == button
    fill(dialog, "https://doorstep.example.gov.uk", "asmith", "pw")
    dialog.accept()
    assert dialog.error_text() == "The username or password is not right."
    assert_reads_in_full(dialog)
    assert sign_in_place(dialog) == button
    dialog.begin_progress("Signing in…")
    assert_reads_in_full(dialog)
    assert sign_in_place(dialog) == button
    dialog.end_progress()


def test_a_long_message_makes_room_for_itself(
    qtbot: QtBot, store: LocalStore, inline_runner: InlineRunner
) -> None:
    long = " ".join(["The central store refused this laptop for a reason it explains."] * 5)
    dialog = make_dialog(qtbot, store, inline_runner, FakeSignIn(Offline(long)))
    fill(dialog, "https://doorstep.example.gov.uk", "asmith", "pw")
    dialog.accept()
    assert dialog.error_text() == long
    assert_reads_in_full(dialog)
