"""The arrangement dialog with no finished I&E, an agreed arrangement in the case's
Arrangements tab, a replacement refused for an instalment above the arrears, a monthly plan
too long for the policy; a plan with both warnings, then refused for a first date in the past."""

from __future__ import annotations

from datetime import timedelta

from app.services.arrangements import ArrangementContext
from app.ui.arrangement_dialog import ArrangementDialog
from app.ui.case_window import CaseWindow
from tests.ui.screenshots.kit import Shots
from tests.ui.seed import SEED_TODAY


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
    shoot_warnings(shots, case)


def shoot_warnings(shots: Shots, case: CaseWindow) -> None:
    """Both warnings (above what the I&E allows, longer than a 12-week policy), then a first
    date in the past refused with them shown. The I&E's offer is given to the dialog as if
    read (£190.93 a month), so the case's data stays as the other screenshots expect."""
    assert case.case is not None
    dialog = ArrangementDialog(
        case.context, case=case.case, policy=case._policy, max_weeks=12, parent=case
    )
    dialog.open()
    dialog._loaded(ArrangementContext(19_093, SEED_TODAY, None))
    shots.save(dialog, "arrangement_default_too_long")
    dialog.set_instalment_text("50")
    shots.save(dialog, "arrangement_two_warnings")
    dialog.first_date_edit.setMinimumDate(dialog.first_date_edit.minimumDate().addYears(-1))
    dialog.set_first_date(SEED_TODAY - timedelta(days=1))
    dialog.agree()  # refused by the service: the first date is before today
    shots.save(dialog, "arrangement_refused_with_warnings")
    dialog.reject()
