"""Starting the desktop app: open the encrypted store, sign in if needed, show the caseload.

``run_gui`` is what ``app.cli`` calls. ``launch`` does everything but the event loop, so
tests drive it with ``qtbot``: a caseload that cannot be opened is a clear message and exit
code 1 (never a traceback); an enrolled laptop shows its caseload at once from the local copy,
with no connection needed, and syncs in the background if asked; a new laptop asks the officer
to sign in, then downloads the caseload with a progress dialog while the window shows.

Threading: GUI thread only; all database and network work goes through ``app.ui.ops``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QDialog

from app.domain.clock import SYSTEM_CLOCK, Clock
from app.services.device import is_enrolled, set_server_url
from app.services.device import server_url as known_server_url
from app.services.workspace import StoreError, open_workspace
from app.sync.errors import SyncError
from app.ui.context import UiContext
from app.ui.ops import OpRunner, ThreadRunner
from app.ui.prompts import Prompts

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

APP_NAME = "Doorstep"
ORGANISATION = "Doorstep"
CANNOT_OPEN_TITLE = "Doorstep cannot open your caseload"


@dataclass
class Launched:
    """The outcome of ``launch``: the shown window, or None and the exit code to return."""

    window: MainWindow | None
    exit_code: int = 0


def configure_application(app: QApplication) -> None:
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION)


def launch(
    *,
    data_dir: Path,
    allow_demo_files: bool = False,
    server_url: str | None = None,
    sync_on_start: bool = False,
    runner: OpRunner,
    prompts: Prompts | None = None,
    sign_in_fn: Callable[..., object] | None = None,
    sync_fn: Callable[..., object] | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> Launched:
    """Open the caseload and show the main window (signing in first on a new laptop)."""
    prompts = prompts or Prompts()
    try:
        workspace = open_workspace(
            data_dir, allow_demo_files=allow_demo_files, clock=clock, check_in_background=True
        )
    except StoreError as exc:
        log.error("local store refused: %s", type(exc).__name__)
        prompts.show_error(None, CANNOT_OPEN_TITLE, str(exc))
        return Launched(None, 1)

    # The window's modules load while the store's integrity check reads the file on its own
    # thread; the first read below waits for the check, and a damaged file is refused here.
    from app.ui.main_window import MainWindow

    try:
        if server_url:
            set_server_url(workspace, server_url=server_url)
        enrolled = is_enrolled(workspace)
        if not server_url:
            server_url = known_server_url(workspace)
    except (StoreError, SyncError) as exc:  # SyncError: an address that is not http(s)
        workspace.close()
        prompts.show_error(None, CANNOT_OPEN_TITLE, str(exc))
        return Launched(None, 1)

    context = UiContext(workspace, runner, prompts)
    if not enrolled:
        # Loaded only on a new laptop: signing in needs SQLAlchemy, the caseload does not.
        from app.services.enrolment import sign_in
        from app.ui.signin_dialog import SignInDialog

        dialog = SignInDialog(
            context,
            server_url=server_url,
            sign_in_fn=sign_in_fn or sign_in,  # type: ignore[arg-type]
        )
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        if not accepted:
            runner.wait_for_done(30_000)
            workspace.close()
            return Launched(None, 0)

    window = MainWindow(context, sync_fn=sync_fn)  # type: ignore[arg-type]
    window.show()
    if not enrolled:
        window.sync_now(with_dialog=True)
    elif sync_on_start:
        window.sync_now()
    return Launched(window)


def run_gui(
    *,
    data_dir: Path,
    allow_demo_files: bool = False,
    server_url: str | None = None,
    sync_on_start: bool = False,
) -> int:
    """Run the desktop app until its window closes; returns the process exit code."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    configure_application(app)
    runner = ThreadRunner()
    try:
        launched = launch(
            data_dir=data_dir,
            allow_demo_files=allow_demo_files,
            server_url=server_url,
            sync_on_start=sync_on_start,
            runner=runner,
        )
        if launched.window is None:
            return launched.exit_code
        code = app.exec()
        launched.window.close()  # closes the workspace if the loop ended some other way
        launched.window.deleteLater()
        return code
    finally:
        runner.shutdown()
