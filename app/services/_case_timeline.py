"""Reading a case's one timeline: contacts, actions, promises, referrals, follow-ups and
arrangements (package-private: a Session-level part of ``open_case``).

Read inside the case's own transaction (:func:`read_timeline`, called by ``open_case``), newest
first. Only versions in force are shown (a corrected contact once, as corrected; a follow-up
marked done once, as done); an arrangement shows once per version agreed and once when it was
cancelled, never its terms twice. Each entry says who recorded it and whether it is still
waiting to reach the central store or was refused by it.

Threading: plain functions over a Session the caller owns.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.display import format_day, format_pence
from app.domain.recovery import RecoveryPolicy
from app.domain.timeline import TimelineEntry
from app.domain.visits import (
    CONTACT_HOW,
    CONTACT_OUTCOMES,
    REFERRAL_KINDS,
    REFERRAL_OUTCOMES,
    follow_up_state,
    judge_promise,
    payments_from_ledger,
)
from app.models import (
    Arrangement,
    Contact,
    FollowUp,
    PaymentPromise,
    Person,
    Referral,
)
from app.models.visits import VisitRecordMixin
from app.services._caseload_rows import display_name

_FREQUENCY = {
    "weekly": "a week",
    "fortnightly": "a fortnight",
    "four_weekly": "every four weeks",
    "monthly": "a month",
}


class _ActionLike(Protocol):
    """What the timeline reads of an action (``app.services.case_file.ActionLine``)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def on(self) -> date: ...
    @property
    def label(self) -> str: ...
    @property
    def note(self) -> str: ...
    @property
    def until(self) -> date | None: ...
    @property
    def until_label(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def pending(self) -> bool: ...
    @property
    def sync_problem(self) -> str | None: ...


Record = TypeVar("Record", bound=VisitRecordMixin)


def read_timeline(
    session: Session,
    *,
    tenancy_id: uuid.UUID,
    as_of: date,
    policy: RecoveryPolicy,
    actions: Iterable[_ActionLike],
    ledger: Iterable[tuple[date, str, int]],
) -> tuple[TimelineEntry, ...]:
    """Everything on the case, newest first (the case's actions and its ledger lines
    ``(posted_on, type, amount_pence)``, already read, are passed in)."""
    people = {
        p.id: display_name(p.title, p.first_name, p.last_name)
        for p in session.scalars(select(Person).where(Person.tenancy_id == tenancy_id))
    }
    entries = [_action_entry(action) for action in actions]
    contacts = _in_force(session, Contact, tenancy_id)
    twice = _corrected_twice(contacts)
    entries += [_contact_entry(row, people, row.supersedes_id in twice) for row in contacts]
    entries += _promise_entries(session, tenancy_id, as_of, policy, ledger)
    entries += [_referral_entry(row) for row in _in_force(session, Referral, tenancy_id)]
    entries += [_follow_up_entry(row, as_of) for row in _in_force(session, FollowUp, tenancy_id)]
    entries += _arrangement_entries(session, tenancy_id)
    entries.sort(key=lambda e: e.order, reverse=True)
    return tuple(entries)


def _in_force(session: Session, kind: type[Record], tenancy_id: uuid.UUID) -> list[Record]:
    """The case's versions of ``kind`` that no accepted later version replaces."""
    rows = list(session.scalars(select(kind).where(kind.tenancy_id == tenancy_id)))
    replaced = {r.supersedes_id for r in rows if r.supersedes_id and r.sync_problem is None}
    return [r for r in rows if r.id not in replaced]


def _sync(pending: bool, problem: str | None) -> str:
    if problem:
        return f"refused: {problem}"
    return "waiting to sync" if pending else ""


def _stamp(row: VisitRecordMixin) -> str:
    return row.recorded_at.isoformat() if row.recorded_at else ""


def _action_entry(action: _ActionLike) -> TimelineEntry:
    detail = action.note
    if action.until is not None:
        until = f"{action.until_label or 'Until'}: {format_day(action.until)}"
        detail = f"{until}. {detail}" if detail else until
    return TimelineEntry(
        on=action.on,
        kind="action",
        title=action.label,
        detail=detail,
        recorded_by="HMS" if action.source == "hms" else "",
        state="",
        sync=_sync(action.pending, action.sync_problem),
        record_id=action.id,
        order=(action.on, "", str(action.id)),
    )


def _corrected_twice(rows: Sequence[VisitRecordMixin]) -> set[uuid.UUID]:
    """The versions corrected more than once (two laptops, each before the other synced): the
    central store keeps both corrections, and the timeline says so on each."""
    seen: set[uuid.UUID] = set()
    twice: set[uuid.UUID] = set()
    for row in rows:
        if row.supersedes_id is not None:
            (twice if row.supersedes_id in seen else seen).add(row.supersedes_id)
    return twice


def _contact_entry(
    row: Contact, people: dict[uuid.UUID, str], corrected_twice: bool = False
) -> TimelineEntry:
    who = people.get(row.spoke_to_person_id) if row.spoke_to_person_id else row.spoke_to_name
    title = f"{CONTACT_HOW.get(row.how, row.how)}: {CONTACT_OUTCOMES.get(row.outcome, row.outcome)}"
    if who:
        title += f" (spoke to {who})"
    return TimelineEntry(
        on=row.on_date,
        kind="contact",
        title=title,
        detail=row.note,
        recorded_by=row.recorded_by,
        state=(
            "corrected on two laptops: both versions kept"
            if corrected_twice
            else "corrected"
            if row.supersedes_id
            else ""
        ),
        sync=_sync(row.pending, row.sync_problem),
        record_id=row.id,
        order=(row.on_date, _stamp(row), str(row.id)),
    )


def _promise_entries(
    session: Session,
    tenancy_id: uuid.UUID,
    as_of: date,
    policy: RecoveryPolicy,
    ledger: Iterable[tuple[date, str, int]],
) -> list[TimelineEntry]:
    promises = _in_force(session, PaymentPromise, tenancy_id)
    if not promises:
        return []
    payments = payments_from_ledger(ledger)
    out = []
    for row in promises:
        if row.withdrawn:
            state = "withdrawn"
        else:
            judged = judge_promise(
                made_on=row.made_on,
                due_on=row.due_on,
                amount_pence=row.amount_pence,
                payments=payments,
                today=as_of,
                grace_days=policy.promise_grace_days,
            )
            state = f"{judged.state} ({format_pence(judged.paid_pence)} paid)"
        out.append(
            TimelineEntry(
                on=row.made_on,
                kind="promise",
                title=(
                    f"Promise to pay {format_pence(row.amount_pence)} by {format_day(row.due_on)}"
                ),
                detail="",
                recorded_by=row.recorded_by,
                state=state,
                sync=_sync(row.pending, row.sync_problem),
                record_id=row.id,
                order=(row.made_on, _stamp(row), str(row.id)),
                open=not row.withdrawn and row.sync_problem is None,
            )
        )
    return out


def _referral_entry(row: Referral) -> TimelineEntry:
    state = REFERRAL_OUTCOMES.get(row.outcome, row.outcome)
    if row.outcome_on is not None:
        state += f" ({format_day(row.outcome_on)})"
    detail = row.reason
    if row.outcome_note:
        detail = f"{detail}\nOutcome: {row.outcome_note}" if detail else row.outcome_note
    return TimelineEntry(
        on=row.on_date,
        kind="referral",
        title=f"Referred to {REFERRAL_KINDS.get(row.to, row.to)}",
        detail=detail,
        recorded_by=row.recorded_by,
        state=state,
        sync=_sync(row.pending, row.sync_problem),
        record_id=row.id,
        order=(row.on_date, _stamp(row), str(row.id)),
        open=row.outcome == "pending" and row.sync_problem is None,
    )


def _follow_up_entry(row: FollowUp, as_of: date) -> TimelineEntry:
    if row.status == "open":
        state = {"due": "due today", "overdue": "overdue", "later": "to do"}[
            follow_up_state(due_on=row.due_on, today=as_of)
        ]
    else:
        state = row.status
    return TimelineEntry(
        on=row.due_on,
        kind="follow_up",
        title=f"Follow-up: {row.task}",
        detail="",
        recorded_by=row.recorded_by,
        state=state,
        sync=_sync(row.pending, row.sync_problem),
        record_id=row.id,
        order=(row.due_on, _stamp(row), str(row.id)),
        open=row.status == "open" and row.sync_problem is None,
    )


def _arrangement_entries(session: Session, tenancy_id: uuid.UUID) -> list[TimelineEntry]:
    """One entry per version agreed, and one per cancellation (a cancelled version copies the
    terms of the one it ends, so its terms are not repeated)."""
    rows = list(session.scalars(select(Arrangement).where(Arrangement.tenancy_id == tenancy_id)))
    by_id = {row.id: row for row in rows}
    out = []
    for row in rows:
        day = row.made_on or row.start_date
        if row.status == "cancelled":
            ended = by_id.get(row.supersedes_id) if row.supersedes_id else None
            title = f"Arrangement {_name(ended or row)} cancelled"
            detail = ""
        else:
            verb = "renegotiated" if row.supersedes_id else "agreed"
            title = (
                f"Arrangement {row.ref} {verb}" if row.source == "hms" else f"Arrangement {verb}"
            )
            detail = _terms(row)
        out.append(
            TimelineEntry(
                on=day,
                kind="arrangement",
                title=title,
                detail=detail,
                recorded_by="HMS" if row.source == "hms" else "",
                state="court order" if row.kind == "court_order" else "",
                sync=_sync(row.pending, row.sync_problem),
                record_id=row.id,
                order=(day, "", row.ref),
            )
        )
    return out


def _name(row: Arrangement) -> str:
    """An HMS arrangement by its reference; one made on a laptop by the day it was made (its
    reference is a UUID nobody reads)."""
    if row.source == "hms":
        return row.ref
    return f"of {format_day(row.made_on or row.start_date)}"


def _terms(row: Arrangement) -> str:
    every = _FREQUENCY.get(row.frequency, row.frequency)
    return (
        f"{format_pence(row.instalment_pence)} {every} on top of the rent, "
        f"first due {format_day(row.start_date)}; balance then "
        f"{format_pence(row.starting_balance_pence)}"
    )
