"""The arrangement dialog with no finished I&E, an agreed arrangement in the case's
Arrangements tab, a replacement refused for an instalment above the arrears, a monthly plan."""

from __future__ import annotations

from app.ui.arrangement_dialog import ArrangementDialog
from app.ui.case_window import CaseWindow
from tests.ui.screenshots.kit import Shots


def shoot(shots: Shots, case: CaseWindow) -> None:
    dialog = case.open_arrangement()
    assert isinstance(dialog, ArrangementDialog)
    shots.save(dialog, "arrangement_no_ie")
    dialog.set_instalment_text("25")
    shots.save(dialog, "arrangement_typed")
    dialog.agree()
    case.tabs.setCurrentIndex(2)
    shots.save(case, "case_arrangements")
    again = case.open_arrangement()
    assert isinstance(again, ArrangementDialog)
    again.set_instalment_text("2000")
    again.agree()  # more than the arrears: refused
    shots.save(again, "arrangement_replace_refused")
    again.set_instalment_text("25")
    again.set_frequency("monthly")
    shots.save(again, "arrangement_monthly")
    again.reject()
