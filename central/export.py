"""Writing what officers recorded back to the HMS: ``python -m central export --since CURSOR
--out DIR`` (the format: ``docs/hms-export.md``, "From the central store back to the HMS").

One CSV file per kind of record: contacts, promises to pay, follow-ups and referrals (the visit
records), and the arrangement versions, finished income and expenditure assessments and case
actions made on devices. A row is written for every record whose change number (``seq``) is
above the cursor; the command prints the highest change number written, which the next export
starts from (the cursor given, when there is nothing new).

Invariants:

- Nothing is skipped for ever. Change numbers are handed out in commit order
  (``central.sequence``), so whatever one read of the store sees is every record up to some
  number. The export first finds, in one statement, the highest number to write (``upto``), then
  reads each kind with ``cursor < seq <= upto``: every record in that range was committed before
  that statement, and one committed later has a higher number, so it goes in the next export.
  This holds under PostgreSQL's READ COMMITTED and SQLite's per-statement reads alike.
- Never half a folder. The files are written into a hidden folder beside ``DIR``
  (``.DIR.partial-XXXX``), flushed to disk, and the folder renamed to ``DIR`` in one step; ``DIR``
  must not exist yet or be empty, so an export the HMS has not loaded is never overwritten.
  On any failure the hidden folder is removed and ``DIR`` is left as it was.
- Every file, even with no rows, has its header. UTF-8 with a byte-order mark (so that Excel
  reads Ł, ễ and emoji as written), RFC 4180 quoting, CRLF line ends.
- Free text an officer typed (notes, reasons, tasks, names) cannot become a spreadsheet
  formula: :func:`guard_text` puts an apostrophe before a text that starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return (after any spaces), or with an apostrophe itself, so
  the HMS gets the officer's exact text back by removing one leading apostrophe.
- Money is written from integer pence as pounds with two decimals (``50.00``), never through a
  float; dates are ISO; instants ISO 8601 UTC (``2025-03-07T09:30:12Z``).
- Nothing personal in messages or logs: only paths, cursors, counts and ids.

Threading: :func:`export_records` is blocking and opens its own session on the engine given;
call it off any GUI thread.
"""

from __future__ import annotations

import csv
import os
import secrets
import shutil
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, func, select, true, union_all
from sqlalchemy.orm import Session, aliased

from app.domain import sfs
from central import sequence
from central.models import (
    AppliedMutation,
    Arrangement,
    CaseAction,
    Contact,
    FollowUp,
    IncomeAssessment,
    Officer,
    PaymentPromise,
    Person,
    Referral,
    Tenancy,
)

#: The columns every file starts with, after the record's own id (``<kind>_id``).
COMMON = ("supersedes_id", "tenancy_ref", "officer", "device_id", "recorded_at", "seq")

#: How many rows are fetched from the store at a time.
BATCH = 1000


class ExportRefused(Exception):
    """The export cannot be made as asked (a bad cursor or destination); nothing was written.
    The message names the problem."""


class ExportFailed(Exception):
    """The export could not be written (the disk or the folder refused); nothing was left
    behind. The message names the folder and the reason."""


# -- values as the files hold them -------------------------------------------------------------

#: What a spreadsheet takes as the start of a formula (OWASP, "CSV Injection"), and the apostrophe
#: that marks a guarded text (so that guarding can always be undone).
FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r")


def guard_text(text: str) -> str:
    """Free text as a spreadsheet will show it and never run it.

    An apostrophe goes before a text that starts with ``=``, ``+``, ``-`` or ``@`` (after any
    leading white space, which spreadsheets skip), with a tab or a carriage return, or with an
    apostrophe: Excel and LibreOffice then show the cell as text, hiding the apostrophe. It is
    reversible: a text in the file that starts with an apostrophe had one added, and removing
    that one apostrophe gives the officer's exact text."""
    if text.startswith(("'", *CONTROL_STARTS)) or text.lstrip().startswith(FORMULA_STARTS):
        return "'" + text
    return text


def unguard_text(cell: str) -> str:
    """The officer's text from a guarded cell (what an HMS loader does): one leading
    apostrophe removed."""
    return cell[1:] if cell.startswith("'") else cell


def pounds(pence: int | None) -> str:
    """Integer pence as pounds with two decimals (``5000`` -> ``50.00``, ``-5`` -> ``-0.05``);
    blank for None."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    whole, rest = divmod(abs(pence), 100)
    return f"{sign}{whole}.{rest:02d}"


def day(value: date | None) -> str:
    """A date as ISO ``YYYY-MM-DD``; blank for None."""
    return value.isoformat() if value is not None else ""


def instant(value: datetime | None) -> str:
    """An instant as ISO 8601 UTC to the second (``2025-03-07T09:30:12Z``); blank for None."""
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ident(value: uuid.UUID | None) -> str:
    """A UUID in its usual text form; blank for None."""
    return str(value) if value is not None else ""


def yes_no(value: bool) -> str:
    return "Y" if value else "N"


# -- the kinds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sender:
    """Who sent a record, as far as the store knows: the device and when the store took it
    (from the mutation that brought it, ``applied_mutation``)."""

    device_id: uuid.UUID
    applied_at: datetime


Senders = dict[int, Sender]
Row = list[str]


@dataclass(frozen=True)
class Kind:
    """One file of the export: its name, header, the records to write (``seq`` above
    ``since`` and at most ``upto``, oldest first) and how one result row becomes a CSV row."""

    file: str
    header: tuple[str, ...]
    model: Any
    where: Callable[[], ColumnElement[bool]]
    query: Callable[[], Select[Any]]
    to_row: Callable[[Any, Senders], Row]


_officer = aliased(Officer, name="recorder")


def _common(
    record: Any, *, tenancy_ref: str, officer: str | None, senders: Senders, **known: Any
) -> Row:
    """The record's id and the :data:`COMMON` columns. ``device_id`` and ``recorded_at`` come
    from the record when it has them, else from the mutation that brought it."""
    sender = senders.get(record.seq)
    device_id = known.get("device_id", getattr(record, "device_id", None))
    if device_id is None and sender is not None:
        device_id = sender.device_id
    recorded_at = known.get("recorded_at", getattr(record, "recorded_at", None))
    if recorded_at is None and sender is not None:
        recorded_at = sender.applied_at
    return [
        ident(record.id),
        ident(known.get("supersedes_id", getattr(record, "supersedes_id", None))),
        tenancy_ref,
        officer or "",
        ident(device_id),
        instant(recorded_at),
        str(record.seq),
    ]


def _base(model: Any, *extra: Any) -> Select[Any]:
    """The record with its tenancy's ref and its officer's username."""
    return (
        select(model, Tenancy.ref, _officer.username, *extra)
        .join(Tenancy, Tenancy.id == model.tenancy_id)
        .outerjoin(_officer, _officer.id == model.officer_id)
    )


def _header(kind_id: str, *columns: str) -> tuple[str, ...]:
    return (kind_id, *COMMON, *columns)


# contacts.csv


def _contacts_query() -> Select[Any]:
    action = aliased(CaseAction, name="served")
    return (
        _base(Contact, Person.ref, action.ref)
        .outerjoin(Person, Person.id == Contact.spoke_to_person_id)
        .outerjoin(action, action.id == Contact.action_id)
    )


def _contact_row(result: Any, senders: Senders) -> Row:
    c, tenancy_ref, officer, person_ref, action_ref = result
    if action_ref is None and c.action_id is not None:
        action_ref = str(c.action_id)  # not here yet: a device's action has its id as its ref
    return [
        *_common(c, tenancy_ref=tenancy_ref, officer=officer, senders=senders),
        day(c.on_date),
        c.how,
        c.outcome,
        person_ref or "",
        guard_text(c.spoke_to_name),
        action_ref or "",
        guard_text(c.note),
    ]


# payment_promises.csv


def _promise_row(result: Any, senders: Senders) -> Row:
    p, tenancy_ref, officer = result
    return [
        *_common(p, tenancy_ref=tenancy_ref, officer=officer, senders=senders),
        ident(p.contact_id),
        day(p.made_on),
        day(p.due_on),
        pounds(p.amount_pence),
        yes_no(p.withdrawn),
    ]


# follow_ups.csv


def _follow_up_row(result: Any, senders: Senders) -> Row:
    f, tenancy_ref, officer = result
    return [
        *_common(f, tenancy_ref=tenancy_ref, officer=officer, senders=senders),
        ident(f.contact_id),
        day(f.due_on),
        f.status,
        guard_text(f.task),
    ]


# referrals.csv


def _referral_row(result: Any, senders: Senders) -> Row:
    r, tenancy_ref, officer = result
    return [
        *_common(r, tenancy_ref=tenancy_ref, officer=officer, senders=senders),
        r.to,
        day(r.on_date),
        guard_text(r.reason),
        r.outcome,
        day(r.outcome_on),
        guard_text(r.outcome_note),
    ]


# arrangements.csv (versions made on devices)


def _arrangements_query() -> Select[Any]:
    replaced = aliased(Arrangement, name="replaced")
    return _base(Arrangement, replaced.ref).outerjoin(
        replaced, replaced.id == Arrangement.supersedes_id
    )


def _arrangement_row(result: Any, senders: Senders) -> Row:
    a, tenancy_ref, officer, supersedes_ref = result
    common = _common(a, tenancy_ref=tenancy_ref, officer=officer, senders=senders)
    if supersedes_ref is None and a.supersedes_id is not None:
        supersedes_ref = str(a.supersedes_id)
    return [
        *common[:2],
        supersedes_ref or "",
        *common[2:],
        day(a.made_on),
        a.kind,
        day(a.start_date),
        a.frequency,
        pounds(a.instalment_pence),
        pounds(a.starting_balance_pence),
        a.status,
        str(a.day_of_month) if a.day_of_month is not None else "",
    ]


# assessments.csv (finished income and expenditure assessments: the SFS totals)


def _assessment_row(result: Any, senders: Senders) -> Row:
    a, tenancy_ref, officer = result
    from app.protocol.messages import AssessmentContent

    try:
        figures = AssessmentContent.model_validate(a.content).assessment(a.assessed_on)
        budget = sfs.assess(figures)
    except ValueError as exc:  # pydantic's ValidationError and SfsError; their text may quote
        raise ExportFailed(  # a figure or a note, so only the kind of error is named
            f"the assessment {a.id} (change {a.seq}) cannot be read back "
            f"({exc.__class__.__name__}); nothing was exported"
        ) from None
    household = figures.household
    return [
        *_common(
            a,
            tenancy_ref=tenancy_ref,
            officer=officer,
            senders=senders,
            recorded_at=a.finalised_at,
            device_id=None,
        ),
        day(a.assessed_on),
        a.source,
        str(household.adults),
        str(household.children),
        str(household.other_dependants),
        str(household.non_dependants),
        pounds(budget.income.pence),
        pounds(budget.fixed.pence),
        pounds(budget.flexible.pence),
        pounds(budget.outgoings.pence),
        pounds(budget.surplus.pence),
        pounds(figures.savings_pence),
        pounds(figures.admin_fee_pence),
        pounds(budget.available_for_priority.pence),
        pounds(budget.other_priority_offers.pence),
        pounds(budget.max_rent_offer_monthly.pence),
        pounds(budget.max_rent_offer_weekly_pence),
        pounds(figures.rent_offer_pence),
        pounds(budget.available_for_non_priority.pence),
        pounds(sum(d.owed_pence for d in figures.priority_debts)),
        pounds(sum(d.owed_pence for d in figures.non_priority_debts)),
        guard_text(a.note),
    ]


# actions.csv (case actions recorded on devices)


def _action_row(result: Any, senders: Senders) -> Row:
    a, tenancy_ref, officer = result
    return [
        *_common(a, tenancy_ref=tenancy_ref, officer=officer, senders=senders, supersedes_id=None),
        day(a.on_date),
        a.code,
        day(a.until),
        guard_text(a.note),
        ident(a.assessment_id),
        a.support_need or "",
        a.learned_from or "",
    ]


KINDS: tuple[Kind, ...] = (
    Kind(
        "contacts.csv",
        _header(
            "contact_id",
            *("date", "how", "outcome", "spoke_to_person_ref", "spoke_to_name", "action_ref"),
            "note",
        ),
        Contact,
        true,
        _contacts_query,
        _contact_row,
    ),
    Kind(
        "payment_promises.csv",
        _header("payment_promise_id", "contact_id", "made_on", "due_on", "amount", "withdrawn"),
        PaymentPromise,
        true,
        lambda: _base(PaymentPromise),
        _promise_row,
    ),
    Kind(
        "follow_ups.csv",
        _header("follow_up_id", "contact_id", "due_on", "status", "task"),
        FollowUp,
        true,
        lambda: _base(FollowUp),
        _follow_up_row,
    ),
    Kind(
        "referrals.csv",
        _header(
            "referral_id",
            *("referred_to", "date", "reason", "outcome", "outcome_date", "outcome_note"),
        ),
        Referral,
        true,
        lambda: _base(Referral),
        _referral_row,
    ),
    Kind(
        "arrangements.csv",
        (
            "arrangement_id",
            "supersedes_id",
            "supersedes_ref",
            *COMMON[1:],
            *("made_on", "kind", "start_date", "frequency", "instalment", "starting_balance"),
            *("status", "day_of_month"),
        ),
        Arrangement,
        lambda: Arrangement.source == "device",
        _arrangements_query,
        _arrangement_row,
    ),
    Kind(
        "assessments.csv",
        _header(
            "assessment_id",
            *("assessed_on", "source", "adults", "children", "other_dependants"),
            *("non_dependants", "monthly_income", "monthly_fixed_costs"),
            *("monthly_flexible_costs", "monthly_outgoings", "monthly_surplus"),
            *("monthly_savings", "monthly_debt_admin_fee", "available_for_priority_debts"),
            *("other_priority_offers", "max_rent_offer_monthly", "max_rent_offer_weekly"),
            *("rent_offer_monthly", "available_for_non_priority_debts"),
            *("priority_debts_owed", "non_priority_debts_owed", "note"),
        ),
        IncomeAssessment,
        true,
        lambda: _base(IncomeAssessment),
        _assessment_row,
    ),
    Kind(
        "actions.csv",
        _header(
            "action_id",
            "date",
            "code",
            "until",
            "note",
            "assessment_id",
            "support_need",
            "learned_from",
        ),
        CaseAction,
        lambda: CaseAction.source == "device",
        lambda: _base(CaseAction),
        _action_row,
    ),
)
"""Every file of the export, in the order they are written."""

FILES = tuple(kind.file for kind in KINDS)


# -- reading the store -------------------------------------------------------------------------


def highest_seq(session: Session, *, since: int) -> int | None:
    """The highest change number above ``since`` of any record the export writes, read in one
    statement (so one snapshot); None when there is none."""
    parts = [
        select(func.max(kind.model.seq).label("seq")).where(kind.model.seq > since, kind.where())
        for kind in KINDS
    ]
    every = union_all(*parts).subquery()
    found = session.execute(select(func.max(every.c.seq))).scalar_one()
    return int(found) if found is not None else None


def senders(session: Session, *, since: int, upto: int) -> Senders:
    """For each change number in ``(since, upto]`` that a device's mutation brought, the device
    and when the store applied it (the first, when the same record came twice)."""
    rows = session.execute(
        select(AppliedMutation.seq, AppliedMutation.device_id, AppliedMutation.applied_at)
        .where(
            AppliedMutation.status == "applied",
            AppliedMutation.seq > since,
            AppliedMutation.seq <= upto,
        )
        .order_by(AppliedMutation.applied_at, AppliedMutation.device_id)
    )
    found: Senders = {}
    for seq, device_id, applied_at in rows:
        if seq is not None and seq not in found:
            found[seq] = Sender(device_id, applied_at)
    return found


def kind_rows(
    session: Session, kind: Kind, *, since: int, upto: int, senders: Senders
) -> Iterator[Row]:
    """The CSV rows of one kind, oldest change first, fetched :data:`BATCH` at a time."""
    model = kind.model
    stmt = (
        kind.query()
        .where(model.seq > since, model.seq <= upto, kind.where())
        .order_by(model.seq)
        .execution_options(yield_per=BATCH)
    )
    for result in session.execute(stmt):
        yield kind.to_row(result, senders)


# -- writing the folder ------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote: the folder, the cursor it started from, the new cursor and the
    rows of each file."""

    out: Path
    since: int
    cursor: int
    rows: dict[str, int]

    def describe(self) -> str:
        """One line for the operator: the range of changes and the rows of each file."""
        if self.cursor == self.since:
            return f"nothing recorded since change {self.since}: {self.out} holds empty files"
        counts = ", ".join(f"{n} {name.removesuffix('.csv')}" for name, n in self.rows.items())
        return f"exported changes {self.since + 1} to {self.cursor} into {self.out}: {counts}"


def _destination(out: str | Path) -> Path:
    """The folder to create, made absolute; :class:`ExportRefused` when it is a file or a
    folder that already holds something."""
    path = Path(os.path.abspath(out))
    if not path.name:
        raise ExportRefused(f"{out} cannot be an export folder; name a new folder")
    if path.exists() or path.is_symlink():
        if not path.is_dir():
            raise ExportRefused(f"{path} is a file, not a folder; name a new folder")
        try:
            holds_something = any(path.iterdir())
        except OSError as exc:
            raise ExportFailed(f"cannot read the folder {path}: {_reason(exc)}") from None
        if holds_something:
            raise ExportRefused(
                f"{path} already holds files; give each export a new (or empty) folder, so "
                "that one the housing system has not loaded yet is never overwritten"
            )
    return path


def _reason(exc: OSError) -> str:
    return exc.strerror or exc.__class__.__name__


def _sync_folder(path: Path) -> None:
    """Flush a folder's entries to disk (POSIX; elsewhere the rename is as durable as the
    system makes it)."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Row]) -> int:
    """Write one file (BOM, header, RFC 4180, CRLF), flushed to disk; the number of rows."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
        fh.flush()
        os.fsync(fh.fileno())
    return count


def _partial_folder(path: Path) -> Path:
    """A new hidden folder beside ``path`` to write into (its parents made as needed), with
    the permissions a plain new folder gets; :class:`ExportFailed` naming why it cannot be."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.parent / f".{path.name}.partial-{secrets.token_hex(4)}"
        partial.mkdir()
    except OSError as exc:
        reason = _reason(exc)
        blocking = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        if blocking is not None:
            reason = f"{blocking} is a file, not a folder"
        raise ExportFailed(f"cannot create the folder {path}: {reason}") from None
    return partial


def _publish(partial: Path, out: Path) -> None:
    """Rename the finished folder into place in one step (over an empty folder, where the
    system allows it; else the empty folder is removed first)."""
    try:
        os.replace(partial, out)
    except OSError:
        if not (out.is_dir() and not any(out.iterdir())):
            raise
        out.rmdir()
        os.replace(partial, out)


def export_records(*, engine: Engine, since: int, out: str | Path) -> ExportSummary:
    """Write every record with a change number above ``since`` into a new folder ``out``, one
    file per kind (:data:`KINDS`), and return the summary with the new cursor.

    Raises :class:`ExportRefused` when ``since`` is negative or above the store's last change
    number (a cursor from another store, or from before a restore), or when ``out`` is a file
    or a folder holding something; :class:`ExportFailed` when the folder cannot be written. In
    both cases nothing is left behind."""
    if since < 0:
        raise ExportRefused(f"--since {since}: a cursor is 0 or more")
    path = _destination(out)
    with Session(engine) as session:
        last = sequence.current(session)
        if since > last:
            raise ExportRefused(
                f"--since {since} is beyond the store's last change number ({last}): is it "
                "from another store, or from before the store was restored? Export again from "
                "an earlier cursor (0 for everything); the housing system keys each row on its "
                "id, so a row it already has is loaded again harmlessly"
            )
        upto = highest_seq(session, since=since)
        cursor = since if upto is None else upto
        found = senders(session, since=since, upto=cursor) if upto is not None else {}
        partial = _partial_folder(path)
        try:
            rows: dict[str, int] = {}
            for kind in KINDS:
                records: Iterable[Row] = (
                    kind_rows(session, kind, since=since, upto=cursor, senders=found)
                    if upto is not None
                    else ()
                )
                rows[kind.file] = write_csv(partial / kind.file, kind.header, records)
            _sync_folder(partial)
            _publish(partial, path)
        except OSError as exc:
            shutil.rmtree(partial, ignore_errors=True)
            raise ExportFailed(f"cannot write the export to {path}: {_reason(exc)}") from None
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
    with suppress(OSError):  # the folder is in place; this only hastens it to disk
        _sync_folder(path.parent)
    return ExportSummary(out=path, since=since, cursor=cursor, rows=rows)


def parse_cursor(text: str) -> int:
    """A cursor as typed: a whole number, 0 or more (what the last export printed); raises
    ValueError naming what is wrong."""
    stripped = text.strip()
    if not stripped.isascii() or not stripped.isdigit():
        raise ValueError(
            f"{text!r} is not a cursor: give the number the last export printed, or 0 for "
            "everything"
        )
    return int(stripped)


def export_command(*, url: str | None, since: int, out: str, quiet: bool = False) -> int:
    """``python -m central export --since CURSOR --out DIR``: the new cursor on stdout and 0;
    2 (reason on stderr) for a cursor or folder that cannot be used, 1 when the folder cannot
    be written. A one-line summary (counts only) goes to stderr unless ``quiet``."""
    from central.db import open_store

    engine = open_store(url)
    try:
        summary = export_records(engine=engine, since=since, out=out)
    except ExportRefused as exc:
        sys.stderr.write(f"export: {exc}\n")
        return 2
    except ExportFailed as exc:
        sys.stderr.write(f"export: {exc}\n")
        return 1
    finally:
        engine.dispose()
    if not quiet:
        sys.stderr.write(summary.describe() + "\n")
    sys.stdout.write(f"{summary.cursor}\n")
    return 0
