"""The Universal Credit helper's two pages, opened from a case; then with six children, every
box ticked and a refused amount in every field; then the checks with the request text."""

from __future__ import annotations

from datetime import date

from app.ui.case_window import CaseWindow
from tests.ui.screenshots.kit import Shots


def shoot(shots: Shots, case: CaseWindow) -> None:
    helper = case.open_uc_helper()
    assert helper is not None
    shots.save(helper, "uc_estimate")
    helper.tabs.setCurrentIndex(1)
    shots.save(helper, "uc_deductions")
    helper.tabs.setCurrentIndex(0)
    for year in range(2010, 2016):
        helper.add_child(date(year, 3, 1))
    helper.carer_check.setChecked(True)
    helper.lcwra_check.setChecked(True)
    for edit in (
        helper.rent_edit,
        helper.earnings_edit,
        helper.unearned_edit,
        helper.capital_edit,
        helper.arrears_edit,
        helper.existing_edit,
    ):
        edit.setText("1,00")
    shots.save(helper, "uc_estimate_refused")
    helper.tabs.setCurrentIndex(1)
    shots.save(helper, "uc_deductions_refused")
    for edit in (helper.rent_edit, helper.arrears_edit, helper.existing_edit):
        edit.setText("830")
    helper.existing_edit.setText("70")
    shots.save(helper, "uc_deductions_last_resort")
    helper.tabs.setCurrentIndex(0)
    shots.save(helper, "uc_estimate_six_children")
    helper.close()
