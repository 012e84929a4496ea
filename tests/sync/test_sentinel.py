"""The sentinel: a unique marker written into every free-text field an officer fills in, a day's
work run through the real commands (record, an I&E with notes and creditors, sync to a real
central store, a report, the adviser's file and the tenant's summary), then every byte the
laptop wrote is scanned. The marker may appear only inside the encrypted database and in the
exports the officer asked for: never in the data folder's other files, the temporary folder,
the logs or the commands' output (issue 11: a lost laptop leaks nothing)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import replace
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import sfs
from app.paths import database_path
from app.services.assessments import finish_assessment, save_draft, start_assessment
from app.store.database import open_local_store
from central.models import CaseAction
from tests.sync.central_seed import seed_council
from tests.sync.server import ROOT, RunningCentral, running_central
from tests.unit.sfs_examples import w1_assessment
from tests.workspaces import workspace_on


@pytest.fixture
def central(tmp_path: Path) -> RunningCentral:
    with running_central(f"sqlite:///{tmp_path / 'central.sqlite'}", tmp_path) as server:
        yield server  # type: ignore[misc]


class Laptop:
    """``python -m app`` on one data folder, with its own temporary folder, every output kept."""

    def __init__(self, folder: Path, temp: Path) -> None:
        self.folder, self.temp = folder, temp
        self.outputs: list[str] = []

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        env.update(PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring", TMPDIR=str(self.temp))
        done = subprocess.run(
            [sys.executable, "-m", "app", "--data-dir", str(self.folder), "--allow-demo-key-file"]
            + list(args),
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.outputs += [done.stdout, done.stderr]
        assert done.returncode == 0, done.stderr
        return done


def _found_in(path: Path, marker: str) -> bool:
    data = path.read_bytes()
    return any(form in data for form in (marker.encode("utf-8"), marker.encode("utf-16-le")))


def test_the_marker_is_nowhere_but_the_encrypted_database_and_the_exports(
    central: RunningCentral, tmp_path: Path
) -> None:
    marker = f"SENTINEL{uuid.uuid4().hex}"
    seeded = seed_council(central.engine, officers=["alice"], cases_per_officer=2)
    case = seeded["alice"][0]
    temp, exports = tmp_path / "tmp", tmp_path / "exports"
    temp.mkdir()
    exports.mkdir()
    laptop = Laptop(tmp_path / "device", temp)
    password = tmp_path / "secret" / "password.txt"
    password.parent.mkdir()
    password.write_text("correct horse\n", encoding="utf-8")
    laptop.run(
        "signin", "--server", central.url, "--user", "alice", "--password-file", str(password)
    )
    laptop.run("sync")

    note = tmp_path / "secret" / "note.txt"
    note.write_text(f"Tenant disclosed {marker} on the doorstep", encoding="utf-8")
    laptop.run("record", "--case", case.ref, "--action", "contact", "--note-file", str(note))

    keyring.set_keyring(fail.Keyring())  # the demo's key files, as the commands use
    store = open_local_store(laptop.folder, allow_demo_files=True)
    workspace = workspace_on(store, w1_assessment().assessed_on)
    base = w1_assessment()
    with_marker = replace(
        base,
        lines=(replace(base.lines[0], note=f"wages {marker}"), *base.lines[1:]),
        non_priority_debts=(sfs.NonPriorityDebt(f"Lender {marker}", 40000, 500),),
    )
    draft = start_assessment(workspace, tenancy_id=case.tenancy_id, on=base.assessed_on)
    save_draft(workspace, assessment_id=draft.id, assessment=with_marker)
    finish_assessment(workspace, assessment_id=draft.id)
    store.close()

    laptop.run("sync")
    laptop.run("report", "worklist", "--format", "csv")
    laptop.run("status", "--format", "json")
    laptop.run("ie", "export", "--case", case.ref, "--out", str(exports / "adviser.json"))
    laptop.run("ie", "summary", "--case", case.ref, "--out", str(exports / "summary.pdf"))

    assert _found_in(exports / "adviser.json", marker), "the deliberate export holds it"
    with Session(central.engine) as session:  # it did travel: the central store holds it
        notes = session.scalars(select(CaseAction.note)).all()
    assert any(marker in text for text in notes)
    encrypted = {database_path(laptop.folder).name}
    encrypted |= {f"{name}-wal" for name in encrypted} | {f"{name}-shm" for name in encrypted}
    scanned = 0
    for folder in (laptop.folder, temp):
        for path in folder.rglob("*"):
            if path.is_file():
                scanned += 1
                if path.name in encrypted:
                    assert not _found_in(path, marker), f"{path.name} holds it in clear"
                else:
                    assert not _found_in(path, marker), f"{path} holds the marker"
    assert scanned >= 3
    for output in laptop.outputs:
        assert marker not in output, "a command printed or logged it"
