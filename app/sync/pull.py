"""Applying pulled pages to the local copy of the caseload.

Invariants:

- :func:`apply_page` writes a page's rows *and* its ``next_cursor``/``epoch`` in the caller's
  single transaction, so an interrupted pull resumes from the last committed page and applying
  a page twice changes nothing (rows are upserted by id);
- parents first: tenancies are written before the rows that refer to them;
- removed tenancies go with their people, ledger lines, arrangements, case actions,
  assessments and visit records (contacts, promises to pay, follow-ups, referrals), drafts
  included (a finished one waiting to be pushed stays until it is);
- a *pending* case action, arrangement version or visit record (made on this device, not yet
  acknowledged by the server) is never deleted or changed by a pull, by a case leaving scope
  nor by :func:`wipe_caseload` (see ``app.models.recovery``, ``app.models.visits``); when the
  server sends a row with its id, only its ``server_seq`` is noted;
- :func:`wipe_caseload` empties the caseload tables and the cursor for a re-bootstrap, keeping
  the outbox and pending actions (unsent work is never lost) and the device's enrolment, and
  also the actions, arrangement versions and visit records the server rejected
  (``sync_problem``): the server does not hold them, so the bootstrap could not bring them
  back. A rejected one does go with its case when the case leaves scope.

Finished assessments (``page.assessments``) are few and nested (a row with its lines and
debts), so :func:`_write_assessments` writes them through the ORM rather than the bulk
upsert below; a pending one (finished here, not yet acknowledged) keeps its figures and only
notes the server's change number, as for pending actions.

Each page field is one entry of :data:`STREAMS` (the page's list and the local table it fills),
mirroring ``central.pull.STREAMS``. Rows are written with one executemany per table of an
``INSERT ... ON CONFLICT(id) DO NOTHING`` and, only when some rows were held already, of the
full ``DO UPDATE`` upsert (see :func:`_write`), both compiled once by SQLAlchemy Core. The
values are put in storage format with the column types' own bind processors, column by column,
and handed to the driver as they are: SQLAlchemy's per-row parameter handling was most of the
time of a 10,000-line page; this way a page costs little more than the raw executemany it
ends in.

Threading: plain functions over a Session passed in; the caller owns the transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, Uuid, and_, case, delete, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import (
    Arrangement,
    Base,
    CaseAction,
    Contact,
    FollowUp,
    IncomeAssessment,
    LedgerEntry,
    PaymentPromise,
    Person,
    Referral,
    SyncState,
    Tenancy,
)
from app.models.assessment import write_figures
from app.protocol.messages import (
    ActionRow,
    ArrangementRow,
    AssessmentRow,
    ContactRow,
    FollowUpRow,
    LedgerRow,
    PersonRow,
    PromiseRow,
    PullPage,
    ReferralRow,
    TenancyRow,
    WireModel,
)
from app.sqlkit.gcpause import cyclic_gc_paused
from app.sqlkit.utc import utcnow
from app.sync.errors import BadReply

_CHUNK = 500


@dataclass(frozen=True)
class Stream:
    """One list of a pull page and the local table its rows go to.

    The local table has a column for each field of the wire row, named the same, except
    ``seq``, which is kept as ``server_seq``. ``insert_only`` are columns the wire does not
    carry, set on insert and never changed by a pull. When ``protect`` names a boolean column,
    a local row where it is true keeps its fields when the server sends that id (only
    ``server_seq`` is noted) and is never deleted by a pull. When ``keep_on_wipe`` names a
    nullable column, a row where it is set survives :func:`wipe_caseload` (but not its case
    leaving scope).
    """

    field: str
    model: type[Base]
    wire: type[WireModel]
    insert_only: tuple[tuple[str, Any], ...] = ()
    protect: str | None = None
    keep_on_wipe: str | None = None

    @property
    def table(self) -> Table:
        table: Table = self.model.__table__  # type: ignore[assignment]
        return table

    def removable(self) -> ColumnElement[bool]:
        """Rows a pull may delete: all, or those not protected."""
        if self.protect is None:
            return self.table.c.id.is_not(None)
        return self.table.c[self.protect].is_(False)

    def wipeable(self, *, everything: bool = False) -> ColumnElement[bool]:
        """Rows a re-bootstrap may delete: those a pull may, less those kept on a wipe (with
        ``everything``, all rows the pull may delete)."""
        if self.keep_on_wipe is None or everything:
            return self.removable()
        return and_(self.removable(), self.table.c[self.keep_on_wipe].is_(None))


def _device_made(field: str, model: type[Base], wire: type[WireModel]) -> Stream:
    """The stream of a kind of row a device may make: a pending one is never changed nor
    deleted by a pull, and one the server refused survives a re-bootstrap."""
    return Stream(
        field,
        model,
        wire,
        insert_only=(("pending", False),),
        protect="pending",
        keep_on_wipe="sync_problem",
    )


TENANCIES = Stream("tenancies", Tenancy, TenancyRow)
VISIT_RECORDS = (
    _device_made("contacts", Contact, ContactRow),
    _device_made("promises", PaymentPromise, PromiseRow),
    _device_made("follow_ups", FollowUp, FollowUpRow),
    _device_made("referrals", Referral, ReferralRow),
)
CHILDREN = (
    Stream("people", Person, PersonRow),
    Stream("ledger", LedgerEntry, LedgerRow),
    _device_made("arrangements", Arrangement, ArrangementRow),
    _device_made("actions", CaseAction, ActionRow),
    *VISIT_RECORDS,
)
STREAMS = (TENANCIES, *CHILDREN)


@dataclass(frozen=True)
class AppliedPage:
    """What one page changed locally."""

    tenancies: int
    people: int
    ledger_lines: int
    removed: int
    changed_tenancy_ids: frozenset[uuid.UUID]
    arrangements: int = 0
    actions: int = 0
    assessments: int = 0
    visit_records: int = 0


@dataclass(frozen=True)
class _Param:
    """One parameter of an upsert: read from the wire row's field by ``get`` and stored with
    the column type's bind processor ``process``; or, for an insert-only column (``get`` None),
    the stored value ``fixed``. With ``memo``, ``process`` runs once per distinct value."""

    get: Callable[[Any], Any] | None
    process: Callable[[Any], Any] | None
    memo: bool
    fixed: Any = None


class _Upsert:
    """The upsert of one stream's wire rows into its table, on one connection's dialect."""

    def __init__(self, stream: Stream, dialect: Dialect) -> None:
        table = stream.table
        field_of = {("server_seq" if f == "seq" else f): f for f in stream.wire.model_fields}
        fixed = dict(stream.insert_only)
        stmt = insert(table)
        if stream.protect is None:
            updates: dict[str, Any] = {name: stmt.excluded[name] for name in field_of}
        else:
            kept = table.c[stream.protect]
            updates = {
                name: case((kept, table.c[name]), else_=stmt.excluded[name]) for name in field_of
            }
            updates["server_seq"] = stmt.excluded.server_seq
        del updates["id"]
        keys = [*field_of, *fixed]
        compiled = stmt.on_conflict_do_update(index_elements=[table.c.id], set_=updates).compile(
            dialect=dialect, column_keys=keys
        )
        new_only = stmt.on_conflict_do_nothing(index_elements=[table.c.id]).compile(
            dialect=dialect, column_keys=keys
        )
        order = list(compiled.positiontup or ())
        if sorted(order) != sorted(keys) or list(new_only.positiontup or ()) != order:
            raise RuntimeError(f"unexpected parameters compiling the {table.name} upsert")
        self.sql = str(compiled)
        self.sql_new_only = str(new_only)
        self.params = [
            _Param(None, None, False, _stored(table, name, fixed[name], dialect))
            if name in fixed
            else _param(table.c[name], field_of[name], dialect)
            for name in order
        ]

    def values(self, rows: Sequence[WireModel]) -> list[tuple[Any, ...]]:
        """The rows as parameter tuples in storage format, made column by column with the
        loops over rows in C (``map``, ``zip``)."""
        columns: list[Iterable[Any]] = []
        for param in self.params:
            if param.get is None:
                columns.append([param.fixed] * len(rows))
                continue
            values = list(map(param.get, rows))
            process = param.process
            if process is None:
                columns.append(values)
            elif param.memo:
                stored = {v: process(v) for v in set(values) if v is not None}
                columns.append(map(stored.get, values))  # None stays None
            else:
                columns.append(map(process, values))  # bind processors pass None through
        return list(zip(*columns, strict=True))


def _param(column: Column[Any], field: str, dialect: Dialect) -> _Param:
    """How to read the wire field ``field`` and store it in ``column``.

    Values that repeat (dates, codes) are converted once each; not the primary key's (no
    repeats) nor UUIDs (hashing a UUID is a Python call, as dear as converting it).
    """
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    memo = not (column.primary_key or isinstance(column.type, Uuid))
    return _Param(attrgetter(field), process, memo)


def _stored(table: Table, name: str, value: Any, dialect: Dialect) -> Any:
    """``value`` in the storage format of column ``name`` (its bind processor applied)."""
    processor = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
    return processor(value) if processor is not None else value


@lru_cache(maxsize=64)
def _upsert_for(stream: Stream, dialect: Dialect) -> _Upsert:
    """The compiled upsert of ``stream`` on ``dialect`` (made once: compiling takes a few ms)."""
    return _Upsert(stream, dialect)


def _write(session: Session, stream: Stream, rows: Sequence[WireModel]) -> None:
    """Upsert ``rows``: insert them all if none is held yet, else upsert them all.

    SQLite inserts with ``ON CONFLICT DO NOTHING`` at the speed of a plain insert but with
    ``DO UPDATE`` a third slower, and the pages of a bootstrap are nearly all new rows. So the
    new-only insert goes first; when it inserted fewer rows than it was given, some were held
    already and the full upsert runs over the same rows (those just inserted are rewritten
    with the same values). The result is the upsert's either way.
    """
    if not rows:
        return
    connection = session.connection()
    upsert = _upsert_for(stream, connection.dialect)
    with cyclic_gc_paused():  # tens of thousands of tuples that all live until written
        values = upsert.values(rows)
    inserted = connection.exec_driver_sql(upsert.sql_new_only, values).rowcount
    if inserted != len(values):
        connection.exec_driver_sql(upsert.sql, values)


def _chunks(ids: Sequence[uuid.UUID]) -> Iterable[Sequence[uuid.UUID]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


# Assessments a pull may delete with their case: all but the finished ones waiting to be
# pushed (pending). A draft goes with its case: it can no longer be opened, and personal data
# of a case the officer no longer holds does not stay on the laptop. A re-bootstrap (the case
# comes back) keeps drafts. Lines and debts go with their assessment (ON DELETE CASCADE).
_ASSESSMENT_REMOVABLE = IncomeAssessment.pending.is_(False)
_ASSESSMENT_REFETCHABLE = and_(
    IncomeAssessment.status == "final",
    IncomeAssessment.pending.is_(False),
    IncomeAssessment.sync_problem.is_(None),
)


def _write_assessments(session: Session, rows: Sequence[AssessmentRow]) -> None:
    """Insert or refresh pulled assessments with their lines and debts (see the module)."""
    for row in rows:
        held = session.get(IncomeAssessment, row.id)
        if held is not None and held.pending:
            held.server_seq = row.seq
            continue
        if held is None:
            held = IncomeAssessment(id=row.id, status="final", pending=False)
            session.add(held)
        held.tenancy_id = row.tenancy_id
        held.status = "final"
        held.supersedes_id = row.supersedes_id
        held.source = row.source
        held.officer_id = row.officer_id
        held.finalised_at = row.finalised_at
        held.note = row.note
        held.server_seq = row.seq
        held.sync_problem = None
        write_figures(session, held, row.content.assessment(row.assessed_on))
    if rows:
        session.flush()


def delete_tenancies(session: Session, tenancy_ids: Sequence[uuid.UUID]) -> int:
    """Delete tenancies with their child rows (pending actions stay); returns how many went."""
    removed = 0
    for chunk in _chunks(list(tenancy_ids)):
        for stream in reversed(CHILDREN):
            table = stream.table
            session.execute(delete(table).where(table.c.tenancy_id.in_(chunk), stream.removable()))
        session.execute(
            delete(IncomeAssessment).where(
                IncomeAssessment.tenancy_id.in_(chunk), _ASSESSMENT_REMOVABLE
            )
        )
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
    for a reset is refused here so it can never be stored as if it were data. A page whose rows
    do not fit the local copy (a row of a case neither in the page nor held here, two rows with
    one reference) is a ``BadReply``: the database refuses the row, and the caller's transaction
    takes nothing of the page.
    """
    if page.reset_required:
        raise ValueError("a reset_required page carries no data; wipe and bootstrap instead")
    try:
        removed = delete_tenancies(session, page.removed_tenancy_ids)
        for stream in STREAMS:  # parents first
            _write(session, stream, getattr(page, stream.field))
        _write_assessments(session, page.assessments)
    except IntegrityError as exc:
        raise BadReply(
            "The central store sent a page whose rows do not fit together (a row of a case it "
            "did not send, or two rows with one reference); nothing of it was used. Try again "
            "later, and tell IT if it happens again."
        ) from exc
    state = sync_state(session)
    state.cursor = page.next_cursor
    state.epoch = page.epoch
    state.last_pull_at = utcnow()
    changed = {row.id for row in page.tenancies} | set(page.removed_tenancy_ids)
    owners: set[int] = set()  # as integers: hashing a uuid.UUID is a Python call, an int's is not
    for stream in CHILDREN:
        owners.update(map(attrgetter("tenancy_id.int"), getattr(page, stream.field)))
    owners.update(row.tenancy_id.int for row in page.assessments)
    changed.update(uuid.UUID(int=value) for value in owners)
    return AppliedPage(
        tenancies=len(page.tenancies),
        people=len(page.people),
        ledger_lines=len(page.ledger),
        removed=removed,
        changed_tenancy_ids=frozenset(changed),
        arrangements=len(page.arrangements),
        actions=len(page.actions),
        assessments=len(page.assessments),
        visit_records=sum(len(getattr(page, stream.field)) for stream in VISIT_RECORDS),
    )


def wipe_caseload(
    session: Session, *, epoch: str | None = None, keep_rejected: bool = True
) -> frozenset[uuid.UUID]:
    """Empty the caseload tables and the cursor (the outbox and pending actions stay, and with
    ``keep_rejected`` the actions the server rejected and the I&E drafts); returns the ids of
    the tenancies removed. Signing in as another officer passes ``keep_rejected=False``."""
    ids = frozenset(session.execute(select(Tenancy.id)).scalars())
    for stream in reversed(CHILDREN):
        session.execute(delete(stream.table).where(stream.wipeable(everything=not keep_rejected)))
    # A re-bootstrap pulls the finished ones again and keeps drafts and refusals; another
    # officer signing in keeps only what waits to be pushed.
    goes = _ASSESSMENT_REFETCHABLE if keep_rejected else _ASSESSMENT_REMOVABLE
    session.execute(delete(IncomeAssessment).where(goes))
    session.execute(delete(Tenancy))
    state = sync_state(session)
    state.cursor = 0
    state.epoch = epoch
    state.bootstrapped = False
    return ids
