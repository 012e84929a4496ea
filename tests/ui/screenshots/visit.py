"""Visit mode on a case with every warning: the warnings page first, then the visit with a
promise being typed, a refusal under its field, and the case's Contacts tab after the save."""

from __future__ import annotations

from app.ui.case_window import CaseWindow
from tests.ui.screenshots.kit import Shots


def shoot(shots: Shots, case: CaseWindow) -> None:
    mode = case.open_visit_mode()
    assert mode is not None
    shots.save(mode, "visit_warnings_first")
    mode.show_visit_page()
    shots.save(mode, "visit_mode")
    mode.set_outcome("promise_to_pay")
    mode.promise_amount.setText("20,5")
    mode.follow_check.setChecked(True)
    mode.follow_task.setText("Check the payment came in")
    mode.note_edit.setPlainText(
        "Spoke at the door with Ms Ångström-Ward. Explained the arrears and the next step."
    )
    mode.save()
    shots.save(mode, "visit_mode_refused")
    mode.promise_amount.setText("20")
    mode.save()
    shots.save(mode, "visit_mode_saved")
    mode.close()
    case.tabs.setCurrentWidget(case.contacts_panel)
    shots.save(case, "case_contacts_tab")
    case.tabs.setCurrentIndex(0)
