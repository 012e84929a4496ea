"""Starting the app: a refused store, an enrolled laptop offline, a new laptop signing in."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.models import Tenancy
from app.paths import data_dir, database_path
from app.services.actions import record_action
from app.services.enrolment import OfficerInfo
from app.services.sync import SyncSummary
from app.services.workspace import Workspace, open_workspace
from app.store.database import open_local_store
from app.ui.app import CANNOT_OPEN_TITLE, Launched, hold_caseload, launch, run_gui
from app.ui.main_window import MainWindow
from app.ui.ops import InlineRunner, ThreadRunner
from app.ui.signin_dialog import SignInDialog
from tests.ui.fakes import RecordingPrompts
from tests.ui.seed import SEED_TODAY, seed_caseload, seed_officer


def closed_port_url() -> str:
    """An http:// address on which nothing listens (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def fake_summary() -> SyncSummary:
    return SyncSummary(
        pages=1,
        tenancies=30,
        people=40,
        ledger_lines=200,
        removed=0,
        cursor=5,
        bootstrapped=True,
        check_ok=True,
        changed_tenancy_ids=(),
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return data_dir(tmp_path / "client")


def enrolled_store(folder: Path, server_url: str) -> None:
    store = open_local_store(folder)
    try:
        seed_caseload(store, extra=26)
        seed_officer(store, server_url=server_url)
    finally:
        store.close()


def window_of(qtbot: QtBot, launched: Launched) -> MainWindow:
    assert launched.window is not None
    qtbot.addWidget(launched.window)
    return launched.window


def test_a_store_that_cannot_be_opened_is_a_message_and_exit_1(
    folder: Path, prompts: RecordingPrompts, inline_runner: InlineRunner
) -> None:
    import sqlite3

    sqlite3.connect(database_path(folder)).execute("CREATE TABLE t (x)").connection.close()
    before = database_path(folder).read_bytes()
    launched = launch(data_dir=folder, runner=inline_runner, prompts=prompts)  # answered No
    assert launched.window is None
    assert launched.exit_code == 1
    [(kind, title, text)] = prompts.shown
    assert (kind, title) == ("question", CANNOT_OPEN_TITLE)
    assert "plain, unencrypted SQLite database" in text
    assert "Set it aside and download your caseload again?" in text
    assert database_path(folder).read_bytes() == before
    assert not (folder / "quarantine").exists()


def test_a_store_found_damaged_while_the_window_loads_is_a_message_and_exit_1(
    folder: Path, prompts: RecordingPrompts, inline_runner: InlineRunner
) -> None:
    """The integrity check runs beside the window's loading; no window shows a damaged file."""
    enrolled_store(folder, "https://doorstep.council.gov.uk")
    path = database_path(folder)
    raw = bytearray(path.read_bytes())
    raw[-4096 + 50 : -4096 + 90] = b"\xff" * 40  # the last page: none the opening reads
    path.write_bytes(bytes(raw))
    launched = launch(data_dir=folder, runner=inline_runner, prompts=prompts)  # answered No
    assert launched.window is None
    assert launched.exit_code == 1
    [(kind, title, text)] = prompts.shown
    assert (kind, title) == ("question", CANNOT_OPEN_TITLE)
    assert "is damaged" in text
    assert "Nothing was changed" in text
    assert path.read_bytes() == bytes(raw)


def test_a_damaged_store_says_what_it_held_and_is_set_aside_only_when_agreed(
    qtbot: QtBot,
    folder: Path,
    prompts: RecordingPrompts,
    inline_runner: InlineRunner,
    memory_keyring: Any,
) -> None:
    """Issue 11: an empty database file was replaced and its key overwritten at the next start,
    losing its unsent changes for good. Now: nothing changes until the officer agrees; then the
    file moves, whole, into the quarantine folder, its key is kept, and a new copy signs in."""
    enrolled_store(folder, "https://doorstep.council.gov.uk")
    workspace = open_workspace(folder)
    with workspace.store.session() as session:
        case = session.scalars(select(Tenancy.id).order_by(Tenancy.ref)).first()
    assert case is not None
    for code in ("contact", "visit", "contact"):
        record_action(workspace, tenancy_id=case, code=code, on=SEED_TODAY)
    workspace.close()
    main_key = ("Doorstep", f"database-key:{folder}")
    old_key = memory_keyring.items[main_key]
    database_path(folder).write_bytes(b"")  # cut to nothing

    prompts.answers = [True]
    cancelled: list[str] = []

    def cancel_sign_in() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SignInDialog)
        cancelled.append(dialog.windowTitle())
        dialog.reject()

    QTimer.singleShot(0, cancel_sign_in)
    launched = launch(data_dir=folder, runner=inline_runner, prompts=prompts)
    assert cancelled, "a new copy signs in to download the caseload"
    assert launched.exit_code == 0
    (question, _, asked), (info, _, told) = prompts.shown
    assert question == "question"
    assert "It held 3 changes not yet sent to the central store." in asked
    assert info == "info"
    [aside] = (folder / "quarantine").iterdir()
    assert (aside / "doorstep.db").read_bytes() == b""
    assert (aside / "outbox.mark").exists()
    assert str(aside) in told
    [set_aside_key] = [name for name in memory_keyring.items if aside.name in name[1]]
    assert memory_keyring.items[set_aside_key] == old_key, "the old copy's key, kept"
    assert memory_keyring.items[main_key] != old_key, "the new copy has a key of its own"
    assert set_aside_key[1] in told
    assert database_path(folder).stat().st_size > 0, "a new, empty copy"


def test_enrolled_laptop_shows_its_caseload_without_syncing(
    qtbot: QtBot, folder: Path, prompts: RecordingPrompts, inline_runner: InlineRunner
) -> None:
    enrolled_store(folder, "https://doorstep.council.gov.uk")
    calls: list[Any] = []
    launched = launch(
        data_dir=folder,
        runner=inline_runner,
        prompts=prompts,
        sync_fn=lambda workspace, **kw: calls.append(kw),
    )
    window = window_of(qtbot, launched)
    assert window.isVisible()
    assert window.proxy.rowCount() == 30
    assert window.windowTitle() == "Doorstep — Alex Smith"
    assert calls == []
    assert prompts.shown == []


def test_sync_on_start_runs_in_the_background(
    qtbot: QtBot, folder: Path, prompts: RecordingPrompts, inline_runner: InlineRunner
) -> None:
    enrolled_store(folder, "https://doorstep.council.gov.uk")
    calls: list[Any] = []

    def sync(workspace: Workspace, **kwargs: Any) -> SyncSummary:
        calls.append(kwargs)
        return fake_summary()

    window = window_of(
        qtbot,
        launch(
            data_dir=folder,
            runner=inline_runner,
            prompts=prompts,
            sync_fn=sync,
            sync_on_start=True,
        ),
    )
    assert len(calls) == 1
    assert window.proxy.rowCount() == 30


def test_starting_offline_shows_the_caseload_and_sync_reports_offline(
    qtbot: QtBot, folder: Path, prompts: RecordingPrompts, thread_runner: ThreadRunner
) -> None:
    """The real sync against a closed port: the caseload shows; no modal box is raised."""
    url = closed_port_url()
    enrolled_store(folder, url)
    window = window_of(qtbot, launch(data_dir=folder, runner=thread_runner, prompts=prompts))
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 30, timeout=5000)
    window.sync_action.trigger()
    qtbot.waitUntil(lambda: not window.is_syncing(), timeout=20_000)
    assert window.status_text().startswith("30 cases · Offline: ")
    assert prompts.shown == []
    assert window.proxy.rowCount() == 30


def test_new_laptop_signs_in_then_downloads_with_a_progress_dialog(
    qtbot: QtBot, folder: Path, prompts: RecordingPrompts, inline_runner: InlineRunner
) -> None:
    signed_in: list[dict[str, Any]] = []
    dialogs: list[str] = []

    def sign_in(workspace: Workspace, *, server_url: str, **kwargs: Any) -> OfficerInfo:
        signed_in.append({"server_url": server_url, **kwargs})
        officer_id = seed_officer(workspace.store, server_url=server_url)
        return OfficerInfo(id=officer_id, username="asmith", display_name="Alex Smith")

    def first_sync(workspace: Workspace, *, progress: Any) -> SyncSummary:
        dialogs.extend(
            w.labelText()
            for w in QApplication.topLevelWidgets()
            if w.isVisible() and w.metaObject().className() == "QProgressDialog"
        )
        seed_caseload(workspace.store, extra=1)
        return fake_summary()

    def answer_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SignInDialog)
        assert dialog.server_edit.text() == "https://doorstep.council.gov.uk"
        dialog.username_edit.setText("asmith")
        dialog.password_edit.setText("pw")
        dialog.accept()

    QTimer.singleShot(0, answer_dialog)
    window = window_of(
        qtbot,
        launch(
            data_dir=folder,
            runner=inline_runner,
            prompts=prompts,
            server_url="https://doorstep.council.gov.uk",
            sign_in_fn=sign_in,
            sync_fn=first_sync,
        ),
    )
    assert [s["username"] for s in signed_in] == ["asmith"]
    assert dialogs == ["Downloading your caseload…"]
    assert window.proxy.rowCount() == 5
    assert window.windowTitle() == "Doorstep — Alex Smith"


def test_cancelling_sign_in_quits_quietly(
    folder: Path, prompts: RecordingPrompts, inline_runner: InlineRunner
) -> None:
    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SignInDialog)
        dialog.reject()

    QTimer.singleShot(0, cancel)
    launched = launch(data_dir=folder, runner=inline_runner, prompts=prompts)
    assert launched.window is None
    assert launched.exit_code == 0
    assert prompts.shown == []


def test_run_gui_runs_until_the_window_closes(
    qtbot: QtBot, folder: Path, prompts: RecordingPrompts
) -> None:
    from app.ui.app import run_gui

    enrolled_store(folder, closed_port_url())
    seen: list[int] = []

    def close_when_shown() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        if not windows or windows[0].proxy.rowCount() == 0:
            QTimer.singleShot(20, close_when_shown)
            return
        seen.append(windows[0].proxy.rowCount())
        windows[0].close()

    QTimer.singleShot(0, close_when_shown)
    assert run_gui(data_dir=folder, prompts=prompts) == 0  # the officer chooses a PIN first
    assert seen == [30]
    assert [kind for kind, _, _ in prompts.pin_prompts] == ["new pin"]


def test_a_second_window_on_one_caseload_is_refused_while_the_first_holds_it(
    qtbot: QtBot, folder: Path, prompts: RecordingPrompts
) -> None:
    # Failed before the fix: two instances ran on one profile.
    held = hold_caseload(folder)
    assert held is not None
    assert run_gui(data_dir=folder, prompts=prompts) == 1
    [(kind, title, text)] = prompts.shown
    assert (kind, title) == ("error", "Doorstep is already open")
    assert str(folder) in text
    assert not database_path(folder).exists(), "the second never opened the caseload"
    held.unlock()
    again = hold_caseload(folder)
    assert again is not None
    again.unlock()


def test_changes_lost_with_the_write_ahead_log_are_said_at_start(
    qtbot: QtBot, folder: Path, prompts: RecordingPrompts, inline_runner: InlineRunner
) -> None:
    enrolled_store(folder, "https://doorstep.council.gov.uk")
    workspace = open_workspace(folder)
    with workspace.store.session() as session:
        case = session.scalars(select(Tenancy.id).order_by(Tenancy.ref)).first()
    assert case is not None
    without_log = folder.parent / "without-log.db"
    shutil.copyfile(database_path(folder), without_log)
    record_action(workspace, tenancy_id=case, code="contact", on=SEED_TODAY)
    shutil.copyfile(database_path(folder), without_log)  # the action is in the log only
    workspace.close()
    shutil.copyfile(without_log, database_path(folder))
    window = window_of(qtbot, launch(data_dir=folder, runner=inline_runner, prompts=prompts))
    [(kind, title, text)] = prompts.shown
    assert (kind, title) == ("error", "Changes missing from your caseload")
    assert text.startswith("1 change you saved on this laptop is no longer in its caseload")
    assert window.isVisible()


def test_a_signed_in_laptop_chooses_a_pin_then_opens_only_with_it(
    qtbot: QtBot,
    folder: Path,
    prompts: RecordingPrompts,
    inline_runner: InlineRunner,
    memory_keyring: Any,
) -> None:
    """Issue 11: the keyring alone opened the caseload. A signed-in laptop whose key is in the
    keyring is asked for a PIN (an easy one refused, saying why); from then on the keyring holds
    only the key wrapped with it, and each start asks for it (a wrong one refused, saying so)."""
    enrolled_store(folder, "https://doorstep.council.gov.uk")
    prompts.pins = ["123456", "482916"]
    first = window_of(qtbot, launch(data_dir=folder, runner=inline_runner, prompts=prompts))
    assert [(kind, text[:40]) for kind, _, text in prompts.pin_prompts] == [
        ("new pin", "Choose a PIN or passphrase of at least 6"),
        ("new pin", "PIN: not one digit repeated or a run of "),
    ]
    first.close()
    raw_key = memory_keyring.items[("Doorstep", f"database-key:{folder}")]
    assert '"v": 2' in raw_key
    assert '"key"' not in raw_key, "only the wrapped key is kept"

    prompts.pin_prompts.clear()
    prompts.pins = ["000000", "482916"]
    again = window_of(qtbot, launch(data_dir=folder, runner=inline_runner, prompts=prompts))
    assert [(kind, text[:30]) for kind, _, text in prompts.pin_prompts] == [
        ("pin", "Your caseload on this laptop i"),
        ("pin", "Wrong PIN (1 in a row)."),
    ]
    assert again.proxy.rowCount() == 30


def test_cancelling_the_pin_opens_nothing_and_changes_nothing(
    folder: Path, prompts: RecordingPrompts, inline_runner: InlineRunner, memory_keyring: Any
) -> None:
    enrolled_store(folder, "https://doorstep.council.gov.uk")
    before = dict(memory_keyring.items)
    prompts.pins = [None]
    assert launch(data_dir=folder, runner=inline_runner, prompts=prompts).window is None
    assert memory_keyring.items == before, "no PIN chosen: nothing changed"
