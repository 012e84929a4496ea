"""Grab the main window and the sign-in dialog offscreen, to look at them (not a test).

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.ui.screenshots /tmp/shots

Uses an in-memory keyring and a throwaway folder; writes PNGs into the folder given.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(out: Path) -> None:
    import keyring

    from app.store.memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from app.paths import data_dir
    from app.store.database import open_local_store
    from app.sync.client import AuthRejected
    from app.ui.main_window import MainWindow
    from app.ui.ops import InlineRunner
    from app.ui.signin_dialog import SignInDialog
    from tests.ui.fakes import RecordingPrompts
    from tests.ui.seed import seed_caseload, seed_officer

    app = QApplication.instance() or QApplication(sys.argv[:1])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_local_store(data_dir(Path(tmp) / "data"))
        seed_caseload(store, extra=26)
        seed_officer(store)
        runner = InlineRunner()

        def offline(**kwargs: object) -> object:
            from app.sync.client import Offline

            raise Offline("Cannot reach the Doorstep server at https://doorstep.example.gov.uk.")

        window = MainWindow(store=store, runner=runner, prompts=RecordingPrompts(), sync_fn=offline)
        window.resize(1100, 720)
        window.show()
        app.processEvents()
        window.grab().save(str(out / "main_window.png"))
        window.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
        window.grab().save(str(out / "main_window_ascending.png"))
        window.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
        window.sync_now()
        window.filter_edit.setText("road")
        app.processEvents()
        window.grab().save(str(out / "main_window_filtered_offline.png"))
        window.filter_edit.setText("xyz")
        app.processEvents()
        window.grab().save(str(out / "main_window_no_match.png"))
        window.close()

        empty_store = open_local_store(data_dir(Path(tmp) / "empty"))
        empty = MainWindow(store=empty_store, runner=runner, prompts=RecordingPrompts())
        empty.resize(900, 400)
        empty.show()
        app.processEvents()
        empty.grab().save(str(out / "main_window_empty.png"))
        empty.close()

        store2 = open_local_store(data_dir(Path(tmp) / "signin"))

        def refused(**kwargs: object) -> object:
            raise AuthRejected("The username or password is not right. Check them and try again.")

        dialog = SignInDialog(
            store=store2,
            server_url="https://doorstep.example.gov.uk",
            runner=runner,
            sign_in_fn=refused,
        )
        dialog.show()
        app.processEvents()
        dialog.grab().save(str(out / "signin.png"))
        dialog.username_edit.setText("asmith")
        dialog.password_edit.setText("wrong")
        dialog.accept()
        app.processEvents()
        dialog.grab().save(str(out / "signin_refused.png"))
        dialog.server_edit.setText("doorstep.example.gov.uk")
        dialog.accept()
        app.processEvents()
        dialog.grab().save(str(out / "signin_bad_address.png"))
        dialog.begin_progress("Signing in…")
        app.processEvents()
        dialog.grab().save(str(out / "signin_busy.png"))
        dialog.end_progress()
        dialog.close()
        store2.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/shots"))
