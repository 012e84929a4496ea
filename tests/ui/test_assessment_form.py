"""The income and expenditure form: W1 entered by keyboard with every total, the W2 guideline
flag (FICTIONAL table) and the no-table warning, a bad amount refused, the draft saved and
reopened intact, Finish making it read-only, copy forward, a keystroke's cost, and the form
fitting a laptop's screen in every state an officer meets.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.domain import sfs
from app.domain.clock import SetClock
from app.models import Tenancy
from app.services.assessments import case_assessments
from app.services.guidelines import import_guidelines
from app.store.database import LocalStore
from app.ui.assessment_form import AssessmentForm
from app.ui.assessment_rows import LineEditorRow
from app.ui.ops import InlineRunner, ThreadRunner
from app.ui.text.assessment import NO_TABLE_WARNING
from tests.ui.fakes import RecordingPrompts
from tests.ui.windows import assert_fits_laptop, ui_context
from tests.unit.sfs_examples import W1_DATE, W1_LINES, W2_CSV
from tests.workspaces import workspace_on

# W1, as typed: (heading, amount as typed, frequency, note)
W1_TYPED = [
    (line["heading"], f"{line['amount_pence'] / 100:.2f}", line["frequency"], line.get("note", ""))
    for line in W1_LINES
]


@pytest.fixture
def tenancy(store: LocalStore) -> uuid.UUID:
    tenancy_id = uuid.uuid4()
    with store.session() as session, session.begin():
        session.add(
            Tenancy(
                id=tenancy_id,
                ref="T-IE",
                address="1 Budget Row",
                postcode="IE1 1IE",
                tenure="secure",
                start_date=date(2020, 4, 6),
                weekly_rent_pence=11250,
            )
        )
    return tenancy_id


def make_form(
    qtbot: QtBot,
    store: LocalStore,
    tenancy: uuid.UUID,
    runner: InlineRunner,
    prompts: RecordingPrompts,
) -> AssessmentForm:
    form = AssessmentForm(
        ui_context(store, runner, prompts, SetClock.on(W1_DATE)), tenancy_id=tenancy
    )
    qtbot.addWidget(form)
    form.show()
    form.load()
    assert form.saved_assessment is not None
    return form


@pytest.fixture
def form(
    qtbot: QtBot,
    store: LocalStore,
    tenancy: uuid.UUID,
    inline_runner: InlineRunner,
    prompts: RecordingPrompts,
) -> AssessmentForm:
    return make_form(qtbot, store, tenancy, inline_runner, prompts)


def with_guidelines(store: LocalStore) -> None:
    import_guidelines(workspace_on(store, W1_DATE), csv_text=W2_CSV.read_text(encoding="utf-8"))


def type_line(qtbot: QtBot, row: LineEditorRow, typed: tuple[str, str, str, str]) -> None:
    heading, amount, frequency, note = typed
    row.set_heading(heading)
    qtbot.keyClicks(row.amount_edit, amount)
    row.set_frequency(frequency)
    if note:
        qtbot.keyClicks(row.note_edit, note)


def enter_w1(qtbot: QtBot, form: AssessmentForm) -> None:
    form.household_spins["adults"].setValue(2)
    form.household_spins["children_under_16"].setValue(2)
    current: dict[str, LineEditorRow] = {s: form.lines(s)[0] for s in sfs.SECTIONS}
    first = {s: True for s in sfs.SECTIONS}
    for typed in W1_TYPED:
        section = sfs.HEADINGS[typed[0]].section
        if not first[section]:
            # Enter on the previous line's amount adds the next line, focused on its heading
            qtbot.keyClick(current[section].amount_edit, Qt.Key.Key_Return)
            current[section] = form.lines(section)[-1]
        first[section] = False
        type_line(qtbot, current[section], typed)
    qtbot.keyClicks(form.savings_edit, "£20")
    for creditor, offer in (("Council tax", "30"), ("Energy", "£15.00")):
        debt = form.add_debt(priority=True)
        qtbot.keyClicks(debt.creditor_edit, creditor)
        qtbot.keyClicks(debt.offer_edit, offer)


def totals(form: AssessmentForm) -> dict[str, str]:
    return {key: label.text() for key, label in form.total_labels.items()}


def test_w1_entered_by_keyboard_shows_every_total(qtbot: QtBot, form: AssessmentForm) -> None:
    with_guidelines_none = form.guideline_warning.isVisibleTo(form)
    assert with_guidelines_none  # no table imported here: the warning shows from the start
    enter_w1(qtbot, form)
    shown = totals(form)
    assert shown["income"] == "£1,957.63"
    assert shown["fixed"] == "£953.37"
    assert shown["flexible"] == "£748.33"
    assert shown["outgoings"] == "£1,701.70"
    assert shown["surplus"] == "£255.93"
    assert shown["available_for_priority"] == "£235.93"
    assert shown["max_rent_offer"] == "£190.93/month = £44.06/week"
    # each total explains its sum
    income = form.explanation("income")
    assert "Child Benefit £173.20 four-weekly × 13 / 12 = £187.63" in income
    assert income.endswith("= £1,957.63")
    assert "− Energy £15.00" in form.explanation("max_rent_offer")
    form.explain_buttons["surplus"].click()
    assert "Income − outgoings" in form.explanation_label.text()
    # a debt taken away is no longer counted
    extra = form.add_debt(priority=True)
    qtbot.keyClicks(extra.offer_edit, "100")
    assert form.total_labels["max_rent_offer"].text() == "£90.93/month = £20.98/week"
    qtbot.keyClick(extra.offer_edit, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert len(form.debts(priority=True)) == 2
    assert form.total_labels["max_rent_offer"].text() == "£190.93/month = £44.06/week"
    # the agreed offer: £10 a week is £43.33 a month -> £147.60 for non-priority debts
    qtbot.keyClicks(form.rent_offer_edit, "43.33")
    assert form.total_labels["available_for_non_priority"].text() == "£147.60"
    assert not form.shortfall_label.isVisibleTo(form)


def test_tab_goes_heading_amount_frequency_note_then_the_next_line(
    qtbot: QtBot, form: AssessmentForm
) -> None:
    first = form.lines(sfs.INCOME)[0]
    qtbot.keyClick(first.amount_edit, Qt.Key.Key_Return)
    second = form.lines(sfs.INCOME)[1]
    assert form.focusWidget() is second.heading_combo
    order = [first.heading_combo, first.amount_edit, first.frequency_combo, first.note_edit]
    for widget, following in zip(order, [*order[1:], second.heading_combo], strict=True):
        widget.setFocus()
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
        assert form.focusWidget() is following, (order.index(widget), form.focusWidget())


def test_the_guideline_flag_and_the_no_table_warning(
    qtbot: QtBot,
    store: LocalStore,
    tenancy: uuid.UUID,
    inline_runner: InlineRunner,
    prompts: RecordingPrompts,
) -> None:
    with_guidelines(store)
    form = make_form(qtbot, store, tenancy, inline_runner, prompts)
    enter_w1(qtbot, form)
    assert not form.guideline_warning.isVisibleTo(form)
    comms = form.flag_labels["communications-leisure"]
    assert "above guideline" not in comms.text()  # W1: £85 against £95
    assert "guideline £95.00" in comms.text()
    row = next(r for r in form.lines(sfs.FLEXIBLE) if r.amount_edit.text() == "85.00")
    row.amount_edit.clear()
    qtbot.keyClicks(row.amount_edit, "140")
    assert "£45.00 above guideline: comment required" in comms.text()
    assert "above guideline" not in form.flag_labels["food-housekeeping"].text()
    form.finish()  # a flag needs its comment before the assessment can be finished
    assert "comment is required for Communications and leisure" in form.status_label.text()
    assert form.saved_assessment is not None
    assert not form.saved_assessment.is_final
    qtbot.keyClicks(row.note_edit, "broadband for school work")
    assert "comment: broadband for school work" in comms.text()
    with qtbot.waitSignal(form.finished):
        form.finish()
    assert form.saved_assessment.is_final
    # a date before the table: the warning, never a silent pass
    form.close()
    form = make_form(qtbot, store, tenancy, inline_runner, prompts)
    form.new_button.click()
    comms = form.flag_labels["communications-leisure"]
    form.date_edit.setDate(date(2025, 1, 6))
    assert form.guideline_warning.isVisibleTo(form)
    assert NO_TABLE_WARNING in form.guideline_warning.text()
    assert "above guideline" not in comms.text()


def test_a_bad_amount_is_refused_beside_it_and_not_counted(
    qtbot: QtBot, form: AssessmentForm
) -> None:
    row = form.lines(sfs.INCOME)[0]
    qtbot.keyClicks(row.amount_edit, "12.50")
    assert form.total_labels["income"].text() == "£12.50"
    qtbot.keyClicks(row.amount_edit, "5")  # 12.505
    assert row.error_label.isVisibleTo(form)
    assert "more than two decimal places" in row.error_label.text()
    assert "not counted" in row.error_label.text()
    assert form.total_labels["income"].text() == "£0.00"
    row.amount_edit.setText("£1,00")  # a decimal comma? never read as £100
    assert "a comma may only separate thousands" in row.error_label.text()
    row.amount_edit.setText("£1,150")
    assert not row.error_label.isVisibleTo(form)
    assert form.total_labels["income"].text() == "£1,150.00"
    row.amount_edit.setText("£12.50")
    assert not row.error_label.isVisibleTo(form)
    assert form.total_labels["income"].text() == "£12.50"


def test_the_draft_is_saved_while_typing_and_reopens_intact(
    qtbot: QtBot,
    store: LocalStore,
    tenancy: uuid.UUID,
    inline_runner: InlineRunner,
    prompts: RecordingPrompts,
    form: AssessmentForm,
) -> None:
    enter_w1(qtbot, form)
    with qtbot.waitSignal(form.saved, timeout=3000):
        pass  # the debounce timer fires ~500 ms after the last keystroke
    entered = form.current()
    [held] = case_assessments(form.context.workspace, tenancy_id=tenancy)
    assert held.assessment == entered
    form.close()
    again = make_form(qtbot, store, tenancy, inline_runner, prompts)
    assert again.current() == entered
    assert again.total_labels["max_rent_offer"].text() == "£190.93/month = £44.06/week"


def test_finish_refuses_empty_then_makes_it_read_only_and_offers_copy_forward(
    qtbot: QtBot,
    store: LocalStore,
    tenancy: uuid.UUID,
    inline_runner: InlineRunner,
    prompts: RecordingPrompts,
    form: AssessmentForm,
) -> None:
    form.finish()
    assert "Not finished" in form.status_label.text()
    assert form.finish_button.isEnabled()
    enter_w1(qtbot, form)
    savings = form.savings_edit.text()
    form.savings_edit.setText("20p")
    form.finish()  # a refused amount is never left out of a finished statement silently
    assert "Not finished: 1 amount(s) marked in red" in form.status_label.text()
    assert form.saved_assessment is not None
    assert not form.saved_assessment.is_final
    form.savings_edit.setText(savings)
    with qtbot.waitSignal(form.finished):
        form.finish()
    assert form.saved_assessment is not None
    assert form.saved_assessment.is_final
    row = form.lines(sfs.INCOME)[0]
    assert row.amount_edit.isReadOnly()
    assert not row.heading_combo.isEnabled()
    assert not form.finish_button.isEnabled()
    assert form.new_button.isVisibleTo(form)
    form.close()
    # reopening shows the finished one, read-only, offering a copy forward
    again = make_form(qtbot, store, tenancy, inline_runner, prompts)
    assert again.saved_assessment is not None
    assert again.saved_assessment.is_final
    assert again.new_button.isVisibleTo(again)
    again.new_button.click()
    assert again.saved_assessment is not None
    assert not again.saved_assessment.is_final
    assert not again.lines(sfs.INCOME)[0].amount_edit.isReadOnly()
    assert again.total_labels["income"].text() == "£1,957.63"
    # The copy is not wanted: discarding asks, then shows the finished one again.
    assert again.discard_button.isVisibleTo(again)
    prompts.answers = [False]
    again.discard_button.click()
    assert not again.saved_assessment.is_final  # kept: the officer said no
    prompts.answers = [True]
    again.discard_button.click()
    assert again.saved_assessment.is_final
    assert again.saved_assessment.id == form.saved_assessment.id
    assert not again.discard_button.isVisibleTo(again)
    statuses = [a.status for a in case_assessments(again.context.workspace, tenancy_id=tenancy)]
    assert statuses == ["final"]
    again.close()
    # or start empty: nothing filled in, and it still supersedes the finished one
    empty = make_form(qtbot, store, tenancy, inline_runner, prompts)
    assert empty.new_empty_button.isVisibleTo(empty)
    empty.new_empty_button.click()
    assert empty.saved_assessment is not None
    assert not empty.saved_assessment.is_final
    assert empty.saved_assessment.assessment.lines == ()
    assert empty.saved_assessment.supersedes_id == form.saved_assessment.id
    assert empty.total_labels["income"].text() == "£0.00"
    assert empty.household_spins["adults"].value() == 1


def test_a_negative_budget_is_shown_with_its_drivers(qtbot: QtBot, form: AssessmentForm) -> None:
    income = form.lines(sfs.INCOME)[0]
    qtbot.keyClicks(income.amount_edit, "100")
    fixed = form.lines(sfs.FIXED)[0]
    fixed.set_heading("rent")
    qtbot.keyClicks(fixed.amount_edit, "112.50")
    fixed.set_frequency("weekly")
    assert form.total_labels["max_rent_offer"].text().startswith("-£387.50")
    assert form.shortfall_label.isVisibleTo(form)
    assert "does not balance" in form.shortfall_label.text()
    assert "Rent £487.50" in form.shortfall_label.text()


def test_a_keystroke_updates_every_total_within_16_ms(qtbot: QtBot, form: AssessmentForm) -> None:
    enter_w1(qtbot, form)
    row = form.lines(sfs.FLEXIBLE)[0]
    timings = []
    for digit in "1234567890" * 3:
        start = time.perf_counter()
        qtbot.keyClick(row.note_edit, digit)  # any change re-assesses
        timings.append(time.perf_counter() - start)
    timings.sort()
    assert timings[len(timings) // 2] < 0.016, timings


def test_the_case_window_opens_the_form_for_its_case(
    qtbot: QtBot, store: LocalStore, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    from tests.ui.seed import SEED_TODAY, seed_caseload, seed_officer
    from tests.ui.windows import make_window, open_ref

    seed_caseload(store, extra=0)
    seed_officer(store)
    case = open_ref(make_window(qtbot, store, inline_runner, prompts), "T000001")
    assert case.assessment_button.isEnabled()
    case.assessment_button.click()
    form = case.assessment_form
    assert form is not None
    assert form.tenancy_id == case.tenancy_id
    assert form.saved_assessment is not None
    assert not form.saved_assessment.is_final
    assert form.date_edit.date().toPython() == SEED_TODAY
    assert case.open_assessment() is form  # one form per case: raised, not opened twice
    case.close()
    assert not form.isVisible()


def test_a_line_is_removed_with_ctrl_delete(qtbot: QtBot, form: AssessmentForm) -> None:
    first = form.lines(sfs.INCOME)[0]
    qtbot.keyClicks(first.amount_edit, "100")
    qtbot.keyClick(first.amount_edit, Qt.Key.Key_Return)
    second = form.lines(sfs.INCOME)[1]
    qtbot.keyClicks(second.amount_edit, "50")
    assert form.total_labels["income"].text() == "£150.00"
    qtbot.keyClick(second.amount_edit, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert form.lines(sfs.INCOME) == [first]
    assert form.total_labels["income"].text() == "£100.00"
    first.remove_button.click()  # the last line is emptied, not removed
    assert form.lines(sfs.INCOME) == [first]
    assert form.total_labels["income"].text() == "£0.00"


def test_drafts_save_on_a_real_worker_thread(
    qtbot: QtBot,
    store: LocalStore,
    tenancy: uuid.UUID,
    thread_runner: object,
    prompts: RecordingPrompts,
) -> None:
    form = AssessmentForm(
        ui_context(store, thread_runner, prompts, SetClock.on(W1_DATE)),  # type: ignore[arg-type]
        tenancy_id=tenancy,
    )
    qtbot.addWidget(form)
    form.show()
    with qtbot.waitSignal(form.loaded, timeout=5000):
        form.load()
    row = form.lines(sfs.INCOME)[0]
    with qtbot.waitSignal(form.saved, timeout=5000):
        qtbot.keyClicks(row.amount_edit, "£950")
    [held] = case_assessments(form.context.workspace, tenancy_id=tenancy)
    assert held.assessment.lines == (sfs.Line("client-salary-or-wages", 95000),)
    # closing straight after a keystroke saves it (no wait for the timer)
    qtbot.keyClicks(row.amount_edit, "0")
    form.close()
    assert thread_runner.wait_for_done(5000)  # type: ignore[attr-defined]
    [held] = case_assessments(form.context.workspace, tenancy_id=tenancy)
    assert held.assessment.lines == (sfs.Line("client-salary-or-wages", 950000),)
    assert prompts.shown == []


def test_print_summary_writes_a_pdf_where_the_officer_chose(
    qtbot: QtBot, tmp_path: Path, form: AssessmentForm, prompts: RecordingPrompts
) -> None:
    assert not form.print_button.isVisibleTo(form)  # a draft has no summary
    enter_w1(qtbot, form)
    with qtbot.waitSignal(form.finished):
        form.finish()
    assert form.print_button.isVisibleTo(form)
    target = tmp_path / "out" / "summary"
    target.parent.mkdir()
    prompts.files.append(target)
    form.print_button.click()
    written = target.with_name("summary.pdf")
    assert written.read_bytes().startswith(b"%PDF")
    assert str(written) in form.status_label.text()
    kind, title, suggested = prompts.shown[-1]
    assert kind == "save"
    assert suggested.endswith(".pdf")


def test_print_summary_cancelled_writes_nothing(
    qtbot: QtBot, tmp_path: Path, form: AssessmentForm, prompts: RecordingPrompts
) -> None:
    enter_w1(qtbot, form)
    with qtbot.waitSignal(form.finished):
        form.finish()
    form.print_button.click()  # no file chosen
    assert prompts.shown[-1][0] == "save"
    assert "Summary saved" not in form.status_label.text()
    assert list(tmp_path.glob("*.pdf")) == []


def test_print_summary_is_built_on_a_real_worker_thread(
    qtbot: QtBot,
    tmp_path: Path,
    store: LocalStore,
    tenancy: uuid.UUID,
    thread_runner: ThreadRunner,
    prompts: RecordingPrompts,
) -> None:
    form = AssessmentForm(
        ui_context(store, thread_runner, prompts, SetClock.on(W1_DATE)), tenancy_id=tenancy
    )
    qtbot.addWidget(form)
    form.show()
    with qtbot.waitSignal(form.loaded, timeout=10_000):
        form.load()
    enter_w1(qtbot, form)
    with qtbot.waitSignal(form.finished, timeout=10_000):
        form.finish()
    target = tmp_path / "summary.pdf"
    prompts.files.append(target)
    form.print_button.click()
    qtbot.waitUntil(lambda: "Summary saved" in form.status_label.text(), timeout=20_000)
    assert target.read_bytes().startswith(b"%PDF")


def test_closing_with_an_amount_in_red_asks_before_losing_it(
    form: AssessmentForm, prompts: RecordingPrompts
) -> None:
    form.show()
    row = form.lines(sfs.INCOME)[0]
    row.amount_edit.setText("1,40")
    prompts.answers = [False]
    assert not form.close()  # kept open to correct it
    assert form.isVisible()
    assert prompts.shown[-1][0] == "question"
    assert "1 amount(s) marked in red" in prompts.shown[-1][2]
    prompts.answers = [True]
    assert form.close()
    assert not form.isVisible()


# -- the form on a laptop's screen --------------------------------------------------------------


def row_widgets(form: AssessmentForm) -> list[QWidget]:
    """Every field of every line and debt, the "= £x a month" labels, the remove buttons and
    the messages under fields."""
    widgets: list[QWidget] = []
    for section in sfs.SECTIONS:
        for row in form.lines(section):
            widgets += [*row.focus_chain(), row.monthly_label, row.remove_button, row.error_label]
    for priority in (True, False):
        for debt in form.debts(priority=priority):
            widgets += [*debt.focus_chain(), debt.remove_button, debt.error_label]
    for edit, error in form.amount_errors.items():
        widgets += [edit, error]
    return widgets


def past_the_right_edge(form: AssessmentForm) -> list[str]:
    """Row widgets reaching past the right edge of the lines area (hidden unless scrolled)."""
    viewport = form.lines_area.viewport()
    return [
        widget.accessibleName() or type(widget).__name__
        for widget in row_widgets(form)
        if widget.isVisibleTo(form)
        and widget.mapTo(viewport, QPoint(widget.width(), 0)).x() > viewport.width()
    ]


def cut_off_messages(form: AssessmentForm) -> list[str]:
    """Messages under fields shorter than their wrapped text."""
    return [
        label.text()
        for label in form.findChildren(QLabel)
        if label.isVisibleTo(form)
        and label.wordWrap()
        and label.height() < label.heightForWidth(label.width())
    ]


def assert_form_fits(form: AssessmentForm) -> None:
    """The form fits the laptop; every line shows all its fields; every message under a field
    and every total (with its "?") is readable in full."""
    for _ in range(3):  # a wrapped label's new height reaches the scroll area a few events on
        QApplication.processEvents()
    assert_fits_laptop(form)
    assert not past_the_right_edge(form)
    assert not cut_off_messages(form)
    window = form.rect()
    for key, label in form.total_labels.items():
        for widget in (label, form.explain_buttons[key]):
            assert window.contains(QRect(widget.mapTo(form, QPoint(0, 0)), widget.size())), key


def test_the_form_fits_a_laptop_in_every_state(
    qtbot: QtBot,
    store: LocalStore,
    tenancy: uuid.UUID,
    inline_runner: InlineRunner,
    prompts: RecordingPrompts,
) -> None:
    form = AssessmentForm(
        ui_context(store, inline_runner, prompts, SetClock.on(W1_DATE)),
        tenancy_id=tenancy,
        title="T-IE — Alexandra Featherstonehaugh-Montgomery-Smythe",
    )
    qtbot.addWidget(form)
    form.show()
    form.load()
    assert form.guideline_warning.isVisibleTo(form)  # no table: the warning over the form
    assert_form_fits(form)
    form.close()
    with_guidelines(store)
    form = make_form(qtbot, store, tenancy, inline_runner, prompts)
    enter_w1(qtbot, form)
    comms = next(r for r in form.lines(sfs.FLEXIBLE) if r.amount_edit.text() == "85.00")
    comms.amount_edit.setText("140")
    assert form.flag_labels["communications-leisure"].styleSheet()  # flagged
    assert_form_fits(form)
    # messages under a line, a deduction and a debt (two reasons), all wrapping in full
    comms.amount_edit.setText("£1,40")
    form.savings_edit.setText("20p")
    debt = form.add_debt(priority=False)
    debt.creditor_edit.setText("Catalogue " * 20)
    debt.owed_edit.setText("1,40")
    debt.offer_edit.setText("5.001")
    assert len(form.errors()) == 3
    assert_form_fits(form)
    # money short: the shortfall beside the totals, naming its largest outgoings
    form.lines(sfs.INCOME)[0].amount_edit.setText("150")
    assert form.shortfall_label.isVisibleTo(form)
    assert_form_fits(form)
    # sixty lines, and the longest explanation of all
    for index in range(45):
        form.add_line(sfs.FIXED).fill(sfs.Line("other-essential-costs", 100 + index))
    form.show_explanation("fixed")
    assert len(form.explanation_label.text().splitlines()) > 50
    assert_form_fits(form)


def test_a_finished_assessment_fits_a_laptop(qtbot: QtBot, form: AssessmentForm) -> None:
    enter_w1(qtbot, form)
    with qtbot.waitSignal(form.finished):
        form.finish()
    assert form.print_button.isVisibleTo(form)
    assert_form_fits(form)


def test_finished_shows_the_councils_day_as_every_date_is_shown(
    qtbot: QtBot,
    store: LocalStore,
    tenancy: uuid.UUID,
    inline_runner: InlineRunner,
    prompts: RecordingPrompts,
) -> None:
    late = SetClock.at(datetime(2026, 6, 1, 23, 30, tzinfo=UTC))  # 00:30 on 2 June in London
    form = AssessmentForm(ui_context(store, inline_runner, prompts, late), tenancy_id=tenancy)
    qtbot.addWidget(form)
    form.show()
    form.load()
    enter_w1(qtbot, form)
    with qtbot.waitSignal(form.finished):
        form.finish()
    assert form.status_label.text().startswith("Finished 2 Jun 2026: read-only.")


def test_no_guideline_for_the_household_is_warned_with_the_table_dated_as_everywhere(
    qtbot: QtBot,
    store: LocalStore,
    tenancy: uuid.UUID,
    inline_runner: InlineRunner,
    prompts: RecordingPrompts,
) -> None:
    with_guidelines(store)
    form = make_form(qtbot, store, tenancy, inline_runner, prompts)  # one adult: W2 has none
    assert form.guideline_warning.isVisibleTo(form)
    warning = form.guideline_warning.text()
    assert "no guideline for communications and leisure for 1 adult(s)" in warning
    assert "in the table from 7 Apr 2025" in warning
    form.household_spins["adults"].setValue(2)
    assert not form.guideline_warning.isVisibleTo(form)


def test_a_comment_the_service_asks_for_reads_as_the_forms_own_check(
    qtbot: QtBot, store: LocalStore, form: AssessmentForm, prompts: RecordingPrompts
) -> None:
    enter_w1(qtbot, form)
    comms = next(r for r in form.lines(sfs.FLEXIBLE) if r.amount_edit.text() == "85.00")
    comms.amount_edit.setText("140")
    with_guidelines(store)  # imported after the form opened: only the service checks them
    form.finish()
    assert form.saved_assessment is not None
    assert not form.saved_assessment.is_final
    expected = "Not finished: a comment is required for Communications and leisure"
    assert expected in form.status_label.text()
    assert "comments:" not in form.status_label.text()
    kind, _title, message = prompts.shown[-1]
    assert kind == "error"
    assert message.startswith(expected)
