"""The pull side of sync: which rows an officer's device receives, page by page.

Scope: the tenancies whose ``officer_id`` is the officer, with their people and ledger lines.

A page (:func:`pull_page`) is built from four streams, each read in ``seq`` order above the
cursor and at or below ``high`` (the sequence value read at the start, so that every number at
or below it belongs to a committed transaction — see ``central.sequence``):

1. the officer's tenancies, 2. their people, 3. their ledger lines, 4. the officer's scope
events. The streams are merged by ``seq`` and cut after ``limit`` items; ``next_cursor`` is the
last ``seq`` included, or ``high`` when nothing more is in scope, so a device's cursor also
moves past other officers' changes. Then:

- an ``enter`` event in the page for a tenancy now in scope brings the whole case: its rows at
  or below the old cursor (which the device skipped while the case was someone else's) join the
  page; its later rows are in this page or the next ones as usual;
- a ``leave`` event in the page for a tenancy *not* now in scope lists it in
  ``removed_tenancy_ids``;
- a person or ledger line whose tenancy row is not in the page and changed after the page's
  cut carries its tenancy row along (its newer version), so a device never holds a child
  without its parent. Applying rows is idempotent, so a row arriving twice does no harm.

An epoch that differs from the store's, or a cursor above the store's sequence (a restore
from an older backup), answers ``reset_required`` with no rows.

Reads only; cost is a handful of indexed queries per page (``ix_*_seq``,
``ix_ledger_entry_tenancy_seq``, ``ix_tenancy_officer_seq``, ``ix_scope_event_officer_seq``).
Threading: plain functions over a Session passed in, one request at a time per Session.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.sync.protocol import (
    DEFAULT_PAGE_LIMIT,
    MAX_PAGE_LIMIT,
    LedgerRow,
    PersonRow,
    PullPage,
    ScopeCheck,
    TenancyRow,
)
from central import sequence
from central.db import epoch as store_epoch
from central.models import LedgerEntry, Person, ScopeEvent, Tenancy

_TENANCY_COLUMNS = (
    Tenancy.id,
    Tenancy.seq,
    Tenancy.ref,
    Tenancy.address,
    Tenancy.postcode,
    Tenancy.tenure,
    Tenancy.start_date,
    Tenancy.end_date,
    Tenancy.weekly_rent_pence,
    Tenancy.weekly_service_charge_pence,
    Tenancy.rent_weeks,
    Tenancy.officer_id,
    Tenancy.patch,
)
_PERSON_COLUMNS = (
    Person.id,
    Person.seq,
    Person.tenancy_id,
    Person.ref,
    Person.title,
    Person.first_name,
    Person.last_name,
    Person.date_of_birth,
    Person.phone,
    Person.email,
    Person.is_lead,
)
_LEDGER_COLUMNS = (
    LedgerEntry.id,
    LedgerEntry.seq,
    LedgerEntry.tenancy_id,
    LedgerEntry.ref,
    LedgerEntry.posted_on,
    LedgerEntry.type,
    LedgerEntry.amount_pence,
    LedgerEntry.description,
)
_TENANCY_FIELDS = [c.key for c in _TENANCY_COLUMNS]
_PERSON_FIELDS = [c.key for c in _PERSON_COLUMNS]
_LEDGER_FIELDS = [c.key for c in _LEDGER_COLUMNS]

# SQL parameter lists are chunked to stay under every backend's limit on bound parameters.
_CHUNK = 500


class BadPullRequest(ValueError):
    """The cursor or limit is out of range; ``str()`` says which, for the ErrorBody."""


def check_limit(limit: int | None) -> int:
    """The page limit to use: the default when absent, else 1..MAX_PAGE_LIMIT."""
    if limit is None:
        return DEFAULT_PAGE_LIMIT
    if limit < 1 or limit > MAX_PAGE_LIMIT:
        raise BadPullRequest(f"limit must be between 1 and {MAX_PAGE_LIMIT}, not {limit}")
    return limit


def _rows(model: type[Any], fields: list[str], rows: Iterable[Sequence[Any]]) -> list[Any]:
    # The values come straight from our own typed columns, so pydantic validation is skipped
    # (model_construct): a page of 10,000 ledger lines is built in milliseconds.
    return [model.model_construct(**dict(zip(fields, row, strict=True))) for row in rows]


def _chunks(ids: Sequence[uuid.UUID]) -> Iterable[Sequence[uuid.UUID]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _in_scope_tenancies(officer_id: uuid.UUID) -> Select[Any]:
    return select(Tenancy.id).where(Tenancy.officer_id == officer_id)


def pull_page(
    session: Session,
    *,
    officer_id: uuid.UUID,
    cursor: int,
    limit: int | None = None,
    epoch: str | None = None,
) -> PullPage:
    """One page of the officer's changes after ``cursor`` (see the module docstring)."""
    if cursor < 0:
        raise BadPullRequest(f"cursor must be 0 or more, not {cursor}")
    limit = check_limit(limit)
    server_epoch = store_epoch(session)
    high = sequence.current(session)
    if (epoch is not None and epoch != server_epoch) or cursor > high:
        return PullPage(
            epoch=server_epoch, cursor=cursor, next_cursor=0, has_more=True, reset_required=True
        )

    tenancy_rows = session.execute(
        select(*_TENANCY_COLUMNS)
        .where(Tenancy.officer_id == officer_id, Tenancy.seq > cursor, Tenancy.seq <= high)
        .order_by(Tenancy.seq)
        .limit(limit + 1)
    ).all()
    person_rows = session.execute(
        select(*_PERSON_COLUMNS)
        .join(Tenancy, Tenancy.id == Person.tenancy_id)
        .where(Tenancy.officer_id == officer_id, Person.seq > cursor, Person.seq <= high)
        .order_by(Person.seq)
        .limit(limit + 1)
    ).all()
    ledger_rows = session.execute(
        select(*_LEDGER_COLUMNS)
        .join(Tenancy, Tenancy.id == LedgerEntry.tenancy_id)
        .where(Tenancy.officer_id == officer_id, LedgerEntry.seq > cursor, LedgerEntry.seq <= high)
        .order_by(LedgerEntry.seq)
        .limit(limit + 1)
    ).all()
    events = session.execute(
        select(ScopeEvent.seq, ScopeEvent.tenancy_id, ScopeEvent.kind)
        .where(ScopeEvent.officer_id == officer_id, ScopeEvent.seq > cursor, ScopeEvent.seq <= high)
        .order_by(ScopeEvent.seq)
        .limit(limit + 1)
    ).all()

    seqs = sorted(
        [r.seq for r in tenancy_rows]
        + [r.seq for r in person_rows]
        + [r.seq for r in ledger_rows]
        + [e.seq for e in events]
    )
    if len(seqs) > limit:
        cut = seqs[limit - 1]
        has_more = True
    else:
        cut = high
        has_more = False

    tenancy_rows = [r for r in tenancy_rows if r.seq <= cut]
    person_rows = [r for r in person_rows if r.seq <= cut]
    ledger_rows = [r for r in ledger_rows if r.seq <= cut]
    events = [e for e in events if e.seq <= cut]

    # Scope events: the last event of each tenancy in the page decides.
    last_kind: dict[uuid.UUID, str] = {}
    for event in events:
        last_kind[event.tenancy_id] = event.kind
    touched = list(last_kind)
    now_in_scope: set[uuid.UUID] = set()
    for chunk in _chunks(touched):
        now_in_scope.update(
            session.execute(
                select(Tenancy.id).where(Tenancy.id.in_(chunk), Tenancy.officer_id == officer_id)
            ).scalars()
        )
    removed = [t for t, kind in last_kind.items() if kind == "leave" and t not in now_in_scope]
    entered = [t for t, kind in last_kind.items() if kind == "enter" and t in now_in_scope]

    tenancy_by_id = {r.id: r for r in tenancy_rows}
    person_by_id = {r.id: r for r in person_rows}
    ledger_by_id = {r.id: r for r in ledger_rows}
    if entered and cursor > 0:
        # Rows the device skipped while the case was in someone else's scope.
        for chunk in _chunks(entered):
            for row in session.execute(
                select(*_TENANCY_COLUMNS).where(Tenancy.id.in_(chunk), Tenancy.seq <= cursor)
            ):
                tenancy_by_id.setdefault(row.id, row)
            for row in session.execute(
                select(*_PERSON_COLUMNS).where(Person.tenancy_id.in_(chunk), Person.seq <= cursor)
            ):
                person_by_id.setdefault(row.id, row)
            for row in session.execute(
                select(*_LEDGER_COLUMNS).where(
                    LedgerEntry.tenancy_id.in_(chunk), LedgerEntry.seq <= cursor
                )
            ):
                ledger_by_id.setdefault(row.id, row)
    # Parents of children in the page whose tenancy row changed after the cut.
    orphans = sorted(
        (
            {r.tenancy_id for r in person_by_id.values()}
            | {r.tenancy_id for r in ledger_by_id.values()}
        )
        - set(tenancy_by_id),
        key=str,
    )
    for chunk in _chunks(orphans):
        for row in session.execute(
            select(*_TENANCY_COLUMNS).where(
                Tenancy.id.in_(chunk), Tenancy.officer_id == officer_id, Tenancy.seq > cut
            )
        ):
            tenancy_by_id.setdefault(row.id, row)

    remaining = _remaining(session, officer_id=officer_id, after=cut, high=high) if has_more else 0
    return PullPage.model_construct(
        epoch=server_epoch,
        cursor=cursor,
        next_cursor=cut,
        has_more=has_more,
        reset_required=False,
        tenancies=_rows(
            TenancyRow, _TENANCY_FIELDS, sorted(tenancy_by_id.values(), key=lambda r: r.seq)
        ),
        people=_rows(PersonRow, _PERSON_FIELDS, sorted(person_by_id.values(), key=lambda r: r.seq)),
        ledger=_rows(LedgerRow, _LEDGER_FIELDS, sorted(ledger_by_id.values(), key=lambda r: r.seq)),
        removed_tenancy_ids=removed,
        remaining=remaining,
    )


def _remaining(session: Session, *, officer_id: uuid.UUID, after: int, high: int) -> int:
    """How many in-scope items are still to come after ``after`` (for progress only)."""
    scope = _in_scope_tenancies(officer_id)
    total = 0
    total += session.execute(
        select(func.count())
        .select_from(Tenancy)
        .where(Tenancy.officer_id == officer_id, Tenancy.seq > after, Tenancy.seq <= high)
    ).scalar_one()
    total += session.execute(
        select(func.count())
        .select_from(Person)
        .where(Person.tenancy_id.in_(scope), Person.seq > after, Person.seq <= high)
    ).scalar_one()
    total += session.execute(
        select(func.count())
        .select_from(LedgerEntry)
        .where(LedgerEntry.tenancy_id.in_(scope), LedgerEntry.seq > after, LedgerEntry.seq <= high)
    ).scalar_one()
    total += session.execute(
        select(func.count())
        .select_from(ScopeEvent)
        .where(ScopeEvent.officer_id == officer_id, ScopeEvent.seq > after, ScopeEvent.seq <= high)
    ).scalar_one()
    return int(total)


def scope_check(session: Session, *, officer_id: uuid.UUID) -> ScopeCheck:
    """Counts and the summed balance of the officer's whole scope, at the current cursor."""
    high = sequence.current(session)
    scope = _in_scope_tenancies(officer_id)
    tenancies = session.execute(
        select(func.count()).select_from(Tenancy).where(Tenancy.officer_id == officer_id)
    ).scalar_one()
    people = session.execute(
        select(func.count()).select_from(Person).where(Person.tenancy_id.in_(scope))
    ).scalar_one()
    ledger_lines, balance = session.execute(
        select(func.count(), func.coalesce(func.sum(LedgerEntry.amount_pence), 0)).where(
            LedgerEntry.tenancy_id.in_(scope)
        )
    ).one()
    return ScopeCheck(
        cursor=high,
        tenancies=int(tenancies),
        people=int(people),
        ledger_lines=int(ledger_lines),
        balance_pence=int(balance),
    )
