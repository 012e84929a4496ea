"""I&E rows read and written inside a use case's transaction (package-private).

The building blocks that :mod:`app.services.assessments`, :mod:`app.services.arrangements` and
:mod:`app.services.ie_documents` share: an assessment row as the domain's value, the case's
latest finished one, adding a finished one and queueing it for the central store, and the
spending guidelines held. Every function takes the Session of the calling service's
transaction and never commits.

Threading: on the thread that owns the Session.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import sfs
from app.domain.guidelines import GuidelineRow, GuidelineSet, guideline_set
from app.domain.text import text_problem
from app.models import (
    AssessmentDebt,
    AssessmentLine,
    GuidelineFigure,
    IncomeAssessment,
    SyncState,
    Tenancy,
)
from app.models.assessment import write_figures
from app.protocol.intents import ADD_ASSESSMENT
from app.sync.outbox import append_mutation

DRAFT = "draft"
FINAL = "final"


class AssessmentRefused(ValueError):
    """The assessment cannot be changed or saved; the message says why."""


@dataclass(frozen=True, slots=True)
class SavedAssessment:
    """An assessment as held: its identity and status, and the domain's input value."""

    id: uuid.UUID
    tenancy_id: uuid.UUID
    status: str
    supersedes_id: uuid.UUID | None
    finalised_at: datetime | None
    assessment: sfs.Assessment
    source: str = "device"
    officer_id: uuid.UUID | None = None
    note: str = ""
    pending: bool = False  # finished here, waiting to reach the central store
    sync_problem: str | None = None  # why the central store refused it

    @property
    def is_final(self) -> bool:
        return self.status == FINAL


def assessment_row(session: Session, assessment_id: uuid.UUID) -> IncomeAssessment:
    row = session.get(IncomeAssessment, assessment_id)
    if row is None:
        raise AssessmentRefused("This assessment is not on the laptop.")
    return row


def figures_of(session: Session, row: IncomeAssessment) -> sfs.Assessment:
    """The row's lines and debts as the domain's assessment value."""
    lines = tuple(
        sfs.Line(line.heading, line.amount_pence, sfs.parse_frequency(line.frequency), line.note)
        for line in session.scalars(
            select(AssessmentLine)
            .where(AssessmentLine.assessment_id == row.id)
            .order_by(AssessmentLine.position)
        )
    )
    debts = list(
        session.scalars(
            select(AssessmentDebt)
            .where(AssessmentDebt.assessment_id == row.id)
            .order_by(AssessmentDebt.position)
        )
    )
    return sfs.Assessment(
        assessed_on=row.assessed_on,
        household=sfs.Household(
            adults=row.adults,
            children_under_16=row.children_under_16,
            children_16_18=row.children_16_18,
            other_dependants=row.other_dependants,
            non_dependants=row.non_dependants,
            vehicles=row.vehicles,
        ),
        lines=lines,
        savings_pence=row.savings_pence,
        admin_fee_pence=row.admin_fee_pence,
        priority_debts=tuple(
            sfs.PriorityDebt(d.creditor, d.owed_pence, d.offer_pence, d.note)
            for d in debts
            if d.priority
        ),
        non_priority_debts=tuple(
            sfs.NonPriorityDebt(d.creditor, d.owed_pence, d.offer_pence, d.ccj, d.note)
            for d in debts
            if not d.priority
        ),
        rent_offer_pence=row.rent_offer_pence,
    )


def saved_of(session: Session, row: IncomeAssessment) -> SavedAssessment:
    return SavedAssessment(
        id=row.id,
        tenancy_id=row.tenancy_id,
        status=row.status,
        supersedes_id=row.supersedes_id,
        finalised_at=row.finalised_at,
        assessment=figures_of(session, row),
        source=row.source,
        officer_id=row.officer_id,
        note=row.note,
        pending=row.pending,
        sync_problem=row.sync_problem,
    )


def latest_final_row(session: Session, tenancy_id: uuid.UUID) -> IncomeAssessment | None:
    return session.scalars(
        select(IncomeAssessment)
        .where(IncomeAssessment.tenancy_id == tenancy_id, IncomeAssessment.status == FINAL)
        .order_by(IncomeAssessment.finalised_at.desc())
        .limit(1)
    ).first()


def read_latest_finished(session: Session, tenancy_id: uuid.UUID) -> SavedAssessment | None:
    """The case's latest finished assessment (the one in force), or None."""
    row = latest_final_row(session, tenancy_id)
    return None if row is None else saved_of(session, row)


def open_draft_row(session: Session, tenancy_id: uuid.UUID) -> IncomeAssessment | None:
    """The case's draft being typed, or None (a case has at most one)."""
    return session.scalars(
        select(IncomeAssessment).where(
            IncomeAssessment.tenancy_id == tenancy_id, IncomeAssessment.status == DRAFT
        )
    ).first()


def add_finished(
    session: Session,
    *,
    tenancy_id: uuid.UUID,
    assessment: sfs.Assessment,
    source: str,
    note: str,
    finalised_at: datetime,
) -> SavedAssessment:
    """A finished assessment made elsewhere (``source`` ``"sfs-import"``: a debt adviser's
    statement), kept exactly as given; it supersedes the case's latest finished one."""
    if session.get(Tenancy, tenancy_id) is None:
        raise AssessmentRefused("This case is no longer in your caseload on this laptop.")
    if not assessment.lines:
        raise AssessmentRefused("lines: the statement has no income or outgoing in it")
    problem = text_problem(note)
    if problem is not None:
        raise AssessmentRefused(f"text: the statement's notes: {problem}")
    content = wire_content(assessment)
    previous = latest_final_row(session, tenancy_id)
    row = new_assessment_row(
        session,
        tenancy_id=tenancy_id,
        status=FINAL,
        assessed_on=assessment.assessed_on,
        supersedes=previous,
        source=source,
        note=note,
        finalised_at=finalised_at,
    )
    write_figures(session, row, assessment)
    queue_for_central(session, row, content)
    session.flush()
    return saved_of(session, row)


def new_assessment_row(
    session: Session,
    *,
    tenancy_id: uuid.UUID,
    status: str,
    assessed_on: date,
    supersedes: IncomeAssessment | None,
    source: str = "device",
    note: str = "",
    finalised_at: datetime | None = None,
) -> IncomeAssessment:
    """A new assessment of the case by this device's officer, superseding ``supersedes`` once
    finished; added and flushed, with no figures yet."""
    state = session.get(SyncState, 1)
    row = IncomeAssessment(
        id=uuid.uuid4(),
        tenancy_id=tenancy_id,
        status=status,
        assessed_on=assessed_on,
        supersedes_id=supersedes.id if supersedes is not None else None,
        source=source,
        officer_id=state.officer_id if state else None,
        note=note,
        pending=False,
        server_seq=0,
        rent_offer_pence=None,
        finalised_at=finalised_at,
    )
    session.add(row)
    session.flush()
    return row


def wire_content(value: sfs.Assessment) -> dict[str, Any]:
    """The figures as the central store takes them (JSON-ready), checked against the wire's
    bounds first, so nothing is queued that the store would refuse for its shape; a refusal
    names the field (a note or name that cannot be kept, the line or debt it is on)."""
    problem = sfs.text_problem_of(value)
    if problem is not None:
        raise AssessmentRefused(f"text: {problem}")
    from app.protocol.messages import AssessmentContent
    from app.pydantic_once import (
        ValidationError,  # loaded on first use: keeps pydantic out of start-up
    )

    try:
        return AssessmentContent.of(value).model_dump(mode="json")
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error.get("loc", ())) or "assessment"
        raise AssessmentRefused(f"{where}: {error.get('msg', 'invalid')}") from None


def queue_for_central(session: Session, row: IncomeAssessment, content: dict[str, Any]) -> None:
    """Queue the finished ``row`` for the central store (``assessment.add@1``), pending."""
    assert row.finalised_at is not None
    row.pending = True
    row.sync_problem = None
    append_mutation(
        session,
        intent=ADD_ASSESSMENT,
        args={
            "assessment_id": str(row.id),
            "tenancy_id": str(row.tenancy_id),
            "assessed_on": row.assessed_on.isoformat(),
            "source": row.source,
            "supersedes_id": str(row.supersedes_id) if row.supersedes_id else None,
            "finalised_at": row.finalised_at.isoformat(),
            "note": row.note,
            "content": content,
        },
        entity_ids=[row.id, row.tenancy_id, *([row.supersedes_id] if row.supersedes_id else [])],
    )


def read_guidelines(session: Session) -> GuidelineSet:
    """Every imported spending-guideline figure as the domain's set (empty when none: checks
    then warn)."""
    return guideline_set(
        GuidelineRow(f.category, f.household_key, f.amount_pence, f.effective_from)
        for f in session.scalars(
            select(GuidelineFigure).order_by(
                GuidelineFigure.effective_from, GuidelineFigure.category
            )
        )
    )
