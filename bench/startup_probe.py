"""Child process of ``python -m bench startup``: open an enrolled data directory, show the
main window with real worker threads, and print the row count once the caseload is on screen.

Run with ``QT_QPA_PLATFORM=offscreen``; the parent times the whole process from its launch.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main() -> int:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())  # the bench's data dir uses the demo key file
    from PySide6.QtWidgets import QApplication

    from app.services.workspace import open_workspace
    from app.ui.app import configure_application
    from app.ui.context import UiContext
    from app.ui.main_window import MainWindow
    from app.ui.ops import ThreadRunner

    app = QApplication(sys.argv[:1])
    configure_application(app)
    workspace = open_workspace(Path(sys.argv[1]), allow_demo_files=True)
    runner = ThreadRunner()
    window = MainWindow(UiContext(workspace, runner), sync_fn=lambda *a, **kw: None)  # type: ignore[arg-type]
    window.show()
    while window.proxy.rowCount() == 0:
        app.processEvents()
        time.sleep(0.001)
    app.processEvents()
    rows = window.proxy.rowCount()
    window.close()
    runner.shutdown()
    workspace.close()
    print(f"rows {rows}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
