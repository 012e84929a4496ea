"""One case opened in full: who lives there, the account, the advice, the statement, the history.

:func:`open_case` reads one tenancy with its people, ledger, arrangements and actions (a few
indexed statements), runs the recovery rules for ``as_of``, and records a ``case.viewed`` audit
event (every read of a case is audited, docs/design.md#security). Everything returned is immutable
plain values, money in integer pence.

Threading: blocking (one local transaction, which also holds the audit event); call it off the
GUI thread.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.arrangement_watch import ArrangementTerms
from app.domain.case_actions import ACTION_KINDS, with_support_need
from app.domain.recovery import Recommendation, RecoveryPolicy, recommend
from app.domain.rent_account import (
    ADJUSTMENT,
    COURT_COSTS,
    DHP,
    HB,
    PAYMENT,
    RECHARGE,
    REFUND,
    RENT,
    SERVICE,
    UC,
    WRITE_OFF,
)
from app.domain.timeline import TimelineEntry
from app.models import CaseAction, IncomeAssessment, LedgerEntry, Person, Tenancy
from app.services._case_timeline import read_timeline
from app.services._caseload_rows import display_name, load_cases
from app.services.workspace import Workspace
from app.store.audit import record_device_event
from app.store.database import plain_connection_of


class CaseNotFound(LookupError):
    """The case is not on this device (it left the officer's caseload)."""


#: Ledger line types in words, for the statement.
LINE_TYPE_LABELS: dict[str, str] = {
    RENT: "Rent",
    SERVICE: "Service charge",
    COURT_COSTS: "Court costs",
    RECHARGE: "Recharge",
    PAYMENT: "Payment",
    HB: "Housing Benefit",
    UC: "Universal Credit",
    DHP: "Discretionary Housing Payment",
    ADJUSTMENT: "Adjustment",
    WRITE_OFF: "Write-off",
    REFUND: "Refund",
}

#: The statement's line groups, in the order a type filter offers them: (code, label).
#: Every line belongs to exactly one group (an unknown type counts as an adjustment).
STATEMENT_GROUPS: tuple[tuple[str, str], ...] = (
    ("charge", "Charges"),
    ("payment", "Payments by the tenant"),
    ("benefit", "Benefit (HB, UC, DHP)"),
    ("adjustment", "Adjustments, write-offs, refunds"),
)
_GROUP_OF_TYPE = {
    RENT: "charge",
    SERVICE: "charge",
    COURT_COSTS: "charge",
    RECHARGE: "charge",
    PAYMENT: "payment",
    HB: "benefit",
    UC: "benefit",
    DHP: "benefit",
}


@dataclass(frozen=True, slots=True)
class CaseWarning:
    """A warning for the case header. ``kind`` is ``safety``, ``vulnerability``,
    ``breathing_space`` or ``other``; ``text`` is the domain's sentence (dates, notes, ends)."""

    kind: str
    text: str


_WARNING_KINDS = (
    # (kind, the advice flag that says it applies, how the domain's sentence starts)
    ("safety", "safety_warning", "Officer-safety warning"),
    ("vulnerability", "vulnerable", "Vulnerability recorded"),
    ("breathing_space", "breathing_space", "Breathing Space"),
)
_WARNING_FALLBACK = {
    "safety": "Officer-safety warning recorded",
    "vulnerability": "Vulnerability recorded",
    "breathing_space": "Breathing Space in force",
}


def case_warnings(advice: Recommendation) -> tuple[CaseWarning, ...]:
    """Every warning of a recommendation, most serious first: officer safety, vulnerability,
    Breathing Space (each present exactly when the recommendation's flag says so), then the
    others in the domain's order. The flags decide; the domain's sentences are the text."""
    remaining = list(advice.warnings)
    found: list[CaseWarning] = []
    for kind, flag, prefix in _WARNING_KINDS:
        matches = [text for text in remaining if text.startswith(prefix)]
        if not getattr(advice, flag):
            continue
        for text in matches:
            remaining.remove(text)
        texts = matches or [_WARNING_FALLBACK[kind]]
        found.extend(CaseWarning(kind, text) for text in texts)
    found.extend(CaseWarning("other", text) for text in remaining)
    return tuple(found)


@dataclass(frozen=True, slots=True)
class PersonLine:
    name: str
    is_lead: bool
    date_of_birth: date | None
    phone: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class StatementLine:
    """A ledger line with the balance after it (lines in posting order)."""

    posted_on: date
    type: str
    description: str
    amount_pence: int
    balance_pence: int

    @property
    def group(self) -> str:
        """The line's code in :data:`STATEMENT_GROUPS` (``charge``, ``payment``, ...)."""
        return _GROUP_OF_TYPE.get(self.type, "adjustment")

    @property
    def type_label(self) -> str:
        """The line type in words ("Housing Benefit"); an unknown type as it is."""
        return LINE_TYPE_LABELS.get(self.type, self.type)


@dataclass(frozen=True, slots=True)
class ActionLine:
    """An action on the case; ``pending`` while it waits to reach the central store;
    ``sync_problem`` says why the central store refused it (None unless it did)."""

    id: uuid.UUID
    on: date
    code: str
    label: str
    until: date | None
    until_label: str
    note: str
    source: str
    pending: bool
    sync_problem: str | None = None
    # The date of the income and expenditure a referral was sent with (None for other actions).
    assessment_on: date | None = None


@dataclass(frozen=True, slots=True)
class FinishedAssessment:
    """The case's latest finished income and expenditure: what a referral can hand over.
    ``pending`` while it waits to reach the central store; ``sync_problem`` says why the
    store refused it (None unless it did)."""

    id: uuid.UUID
    assessed_on: date
    source: str
    pending: bool
    sync_problem: str | None


@dataclass(frozen=True, slots=True)
class CaseFile:
    """Everything the case view shows. ``actions`` newest first; ``statement`` oldest first."""

    tenancy_id: uuid.UUID
    ref: str
    address: str
    postcode: str
    tenure: str
    start_date: date
    end_date: date | None
    patch: str | None
    weekly_rent_pence: int
    weekly_service_charge_pence: int
    rent_weeks: int
    people: tuple[PersonLine, ...]
    advice: Recommendation
    statement: tuple[StatementLine, ...]
    actions: tuple[ActionLine, ...]
    arrangements: tuple[ArrangementTerms, ...]
    assessment: FinishedAssessment | None = None
    timeline: tuple[TimelineEntry, ...] = ()

    @property
    def warnings(self) -> tuple[CaseWarning, ...]:
        """The advice's warnings, most serious first (:func:`case_warnings`)."""
        return case_warnings(self.advice)

    @property
    def lead_name(self) -> str:
        leads = [p.name for p in self.people if p.is_lead]
        return leads[0] if leads else (self.people[0].name if self.people else "")


def open_case(
    workspace: Workspace, *, tenancy_id: uuid.UUID, policy: RecoveryPolicy, as_of: date
) -> CaseFile:
    """The case in full on ``as_of``; raises :class:`CaseNotFound` when it is not held here."""
    with workspace.store.transaction() as session:
        return _open(session, tenancy_id=tenancy_id, policy=policy, as_of=as_of)


def _open(
    session: Session, *, tenancy_id: uuid.UUID, policy: RecoveryPolicy, as_of: date
) -> CaseFile:
    tenancy = session.get(Tenancy, tenancy_id)
    if tenancy is None:
        raise CaseNotFound("This case is no longer in your caseload on this laptop.")
    loaded = load_cases(plain_connection_of(session), today=as_of, tenancy_ids=[tenancy_id])[
        tenancy_id
    ]
    finished = _finished_assessments(session, tenancy_id)
    record_device_event(session, event="case.viewed", entity_type="tenancy", entity_id=tenancy_id)
    latest = finished[0] if finished else None
    actions = _actions(session, tenancy_id, {row.id: row.assessed_on for row in finished})
    statement = _statement(session, tenancy_id)
    return CaseFile(
        tenancy_id=tenancy_id,
        ref=tenancy.ref,
        address=tenancy.address,
        postcode=tenancy.postcode,
        tenure=tenancy.tenure,
        start_date=tenancy.start_date,
        end_date=tenancy.end_date,
        patch=tenancy.patch,
        weekly_rent_pence=tenancy.weekly_rent_pence,
        weekly_service_charge_pence=tenancy.weekly_service_charge_pence,
        rent_weeks=tenancy.rent_weeks,
        people=_people(session, tenancy_id),
        advice=recommend(loaded.facts, policy, as_of),
        statement=statement,
        actions=actions,
        arrangements=tuple(loaded.facts.arrangements),
        assessment=None
        if latest is None
        else FinishedAssessment(
            id=latest.id,
            assessed_on=latest.assessed_on,
            source=latest.source,
            pending=latest.pending,
            sync_problem=latest.sync_problem,
        ),
        timeline=read_timeline(
            session,
            tenancy_id=tenancy_id,
            as_of=as_of,
            policy=policy,
            actions=actions,
            ledger=((line.posted_on, line.type, line.amount_pence) for line in statement),
        ),
    )


def _people(session: Session, tenancy_id: uuid.UUID) -> tuple[PersonLine, ...]:
    """Everyone on the tenancy, the lead tenant first, then by name."""
    return tuple(
        PersonLine(
            name=display_name(p.title, p.first_name, p.last_name),
            is_lead=p.is_lead,
            date_of_birth=p.date_of_birth,
            phone=p.phone,
            email=p.email,
        )
        for p in session.scalars(
            select(Person)
            .where(Person.tenancy_id == tenancy_id)
            .order_by(Person.is_lead.desc(), Person.last_name, Person.first_name)
        )
    )


def _statement(session: Session, tenancy_id: uuid.UUID) -> tuple[StatementLine, ...]:
    """Every ledger line in date order, each with the running balance after it."""
    statement: list[StatementLine] = []
    balance = 0
    for posted_on, line_type, description, amount in session.execute(
        select(
            LedgerEntry.posted_on,
            LedgerEntry.type,
            LedgerEntry.description,
            LedgerEntry.amount_pence,
        )
        .where(LedgerEntry.tenancy_id == tenancy_id)
        .order_by(LedgerEntry.posted_on, LedgerEntry.server_seq)
    ).tuples():
        balance += amount
        statement.append(StatementLine(posted_on, line_type, description or "", amount, balance))
    return tuple(statement)


def _finished_assessments(session: Session, tenancy_id: uuid.UUID) -> list[IncomeAssessment]:
    """The case's finished assessments, the latest first."""
    return list(
        session.scalars(
            select(IncomeAssessment)
            .where(IncomeAssessment.tenancy_id == tenancy_id, IncomeAssessment.status == "final")
            .order_by(IncomeAssessment.finalised_at.desc())
        )
    )


def _actions(
    session: Session, tenancy_id: uuid.UUID, assessed_on: dict[uuid.UUID, date]
) -> tuple[ActionLine, ...]:
    """The case's actions, the latest first; a referral names the I&E sent with it."""
    actions = []
    for row in session.scalars(
        select(CaseAction)
        .where(CaseAction.tenancy_id == tenancy_id)
        .order_by(CaseAction.on_date.desc(), CaseAction.recorded_at.desc(), CaseAction.ref)
    ):
        kind = ACTION_KINDS.get(row.code)
        actions.append(
            ActionLine(
                id=row.id,
                on=row.on_date,
                code=row.code,
                label=kind.label if kind else row.code,
                until=row.until,
                until_label=kind.until_label if kind else "",
                note=with_support_need(row.note or "", row.support_need, row.learned_from),
                source=row.source,
                pending=row.pending,
                sync_problem=row.sync_problem,
                assessment_on=assessed_on.get(row.assessment_id) if row.assessment_id else None,
            )
        )
    return tuple(actions)
