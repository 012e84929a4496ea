"""The I&E form: empty with no guidelines, W1 with a flag and an explanation, the debts with a
bad amount, a negative budget, sixty lines with the longest explanation, and finished
(read-only)."""

from __future__ import annotations

from app.domain import sfs
from app.services.guidelines import import_guidelines
from app.ui.assessment_form import AssessmentForm
from app.ui.case_window import CaseWindow
from tests.ui.screenshots.kit import Shots
from tests.unit.sfs_examples import W1_LINES, W2_CSV


def _open(case: CaseWindow) -> AssessmentForm:
    form = case.open_assessment()
    assert form is not None
    return form


def _type_w1(form: AssessmentForm) -> None:
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


def shoot(shots: Shots, case: CaseWindow) -> None:
    form = _open(case)
    shots.save(form, "ie_empty_no_guidelines")
    import_guidelines(case.context.workspace, csv_text=W2_CSV.read_text(encoding="utf-8"))
    form.close()
    form = _open(case)
    _type_w1(form)
    comms = next(r for r in form.lines(sfs.FLEXIBLE) if r.amount_edit.text() == "85.00")
    comms.amount_edit.setText("140")
    form.show_explanation("income")
    shots.settle()  # laid out, so the lines area knows where the flag is
    form.lines_area.ensureWidgetVisible(form.flag_labels["communications-leisure"])
    shots.save(form, "ie_w1_flag")
    bad = form.add_debt(priority=False)
    bad.creditor_edit.setText("Catalogue")
    bad.owed_edit.setText("400")
    bad.offer_edit.setText("5.001")
    bad.ccj_check.setChecked(True)
    form.lines_area.verticalScrollBar().setValue(form.lines_area.verticalScrollBar().maximum())
    shots.save(form, "ie_debts")
    bad.offer_edit.setText("5")
    comms.amount_edit.setText("£1,40")
    form.lines(sfs.INCOME)[0].amount_edit.setText("150")
    form.show_explanation("max_rent_offer")
    shots.settle()
    form.lines_area.ensureWidgetVisible(comms)
    shots.save(form, "ie_shortfall_bad_amount")
    form.lines(sfs.INCOME)[0].amount_edit.setText("950")
    comms.amount_edit.setText("85")
    _shoot_many_lines(shots, form)
    form.finish()
    shots.save(form, "ie_finished")
    form.close()


def _shoot_many_lines(shots: Shots, form: AssessmentForm) -> None:
    """Sixty lines (more than a kitchen-table I&E) and the fixed costs explained: the list
    scrolls, the explanation scrolls on its own, the window stays on the screen."""
    added = [form.add_line(sfs.FIXED) for _ in range(45)]
    for index, row in enumerate(added):
        row.fill(sfs.Line("other-essential-costs", 1000 + index, note=f"item {index + 1}"))
    form.show_explanation("fixed")
    shots.save(form, "ie_sixty_lines")
    for row in added:
        form.remove_line(row)
