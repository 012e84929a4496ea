"""The pull side of sync: which rows an officer's device receives, page by page.

Scope: the tenancies whose ``officer_id`` is the officer, with their child rows: people,
ledger lines, arrangements, case actions, finished income and expenditure assessments, and the
visit records devices pushed (contacts, promises to pay, follow-ups, referrals: every version,
superseded ones too, so a device can show a record's history).
Each kind of row is one :class:`Stream` in :data:`STREAMS` (its table, its wire row, the page
field it fills); adding a kind of row to the device is one more entry there, plus its wire row
in ``app.protocol.messages``.

A page (:func:`pull_page`) is built from the streams and the officer's scope events, each read
in ``seq`` order above the cursor and at or below ``high`` (the sequence value read at the
start, so that every number at or below it belongs to a committed transaction — see
``central.sequence``). They are merged by ``seq`` and cut after ``limit`` items;
``next_cursor`` is the last ``seq`` included, or ``high`` when nothing more is in scope, so a
device's cursor also moves past other officers' changes. Then:

- an ``enter`` event in the page for a tenancy now in scope brings the whole case: its rows of
  every stream at or below the old cursor (which the device skipped while the case was someone
  else's) join the page; its later rows are in this page or the next ones as usual;
- a ``leave`` event in the page for a tenancy *not* now in scope lists it in
  ``removed_tenancy_ids`` (the device removes the case with all its child rows);
- a child row whose tenancy row is not in the page and changed after the page's cut carries its
  tenancy row along (its newer version), so a device never holds a child without its parent.
  Applying rows is idempotent, so a row arriving twice does no harm.

An epoch that differs from the store's, or a cursor above the store's sequence (a restore
from an older backup), answers ``reset_required`` with no rows.

Speed: a page of 10,000 ledger lines is read and encoded in well under a tenth of a second.
Rows are read with SQLAlchemy Core (no ORM), each column already in its wire form where the
database can give it (:func:`_wire_column`: on SQLite a UUID's stored hex digits and a date's
stored ISO text, on PostgreSQL ``uuid::text``), and the page is written with ``json.dumps`` of
plain dicts: no pydantic model is built per row. Values come from our own typed columns;
``tests/central`` validate every page against the strict ``PullPage`` model, as devices do.

Reads only; cost is a handful of indexed queries per page (``ix_*_seq``, the
``ix_*_tenancy_*`` indexes, ``ix_tenancy_officer_seq``, ``ix_scope_event_officer_seq``).
Threading: plain functions over a Session passed in, one request at a time per Session.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Date,
    DateTime,
    Select,
    String,
    Table,
    Text,
    Uuid,
    cast,
    func,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from app.protocol.messages import (
    DEFAULT_PAGE_LIMIT,
    MAX_PAGE_LIMIT,
    ActionRow,
    ArrangementRow,
    AssessmentRow,
    ContactRow,
    FollowUpRow,
    LedgerRow,
    PersonRow,
    PromiseRow,
    ReferralRow,
    ScopeCheck,
    TenancyRow,
    WireModel,
)
from app.sqlkit.gcpause import cyclic_gc_paused
from central import sequence
from central.db import epoch as store_epoch
from central.models import (
    Arrangement,
    CaseAction,
    CentralBase,
    Contact,
    FollowUp,
    IncomeAssessment,
    LedgerEntry,
    PaymentPromise,
    Person,
    Referral,
    ScopeEvent,
    Tenancy,
)

# SQL parameter lists are chunked to stay under every backend's limit on bound parameters.
_CHUNK = 500

Converter = Callable[[Any], Any]
WireDict = dict[str, Any]


@dataclass(frozen=True)
class Stream:
    """One kind of row a device pulls: ``model``'s rows in scope, as ``wire`` rows in the
    page's ``field`` list.

    The wire row's field names are the table's column names, so the columns read are exactly
    the wire row's fields, in its order. Every table has ``id`` and ``seq``; a child table
    (all but tenancies) has ``tenancy_id``.
    """

    field: str
    model: type[CentralBase]
    wire: type[WireModel]

    @property
    def table(self) -> Table:
        table: Table = self.model.__table__  # type: ignore[assignment]
        return table

    @property
    def columns(self) -> list[Column[Any]]:
        return [self.table.c[name] for name in self.wire.model_fields]

    @property
    def owner(self) -> Column[Any]:
        """The column holding the tenancy's id (``id`` for the tenancy itself)."""
        return self.table.c.id if self.model is Tenancy else self.table.c.tenancy_id


TENANCIES = Stream("tenancies", Tenancy, TenancyRow)
LEDGER = Stream("ledger", LedgerEntry, LedgerRow)
CHILDREN = (
    Stream("people", Person, PersonRow),
    LEDGER,
    Stream("arrangements", Arrangement, ArrangementRow),
    Stream("actions", CaseAction, ActionRow),
    Stream("contacts", Contact, ContactRow),
    Stream("promises", PaymentPromise, PromiseRow),
    Stream("follow_ups", FollowUp, FollowUpRow),
    Stream("referrals", Referral, ReferralRow),
    # Last, as on the device, where the flat streams come first and assessments (nested rows)
    # are written by a function of their own.
    Stream("assessments", IncomeAssessment, AssessmentRow),
)
STREAMS = (TENANCIES, *CHILDREN)


class BadPullRequest(ValueError):
    """The cursor or limit is out of range; ``str()`` says which, for the ErrorBody."""


@dataclass(frozen=True)
class PageBody:
    """A pull page ready to send: its JSON (a ``PullPage``) and a few facts for the log."""

    json: bytes
    next_cursor: int
    rows: int
    reset_required: bool


def check_limit(limit: int | None) -> int:
    """The page limit to use: the default when absent, else 1..MAX_PAGE_LIMIT."""
    if limit is None:
        return DEFAULT_PAGE_LIMIT
    if limit < 1 or limit > MAX_PAGE_LIMIT:
        raise BadPullRequest(f"limit must be between 1 and {MAX_PAGE_LIMIT}, not {limit}")
    return limit


# -- columns in their wire form -----------------------------------------------------------------


def _hyphenated(stored: str) -> str:
    """SQLAlchemy keeps a UUID on SQLite as its 32 hex digits; the wire uses the usual form."""
    if len(stored) != 32:
        return str(uuid.UUID(stored))
    return f"{stored[:8]}-{stored[8:12]}-{stored[12:16]}-{stored[16:20]}-{stored[20:]}"


def _iso(value: date | datetime) -> str:
    return value.isoformat()


def _wire_column(column: Column[Any], dialect: str) -> tuple[ColumnElement[Any], Converter | None]:
    """What to select for ``column`` and the converter (if any) that makes its JSON value.

    Where the stored value already is (nearly) the wire text it is read as it is, skipping the
    driver's and SQLAlchemy's conversion to ``uuid.UUID`` and ``date`` and back again.
    """
    kind = column.type
    if isinstance(kind, Uuid):
        if dialect == "sqlite":
            return type_coerce(column, String), _hyphenated
        if dialect == "postgresql":
            return cast(column, Text), None
        return column, str
    if isinstance(kind, Date) and not isinstance(kind, DateTime):
        if dialect == "sqlite":
            return type_coerce(column, String), None  # stored as YYYY-MM-DD text
        return column, _iso
    if isinstance(getattr(kind, "impl", kind), DateTime):  # UTCDateTime: aware UTC
        return column, _iso
    return column, None


@dataclass(frozen=True)
class _Reader:
    """Reads rows of some columns as wire dicts (keyed by column name) on one dialect."""

    names: list[str]
    selected: list[ColumnElement[Any]]
    # (column index, converter, whether to convert once per distinct value)
    converters: list[tuple[int, Converter, bool]]

    @classmethod
    def make(cls, columns: Sequence[Column[Any]], dialect: str) -> _Reader:
        names: list[str] = []
        selected: list[ColumnElement[Any]] = []
        converters: list[tuple[int, Converter, bool]] = []
        for i, column in enumerate(columns):
            expression, converter = _wire_column(column, dialect)
            names.append(column.key)
            selected.append(expression.label(column.key))
            if converter is not None:
                # Values that repeat (a tenancy id, a date) are converted once per page; the
                # primary key's never repeat.
                converters.append((i, converter, not column.primary_key))
        return cls(names, selected, converters)

    def select(self) -> Select[Any]:
        return select(*self.selected)

    def read(self, session: Session, query: Select[Any]) -> list[WireDict]:
        """Run ``query`` (built on :meth:`select`) and return its rows as wire dicts.

        Column by column, with the loops over rows in C (``zip``, ``map``).
        """
        rows = session.connection().execute(query).all()
        if not rows:
            return []
        columns: list[Iterable[Any]] = list(zip(*rows, strict=True))
        for i, convert, memo in self.converters:
            values = columns[i]
            if memo:
                wire = {v: convert(v) for v in set(values) if v is not None}
                columns[i] = map(wire.get, values)  # None stays None
            else:
                columns[i] = [None if v is None else convert(v) for v in values]
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _chunks(ids: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _uuids(wire_ids: Iterable[str]) -> list[uuid.UUID]:
    return [uuid.UUID(text) for text in wire_ids]


def _in_scope(stream: Stream, officer_id: uuid.UUID) -> Any:
    """The condition that a stream's row belongs to one of the officer's tenancies."""
    if stream is TENANCIES:
        return Tenancy.officer_id == officer_id
    return stream.owner.in_(select(Tenancy.id).where(Tenancy.officer_id == officer_id))


# -- the page -----------------------------------------------------------------------------------


def pull_page(
    session: Session,
    *,
    officer_id: uuid.UUID,
    cursor: int,
    limit: int | None = None,
    epoch: str | None = None,
) -> PageBody:
    """One page of the officer's changes after ``cursor`` (see the module docstring)."""
    with cyclic_gc_paused():  # a page is tens of thousands of objects that all live
        return _pull_page(session, officer_id=officer_id, cursor=cursor, limit=limit, epoch=epoch)


def _pull_page(
    session: Session,
    *,
    officer_id: uuid.UUID,
    cursor: int,
    limit: int | None,
    epoch: str | None,
) -> PageBody:
    if cursor < 0:
        raise BadPullRequest(f"cursor must be 0 or more, not {cursor}")
    limit = check_limit(limit)
    server_epoch = store_epoch(session)
    high = sequence.current(session)
    if (epoch is not None and epoch != server_epoch) or cursor > high:
        return _reset_page(server_epoch, cursor)

    readers = _PageReaders.make(session.get_bind().dialect.name)
    rows = _stream_rows(
        session, readers, officer_id=officer_id, cursor=cursor, high=high, limit=limit
    )
    events = _event_rows(
        session, readers, officer_id=officer_id, cursor=cursor, high=high, limit=limit
    )
    cut, has_more = _cut(rows, events, limit=limit, high=high)
    events = _trim(rows, events, cut)
    removed, entered = _scope_changes(session, readers, events, officer_id=officer_id)
    if entered and cursor > 0:
        _add_skipped_rows(session, readers, rows, entered, cursor=cursor)
    _add_parents(session, readers, rows, officer_id=officer_id, cut=cut)

    body: dict[str, Any] = {
        "epoch": server_epoch,
        "cursor": cursor,
        "next_cursor": cut,
        "has_more": has_more,
        "reset_required": False,
    }
    count = 0
    for stream in STREAMS:
        batch = rows[stream.field]
        # Rows from different queries (entered cases, carried parents) are disjoint by seq:
        # each query reads another seq range. Sorting restores seq order across them.
        batch.sort(key=_seq_of)
        body[stream.field] = batch
        count += len(batch)
    body["removed_tenancy_ids"] = removed
    body["remaining"] = (
        _remaining(session, officer_id=officer_id, after=cut, high=high) if has_more else 0
    )
    return PageBody(_dumps(body), next_cursor=cut, rows=count, reset_required=False)


def _reset_page(server_epoch: str, cursor: int) -> PageBody:
    """The answer to a stale epoch or a cursor from the future: start again, no rows."""
    reset = {
        "epoch": server_epoch,
        "cursor": cursor,
        "next_cursor": 0,
        "has_more": True,
        "reset_required": True,
    }
    return PageBody(_dumps(reset), next_cursor=0, rows=0, reset_required=True)


@dataclass(frozen=True)
class _PageReaders:
    """The readers one page uses, on the session's dialect: each stream's (by page field),
    the scope events' and the tenancy ids'."""

    streams: dict[str, _Reader]
    events: _Reader
    ids: _Reader

    @classmethod
    def make(cls, dialect: str) -> _PageReaders:
        event_table: Table = ScopeEvent.__table__  # type: ignore[assignment]
        return cls(
            streams={stream.field: _Reader.make(stream.columns, dialect) for stream in STREAMS},
            events=_Reader.make(
                [event_table.c.seq, event_table.c.tenancy_id, event_table.c.kind], dialect
            ),
            ids=_Reader.make([TENANCIES.table.c.id], dialect),
        )


def _stream_rows(
    session: Session,
    readers: _PageReaders,
    *,
    officer_id: uuid.UUID,
    cursor: int,
    high: int,
    limit: int,
) -> dict[str, list[WireDict]]:
    """Each stream's first ``limit`` + 1 rows in scope after the cursor, in seq order."""
    rows: dict[str, list[WireDict]] = {}
    for stream in STREAMS:
        reader = readers.streams[stream.field]
        query = reader.select()
        if stream is not TENANCIES:
            query = query.join(Tenancy, Tenancy.id == stream.table.c.tenancy_id)
        seq = stream.table.c.seq
        rows[stream.field] = reader.read(
            session,
            query.where(Tenancy.officer_id == officer_id, seq > cursor, seq <= high)
            .order_by(seq)
            .limit(limit + 1),
        )
    return rows


def _event_rows(
    session: Session,
    readers: _PageReaders,
    *,
    officer_id: uuid.UUID,
    cursor: int,
    high: int,
    limit: int,
) -> list[WireDict]:
    """The officer's first ``limit`` + 1 scope events after the cursor, in seq order."""
    reader = readers.events
    return reader.read(
        session,
        reader.select()
        .where(ScopeEvent.officer_id == officer_id, ScopeEvent.seq > cursor, ScopeEvent.seq <= high)
        .order_by(ScopeEvent.seq)
        .limit(limit + 1),
    )


def _cut(
    rows: dict[str, list[WireDict]], events: list[WireDict], *, limit: int, high: int
) -> tuple[int, bool]:
    """Where the page ends, and whether more is to come: after its ``limit``-th item by seq,
    or at ``high`` when everything read fits."""
    seqs = sorted(r["seq"] for batch in (*rows.values(), events) for r in batch)
    if len(seqs) > limit:
        return seqs[limit - 1], True
    return high, False


def _trim(
    rows: dict[str, list[WireDict]], events: list[WireDict], cut: int
) -> list[WireDict]:
    """Drop the rows after the cut (in place) and return the events up to it."""
    for field, batch in rows.items():
        rows[field] = [r for r in batch if r["seq"] <= cut]
    return [e for e in events if e["seq"] <= cut]


def _scope_changes(
    session: Session, readers: _PageReaders, events: list[WireDict], *, officer_id: uuid.UUID
) -> tuple[list[str], list[str]]:
    """The tenancies that left the officer's scope (removed) and those that entered it:
    the last event of each tenancy in the page decides, checked against its officer now."""
    last_kind: dict[str, str] = {}
    for event in events:
        last_kind[event["tenancy_id"]] = event["kind"]
    now_in_scope: set[str] = set()
    for chunk in _chunks(list(last_kind)):
        query = readers.ids.select().where(
            Tenancy.id.in_(_uuids(chunk)), Tenancy.officer_id == officer_id
        )
        now_in_scope.update(r["id"] for r in readers.ids.read(session, query))
    removed = [t for t, kind in last_kind.items() if kind == "leave" and t not in now_in_scope]
    entered = [t for t, kind in last_kind.items() if kind == "enter" and t in now_in_scope]
    return removed, entered


def _add_skipped_rows(
    session: Session,
    readers: _PageReaders,
    rows: dict[str, list[WireDict]],
    entered: list[str],
    *,
    cursor: int,
) -> None:
    """Add the rows of every stream that the device skipped while each entered case was in
    someone else's scope (those at or below the cursor)."""
    for chunk in _chunks(entered):
        ids = _uuids(chunk)
        for stream in STREAMS:
            reader = readers.streams[stream.field]
            rows[stream.field] += reader.read(
                session,
                reader.select().where(stream.owner.in_(ids), stream.table.c.seq <= cursor),
            )


def _add_parents(
    session: Session,
    readers: _PageReaders,
    rows: dict[str, list[WireDict]],
    *,
    officer_id: uuid.UUID,
    cut: int,
) -> None:
    """Add the tenancy row of each child in the page whose tenancy is not in it because the
    tenancy changed after the cut."""
    tenancies = readers.streams[TENANCIES.field]
    in_page = {r["id"] for r in rows[TENANCIES.field]}
    orphans = sorted({r["tenancy_id"] for stream in CHILDREN for r in rows[stream.field]} - in_page)
    for chunk in _chunks(orphans):
        rows[TENANCIES.field] += tenancies.read(
            session,
            tenancies.select().where(
                Tenancy.id.in_(_uuids(chunk)), Tenancy.officer_id == officer_id, Tenancy.seq > cut
            ),
        )


def _seq_of(row: WireDict) -> int:
    seq: int = row["seq"]
    return seq


def _dumps(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _remaining(session: Session, *, officer_id: uuid.UUID, after: int, high: int) -> int:
    """How many in-scope items are still to come after ``after`` (for progress only)."""
    total = 0
    for stream in STREAMS:
        seq = stream.table.c.seq
        total += session.execute(
            select(func.count())
            .select_from(stream.table)
            .where(_in_scope(stream, officer_id), seq > after, seq <= high)
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
    counts: dict[str, int] = {}
    balance = 0
    for stream in STREAMS:
        measures: list[Any] = [func.count()]
        if stream is LEDGER:
            measures.append(func.coalesce(func.sum(LedgerEntry.amount_pence), 0))
        row = session.execute(
            select(*measures).select_from(stream.table).where(_in_scope(stream, officer_id))
        ).one()
        counts[stream.field] = int(row[0])
        if stream is LEDGER:
            balance = int(row[1])
    return ScopeCheck(
        cursor=high,
        tenancies=counts["tenancies"],
        people=counts["people"],
        ledger_lines=counts["ledger"],
        balance_pence=balance,
        arrangements=counts["arrangements"],
        actions=counts["actions"],
        assessments=counts["assessments"],
        contacts=counts["contacts"],
        promises=counts["promises"],
        follow_ups=counts["follow_ups"],
        referrals=counts["referrals"],
    )
