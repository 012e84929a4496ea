"""Signing in and the first download against a real central store (``python -m central serve``
in a subprocess on a free loopback port, seeded with a synthetic council)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.paths import data_dir
from app.services.workspace import Workspace
from app.store.database import LocalStore
from app.ui.app import launch
from app.ui.context import UiContext
from app.ui.ops import ThreadRunner
from app.ui.signin_dialog import SignInDialog
from tests.ui.fakes import RecordingPrompts


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def central_server(doorstep_home: Path) -> Iterator[str]:
    from central.db import open_store
    from tests.sync.central_seed import seed_council

    engine = open_store(os.environ["DOORSTEP_CENTRAL_URL"])
    seed_council(engine, officers=("alice", "bob"), cases_per_officer=6)
    engine.dispose()
    port = _free_port()
    log = (doorstep_home / "central.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "central", "serve", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, (doorstep_home / "central.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the central store did not start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.close()


def test_wrong_password_is_shown_in_the_dialog(
    qtbot: QtBot, central_server: str, store: LocalStore, thread_runner: ThreadRunner
) -> None:
    dialog = SignInDialog(
        UiContext(Workspace(store), thread_runner, RecordingPrompts()), server_url=central_server
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username_edit.setText("alice")
    dialog.password_edit.setText("wrong horse")
    dialog.accept()
    qtbot.waitUntil(lambda: bool(dialog.error_text()), timeout=20_000)
    assert dialog.officer is None
    assert dialog.isVisible()
    assert dialog.password_edit.text() == "wrong horse"
    assert "username or password" in dialog.error_text()


def test_new_laptop_signs_in_and_downloads_its_caseload(
    qtbot: QtBot, central_server: str, tmp_path: Path, thread_runner: ThreadRunner
) -> None:
    prompts = RecordingPrompts()

    def answer_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SignInDialog)
        dialog.username_edit.setText("alice")
        dialog.password_edit.setText("correct horse")
        dialog.accept()

    QTimer.singleShot(0, answer_dialog)
    launched = launch(
        data_dir=data_dir(tmp_path / "laptop"),
        server_url=central_server,
        runner=thread_runner,
        prompts=prompts,
    )
    window = launched.window
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(
        lambda: not window.is_syncing() and window.proxy.rowCount() == 6, timeout=30_000
    )
    assert "last synced today" in window.status_text()
    assert window.windowTitle().startswith("Doorstep — ")
    assert prompts.shown == []
