"""The I&E's documents on a real encrypted store: SFS export and import, the tenant's summary PDF,
and ``python -m app ie ...`` as a user runs it (subprocesses on a demo-key data folder).

Figures are docs/rules.md W1's; names and addresses are fictional.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain import sfs
from app.domain.sfs_document import SfsDocumentError
from app.models import AuditEvent, IncomeAssessment, Person, Tenancy
from app.paths import data_dir
from app.schemas.sfs_document import validate_document
from app.services.assessments import (
    case_assessments,
    finish_assessment,
    save_draft,
    start_assessment,
)
from app.services.ie_documents import IeDocumentError, export_sfs, import_sfs, summary_pdf
from app.services.workspace import Workspace
from app.store.database import LocalStore, open_local_store
from tests.unit.sfs_examples import W1_DATE, w1_assessment
from tests.unit.test_app_cli import run_app

REF = "T-IE-DOC"


def w1_full() -> sfs.Assessment:
    return w1_assessment(
        rent_offer_pence=4333,
        non_priority_debts=(sfs.NonPriorityDebt("Catalogue", 40000, 500, ccj=True),),
    )


def seed(store: LocalStore, *, dob: date | None = date(1988, 5, 14)) -> uuid.UUID:
    """A case with two adult tenants and W1 finished; the finished assessment's id."""
    tenancy_id = uuid.uuid4()
    with store.session() as session, session.begin():
        session.add(
            Tenancy(
                id=tenancy_id,
                ref=REF,
                address="1 Fictional Row, Testtown",
                postcode="TT1 1AA",
                tenure="secure",
                start_date=date(2020, 4, 6),
                weekly_rent_pence=11250,
            )
        )
        session.flush()
        session.add_all(
            [
                Person(
                    tenancy_id=tenancy_id,
                    ref="P-1",
                    first_name="Alex",
                    last_name="Example",
                    date_of_birth=dob,
                    is_lead=True,
                ),
                Person(
                    tenancy_id=tenancy_id,
                    ref="P-2",
                    first_name="Sam",
                    last_name="Example",
                    date_of_birth=date(1990, 1, 2),
                ),
            ]
        )
    workspace = Workspace(store)
    draft = start_assessment(workspace, tenancy_id=tenancy_id, on=W1_DATE)
    save_draft(workspace, assessment_id=draft.id, assessment=w1_full())
    finish_assessment(workspace, assessment_id=draft.id)
    return draft.id


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    opened = open_local_store(data_dir(tmp_path / "data"))
    yield opened
    opened.close()


def _doc(text: str) -> dict:
    return json.loads(text, parse_float=Decimal)  # money is never a float


def _export(store: LocalStore, **kwargs: object) -> str:
    return export_sfs(Workspace(store), tenancy_ref=REF, **kwargs)  # type: ignore[arg-type]


def _count(store: LocalStore) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(IncomeAssessment)) or 0


def test_export_of_finished_w1_validates_with_w1s_totals(store):
    seed(store)
    text = _export(store, employment=("Part-time",))
    doc = _doc(text)
    assert validate_document(doc) == []
    assert doc["client-name"] == "Alex Example"
    assert doc["client-date-of-birth"].startswith("1988-05-14")
    assert doc["is-joint-application"] is True
    assert doc["housing-tenure"] == "Tenant - social"
    assert doc["client-employment-status"] == ["Part-time"]
    assert doc["client-address"] == "1 Fictional Row, Testtown, TT1 1AA"
    overview = doc["overview"]
    assert '"total-monthly-income": 1957.63' in text
    assert overview["total-monthly-outgoings"] == Decimal("1701.70")
    assert overview["income-minus-outgoings"] == Decimal("255.93")
    assert overview["total-available-for-priority-debts"] == Decimal("235.93")
    assert overview["total-available-for-non-priority-debts"] == Decimal("147.60")
    assert doc["monthly-outgoings"]["fixed-costs"]["total-fixed-costs"] == Decimal("953.37")
    assert doc["monthly-outgoings"]["flexible-costs"]["total-flexible-costs"] == Decimal("748.33")
    with store.session() as session:
        events = list(
            session.scalars(select(AuditEvent).where(AuditEvent.event == "assessment.sfs_exported"))
        )
    assert len(events) == 1
    assert "Alex" not in json.dumps(events[0].detail)


def test_export_defaults_employment_to_other_not_recorded(store):
    seed(store)
    doc = _doc(_export(store))
    assert doc["client-employment-status"] == ["Other"]
    assert "not recorded" in doc["client-employment-status-other"]


def test_import_of_the_export_supersedes_and_keeps_every_monthly_figure(store):
    first = seed(store)
    text = _export(store)
    saved = import_sfs(
        Workspace(store), tenancy_ref=REF, document_text=text, assessed_on=date(2026, 4, 1)
    )
    assert saved.is_final
    assert saved.source == "sfs-import"
    assert saved.supersedes_id == first
    before, after = sfs.assess(w1_full()), sfs.assess(saved.assessment)
    assert after.group_totals() == before.group_totals()
    for name in ("income", "fixed", "flexible", "outgoings", "surplus", "available_for_priority"):
        assert getattr(after, name).pence == getattr(before, name).pence
    assert after.max_rent_offer_monthly.pence == 19093
    assert after.available_for_non_priority.pence == 14760
    assert saved.assessment.rent_offer_pence == 4333
    assert saved.assessment.non_priority_debts == w1_full().non_priority_debts
    assert saved.assessment.household == w1_full().household
    held = case_assessments(Workspace(store), tenancy_id=saved.tenancy_id)
    assert [h.id for h in held] == [saved.id, first]
    # the round trip: export -> import -> export gives the same document
    assert _export(store) == text


def test_an_invalid_document_is_refused_listing_every_problem_and_nothing_is_saved(store):
    seed(store)
    doc = json.loads(_export(store))
    doc["monthly-income"]["earnings"]["total-earnings"] = 951.00  # does not add up
    doc["monthly-outgoings"]["fixed-costs"]["home-contents"]["rent"]["monthly-amount"] = 487.505
    before = _count(store)
    with pytest.raises(SfsDocumentError) as caught:
        import_sfs(
            Workspace(store), tenancy_ref=REF, document_text=json.dumps(doc), assessed_on=W1_DATE
        )
    problems = "\n".join(caught.value.problems)
    assert "monthly-income.earnings.total-earnings" in problems
    assert "home-contents.rent.monthly-amount: must be an amount with at most two decimals" in (
        problems
    )
    assert len(caught.value.problems) >= 2
    assert _count(store) == before


def test_not_json_is_refused(store):
    seed(store)
    with pytest.raises(SfsDocumentError):
        import_sfs(Workspace(store), tenancy_ref=REF, document_text="{nope", assessed_on=W1_DATE)


def test_a_missing_date_of_birth_is_refused_naming_the_field(store):
    seed(store, dob=None)
    with pytest.raises(IeDocumentError, match="client-date-of-birth"):
        _export(store)


def test_an_unknown_case_or_none_finished_is_one_clear_error(store):
    with pytest.raises(IeDocumentError, match="not in the caseload"):
        export_sfs(Workspace(store), tenancy_ref="NOPE")


PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: cannot read the PDF's text")
    path = tmp_path / "summary.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def test_the_summary_is_two_pages_with_w1s_figures(store, tmp_path):
    assessment_id = seed(store)
    pdf = summary_pdf(Workspace(store), assessment_id=assessment_id)
    assert pdf.startswith(b"%PDF")
    assert len(PAGE.findall(pdf)) == 2
    text = _pdftotext(pdf, tmp_path)
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) == 2
    first, second = pages[0], pages[1]
    for figure in ("£1,957.63", "£953.37", "£748.33", "£1,701.70", "£255.93", "£235.93"):
        assert figure in first
    assert "£190.93" in first
    assert "£44.06" in first
    assert "£43.33" in first
    assert "£147.60" in first
    assert "Alex Example" in first
    assert "T-IE-DOC" in first
    assert "No spending-guideline table" in first
    assert "£112.50 weekly × 52 / 12 = £487.50" in second
    assert "£173.20 four-weekly × 13 / 12 = £187.63" in second
    assert "Catalogue" in second
    assert "CCJ" in second
    assert "MoneyHelper 0800 138 7777" in second
    assert "Figures are monthly" in second


def test_import_audit_holds_ids_and_counts_only(store):
    seed(store)
    text = _export(store)
    saved = import_sfs(Workspace(store), tenancy_ref=REF, document_text=text, assessed_on=W1_DATE)
    with store.session() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.event == "assessment.sfs_imported")
        ).one()
    assert event.detail == {
        "assessment_id": str(saved.id),
        "supersedes_id": str(saved.supersedes_id),
        "lines": len(saved.assessment.lines),
        "debts": 3,  # council tax, energy, the catalogue (the rent offer is its own figure)
    }


def test_notes_that_cannot_be_kept_are_refused_naming_where_and_nothing_is_saved(store):
    seed(store)
    doc = json.loads(_export(store))  # floats are fine here: re-written, not added up
    doc["additional-notes"] = ["Pasted from the adviser's letter\x00"]
    before = _count(store)
    with pytest.raises(IeDocumentError) as refused:
        import_sfs(
            Workspace(store), tenancy_ref=REF, document_text=json.dumps(doc), assessed_on=W1_DATE
        )
    assert str(refused.value).startswith(
        f"case {REF}: text: the statement's notes: character 33 is a control character (U+0000)"
    )
    assert _count(store) == before


def test_import_while_a_draft_is_open_is_refused_and_a_draft_is_never_exported(store):
    seed(store)
    text = _export(store)
    workspace = Workspace(store)
    with store.session() as session:
        tenancy_id = session.scalars(select(Tenancy.id).where(Tenancy.ref == REF)).one()
    draft = start_assessment(workspace, tenancy_id=tenancy_id, on=date(2026, 5, 1))
    before = _count(store)
    with pytest.raises(IeDocumentError, match="draft"):
        import_sfs(workspace, tenancy_ref=REF, document_text=text, assessed_on=W1_DATE)
    assert _count(store) == before
    with pytest.raises(IeDocumentError, match="still a draft"):
        _export(store, assessment_id=draft.id)


def test_the_summary_shows_a_guideline_flag_with_its_comment(store, tmp_path):
    from app.services.guidelines import import_guidelines
    from tests.unit.sfs_examples import W2_CSV

    seed(store)
    workspace = Workspace(store)
    import_guidelines(workspace, csv_text=W2_CSV.read_text(encoding="utf-8"))
    with store.session() as session:
        tenancy_id = session.scalars(select(Tenancy.id).where(Tenancy.ref == REF)).one()
    draft = start_assessment(workspace, tenancy_id=tenancy_id, on=date(2026, 3, 2))
    value = w1_full()
    lines = tuple(
        sfs.Line(x.heading, 14000, x.frequency, "sports package until June")
        if x.heading == "home-phone-internet-tv"
        else x
        for x in value.lines
    )
    save_draft(
        workspace,
        assessment_id=draft.id,
        assessment=sfs.Assessment(
            assessed_on=date(2026, 3, 2),
            household=value.household,
            lines=lines,
            savings_pence=value.savings_pence,
            priority_debts=value.priority_debts,
        ),
    )
    finish_assessment(workspace, assessment_id=draft.id)
    pdf = summary_pdf(workspace, assessment_id=draft.id)
    assert len(PAGE.findall(pdf)) == 2
    first = _pdftotext(pdf, tmp_path).split("\f")[0]
    assert "Communications and leisure" in first
    assert "£45.00 above guideline" in first
    assert "sports package until June" in first


def test_a_long_assessment_still_prints_on_two_pages():
    from app.domain.guidelines import check_guidelines
    from app.reports.ie_summary import build_ie_summary

    lines = tuple(
        sfs.Line(key, 1234 + i, sfs.Frequency.FORTNIGHTLY, "a note " * (i % 4))
        for i, key in enumerate(sfs.HEADINGS)
    )
    value = w1_assessment(
        lines=lines,
        non_priority_debts=tuple(
            sfs.NonPriorityDebt(f"Lender {i}", 1000 * i, 100) for i in range(12)
        ),
    )
    budget = sfs.assess(value)
    check = check_guidelines(totals=budget.group_totals(), household=value.household, table=None)
    pdf = build_ie_summary(
        case_ref=REF,
        tenant_name="Alex Example",
        address="1 Fictional Row",
        officer_name="",
        budget=budget,
        guidelines=check,
    )
    assert len(PAGE.findall(pdf)) == 2


# --- the command line, as a user runs it -----------------------------------------------------


@pytest.fixture
def device(tmp_path: Path) -> Path:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())  # the autouse fixture puts the memory keyring back
    folder = tmp_path / "device"
    opened = open_local_store(data_dir(folder), allow_demo_files=True)
    try:
        seed(opened)
    finally:
        opened.close()
    return folder


def test_cli_export_import_and_summary(device: Path, tmp_path: Path) -> None:
    exported = run_app("ie", "export", "--case", REF, "--employment", "Part-time", data_dir=device)
    assert exported.returncode == 0, exported.stderr
    doc = _doc(exported.stdout)
    assert validate_document(doc) == []
    assert doc["client-employment-status"] == ["Part-time"]

    out = tmp_path / "w1.json"
    written = run_app("ie", "export", "--case", REF, "--out", str(out), data_dir=device)
    assert written.returncode == 0, written.stderr
    assert (
        _doc(out.read_text(encoding="utf-8"))["overview"]
        == _doc(run_app("ie", "export", "--case", REF, data_dir=device).stdout)["overview"]
    )

    imported = run_app(
        "ie", "import", str(out), "--case", REF, "--date", "2026-04-01", data_dir=device
    )
    assert imported.returncode == 0, imported.stderr
    assert "superseding" in imported.stdout
    assert len(imported.stdout.strip().splitlines()) == 1

    pdf = tmp_path / "summary.pdf"
    summary = run_app("ie", "summary", "--case", REF, "--out", str(pdf), data_dir=device)
    assert summary.returncode == 0, summary.stderr
    assert len(PAGE.findall(pdf.read_bytes())) == 2


def test_cli_errors_are_one_line(device: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    doc = json.loads(run_app("ie", "export", "--case", REF, data_dir=device).stdout)
    doc["overview"]["total-monthly-income"] = 1.005
    bad.write_text(json.dumps(doc), encoding="utf-8")
    refused = run_app("ie", "import", str(bad), "--case", REF, data_dir=device)
    assert refused.returncode == 1
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "nothing was imported" in refused.stderr
    assert "overview.total-monthly-income" in refused.stderr

    unknown = run_app("ie", "export", "--case", "NOPE", data_dir=device)
    assert unknown.returncode == 1
    assert len(unknown.stderr.strip().splitlines()) == 1

    usage = run_app("ie", "export", "--case", REF, "--employment", "Astronaut", data_dir=device)
    assert usage.returncode == 2
    assert run_app("ie", "export", data_dir=device).returncode == 2
    assert run_app("ie", "import", str(bad), "--case", REF, "--date", "2026-13-01").returncode == 2
