"""An I&E's documents: the SFS hand-over to debt advice (export, import) and the tenant's summary.

- :func:`export_sfs`: a finished assessment as an SFS v1.1 data-entry JSON document
  (:mod:`app.domain.sfs_document`), the client block from the case's lead tenant. The SFS
  requires a date of birth: without one the export is refused naming the field. Tenure is
  ``Tenant - social`` (every tenancy here is a council or housing-association one);
  employment is not held on the laptop, so the caller says it (default ``Other``, "not
  recorded"). The document is checked with ``validate_document`` (:mod:`app.schemas.sfs_document`)
  before it is returned.
- :func:`import_sfs`: an adviser's SFS document becomes a NEW finished assessment (source
  ``sfs-import``) that supersedes the latest finished one, every monthly figure kept. A bad
  document is refused with every problem listed and nothing is saved.
- :func:`summary_pdf`: the two-page summary the tenant keeps (:mod:`app.reports.ie_summary`).

Audit events hold ids and counts only, never names or amounts. Nothing here logs.

Threading: blocking (each call is one local transaction of its own). PDF building is slow: the
UI runs it off the GUI thread (its Op runner).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import sfs
from app.domain import sfs_document as sd
from app.domain.guidelines import check_guidelines
from app.models import LedgerEntry, Officer, Person, Tenancy
from app.services._ie_rows import (
    AssessmentRefused,
    SavedAssessment,
    add_finished,
    assessment_row,
    open_draft_row,
    read_guidelines,
    read_latest_finished,
    saved_of,
)
from app.services.workspace import Workspace
from app.store.audit import record_device_event

SOCIAL_TENURE = "Tenant - social"
DEFAULT_EMPLOYMENT: tuple[str, ...] = ("Other",)
DEFAULT_EMPLOYMENT_OTHER = "not recorded by the income officer"
LANDLORD = "Landlord (rent arrears)"
ADULT_AGE = 18


class IeDocumentError(ValueError):
    """An export or import that cannot be done; the message says why (one line)."""


@dataclass(frozen=True)
class SummaryData:
    """Everything the tenant's summary shows besides the figures: who, where, when, by whom."""

    case_ref: str
    tenant_name: str
    address: str
    officer_name: str
    assessed_on: date
    source: str
    note: str


def _case(session: Session, tenancy_ref: str) -> Tenancy:
    tenancy = session.scalars(select(Tenancy).where(Tenancy.ref == tenancy_ref)).first()
    if tenancy is None:
        raise IeDocumentError(f"case {tenancy_ref}: not in the caseload on this laptop")
    return tenancy


def _people(session: Session, tenancy: Tenancy) -> list[Person]:
    """The people on the tenancy, the lead tenant first."""
    people = list(
        session.scalars(select(Person).where(Person.tenancy_id == tenancy.id).order_by(Person.ref))
    )
    return sorted(people, key=lambda p: not p.is_lead)


def _name(person: Person) -> str:
    return " ".join(p for p in (person.title, person.first_name, person.last_name) if p)


def _is_adult(person: Person, on: date) -> bool:
    born = person.date_of_birth
    if born is None:
        return True  # a tenant named on a tenancy is an adult unless shown otherwise
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return years >= ADULT_AGE


def _address(tenancy: Tenancy) -> str:
    if tenancy.postcode and tenancy.postcode not in tenancy.address:
        return f"{tenancy.address}, {tenancy.postcode}"
    return tenancy.address


def _arrears_pence(session: Session, tenancy: Tenancy) -> int:
    total = session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount_pence), 0)).where(
            LedgerEntry.tenancy_id == tenancy.id
        )
    )
    return max(0, int(total or 0))


def _finished(
    session: Session, tenancy: Tenancy, assessment_id: uuid.UUID | None
) -> SavedAssessment:
    if assessment_id is None:
        held = read_latest_finished(session, tenancy.id)
        if held is None:
            raise IeDocumentError(f"case {tenancy.ref}: no finished I&E assessment to export")
        return held
    held = _held(session, assessment_id)
    if held.tenancy_id != tenancy.id:
        raise IeDocumentError(f"assessment {assessment_id}: belongs to another case")
    if not held.is_final:
        raise IeDocumentError(
            f"assessment {assessment_id}: still a draft; finish it before it is handed over"
        )
    return held


def _held(session: Session, assessment_id: uuid.UUID) -> SavedAssessment:
    try:
        return saved_of(session, assessment_row(session, assessment_id))
    except AssessmentRefused:
        raise IeDocumentError(f"assessment {assessment_id}: not on this laptop") from None


def _statement_for(
    session: Session,
    *,
    tenancy: Tenancy,
    held: SavedAssessment,
    employment: tuple[str, ...] = DEFAULT_EMPLOYMENT,
    employment_other: str | None = None,
) -> sd.SfsStatement:
    """The SFS statement of a held assessment, the client from the case's lead tenant."""
    value = held.assessment
    people = _people(session, tenancy)
    if not people:
        raise IeDocumentError(f"case {tenancy.ref}: no tenant is named on the tenancy")
    lead = people[0]
    if lead.date_of_birth is None:
        raise IeDocumentError(
            f"case {tenancy.ref}: client-date-of-birth: the lead tenant's date of birth is not "
            "held, and the SFS requires it; ask for it to be recorded before exporting"
        )
    adults = [p for p in people if _is_adult(p, value.assessed_on)]
    joint = len(adults) > 1 and value.household.adults >= 2
    partner = None
    if joint:
        other = adults[1] if adults[0] is lead else adults[0]
        partner = sd.Partner(name=_name(other), date_of_birth=other.date_of_birth)
    if employment_other is None:
        employment_other = DEFAULT_EMPLOYMENT_OTHER if "Other" in employment else ""
    try:
        client = sd.Client(
            name=_name(lead),
            date_of_birth=lead.date_of_birth,
            address=_address(tenancy),
            joint=joint,
            employment=tuple(employment),
            tenure=SOCIAL_TENURE,
            employment_other=employment_other,
            partner=partner,
        )
    except sd.SfsDocumentError as exc:
        raise IeDocumentError("; ".join(exc.problems)) from None
    return sd.SfsStatement(
        assessment=value,
        client=client,
        savings_considered=value.savings_pence > 0,
        notes=tuple(line for line in held.note.splitlines() if line.strip()),
        landlord=LANDLORD,
        rent_arrears_pence=_arrears_pence(session, tenancy),
    )


def export_sfs(
    workspace: Workspace,
    *,
    tenancy_ref: str,
    assessment_id: uuid.UUID | None = None,
    employment: tuple[str, ...] = DEFAULT_EMPLOYMENT,
    employment_other: str | None = None,
) -> str:
    """The case's latest finished assessment (or ``assessment_id``) as SFS v1.1 JSON text."""
    with workspace.store.transaction() as session:
        return _export(
            session,
            tenancy_ref=tenancy_ref,
            assessment_id=assessment_id,
            employment=employment,
            employment_other=employment_other,
        )


def _export(
    session: Session,
    *,
    tenancy_ref: str,
    assessment_id: uuid.UUID | None,
    employment: tuple[str, ...],
    employment_other: str | None,
) -> str:
    tenancy = _case(session, tenancy_ref)
    held = _finished(session, tenancy, assessment_id)
    statement = _statement_for(
        session,
        tenancy=tenancy,
        held=held,
        employment=employment,
        employment_other=employment_other,
    )
    try:
        document = sd.export_document(statement)
    except sd.SfsDocumentError as exc:
        raise IeDocumentError("; ".join(exc.problems)) from None
    from app.schemas.sfs_document import validate_document  # pydantic: loaded on first use

    problems = validate_document(document)
    if problems:  # a bug, never the officer's doing: refuse rather than hand over a bad file
        raise IeDocumentError("the export does not validate: " + "; ".join(problems))
    record_device_event(
        session,
        event="assessment.sfs_exported",
        entity_type="tenancy",
        entity_id=tenancy.id,
        detail={"assessment_id": held.id, "lines": len(held.assessment.lines)},
    )
    return sd.dumps_document(document) + "\n"


def _parse_json(text: str) -> object:
    from decimal import Decimal

    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise sd.SfsDocumentError(
            [f"(document): not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"]
        ) from None


def import_sfs(
    workspace: Workspace,
    *,
    tenancy_ref: str,
    document_text: str,
    assessed_on: date | None = None,
) -> SavedAssessment:
    """An adviser's SFS document as a new finished assessment of the case (source
    ``sfs-import``) made on ``assessed_on`` (default today), superseding the latest finished
    one, every monthly figure kept.

    Raises :class:`~app.domain.sfs_document.SfsDocumentError` listing every problem of a bad
    document, and :class:`IeDocumentError` when the case cannot take it; nothing is saved then.
    """
    from app.schemas.sfs_document import import_document  # pydantic: loaded on first use

    document = _parse_json(document_text)
    statement = import_document(  # validates first
        document, assessed_on=assessed_on or workspace.clock.today()
    )
    with workspace.store.transaction() as session:
        return _import(
            session, tenancy_ref=tenancy_ref, statement=statement, now=workspace.clock.now()
        )


def _import(
    session: Session, *, tenancy_ref: str, statement: sd.SfsStatement, now: datetime
) -> SavedAssessment:
    tenancy = _case(session, tenancy_ref)
    if open_draft_row(session, tenancy.id) is not None:
        raise IeDocumentError(
            f"case {tenancy.ref}: an I&E draft is open; finish or discard it before importing"
        )
    try:
        saved = add_finished(
            session,
            tenancy_id=tenancy.id,
            assessment=statement.assessment,
            source="sfs-import",
            note="\n".join(statement.notes),
            finalised_at=now,
        )
    except AssessmentRefused as exc:
        raise IeDocumentError(f"case {tenancy.ref}: {exc}") from None
    record_device_event(
        session,
        event="assessment.sfs_imported",
        entity_type="tenancy",
        entity_id=tenancy.id,
        detail={
            "assessment_id": saved.id,
            "supersedes_id": saved.supersedes_id,
            "lines": len(saved.assessment.lines),
            "debts": len(saved.assessment.priority_debts)
            + len(saved.assessment.non_priority_debts),
        },
    )
    return saved


def _summary_data(session: Session, *, held: SavedAssessment) -> SummaryData:
    """Who, where, when and by whom, for the tenant's summary."""
    tenancy = session.get(Tenancy, held.tenancy_id)
    if tenancy is None:
        raise IeDocumentError("this assessment's case is no longer on this laptop")
    people = _people(session, tenancy)
    officer = session.get(Officer, held.officer_id) if held.officer_id else None
    return SummaryData(
        case_ref=tenancy.ref,
        tenant_name=" and ".join(
            _name(p) for p in people if _is_adult(p, held.assessment.assessed_on)
        )
        or "(no tenant named)",
        address=_address(tenancy),
        officer_name=(officer.display_name or officer.username) if officer else "",
        assessed_on=held.assessment.assessed_on,
        source=held.source,
        note=held.note,
    )


def summary_pdf(workspace: Workspace, *, assessment_id: uuid.UUID) -> bytes:
    """The two-page summary of a finished assessment the tenant keeps (PDF bytes)."""
    with workspace.store.transaction() as session:
        return _summary_pdf(session, _held(session, assessment_id))


def case_summary_pdf(
    workspace: Workspace, *, tenancy_ref: str, assessment_id: uuid.UUID | None = None
) -> bytes:
    """:func:`summary_pdf` of the case's latest finished assessment (or ``assessment_id``)."""
    with workspace.store.transaction() as session:
        tenancy = _case(session, tenancy_ref)
        return _summary_pdf(session, _finished(session, tenancy, assessment_id))


def _summary_pdf(session: Session, held: SavedAssessment) -> bytes:
    from app.reports.ie_summary import build_ie_summary

    assessment_id = held.id
    if not held.is_final:
        raise IeDocumentError(f"assessment {assessment_id}: still a draft; finish it first")
    data = _summary_data(session, held=held)
    budget = sfs.assess(held.assessment)
    table = read_guidelines(session).in_force(held.assessment.assessed_on)
    check = check_guidelines(
        totals=budget.group_totals(), household=held.assessment.household, table=table
    )
    pdf = build_ie_summary(
        case_ref=data.case_ref,
        tenant_name=data.tenant_name,
        address=data.address,
        officer_name=data.officer_name,
        source=data.source,
        note=data.note,
        budget=budget,
        guidelines=check,
    )
    record_device_event(
        session,
        event="assessment.summary_printed",
        entity_type="tenancy",
        entity_id=held.tenancy_id,
        detail={"assessment_id": held.id},
    )
    return pdf

