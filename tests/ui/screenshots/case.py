"""A case window: every warning, its history, every statement line; one in Breathing Space."""

from __future__ import annotations

from app.ui.case_window import CaseWindow
from app.ui.main_window import MainWindow
from tests.ui.screenshots.kit import Shots


def open_by_ref(window: MainWindow, ref: str) -> CaseWindow:
    window.set_filter_text(ref)
    window.focus_table()
    case = window.open_selected_case()
    assert case is not None
    case.show()
    return case


def shoot(shots: Shots, case: CaseWindow) -> None:
    shots.save(case, "case_warnings")
    case.tabs.setCurrentIndex(1)
    shots.save(case, "case_history")
    case.tabs.setCurrentIndex(0)
    case.set_statement_preset("all")
    shots.save(case, "case_all_lines")


def shoot_breathing_space(shots: Shots, case: CaseWindow) -> None:
    shots.save(case, "case_breathing_space")
