"""Applying pulled pages to the local copy of the caseload.

Invariants:

- :func:`apply_page` writes a page's rows *and* its ``next_cursor``/``epoch`` in the caller's
  single transaction, so an interrupted pull resumes from the last committed page and applying
  a page twice changes nothing (rows are upserted by id);
- removed tenancies go with their people and ledger lines;
- :func:`wipe_caseload` empties the caseload tables and the cursor for a re-bootstrap, keeping
  the outbox (unsent work is never lost) and the device's enrolment.

Upserts are SQLite ``INSERT ... ON CONFLICT(id) DO UPDATE`` run as one executemany per table,
so a page of 10,000 ledger lines applies in well under a second on SQLCipher.

Threading: plain functions over a Session passed in; the caller owns the transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from app.models import LedgerEntry, Person, SyncState, Tenancy
from app.models.types import utcnow
from app.sync.protocol import LedgerRow, PersonRow, PullPage, TenancyRow

_CHUNK = 500


@dataclass(frozen=True)
class AppliedPage:
    """What one page changed locally."""

    tenancies: int
    people: int
    ledger_lines: int
    removed: int
    changed_tenancy_ids: frozenset[uuid.UUID]


def _table(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


def _upsert(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    table = _table(model)
    stmt = insert(table)
    columns = [name for name in rows[0] if name != "id"]
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.id], set_={name: stmt.excluded[name] for name in columns}
    )
    session.execute(stmt, rows)


def _values(rows: Sequence[TenancyRow | PersonRow | LedgerRow]) -> list[dict[str, Any]]:
    values = []
    for row in rows:
        data = row.model_dump()
        data["server_seq"] = data.pop("seq")
        values.append(data)
    return values


def _chunks(ids: Sequence[uuid.UUID]) -> Iterable[Sequence[uuid.UUID]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def delete_tenancies(session: Session, tenancy_ids: Sequence[uuid.UUID]) -> int:
    """Delete tenancies with their people and ledger lines; returns how many tenancies went."""
    removed = 0
    for chunk in _chunks(list(tenancy_ids)):
        session.execute(delete(LedgerEntry).where(LedgerEntry.tenancy_id.in_(chunk)))
        session.execute(delete(Person).where(Person.tenancy_id.in_(chunk)))
        result = session.execute(delete(Tenancy).where(Tenancy.id.in_(chunk)))
        removed += int(getattr(result, "rowcount", 0) or 0)
    return removed


def sync_state(session: Session) -> SyncState:
    """The single SyncState row; it exists once the device has a device id (see enrolment)."""
    state = session.get(SyncState, 1)
    if state is None:
        state = SyncState(id=1, device_id=uuid.uuid4(), cursor=0)
        session.add(state)
        session.flush()
    return state


def apply_page(session: Session, page: PullPage) -> AppliedPage:
    """Apply one page and store its cursor and epoch, in the caller's transaction.

    The caller handles ``reset_required`` first (see :func:`wipe_caseload`); a page that asks
    for a reset is refused here so it can never be stored as if it were data.
    """
    if page.reset_required:
        raise ValueError("a reset_required page carries no data; wipe and bootstrap instead")
    removed = delete_tenancies(session, page.removed_tenancy_ids)
    # Parents first: people and ledger lines refer to their tenancy.
    _upsert(session, Tenancy, _values(page.tenancies))
    _upsert(session, Person, _values(page.people))
    _upsert(session, LedgerEntry, _values(page.ledger))
    state = sync_state(session)
    state.cursor = page.next_cursor
    state.epoch = page.epoch
    state.last_pull_at = utcnow()
    changed = (
        {row.id for row in page.tenancies}
        | {row.tenancy_id for row in page.people}
        | {row.tenancy_id for row in page.ledger}
        | set(page.removed_tenancy_ids)
    )
    return AppliedPage(
        tenancies=len(page.tenancies),
        people=len(page.people),
        ledger_lines=len(page.ledger),
        removed=removed,
        changed_tenancy_ids=frozenset(changed),
    )


def wipe_caseload(session: Session, *, epoch: str | None = None) -> frozenset[uuid.UUID]:
    """Empty the caseload tables and the cursor (the outbox stays); returns the ids removed."""
    ids = frozenset(session.execute(select(Tenancy.id)).scalars())
    session.execute(delete(LedgerEntry))
    session.execute(delete(Person))
    session.execute(delete(Tenancy))
    state = sync_state(session)
    state.cursor = 0
    state.epoch = epoch
    state.bootstrapped = False
    return ids
