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

from PySide6.QtCore import QLockFile
from PySide6.QtWidgets import QApplication, QDialog

from app.domain.clock import SYSTEM_CLOCK, Clock
from app.services.device import is_enrolled, needs_pin, set_server_url
from app.services.device import server_url as known_server_url
from app.services.outbox_check import changes_missing
from app.services.set_aside import set_aside_caseload, why_unopenable
from app.services.workspace import (
    CaseloadErased,
    PinNeeded,
    PinRefused,
    StoreError,
    Workspace,
    open_workspace,
)
from app.sync.errors import SyncError
from app.ui.context import UiContext
from app.ui.ops import OpRunner, ThreadRunner
from app.ui.prompts import Prompts
from app.ui.text import start as words

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

APP_NAME = "Doorstep"
ORGANISATION = "Doorstep"
CANNOT_OPEN_TITLE = words.CANNOT_OPEN_TITLE
#: Held while a window has the caseload open (``hold_caseload``).
LOCK_NAME = "doorstep.lock"


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
    opened = _open(data_dir, server_url, prompts, allow_demo_files, clock)
    if opened is None:
        return Launched(None, 1)
    workspace, enrolled, server_url = opened
    from app.ui.main_window import MainWindow  # loaded already, beside the integrity check

    missing = changes_missing(workspace)
    if missing:
        prompts.show_error(None, words.MISSING_TITLE, words.changes_missing(missing))

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
    if not _pin_chosen(workspace, prompts):
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


def _open(
    data_dir: Path,
    server_url: str | None,
    prompts: Prompts,
    allow_demo_files: bool,
    clock: Clock,
) -> tuple[Workspace, bool, str | None] | None:
    """The open workspace, whether the laptop is enrolled and the server's address; None, once
    the officer has been told why, when the caseload cannot be used."""
    try:
        workspace = _unlocked(data_dir, prompts, allow_demo_files, clock)
    except StoreError as exc:
        fresh = _after_refusal(data_dir, exc, prompts, allow_demo_files, clock)
        return None if fresh is None else _read_or_say(fresh, server_url, prompts)
    if workspace is None:  # the officer did not type the PIN
        return None
    # The window's modules load while the store's integrity check reads the file on its own
    # thread; the first read waits for the check.
    import app.ui.main_window  # noqa: F401

    try:
        return workspace, *_first_reads(workspace, server_url)
    except StoreError as exc:  # found damaged by the check that ran beside the loading
        workspace.close()
        fresh = _after_refusal(data_dir, exc, prompts, allow_demo_files, clock)
        return None if fresh is None else _read_or_say(fresh, server_url, prompts)
    except SyncError as exc:  # an address that is not http(s)
        workspace.close()
        prompts.show_error(None, CANNOT_OPEN_TITLE, str(exc))
        return None


def _unlocked(
    data_dir: Path, prompts: Prompts, allow_demo_files: bool, clock: Clock
) -> Workspace | None:
    """The caseload opened, with the officer's PIN when its key is wrapped with one (asked
    again after a wrong one, saying why); None when they cancel. Ten wrong PINs erase the copy:
    that is said, and a new, empty caseload opens for signing in again."""
    pin: str | None = None
    problem = ""
    while True:
        try:
            return open_workspace(
                data_dir,
                allow_demo_files=allow_demo_files,
                clock=clock,
                check_in_background=True,
                pin=pin,
            )
        except PinNeeded:
            pass
        except PinRefused as exc:
            problem = str(exc)
        except CaseloadErased as exc:
            prompts.show_error(None, words.ERASED_AFTER_PINS_TITLE, str(exc))
            return open_workspace(data_dir, allow_demo_files=allow_demo_files, clock=clock)
        pin = prompts.ask_pin(
            None, words.UNLOCK_TITLE, words.UNLOCK_TEXT, new=False, problem=problem
        )
        if pin is None:
            return None


def _pin_chosen(workspace: Workspace, prompts: Prompts) -> bool:
    """A signed-in laptop whose key the keyring alone would open gets a PIN first (asked until
    one will do); False when the officer cancels (nothing is changed then)."""
    if not needs_pin(workspace):
        return True
    from app.services.enrolment import SignInRefused, set_pin  # only when one is chosen

    problem = ""
    while needs_pin(workspace):
        pin = prompts.ask_pin(
            None, words.NEW_PIN_TITLE, words.NEW_PIN_TEXT, new=True, problem=problem
        )
        if pin is None:
            return False
        try:
            set_pin(workspace, pin=pin)
        except SignInRefused as exc:
            problem = str(exc)
    return True


def _read_or_say(
    workspace: Workspace, server_url: str | None, prompts: Prompts
) -> tuple[Workspace, bool, str | None] | None:
    try:
        return workspace, *_first_reads(workspace, server_url)
    except (StoreError, SyncError) as exc:
        workspace.close()
        prompts.show_error(None, CANNOT_OPEN_TITLE, str(exc))
        return None


def _first_reads(workspace: Workspace, server_url: str | None) -> tuple[bool, str | None]:
    """Whether the laptop is enrolled, and the server's address (``server_url`` if given, which
    is then remembered; else the one known)."""
    if server_url:
        set_server_url(workspace, server_url=server_url)
    enrolled = is_enrolled(workspace)
    return enrolled, server_url or known_server_url(workspace)


def _after_refusal(
    data_dir: Path, error: StoreError, prompts: Prompts, allow_demo_files: bool, clock: Clock
) -> Workspace | None:
    """Say why the caseload would not open; when a new copy is the cure and the officer agrees,
    set the old one aside (kept whole, with its key) and open a new, empty one."""
    log.error("local store refused: %s", type(error).__name__)
    found = why_unopenable(data_dir, error, allow_demo_files=allow_demo_files)
    if not found.can_set_aside:
        prompts.show_error(None, CANNOT_OPEN_TITLE, found.reason)
        return None
    if not prompts.ask_yes_no(None, CANNOT_OPEN_TITLE, words.set_aside_question(found, data_dir)):
        return None
    try:
        aside = set_aside_caseload(data_dir, allow_demo_files=allow_demo_files)
        log.warning("caseload set aside after: %s", type(error).__name__)
        prompts.show_info(None, words.SET_ASIDE_TITLE, words.set_aside_done(aside))
        return open_workspace(data_dir, allow_demo_files=allow_demo_files, clock=clock)
    except (StoreError, OSError) as exc:
        prompts.show_error(None, CANNOT_OPEN_TITLE, str(exc))
        return None


def run_gui(
    *,
    data_dir: Path,
    allow_demo_files: bool = False,
    server_url: str | None = None,
    sync_on_start: bool = False,
    prompts: Prompts | None = None,
) -> int:
    """Run the desktop app until its window closes; returns the process exit code."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    configure_application(app)
    prompts = prompts or Prompts()
    lock = hold_caseload(data_dir)
    if lock is None:
        prompts.show_error(None, words.ALREADY_OPEN_TITLE, words.already_open(data_dir))
        return 1
    runner = ThreadRunner()
    try:
        launched = launch(
            data_dir=data_dir,
            allow_demo_files=allow_demo_files,
            server_url=server_url,
            sync_on_start=sync_on_start,
            runner=runner,
            prompts=prompts,
        )
        if launched.window is None:
            return launched.exit_code
        code = app.exec()
        launched.window.close()  # closes the workspace if the loop ended some other way
        launched.window.deleteLater()
        return code
    finally:
        runner.shutdown()
        lock.unlock()


def hold_caseload(data_dir: Path) -> QLockFile | None:
    """This process's hold on the caseload in ``data_dir``, or None when another Doorstep
    window has it: two windows on one caseload would each think its view the latest. A lock
    left by a process that died is taken over (Qt checks the process is gone)."""
    lock = QLockFile(str(data_dir / LOCK_NAME))
    lock.setStaleLockTime(0)  # stale only when its process is gone, never by age
    return lock if lock.tryLock(200) else None
