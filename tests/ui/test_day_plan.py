"""The Day plan (pytest-qt), over a synthetic day of visits: the worklist's cases with those due
ticked, officer-safety warnings first then by postcode or street, the day's order beside them;
saving the visit sheet to the Documents folder under visit-sheet-YYYY-MM-DD.pdf, off the GUI
thread; printing, and with no printer, the offer to save instead; opened from the worklist's
menu; fitting a 1366x768 laptop."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.domain.visit_brief import street_key
from app.services.worklist import WorkItem, read_worklist
from app.store.database import LocalStore
from app.ui.context import UiContext
from app.ui.day_plan import DayPlanDialog, DayPlanModel, SheetPrinter, documents_folder
from app.ui.ops import InlineRunner, ThreadRunner
from app.ui.text import day_plan as words
from tests.ui.fakes import RecordingPrompts
from tests.ui.seed import seed_officer
from tests.ui.windows import assert_fits_laptop, make_window
from tests.visit_day import DAY, SeededVisit, seed_visit_day
from tests.workspaces import workspace_on


class FakePrinter(SheetPrinter):
    """A printer seam that records what would have been printed."""

    def __init__(self, *, installed: bool, accept: bool = True) -> None:
        self.installed = installed
        self.accept = accept
        self.printed: list[tuple[bytes, str]] = []

    def has_printer(self) -> bool:
        return self.installed

    def print_pdf(self, parent: QWidget | None, pdf: bytes, title: str) -> bool:
        if self.accept:
            self.printed.append((pdf, title))
        return self.accept


@pytest.fixture
def day(store: LocalStore) -> list[SeededVisit]:
    seed_officer(store)
    return seed_visit_day(store, cases=12)


def _items(store: LocalStore) -> list[WorkItem]:
    return read_worklist(workspace_on(store, DAY), as_of=DAY, record_view=False).items


def _dialog(
    qtbot: QtBot,
    store: LocalStore,
    runner: InlineRunner | ThreadRunner,
    prompts: RecordingPrompts,
    printer: SheetPrinter | None = None,
    items: Sequence[WorkItem] | None = None,
) -> DayPlanDialog:
    context = UiContext(workspace_on(store, DAY), runner, prompts)
    dialog = DayPlanDialog(
        context, items=_items(store) if items is None else items, printer=printer
    )
    qtbot.addWidget(dialog)
    if isinstance(runner, InlineRunner):
        runner.kinds.clear()  # the PDF library loaded ahead as it opens; the tests count the rest
    dialog.show()
    return dialog


def _sheet_text(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in pages))


def test_the_worklists_cases_with_those_due_ticked_safety_first_then_postcode(
    qtbot: QtBot,
    store: LocalStore,
    day: list[SeededVisit],
    inline_runner: InlineRunner,
    prompts: RecordingPrompts,
) -> None:
    items = _items(store)
    dialog = _dialog(qtbot, store, inline_runner, prompts, items=items)
    assert {c.ref for c in dialog.cases()} == {m.ref for m in day}
    due = {i.case.ref for i in items if i.action_due or i.advice.needs_follow_up}
    assert due  # the synthetic day has cases due
    assert {c.ref for c in dialog.chosen()} == due
    shown = dialog.cases()
    warned = [c for c in shown if any(w.kind == "safety" for w in c.warnings)]
    assert warned
    assert shown[: len(warned)] == warned  # officer-safety warnings first
    rest = shown[len(warned) :]
    postcodes = [c.postcode.replace(" ", "") for c in rest]
    assert postcodes == sorted(postcodes, key=lambda p: (p[:-3][:2], int(p[2:-3]), p[-3:]))
    dialog.set_order("street")
    by_street = dialog.cases()[len(warned) :]
    streets = [street_key(c.address)[:2] for c in by_street]
    assert streets == sorted(streets)
    assert by_street != rest  # reordered
    assert streets[0] == ("apple close", 3)
    assert {c.ref for c in dialog.chosen()} == due  # the ticks survive a reorder


def test_ticking_updates_the_days_order_and_the_buttons(
    qtbot: QtBot,
    store: LocalStore,
    day: list[SeededVisit],
    inline_runner: InlineRunner,
    prompts: RecordingPrompts,
) -> None:
    dialog = _dialog(qtbot, store, inline_runner, prompts)
    dialog.clear_button.click()
    assert dialog.chosen() == []
    assert dialog.order_model.stringList() == [words.NOTHING_CHOSEN]
    assert not dialog.save_button.isEnabled()
    assert not dialog.print_button.isEnabled()
    dialog.choose(["V003", "V002"])
    lines = dialog.order_model.stringList()
    assert lines[0].startswith("1. V002 — ")  # V002 has an officer-safety warning
    assert "⚠ Officer safety" in lines[0]
    assert lines[1].startswith("2. V003 — ")
    assert "2 cases" in dialog.sheet_label.text()
    assert dialog.save_button.isEnabled()
    # the tick box itself, as a click or Space would set it
    model = dialog.model
    row = next(r for r in range(model.rowCount()) if model.row_at(r).ref == "V005")
    tick = model.index(row, 0)
    assert model.setData(tick, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert "V005" in [c.ref for c in dialog.chosen()]
    assert model.data(tick, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert model.flags(model.index(row, 0)) & Qt.ItemFlag.ItemIsUserCheckable
    # Enter on a row ticks or unticks it
    dialog.table.activated.emit(dialog.proxy.mapFromSource(model.index(row, 3)))
    assert "V005" not in [c.ref for c in dialog.chosen()]
    dialog.choose_suggested()
    assert all(c.suggested for c in dialog.chosen())


def test_finding_a_case_filters_the_list_but_keeps_the_ticks(
    qtbot: QtBot,
    store: LocalStore,
    day: list[SeededVisit],
    inline_runner: InlineRunner,
    prompts: RecordingPrompts,
) -> None:
    dialog = _dialog(qtbot, store, inline_runner, prompts)
    before = [c.ref for c in dialog.chosen()]
    dialog.find_edit.setText("nguyen")  # accents ignored: Nguyễn
    assert dialog.proxy.rowCount() == 1
    assert dialog.proxy.row_at(0).lead_tenant == "Ms Thị Lan Nguyễn"
    dialog.find_edit.setText("mill lane")
    assert {dialog.proxy.row_at(r).ref for r in range(dialog.proxy.rowCount())} == {
        "V001",
        "V002",
        "V008",
    }
    assert [c.ref for c in dialog.chosen()] == before


def test_save_asks_in_documents_for_the_days_file_and_writes_the_sheet_in_the_order_shown(
    qtbot: QtBot,
    store: LocalStore,
    day: list[SeededVisit],
    inline_runner: InlineRunner,
    prompts: RecordingPrompts,
    tmp_path: Path,
) -> None:
    dialog = _dialog(qtbot, store, inline_runner, prompts)
    dialog.choose(["V001", "V002", "V009", "V010"])
    order = [c.ref for c in dialog.chosen()]
    prompts.files.append(tmp_path / "today")  # typed without .pdf
    with qtbot.waitSignal(dialog.sheet_saved) as saved:
        dialog.save_button.click()
    assert prompts.shown == [
        ("save", words.SAVE_TITLE, str(documents_folder() / "visit-sheet-2026-03-09.pdf"))
    ]
    path = tmp_path / "today.pdf"
    assert saved.args == [path]
    text = _sheet_text(path.read_bytes())
    assert [text.index(f"{ref} ") for ref in order] == sorted(
        text.index(f"{ref} ") for ref in order
    )
    assert "Nguyễn" in text
    assert dialog.status_label.text().startswith("Saved the visit sheet (1 page) to ")
    assert inline_runner.kinds == ["db"]


def test_save_cancelled_does_nothing(
    qtbot: QtBot,
    store: LocalStore,
    day: list[SeededVisit],
    inline_runner: InlineRunner,
    prompts: RecordingPrompts,
) -> None:
    dialog = _dialog(qtbot, store, inline_runner, prompts)
    dialog.save_sheet()  # no file chosen
    assert inline_runner.kinds == []
    assert dialog.status_label.text() == ""


def test_the_sheet_is_built_off_the_gui_thread(
    qtbot: QtBot,
    store: LocalStore,
    day: list[SeededVisit],
    thread_runner: ThreadRunner,
    prompts: RecordingPrompts,
    tmp_path: Path,
) -> None:
    dialog = _dialog(qtbot, store, thread_runner, prompts)
    prompts.files.append(tmp_path / "sheet.pdf")
    with qtbot.waitSignal(dialog.sheet_saved, timeout=20_000):
        dialog.save_sheet()
        assert not dialog.save_button.isEnabled()  # busy while it builds
    assert (tmp_path / "sheet.pdf").read_bytes().startswith(b"%PDF")
    assert dialog.save_button.isEnabled()


def test_print_with_no_printer_says_so_and_offers_to_save(
    qtbot: QtBot,
    store: LocalStore,
    day: list[SeededVisit],
    inline_runner: InlineRunner,
    prompts: RecordingPrompts,
    tmp_path: Path,
) -> None:
    printer = FakePrinter(installed=False)
    dialog = _dialog(qtbot, store, inline_runner, prompts, printer)
    dialog.print_sheet()  # answered No
    assert prompts.shown == [("question", words.NO_PRINTER_TITLE, words.NO_PRINTER)]
    assert inline_runner.kinds == []
    prompts.answers.append(True)
    prompts.files.append(tmp_path / "instead.pdf")
    dialog.print_button.click()
    assert (tmp_path / "instead.pdf").read_bytes().startswith(b"%PDF")
    assert printer.printed == []


def test_print_sends_the_built_sheet_to_the_printer(
    qtbot: QtBot,
    store: LocalStore,
    day: list[SeededVisit],
    inline_runner: InlineRunner,
    prompts: RecordingPrompts,
) -> None:
    printer = FakePrinter(installed=True)
    dialog = _dialog(qtbot, store, inline_runner, prompts, printer)
    dialog.set_day(DAY.replace(day=10))
    with qtbot.waitSignal(dialog.sheet_printed):
        dialog.print_button.click()
    ((pdf, title),) = printer.printed
    assert title == "visit-sheet-2026-03-10.pdf"
    assert "Visit sheet: Tuesday 10 March 2026" in _sheet_text(pdf)
    assert dialog.status_label.text().startswith("Sent the visit sheet")
    cancelled = FakePrinter(installed=True, accept=False)
    dialog._printer = cancelled
    dialog.print_sheet()
    assert dialog.status_label.text().startswith("Sent the visit sheet")  # unchanged


def test_a_case_gone_from_the_laptop_is_named_and_nothing_is_written(
    qtbot: QtBot,
    store: LocalStore,
    day: list[SeededVisit],
    inline_runner: InlineRunner,
    prompts: RecordingPrompts,
    tmp_path: Path,
) -> None:
    from app.models import Tenancy

    dialog = _dialog(qtbot, store, inline_runner, prompts)
    dialog.choose(["V004"])
    with store.session() as session, session.begin():  # a sync took it off the laptop
        session.delete(session.get(Tenancy, day[3].tenancy_id))
    prompts.files.append(tmp_path / "sheet.pdf")
    dialog.save_sheet()
    ((kind, title, text),) = [s for s in prompts.shown if s[0] == "error"]
    assert (kind, title) == ("error", words.SHEET_FAILED_TITLE)
    assert str(day[3].tenancy_id) in text
    assert not (tmp_path / "sheet.pdf").exists()
    assert dialog.save_button.isEnabled()


def test_opened_from_the_worklist_and_fits_the_laptop(
    qtbot: QtBot,
    store: LocalStore,
    day: list[SeededVisit],
    inline_runner: InlineRunner,
    prompts: RecordingPrompts,
) -> None:
    from app.domain.clock import SetClock

    window = make_window(qtbot, store, inline_runner, prompts, clock=SetClock.on(DAY))
    assert window.day_plan_action.text() == words.MENU_ACTION
    window.day_plan_action.trigger()
    dialogs = window.findChildren(DayPlanDialog)
    assert len(dialogs) == 1
    dialog = dialogs[0]
    qtbot.addWidget(dialog)
    assert len(dialog.cases()) == 12
    assert_fits_laptop(dialog)
    dialog.close()
    qtbot.waitUntil(lambda: not window.findChildren(DayPlanDialog))  # deleted when closed


def test_the_model_is_a_sound_qt_model(
    qtmodeltester: object,
    store: LocalStore,
    day: list[SeededVisit],
) -> None:
    from app.services.visit_sheet import plan_cases

    model = DayPlanModel(plan_cases(_items(store)))
    model.set_chosen({c.tenancy_id for c in model.rows()[:3]})
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.data(QModelIndex(), Qt.ItemDataRole.CheckStateRole) is None
