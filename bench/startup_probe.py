"""Child process of ``python -m bench startup``: start the app as ``python -m app`` does
(``app.ui.app.launch`` and the Qt event loop, real worker threads) on an enrolled data
directory, and print the row count and the moment the caseload was painted.

Run with ``QT_QPA_PLATFORM=offscreen``; the parent times from the process's launch, on the same
monotonic clock.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from app.ui.app import configure_application, launch
    from app.ui.ops import ThreadRunner

    app = QApplication(sys.argv[:1])
    configure_application(app)
    runner = ThreadRunner()
    launched = launch(data_dir=Path(sys.argv[1]), allow_demo_files=True, runner=runner)
    window = launched.window
    assert window is not None, "the bench's data directory did not open"
    shown: list[tuple[int, float]] = []

    def painted(rows: int) -> None:
        window.repaint()  # paint now, synchronously: the figure is "on screen"
        shown.append((rows, time.monotonic()))  # the same clock as the parent's
        app.quit()

    window.worklist_loaded.connect(painted)
    app.exec()
    window.close()
    runner.shutdown()
    rows, shown_at = shown[0]
    print(f"rows {rows} shown_at {shown_at!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
