"""A sync killed mid-way (kill -9: the lid shut on a flat battery, the process ended by force)
loses nothing and duplicates nothing: the next sync sends what was not acknowledged, and the
central store applies each change once (issue 11, fault tests). A real central store process,
a real ``python -m app sync`` process, killed at a few moments of its run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.actions import record_action
from app.store.database import open_local_store
from central.models import AppliedMutation, CaseAction
from tests.sync.central_seed import seed_council
from tests.sync.server import ROOT, RunningCentral, running_central
from tests.unit.test_app_cli import PASSWORD, run_app, signin
from tests.workspaces import workspace_on

ACTIONS = 450  # three batches of the push


@pytest.fixture
def central(tmp_path: Path) -> RunningCentral:
    with running_central(f"sqlite:///{tmp_path / 'central.sqlite'}", tmp_path) as server:
        yield server  # type: ignore[misc]


def _device_with_work(central: RunningCentral, tmp_path: Path) -> Path:
    seeded = seed_council(central.engine, officers=["alice"], cases_per_officer=3)
    password_file = tmp_path / "password.txt"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    device = tmp_path / "device"
    assert signin(central, password_file, device).returncode == 0
    assert run_app("sync", data_dir=device).returncode == 0
    keyring.set_keyring(fail.Keyring())  # the demo's key files, as the app's process uses
    store = open_local_store(device, allow_demo_files=True)
    day = date(2025, 2, 3)
    for n in range(ACTIONS):
        record_action(
            workspace_on(store, day),
            tenancy_id=seeded["alice"][n % 3].tenancy_id,
            code="contact",
            on=day,
            note=f"visit {n}",
        )
    store.close()
    return device


def _central_counts(central: RunningCentral) -> tuple[int, int]:
    with Session(central.engine) as session:
        actions = session.scalar(select(func.count()).select_from(CaseAction)) or 0
        applied = session.scalar(select(func.count()).select_from(AppliedMutation)) or 0
    return actions, applied


def test_a_sync_killed_at_any_moment_loses_and_duplicates_nothing(
    central: RunningCentral, tmp_path: Path
) -> None:
    device = _device_with_work(central, tmp_path)
    before, _ = _central_counts(central)
    command = [sys.executable, "-m", "app", "--data-dir", str(device), "--allow-demo-key-file"]
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    midway = 0
    for _ in range(2):  # killed as soon as the central store has taken more than before
        seen, _ = _central_counts(central)
        child = subprocess.Popen([*command, "sync"], cwd=ROOT, env=env)
        deadline = time.monotonic() + 60
        while child.poll() is None and time.monotonic() < deadline:
            if _central_counts(central)[0] > seen:
                os.kill(child.pid, signal.SIGKILL)
                break
            time.sleep(0.005)
        child.wait(timeout=30)
        taken, _ = _central_counts(central)
        midway += before < taken < before + ACTIONS

    final = run_app("sync", data_dir=device)
    assert final.returncode == 0, final.stderr
    assert "check ok" in final.stdout
    assert midway >= 1, "at least one sync was killed with its push part-way through"
    actions, applied = _central_counts(central)
    assert actions == before + ACTIONS, "every change once, none twice"
    assert applied == ACTIONS
    status = run_app("status", "--format", "json", data_dir=device)
    assert '"pending_changes": 0' in status.stdout
