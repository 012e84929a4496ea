"""The Universal Credit helper: W7 estimated through the dialog (both years, a spare bedroom), W5
cases A and C through the deductions tab, the request text copied to the clipboard, a bad amount
shown beside its field with no figure, and the case window opening it prefilled from the case.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.store.database import LocalStore
from app.ui.ops import InlineRunner
from app.ui.text.uc_helper import ESTIMATE_LABEL
from app.ui.uc_helper_dialog import UcHelperDialog, UcPrefill
from tests.ui.fakes import RecordingPrompts
from tests.ui.seed import seed_caseload, seed_officer
from tests.ui.windows import make_window, open_ref

TODAY = date(2026, 11, 23)


def make_dialog(qtbot: QtBot, prefill: UcPrefill) -> UcHelperDialog:
    dialog = UcHelperDialog(prefill=prefill, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def choose(combo: Any, data: str) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


@pytest.fixture
def w7(qtbot: QtBot) -> UcHelperDialog:
    """W7: single parent aged 30, one child born 2020, £120/week over 52 weeks, £1,000 earned."""
    dialog = make_dialog(qtbot, UcPrefill(weekly_rent_pence=12000, charged_weeks=52))
    choose(dialog.claimant_combo, "single_25_plus")
    dialog.add_child(date(2020, 6, 1))
    qtbot.keyClicks(dialog.earnings_edit, "£1000.00")
    return dialog


def test_w7_through_the_dialog(w7: UcHelperDialog) -> None:
    assert w7.rent_edit.text() == "120.00"  # prefilled
    choose(w7.year_combo, "2026/27")
    assert w7.uc_label.text() == "UC (estimate): £933.69 a month"
    lines = dict(w7.estimate_lines())
    assert lines["Standard allowance"] == "£424.90"
    assert lines["Child element (child 1)"] == "£303.94"
    assert lines["Housing costs"] == "£520.00"
    assert lines["Maximum UC"] == "£1,248.84"
    assert lines["Earnings taper (55% above the work allowance)"] == "-£315.15"
    assert ESTIMATE_LABEL in w7.estimate_banner.text()
    for ignored in ("childcare", "benefit cap", "transitional protection"):
        assert ignored in w7.estimate_banner.text()

    choose(w7.year_combo, "2025/26")
    assert w7.uc_label.text() == "UC (estimate): £889.00 a month"
    assert dict(w7.estimate_lines())["Maximum UC"] == "£1,212.95"

    choose(w7.year_combo, "2026/27")
    w7.spare_spin.setValue(1)
    assert w7.uc_label.text() == "UC (estimate): £860.89 a month"
    assert dict(w7.estimate_lines())["Housing costs"] == "£447.20"


def test_children_are_added_and_removed(w7: UcHelperDialog) -> None:
    choose(w7.year_combo, "2026/27")
    second = w7.add_child(date(2022, 1, 1))
    assert "Child element (child 2)" in dict(w7.estimate_lines())
    second.remove_button.click()
    assert "Child element (child 2)" not in dict(w7.estimate_lines())
    assert w7.uc_label.text() == "UC (estimate): £933.69 a month"


def test_a_bad_amount_shows_its_message_and_no_figure(qtbot: QtBot, w7: UcHelperDialog) -> None:
    w7.earnings_edit.setText("1,00")  # a decimal comma: refused, never read as £100
    assert w7.earnings_error.isVisibleTo(w7)
    assert "a comma may only separate thousands" in w7.earnings_error.text()
    assert w7.estimate is None
    assert w7.uc_label.text() == ""
    assert w7.estimate_lines() == []
    w7.earnings_edit.setText("£1,000")
    assert not w7.earnings_error.isVisibleTo(w7)
    assert w7.estimate is not None

    w7.tabs.setCurrentIndex(1)
    w7.arrears_edit.setText("12.345")
    assert w7.arrears_error.isVisibleTo(w7)
    assert w7.arrears_error.text()
    assert w7.check is None
    assert w7.summary_edit.toPlainText() == ""
    assert not w7.copy_button.isEnabled()


def w5(qtbot: QtBot, arrears: str) -> UcHelperDialog:
    dialog = make_dialog(qtbot, UcPrefill(weekly_rent_pence=9500, charged_weeks=52))
    choose(dialog.year_combo, "2026/27")
    choose(dialog.claimant_combo, "single_25_plus")
    dialog.tabs.setCurrentIndex(1)
    dialog.arrears_edit.setText(arrears)
    return dialog


def test_w5_case_a_managed_payment_and_tpd_eligible(qtbot: QtBot) -> None:
    dialog = w5(qtbot, "£830")
    check = dialog.check
    assert check is not None
    assert check.apa_route == "two_months"
    assert check.tpd_eligible
    assert dialog.month_label.text().startswith("£411.67; 2 months £823.33")
    assert "Eligible" in dialog.apa_label.text()
    assert "Eligible" in dialog.tpd_label.text()
    assert "£42.49 to £84.98" in dialog.range_label.text()
    assert "£63.74" in dialog.cap_label.text()
    assert "£424.90" in dialog.allowance_label.text()
    text = dialog.summary_edit.toPlainText()
    assert "Managed payment to landlord (APA): requested" in text
    assert "third-party deduction): requested" in text
    assert dialog.summary_edit.isReadOnly()


def test_w5_case_c_neither(qtbot: QtBot) -> None:
    dialog = w5(qtbot, "400")
    check = dialog.check
    assert check is not None
    assert not check.apa_eligible
    assert not check.tpd_eligible
    assert "Not eligible" in dialog.apa_label.text()
    assert "Not eligible" in dialog.tpd_label.text()


def test_w6_headroom_and_last_resort(qtbot: QtBot) -> None:
    dialog = w5(qtbot, "830")
    dialog.existing_edit.setText("40")
    assert "headroom <b>£23.74</b>" in dialog.cap_label.text()
    assert "last resort" in dialog.last_resort_label.text()


def test_copy_puts_the_request_text_on_the_clipboard(qtbot: QtBot) -> None:
    dialog = w5(qtbot, "830")
    QGuiApplication.clipboard().setText("")
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == dialog.summary_edit.toPlainText()
    assert QGuiApplication.clipboard().text().startswith("Universal Credit: request")


def test_the_case_window_opens_the_helper_prefilled_from_the_case(
    qtbot: QtBot, store: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    seed_caseload(store, extra=0)
    seed_officer(store)
    case = open_ref(make_window(qtbot, store, inline_runner, prompts), "T000001")
    assert case.uc_button.isEnabled()
    case.uc_button.click()
    dialog = case.uc_helper
    assert dialog is not None
    weekly = case.case.weekly_rent_pence + case.case.weekly_service_charge_pence
    assert dialog.rent_edit.text() == f"{weekly / 100:.2f}"
    arrears = max(0, case.case.advice.summary.balance_pence)
    assert dialog.arrears_edit.text() == (f"{arrears / 100:.2f}" if arrears else "")
    assert "T000001" in dialog.summary_edit.toPlainText()
    case.uc_button.click()  # a second click raises the same window, with what was typed
    assert case.uc_helper is dialog
    dialog.close()
    case.uc_button.click()  # closed: a fresh one
    assert case.uc_helper is not dialog
    case.close()


def test_the_rent_typed_on_one_page_is_the_rent_on_the_other(w7: UcHelperDialog) -> None:
    w7.rent_edit.selectAll()
    QTest.keyClicks(w7.rent_edit, "£130.50")
    assert w7.ded_rent_edit.text() == "£130.50"
    w7.ded_rent_edit.selectAll()
    QTest.keyClicks(w7.ded_rent_edit, "125")
    assert w7.rent_edit.text() == "125"


def _crowd(dialog: UcHelperDialog) -> None:
    """Six children, every box ticked, and a refused amount in every field of both pages."""
    for year in range(2010, 2016):
        dialog.add_child(date(year, 3, 1))
    dialog.carer_check.setChecked(True)
    dialog.lcwra_check.setChecked(True)
    for edit in (
        dialog.rent_edit,
        dialog.earnings_edit,
        dialog.unearned_edit,
        dialog.capital_edit,
        dialog.arrears_edit,
        dialog.existing_edit,
    ):
        edit.setText("1,00")  # a decimal comma: the longest refusal


def test_the_helper_fits_a_laptop_with_every_field_refused(
    qtbot: QtBot, store: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    from PySide6.QtWidgets import QScrollArea

    from tests.ui.windows import assert_fits_laptop

    seed_caseload(store, extra=0)
    seed_officer(store)
    case = open_ref(make_window(qtbot, store, inline_runner, prompts), "T000001")
    dialog = case.open_uc_helper()
    assert dialog is not None
    # Offscreen draws no title bar; a real window manager's needs about 30 pixels more.
    assert dialog.frameGeometry().height() <= dialog.screen().availableGeometry().height() - 30
    for tab in (0, 1):
        dialog.tabs.setCurrentIndex(tab)
        assert_fits_laptop(dialog)  # as it opens: the figures from the case
    _crowd(dialog)
    dialog.tabs.setCurrentIndex(0)
    assert dialog.earnings_error.isVisibleTo(dialog)
    for tab in (0, 1):
        dialog.tabs.setCurrentIndex(tab)
        assert_fits_laptop(dialog)
    for year in range(2016, 2020):  # ten children: the household scrolls, the window stays
        dialog.add_child(date(year, 3, 1))
    dialog.tabs.setCurrentIndex(0)
    scroll = dialog.findChild(QScrollArea, "HouseholdScroll").verticalScrollBar()
    qtbot.waitUntil(scroll.isVisible, timeout=2000)
    assert_fits_laptop(dialog)
    for edit in (dialog.rent_edit, dialog.arrears_edit, dialog.existing_edit):
        edit.setText("830")
    dialog.tabs.setCurrentIndex(1)
    assert dialog.check is not None
    assert_fits_laptop(dialog)  # the checks and the request text shown
