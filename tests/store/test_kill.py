"""Killed mid-save (kill -9, as a flat battery or a forced power-off does), the laptop loses
nothing it said was saved, keeps nothing half-saved, and opens cleanly (issue 11, fault tests).

The saving runs in a child process, as the app would; the test kills it while it records
actions as fast as it can, then opens the store as the next start does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import func, select

from app.models import CaseAction, OutboxMutation
from app.paths import data_dir
from app.services.outbox_check import changes_missing
from app.services.workspace import open_workspace
from tests.sync.server import ROOT
from tests.ui.seed import add_case

RECORDER = """
import sys, uuid
from datetime import date
from pathlib import Path
import keyring
from keyring.backends import fail
keyring.set_keyring(fail.Keyring())
from app.services.actions import record_action
from app.services.workspace import open_workspace
workspace = open_workspace(Path(sys.argv[1]), allow_demo_files=True)
case = uuid.UUID(sys.argv[2])
n = 0
while True:
    done = record_action(
        workspace, tenancy_id=case, code="contact", on=date(2026, 5, 18), note=f"visit {n}"
    )
    print(done.action_id, flush=True)  # said only once committed
    n += 1
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return data_dir(tmp_path / "client")


def _one_case(folder: Path) -> uuid.UUID:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # keyed by the demo's files, as the child is
    try:
        workspace = open_workspace(folder, allow_demo_files=True)
        with workspace.store.transaction() as session:
            case = add_case(
                session,
                ref="T000001",
                address="1 Example Row",
                postcode="ZZ1 1ZZ",
                weekly_rent_pence=10_000,
                people=[("Ms", "Alex", "Example", True)],
            )
        workspace.close()
    finally:
        keyring.set_keyring(previous)
    return case


@pytest.mark.parametrize("after", [5, 40])
def test_a_save_killed_midway_loses_nothing_said_saved_and_leaves_nothing_half_saved(
    folder: Path, after: int
) -> None:
    case = _one_case(folder)
    child = subprocess.Popen(
        [sys.executable, "-c", RECORDER, str(folder), str(case)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    said: list[uuid.UUID] = []
    deadline = time.monotonic() + 60
    assert child.stdout is not None
    while len(said) < after and time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        said.append(uuid.UUID(line.strip()))
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert len(said) >= after, child.stderr.read() if child.stderr else ""

    keyring.set_keyring(fail.Keyring())
    workspace = open_workspace(folder, allow_demo_files=True)  # checks every page first
    try:
        with workspace.store.session() as session:
            kept = set(session.scalars(select(CaseAction.id)))
            queued = session.scalar(select(func.count()).select_from(OutboxMutation))
        assert set(said) <= kept, "everything said saved is there"
        assert queued == len(kept), "each action with its change for the central store"
        assert changes_missing(workspace) == 0
    finally:
        workspace.close()


DRAFTER = """
import sys, uuid
from pathlib import Path
import keyring
from keyring.backends import fail
keyring.set_keyring(fail.Keyring())
from app.services.drafts import keep_draft
from app.services.screen_lock import OpenForm
from app.services.workspace import open_workspace
workspace = open_workspace(Path(sys.argv[1]), allow_demo_files=True)
case, draft = uuid.UUID(sys.argv[2]), uuid.uuid4()
n = 0
while True:  # visit mode keeps its draft as the officer types
    note = "Card left; tenant rang back " + "x" * n
    keep_draft(workspace, draft_id=draft, form=OpenForm("visit", case, {"note": note}))
    print(n, flush=True)  # said only once committed
    n += 1
"""


def test_a_draft_typed_in_visit_mode_survives_kill_9_and_opens_again(folder: Path) -> None:
    from app.services.screen_lock import take_open_forms

    case = _one_case(folder)
    child = subprocess.Popen(
        [sys.executable, "-c", DRAFTER, str(folder), str(case)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    said = -1
    deadline = time.monotonic() + 60
    assert child.stdout is not None
    while said < 20 and time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        said = int(line)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert said >= 20, child.stderr.read() if child.stderr else ""

    keyring.set_keyring(fail.Keyring())
    workspace = open_workspace(folder, allow_demo_files=True)
    try:
        (form,) = take_open_forms(workspace)  # as the next start does
        assert (form.kind, form.tenancy_id) == ("visit", case)
        typed = len(str(form.state["note"])) - len("Card left; tenant rang back ")
        assert typed >= said, "the last draft said saved is there, whole"
        assert take_open_forms(workspace) == ()  # handed back once
    finally:
        workspace.close()
