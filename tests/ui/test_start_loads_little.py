"""The caseload is on screen before SQLAlchemy, Alembic, httpx, the keyring or (the recovery
policy unchanged since the last start) pydantic have loaded (the start reads on a plain
connection and the checked policy from its sealed cache: README, Figures), and what opening a
case needs is loaded just after, in the background.

Run in a child process, as ``python -m app`` starts: a module loaded by an earlier test would
otherwise hide one loaded too soon.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keyring
from keyring.backends import fail

from app.paths import data_dir
from app.services.recovery_policy import policy_in_force
from app.services.workspace import Workspace
from app.store.database import open_local_store
from tests.ui.seed import seed_caseload, seed_officer

CHILD = """
import json, sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from app.ui.app import launch
from app.ui.ops import ThreadRunner

LATE = ("sqlalchemy", "alembic", "httpx", "keyring", "pydantic")
app = QApplication([])
runner = ThreadRunner()
window = launch(data_dir=Path(sys.argv[1]), allow_demo_files=True, runner=runner).window
seen = {}
deadline = time.monotonic() + 60

def rest_loaded():
    if "sqlalchemy.orm" in sys.modules or time.monotonic() > deadline:
        seen["orm_loaded_after"] = "sqlalchemy.orm" in sys.modules
        app.exit(0)  # not quit(): that closes the window, and the loading with it
    else:
        QTimer.singleShot(20, rest_loaded)

def loaded(rows):
    seen["rows"] = rows
    seen["loaded_before"] = sorted(name for name in LATE if name in sys.modules)
    rest_loaded()

window.worklist_loaded.connect(loaded)
app.exec()
runner.wait_for_done(60_000)
window.close()
runner.shutdown()
print(json.dumps(seen))
"""


def _demo_keyed_folder(tmp_path: Path) -> Path:
    """An enrolled laptop keyed by the demo's files (so the child needs no keyring), started
    once before (its recovery policy checked and cached)."""
    folder = data_dir(tmp_path / "client")
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        store = open_local_store(folder, allow_demo_files=True)
        try:
            seed_caseload(store, extra=6)
            seed_officer(store, server_url="http://127.0.0.1:9")
            policy_in_force(Workspace(store))
        finally:
            store.close()
    finally:
        keyring.set_keyring(previous)
    return folder


def test_the_worklist_is_shown_before_sqlalchemy_loads_and_the_rest_follows(
    tmp_path: Path,
) -> None:
    folder = _demo_keyed_folder(tmp_path)
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder)],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    seen = json.loads(child.stdout.strip().splitlines()[-1])
    assert seen == {"rows": 10, "loaded_before": [], "orm_loaded_after": True}
