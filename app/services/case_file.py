"""One case opened in full: who lives there, the account, the advice, the statement, the history.

:func:`open_case` reads one tenancy with its people, ledger, arrangements and actions (a few
indexed statements), runs the recovery rules for ``as_of``, and records a ``case.viewed`` audit
event (every read of a case is audited, DESIGN.md Security). Everything returned is immutable
plain values, money in integer pence.

Threading: a plain function over a Session passed in; the caller owns the transaction (the
audit event is added to it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.arrangement_watch import ArrangementTerms
from app.domain.case_actions import ACTION_KINDS
from app.domain.recovery import Recommendation, RecoveryPolicy, recommend
from app.models import CaseAction, LedgerEntry, Person, SyncState, Tenancy
from app.services.audit import record_event
from app.services.case_facts import load_cases
from app.services.caseload import display_name


class CaseNotFound(LookupError):
    """The case is not on this device (it left the officer's caseload)."""


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


@dataclass(frozen=True, slots=True)
class ActionLine:
    """An action on the case; ``pending`` while it waits to reach the central store."""

    id: uuid.UUID
    on: date
    code: str
    label: str
    until: date | None
    until_label: str
    note: str
    source: str
    pending: bool


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

    @property
    def lead_name(self) -> str:
        leads = [p.name for p in self.people if p.is_lead]
        return leads[0] if leads else (self.people[0].name if self.people else "")


def open_case(
    session: Session, *, tenancy_id: uuid.UUID, policy: RecoveryPolicy, as_of: date
) -> CaseFile:
    """The case in full on ``as_of``; raises :class:`CaseNotFound` when it is not held here."""
    tenancy = session.get(Tenancy, tenancy_id)
    if tenancy is None:
        raise CaseNotFound("This case is no longer in your caseload on this laptop.")
    loaded = load_cases(session, today=as_of, tenancy_ids=[tenancy_id])[tenancy_id]
    advice = recommend(loaded.facts, policy, as_of)

    people = tuple(
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
    statement: list[StatementLine] = []
    balance = 0
    for posted_on, kind, description, amount in session.execute(
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
        statement.append(StatementLine(posted_on, kind, description or "", amount, balance))

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
                note=row.note or "",
                source=row.source,
                pending=row.pending,
            )
        )

    state = session.get(SyncState, 1)
    record_event(
        session,
        event="case.viewed",
        officer_id=state.officer_id if state else None,
        device_id=state.device_id if state else None,
        entity_type="tenancy",
        entity_id=tenancy_id,
    )
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
        people=people,
        advice=advice,
        statement=tuple(statement),
        actions=tuple(actions),
        arrangements=tuple(loaded.facts.arrangements),
    )
