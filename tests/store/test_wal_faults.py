"""A write-ahead log that is cut short, garbled, zeroed or not this database's own never opens
the caseload with silently wrong data and never ends in a traceback (issue 11, fault tests).

A commit sits in the write-ahead log (``doorstep.db-wal``) until it is folded into the file.
SQLite checksums every frame of the log and SQLCipher authenticates every page in it, so:

- damage the checksums catch (the log cut mid-frame or inside its header, bytes overwritten,
  zeros, random bytes, an older copy of the log put back) loses the commits from the damage on,
  each whole: the caseload opens at the last sound commit, every page checked, and the changes
  that were waiting to be sent and are gone are counted against the outbox mark kept beside the
  database (``app.store.outbox_mark``), said once (``changes_missing``; ``python -m app sync``)
  and audited;
- a log whose frames pass SQLite's checksums but not SQLCipher's (another Doorstep caseload's,
  a plain SQLite database's) makes the caseload refuse to open as damaged; nothing is changed
  and the officer is told how many changes were waiting to be sent (opening checks a log that
  holds commits before any connection that could fold it into the file);
- a garbled shared-memory index (``doorstep.db-shm``) is rebuilt from the log: nothing is lost.

In every case nothing personal is written in clear. A deleted log is
``tests/store/test_durability.py``; a kill mid-save is ``tests/store/test_kill.py``.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import select

from app.models import AuditEvent, CaseAction
from app.paths import data_dir, database_path
from app.services.actions import record_action
from app.services.outbox_check import changes_missing
from app.services.set_aside import why_unopenable
from app.services.workspace import Workspace, open_workspace
from app.store.database import PAGE_SIZE
from app.store.errors import CorruptDatabase
from tests.memory_keyring import MemoryKeyring
from tests.store.on_disk import file_digests
from tests.sync.server import ROOT
from tests.ui.seed import add_case

WAL_HEADER = 32
FRAME = 24 + PAGE_SIZE  # a frame header, then the page


@dataclass(frozen=True)
class Crashed:
    """A laptop as a crash leaves it: one action folded into the file, the rest (``recorded[1:]``)
    only in the write-ahead log; every note carries ``marker``."""

    folder: Path
    case: uuid.UUID
    recorded: list[uuid.UUID]
    marker: str

    @property
    def log(self) -> Path:
        return self.folder / "doorstep.db-wal"


def _record(workspace: Workspace, case: uuid.UUID, note: str) -> uuid.UUID:
    done = record_action(
        workspace, tenancy_id=case, code="contact", on=date(2026, 5, 18), note=note
    )
    return done.action_id


def _crashed(folder: Path, *, demo: bool = False, in_log: int = 3) -> Crashed:
    marker = f"wal-fault-note-{uuid.uuid4().hex}"
    workspace = open_workspace(folder, allow_demo_files=demo)
    with workspace.store.transaction() as session:
        case = add_case(
            session,
            ref="T000001",
            address="1 Example Row",
            postcode="ZZ1 1ZZ",
            weekly_rent_pence=10_000,
            people=[("Ms", "Alex", "Example", True)],
        )
    recorded = [_record(workspace, case, f"{marker} 0")]
    workspace.close()  # folded into the file
    workspace = open_workspace(folder, allow_demo_files=demo)
    recorded += [_record(workspace, case, f"{marker} {n}") for n in range(1, in_log + 1)]
    left = {path.name: path.read_bytes() for path in folder.glob("doorstep.db*")}
    assert len(left["doorstep.db-wal"]) > WAL_HEADER + 2 * FRAME, "the changes are in the log"
    workspace.close()
    for path in folder.glob("doorstep.db*"):
        path.unlink()
    for name, content in left.items():  # the database, its log and its index, as at the crash
        (folder / name).write_bytes(content)
    return Crashed(folder, case, recorded, marker)


def _actions_held(workspace: Workspace) -> set[uuid.UUID]:
    with workspace.store.session() as session:
        return set(session.scalars(select(CaseAction.id)))


def _assert_sound_prefix(workspace: Workspace, crashed: Crashed) -> int:
    """The caseload holds the first n actions recorded, each whole, and its pages hang together
    (SQLite's own structural check, beside SQLCipher's of every page); returns n."""
    held = _actions_held(workspace)
    n = len(held)
    assert held == set(crashed.recorded[:n]), "commits are lost from the damage on, never between"
    with workspace.store.plain_transaction(writing=False) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        waiting = connection.execute("SELECT count(*) FROM outbox_mutation").fetchone()[0]
    assert waiting == n, "each action with its change for the central store"
    return n


def _missing_events(workspace: Workspace) -> list[dict[str, int]]:
    with workspace.store.session() as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.event == "outbox.changes_missing")
        ).all()
        return [row.detail for row in rows]


def _assert_nothing_in_clear(folder: Path, marker: str) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            assert marker.encode() not in path.read_bytes(), path.name


def _cut_mid_frame(log: bytes) -> bytes:
    frames = (len(log) - WAL_HEADER) // FRAME
    return log[: WAL_HEADER + (frames // 2) * FRAME + FRAME // 2]


def _cut_in_header(log: bytes) -> bytes:
    return log[: WAL_HEADER // 2]


def _overwritten(at: Callable[[bytes], int], size: int) -> Callable[[bytes], bytes]:
    def damage(log: bytes) -> bytes:
        start = at(log)
        return log[:start] + random.Random(start).randbytes(size) + log[start + size :]

    return damage


DAMAGED_LOGS = {
    "cut short mid-frame": _cut_mid_frame,
    "cut short inside its header": _cut_in_header,
    "cut to nothing": lambda log: b"",
    "random bytes over its middle": _overwritten(lambda log: len(log) // 2, 512),
    "random bytes in its first page": _overwritten(lambda log: WAL_HEADER + 24 + 100, 64),
    "a frame header's page number": _overwritten(lambda log: WAL_HEADER + FRAME, 4),
    "its header's salts": _overwritten(lambda log: 16, 8),
    "zeros": lambda log: bytes(len(log)),
    "random bytes": lambda log: random.Random(7).randbytes(len(log)),
}


@pytest.mark.parametrize("damage", DAMAGED_LOGS.values(), ids=DAMAGED_LOGS.keys())
def test_changes_lost_with_a_damaged_log_are_counted_said_once_and_audited(
    tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    crashed = _crashed(data_dir(tmp_path / "client"))
    crashed.log.write_bytes(damage(crashed.log.read_bytes()))

    workspace = open_workspace(crashed.folder)  # every page checked: it opens
    try:
        held = _assert_sound_prefix(workspace, crashed)
        lost = len(crashed.recorded) - held
        assert lost > 0, "the damage cost the last commits"
        assert changes_missing(workspace) == lost
        assert changes_missing(workspace) == 0, "said once"
        assert _missing_events(workspace) == [
            {"missing": lost, "queued_before": len(crashed.recorded), "queued_now": held}
        ]
    finally:
        workspace.close()
    workspace = open_workspace(crashed.folder)  # and the next start says nothing more
    try:
        assert changes_missing(workspace) == 0
    finally:
        workspace.close()
    _assert_nothing_in_clear(crashed.folder, crashed.marker)


def test_an_older_copy_of_the_log_put_back_loses_what_came_after_and_says_so(
    tmp_path: Path,
) -> None:
    crashed = _crashed(data_dir(tmp_path / "client"))
    old_log = crashed.log.read_bytes()
    workspace = open_workspace(crashed.folder)
    later = [_record(workspace, crashed.case, f"{crashed.marker} later {n}") for n in range(2)]
    workspace.close()  # all six folded into the file
    crashed.log.write_bytes(old_log)  # a backup or a sync tool puts the old log back

    workspace = open_workspace(crashed.folder)
    try:
        assert _assert_sound_prefix(workspace, crashed) == len(crashed.recorded)
        assert not _actions_held(workspace) & set(later)
        assert changes_missing(workspace) == len(later)
        assert changes_missing(workspace) == 0
    finally:
        workspace.close()
    _assert_nothing_in_clear(crashed.folder, crashed.marker)


def test_a_garbled_shared_memory_index_is_rebuilt_and_nothing_is_lost(tmp_path: Path) -> None:
    crashed = _crashed(data_dir(tmp_path / "client"))
    index = crashed.folder / "doorstep.db-shm"
    index.write_bytes(random.Random(3).randbytes(index.stat().st_size))
    workspace = open_workspace(crashed.folder)
    try:
        assert _assert_sound_prefix(workspace, crashed) == len(crashed.recorded)
        assert changes_missing(workspace) == 0
    finally:
        workspace.close()


def _other_caseloads_log(tmp_path: Path) -> bytes:
    return _crashed(data_dir(tmp_path / "other")).log.read_bytes()


def _plain_sqlite_log(tmp_path: Path) -> bytes:
    path = tmp_path / "plain.sqlite"
    writer = sqlite3.connect(path)
    reader = sqlite3.connect(path)  # held open, so closing the writer leaves the log
    try:
        writer.execute("PRAGMA journal_mode=WAL")
        writer.execute("CREATE TABLE outbox_mutation (device_seq INTEGER PRIMARY KEY)")
        writer.executemany("INSERT INTO outbox_mutation VALUES (?)", [(n,) for n in range(99)])
        writer.commit()
        return Path(f"{path}-wal").read_bytes()
    finally:
        writer.close()
        reader.close()


FOREIGN_LOGS = {
    "another Doorstep caseload's": _other_caseloads_log,
    "a plain SQLite database's": _plain_sqlite_log,
}


@contextmanager
def _first_unit_of_work(folder: Path, *, background: bool) -> Iterator[None]:
    """Open the caseload as the window (the check beside it) or a command (checked at once)
    does and run the first thing the app runs on it."""
    workspace = open_workspace(folder, check_in_background=background)
    try:
        changes_missing(workspace)
        yield
    finally:
        workspace.close()


@pytest.mark.parametrize("background", [False, True], ids=["checked at once", "checked beside"])
@pytest.mark.parametrize("foreign", FOREIGN_LOGS.values(), ids=FOREIGN_LOGS.keys())
def test_a_log_that_is_not_the_databases_own_is_refused_as_damage_and_nothing_is_changed(
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
    foreign: Callable[[Path], bytes],
    background: bool,
) -> None:
    crashed = _crashed(data_dir(tmp_path / "client"))
    crashed.log.write_bytes(foreign(tmp_path))
    before, keys = file_digests(crashed.folder), dict(memory_keyring.items)

    with (
        pytest.raises(CorruptDatabase) as caught,
        _first_unit_of_work(crashed.folder, background=background),
    ):
        pass
    message = str(caught.value)
    assert f"The Doorstep database at {database_path(crashed.folder)}" in message
    assert "damaged" in message
    assert "Nothing was changed" in message
    found = why_unopenable(crashed.folder, caught.value)
    assert found.can_set_aside
    assert found.unsent == len(crashed.recorded), "the officer is told what was waiting"
    assert file_digests(crashed.folder) == before, "nothing replaced, folded in or set aside"
    assert memory_keyring.items == keys
    _assert_nothing_in_clear(crashed.folder, crashed.marker)


# -- as an officer or IT meets it: python -m app --------------------------------------------


def _run_app(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m app`` on ``folder``, keyed by the demo's files (the test keyring does not
    cross processes)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    return subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(folder), "--allow-demo-key-file", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def _demo_keyed_crash(tmp_path: Path) -> Crashed:
    keyring.set_keyring(fail.Keyring())  # keyed by the demo's files, as the command will be
    crashed = _crashed(data_dir(tmp_path / "client"), demo=True)
    assert (crashed.folder / "demo-database-key.secret").exists()
    return crashed


def test_the_sync_command_says_once_how_many_changes_a_log_cut_mid_frame_lost(
    tmp_path: Path,
) -> None:
    crashed = _demo_keyed_crash(tmp_path)
    crashed.log.write_bytes(_cut_mid_frame(crashed.log.read_bytes()))

    first = _run_app(crashed.folder, "sync")
    assert "Traceback" not in first.stderr
    said = re.search(r"doorstep: (\d) change\(s\) saved on this laptop are no longer", first.stderr)
    assert said, first.stderr
    lost = int(said.group(1))
    assert 1 <= lost <= 3
    assert "record them again" in first.stderr
    assert first.returncode == 1  # then: never signed in, so nothing to sync with
    assert "not signed in" in first.stderr

    second = _run_app(crashed.folder, "sync")
    assert "no longer in its database" not in second.stderr, "said once"
    assert "Traceback" not in second.stderr
    status = _run_app(crashed.folder, "status")
    assert status.returncode == 0, status.stderr
    assert f"Changes waiting to be sent: {len(crashed.recorded) - lost}" in status.stdout
    _assert_nothing_in_clear(crashed.folder, crashed.marker)


def test_the_commands_refuse_a_foreign_log_in_one_line_and_set_aside_says_what_waited(
    tmp_path: Path,
) -> None:
    crashed = _demo_keyed_crash(tmp_path)
    other = _crashed(data_dir(tmp_path / "other"), demo=True)
    crashed.log.write_bytes(other.log.read_bytes())
    before = file_digests(crashed.folder)

    status = _run_app(crashed.folder, "status")
    assert status.returncode == 1
    assert "Traceback" not in status.stderr
    said = status.stderr.strip().splitlines()[-1]
    assert said.startswith(f"doorstep: The Doorstep database at {database_path(crashed.folder)}")
    assert "damaged" in said
    asked = _run_app(crashed.folder, "set-aside")
    assert asked.returncode == 1
    assert "Traceback" not in asked.stderr
    assert f"It held {len(crashed.recorded)} change(s) not yet sent" in asked.stdout
    assert "Nothing was changed. Run again with --yes" in asked.stdout
    assert file_digests(crashed.folder) == before
    _assert_nothing_in_clear(crashed.folder, crashed.marker)
