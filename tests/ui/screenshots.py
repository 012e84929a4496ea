"""Grab every screen offscreen, to look at them (not a test): the worklist (unfiltered, with a
filter on, offline, empty), a case window with its warnings, the record-action form with an
error, the income and expenditure form, a referral to debt advice with its hand-over, and the
sign-in dialog.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.ui.screenshots /tmp/shots

Uses an in-memory keyring and a throwaway folder; writes PNGs into the folder given.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(out: Path) -> None:
    import keyring

    from tests.memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from app.paths import data_dir
    from app.services.workspace import Workspace
    from app.store.database import open_local_store
    from app.sync.client import AuthRejected
    from app.ui.context import UiContext
    from app.ui.main_window import MainWindow
    from app.ui.ops import InlineRunner
    from app.ui.signin_dialog import SignInDialog
    from tests.ui.fakes import RecordingPrompts
    from tests.ui.seed import SEED_TODAY, seed_caseload, seed_officer
    from tests.workspaces import workspace_on

    app = QApplication.instance() or QApplication(sys.argv[:1])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_local_store(data_dir(Path(tmp) / "data"))
        seed_caseload(store, extra=26)
        seed_officer(store)
        runner = InlineRunner()

        def offline(workspace: object, **kwargs: object) -> object:
            from app.sync.client import Offline

            raise Offline("Cannot reach the Doorstep server at https://doorstep.example.gov.uk.")

        from app.ui.worklist_model import WorkFlag, WorklistColumn

        window = MainWindow(
            UiContext(workspace_on(store, SEED_TODAY), runner, RecordingPrompts()),
            sync_fn=offline,
        )
        window.resize(1366, 740)  # a common laptop screen, the narrowest we design for
        window.show()
        app.processEvents()
        window.grab().save(str(out / "worklist.png"))
        window.table.sortByColumn(WorklistColumn.BALANCE, Qt.SortOrder.DescendingOrder)
        app.processEvents()
        window.grab().save(str(out / "worklist_by_balance.png"))
        window.table.sortByColumn(WorklistColumn.PRIORITY, Qt.SortOrder.AscendingOrder)
        window.filter_panel.flag_boxes[WorkFlag.DUE_NOW].setChecked(True)
        app.processEvents()
        window.grab().save(str(out / "worklist_due_today.png"))
        window.filter_panel.clear()
        window.sync_now()
        window.filter_edit.setText("road")
        app.processEvents()
        window.grab().save(str(out / "worklist_filtered_offline.png"))
        window.filter_edit.setText("xyz")
        app.processEvents()
        window.grab().save(str(out / "worklist_no_match.png"))
        window.filter_edit.clear()

        # A case with every warning, and one in Breathing Space.
        window.focus_table()
        app.processEvents()
        window.grab().save(str(out / "worklist_selected.png"))
        window.set_filter_text("T000001")
        window.focus_table()
        case = window.open_selected_case()
        assert case is not None
        case.show()
        app.processEvents()
        case.grab().save(str(out / "case_warnings.png"))
        case.tabs.setCurrentIndex(1)
        app.processEvents()
        case.grab().save(str(out / "case_history.png"))
        case.tabs.setCurrentIndex(0)
        case.set_statement_preset("all")
        app.processEvents()
        case.grab().save(str(out / "case_all_lines.png"))

        dialog = case.record_action()
        assert dialog is not None
        app.processEvents()
        dialog.grab().save(str(out / "record_action.png"))
        dialog.set_code("nosp")
        dialog.save()  # no "proceedings may start from" date: refused
        app.processEvents()
        dialog.grab().save(str(out / "record_action_error.png"))
        dialog.set_code("letter_2")
        dialog.date_edit.setDate(SEED_TODAY.replace(day=SEED_TODAY.day + 1))
        dialog.save()  # in the future: refused
        app.processEvents()
        dialog.grab().save(str(out / "record_action_future.png"))
        dialog.date_edit.setDate(SEED_TODAY)
        dialog.save()
        app.processEvents()
        case.grab().save(str(out / "case_after_recording.png"))
        case.tabs.setCurrentIndex(1)
        app.processEvents()
        case.grab().save(str(out / "case_history_after_recording.png"))
        _arrangement_shots(app, case, out)
        window.set_filter_text("")
        app.processEvents()
        window.grab().save(str(out / "worklist_after_recording.png"))

        window.set_filter_text("T000002")
        second = window.open_selected_case()
        assert second is not None
        app.processEvents()
        second.grab().save(str(out / "case_breathing_space.png"))
        _assessment_shots(app, second, out)
        window.close()

        empty_store = open_local_store(data_dir(Path(tmp) / "empty"))
        empty = MainWindow(
            UiContext(workspace_on(empty_store, SEED_TODAY), runner, RecordingPrompts())
        )
        empty.resize(900, 400)
        empty.show()
        app.processEvents()
        empty.grab().save(str(out / "main_window_empty.png"))
        empty.close()

        store2 = open_local_store(data_dir(Path(tmp) / "signin"))

        def refused(workspace: object, **kwargs: object) -> object:
            raise AuthRejected("The username or password is not right. Check them and try again.")

        dialog = SignInDialog(
            UiContext(Workspace(store2), runner),
            server_url="https://doorstep.example.gov.uk",
            sign_in_fn=refused,
        )
        dialog.show()
        app.processEvents()
        dialog.grab().save(str(out / "signin.png"))
        dialog.username_edit.setText("asmith")
        dialog.password_edit.setText("wrong")
        dialog.accept()
        app.processEvents()
        dialog.grab().save(str(out / "signin_refused.png"))
        dialog.server_edit.setText("doorstep.example.gov.uk")
        dialog.accept()
        app.processEvents()
        dialog.grab().save(str(out / "signin_bad_address.png"))
        dialog.begin_progress("Signing in…")
        app.processEvents()
        dialog.grab().save(str(out / "signin_busy.png"))
        dialog.end_progress()
        dialog.close()
        store2.close()
    print(f"screenshots in {out}")


def _arrangement_shots(app: object, case: object, out: Path) -> None:
    """The arrangement dialog with no finished I&E, an agreed arrangement in the case's
    Arrangements tab, a replacement refused for an instalment above the arrears, a monthly
    plan; and the Universal Credit helper's two pages."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from app.ui.arrangement_dialog import ArrangementDialog
    from app.ui.case_window import CaseWindow

    assert isinstance(case, CaseWindow)

    def process() -> None:
        # Run the deferred deletes too (the old banners), as the event loop would.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        getattr(app, "processEvents")()  # noqa: B009

    dialog = case.open_arrangement()
    assert isinstance(dialog, ArrangementDialog)
    process()
    dialog.grab().save(str(out / "arrangement_no_ie.png"))
    dialog.set_instalment_text("25")
    process()
    dialog.grab().save(str(out / "arrangement_typed.png"))
    dialog.agree()
    case.tabs.setCurrentIndex(2)
    process()
    case.grab().save(str(out / "case_arrangements.png"))
    again = case.open_arrangement()
    assert isinstance(again, ArrangementDialog)
    again.set_instalment_text("2000")
    again.agree()  # more than the arrears: refused
    process()
    again.grab().save(str(out / "arrangement_replace_refused.png"))
    again.set_instalment_text("25")
    again.set_frequency("monthly")
    process()
    again.grab().save(str(out / "arrangement_monthly.png"))
    again.reject()

    helper = case.open_uc_helper()
    assert helper is not None
    helper.resize(1000, 700)
    process()
    helper.grab().save(str(out / "uc_estimate.png"))
    helper.tabs.setCurrentIndex(1)
    process()
    helper.grab().save(str(out / "uc_deductions.png"))
    helper.close()


def _assessment_shots(app: object, case: object, out: Path) -> None:
    """The I&E form: empty with no guidelines, W1 with a flag and an explanation, a negative
    budget, a bad amount, and finished (read-only)."""
    from app.domain import sfs
    from app.services.guidelines import import_guidelines
    from tests.unit.sfs_examples import W1_LINES, W2_CSV

    form = case.open_assessment()  # type: ignore[attr-defined]
    assert form is not None
    form.resize(1366, 900)
    app.processEvents()  # type: ignore[attr-defined]
    form.grab().save(str(out / "ie_empty_no_guidelines.png"))
    workspace = case.context.workspace  # type: ignore[attr-defined]
    import_guidelines(workspace, csv_text=W2_CSV.read_text(encoding="utf-8"))
    form.close()
    form = case.open_assessment()  # type: ignore[attr-defined]
    form.resize(1366, 900)
    form.household_spins["adults"].setValue(2)
    form.household_spins["children_under_16"].setValue(2)
    for line in W1_LINES:
        section = sfs.HEADINGS[line["heading"]].section
        rows = form.lines(section)
        row = rows[-1] if not rows[-1].amount_edit.text() else form.add_line(section)
        row.set_heading(line["heading"])
        row.amount_edit.setText(f"{line['amount_pence'] / 100:.2f}")
        row.set_frequency(line["frequency"])
        row.note_edit.setText(line.get("note", ""))
    form.savings_edit.setText("20")
    for creditor, offer in (("Council tax", "30"), ("Energy", "15")):
        debt = form.add_debt(priority=True)
        debt.creditor_edit.setText(creditor)
        debt.offer_edit.setText(offer)
    comms = next(r for r in form.lines(sfs.FLEXIBLE) if r.amount_edit.text() == "85.00")
    comms.amount_edit.setText("140")
    form.show_explanation("income")
    app.processEvents()  # type: ignore[attr-defined]
    form.grab().save(str(out / "ie_w1_flag.png"))
    bad = form.add_debt(priority=False)
    bad.creditor_edit.setText("Catalogue")
    bad.owed_edit.setText("400")
    bad.offer_edit.setText("5.001")
    bad.ccj_check.setChecked(True)
    form._scroll.verticalScrollBar().setValue(form._scroll.verticalScrollBar().maximum())
    app.processEvents()  # type: ignore[attr-defined]
    form.grab().save(str(out / "ie_debts.png"))
    bad.offer_edit.setText("5")
    comms.amount_edit.setText("£1,40")
    form.lines(sfs.INCOME)[0].amount_edit.setText("150")
    form.show_explanation("max_rent_offer")
    app.processEvents()  # type: ignore[attr-defined]
    form.grab().save(str(out / "ie_shortfall_bad_amount.png"))
    form.lines(sfs.INCOME)[0].amount_edit.setText("950")
    comms.amount_edit.setText("85")
    form.finish()
    app.processEvents()  # type: ignore[attr-defined]
    form.grab().save(str(out / "ie_finished.png"))
    form.close()

    case.load()  # type: ignore[attr-defined]
    dialog = case.record_action()  # type: ignore[attr-defined]
    dialog.set_code("debt_advice_referral")
    dialog.note_edit.setPlainText("Citizens Advice Testtown; appointment on Thursday")
    app.processEvents()  # type: ignore[attr-defined]
    dialog.grab().save(str(out / "referral.png"))
    dialog.save()
    app.processEvents()  # type: ignore[attr-defined]
    case.tabs.setCurrentIndex(1)  # type: ignore[attr-defined]
    app.processEvents()  # type: ignore[attr-defined]
    case.grab().save(str(out / "case_history_referral.png"))  # type: ignore[attr-defined]


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/shots"))
