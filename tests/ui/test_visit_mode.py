"""Visit mode as an officer meets it on a doorstep: warnings before anything else, the
household with phone and date of birth, a contact saved in one step (keyboard alone), a promise
and a follow-up with it, bad input named and nothing saved, and what was typed kept as a draft
in the encrypted database (back after a lock or a crash)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.models import CaseAction, Contact, FollowUp, FormDraft, PaymentPromise, Person
from app.services.screen_lock import take_open_forms
from app.store.database import LocalStore
from app.ui.main_window import MainWindow
from app.ui.ops import InlineRunner
from app.ui.visit_mode import VisitModeWindow
from tests.ui.fakes import RecordingPrompts
from tests.ui.seed import SEED_TODAY
from tests.ui.windows import assert_fits_laptop, make_window, open_ref
from tests.workspaces import workspace_on


@pytest.fixture
def window(
    qtbot: QtBot, seeded: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> MainWindow:
    return make_window(qtbot, seeded, inline_runner, prompts)


def visit(window: MainWindow, ref: str) -> VisitModeWindow:
    case = open_ref(window, ref)
    opened = case.open_visit_mode()
    assert opened is not None
    return opened


def count(store: LocalStore, model: type) -> int:
    with store.session() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_warnings_come_first_and_the_visit_only_after_they_are_read(
    qtbot: QtBot, window: MainWindow
) -> None:
    mode = visit(window, "T000001")  # a vulnerability and an officer-safety warning
    assert mode.warnings_page_shown()
    texts = mode.warning_texts()
    assert texts[0].startswith("Officer safety")  # the most serious first
    assert any(text.startswith("Vulnerability") for text in texts)
    mode.save()  # nothing can be recorded before the warnings are read
    assert mode.feedback.error_text() == ""
    qtbot.keyClick(mode.read_button, Qt.Key.Key_Return)
    assert not mode.warnings_page_shown()
    assert "Zoë Ångström-Ward" in mode.household_label.text()
    assert_fits_laptop(mode)


def test_a_contact_with_a_promise_and_a_follow_up_is_saved_in_one_step_by_keyboard(
    qtbot: QtBot, window: MainWindow, seeded: LocalStore
) -> None:
    mode = visit(window, "T000003")  # no warnings: straight to the visit
    assert not mode.warnings_page_shown()
    mode.activateWindow()
    qtbot.waitUntil(mode.isActiveWindow)
    qtbot.keyClick(mode, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)  # Promise to pay
    assert mode.outcome() == "promise_to_pay"
    assert mode.promise_box.isVisibleTo(mode)
    mode.promise_amount.setText("25.50")
    mode.follow_check.setChecked(True)
    mode.follow_task.setText("Check the £25.50 came in")
    qtbot.keyClicks(mode.note_edit, "Spoke at the door. Will pay on Friday.")
    qtbot.keyClick(mode, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert mode.status_label.text().startswith("Saved")
    with seeded.session() as session:
        contact = session.scalars(select(Contact)).one()
        assert (contact.how, contact.outcome) == ("home_visit", "promise_to_pay")
        promise = session.scalars(select(PaymentPromise)).one()
        assert promise.amount_pence == 2550
        assert promise.due_on == SEED_TODAY + timedelta(days=1)
        assert session.scalars(select(FollowUp.task)).one() == "Check the £25.50 came in"
    assert mode.outcome() is None  # ready for the next contact
    assert "Promise to pay" in mode.contacts_label.text()  # the brief was read again
    assert count(seeded, FormDraft) == 0  # the draft went with the save


@pytest.mark.parametrize(
    ("setup", "field", "words"),
    [
        (lambda m: None, "outcome", "Choose what happened"),
        (
            lambda m: (
                m.set_outcome("spoke_to_tenant"),
                m.spoke_combo.setCurrentIndex(m.spoke_combo.findData("other")),
            ),
            "spoke to",
            "Write the name of the person spoken to",
        ),
        (
            lambda m: (m.set_outcome("promise_to_pay"), m.promise_amount.setText("5.255")),
            "promise",
            "two decimal places",
        ),
        (
            lambda m: (m.set_outcome("promise_to_pay"), m.promise_amount.setText("0")),
            "promise",
            "£0.00",
        ),
        (
            lambda m: (m.set_outcome("no_access"), m.note_edit.setPlainText("x" * 4001)),
            "note",
            "too long",
        ),
    ],
)
def test_bad_input_is_named_under_its_field_and_nothing_is_saved(
    window: MainWindow,
    seeded: LocalStore,
    setup,
    field: str,
    words: str,  # type: ignore[no-untyped-def]
) -> None:
    mode = visit(window, "T000003")
    setup(mode)
    mode.save()
    assert words in mode.feedback.error_for(field)
    assert_fits_laptop(mode)  # with the message shown
    assert count(seeded, Contact) == 0
    assert count(seeded, PaymentPromise) == 0


def test_the_household_shows_phone_and_date_of_birth_and_who_was_spoken_to_is_kept(
    window: MainWindow, seeded: LocalStore
) -> None:
    with seeded.session() as session, session.begin():
        person = session.scalars(select(Person).where(Person.last_name == "Adeyemi")).one()
        person.phone = "07700 900123"
        person.date_of_birth = SEED_TODAY.replace(year=1980)
        person_id = person.id
    mode = visit(window, "T000003")
    shown = mode.household_label.text()
    assert "07700 900123" in shown
    assert "born 18 May 1980, 46" in shown
    mode.set_outcome("spoke_to_tenant")
    mode.spoke_combo.setCurrentIndex(mode.spoke_combo.findData(str(person_id)))
    mode.save()
    with seeded.session() as session:
        assert session.scalars(select(Contact.spoke_to_person_id)).one() == person_id


def test_what_is_typed_is_kept_as_a_draft_and_comes_back(
    qtbot: QtBot, window: MainWindow, seeded: LocalStore
) -> None:
    mode = visit(window, "T000003")
    mode.set_outcome("no_access")
    mode.note_edit.setPlainText("Card left at 10:15")
    qtbot.waitUntil(lambda: count(seeded, FormDraft) == 1, timeout=3_000)
    # as after a crash: the next start takes the draft and opens the screen again with it
    kept = take_open_forms(workspace_on(seeded, SEED_TODAY))
    assert [form.kind for form in kept] == ["visit"]
    assert kept[0].state["note"] == "Card left at 10:15"
    case = open_ref(window, "T000001")
    case.reopen(kept)
    again = case.visit_mode
    assert again is not None
    assert again.warnings_page_shown()  # the warnings first, even for a draft
    assert again.note_edit.toPlainText() == "Card left at 10:15"
    assert again.outcome() == "no_access"


def test_a_contact_names_the_recovery_step_it_served(
    window: MainWindow, seeded: LocalStore
) -> None:
    mode = visit(window, "T000001")  # a reminder (20 Apr) and letter 1 (27 Apr) sent
    mode.show_visit_page()
    steps = [mode.step_combo.itemText(i) for i in range(mode.step_combo.count())]
    assert steps[:3] == [
        "Not for a recovery step",
        "Arrears letter 1 sent, 27 Apr 2026",
        "Reminder sent, 20 Apr 2026",
    ]
    mode.step_combo.setCurrentIndex(1)
    mode.set_outcome("spoke_to_tenant")
    mode.save()
    with seeded.session() as session:
        contact = session.scalars(select(Contact)).one()
        served = session.get(CaseAction, contact.action_id)
    assert served is not None
    assert (served.code, served.on_date) == ("letter_1", date(2026, 4, 27))
