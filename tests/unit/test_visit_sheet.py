"""The visit sheet, read back with pypdf: a synthetic day of twelve visits on one A4 page, its
text real and selectable in embedded fonts (Łukasz, Nguyễn, Siân as written), each case's key
facts there (phone, balance and weeks, what changed, the arrangement, the last contact), the
warnings in bold and their cases first, no statement line; more cases continue on further
pages, numbered, never clipped."""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.domain.visit_brief import VisitWarning
from app.models import AuditEvent, Officer, SyncState
from app.paths import data_dir
from app.reports.visit_sheet import build_visit_sheet, long_day
from app.services.visit_brief import CasesNotOnLaptop, visit_briefs
from app.services.visit_sheet import (
    VisitSheetRefused,
    sheet_file_name,
    visit_sheet,
    visit_sheet_for_refs,
)
from app.store.database import LocalStore, open_local_store
from tests.unit.test_app_cli import run_app
from tests.visit_day import DAY, STATEMENT_MARK, SeededVisit, seed_visit_day
from tests.workspaces import workspace_on

BOLD = "DejaVuSansCondensed-Bold"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    opened = open_local_store(data_dir(tmp_path / "data"))
    yield opened
    opened.close()


def _sign_in(store: LocalStore) -> None:
    officer_id = uuid.uuid4()
    with store.session() as session, session.begin():
        session.add(Officer(id=officer_id, username="spatel", display_name="Sam Pątel"))
        session.add(SyncState(id=1, device_id=uuid.uuid4(), officer_id=officer_id))


def _pages(pdf: bytes) -> list[str]:
    """Each page's text, whitespace folded (the layout wraps lines anywhere)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]


def _bold_text(pdf: bytes) -> str:
    """Everything drawn in the bold face, as one string."""
    found: list[str] = []

    def visit(text: str, _cm: object, _tm: object, font: dict | None, _size: object) -> None:
        if font is not None and BOLD in str(font.get("/BaseFont", "")):
            found.append(text)

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return re.sub(r"\s+", " ", "".join(found))


def _day(store: LocalStore, cases: int = 12) -> list[SeededVisit]:
    _sign_in(store)
    return seed_visit_day(store, cases=cases)


def test_twelve_visits_fit_one_page_with_their_key_facts(store: LocalStore) -> None:
    made = _day(store)
    workspace = workspace_on(store, DAY)
    sheet = visit_sheet_for_refs(workspace, [m.ref for m in made], day=DAY)
    assert sheet.pages == 1
    (text,) = _pages(sheet.pdf)
    assert f"Visit sheet: {long_day(DAY)}" in text
    assert "Officer: Sam Pątel" in text
    assert "Page 1 of 1" in text
    briefs = {b.ref: b for b in visit_briefs(workspace, [m.tenancy_id for m in made])}
    for case in made:
        brief = briefs[case.ref]
        assert case.ref in text
        assert case.lead_name in text
        if case.phone:
            assert case.phone in text
        assert brief.balance_text in text
        assert brief.postcode in text
        for line in brief.since_last_contact.lines:
            assert line in text
        assert brief.last_contact_text in text
        for arrangement in brief.arrangements:
            assert arrangement.state_text in text
    for name in ("Łukasz", "Nguyễn", "Siân", "Ångström-Ward", "O'Neill & Sons", "Yılmaz"):
        assert name in text
    # a statement's lines never reach the sheet: only what changed since the last contact
    assert STATEMENT_MARK not in text
    assert "2024" not in text  # two years of ledger; nothing older than the last contact shown


def test_warnings_are_in_bold_and_their_cases_come_first(store: LocalStore) -> None:
    made = _day(store)
    sheet = visit_sheet(workspace_on(store, DAY), [m.tenancy_id for m in made], day=DAY)
    bold = _bold_text(sheet.pdf)
    notes = {m.safety_note for m in made if m.safety_note}
    assert notes  # the day has officer-safety warnings
    for note in notes:
        assert f"Officer safety: {note}" in bold
    assert "Vulnerability: Hearing impaired: text before visiting" in bold
    warned = {m.ref for m in made if m.safety_note}
    assert set(sheet.refs[: len(warned)]) == warned
    (text,) = _pages(sheet.pdf)
    positions = [text.index(f"{ref} ") for ref in sheet.refs]
    assert positions == sorted(positions)  # printed in the sheet's order


def test_the_order_given_is_kept_when_asked(store: LocalStore) -> None:
    made = _day(store, cases=4)
    refs = [m.ref for m in reversed(made)]
    sheet = visit_sheet_for_refs(workspace_on(store, DAY), refs, day=DAY, order=None)
    assert list(sheet.refs) == refs
    street = visit_sheet_for_refs(workspace_on(store, DAY), refs, day=DAY, order="street")
    assert set(street.refs) == set(refs)


def test_more_cases_continue_on_numbered_pages_never_clipped(store: LocalStore) -> None:
    made = _day(store, cases=30)
    sheet = visit_sheet_for_refs(workspace_on(store, DAY), [m.ref for m in made], day=DAY)
    pages = _pages(sheet.pdf)
    assert sheet.pages == len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
    text = " ".join(pages)
    for case in made:
        assert text.count(f"{case.ref} ") == 1  # each block whole, once


def test_the_fonts_are_embedded_and_the_text_is_real(store: LocalStore) -> None:
    made = _day(store, cases=3)
    sheet = visit_sheet_for_refs(workspace_on(store, DAY), [m.ref for m in made], day=DAY)
    reader = PdfReader(io.BytesIO(sheet.pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]  # type: ignore[index]
    names = []
    for ref in fonts.values():
        font = ref.get_object()
        names.append(str(font["/BaseFont"]))
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor  # the TrueType program is in the file
    assert names
    assert all("DejaVuSansCondensed" in name for name in names)  # no unembedded Helvetica
    assert reader.metadata is not None
    assert reader.metadata.title == f"Visit sheet {DAY.isoformat()}"


def test_a_very_long_warning_continues_over_the_page(store: LocalStore) -> None:
    made = _day(store, cases=2)
    (brief, other) = visit_briefs(workspace_on(store, DAY), [m.tenancy_id for m in made])
    long = replace(
        brief,
        warnings=(VisitWarning("safety", "Do not visit alone. " * 700, date(2026, 1, 2), "X"),),
    )
    built = build_visit_sheet([long, other], day=DAY, officer_name="", as_of=DAY)
    assert built.pages >= 2
    text = " ".join(_pages(built.pdf))
    assert text.count("alone.") == 700  # every word of it, over the page breaks
    assert "Officer: not signed in" in text


def test_unknown_cases_and_none_chosen_are_refused_and_a_sheet_is_audited(
    store: LocalStore,
) -> None:
    made = _day(store, cases=2)
    workspace = workspace_on(store, DAY)
    with pytest.raises(CasesNotOnLaptop, match="NOPE"):
        visit_sheet_for_refs(workspace, [made[0].ref, "NOPE"], day=DAY)
    with pytest.raises(VisitSheetRefused, match="at least one case"):
        visit_sheet(workspace, [], day=DAY)
    visit_sheet(workspace, [m.tenancy_id for m in made], day=DAY)
    with store.session() as session:
        events = [e.event for e in session.scalars(select(AuditEvent))]
    assert events.count("report.visit_sheet") == 1
    assert events.count("case.viewed") == 2


def test_a_sheet_for_a_day_to_come_shows_todays_figures(store: LocalStore) -> None:
    made = _day(store, cases=1)
    tomorrow = date(2026, 3, 10)
    sheet = visit_sheet(workspace_on(store, DAY), [made[0].tenancy_id], day=tomorrow)
    assert (sheet.day, sheet.as_of) == (tomorrow, DAY)
    assert sheet.file_name == sheet_file_name(tomorrow) == "visit-sheet-2026-03-10.pdf"
    (text,) = _pages(sheet.pdf)
    assert "Visit sheet: Tuesday 10 March 2026" in text
    assert "as at 9 Mar 2026" in text


# -- python -m app visits sheet ------------------------------------------------------------------


@pytest.fixture
def device(tmp_path: Path) -> Path:
    """A laptop folder with the day's twelve cases, opened with the demo key file (the command
    runs in a process of its own, with no keyring)."""
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())  # the autouse fixture puts the memory keyring back
    folder = tmp_path / "device"
    opened = open_local_store(data_dir(folder), allow_demo_files=True)
    try:
        _day(opened)
    finally:
        opened.close()
    return folder


def test_cli_writes_the_sheet_of_the_cases_named(device: Path, tmp_path: Path) -> None:
    out = tmp_path / "sheet.pdf"
    refs = ",".join(f"V{n:03d}" for n in range(12, 0, -1))
    done = run_app(
        "visits", "sheet", "--date", DAY.isoformat(), "--cases", f" {refs},", "--out", str(out),
        data_dir=device,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        f"Visit sheet for 2026-03-09 written to {out} (12 cases, 1 page)."
    )
    (text,) = _pages(out.read_bytes())
    assert "Officer: Sam Pątel" in text
    assert "Łukasz" in text
    assert text.index("V002 ") < text.index("V001 ")  # V002 has a safety warning: first
    given = run_app(
        "visits", "sheet", "--date", "2026-03-09", "--cases", "V003,V001", "--order", "given",
        "--out", str(out), data_dir=device,
    )  # fmt: skip
    assert given.returncode == 0, given.stderr
    (text,) = _pages(out.read_bytes())
    assert text.index("V003 ") < text.index("V001 ")


def test_cli_unknown_cases_exit_1_naming_them_and_bad_usage_2(device: Path, tmp_path: Path) -> None:
    out = tmp_path / "sheet.pdf"
    unknown = run_app(
        "visits", "sheet", "--date", "2026-03-09", "--cases", "V001,NOPE,GONE", "--out", str(out),
        data_dir=device,
    )  # fmt: skip
    assert unknown.returncode == 1
    assert unknown.stderr.strip().splitlines() == [
        "doorstep: no visit sheet written: These cases are not in your caseload on this laptop: "
        "NOPE, GONE"
    ]
    assert not out.exists()
    for bad in (
        ["--date", "2026-02-30", "--cases", "V001", "--out", str(out)],
        ["--date", "2026-03-09", "--cases", " , ", "--out", str(out)],
        ["--date", "2026-03-09", "--cases", "V001", "--out", str(out), "--order", "colour"],
        ["--date", "2026-03-09", "--out", str(out)],
        ["--cases", "V001", "--out", str(out)],
    ):
        usage = run_app("visits", "sheet", *bad, data_dir=device)
        assert usage.returncode == 2, (bad, usage.stderr)
    assert not out.exists()
