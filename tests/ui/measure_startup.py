"""How long the window takes to show a 250-case caseload from process start (prints only).

    .venv/bin/python -m tests.ui.measure_startup [cases]

Seeds a throwaway store (demo key file, so a child process can open it), then starts a
fresh Python process that opens the store and shows the main window with real worker threads,
and reports when the table holds every case. Never asserts on time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = "--child"


def _demo_keyring() -> None:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())


def seed(folder: Path, cases: int) -> None:
    _demo_keyring()
    from app.paths import data_dir
    from app.store.database import open_local_store
    from tests.ui.seed import seed_caseload, seed_officer

    store = open_local_store(data_dir(folder), allow_demo_files=True)
    seed_caseload(store, extra=cases - 4)
    seed_officer(store)
    store.close()


def child(folder: Path, started: float) -> None:
    marks: list[tuple[str, float]] = []

    def mark(label: str) -> None:
        marks.append((label, time.perf_counter()))

    mark("interpreter ready")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _demo_keyring()
    from PySide6.QtWidgets import QApplication

    from app.store.database import open_local_store
    from app.ui.app import configure_application
    from app.ui.main_window import MainWindow
    from app.ui.ops import ThreadRunner

    mark("imports")
    app = QApplication(sys.argv[:1])
    configure_application(app)
    store = open_local_store(folder, allow_demo_files=True)
    mark("store open")
    runner = ThreadRunner()
    window = MainWindow(store=store, runner=runner, sync_fn=lambda **kw: None)  # type: ignore[arg-type]
    window.show()
    mark("window shown")
    while window.proxy.rowCount() == 0:
        app.processEvents()
        time.sleep(0.001)
    app.processEvents()
    mark(f"caseload shown ({window.proxy.rowCount()} rows)")
    now_wall = time.time()
    base = marks[0][1]
    for label, at in marks:
        print(f"  {label:<32} {1000 * (at - base):7.0f} ms after the interpreter was ready")
    print(f"  process start -> caseload shown   {1000 * (now_wall - started):7.0f} ms")
    window.close()
    runner.shutdown()


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == CHILD:
        child(Path(sys.argv[2]), float(sys.argv[3]))
        return
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 250
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        seed(folder, cases)
        print(f"start-up with {cases} cases:")
        for run in range(3):
            print(f"run {run + 1}:")
            started = time.time()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "tests.ui.measure_startup",
                    CHILD,
                    str(folder),
                    str(started),
                ],
                check=True,
            )


if __name__ == "__main__":
    main()
