"""The lock: the page after the idle minutes, after a wrong PIN, and the worklist back after
the right one (with the case window that was open)."""

from __future__ import annotations

from app.ui.main_window import MainWindow
from tests.ui.fakes import DEFAULT_PIN
from tests.ui.screenshots.kit import Shots


def shoot(shots: Shots, window: MainWindow) -> None:
    store = shots.context.workspace.store
    if not store.pin_protected:
        store.protect_with_pin(DEFAULT_PIN)
    window.lock(idle=True)
    shots.save(window, "locked_idle")
    window.lock_page.pin_edit.setText("000000")
    window.lock_page.unlock_button.click()
    shots.save(window, "locked_wrong_pin")
    window.lock_page.pin_edit.setText(DEFAULT_PIN)
    window.lock_page.unlock_button.click()
    shots.save(window, "unlocked")
    for case in window.case_windows().values():
        shots.save(case, "unlocked_case_back")
        break
