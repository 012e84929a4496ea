"""Run every screenshot module over one seeded caseload, on a 1366x768 laptop screen."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

LAPTOP_SCREEN = Path(__file__).resolve().parents[1] / "laptop-screen.json"
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={LAPTOP_SCREEN}"


def main(out: Path) -> None:
    import keyring

    from tests.memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())

    from PySide6.QtWidgets import QApplication

    from app.paths import data_dir
    from app.store.database import open_local_store
    from app.ui.context import UiContext
    from app.ui.ops import InlineRunner
    from tests.ui.fakes import RecordingPrompts
    from tests.ui.screenshots import (
        arrangement,
        assessment,
        case,
        day_plan,
        lock,
        pin,
        record_action,
        signin,
        uc_helper,
        visit,
        worklist,
    )
    from tests.ui.screenshots.kit import Shots
    from tests.ui.seed import SEED_TODAY, seed_caseload, seed_officer
    from tests.workspaces import workspace_on

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_local_store(data_dir(Path(tmp) / "data"))
        seed_caseload(store, extra=26)
        seed_officer(store)
        context = UiContext(workspace_on(store, SEED_TODAY), InlineRunner(), RecordingPrompts())
        shots = Shots(out, app, context)

        window = worklist.open_worklist(shots)
        worklist.shoot(shots, window)
        day_plan.shoot(shots, window)
        worklist.shoot_visit_records(shots, window)
        first = case.open_by_ref(window, "T000001")  # every warning
        case.shoot(shots, first)
        record_action.shoot(shots, first)
        arrangement.shoot(shots, first)
        uc_helper.shoot(shots, first)
        visit.shoot(shots, first)
        window.set_filter_text("")
        shots.save(window, "worklist_after_recording")
        second = case.open_by_ref(window, "T000002")  # in Breathing Space
        case.shoot_breathing_space(shots, second)
        assessment.shoot(shots, second)
        record_action.shoot_referral(shots, second)
        lock.shoot(shots, window)
        window.close()

        worklist.shoot_empty(shots, Path(tmp) / "empty")
        signin.shoot(shots, Path(tmp) / "signin")
        pin.shoot(shots)
    print(f"{len(shots.saved)} screenshots in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/shots"))
