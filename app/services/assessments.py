"""Income and expenditure assessments on the laptop: open, save as you type, finish, supersede.

Rules (issue 5; docs/design.md#data):

- An assessment starts as a ``draft``, copied forward from the case's latest finished one (or
  empty), and is saved as the officer types (:func:`save_draft` replaces the draft's lines and
  debts in one transaction, so a crash loses at most the last keystroke, never half a form).
- :func:`finish_assessment` saves the figures typed and makes the draft ``final`` in one
  transaction: append-only from then on, or, if refused, nothing changed. A correction is a
  new assessment that supersedes it (``supersedes_id``); nothing is overwritten.
- Monthly figures are never stored: :func:`app.domain.sfs.assess` works them out from the lines
  as entered, so every total can be explained and a rule fix never leaves stale figures.
- A finished assessment (made here, or an adviser's statement imported) is queued for the
  central store as ``assessment.add@1`` in the same transaction (``pending`` until it is
  acknowledged); the officer's other laptops then pull it. Drafts never leave the laptop.

Threading: blocking (each call is one local transaction of its own); call them off the GUI
thread.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import sfs
from app.domain.display import format_pence
from app.domain.guidelines import GuidelineSet, check_guidelines, uncommented_flags
from app.models import IncomeAssessment, Tenancy
from app.models.assessment import write_figures
from app.services._ie_rows import (
    DRAFT,
    FINAL,
    AssessmentRefused,
    SavedAssessment,
    assessment_row,
    figures_of,
    latest_final_row,
    new_assessment_row,
    open_draft_row,
    queue_for_central,
    read_guidelines,
    read_latest_finished,
    saved_of,
    wire_content,
)
from app.services.workspace import Workspace
from app.store.audit import record_device_event


@dataclass(frozen=True, slots=True)
class AssessmentOpened:
    """The assessment the form shows, and the spending guidelines held to check it against."""

    saved: SavedAssessment
    guidelines: GuidelineSet


def load_assessment(workspace: Workspace, *, assessment_id: uuid.UUID) -> SavedAssessment:
    """One assessment as held (draft or final)."""
    with workspace.store.transaction() as session:
        return saved_of(session, assessment_row(session, assessment_id))


def case_assessments(workspace: Workspace, *, tenancy_id: uuid.UUID) -> list[SavedAssessment]:
    """The case's assessments, newest first (drafts included)."""
    with workspace.store.transaction() as session:
        rows = session.scalars(
            select(IncomeAssessment)
            .where(IncomeAssessment.tenancy_id == tenancy_id)
            .order_by(IncomeAssessment.assessed_on.desc(), IncomeAssessment.created_at.desc())
        )
        return [saved_of(session, row) for row in rows]


def latest_finished(workspace: Workspace, *, tenancy_id: uuid.UUID) -> SavedAssessment | None:
    """The case's latest finished assessment (the one in force), or None."""
    with workspace.store.transaction() as session:
        return read_latest_finished(session, tenancy_id)


def open_assessment(
    workspace: Workspace, *, tenancy_id: uuid.UUID, new: bool = False, copy_forward: bool = True
) -> AssessmentOpened:
    """What the I&E form opens on, with the guidelines held.

    By default: the case's draft, else its latest finished assessment (read-only), else a new
    draft. With ``new``: a new draft dated today (:func:`start_assessment`'s rules).
    """
    with workspace.store.transaction() as session:
        if new:
            chosen = _start(
                session,
                tenancy_id=tenancy_id,
                on=workspace.clock.today(),
                copy_forward=copy_forward,
            )
        else:
            chosen = _open_or_start(session, tenancy_id=tenancy_id, on=workspace.clock.today())
        return AssessmentOpened(chosen, read_guidelines(session))


def start_assessment(
    workspace: Workspace,
    *,
    tenancy_id: uuid.UUID,
    on: date | None = None,
    copy_forward: bool = True,
) -> SavedAssessment:
    """A new draft for the case on ``on`` (default today): the latest finished assessment's
    figures copied forward (it will supersede that one), or empty. An open draft is returned
    as it is."""
    with workspace.store.transaction() as session:
        return _start(
            session,
            tenancy_id=tenancy_id,
            on=on or workspace.clock.today(),
            copy_forward=copy_forward,
        )


def save_draft(
    workspace: Workspace, *, assessment_id: uuid.UUID, assessment: sfs.Assessment
) -> None:
    """Replace a draft's figures with ``assessment`` (refused once it is final)."""
    with workspace.store.transaction() as session:
        row = _draft_row(session, assessment_id)
        write_figures(session, row, assessment)


def finish_assessment(
    workspace: Workspace,
    *,
    assessment_id: uuid.UUID,
    assessment: sfs.Assessment | None = None,
) -> SavedAssessment:
    """Save ``assessment`` (when given) into the draft and make it final, in one transaction:
    append-only from now on, superseding the one it copied. Refused (nothing changed) when it
    has no lines, when spending above a guideline has no comment, or when it holds figures the
    central store would refuse."""
    with workspace.store.transaction() as session:
        row = _draft_row(session, assessment_id, finished="This assessment is already finished.")
        if assessment is not None:
            write_figures(session, row, assessment)
        value = figures_of(session, row)
        if not value.lines:
            raise AssessmentRefused(
                "lines: enter at least one income or outgoing before finishing"
            )
        _refuse_uncommented(session, value)
        content = wire_content(value)  # refused for its shape: the transaction rolls back
        row.status = FINAL
        row.finalised_at = workspace.clock.now()
        queue_for_central(session, row, content)
        record_device_event(
            session,
            event="assessment.finished",
            entity_type="tenancy",
            entity_id=row.tenancy_id,
            detail={"assessment_id": row.id, "lines": len(value.lines)},
        )
        return saved_of(session, row)


def discard_draft(workspace: Workspace, *, assessment_id: uuid.UUID) -> None:
    """Throw a draft away (a finished assessment can never be deleted)."""
    with workspace.store.transaction() as session:
        row = _draft_row(
            session,
            assessment_id,
            finished="A finished assessment is kept; start a new one to correct it.",
        )
        session.delete(row)


def _refuse_uncommented(session: Session, value: sfs.Assessment) -> None:
    """Spending above a guideline in force must say why before the assessment is finished."""
    budget = sfs.assess(value)
    check = check_guidelines(
        totals=budget.group_totals(),
        household=value.household,
        table=read_guidelines(session).in_force(value.assessed_on),
    )
    missing = uncommented_flags(check, budget)
    if missing:
        listed = ", ".join(
            f"{flag.label} ({format_pence(flag.over_pence)} above guideline)" for flag in missing
        )
        raise AssessmentRefused(
            f"comments: a comment is required for {listed}. Add a note on one of its lines "
            "saying why."
        )


def _draft_row(
    session: Session,
    assessment_id: uuid.UUID,
    *,
    finished: str = (
        "This assessment is finished and cannot be changed; start a new one to correct it."
    ),
) -> IncomeAssessment:
    row = assessment_row(session, assessment_id)
    if row.status != DRAFT:
        raise AssessmentRefused(finished)
    return row


def _open_or_start(session: Session, *, tenancy_id: uuid.UUID, on: date) -> SavedAssessment:
    draft = open_draft_row(session, tenancy_id)
    if draft is not None:
        return saved_of(session, draft)
    latest = latest_final_row(session, tenancy_id)
    if latest is not None:
        return saved_of(session, latest)
    return _start(session, tenancy_id=tenancy_id, on=on, copy_forward=True)


def _start(
    session: Session, *, tenancy_id: uuid.UUID, on: date, copy_forward: bool
) -> SavedAssessment:
    if session.get(Tenancy, tenancy_id) is None:
        raise AssessmentRefused("This case is no longer in your caseload on this laptop.")
    open_draft = open_draft_row(session, tenancy_id)
    if open_draft is not None:
        return saved_of(session, open_draft)
    previous = latest_final_row(session, tenancy_id)
    row = new_assessment_row(
        session, tenancy_id=tenancy_id, status=DRAFT, assessed_on=on, supersedes=previous
    )
    base = figures_of(session, previous) if previous is not None and copy_forward else None
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
    return saved_of(session, row)


__all__ = [
    "DRAFT",
    "FINAL",
    "AssessmentOpened",
    "AssessmentRefused",
    "SavedAssessment",
    "case_assessments",
    "discard_draft",
    "finish_assessment",
    "latest_finished",
    "load_assessment",
    "open_assessment",
    "save_draft",
    "start_assessment",
]
