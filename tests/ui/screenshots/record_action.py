"""Recording an action: the form, refusals (no date, a future date), the case after it; an
optional extra date; and a referral to debt advice handing over the finished I&E, with the SFS
file refused (no date of birth held)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from app.ui.case_window import CaseWindow
from tests.ui.fakes import RecordingPrompts
from tests.ui.screenshots.kit import Shots
from tests.ui.seed import SEED_TODAY


def shoot(shots: Shots, case: CaseWindow) -> None:
    dialog = case.record_action()
    assert dialog is not None
    shots.save(dialog, "record_action")
    dialog.set_code("nosp")
    dialog.save()  # no "proceedings may start from" date: refused
    shots.save(dialog, "record_action_error")
    dialog.set_code("letter_2")
    dialog.date_edit.setDate(SEED_TODAY.replace(day=SEED_TODAY.day + 1))
    dialog.save()  # in the future: refused
    shots.save(dialog, "record_action_future")
    dialog.date_edit.setDate(SEED_TODAY)
    dialog.save()
    shots.save(case, "case_after_recording")
    case.tabs.setCurrentIndex(1)
    shots.save(case, "case_history_after_recording")


def shoot_referral(shots: Shots, case: CaseWindow) -> None:
    case.load()
    dialog = case.record_action()
    assert dialog is not None
    dialog.set_code("breathing_space_start")  # its end date is optional
    shots.save(dialog, "record_action_optional_date")
    dialog.set_code("debt_advice_referral")
    dialog.note_edit.setPlainText("Citizens Advice Testtown; appointment on Thursday")
    shots.save(dialog, "referral")
    prompts = shots.context.prompts
    assert isinstance(prompts, RecordingPrompts)
    with tempfile.TemporaryDirectory() as folder:
        prompts.files.append(Path(folder) / "for the adviser")
        dialog.sfs_button.click()  # the housing system holds no date of birth: refused
    shots.save(dialog, "referral_sfs_refused")
    dialog.save()
    case.tabs.setCurrentIndex(1)
    shots.save(case, "case_history_referral")
