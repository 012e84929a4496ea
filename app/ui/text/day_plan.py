"""What the Day plan says: its title, the day and order controls, the cases table's headers and
cells, the count of cases chosen, the day's order as numbered lines, and what saving and
printing the visit sheet say when they work and when they cannot.

Pure functions and constants over the services' values; no Qt. Threading: any thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.display import format_day
from app.domain.visit_brief import ORDER_LABELS

if TYPE_CHECKING:  # the worklist window reads the menu's words before SQLAlchemy loads
    from app.services.visit_sheet import PlanCase

TITLE = "Day plan"
MENU_ACTION = "Day plan…"
MENU_TIP = "Choose today's home visits, put them in order and print or save the visit sheet"
DAY_LABEL = "Visits on"
ORDER_LABEL = "Order"
FIND_PLACEHOLDER = "Find a case by name, address, postcode or ref"
CHOOSE_SUGGESTED = "Choose those due"
CHOOSE_SUGGESTED_TIP = "Choose the cases the worklist says need contact today (and only those)"
CLEAR = "Clear"
CLEAR_TIP = "Choose no case"
ORDER_HEADING = "The day's order"
ORDER_NOTE = "Cases with an officer-safety warning come first, so they can be planned with care."
NOTHING_CHOSEN = "Tick the cases to visit; they are listed here in the order of the day."
SAVE = "Save visit sheet…"
SAVE_TIP = "Save the visit sheet as a PDF (one A4 page for about twelve cases)"
PRINT = "Print…"
PRINT_TIP = "Print the visit sheet"
CLOSE = "Close"
SAVE_TITLE = "Save the visit sheet"
PDF_FILTER = "PDF documents (*.pdf)"
BUILDING = "Making the visit sheet…"
NO_PRINTER_TITLE = "No printer"
NO_PRINTER = (
    "No printer is set up on this laptop, so the visit sheet cannot be printed from here. "
    "Save it as a PDF instead (to print later or keep on the laptop)?"
)
PRINT_FAILED_TITLE = "Not printed"
SHEET_FAILED_TITLE = "No visit sheet"

#: (header, tooltip) of each column of the cases table, in order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Visit", "Tick to put the case on today's visit sheet"),
    ("Warnings", "Warnings to read before the visit (officer safety first)"),
    ("Ref", "The tenancy reference"),
    ("Lead tenant", "The lead tenant"),
    ("Address", "The address"),
    ("Postcode", "The postcode"),
    ("Balance", "The balance of the rent account (arrears are positive)"),
    ("Weeks", "Arrears in weeks of the weekly rent and service charge"),
    ("Next action", "What the worklist says is next; ticked at the start when it is due now"),
)
ORDER_CHOICES: tuple[tuple[str, str], ...] = tuple(ORDER_LABELS.items())


def case_texts(case: PlanCase, *, chosen: bool) -> tuple[str, ...]:
    """What each column of the cases table shows for ``case`` (the first column's tick is its
    check box; the text says it for a screen reader)."""
    weeks = "" if case.weeks_in_arrears is None else str(case.weeks_in_arrears)
    due = f"{case.next_action} (due)" if case.suggested and case.next_action else case.next_action
    return (
        "Visit" if chosen else "",
        case.warnings_text,
        case.ref,
        case.lead_tenant,
        case.address,
        case.postcode,
        case.balance_text,
        weeks,
        due or ("Follow-up due" if case.suggested else ""),
    )


def chosen_count(chosen: int, total: int) -> str:
    """``"7 of 250 cases chosen"``."""
    return f"{chosen} of {total} case{'s' if total != 1 else ''} chosen"


def order_lines(cases: Sequence[PlanCase]) -> list[str]:
    """The chosen cases in the day's order, numbered as on the sheet:
    ``"1. V006 — 1 High Street, TE1 1AA — ⚠ Officer safety"``."""
    lines = []
    for number, case in enumerate(cases, start=1):
        place = ", ".join(part for part in (case.address, case.postcode) if part)
        warned = f" — ⚠ {case.warnings_text}" if case.warnings else ""
        lines.append(f"{number}. {case.ref} — {place}{warned}")
    return lines


def sheet_title(day: date, cases: int) -> str:
    """The window's line over the buttons: what the sheet will hold."""
    if not cases:
        return f"Visit sheet for {format_day(day)}: no case chosen yet"
    return f"Visit sheet for {format_day(day)}: {cases} case{'s' if cases != 1 else ''}"


def saved(path: Path, pages: int) -> str:
    """``"Saved the visit sheet (1 page) to /home/sam/Documents/visit-sheet-….pdf"``."""
    return f"Saved the visit sheet ({pages} page{'s' if pages != 1 else ''}) to {path}"


def printed(pages: int) -> str:
    return f"Sent the visit sheet ({pages} page{'s' if pages != 1 else ''}) to the printer"


def sheet_failed(error: Exception) -> str:
    """Why no sheet was made, in words for the officer."""
    from app.services.visit_sheet import CasesNotOnLaptop, VisitSheetRefused

    if isinstance(error, CasesNotOnLaptop):
        return (
            f"{error} (a sync moved them off this laptop). Close the Day plan and open it "
            "again from the worklist."
        )
    if isinstance(error, VisitSheetRefused):
        return "Choose at least one case to visit first."
    if isinstance(error, OSError):
        where = f" {error.filename}" if error.filename else ""
        return f"The visit sheet could not be written{where}: {error.strerror or error}."
    return f"The visit sheet could not be made: {error}"
