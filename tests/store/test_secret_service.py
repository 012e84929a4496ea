"""The database key in a real Secret Service: gnome-keyring in a private D-Bus session.

CI installs gnome-keyring and dbus (see .ci/run) and sets DOORSTEP_REQUIRE_SECRET_SERVICE=1,
so there this test must run; on a machine without them it skips with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    import keyring
    from keyring.backends import SecretService

    assert isinstance(keyring.get_keyring(), SecretService.Keyring), keyring.get_keyring()
    from app.store.database import open_local_store
    from app.store.keys import SERVICE

    data = Path(sys.argv[1])
    store = open_local_store(data)
    assert store.key_source == "keyring"
    store.close()
    # A second start reads the key back from the Secret Service and opens the file.
    store = open_local_store(data)
    store.close()
    stored = keyring.get_password(SERVICE, f"database-key:{data.resolve()}")
    assert stored and '"key"' in stored
    print("secret-service-ok", stored)
    """
)


def _tools() -> tuple[str, str] | None:
    daemon, session = shutil.which("gnome-keyring-daemon"), shutil.which("dbus-run-session")
    return (daemon, session) if daemon and session else None


def test_database_key_lives_in_a_real_secret_service(tmp_path: Path):
    tools = _tools()
    if tools is None:
        if os.environ.get("DOORSTEP_REQUIRE_SECRET_SERVICE") == "1":
            pytest.fail("gnome-keyring-daemon and dbus-run-session are required here (CI)")
        pytest.skip("no gnome-keyring/dbus-run-session: apt install gnome-keyring dbus-x11")
    home = tmp_path / "login-home"
    home.mkdir()
    data = tmp_path / "data"
    data.mkdir()
    script = tmp_path / "check.py"
    script.write_text(SCRIPT, encoding="utf-8")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),  # the test's own login keyring, never the developer's
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    (tmp_path / "run").mkdir(mode=0o700)
    shell = (
        "printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && "
        "gnome-keyring-daemon --start --components=secrets >/dev/null && "
        f'"{sys.executable}" "{script}" "{data}"'
    )
    result = subprocess.run(
        [tools[1], "--", "bash", "-c", shell],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "secret-service-ok" in result.stdout
    key_hex = result.stdout.split('"key": "')[1].split('"')[0]
    assert len(key_hex) == 64
    for item in data.iterdir():  # the key is in the keyring, never in a file beside the data
        assert key_hex.encode() not in item.read_bytes(), item
