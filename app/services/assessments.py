"""Income and expenditure assessments on the laptop: start, save as you type, finish, supersede.

Rules (issue 5; docs/design.md#data):

- An assessment starts as a ``draft``, copied forward from the case's latest finished one (or
  empty), and is saved as the officer types (:func:`save_draft` replaces the draft's lines and
  debts in one transaction, so a crash loses at most the last keystroke, never half a form).
- :func:`finish_assessment` makes it ``final``: append-only from then on. A correction is a new
  assessment that supersedes it (``supersedes_id``); nothing is overwritten.
- Monthly figures are never stored: :func:`app.domain.sfs.assess` works them out from the lines
  as entered, so every total can be explained and a rule fix never leaves stale figures.

- A finished assessment (made here, or an adviser's statement imported) is queued for the
  central store as ``assessment.add@1`` in the same transaction (``pending`` until it is
  acknowledged); the officer's other laptops then pull it. Drafts never leave the laptop.

Threading: plain functions over a Session passed in; the caller owns the transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import sfs
from app.models import AssessmentDebt, AssessmentLine, IncomeAssessment, SyncState, Tenancy
from app.models.assessment import write_figures
from app.models.types import utcnow
from app.services.audit import record_event
from app.services.outbox import append_mutation
from app.sync.intents import ADD_ASSESSMENT

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


def _row(session: Session, assessment_id: uuid.UUID) -> IncomeAssessment:
    row = session.get(IncomeAssessment, assessment_id)
    if row is None:
        raise AssessmentRefused("This assessment is not on the laptop.")
    return row


def _value(session: Session, row: IncomeAssessment) -> sfs.Assessment:
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


def _saved(session: Session, row: IncomeAssessment) -> SavedAssessment:
    return SavedAssessment(
        id=row.id,
        tenancy_id=row.tenancy_id,
        status=row.status,
        supersedes_id=row.supersedes_id,
        finalised_at=row.finalised_at,
        assessment=_value(session, row),
        source=row.source,
        officer_id=row.officer_id,
        note=row.note,
        pending=row.pending,
        sync_problem=row.sync_problem,
    )


def load_assessment(session: Session, *, assessment_id: uuid.UUID) -> SavedAssessment:
    """One assessment as held (draft or final)."""
    return _saved(session, _row(session, assessment_id))


def case_assessments(session: Session, *, tenancy_id: uuid.UUID) -> list[SavedAssessment]:
    """The case's assessments, newest first (drafts included)."""
    rows = session.scalars(
        select(IncomeAssessment)
        .where(IncomeAssessment.tenancy_id == tenancy_id)
        .order_by(IncomeAssessment.assessed_on.desc(), IncomeAssessment.created_at.desc())
    )
    return [_saved(session, row) for row in rows]


def _latest_final(session: Session, tenancy_id: uuid.UUID) -> IncomeAssessment | None:
    return session.scalars(
        select(IncomeAssessment)
        .where(IncomeAssessment.tenancy_id == tenancy_id, IncomeAssessment.status == FINAL)
        .order_by(IncomeAssessment.finalised_at.desc())
        .limit(1)
    ).first()


def start_assessment(
    session: Session, *, tenancy_id: uuid.UUID, on: date, copy_forward: bool = True
) -> SavedAssessment:
    """A new draft for the case on ``on``: the latest finished assessment's figures copied
    forward (it will supersede that one), or empty. An open draft is returned as it is."""
    if session.get(Tenancy, tenancy_id) is None:
        raise AssessmentRefused("This case is no longer in your caseload on this laptop.")
    open_draft = session.scalars(
        select(IncomeAssessment).where(
            IncomeAssessment.tenancy_id == tenancy_id, IncomeAssessment.status == DRAFT
        )
    ).first()
    if open_draft is not None:
        return _saved(session, open_draft)
    previous = _latest_final(session, tenancy_id)
    state = session.get(SyncState, 1)
    row = IncomeAssessment(
        id=uuid.uuid4(),
        tenancy_id=tenancy_id,
        status=DRAFT,
        assessed_on=on,
        supersedes_id=previous.id if previous is not None else None,
        officer_id=state.officer_id if state else None,
        note="",
        pending=False,
        server_seq=0,
        rent_offer_pence=None,
    )
    session.add(row)
    session.flush()
    base = _value(session, previous) if previous is not None and copy_forward else None
    value = (
        sfs.Assessment(
            assessed_on=on,
            household=base.household,
            lines=base.lines,
            savings_pence=base.savings_pence,
            admin_fee_pence=base.admin_fee_pence,
            priority_debts=base.priority_debts,
            non_priority_debts=base.non_priority_debts,
        )
        if base is not None
        else sfs.Assessment(assessed_on=on)
    )
    write_figures(session, row, value)
    return _saved(session, row)


def save_draft(session: Session, *, assessment_id: uuid.UUID, assessment: sfs.Assessment) -> None:
    """Replace a draft's figures with ``assessment`` (refused once it is final)."""
    row = _row(session, assessment_id)
    if row.status != DRAFT:
        raise AssessmentRefused(
            "This assessment is finished and cannot be changed; start a new one to correct it."
        )
    write_figures(session, row, assessment)


def finish_assessment(session: Session, *, assessment_id: uuid.UUID) -> SavedAssessment:
    """Make the draft final (append-only from now on); it supersedes the one it copied."""
    row = _row(session, assessment_id)
    if row.status != DRAFT:
        raise AssessmentRefused("This assessment is already finished.")
    value = _value(session, row)
    if not value.lines:
        raise AssessmentRefused("lines: enter at least one income or outgoing before finishing")
    content = _content(value)  # before anything changes: a refusal leaves the draft as it was
    row.status = FINAL
    row.finalised_at = utcnow()
    _queue(session, row, content)
    state = session.get(SyncState, 1)
    record_event(
        session,
        event="assessment.finished",
        officer_id=state.officer_id if state else None,
        device_id=state.device_id if state else None,
        entity_type="tenancy",
        entity_id=row.tenancy_id,
        detail={"assessment_id": row.id, "lines": len(value.lines)},
    )
    return _saved(session, row)


def latest_finished(session: Session, *, tenancy_id: uuid.UUID) -> SavedAssessment | None:
    """The case's latest finished assessment (the one in force), or None."""
    row = _latest_final(session, tenancy_id)
    return None if row is None else _saved(session, row)


def has_open_draft(session: Session, *, tenancy_id: uuid.UUID) -> bool:
    """True while the case has a draft being typed."""
    return (
        session.scalars(
            select(IncomeAssessment.id).where(
                IncomeAssessment.tenancy_id == tenancy_id, IncomeAssessment.status == DRAFT
            )
        ).first()
        is not None
    )


def add_finished_assessment(
    session: Session,
    *,
    tenancy_id: uuid.UUID,
    assessment: sfs.Assessment,
    source: str,
    note: str = "",
) -> SavedAssessment:
    """A finished assessment made elsewhere (``source`` ``"sfs-import"``: a debt adviser's
    statement), kept exactly as given; it supersedes the case's latest finished one."""
    if session.get(Tenancy, tenancy_id) is None:
        raise AssessmentRefused("This case is no longer in your caseload on this laptop.")
    if not assessment.lines:
        raise AssessmentRefused("lines: the statement has no income or outgoing in it")
    content = _content(assessment)
    previous = _latest_final(session, tenancy_id)
    state = session.get(SyncState, 1)
    row = IncomeAssessment(
        id=uuid.uuid4(),
        tenancy_id=tenancy_id,
        status=FINAL,
        assessed_on=assessment.assessed_on,
        supersedes_id=previous.id if previous is not None else None,
        source=source,
        officer_id=state.officer_id if state else None,
        note=note,
        pending=False,
        server_seq=0,
        rent_offer_pence=None,
        finalised_at=utcnow(),
    )
    session.add(row)
    session.flush()
    write_figures(session, row, assessment)
    _queue(session, row, content)
    session.flush()
    return _saved(session, row)


def _content(value: sfs.Assessment) -> dict[str, Any]:
    """The figures as the central store takes them (JSON-ready), checked against the wire's
    bounds first, so nothing is queued that the store would refuse for its shape; a refusal
    names the field."""
    from pydantic import ValidationError  # loaded on first use: keeps pydantic out of start-up

    from app.sync.protocol import AssessmentContent

    try:
        return AssessmentContent.of(value).model_dump(mode="json")
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error.get("loc", ())) or "assessment"
        raise AssessmentRefused(f"{where}: {error.get('msg', 'invalid')}") from None


def _queue(session: Session, row: IncomeAssessment, content: dict[str, Any]) -> None:
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


def discard_draft(session: Session, *, assessment_id: uuid.UUID) -> None:
    """Throw a draft away (a finished assessment can never be deleted)."""
    row = _row(session, assessment_id)
    if row.status != DRAFT:
        raise AssessmentRefused("A finished assessment is kept; start a new one to correct it.")
    session.delete(row)
