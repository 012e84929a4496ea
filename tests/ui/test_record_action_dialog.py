"""The record-action form as an officer meets it on a laptop: it fits the screen in each state
(a refusal shown, the hand-over shown, a long reason on hold), a refusal moves the focus to its
field and never moves the Record button under the pointer, and an unexpected failure is logged
and said. Recording itself is tested with the case window (tests/ui/test_case_window.py).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.models import CaseAction, Person
from app.services.assessments import finish_assessment, save_draft, start_assessment
from app.store.database import LocalStore
from app.ui.case_window import CaseWindow
from app.ui.main_window import MainWindow
from app.ui.ops import InlineRunner
from app.ui.record_action_dialog import RecordActionDialog
from tests.ui.dialog_checks import assert_nothing_squeezed, where
from tests.ui.fakes import RecordingPrompts
from tests.ui.seed import SEED_TODAY
from tests.ui.windows import assert_fits_laptop, make_window, open_ref
from tests.unit.sfs_examples import w1_assessment
from tests.workspaces import workspace_on


@pytest.fixture
def window(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> MainWindow:
    return make_window(qtbot, seeded, inline_runner, prompts)


def open_form(case: CaseWindow) -> RecordActionDialog:
    dialog = case.record_action()
    assert dialog is not None
    return dialog


def fits(dialog: RecordActionDialog) -> None:
    """On the laptop screen, with room for everything it shows."""
    assert_fits_laptop(dialog)
    assert_nothing_squeezed(dialog)


def count_actions(store: LocalStore) -> int:
    with store.session() as session:
        return int(session.execute(select(func.count()).select_from(CaseAction)).scalar_one())


def finish_w1(store: LocalStore, case: CaseWindow) -> None:
    workspace = workspace_on(store, SEED_TODAY)
    draft = start_assessment(workspace, tenancy_id=case.tenancy_id, on=SEED_TODAY)
    save_draft(workspace, assessment_id=draft.id, assessment=w1_assessment(assessed_on=SEED_TODAY))
    finish_assessment(workspace, assessment_id=draft.id)
    case.load()


def test_a_refusal_neither_moves_the_record_button_nor_leaves_the_focus_behind(
    window: MainWindow,
) -> None:
    dialog = open_form(open_ref(window, "T000001"))
    dialog.set_code("nosp")
    before = where(dialog.save_button)
    dialog.save()  # no "proceedings may start from" date: refused under it
    assert dialog.error_for("until")
    assert where(dialog.save_button) == before
    assert dialog.focusWidget() is dialog.until_edit
    dialog.until_edit.set_value(SEED_TODAY + timedelta(days=28))
    dialog.date_edit.setDate(SEED_TODAY + timedelta(days=1))
    dialog.save()  # in the future: refused under the date
    assert dialog.error_for("date")
    assert dialog.error_for("until") == ""
    assert where(dialog.save_button) == before
    assert dialog.focusWidget() is dialog.date_edit
    fits(dialog)
    dialog.reject()


def test_a_note_with_a_pasted_control_character_is_refused_under_the_note(
    window: MainWindow, seeded: LocalStore
) -> None:
    dialog = open_form(open_ref(window, "T000001"))
    before = count_actions(seeded)
    dialog.set_code("contact")
    dialog.note_edit.setPlainText("Spoke to tenant\x00 at the door")
    dialog.save()
    assert dialog.error_for("note").startswith(
        "Character 16 is a control character (U+0000), which cannot be kept"
    )
    assert dialog.focusWidget() is dialog.note_edit
    assert count_actions(seeded) == before
    fits(dialog)


def test_a_safety_warning_without_its_details_is_refused_under_the_note(
    window: MainWindow, seeded: LocalStore
) -> None:
    """Issue 12: saved empty, its banner before every visit said nothing."""
    dialog = open_form(open_ref(window, "T000003"))
    before = count_actions(seeded)
    dialog.set_code("safety_warning")
    dialog.save()
    assert dialog.error_for("note").startswith("An officer-safety warning needs its details")
    assert dialog.focusWidget() is dialog.note_edit
    assert count_actions(seeded) == before
    dialog.note_edit.setPlainText("Large dog, kept in the kitchen; visit in pairs")
    dialog.save()
    assert count_actions(seeded) == before + 1


def test_a_vulnerability_names_its_support_need_and_where_it_was_learned(
    window: MainWindow, seeded: LocalStore
) -> None:
    """Issue 12: a support need with its source and date; a category, never a diagnosis."""
    dialog = open_form(open_ref(window, "T000003"))
    assert not dialog.need_combo.isVisibleTo(dialog)
    dialog.set_code("vulnerability")
    assert dialog.need_combo.isVisibleTo(dialog)
    dialog.note_edit.setPlainText("Hearing impaired: text before visiting")
    dialog.save()
    assert dialog.error_for("support need").startswith("Choose one")
    assert dialog.focusWidget() is dialog.need_combo
    dialog.need_combo.setCurrentIndex(dialog.need_combo.findData("language"))
    dialog.save()
    assert dialog.error_for("learned from").startswith("Choose one")
    dialog.learned_combo.setCurrentIndex(dialog.learned_combo.findData("support_worker"))
    fits(dialog)
    dialog.save()
    with seeded.session() as session:
        saved = session.scalars(
            select(CaseAction).where(CaseAction.code == "vulnerability", CaseAction.pending)
        ).one()
    assert (saved.support_need, saved.learned_from) == ("language", "support_worker")


def test_the_form_fits_the_laptop_in_each_state(
    window: MainWindow, seeded: LocalStore, prompts: RecordingPrompts, tmp_path: Any
) -> None:
    case = open_ref(window, "T000002")  # on hold: Breathing Space
    dialog = open_form(case)
    assert "on hold" in dialog.hint_label.text()
    fits(dialog)
    dialog.set_code("breathing_space_start")  # an optional extra date
    fits(dialog)
    dialog.reject()

    finish_w1(seeded, case)
    dialog = open_form(case)
    dialog.set_code("debt_advice_referral")
    assert dialog.send_check.isVisibleTo(dialog)
    fits(dialog)
    prompts.files.append(tmp_path / "for the adviser")
    before = where(dialog.save_button)
    dialog.sfs_button.click()  # no date of birth held: refused, under the hand-over
    assert "date of birth is not held" in dialog.error_for("assessment")
    assert where(dialog.save_button) == before
    fits(dialog)
    dialog.reject()


def test_a_hand_over_the_central_store_refused_says_why_and_fits(
    window: MainWindow, seeded: LocalStore
) -> None:
    case = open_ref(window, "T000001")
    finish_w1(seeded, case)
    assert case.case is not None
    assert case.case.assessment is not None
    problem = "the household's income is more than the council's limit for this kind of check"
    case.case = replace(
        case.case, assessment=replace(case.case.assessment, sync_problem=problem)
    )
    dialog = open_form(case)
    dialog.set_code("debt_advice_referral")
    assert not dialog.send_check.isEnabled()
    assert problem in dialog.handover_label.text()
    assert dialog.handed_over() is None
    fits(dialog)
    dialog.reject()


def test_an_unexpected_failure_is_logged_and_said_and_saves_nothing(
    window: MainWindow,
    seeded: LocalStore,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import app.ui.record_action_dialog as module

    def broken(*_args: object, **_kwargs: object) -> object:
        raise OSError("disk full")

    monkeypatch.setattr(module, "record_action", broken)
    actions_before = count_actions(seeded)
    dialog = open_form(open_ref(window, "T000001"))
    before = where(dialog.save_button)
    with caplog.at_level(logging.ERROR, logger=module.__name__):
        dialog.save()
    assert dialog.error_for("") == "The action could not be saved on this laptop: disk full"
    assert [r.getMessage() for r in caplog.records] == ["recording an action failed"]
    assert dialog.save_button.isEnabled()
    assert dialog.save_button.text() == "&Record"
    assert where(dialog.save_button) == before
    assert dialog.isVisible()
    assert count_actions(seeded) == actions_before
    fits(dialog)
    dialog.reject()


def test_the_saved_sfs_files_path_is_said_and_fits(
    window: MainWindow, seeded: LocalStore, prompts: RecordingPrompts, tmp_path: Any
) -> None:
    case = open_ref(window, "T000001")
    finish_w1(seeded, case)
    with seeded.session() as session, session.begin():
        for person in session.scalars(select(Person).where(Person.tenancy_id == case.tenancy_id)):
            person.date_of_birth = date(1985, 6, 1)
    dialog = open_form(case)
    dialog.set_code("debt_advice_referral")
    prompts.files.append(tmp_path / "sfs")
    dialog.sfs_button.click()
    assert dialog.handover_label.text() == f"SFS file saved to {tmp_path / 'sfs.json'}"
    assert dialog.error_text() == ""
    fits(dialog)
    dialog.reject()
