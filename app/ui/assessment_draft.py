"""What an open I&E form holds that its saved draft cannot: lines, debts and amounts whose
amount does not read ("12.3.4"), which saving leaves out. Kept as typed while Doorstep is locked
(``app.services.screen_lock``) and put back, with their messages, when the form opens again.

Threading: GUI thread only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from app.domain import sfs

if TYPE_CHECKING:
    from app.ui.assessment_form import AssessmentForm

_AMOUNTS = ("savings", "admin_fee", "rent_offer")


def unread_entries(form: AssessmentForm) -> dict[str, Any]:
    """The entries of ``form`` that saving leaves out, as typed (JSON values)."""
    lines = [
        {
            "section": section,
            "heading": row.heading_combo.currentData(),
            "amount": row.amount_edit.text(),
            "frequency": row.frequency_combo.currentData(),
            "note": row.note_edit.text(),
        }
        for section in sfs.SECTIONS
        for row in form.lines(section)
        if row.read() is None and row.error_label.text()
    ]
    debts = [
        {
            "priority": priority,
            "creditor": debt.creditor_edit.text(),
            "owed": debt.owed_edit.text(),
            "offer": debt.offer_edit.text(),
            "ccj": debt.ccj_check.isChecked(),
        }
        for priority in (True, False)
        for debt in form.debts(priority=priority)
        if debt.read() is None and debt.error_label.text()
    ]
    amounts = {
        name: edit.text()
        for name, edit in zip(_AMOUNTS, _amount_edits(form), strict=True)
        if form.amount_errors[edit].text()
    }
    return {"lines": lines, "debts": debts, "amounts": amounts}


def put_back(form: AssessmentForm, kept: Mapping[str, Any]) -> None:
    """Type back what :func:`unread_entries` kept (a heading or section that no longer exists
    is skipped); the form then shows their messages and saves the rest as usual."""
    for line in _listed(kept.get("lines")):
        section = line.get("section")
        if section not in sfs.SECTIONS:
            continue
        rows = form.lines(section)
        row = rows[-1] if rows and not rows[-1].amount_edit.text() else form.add_line(section)
        index = row.heading_combo.findData(line.get("heading"))
        if index >= 0:
            row.heading_combo.setCurrentIndex(index)
        row.set_frequency(str(line.get("frequency")))
        row.amount_edit.setText(str(line.get("amount", "")))
        row.note_edit.setText(str(line.get("note", "")))
    for debt in _listed(kept.get("debts")):
        added = form.add_debt(priority=bool(debt.get("priority")))
        added.creditor_edit.setText(str(debt.get("creditor", "")))
        added.owed_edit.setText(str(debt.get("owed", "")))
        added.offer_edit.setText(str(debt.get("offer", "")))
        added.ccj_check.setChecked(bool(debt.get("ccj")))
    amounts = kept.get("amounts")
    if isinstance(amounts, Mapping):
        for name, edit in zip(_AMOUNTS, _amount_edits(form), strict=True):
            if isinstance(amounts.get(name), str):
                edit.setText(amounts[name])


def _amount_edits(form: AssessmentForm) -> tuple[Any, ...]:
    return (form.savings_edit, form.admin_fee_edit, form.rent_offer_edit)


def _listed(value: object) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []
