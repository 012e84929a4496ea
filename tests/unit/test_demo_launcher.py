"""``make run``'s launcher: the synthetic council is built once, and rebuilt when it is stale;
a demo laptop that will not open is moved aside with its key and a fresh one signed in; a window
that cannot start says what to install; and the central service never outlives the launcher.

The runs of ``python -m demo`` here are real processes, kept off any real keyring
(``PYTHON_KEYRING_BACKEND``) and given a Qt platform plugin that does not exist, so that the
window aborts the way a Qt missing its system libraries does.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest

import demo.__main__ as launcher
from app.store.database import open_local_store

ROOT = Path(__file__).resolve().parents[2]
NO_KEYRING = "keyring.backends.fail.Keyring"
A_KEYRING = "tests.memory_keyring.MemoryKeyring"  # a keyring that holds nothing of the demo's
NO_SUCH_QT_PLATFORM = "no-such-platform"  # Qt aborts the process, as with a missing library


@pytest.fixture
def small_council(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(launcher, "TENANCIES", 30)
    monkeypatch.setattr(launcher, "OFFICERS", 2)


@pytest.mark.usefixtures("small_council")
def test_the_council_is_built_once_and_rebuilt_when_older(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    home.mkdir()
    url = f"sqlite:///{home / 'central.sqlite'}"

    password = launcher.prepare_council(home, url)
    assert (home / "export" / "actions.csv").exists()
    assert (home / ".council-ready").read_text(encoding="utf-8").strip() == launcher.DEMO_VERSION
    built = (home / "central.sqlite").stat().st_mtime_ns

    assert launcher.prepare_council(home, url) == password  # nothing rebuilt
    assert (home / "central.sqlite").stat().st_mtime_ns == built

    # A demo folder from an older release: the council and its laptop are made afresh.
    (home / ".council-ready").write_text("1\n", encoding="utf-8")
    (home / "client").mkdir()
    (home / "client" / "doorstep.db").write_bytes(b"old laptop")
    new_password = launcher.prepare_council(home, url)
    assert new_password != password
    assert not (home / "client").exists()
    assert (home / ".council-ready").read_text(encoding="utf-8").strip() == launcher.DEMO_VERSION


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def council(doorstep_home: Path, small_council: None) -> Path:
    """A small synthetic council, ready, in the demo folder ``python -m demo`` will use."""
    home = launcher.demo_home()
    assert home == doorstep_home / "demo"
    launcher.prepare_council(home, f"sqlite:///{home / 'central.sqlite'}")
    return home


def _run_demo(*, keyring_backend: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": keyring_backend,
        "QT_QPA_PLATFORM": NO_SUCH_QT_PLATFORM,
    }
    result = subprocess.run(
        [sys.executable, "-m", "demo"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300, check=False,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    return result


def _served_port(stdout: str) -> int:
    found = re.search(r"Central service: http://127\.0\.0\.1:(\d+)", stdout)
    assert found, stdout
    return int(found.group(1))


def _answers(port: int) -> bool:
    try:
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
    except httpx.TransportError:
        return False
    return True


def test_a_window_that_aborts_stops_the_service_and_says_what_to_install(council: Path) -> None:
    result = _run_demo(keyring_backend=NO_KEYRING)

    assert result.returncode == launcher.EXIT_FAILED
    assert "Signed in as 'officer1'" in result.stdout
    assert "sudo apt install " + " ".join(launcher.QT_SYSTEM_PACKAGES) in result.stderr
    assert "The central service has been stopped." in result.stderr
    assert not _answers(_served_port(result.stdout))

    # The next run has a keyring (a desktop session), which holds no key for this laptop: its
    # key stays in the demo's key file. Until now: WrongKey, and a traceback.
    secrets = sorted((council / "client").glob("demo-*.secret"))
    assert [path.name for path in secrets] == [
        "demo-database-key.secret", "demo-device-token.secret"
    ]
    held = [_digest(path) for path in secrets]
    result = _run_demo(keyring_backend=A_KEYRING)

    assert "would not open" not in result.stdout
    assert "Signed in as 'officer1'" in result.stdout
    assert sorted(p.name for p in council.glob("client*")) == ["client"]
    assert [_digest(path) for path in secrets] == held  # the same laptop, not signed in anew


def test_a_laptop_that_will_not_open_is_moved_aside_and_a_fresh_one_signed_in(
    council: Path,
) -> None:
    _run_demo(keyring_backend=NO_KEYRING)
    client = council / "client"
    laptop = _digest(client / "doorstep.db")
    (client / "demo-database-key.secret").unlink()  # its key is lost: WrongKey

    result = _run_demo(keyring_backend=NO_KEYRING)

    [aside] = council.glob("client-unopened-*")
    assert f"It was moved aside to {aside} (this computer holds no key for it)." in result.stdout
    assert "cannot be opened" in result.stdout  # the store's own reason
    assert _digest(aside / "doorstep.db") == laptop
    assert (aside / "demo-device-token.secret").exists()
    assert "Signed in as 'officer1'" in result.stdout
    assert _digest(client / "doorstep.db") != laptop
    assert open_local_store(client, allow_demo_files=True).key_source == "demo key file"


def test_a_laptop_moved_aside_keeps_its_keyring_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(launcher, "_stamp", lambda: "20260105-093000")
    client = tmp_path / "client"
    client.mkdir()
    open_local_store(client).close()  # keyed in the (in-memory) keyring, under the folder's path

    aside = launcher.move_aside(client)
    client.mkdir()
    open_local_store(client).close()  # a fresh laptop takes the old path, with a key of its own
    again = launcher.move_aside(client)  # and will not open either, in the same second

    assert aside == launcher.MovedAside(tmp_path / "client-unopened-20260105-093000", True)
    assert again == launcher.MovedAside(tmp_path / "client-unopened-20260105-093000-2", True)
    open_local_store(aside.path).close()  # each kept key still opens its own laptop
    open_local_store(again.path).close()


def test_a_qt_that_cannot_be_imported_is_explained(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "site" / "PySide6"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(
        'raise ImportError("libEGL.so.1: cannot open shared object file")\n', encoding="utf-8"
    )
    monkeypatch.setenv("PYTHONPATH", str(fake.parent))

    code = launcher.run_window(tmp_path, tmp_path / "client", "http://127.0.0.1:9")

    err = capfd.readouterr().err
    assert code == launcher.EXIT_FAILED
    assert "Qt (PySide6) could not be loaded: libEGL.so.1" in err
    assert "sudo apt install " in err
    assert "Traceback" not in err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_service_ends_with_a_launcher_killed_outright(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import os, signal
        import demo.__main__ as launcher

        port = launcher.free_port()
        service = launcher.start_service("sqlite:///{tmp_path / 'central.sqlite'}", port)
        print("port", port, service.pid, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)  # no finally runs
        """
    )
    out = tmp_path / "launcher.out"  # a file, not a pipe: the service holds it open too
    with out.open("w", encoding="utf-8") as handle:
        result = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT,
            timeout=120, check=False,
        )
    printed = out.read_text(encoding="utf-8")
    assert result.returncode == -signal.SIGKILL, printed
    found = re.search(r"^port (\d+) (\d+)$", printed, re.MULTILINE)
    assert found, printed
    port, pid = int(found.group(1)), int(found.group(2))
    deadline = time.monotonic() + 20
    while _answers(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    left_running = _answers(port)
    if left_running:
        os.kill(pid, signal.SIGKILL)  # the test's own orphan: never leave it behind
    assert not left_running


def test_the_readme_names_the_system_libraries_qt_needs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    apt_lines = [line.split() for line in readme.splitlines() if "apt install" in line]
    assert any(set(launcher.QT_SYSTEM_PACKAGES) <= set(words) for words in apt_lines)


def test_a_central_command_that_fails_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(launcher.DemoError, match=r"`python -m central import` failed \(status"):
        launcher._central(f"sqlite:///{tmp_path / 'central.sqlite'}", "import",
                          str(tmp_path / "no-such-export"))


def test_a_demo_laptop_locked_with_a_pin_is_left_for_the_window_to_open(tmp_path: Path) -> None:
    """With a keyring, the demo officer chooses a PIN in the window; the next run must neither
    open the laptop without it nor take it for one that will not open and move it aside."""
    client = tmp_path / "client"
    client.mkdir()
    store = open_local_store(client)
    store.protect_with_pin("482916")
    store.close()
    before = _digest(client / "doorstep.db")

    launcher.sign_in_client(client, "http://127.0.0.1:9", "unused")

    assert _digest(client / "doorstep.db") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["client", "home"]
