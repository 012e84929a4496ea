"""``python -m demo`` (``make run``): start Doorstep on the embedded default.

First run: write a synthetic council as an HMS export (the project's own generator), import it
into a central store that is an SQLite file under the user's data directory, and give the demo
officer a password. Every run: start the central service on a free loopback port, sign the
client in if it is not yet, open the window, and stop the service when the window closes.
All data here is synthetic.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
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


def demo_home() -> Path:
    base = os.environ.get("DOORSTEP_HOME")
    root = Path(base) if base else user_data_path("Doorstep", appauthor=False)
    home = root / "demo"
    home.mkdir(parents=True, exist_ok=True)
    return home


def _central(url: str, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "central", "--url", url, *args], check=True)


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


def start_service(url: str, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "central", "--url", url, "serve", "--host", "127.0.0.1",
         "--port", str(port)]
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
    process.terminate()
    raise SystemExit("the central service did not answer within 60 s")


def sign_in_client(client_dir: Path, server: str, password: str) -> None:
    from app.services.enrolment import is_enrolled, set_server_url, sign_in
    from app.services.workspace import open_workspace

    workspace = open_workspace(client_dir, allow_demo_files=True)
    try:
        if is_enrolled(workspace):
            set_server_url(workspace, server_url=server)
        else:
            sign_in(workspace, server_url=server, username=DEMO_OFFICER, password=password,
                    device_name="demo laptop")
    finally:
        workspace.close()


def main() -> int:
    home = demo_home()
    url = f"sqlite:///{home / 'central.sqlite'}"
    password = prepare_council(home, url)
    port = free_port()
    server = f"http://127.0.0.1:{port}"
    service = start_service(url, port)
    try:
        client_dir = home / "client"
        client_dir.mkdir(exist_ok=True)
        sign_in_client(client_dir, server, password)
        print(f"Central service: {server} (store {home / 'central.sqlite'})")
        print(f"Signed in as {DEMO_OFFICER!r}, password {password!r} (synthetic demo only)")
        from app.ui.app import run_gui

        return run_gui(data_dir=client_dir, allow_demo_files=True, server_url=server,
                       sync_on_start=True)
    finally:
        service.terminate()
        try:
            service.wait(timeout=10)
        except subprocess.TimeoutExpired:
            service.kill()


if __name__ == "__main__":
    sys.exit(main())
