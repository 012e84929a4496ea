"""What the Day plan says, without a display: a case's cells, the day's order, the counts, and
why a sheet was not made."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

from app.domain.visit_brief import VisitWarning
from app.services.visit_sheet import CasesNotOnLaptop, PlanCase, VisitSheetRefused
from app.ui.text import day_plan as words

SAFETY = VisitWarning("safety", "Officer safety", None, "")
NEEDS = VisitWarning("vulnerability", "Vulnerability", None, "")


def _case(ref: str = "V001", *, warnings: tuple[VisitWarning, ...] = (), **kw: object) -> PlanCase:
    values: dict[str, object] = dict(
        tenancy_id=uuid.uuid4(),
        ref=ref,
        lead_tenant="Mr Łukasz Kowalczyk",
        address="12 Mill Lane, Testtown",
        postcode="TE1 4AB",
        balance_pence=123456,
        weeks_in_arrears=Decimal("12.35"),
        next_action="Send a rent reminder",
        suggested=True,
        warnings=warnings,
    )
    values.update(kw)
    return PlanCase(**values)  # type: ignore[arg-type]


def test_a_cases_cells() -> None:
    case = _case(warnings=(SAFETY, NEEDS))
    assert words.case_texts(case, chosen=True) == (
        "Visit",
        "Officer safety, Vulnerability",
        "V001",
        "Mr Łukasz Kowalczyk",
        "12 Mill Lane, Testtown",
        "TE1 4AB",
        "£1,234.56",
        "12.35",
        "Send a rent reminder (due)",
    )
    later = _case(next_action="", suggested=True, weeks_in_arrears=None)
    assert words.case_texts(later, chosen=False)[7:] == ("", "Follow-up due")
    assert len(words.case_texts(later, chosen=False)) == len(words.COLUMNS)


def test_the_days_order_and_counts() -> None:
    cases = [_case("V002", warnings=(SAFETY,)), _case("V001", postcode="")]
    assert words.order_lines(cases) == [
        "1. V002 — 12 Mill Lane, Testtown, TE1 4AB — ⚠ Officer safety",
        "2. V001 — 12 Mill Lane, Testtown",
    ]
    assert words.chosen_count(1, 1) == "1 of 1 case chosen"
    assert (
        words.sheet_title(date(2026, 3, 9), 0) == "Visit sheet for 9 Mar 2026: no case chosen yet"
    )
    assert words.sheet_title(date(2026, 3, 9), 1) == "Visit sheet for 9 Mar 2026: 1 case"
    assert words.saved(Path("/x/s.pdf"), 2) == "Saved the visit sheet (2 pages) to /x/s.pdf"


def test_why_no_sheet() -> None:
    gone = words.sheet_failed(CasesNotOnLaptop(["V009"]))
    assert gone.startswith("This case is not in your caseload on this laptop: V009")
    assert words.sheet_failed(VisitSheetRefused("x")) == "Choose at least one case to visit first."
    disk = OSError(28, "No space left on device", "/x/s.pdf")
    assert words.sheet_failed(disk) == (
        "The visit sheet could not be written /x/s.pdf: No space left on device."
    )
