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

Each writes, in one transaction (the caller's), the version, its outbox mutation
(``arrangement.agree@1`` / ``arrangement.cancel@1``, arguments as in
``app.sync.protocol.AgreeArrangementArgs`` / ``CancelArrangementArgs``) and an audit event (ids
and figures only). Bad input raises :class:`ArrangementRefused` naming the field; nothing is
saved then.

:func:`arrangement_history` gives every version of a case's arrangements, newest first, each
with its F3 state (``check_arrangement`` with the policy's grace and tolerance): a current live
version as of the day asked; a superseded one as of the day before its successor was made (how
it stood when it ended); a cancelled version, or one the central store refused
(``sync_problem``, shown with its reason), has no state.

Threading: plain functions over a Session passed in; the caller owns the transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.arrangement_plan import Proposal
from app.domain.arrangement_watch import (
    ArrangementError,
    ArrangementState,
    ArrangementTerms,
    check_arrangement,
    end_date,
    instalment_count,
)
from app.domain.rent_account import Ledger, LedgerLine
from app.models import Arrangement, LedgerEntry, SyncState, Tenancy
from app.services.audit import record_event
from app.services.outbox import append_mutation
from app.sync.intents import AGREE_ARRANGEMENT, CANCEL_ARRANGEMENT


class ArrangementRefused(ValueError):
    """The arrangement cannot be saved; ``str()`` names the field and the reason."""


@dataclass(frozen=True, slots=True)
class ArrangementAgreed:
    """What changed: a new arrangement version on one case (and the version it ended, if any)."""

    tenancy_id: uuid.UUID
    arrangement_id: uuid.UUID
    supersedes_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class ArrangementCancelled:
    """What changed: the cancelled version written, and the version it ended."""

    tenancy_id: uuid.UUID
    arrangement_id: uuid.UUID
    supersedes_id: uuid.UUID


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


def terms_of(row: Arrangement) -> ArrangementTerms:
    """The row's terms for the F3 rule (``made_on`` kept only where the domain allows it)."""
    made_on = row.made_on if row.made_on is not None and row.made_on <= row.start_date else None
    return ArrangementTerms(
        ref=row.ref,
        kind=row.kind,
        start_date=row.start_date,
        frequency=row.frequency,
        instalment_pence=row.instalment_pence,
        starting_balance_pence=row.starting_balance_pence,
        status=row.status,
        made_on=made_on,
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


def _officer_and_device(session: Session) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    state = session.get(SyncState, 1)
    return (state.officer_id, state.device_id) if state else (None, None)


def agree_arrangement(
    session: Session,
    *,
    tenancy_id: uuid.UUID,
    terms: Proposal | ArrangementTerms,
    kind: str,
    today: date,
) -> ArrangementAgreed:
    """Save ``terms`` as the case's current arrangement, made today (see the module)."""
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
            f"first_date: {checked.start_date.isoformat()} is before today; the first "
            "instalment must be due today or later"
        )
    if checked.starting_balance_pence <= 0:
        raise ArrangementRefused("starting_balance_pence: there are no arrears to repay")

    live = [row for row in _current(_versions(session, tenancy_id)) if row.status == "live"]
    old = live[-1] if live else None
    officer_id, device_id = _officer_and_device(session)
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
    record_event(
        session,
        event="arrangement.agreed",
        officer_id=officer_id,
        device_id=device_id,
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


def cancel_arrangement(
    session: Session, *, arrangement_id: uuid.UUID, today: date
) -> ArrangementCancelled:
    """End the current live version ``arrangement_id`` with a cancelled version made today."""
    old = session.get(Arrangement, arrangement_id)
    if old is None or session.get(Tenancy, old.tenancy_id) is None:
        raise ArrangementRefused("arrangement: this arrangement is no longer on the laptop")
    if old.status != "live":
        raise ArrangementRefused("arrangement: this arrangement is already cancelled")
    if old not in _current(_versions(session, old.tenancy_id)):
        raise ArrangementRefused("arrangement: newer terms replaced this version; cancel those")
    officer_id, device_id = _officer_and_device(session)
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
    record_event(
        session,
        event="arrangement.cancelled",
        officer_id=officer_id,
        device_id=device_id,
        entity_type="tenancy",
        entity_id=old.tenancy_id,
        detail={"arrangement_id": new_id, "supersedes_id": old.id},
    )
    session.flush()
    return ArrangementCancelled(old.tenancy_id, new_id, old.id)


def ledger_of(session: Session, tenancy_id: uuid.UUID) -> Ledger:
    """The case's ledger lines, in date order."""
    rows = session.execute(
        select(LedgerEntry.posted_on, LedgerEntry.type, LedgerEntry.amount_pence).where(
            LedgerEntry.tenancy_id == tenancy_id
        )
    )
    return Ledger([LedgerLine(on, kind, amount) for on, kind, amount in rows])


def arrangement_history(
    session: Session,
    *,
    tenancy_id: uuid.UUID,
    as_of: date,
    grace_days: int,
    tolerance_pence: int,
) -> list[ArrangementVersion]:
    """Every version of the case's arrangements, newest first (see the module)."""
    versions = _versions(session, tenancy_id)
    successor = {
        row.supersedes_id: row
        for row in versions
        if row.supersedes_id is not None and row.sync_problem is None
    }
    ledger = ledger_of(session, tenancy_id) if versions else None
    out: list[ArrangementVersion] = []
    for row in versions:
        terms = terms_of(row)
        after = successor.get(row.id)
        superseded_on = (after.made_on or as_of) if after is not None else None
        state = None
        if row.status == "live" and row.sync_problem is None and ledger is not None:
            day = as_of if superseded_on is None else min(as_of, superseded_on - timedelta(days=1))
            state = check_arrangement(
                terms, ledger, day, grace_days=grace_days, tolerance_pence=tolerance_pence
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

    # Newest first: by the day made (or first due), then later in its chain of versions.
    out.sort(key=lambda v: (v.made_on or v.start_date, depth(v), v.start_date, v.ref), reverse=True)
    return out


__all__ = [
    "ArrangementAgreed",
    "ArrangementCancelled",
    "ArrangementRefused",
    "ArrangementVersion",
    "agree_arrangement",
    "arrangement_history",
    "cancel_arrangement",
    "ledger_of",
    "terms_of",
]
