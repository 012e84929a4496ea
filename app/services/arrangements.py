"""Agree, renegotiate and cancel payment arrangements on this device, offline; their history.

Nothing is overwritten (docs/design.md#conflicts: "new terms make a new version"):

- :func:`agree_arrangement` writes a new version (status live, ``source`` "device",
  ``pending`` until the central store acknowledges it, ``made_on`` today). When the case has a
  current live arrangement, the new version's ``supersedes_id`` names it: that is a
  renegotiation, and the old version has ended (only the current version of an arrangement is
  monitored: ``app.services.case_facts`` skips superseded versions). Where a case holds more
  than one current live arrangement (the HMS allows it), the latest one (by first due date,
  then reference) is the one superseded.
- :func:`cancel_arrangement` writes a new version with the same terms and status cancelled,
  superseding the current one.

Each writes, in one transaction of its own, the version, its outbox mutation
(``arrangement.agree@1`` / ``arrangement.cancel@1``, arguments as in
``app.protocol.messages.AgreeArrangementArgs`` / ``CancelArrangementArgs``) and an audit event (ids
and figures only). Bad input raises :class:`ArrangementRefused` naming the field; nothing is
saved then.

:func:`arrangement_history` gives every version of a case's arrangements, the live one first,
then newest first (a cancelled arrangement once, as its cancellation: that version copies the
terms of the one it ends), each with its F3 state (``check_arrangement`` with the policy's
grace and tolerance): a current live version as of the day asked; a superseded one as of the
day before its successor was made (how it stood when it ended); a cancelled version, or one the
central store refused (``sync_problem``, shown with its reason), has no state.

:func:`arrangement_context` gives what the arrangement dialog needs: the latest finished I&E's
affordable offer and the current live version.

Threading: blocking (each call is one local transaction of its own); call them off the GUI
thread.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import sfs
from app.domain.arrangement_plan import Proposal
from app.domain.arrangement_watch import (
    ArrangementError,
    ArrangementState,
    ArrangementTerms,
    check_arrangement,
    end_date,
    instalment_count,
    terms_made_on,
)
from app.domain.display import format_day
from app.domain.recovery import RecoveryPolicy
from app.domain.rent_account import Ledger, LedgerLine
from app.models import Arrangement, LedgerEntry, Tenancy
from app.protocol.intents import AGREE_ARRANGEMENT, CANCEL_ARRANGEMENT
from app.services._ie_rows import read_latest_finished
from app.services.case_changes import ArrangementAgreed, ArrangementCancelled
from app.services.recovery_policy import policy_in_force
from app.services.workspace import Workspace
from app.store.audit import record_device_event
from app.sync.outbox import append_mutation


class ArrangementRefused(ValueError):
    """The arrangement cannot be saved; ``str()`` names the field and the reason."""


@dataclass(frozen=True, slots=True)
class ArrangementVersion:
    """One version of an arrangement for the case view (money in pence).

    ``current`` is false once a newer version supersedes it (``superseded_on`` is the day the
    newer one was made). ``state`` is None for a cancelled version.
    """

    id: uuid.UUID
    ref: str
    kind: str
    status: str
    source: str
    pending: bool
    sync_problem: str | None
    made_on: date | None
    start_date: date
    frequency: str
    instalment_pence: int
    starting_balance_pence: int
    instalment_count: int
    end_date: date | None
    supersedes_id: uuid.UUID | None
    current: bool
    superseded_on: date | None
    state: ArrangementState | None

    @property
    def is_live(self) -> bool:
        """The version in force: current, live, and not refused by the central store."""
        return self.current and self.status == "live" and self.sync_problem is None


@dataclass(frozen=True, slots=True)
class ArrangementContext:
    """What agreeing an arrangement starts from: the latest finished I&E's affordable offer a
    month (None: no finished I&E) and the day it was made, the current live version (None:
    none), and the offer off the arrears agreed in that I&E (None: none agreed), which the
    instalment starts from."""

    affordable_monthly_pence: int | None
    assessed_on: date | None
    live: ArrangementVersion | None
    agreed_monthly_pence: int | None = None


def _terms_of(row: Arrangement) -> ArrangementTerms:
    """The row's terms for the F3 rule (``made_on`` kept only where the domain allows it)."""
    return ArrangementTerms(
        ref=row.ref,
        kind=row.kind,
        start_date=row.start_date,
        frequency=row.frequency,
        instalment_pence=row.instalment_pence,
        starting_balance_pence=row.starting_balance_pence,
        status=row.status,
        made_on=terms_made_on(row.made_on, row.start_date),
        day_of_month=row.day_of_month,
    )


def _versions(session: Session, tenancy_id: uuid.UUID) -> list[Arrangement]:
    return list(
        session.scalars(
            select(Arrangement)
            .where(Arrangement.tenancy_id == tenancy_id)
            .order_by(Arrangement.start_date, Arrangement.ref)
        )
    )


def _current(versions: list[Arrangement]) -> list[Arrangement]:
    """The versions in force: not superseded; a version the central store refused
    (``sync_problem``) is neither in force nor ends the one it meant to replace."""
    accepted = [row for row in versions if row.sync_problem is None]
    superseded = {row.supersedes_id for row in accepted if row.supersedes_id is not None}
    return [row for row in accepted if row.id not in superseded]


def agree_arrangement(
    workspace: Workspace,
    *,
    tenancy_id: uuid.UUID,
    terms: Proposal | ArrangementTerms,
    kind: str,
) -> ArrangementAgreed:
    """Save ``terms`` as the case's current arrangement, made today (see the module); the
    first payment falls due within the policy's ``first_payment_within_days``."""
    within = policy_in_force(workspace).first_payment_within_days
    with workspace.store.transaction() as session:
        return _agree(
            session,
            tenancy_id=tenancy_id,
            terms=terms,
            kind=kind,
            today=workspace.clock.today(),
            within_days=within,
        )


def _agree(
    session: Session,
    *,
    tenancy_id: uuid.UUID,
    terms: Proposal | ArrangementTerms,
    kind: str,
    today: date,
    within_days: int,
) -> ArrangementAgreed:
    tenancy = session.get(Tenancy, tenancy_id)
    if tenancy is None:
        raise ArrangementRefused("case: this case is no longer on the laptop")
    try:
        checked = (
            terms.terms(ref="new", kind=kind, made_on=None)
            if isinstance(terms, Proposal)
            else ArrangementTerms(
                ref="new",
                kind=kind,
                start_date=terms.start_date,
                frequency=terms.frequency,
                instalment_pence=terms.instalment_pence,
                starting_balance_pence=terms.starting_balance_pence,
                day_of_month=terms.day_of_month,
            )
        )
    except ArrangementError as exc:
        raise ArrangementRefused(str(exc)) from exc
    if checked.start_date < today:
        raise ArrangementRefused(
            f"first_date: {format_day(checked.start_date)} is before today; the first "
            "instalment must be due today or later"
        )
    latest = today + timedelta(days=within_days)
    if checked.start_date > latest:
        raise ArrangementRefused(
            f"first_date: {format_day(checked.start_date)} is more than {within_days} days "
            f"ahead; the first instalment must be due by {format_day(latest)} (the recovery "
            "policy's first_payment_within_days)"
        )
    if checked.starting_balance_pence <= 0:
        raise ArrangementRefused("starting_balance_pence: there are no arrears to repay")

    live = [row for row in _current(_versions(session, tenancy_id)) if row.status == "live"]
    old = live[-1] if live else None
    new_id = uuid.uuid4()
    session.add(
        Arrangement(
            id=new_id,
            tenancy_id=tenancy_id,
            ref=str(new_id),
            kind=checked.kind,
            start_date=checked.start_date,
            frequency=checked.frequency,
            instalment_pence=checked.instalment_pence,
            starting_balance_pence=checked.starting_balance_pence,
            status="live",
            server_seq=0,
            supersedes_id=old.id if old else None,
            source="device",
            made_on=today,
            pending=True,
            day_of_month=checked.day_of_month,
        )
    )
    append_mutation(
        session,
        intent=AGREE_ARRANGEMENT,
        args={
            "arrangement_id": str(new_id),
            "tenancy_id": str(tenancy_id),
            "supersedes_id": str(old.id) if old else None,
            "kind": checked.kind,
            "frequency": checked.frequency,
            "start_date": checked.start_date.isoformat(),
            "instalment_pence": checked.instalment_pence,
            "starting_balance_pence": checked.starting_balance_pence,
            "made_on": today.isoformat(),
            **({"day_of_month": checked.day_of_month} if checked.day_of_month else {}),
        },
        entity_ids=[new_id, tenancy_id, *([old.id] if old else [])],
    )
    record_device_event(
        session,
        event="arrangement.agreed",
        entity_type="tenancy",
        entity_id=tenancy_id,
        detail={
            "arrangement_id": new_id,
            "supersedes_id": old.id if old else None,
            "frequency": checked.frequency,
            "instalment_pence": checked.instalment_pence,
        },
    )
    session.flush()
    return ArrangementAgreed(tenancy_id, new_id, old.id if old else None)


def cancel_arrangement(workspace: Workspace, *, arrangement_id: uuid.UUID) -> ArrangementCancelled:
    """End the current live version ``arrangement_id`` with a cancelled version made today."""
    with workspace.store.transaction() as session:
        return _cancel(session, arrangement_id=arrangement_id, today=workspace.clock.today())


def _cancel(session: Session, *, arrangement_id: uuid.UUID, today: date) -> ArrangementCancelled:
    old = session.get(Arrangement, arrangement_id)
    if old is None or session.get(Tenancy, old.tenancy_id) is None:
        raise ArrangementRefused("arrangement: this arrangement is no longer on the laptop")
    if old.status != "live":
        raise ArrangementRefused("arrangement: this arrangement is already cancelled")
    if old not in _current(_versions(session, old.tenancy_id)):
        raise ArrangementRefused("arrangement: newer terms replaced this version; cancel those")
    new_id = uuid.uuid4()
    session.add(
        Arrangement(
            id=new_id,
            tenancy_id=old.tenancy_id,
            ref=str(new_id),
            kind=old.kind,
            start_date=old.start_date,
            frequency=old.frequency,
            instalment_pence=old.instalment_pence,
            starting_balance_pence=old.starting_balance_pence,
            status="cancelled",
            server_seq=0,
            supersedes_id=old.id,
            source="device",
            made_on=today,
            pending=True,
        )
    )
    append_mutation(
        session,
        intent=CANCEL_ARRANGEMENT,
        args={
            "arrangement_id": str(new_id),
            "tenancy_id": str(old.tenancy_id),
            "supersedes_id": str(old.id),
            "made_on": today.isoformat(),
        },
        entity_ids=[new_id, old.tenancy_id, old.id],
    )
    record_device_event(
        session,
        event="arrangement.cancelled",
        entity_type="tenancy",
        entity_id=old.tenancy_id,
        detail={"arrangement_id": new_id, "supersedes_id": old.id},
    )
    session.flush()
    return ArrangementCancelled(old.tenancy_id, new_id, old.id)


def _ledger_of(session: Session, tenancy_id: uuid.UUID) -> Ledger:
    """The case's ledger lines, in date order."""
    rows = session.execute(
        select(LedgerEntry.posted_on, LedgerEntry.type, LedgerEntry.amount_pence).where(
            LedgerEntry.tenancy_id == tenancy_id
        )
    )
    return Ledger([LedgerLine(on, kind, amount) for on, kind, amount in rows])


def arrangement_history(
    workspace: Workspace, *, tenancy_id: uuid.UUID, as_of: date, policy: RecoveryPolicy
) -> list[ArrangementVersion]:
    """Every version of the case's arrangements, the live one first (see the module), each judged
    with the policy's grace days and tolerance."""
    with workspace.store.transaction() as session:
        return _history(session, tenancy_id=tenancy_id, as_of=as_of, policy=policy)


def arrangement_context(
    workspace: Workspace, *, tenancy_id: uuid.UUID, as_of: date, policy: RecoveryPolicy
) -> ArrangementContext:
    """The latest finished I&E's offer and the live arrangement, for agreeing a new one."""
    with workspace.store.transaction() as session:
        finished = read_latest_finished(session, tenancy_id)
        versions = _history(session, tenancy_id=tenancy_id, as_of=as_of, policy=policy)
    live = next((v for v in versions if v.is_live), None)
    if finished is None:
        return ArrangementContext(None, None, live)
    budget = sfs.assess(finished.assessment)
    return ArrangementContext(
        budget.max_rent_offer_monthly.pence,
        finished.assessment.assessed_on,
        live,
        agreed_monthly_pence=finished.assessment.rent_offer_pence or None,
    )


def _history(
    session: Session, *, tenancy_id: uuid.UUID, as_of: date, policy: RecoveryPolicy
) -> list[ArrangementVersion]:
    versions = _versions(session, tenancy_id)
    successor = {
        row.supersedes_id: row
        for row in versions
        if row.supersedes_id is not None and row.sync_problem is None
    }
    ledger = _ledger_of(session, tenancy_id) if versions else None
    out: list[ArrangementVersion] = []
    for row in versions:
        terms = _terms_of(row)
        after = successor.get(row.id)
        superseded_on = (after.made_on or as_of) if after is not None else None
        state = None
        if row.status == "live" and row.sync_problem is None and ledger is not None:
            day = as_of if superseded_on is None else min(as_of, superseded_on - timedelta(days=1))
            state = check_arrangement(
                terms,
                ledger,
                day,
                grace_days=policy.grace_days,
                tolerance_pence=policy.tolerance_pence,
            )
        out.append(
            ArrangementVersion(
                id=row.id,
                ref=row.ref,
                kind=row.kind,
                status=row.status,
                source=row.source,
                pending=row.pending,
                sync_problem=row.sync_problem,
                made_on=row.made_on,
                start_date=row.start_date,
                frequency=row.frequency,
                instalment_pence=row.instalment_pence,
                starting_balance_pence=row.starting_balance_pence,
                instalment_count=instalment_count(terms),
                end_date=end_date(terms),
                supersedes_id=row.supersedes_id,
                current=after is None,
                superseded_on=superseded_on,
                state=state,
            )
        )
    by_id = {row.id: row for row in versions}

    def depth(version: ArrangementVersion) -> int:
        steps, seen, at = (
            0,
            set(),
            by_id.get(version.supersedes_id) if version.supersedes_id else None,
        )
        while at is not None and at.id not in seen:
            seen.add(at.id)
            steps += 1
            at = by_id.get(at.supersedes_id) if at.supersedes_id else None
        return steps

    # A cancellation copies the terms of the version it ends: list the arrangement once, as
    # cancelled, rather than its terms twice.
    ended = {
        row.supersedes_id
        for row in versions
        if row.status == "cancelled" and row.sync_problem is None and row.supersedes_id
    }
    out = [v for v in out if v.id not in ended]
    # The version in force first; then newest first: by the day made (or first due), then
    # later in its chain of versions.
    out.sort(key=lambda v: (v.made_on or v.start_date, depth(v), v.start_date, v.ref), reverse=True)
    out.sort(key=lambda v: not v.is_live)
    return out


__all__ = [
    "ArrangementAgreed",
    "ArrangementCancelled",
    "ArrangementContext",
    "ArrangementRefused",
    "ArrangementVersion",
    "agree_arrangement",
    "arrangement_context",
    "arrangement_history",
    "cancel_arrangement",
]
