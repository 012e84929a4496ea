"""The Day plan, opened from the worklist: the cases due ticked in postcode order (officer-safety
warnings first), then the same day by street."""

from __future__ import annotations

from app.ui.main_window import MainWindow
from tests.ui.screenshots.kit import Shots


def shoot(shots: Shots, window: MainWindow) -> None:
    dialog = window.open_day_plan()
    assert dialog is not None
    shots.save(dialog, "day_plan")
    dialog.set_order("street")
    shots.save(dialog, "day_plan_by_street")
    dialog.close()
    shots.settle()
