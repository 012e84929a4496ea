"""``python -m app`` as a user runs it: real subprocesses, a real central service.

Keyring in the subprocesses: the in-memory test keyring does not cross processes, so these
tests run the app with ``PYTHON_KEYRING_BACKEND`` set to keyring's ``fail`` backend (no
keyring at all) and pass ``--allow-demo-key-file``: the synthetic-demo fallback that keeps the
key and token in files inside the test's own data folder. Everything else is the real thing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services.screen_lock import note_window
from tests.sync.central_seed import officer_id, seed_council, server_balances
from tests.sync.server import ROOT, RunningCentral, running_central

PASSWORD = "correct horse"


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env.update(extra)
    return env


def signin(
    central: RunningCentral, password_file: Path, device: Path, user: str = "alice"
) -> subprocess.CompletedProcess[str]:
    """``python -m app signin`` on ``device`` against the running central store."""
    return run_app(
        "signin",
        "--server",
        central.url,
        "--user",
        user,
        "--password-file",
        str(password_file),
        data_dir=device,
    )


def run_app(
    *args: str, data_dir: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "app"]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir), "--allow-demo-key-file"]
    return subprocess.run(
        [*command, *args],
        cwd=ROOT,
        env=_env(**(env or {})),
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def central(tmp_path: Path) -> Iterator[RunningCentral]:
    with running_central(f"sqlite:///{tmp_path / 'central.sqlite'}", tmp_path) as server:
        yield server


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "password.txt"
    path.write_text(f"{PASSWORD}\nsecond line is ignored\n", encoding="utf-8")
    return path


def test_help_works_headless_without_importing_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "app", "--help"],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "signin" in result.stdout
    assert "sync" in result.stdout
    assert "report" in result.stdout
    assert "PySide6" not in result.stderr  # -X importtime lists every module imported


def test_signin_sync_and_report_end_to_end(
    central: RunningCentral, tmp_path: Path, password_file: Path
) -> None:
    seed_council(central.engine, officers=["alice", "bob"], cases_per_officer=4)
    device = tmp_path / "device"

    signed = signin(central, password_file, device)
    assert signed.returncode == 0, signed.stderr
    assert "Signed in as Alice (alice)" in signed.stdout

    sync = run_app("sync", data_dir=device)
    assert sync.returncode == 0, sync.stderr
    assert "check ok" in sync.stdout
    assert "0 I&E assessments" in sync.stdout
    assert len(sync.stdout.strip().splitlines()) == 1

    report = run_app("report", "balances", "--format", "csv", data_dir=device)
    assert report.returncode == 0, report.stderr
    expected = sorted(server_balances(central.engine, officer_id(central.engine, "alice")).items())
    assert report.stdout == "tenancy_ref,balance_pence\n" + "".join(
        f"{ref},{balance}\n" for ref, balance in expected
    )

    worklist = run_app("report", "worklist", "--as-of", "2026-11-23", data_dir=device)
    assert worklist.returncode == 0, worklist.stderr
    rows = json.loads(worklist.stdout)
    assert [row["tenancy_ref"] for row in rows] == [ref for ref, _ in expected]
    assert [row["balance_pence"] for row in rows] == [balance for _, balance in expected]
    for row in rows:
        assert row["next_action"] == "none" or row["balance_pence"] > 0
        assert isinstance(row["escalates"], bool)
        assert row["reason"]
        assert row["promise"] == "none"  # no visit records yet
        assert row["follow_up_due"] is None
    as_csv = run_app(
        "report", "worklist", "--as-of", "2026-11-23", "--format", "csv", data_dir=device
    )
    assert as_csv.returncode == 0, as_csv.stderr
    assert as_csv.stdout.splitlines()[0] == (
        "tenancy_ref,balance_pence,weeks_in_arrears,technical_arrears_pence,stage,next_action,"
        "escalates,due_date,blocked_by,reason,promise,follow_up_due"
    )
    assert len(as_csv.stdout.splitlines()) == len(rows) + 1

    bad_day = run_app("report", "worklist", "--as-of", "2026-02-30", data_dir=device)
    assert bad_day.returncode == 2
    assert "'2026-02-30' is not a date" in bad_day.stderr
    no_policy = run_app(
        "report", "worklist", "--policy", str(tmp_path / "nope.toml"), data_dir=device
    )
    assert no_policy.returncode == 1
    assert "nope.toml" in no_policy.stderr
    assert len(no_policy.stderr.strip().splitlines()) == 1

    # The token is in the demo secret file, and the database is encrypted.
    assert (device / "demo-device-token.secret").exists()
    assert b"SQLite format 3" not in (device / "doorstep.db").read_bytes()[:16]


def test_bad_password_file_is_one_clear_line(central: RunningCentral, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    for path, words in ((tmp_path / "missing.txt", "does not exist"), (empty, "is empty")):
        result = signin(central, path, tmp_path / "device")
        assert result.returncode == 1
        assert words in result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_wrong_password_and_server_down_fail_cleanly(
    central: RunningCentral, tmp_path: Path
) -> None:
    seed_council(central.engine, officers=["alice"], cases_per_officer=1)
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the password\n", encoding="utf-8")
    device = tmp_path / "device"
    result = signin(central, wrong, device)
    assert result.returncode == 1
    assert "username or password" in result.stderr
    assert "Traceback" not in result.stderr

    not_signed_in = run_app("sync", data_dir=device)
    assert not_signed_in.returncode == 1
    assert "not signed in" in not_signed_in.stderr

    central.stop()
    down = run_app(
        "--server",
        central.url,
        "sync",
        data_dir=device,
    )
    assert down.returncode == 1
    assert "Traceback" not in down.stderr


def test_server_down_after_signin_says_cannot_reach(
    central: RunningCentral, tmp_path: Path, password_file: Path
) -> None:
    seed_council(central.engine, officers=["alice"], cases_per_officer=1)
    device = tmp_path / "device"
    signed = signin(central, password_file, device)
    assert signed.returncode == 0, signed.stderr
    central.stop()
    result = run_app("sync", data_dir=device)
    assert result.returncode == 1
    assert f"Cannot reach the central store at {central.url}" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_usage_is_status_2() -> None:
    assert run_app("no-such-command").returncode == 2
    assert run_app("report", "balances", "--format", "pdf").returncode == 2


def test_sync_pushes_an_action_recorded_offline_and_says_so(
    central: RunningCentral, tmp_path: Path, password_file: Path
) -> None:
    from datetime import date

    import keyring
    from keyring.backends import fail

    from app.services.actions import record_action
    from app.store.database import open_local_store
    from tests.sync.central_seed import central_actions_count
    from tests.workspaces import workspace_on

    seeded = seed_council(central.engine, officers=["alice"], cases_per_officer=2)
    device = tmp_path / "device"
    signed = signin(central, password_file, device)
    assert signed.returncode == 0, signed.stderr
    first = run_app("sync", data_dir=device)
    assert first.returncode == 0, first.stderr
    assert "pushed 0 change(s) (0 rejected)" in first.stdout

    # Record an action offline, in this process, with the same demo key file as the app.
    keyring.set_keyring(fail.Keyring())  # the fixture puts the memory keyring back
    store = open_local_store(device, allow_demo_files=True)
    record_action(
        workspace_on(store, date(2025, 2, 3)),
        tenancy_id=seeded["alice"][0].tenancy_id,
        code="visit",
        on=date(2025, 2, 3),
    )
    store.close()
    before = central_actions_count(central.engine)

    sync = run_app("sync", data_dir=device)
    assert sync.returncode == 0, sync.stderr
    assert len(sync.stdout.strip().splitlines()) == 1
    assert "pushed 1 change(s) (0 rejected)" in sync.stdout
    assert "check ok" in sync.stdout
    assert central_actions_count(central.engine) == before + 1


def test_the_window_without_qt_is_one_clear_line(tmp_path: Path) -> None:
    """A machine missing Qt (or a library it loads) gets what to do, never a traceback."""
    fake = tmp_path / "fake" / "PySide6"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(
        'raise ImportError("libxcb-cursor.so.0: cannot open shared object file")\n',
        encoding="utf-8",
    )
    env = _env()
    env["PYTHONPATH"] = str(tmp_path / "fake")
    result = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(tmp_path / "data")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "the window cannot start: libxcb-cursor.so.0" in result.stderr
    assert "If the window does not open" in result.stderr


def test_set_aside_says_what_a_damaged_caseload_held_and_acts_only_with_yes(
    tmp_path: Path,
) -> None:
    device = tmp_path / "device"
    assert run_app("report", "balances", data_dir=device).returncode == 0  # made, empty
    assert run_app("set-aside", data_dir=device).stdout.startswith("The caseload opens")
    (device / "doorstep.db").write_bytes(b"")  # cut to nothing

    said = run_app("set-aside", data_dir=device)
    assert said.returncode == 1
    assert "is damaged" in said.stdout
    assert "It held an unknown number of change(s)" in said.stdout  # none ever counted
    assert "Run again with --yes" in said.stdout
    assert (device / "doorstep.db").read_bytes() == b""
    assert not (device / "quarantine").exists()

    done = run_app("set-aside", "--yes", data_dir=device)
    assert done.returncode == 0, done.stderr
    [aside] = (device / "quarantine").iterdir()
    assert (aside / "doorstep.db").read_bytes() == b""
    assert (device / f"demo-database-key-set-aside-{aside.name}.secret").exists()
    assert not (device / "doorstep.db").exists()
    assert run_app("report", "balances", data_dir=device).returncode == 0  # a new copy


def test_status_and_record_from_the_command_line(
    central: RunningCentral, tmp_path: Path, password_file: Path
) -> None:
    seeded = seed_council(central.engine, officers=["alice"], cases_per_officer=2)
    device = tmp_path / "device"
    assert signin(central, password_file, device).returncode == 0
    assert run_app("sync", data_dir=device).returncode == 0
    ref = seeded["alice"][0].ref

    status = json.loads(run_app("status", "--format", "json", data_dir=device).stdout)
    assert status["cases"] == 2
    assert (status["pending_changes"], status["refused_changes"]) == (0, 0)
    assert status["officer"] == "alice"
    assert status["last_sync"] is not None

    note = tmp_path / "note.txt"
    note.write_text("Spoke to the tenant at the door; will pay Friday.", encoding="utf-8")
    done = run_app(
        "record", "--case", ref, "--action", "contact", "--note-file", str(note), data_dir=device
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Recorded contact on case {ref}")
    shown = run_app("status", data_dir=device).stdout
    assert "Changes waiting to be sent: 1" in shown

    refused = [
        run_app("record", "--case", "NOPE", "--action", "contact", data_dir=device),
        run_app("record", "--case", ref, "--action", "lettr_1", data_dir=device),
        run_app("record", "--case", ref, "--action", "nosp", data_dir=device),
    ]
    assert [r.returncode for r in refused] == [1, 1, 1]
    assert "there is no case 'NOPE' on this laptop" in refused[0].stderr
    assert "code: 'lettr_1' is not an action code" in refused[1].stderr
    assert "until:" in refused[2].stderr
    assert all("Traceback" not in r.stderr for r in refused)
    assert '"pending_changes": 1' in run_app("status", "--format", "json", data_dir=device).stdout

    synced = run_app("sync", data_dir=device)
    assert "pushed 1 change(s) (0 rejected)" in synced.stdout
    assert (
        json.loads(run_app("status", "--format", "json", data_dir=device).stdout)["pending_changes"]
        == 0
    )


def test_a_pin_set_at_signin_locks_every_command_until_it_is_given(
    central: RunningCentral, tmp_path: Path, password_file: Path
) -> None:
    seed_council(central.engine, officers=["alice"], cases_per_officer=2)
    device = tmp_path / "device"
    pin_file, wrong_file = tmp_path / "pin.txt", tmp_path / "wrong.txt"
    pin_file.write_text("482916\n", encoding="utf-8")
    wrong_file.write_text("000000\n", encoding="utf-8")
    easy = tmp_path / "easy.txt"
    easy.write_text("123456\n", encoding="utf-8")

    refused = run_app(
        "signin",
        "--server",
        central.url,
        "--user",
        "alice",
        "--password-file",
        str(password_file),
        "--pin-file",
        str(easy),
        data_dir=device,
    )
    assert refused.returncode == 1
    assert "a run of digits" in refused.stderr
    signed = run_app(
        "signin",
        "--server",
        central.url,
        "--user",
        "alice",
        "--password-file",
        str(password_file),
        "--pin-file",
        str(pin_file),
        data_dir=device,
    )
    assert signed.returncode == 0, signed.stderr

    locked = run_app("status", data_dir=device)
    assert locked.returncode == 2
    assert "this needs your PIN: name a file holding it with DOORSTEP_PIN_FILE" in locked.stderr
    wrong = run_app("status", data_dir=device, env={"DOORSTEP_PIN_FILE": str(wrong_file)})
    assert wrong.returncode == 1
    assert "Wrong PIN (1 in a row)" in wrong.stderr
    opened = run_app("sync", data_dir=device, env={"DOORSTEP_PIN_FILE": str(pin_file)})
    assert opened.returncode == 0, opened.stderr
    assert "Traceback" not in locked.stderr + wrong.stderr

    def locked_now() -> object:
        shown = run_app("status", "--format", "json", data_dir=device, env=with_pin)
        assert shown.returncode == 0, shown.stderr
        return json.loads(shown.stdout)["locked"]

    # No window has it: only the PIN opens it. A window showing it (this process stands in
    # for one, alive), then locked.
    with_pin = {"DOORSTEP_PIN_FILE": str(pin_file)}
    assert locked_now() is True
    note_window(device, locked=False)
    assert locked_now() is False
    assert "Locked: no" in run_app("status", data_dir=device, env=with_pin).stdout
    note_window(device, locked=True)
    assert locked_now() is True
