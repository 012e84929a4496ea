"""The Universal Credit helper's two pages, opened from a case."""

from __future__ import annotations

from app.ui.case_window import CaseWindow
from tests.ui.screenshots.kit import Shots


def shoot(shots: Shots, case: CaseWindow) -> None:
    helper = case.open_uc_helper()
    assert helper is not None
    shots.save(helper, "uc_estimate")
    helper.tabs.setCurrentIndex(1)
    shots.save(helper, "uc_deductions")
    helper.close()
