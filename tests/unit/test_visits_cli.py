"""Visit records from the command line (``contact add``, ``followup``, ``referral``), through
the same services as the screens, on a laptop signed in to a real ``central serve``: recorded
offline, bad usage exit 2 and a refusal exit 1 naming the field with nothing saved, and the
whole lot pushed by the next ``sync``."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.sync.central_seed import seed_council
from tests.sync.server import RunningCentral
from tests.unit.test_app_cli import central, password_file, run_app, signin  # noqa: F401


def _pending(device: Path) -> int:
    status = json.loads(run_app("status", "--format", "json", data_dir=device).stdout)
    return int(status["pending_changes"])


def test_contacts_follow_ups_and_referrals_from_the_command_line(
    central: RunningCentral,  # noqa: F811
    tmp_path: Path,
    password_file: Path,  # noqa: F811
) -> None:
    seeded = seed_council(central.engine, officers=["alice"], cases_per_officer=1)
    device = tmp_path / "device"
    assert signin(central, password_file, device).returncode == 0
    assert run_app("sync", data_dir=device).returncode == 0
    ref = seeded["alice"][0].ref
    note = tmp_path / "note.txt"
    note.write_text("Spoke at the door, Siân said she'd pay «Friday».", encoding="utf-8")

    done = run_app(
        "contact", "add", "--case", ref, "--how", "home_visit", "--outcome", "promise_to_pay",
        "--promise", "25.50", "--promise-date", "2099-01-01", "--note-file", str(note),
        data_dir=device,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout  # a promise more than 92 days ahead
    assert "promise date:" in done.stderr
    assert _pending(device) == 0  # nothing saved

    usage = [
        run_app("contact", "add", "--case", ref, "--how", "pigeon", "--outcome", "no_access",
                data_dir=device),
        run_app("contact", "add", "--case", ref, "--how", "phone", "--outcome", "promise_to_pay",
                "--promise", "£5", "--promise-date", "2026-01-01", data_dir=device),
        run_app("contact", "add", "--case", ref, "--how", "phone", "--outcome", "promise_to_pay",
                "--promise", "5", data_dir=device),
        run_app("followup", "done", "--id", "not-a-uuid", data_dir=device),
    ]  # fmt: skip
    assert [r.returncode for r in usage] == [2, 2, 2, 2]
    assert "invalid choice: 'pigeon'" in usage[0].stderr
    assert "currency sign" in usage[1].stderr
    assert "--promise and --promise-date go together" in usage[2].stderr
    assert all("Traceback" not in r.stderr for r in usage)

    done = run_app(
        "contact", "add", "--case", ref, "--how", "home_visit", "--outcome", "spoke_to_tenant",
        "--follow-up", "2099-01-01", "--note-file", str(note), data_dir=device,
    )  # fmt: skip
    assert done.returncode == 1
    assert "follow-up date:" in done.stderr
    done = run_app(
        "contact", "add", "--case", ref, "--how", "phone", "--outcome", "no_access",
        data_dir=device,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert run_app("contact", "add", "--case", "NOPE", "--how", "phone", "--outcome",
                   "no_access", data_dir=device).returncode == 1  # fmt: skip

    added = run_app(
        "followup", "add", "--case", ref, "--due", "2099-01-01", "--task", "x", data_dir=device
    )
    assert added.returncode == 1
    assert "follow-up date:" in added.stderr
    referral = run_app(
        "referral", "add", "--case", ref, "--to", "dhp", "--why", "Bedroom tax shortfall",
        data_dir=device,
    )  # fmt: skip
    assert referral.returncode == 0, referral.stderr
    referral_id = re.search(r"\(([0-9a-f-]{36})\)", referral.stdout)
    assert referral_id is not None
    outcome = run_app(
        "referral", "outcome", "--id", referral_id.group(1), "--outcome", "awarded",
        "--note", "13 weeks", data_dir=device,
    )  # fmt: skip
    assert outcome.returncode == 0, outcome.stderr
    again = run_app(
        "referral", "outcome", "--id", referral_id.group(1), "--outcome", "declined",
        data_dir=device,
    )  # fmt: skip
    assert again.returncode == 1
    assert "changed since" in again.stderr
    assert _pending(device) == 3  # the contact, the referral and its outcome

    synced = run_app("sync", data_dir=device)
    assert synced.returncode == 0, synced.stderr
    assert "pushed 3 change(s) (0 rejected)" in synced.stdout
    assert _pending(device) == 0
