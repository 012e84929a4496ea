"""A case window: every warning, its history, every statement line; one in Breathing Space;
and one with everything a header can hold (long names, six people, three banners, a broken
arrangement) over a balance from a small credit to about £450; and that one with the chart
dragged as big as the splitter lets it (the tabs at their smallest)."""

from __future__ import annotations

from app.paths import resource_path
from app.services.worklist import load_recovery_policy
from app.ui.case_window import CaseWindow
from app.ui.main_window import MainWindow
from tests.ui.crowded_case import seed_crowded_case
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
    shoot_crowded(shots)


def shoot_crowded(shots: Shots) -> None:
    """Added to the store last, so the other screens' shots do not show it."""
    tenancy_id = seed_crowded_case(shots.context.workspace.store)
    policy = load_recovery_policy(path=resource_path("recovery-policy.toml"))
    case = CaseWindow(shots.context, tenancy_id=tenancy_id, policy=policy)
    case.load()
    case.show()
    shots.save(case, "case_crowded")
    case.splitter.setSizes([case.splitter.height(), 0])  # the chart dragged as big as it goes
    shots.save(case, "case_crowded_biggest_chart")
    case.close()
