"""``python -m demo`` (``make run``): start Doorstep on the embedded default.

First run: write a synthetic council as an HMS export (the project's own generator), import it
into a central store that is an SQLite file under the user's data directory, and give the demo
officer a password. Every run: start the central service on a free loopback port, sign the
client in if it is not yet, open the window, and stop the service when the window closes.
All data here is synthetic.

Never a traceback, never a service left running: the window runs in a child process
(``demo.window``), so a Qt that aborts (no platform plugin) leaves this launcher alive to stop
the service and say what to install; on Linux the service also dies with the launcher however
the launcher ends. A demo laptop whose database will not open is moved aside with its key
(docs/design.md#security) and a fresh one is signed in.

Threading: the main thread only; the service and the window are processes of their own.
"""

from __future__ import annotations

import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from platformdirs import user_data_path

from app.protocol.messages import HEADER_PROTOCOL, PROTOCOL_VERSION

DEMO_OFFICER = "officer1"
TENANCIES = 1500
OFFICERS = 6
SEED = 2026
# Bumped when the synthetic council changes shape (2: case actions), so an older demo folder
# is rebuilt rather than shown without what the app now expects.
DEMO_VERSION = "2"

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

# What Qt's xcb platform plugin (PySide6 6.x) loads beyond PySide6 itself, as Debian/Ubuntu
# packages (``ldd`` on PySide6/Qt/plugins/platforms/libqxcb.so and libQt6XcbQpa.so.6); the
# README's "If the window does not open" names the same list.
QT_SYSTEM_PACKAGES = (
    "libegl1", "libgl1", "libfontconfig1", "libfreetype6", "libdbus-1-3", "libglib2.0-0",
    "libxkbcommon0", "libxkbcommon-x11-0", "libx11-6", "libx11-xcb1", "libxcb1",
    "libxcb-cursor0", "libxcb-icccm4", "libxcb-image0", "libxcb-keysyms1", "libxcb-randr0",
    "libxcb-render0", "libxcb-render-util0", "libxcb-shape0", "libxcb-shm0", "libxcb-sync1",
    "libxcb-util1", "libxcb-xfixes0", "libxcb-xkb1",
)
QT_CANNOT_START = (
    "The Doorstep window could not start: Qt could not load its platform plugin (Qt's lines "
    "above say why).\nOn Debian or Ubuntu, install the system libraries Qt needs, then run "
    "`make run` again:\n    sudo apt install {packages}\n"
    "Qt also needs a display: run it in a desktop session, not over a bare SSH login.\n"
    "The central service has been stopped."
)


def demo_home() -> Path:
    base = os.environ.get("DOORSTEP_HOME")
    root = Path(base) if base else user_data_path("Doorstep", appauthor=False)
    home = root / "demo"
    home.mkdir(parents=True, exist_ok=True)
    return home


class DemoError(Exception):
    """The demo cannot go on; ``str(error)`` says why (the launcher prints it, no traceback)."""


def _central(url: str, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "central", "--url", url, *args], check=False,
                          start_new_session=True)  # Ctrl-C reaches the launcher alone
    if done.returncode != 0:
        raise DemoError(f"`python -m central {args[0]}` failed (status {done.returncode}; its "
                        "messages are above)")


def prepare_council(home: Path, url: str) -> str:
    """Create the synthetic council once; returns the demo officer's password."""
    password_file = home / "demo-officer-password.txt"
    ready = home / ".council-ready"
    if (
        ready.exists()
        and password_file.exists()
        and ready.read_text(encoding="utf-8").strip() == DEMO_VERSION
    ):
        return password_file.read_text(encoding="utf-8").strip()
    for stale in home.glob("central.sqlite*"):
        stale.unlink()  # a half-made store from an interrupted first run, or an older demo
    # The demo laptop belongs to the old council (its token and epoch): start it afresh too.
    shutil.rmtree(home / "client", ignore_errors=True)
    shutil.rmtree(home / "export", ignore_errors=True)
    print(f"Creating a synthetic council ({TENANCIES:,} tenancies) in {home} ...", flush=True)
    _central(url, "demo", "--tenancies", str(TENANCIES), "--officers", str(OFFICERS),
             "--seed", str(SEED), "--out", str(home / "export"))
    _central(url, "import", str(home / "export"))
    password = secrets.token_urlsafe(9)
    fd = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    _central(url, "officer", "add", DEMO_OFFICER, "--display-name", "Demo Officer",
             "--password-file", str(password_file))
    ready.write_text(DEMO_VERSION + "\n", encoding="utf-8")
    return password


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _dies_with(parent: int) -> Callable[[], None] | None:
    """Linux: run in the service's process before it starts, so that the kernel sends it SIGTERM
    when the launcher ends, even by SIGKILL (which runs no ``finally``). Elsewhere: None."""
    if not sys.platform.startswith("linux"):
        return None

    def ask_the_kernel() -> None:
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the launcher ended before the request was made
            os.kill(os.getpid(), signal.SIGTERM)

    return ask_the_kernel


def start_service(url: str, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "central", "--url", url, "serve", "--host", "127.0.0.1",
         "--port", str(port)],
        preexec_fn=_dies_with(os.getpid()),  # safe: the launcher runs no threads
        start_new_session=True,  # Ctrl-C reaches the launcher alone, which stops the service
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the central service did not start (see the messages above)")
        try:
            reply = httpx.get(f"http://127.0.0.1:{port}/health",
                              headers={HEADER_PROTOCOL: str(PROTOCOL_VERSION)}, timeout=1)
            if reply.status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_service(process)
    raise SystemExit("the central service did not answer within 60 s")


def stop_service(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def sign_in_client(client_dir: Path, server: str, password: str) -> None:
    """Sign the demo laptop in, or point a signed-in one at today's port. One locked with the
    officer's PIN is left as it is: the window asks for the PIN and takes ``--server``."""
    from app.services.enrolment import is_enrolled, set_server_url, sign_in
    from app.services.workspace import PinNeeded, open_workspace

    try:
        workspace = open_workspace(client_dir, allow_demo_files=True)
    except PinNeeded:
        return
    try:
        if is_enrolled(workspace):
            set_server_url(workspace, server_url=server)
        else:
            sign_in(workspace, server_url=server, username=DEMO_OFFICER, password=password,
                    device_name="demo laptop")
    finally:
        workspace.close()


@dataclass(frozen=True)
class MovedAside:
    """Where a demo laptop that would not open now is, and whether a key for it was found."""

    path: Path
    with_key: bool


def move_aside(client_dir: Path) -> MovedAside:
    """Move a demo laptop that will not open out of the way, its key kept.

    A key in the demo's key file moves with the folder. A key in the keyring is named after the
    folder's path, so it is filed again under the new path before a fresh laptop takes the old
    path (and would write its own key there).
    """
    from app.store.keys import DEMO_FILE_SOURCE, Secrets

    held = Secrets(client_dir, allow_demo_files=True)
    key, token = held.database_key(), held.device_token()
    aside = _free_name(client_dir.with_name(f"{client_dir.name}-unopened-{_stamp()}"))
    client_dir.rename(aside)
    if held.source != DEMO_FILE_SOURCE:
        kept = Secrets(aside, allow_demo_files=True)
        if key is not None:
            kept.save_database_key(key)
        if token is not None:
            kept.save_device_token(token)
    return MovedAside(aside, with_key=key is not None)


def _stamp() -> str:
    return time.strftime("%Y%m%d-%H%M%S")  # the officer's local time, as on their clock


def _free_name(path: Path) -> Path:
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}-{number}")
    return candidate


def open_demo_laptop(home: Path, server: str, password: str) -> Path:
    """Sign the demo laptop in (or point it at today's port); returns its folder.

    A laptop whose database will not open (a lost or wrong key, a damaged file, a newer
    version's) is moved aside and a fresh one signed in: its data are synthetic and are
    downloaded again. A keyring that fails is not the laptop's fault and is only reported.
    """
    from app.store.errors import KeyringUnavailable, StoreError

    client_dir = home / "client"
    client_dir.mkdir(exist_ok=True)
    try:
        sign_in_client(client_dir, server, password)
    except KeyringUnavailable:
        raise
    except StoreError as exc:
        aside = move_aside(client_dir)
        moved = (f"It was moved aside, with its key, to {aside.path}." if aside.with_key else
                 f"It was moved aside to {aside.path} (this computer holds no key for it).")
        print(f"The demo laptop's database would not open: {exc}\n{moved} A fresh demo laptop "
              "is signed in and downloads the synthetic caseload again.", flush=True)
        client_dir.mkdir()
        sign_in_client(client_dir, server, password)
    return client_dir


def run_window(home: Path, client_dir: Path, server: str) -> int:
    """Run the window (``demo.window``) to its end; its exit status, or EXIT_FAILED when Qt
    could not start, after saying what to install."""
    from demo.window import EXIT_NO_QT

    started = home / ".window-started"
    started.unlink(missing_ok=True)
    code = subprocess.run(
        [sys.executable, "-m", "demo.window", "--data-dir", str(client_dir), "--server", server,
         "--started", str(started)],
        check=False,
        start_new_session=True,  # Ctrl-C reaches the launcher alone, which ends the window
    ).returncode
    if code == EXIT_NO_QT or (code != 0 and not started.exists()):
        print(QT_CANNOT_START.format(packages=" ".join(QT_SYSTEM_PACKAGES)), file=sys.stderr)
        return EXIT_FAILED
    if code < 0:
        print(f"The Doorstep window stopped abnormally ({signal.Signals(-code).name}). "
              "The central service has been stopped.", file=sys.stderr)
        return EXIT_FAILED
    return code


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # so that ``finally`` stops the service


def main() -> int:
    from app.store.errors import StoreError
    from app.sync.errors import SyncError

    for name in ("SIGTERM", "SIGHUP"):  # killed, or its terminal closed (no SIGHUP on Windows)
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _exit_on_signal)
    try:
        return _run()
    except (DemoError, StoreError, SyncError) as exc:
        print(f"doorstep demo: {exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print("doorstep demo: interrupted; nothing is left running.", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_FAILED


def _run() -> int:
    home = demo_home()
    url = f"sqlite:///{home / 'central.sqlite'}"
    password = prepare_council(home, url)
    port = free_port()
    server = f"http://127.0.0.1:{port}"
    service = start_service(url, port)
    try:
        client_dir = open_demo_laptop(home, server, password)
        print(f"Central service: {server} (store {home / 'central.sqlite'})")
        print(f"Signed in as {DEMO_OFFICER!r}, password {password!r} (synthetic demo only)",
              flush=True)
        return run_window(home, client_dir, server)
    finally:
        stop_service(service)


if __name__ == "__main__":
    sys.exit(main())
