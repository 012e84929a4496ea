"""``python -m demo.window``: the demo's Doorstep window, in a process of its own.

The launcher (``python -m demo``) starts this process and waits for it, so that whatever
happens to the window the launcher lives on to stop the central service: Qt ends its process
with a C++ abort (no Python ``finally`` runs) when it cannot load a platform plugin.

Exit status: the window's own (0 when closed); :data:`EXIT_NO_QT` when PySide6 cannot be
imported (a missing system library). The file given as ``--started`` is created once Qt has
started (the QApplication exists), so the launcher can tell "Qt could not start" from a window
that failed later. Threading: the main thread, which the window's event loop takes over.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_NO_QT = 4


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo.window")
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--server", required=True)
    parser.add_argument("--started", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        from PySide6.QtWidgets import QApplication

        from app.ui.app import run_gui
    except ImportError as exc:
        print(f"Qt (PySide6) could not be loaded: {exc}", file=sys.stderr)
        return EXIT_NO_QT
    # Aborts the process when no platform plugin can be loaded. Held for run_gui, which uses it.
    _application = QApplication(sys.argv[:1])
    args.started.touch()
    return run_gui(data_dir=args.data_dir, allow_demo_files=True, server_url=args.server,
                   sync_on_start=True)


if __name__ == "__main__":
    sys.exit(main())
