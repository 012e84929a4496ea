"""Importing an HMS export (docs: ``docs/hms-export.md``) into the central store.

``actions.csv`` (optional: case actions taken in the HMS) is documented in
``docs/hms-export-actions.md``; its codes are ``app.domain.case_actions.ACTION_KINDS``.

Invariants:

- All or nothing. Every file is read and every row checked before anything is written; an
  export with any error changes nothing and :class:`ImportRejected` lists *every* error found,
  each as ``file:line:column: reason`` (``line`` is the physical line where the record starts,
  the header being line 1). The writing itself is one database transaction.
- Idempotent. A row that is already stored with the same values is left alone and keeps its
  ``seq``; importing the same export twice changes nothing and hands out no change numbers.
  A ledger line, keyed by ``transaction_ref``, is never changed once stored; nor is a case
  action recorded on a device (an HMS row with its ref is the HMS echoing it back).
- Every inserted or changed tenancy, person, ledger line, arrangement and case action, and
  every scope event, gets its own fresh number from the change sequence (``central.sequence``),
  reserved in one block and handed out in order: each tenancy, then its scope events (``leave``
  for the old officer, ``enter`` for the new one), then people, ledger lines, arrangements and
  case actions. A new tenancy with an officer counts as entering that officer's scope, so
  replaying an officer's scope events always gives their caseload.
- Nothing personal in messages. Errors and warnings quote a cell only for amounts, the dates
  of tenancies, transactions, arrangements and actions, enumerations (an action code among
  them) and references; never a note, a name, an address, a postcode, a date of birth, an
  officer's username or contact details.
- Money is integer pence (``app.domain.money.parse_pounds``); no float ever holds it.

Speed: files are parsed with the csv module (cells by index, dates and amounts cached), what
is stored is preloaded with one query per table, and rows go in with Core executemany in
chunks; ledger lines, the bulk, use the driver's own bulk path (see :func:`_insert_ledger`).

Locking: the import takes the change counter's row lock first and holds it until commit, so
imports queue behind each other and sync pushes wait for the import (seconds, not minutes).

Threading: :func:`import_export` is blocking and owns its own session; call it off any GUI
thread. ``progress`` is called on the calling thread. The cyclic garbage collector is paused
for the duration (process-wide; it is restored afterwards).
"""

from __future__ import annotations

import csv
import io
import os
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO, cast

from sqlalchemy import Engine, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from app.domain import arrangement_watch, recovery, rent_account
from app.domain.case_actions import ActionError, check_action
from app.domain.days import EARLIEST_DAY, LATEST_DAY, day_problem
from app.domain.money import AmountError, parse_pounds
from app.sqlkit.gcpause import cyclic_gc_paused
from app.sqlkit.utc import utcnow
from central import sequence
from central.models import (
    Arrangement,
    CaseAction,
    CentralBase,
    ChangeCounter,
    LedgerEntry,
    Officer,
    Person,
    ScopeEvent,
    Tenancy,
)

Progress = Callable[[str, int, int], None]

TENANCIES = "tenancies.csv"
TENANTS = "tenants.csv"
TRANSACTIONS = "transactions.csv"
ARRANGEMENTS = "arrangements.csv"
ACTIONS = "actions.csv"
_FILE_ORDER = {TENANCIES: 0, TENANTS: 1, TRANSACTIONS: 2, ARRANGEMENTS: 3, ACTIONS: 4}

# One vocabulary with the rules that read these values (app.domain).
TENURES = frozenset(recovery.TENURES)
LEDGER_TYPES = rent_account.LINE_TYPES
ARRANGEMENT_KINDS = frozenset({"informal", "court_order"})
FREQUENCIES = frozenset(arrangement_watch.FREQUENCIES)
STATUSES = frozenset({"live", "cancelled"})
RENT_WEEKS = {"52": 52, "50": 50, "48": 48}

# Column name -> required. Order is the documented order (used for messages only).
TENANCY_COLUMNS = {
    "tenancy_ref": True,
    "address": True,
    "postcode": True,
    "tenure": True,
    "start_date": True,
    "end_date": False,
    "weekly_rent": True,
    "weekly_service_charge": False,
    "rent_weeks": False,
    "officer": False,
    "patch": False,
}
TENANT_COLUMNS = {
    "tenancy_ref": True,
    "person_ref": True,
    "title": False,
    "first_name": False,
    "last_name": True,
    "date_of_birth": False,
    "phone": False,
    "email": False,
    "lead": False,
}
TRANSACTION_COLUMNS = {
    "tenancy_ref": True,
    "transaction_ref": True,
    "posted_on": True,
    "type": True,
    "amount": True,
    "description": False,
}
ARRANGEMENT_COLUMNS = {
    "tenancy_ref": True,
    "arrangement_ref": True,
    "kind": True,
    "start_date": True,
    "frequency": True,
    "instalment": True,
    "starting_balance": True,
    "status": False,
}
ACTION_COLUMNS = {
    "tenancy_ref": True,
    "action_ref": True,
    "date": True,
    "code": True,
    "until": False,
    "note": False,
}

REF_MAX = 40  # tenancy.ref, person.ref, ledger_entry.ref, arrangement.ref, case_action.ref
MAX_PENCE = 2**31 - 1  # the amount columns are 32-bit integers
CHUNK = 10_000  # rows per executemany
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_USERNAME = re.compile(r"^[A-Za-z0-9._@-]+$")


@dataclass(frozen=True, order=True)
class ImportIssue:
    """One error or warning about an export, shown as ``file:line:column: reason``."""

    file: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.reason}"


class ImportRejected(Exception):
    """The export has errors; nothing was changed. ``errors`` lists every one found."""

    def __init__(self, errors: Sequence[ImportIssue]) -> None:
        self.errors: tuple[ImportIssue, ...] = tuple(errors)
        super().__init__(f"the export has {len(self.errors)} error(s); nothing was imported")


@dataclass(frozen=True)
class RowCounts:
    """How many rows of one kind an import added, updated and found unchanged."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class ImportSummary:
    """What an import changed. ``first_seq``/``last_seq`` bound the change numbers it used
    (both None when it changed nothing)."""

    tenancies: RowCounts
    people: RowCounts
    ledger: RowCounts
    arrangements: RowCounts
    actions: RowCounts
    officers_created: int
    scope_events: int
    warnings: tuple[ImportIssue, ...]
    first_seq: int | None
    last_seq: int | None

    def describe(self) -> str:
        """A few lines for a person: counts only, never personal data."""

        def part(name: str, c: RowCounts) -> str:
            return f"{name}: {c.added} added, {c.updated} updated, {c.unchanged} unchanged"

        lines = [
            part("tenancies", self.tenancies),
            part("people", self.people),
            f"ledger lines: {self.ledger.added} added, {self.ledger.unchanged} already present",
            part("arrangements", self.arrangements),
            part("case actions", self.actions),
            f"officers created: {self.officers_created}",
            f"scope events: {self.scope_events}",
            f"warnings: {len(self.warnings)}",
        ]
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Reading


@dataclass
class _Issues:
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)

    def error(self, file: str, line: int, column: str, reason: str) -> None:
        self.errors.append(ImportIssue(file, line, column, reason))

    def warn(self, file: str, line: int, column: str, reason: str) -> None:
        self.warnings.append(ImportIssue(file, line, column, reason))


@dataclass
class _Table:
    """A CSV file read into records: (start line, fields), with the header's column indexes."""

    name: str
    index: dict[str, int]
    width: int
    records: list[tuple[int, list[str]]]
    lines: int


class _CsvProblem(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _records(text: str) -> list[tuple[int, list[str]]]:
    """(start line, fields) for every record but blank lines; bad CSV raises _CsvProblem."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    out: list[tuple[int, list[str]]] = []
    append = out.append
    end = 0
    try:
        for row in reader:
            if row:
                append((end + 1, row))
            end = reader.line_num
    except csv.Error as exc:
        raise _CsvProblem(end + 1, str(exc)) from None
    return out


def _read_table(
    directory: Path,
    name: str,
    columns: dict[str, bool],
    issues: _Issues,
    *,
    optional: bool = False,
) -> _Table | None:
    """Read one file; None (with errors recorded) when it cannot be used at all."""
    path = directory / name
    if not path.is_file():
        if not optional:
            issues.error(name, 0, "-", "required file is missing from the export")
        return None
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        issues.error(name, line, "-", "the file is not valid UTF-8 text")
        return None
    lines = text.count("\n") + 1
    if "\x00" in text:
        # PostgreSQL cannot keep it in text at all; refused here on SQLite too, so that every
        # store holds the same and no device is ever sent one (app.protocol.messages).
        line = text.count("\n", 0, text.index("\x00")) + 1
        issues.error(name, line, "-", "the file holds a NUL character (code zero); remove it")
        return None
    try:
        records = _records(text)
    except _CsvProblem as exc:
        # strict CSV: e.g. a character after a closing quote, or a quote never closed
        issues.error(name, exc.line, "-", f"not valid CSV ({exc})")
        return None
    if not records or records[0][0] != 1 or not any(c.strip() for c in records[0][1]):
        issues.error(name, 1, "-", "the first line must be the header row")
        return None
    header = [c.strip().lower() for c in records[0][1]]
    index: dict[str, int] = {}
    usable = True
    for i, col in enumerate(header):
        if not col:
            issues.warn(name, 1, f"#{i + 1}", "a column with no name is ignored")
        elif col in index:
            issues.error(name, 1, col, "the column appears more than once")
            usable = False
        else:
            index[col] = i
            if col not in columns:
                issues.warn(name, 1, col, "unknown column ignored")
    for col, required in columns.items():
        if required and col not in index:
            issues.error(name, 1, col, "required column is missing")
            usable = False
    if not usable:
        return None
    del records[0]
    return _Table(name, index, len(header), records, lines)


class _Fields:
    """Typed access to a record's cells, recording errors against the record's line."""

    def __init__(self, table: _Table, issues: _Issues) -> None:
        self.table = table
        self.issues = issues
        self.line = 0
        self.row: list[str] = []
        self.ok = True
        self.dates: dict[str, date] = {}

    def start(self, line: int, row: list[str]) -> bool:
        self.line = line
        self.row = row
        self.ok = True
        if len(row) != self.table.width:
            self.fail(
                "-", f"the record has {len(row)} fields but the header has {self.table.width}"
            )
            return False
        return True

    def fail(self, column: str, reason: str) -> None:
        self.issues.error(self.table.name, self.line, column, reason)
        self.ok = False

    def raw(self, column: str) -> str:
        i = self.table.index.get(column)
        return "" if i is None else self.row[i].strip()

    def text(self, column: str, *, required: bool = False, limit: int | None = None) -> str:
        value = self.raw(column)
        if not value:
            if required:
                self.fail(column, "required value is blank")
        elif limit is not None and len(value) > limit:
            self.fail(column, f"longer than {limit} characters")
        return value

    def ref(self, column: str, seen: dict[str, int] | None = None) -> str:
        value = self.text(column, required=True, limit=REF_MAX)
        if value and seen is not None:
            first = seen.get(value)
            if first is not None:
                self.fail(column, f"duplicate {column} {value!r} (first on line {first})")
            else:
                seen[value] = self.line
        return value

    def date(self, column: str, *, required: bool = False, quote: bool = True) -> date | None:
        value = self.text(column, required=required)
        if not value:
            return None
        known = self.dates.get(value)
        if known is not None:
            return known
        shown = f"{value!r} " if quote else ""
        if len(value) != 10 or value[4] != "-" or value[7] != "-" or not value.isascii():
            self.fail(column, f"{shown}is not a date in the form YYYY-MM-DD")
            return None
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            self.fail(column, f"{shown}is not a real date")
            return None
        problem = day_problem(parsed)
        if problem is not None:
            # A date of birth is never quoted: only that it is out of range.
            self.fail(column, problem if quote else "is not between 1 Jan 1900 and 31 Dec 2199")
            return None
        self.dates[value] = parsed
        return parsed

    def amount(self, column: str, *, required: bool = False, default: int = 0) -> int:
        value = self.raw(column)
        if not value:
            if required:
                self.fail(column, "required value is blank")
            return default
        try:
            pence = parse_pounds(value)
        except AmountError as exc:
            self.fail(column, str(exc))
            return default
        if abs(pence) > MAX_PENCE:
            self.fail(column, f"{value!r} is too large an amount")
            return default
        return pence

    def choice(
        self, column: str, allowed: frozenset[str], *, upper: bool = False, default: str = ""
    ) -> str:
        value = self.raw(column)
        if not value:
            if not default:
                self.fail(column, "required value is blank")
            return default
        norm = value.upper() if upper else value.lower()
        if norm not in allowed:
            self.fail(column, f"{value!r} is not one of {', '.join(sorted(allowed))}")
        return norm


# Parsed rows. Tenancy rows keep the officer as a username until officers are resolved.
@dataclass
class _TenancyRow:
    line: int
    ref: str
    address: str
    postcode: str
    tenure: str
    start_date: date | None
    end_date: date | None
    rent: int
    service: int
    rent_weeks: int
    officer: str | None
    patch: str | None


@dataclass
class _PersonRow:
    line: int
    ref: str
    tenancy_ref: str
    title: str | None
    first_name: str | None
    last_name: str
    date_of_birth: date | None
    phone: str | None
    email: str | None
    is_lead: bool


@dataclass
class _ArrangementRow:
    line: int
    ref: str
    tenancy_ref: str
    kind: str
    start_date: date | None
    frequency: str
    instalment: int
    starting_balance: int
    status: str


@dataclass
class _ActionRow:
    line: int
    ref: str
    tenancy_ref: str
    on_date: date
    code: str
    until: date | None
    note: str


# A ledger row: (line, ref, tenancy_ref, posted_on, type, amount_pence, description)
_LedgerRow = tuple[int, str, str, date, str, int, str | None]


def _postcode(value: str) -> str | None:
    """A UK postcode in its usual form (``ab1  2cd`` -> ``AB1 2CD``), or None."""
    m = _POSTCODE.match(re.sub(r"\s+", "", value.upper()))
    return None if m is None else f"{m.group(1)} {m.group(2)}"


def _parse_tenancies(table: _Table, issues: _Issues, refs: set[str]) -> list[_TenancyRow]:
    """Valid rows; ``refs`` gets every tenancy_ref named, even on a row with other errors."""
    out: list[_TenancyRow] = []
    f = _Fields(table, issues)
    seen: dict[str, int] = {}
    i_ref = table.index["tenancy_ref"]
    for line, row in table.records:
        if not f.start(line, row):
            if i_ref < len(row) and row[i_ref].strip():
                refs.add(row[i_ref].strip())  # its people and lines are not "unknown" too
            continue
        ref = f.ref("tenancy_ref", seen)
        if ref:
            refs.add(ref)
        address = f.text("address", required=True)
        postcode_raw = f.text("postcode", required=True)
        postcode = ""
        if postcode_raw:
            postcode = _postcode(postcode_raw) or ""
            if not postcode:
                f.fail("postcode", "not a UK postcode")
        tenure = f.choice("tenure", TENURES)
        start = f.date("start_date", required=True)
        end = f.date("end_date")
        if start and end and end < start:
            f.fail("end_date", f"{end.isoformat()!r} is before the start_date")
        rent = f.amount("weekly_rent", required=True)
        if rent < 0:
            f.fail("weekly_rent", "a weekly rent cannot be negative")
        service = f.amount("weekly_service_charge")
        if service < 0:
            f.fail("weekly_service_charge", "a weekly service charge cannot be negative")
        weeks_raw = f.raw("rent_weeks")
        weeks = 52
        if weeks_raw:
            if weeks_raw in RENT_WEEKS:
                weeks = RENT_WEEKS[weeks_raw]
            else:
                f.fail("rent_weeks", f"{weeks_raw!r} is not one of 48, 50, 52")
        officer = f.text("officer", limit=80)
        if officer and not _USERNAME.match(officer):
            f.fail("officer", "an officer username holds only letters, digits and . _ - @")
        patch = f.text("patch", limit=80)
        if f.ok:
            out.append(
                _TenancyRow(
                    line,
                    ref,
                    address,
                    postcode,
                    tenure,
                    start,
                    end,
                    rent,
                    service,
                    weeks,
                    officer or None,
                    patch or None,
                )
            )
    return out


def _parse_tenants(
    table: _Table, issues: _Issues, bad_refs: list[tuple[int, str]]
) -> list[_PersonRow]:
    """Valid rows; ``bad_refs`` gets (line, tenancy_ref) of rows with errors."""
    out: list[_PersonRow] = []
    f = _Fields(table, issues)
    seen: dict[str, int] = {}
    leads: dict[str, int] = {}
    for line, row in table.records:
        if not f.start(line, row):
            continue
        tenancy_ref = f.ref("tenancy_ref")
        ref = f.ref("person_ref", seen)
        title = f.text("title", limit=20)
        first = f.text("first_name", limit=100)
        last = f.text("last_name", required=True, limit=100)
        dob = f.date("date_of_birth", quote=False)
        phone = f.text("phone", limit=40)
        email = f.text("email", limit=200)
        lead_raw = f.raw("lead").upper()
        if lead_raw not in ("", "Y", "N"):
            f.fail("lead", f"{f.raw('lead')!r} is not Y or N")
        is_lead = lead_raw == "Y"
        if is_lead and tenancy_ref:
            other = leads.get(tenancy_ref)
            if other is not None:
                f.fail("lead", f"tenancy {tenancy_ref!r} already has a lead tenant (line {other})")
            else:
                leads[tenancy_ref] = line
        if f.ok:
            out.append(
                _PersonRow(
                    line,
                    ref,
                    tenancy_ref,
                    title or None,
                    first or None,
                    last,
                    dob,
                    phone or None,
                    email or None,
                    is_lead,
                )
            )
        elif tenancy_ref:
            bad_refs.append((line, tenancy_ref))
    return out


def _parse_transactions(
    table: _Table, issues: _Issues, bad_refs: list[tuple[int, str]], progress: Progress | None
) -> list[_LedgerRow]:
    """The hot loop of a big import: cells by index, dates and amounts cached. A record
    that does not pass the quick checks goes through :class:`_Fields` for its messages."""
    out: list[_LedgerRow] = []
    name = table.name
    idx = table.index
    width = table.width
    i_tref = idx["tenancy_ref"]
    i_ref = idx["transaction_ref"]
    i_date = idx["posted_on"]
    i_type = idx["type"]
    i_amount = idx["amount"]
    i_desc = idx.get("description")
    seen: dict[str, int] = {}
    dates: dict[str, date] = {}
    amounts: dict[str, int] = {}
    types = {t: t for t in LEDGER_TYPES}
    slow = _Fields(table, issues)  # the careful path, used for any cell that needs a message
    total = table.lines
    append = out.append
    for n, (line, row) in enumerate(table.records, 1):
        if progress is not None and n % 50_000 == 0:
            progress(f"reading {name}", line, total)
        if len(row) != width:
            slow.start(line, row)
            continue
        tref = row[i_tref].strip()
        ref = row[i_ref].strip()
        d = dates.get(row[i_date])
        kind = types.get(row[i_type])
        amount = amounts.get(row[i_amount])
        first = seen.get(ref)
        if (
            tref
            and len(tref) <= REF_MAX
            and ref
            and len(ref) <= REF_MAX
            and first is None
            and d is not None
            and kind is not None
            and amount is not None
        ):
            seen[ref] = line
            desc = row[i_desc].strip() if i_desc is not None else ""
            append((line, ref, tref, d, kind, amount, desc or None))
            continue
        # the careful path: find and record every problem in this record
        slow.start(line, row)
        tref = slow.ref("tenancy_ref")
        ref = slow.ref("transaction_ref", seen)
        d2 = slow.date("posted_on", required=True)
        kind2 = slow.choice("type", LEDGER_TYPES, upper=True)
        amount2 = slow.amount("amount", required=True)
        if slow.ok and d2 is not None:
            dates[row[i_date]] = d2
            amounts[row[i_amount]] = amount2
            desc = row[i_desc].strip() if i_desc is not None else ""
            append((line, ref, tref, d2, kind2, amount2, desc or None))
        elif tref:
            bad_refs.append((line, tref))
    return out


def _parse_arrangements(
    table: _Table, issues: _Issues, bad_refs: list[tuple[int, str]]
) -> list[_ArrangementRow]:
    """Valid rows; ``bad_refs`` gets (line, tenancy_ref) of rows with errors."""
    out: list[_ArrangementRow] = []
    f = _Fields(table, issues)
    seen: dict[str, int] = {}
    for line, row in table.records:
        if not f.start(line, row):
            continue
        tenancy_ref = f.ref("tenancy_ref")
        ref = f.ref("arrangement_ref", seen)
        kind = f.choice("kind", ARRANGEMENT_KINDS)
        start = f.date("start_date", required=True)
        frequency = f.choice("frequency", FREQUENCIES)
        instalment = f.amount("instalment", required=True)
        if f.ok and instalment <= 0:
            f.fail("instalment", "an instalment must be more than 0")
        balance = f.amount("starting_balance", required=True)
        status = f.choice("status", STATUSES, default="live")
        if f.ok:
            out.append(
                _ArrangementRow(
                    line, ref, tenancy_ref, kind, start, frequency, instalment, balance, status
                )
            )
        elif tenancy_ref:
            bad_refs.append((line, tenancy_ref))
    return out


def _parse_actions(
    table: _Table, issues: _Issues, bad_refs: list[tuple[int, str]]
) -> list[_ActionRow]:
    """Valid rows; ``bad_refs`` gets (line, tenancy_ref) of rows with errors.

    The code and its ``until`` date are checked by ``app.domain.case_actions.check_action``
    (the one rule the device uses too); its message names the column it is about.
    """
    out: list[_ActionRow] = []
    f = _Fields(table, issues)
    seen: dict[str, int] = {}
    for line, row in table.records:
        if not f.start(line, row):
            continue
        tenancy_ref = f.ref("tenancy_ref")
        ref = f.ref("action_ref", seen)
        on = f.date("date", required=True)
        code = f.text("code", required=True).lower()
        until = f.date("until")
        note = f.text("note")
        if code:
            # A date that did not parse has its own error already: stand-ins keep it from
            # also failing "needs until" or "before the date", and the code is still checked.
            probe_on = on if on is not None else EARLIEST_DAY
            probe_until = until if until is not None or not f.raw("until") else LATEST_DAY
            try:
                check_action(code=code, on=probe_on, until=probe_until)
            except ActionError as exc:
                column, _, reason = str(exc).partition(": ")
                f.fail(column if column in ACTION_COLUMNS else "code", reason or str(exc))
        if f.ok and on is not None:
            out.append(_ActionRow(line, ref, tenancy_ref, on, code, until, note))
        elif tenancy_ref:
            bad_refs.append((line, tenancy_ref))
    return out


@dataclass
class _Export:
    tenancies: list[_TenancyRow] | None  # None: tenancies.csv could not be read at all
    tenancy_refs: set[str]
    people: list[_PersonRow]
    ledger: list[_LedgerRow]
    arrangements: list[_ArrangementRow]
    actions: list[_ActionRow]
    # (file, line, tenancy_ref) of every row that names a tenancy, for the unknown-ref check
    references: list[tuple[str, list[tuple[int, str]]]]


def _read_export(directory: Path, issues: _Issues, progress: Progress | None) -> _Export:
    def stage(name: str, table: _Table | None) -> None:
        if progress is not None and table is not None:
            progress(f"reading {name}", table.lines, table.lines)

    t_table = _read_table(directory, TENANCIES, TENANCY_COLUMNS, issues)
    tenancy_refs: set[str] = set()
    tenancies = _parse_tenancies(t_table, issues, tenancy_refs) if t_table else None
    stage(TENANCIES, t_table)
    bad: dict[str, list[tuple[int, str]]] = {
        TENANTS: [],
        TRANSACTIONS: [],
        ARRANGEMENTS: [],
        ACTIONS: [],
    }
    p_table = _read_table(directory, TENANTS, TENANT_COLUMNS, issues)
    people = _parse_tenants(p_table, issues, bad[TENANTS]) if p_table else []
    stage(TENANTS, p_table)
    l_table = _read_table(directory, TRANSACTIONS, TRANSACTION_COLUMNS, issues)
    ledger = _parse_transactions(l_table, issues, bad[TRANSACTIONS], progress) if l_table else []
    stage(TRANSACTIONS, l_table)
    a_table = _read_table(directory, ARRANGEMENTS, ARRANGEMENT_COLUMNS, issues, optional=True)
    arrangements = _parse_arrangements(a_table, issues, bad[ARRANGEMENTS]) if a_table else []
    stage(ARRANGEMENTS, a_table)
    c_table = _read_table(directory, ACTIONS, ACTION_COLUMNS, issues, optional=True)
    actions = _parse_actions(c_table, issues, bad[ACTIONS]) if c_table else []
    stage(ACTIONS, c_table)
    # every row that names a tenancy, valid or not, so an unknown one is reported as well
    references = [
        (TENANTS, [(p.line, p.tenancy_ref) for p in people] + bad[TENANTS]),
        (TRANSACTIONS, [(r[0], r[2]) for r in ledger] + bad[TRANSACTIONS]),
        (ARRANGEMENTS, [(a.line, a.tenancy_ref) for a in arrangements] + bad[ARRANGEMENTS]),
        (ACTIONS, [(c.line, c.tenancy_ref) for c in actions] + bad[ACTIONS]),
    ]
    return _Export(tenancies, tenancy_refs, people, ledger, arrangements, actions, references)


# --------------------------------------------------------------------------------------------
# Writing


def _table(model: type[CentralBase]) -> Table:
    """A model's Core table (typed as a Table, which ``insert()``/``update()`` expect)."""
    return cast("Table", model.__table__)


def _sorted(issues: list[ImportIssue]) -> list[ImportIssue]:
    return sorted(issues, key=lambda i: (_FILE_ORDER.get(i.file, 9), i.line))


def _chunks(rows: list[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _write(
    conn: Any,
    table: Any,
    inserts: list[dict[str, Any]],
    updates: list[dict[str, Any]],
    stage: str,
    progress: Progress | None,
) -> None:
    total = len(inserts) + len(updates)
    done = 0
    for chunk in _chunks(inserts):
        conn.execute(insert(table), chunk)
        done += len(chunk)
        if progress is not None:
            progress(stage, done, total)
    if updates:
        stmt = update(table).where(table.c.id == bindparam("b_id"))
        for chunk in _chunks(updates):
            conn.execute(stmt, chunk)
            done += len(chunk)
            if progress is not None:
                progress(stage, done, total)


LEDGER_COLUMNS = (
    "id",
    "ref",
    "tenancy_id",
    "posted_on",
    "type",
    "amount_pence",
    "description",
    "seq",
)


def _insert_ledger(conn: Any, rows: list[tuple[Any, ...]], progress: Progress | None) -> None:
    """Insert new ledger lines (tuples in ``LEDGER_COLUMNS`` order), the bulk of an import.

    Measured on the 300,000-line demo, SQLAlchemy's per-row parameter handling was most of
    the time, so the two backends we run on get the driver's own bulk path inside the same
    transaction: COPY on PostgreSQL (psycopg), and ``executemany`` with values already in
    SQLAlchemy's storage format (its own bind processors, applied once per distinct value)
    on SQLite. Any other backend gets a plain Core ``insert()`` executemany.
    """
    table = _table(LedgerEntry)
    stage = "writing ledger lines"
    total = len(rows)
    dialect = conn.dialect
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        columns = ", ".join(dialect.identifier_preparer.quote(c) for c in LEDGER_COLUMNS)
        name = dialect.identifier_preparer.format_table(table)
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
            for start in range(0, total, CHUNK):
                for row in rows[start : start + CHUNK]:
                    copy.write_row(row)
                if progress is not None:
                    progress(stage, min(total, start + CHUNK), total)
        return
    compiled = insert(table).compile(dialect=dialect, column_keys=list(LEDGER_COLUMNS))
    procs = [table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in LEDGER_COLUMNS]
    p_id, p_tenancy, p_date = procs[0], procs[2], procs[3]
    if (
        dialect.name == "sqlite"
        and tuple(compiled.positiontup or ()) == LEDGER_COLUMNS
        and procs[1] is None
        and not any(procs[4:])  # text and integers go to sqlite3 as they are
    ):
        tenancies: dict[Any, Any] = {}
        dates: dict[Any, Any] = {}
        for start in range(0, total, CHUNK):
            out = []
            for row in rows[start : start + CHUNK]:
                tid = tenancies.get(row[2])
                if tid is None:
                    tid = tenancies[row[2]] = p_tenancy(row[2]) if p_tenancy else row[2]
                day = dates.get(row[3])
                if day is None:
                    day = dates[row[3]] = p_date(row[3]) if p_date else row[3]
                ident = p_id(row[0]) if p_id else row[0]
                out.append((ident, row[1], tid, day, row[4], row[5], row[6], row[7]))
            conn.exec_driver_sql(str(compiled), out)
            if progress is not None:
                progress(stage, start + len(out), total)
        return
    dicts = [dict(zip(LEDGER_COLUMNS, row, strict=True)) for row in rows]
    _write(conn, table, dicts, [], stage, progress)


def _new_ids(count: int) -> Iterator[uuid.UUID]:
    """``count`` fresh time-ordered UUIDs (version 7 layout: milliseconds, then a counter and
    random bits). Keys made in order land at the end of the primary-key index instead of at
    random places in it, which makes a bulk insert much cheaper on SQLite and PostgreSQL."""
    ms = time.time_ns() // 1_000_000
    noise = os.urandom(4 * count)
    head = (ms & 0xFFFF_FFFF_FFFF) << 80 | 0x7 << 76 | 0x2 << 62
    base = int.from_bytes(os.urandom(4)) << 30  # a random start for the counter
    for i in range(count):
        n = (base + i) & 0x3FF_FFFF_FFFF  # 42 bits: 12 in rand_a, 30 in rand_b
        low = int.from_bytes(noise[4 * i : 4 * i + 4])
        yield uuid.UUID(int=head | (n >> 30) << 64 | (n & 0x3FFF_FFFF) << 32 | low)


class _Seq:
    """Hands out a reserved block of change numbers in order."""

    def __init__(self, first: int) -> None:
        self.next = first

    def take(self) -> int:
        n = self.next
        self.next += 1
        return n


def import_export(
    *, engine: Engine, directory: str | Path, progress: Progress | None = None
) -> ImportSummary:
    """Import the export in ``directory`` into the store behind ``engine`` (schema at head).

    Raises :class:`ImportRejected` listing every error when the export has any; the store is
    then unchanged.
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise ImportRejected([ImportIssue(str(folder), 0, "-", "not a folder")])
    with cyclic_gc_paused():  # millions of small objects, none of them in a cycle
        return _import_folder(engine, folder, progress)


def _import_folder(engine: Engine, folder: Path, progress: Progress | None) -> ImportSummary:
    issues = _Issues()
    export = _read_export(folder, issues, progress)

    with Session(engine) as session, session.begin():
        conn = session.connection()
        if conn.dialect.name == "sqlite":
            # a bigger page cache for this transaction: the indexes of a big ledger stay in it
            cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
            conn.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MiB
            try:
                return _import(session, conn, export, issues, progress)
            finally:
                conn.exec_driver_sql(f"PRAGMA cache_size={int(cache or -2000)}")
        return _import(session, conn, export, issues, progress)


# What an import compares, per kind, besides ``id`` and ``ref``: the columns an export sets.
TENANCY_FIELDS = (
    "address",
    "postcode",
    "tenure",
    "start_date",
    "end_date",
    "weekly_rent_pence",
    "weekly_service_charge_pence",
    "rent_weeks",
    "officer_id",
    "patch",
)
PERSON_FIELDS = (
    "tenancy_id",
    "title",
    "first_name",
    "last_name",
    "date_of_birth",
    "phone",
    "email",
    "is_lead",
)
ARRANGEMENT_FIELDS = (
    "tenancy_id",
    "kind",
    "start_date",
    "frequency",
    "instalment_pence",
    "starting_balance_pence",
    "status",
)
ACTION_FIELDS = ("tenancy_id", "on_date", "code", "until", "note")


def _load(
    conn: Any, model: type[CentralBase], fields: Sequence[str], *extra: str
) -> dict[str, Any]:
    """What is stored of one kind, by ref: one query, rows with ``id``, ``ref`` and ``fields``
    (and any ``extra`` columns wanted for other reasons)."""
    t = _table(model)
    columns = [t.c.id, t.c.ref, *(t.c[name] for name in (*fields, *extra))]
    return {r.ref: r for r in conn.execute(select(*columns))}


@dataclass
class _Upserts:
    """One kind's rows split against what is stored. ``new`` rows carry a fresh ``id`` and
    their ``ref``; ``changed`` rows carry ``b_id`` (the stored id, for :func:`_write`) and
    ``olds`` holds the stored row of each, in the same order."""

    new: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    olds: list[Any] = field(default_factory=list)
    unchanged: int = 0

    def counts(self) -> RowCounts:
        return RowCounts(len(self.new), len(self.changed), self.unchanged)

    def rows(self) -> list[dict[str, Any]]:
        """New then changed: the order their change numbers are handed out in."""
        return self.new + self.changed


def _upserts(stored: dict[str, Any], rows: Iterable[tuple[str, dict[str, Any]]]) -> _Upserts:
    """Split (ref, values) pairs into new, changed and unchanged against ``stored`` (from
    :func:`_load`); a row is changed when any of its values differs from the stored one."""
    out = _Upserts()
    for ref, values in rows:
        old = stored.get(ref)
        if old is None:
            values["id"] = uuid.uuid4()
            values["ref"] = ref
            out.new.append(values)
        elif any(getattr(old, k) != v for k, v in values.items()):
            values["b_id"] = old.id
            out.changed.append(values)
            out.olds.append(old)
        else:
            out.unchanged += 1
    return out


def _import(
    session: Session, conn: Any, export: _Export, issues: _Issues, progress: Progress | None
) -> ImportSummary:
    """Inside the transaction: lock, check references against the store, write."""
    # Take the change counter's lock first: imports (and pushes) queue here, so the
    # store cannot change between reading what is stored and writing the differences.
    conn.execute(
        update(ChangeCounter).where(ChangeCounter.id == 1).values(value=ChangeCounter.value)
    )
    stored_t = _load(conn, Tenancy, TENANCY_FIELDS, "seq")
    if export.tenancies is not None:
        known = set(stored_t) | export.tenancy_refs
        for file, refs in export.references:
            names = {ref for _, ref in refs}
            if names <= known:
                continue
            for line, ref in refs:
                if ref not in known:
                    issues.error(file, line, "tenancy_ref", f"unknown tenancy_ref {ref!r}")
    if issues.errors:
        raise ImportRejected(_sorted(issues.errors))
    assert export.tenancies is not None
    return _apply(conn, session, export, stored_t, issues, progress)


@dataclass
class _Changes:
    """What an import writes, kind by kind, before it is numbered: the upserts, the scope
    events of each tenancy (in the order of ``tenancies.rows()``) and the new ledger lines
    with their tenancy ids."""

    tenancies: _Upserts
    scope_events: list[list[tuple[str, uuid.UUID]]]
    people: _Upserts
    ledger_new: list[tuple[uuid.UUID, _LedgerRow]]
    ledger_present: int
    arrangements: _Upserts
    actions: _Upserts

    @property
    def event_count(self) -> int:
        return sum(len(events) for events in self.scope_events)

    @property
    def needed(self) -> int:
        """How many change numbers the writing takes."""
        upserted = (self.tenancies, self.people, self.arrangements, self.actions)
        return (
            self.event_count
            + len(self.ledger_new)
            + sum(len(u.new) + len(u.changed) for u in upserted)
        )


def _apply(
    conn: Any,
    session: Session,
    export: _Export,
    stored_t: dict[str, Any],
    issues: _Issues,
    progress: Progress | None,
) -> ImportSummary:
    """Work out what changes against the store, number it and write it."""
    assert export.tenancies is not None
    officers, officers_created = _ensure_officers(conn, export.tenancies)
    tenancies = _tenancy_upserts(stored_t, export.tenancies, officers)
    tenancy_ids = {ref: r.id for ref, r in stored_t.items()}
    tenancy_ids.update((values["ref"], values["id"]) for values in tenancies.new)
    people = _people_upserts(conn, export.people, tenancy_ids)
    ledger_new, ledger_present = _new_ledger_lines(conn, export.ledger, tenancy_ids, issues)
    changes = _Changes(
        tenancies=tenancies,
        scope_events=_scope_events(tenancies),
        people=people,
        ledger_new=ledger_new,
        ledger_present=ledger_present,
        arrangements=_arrangement_upserts(conn, export.arrangements, tenancy_ids),
        actions=_action_upserts(conn, export.actions, tenancy_ids, issues),
    )
    first_seq, last_seq = _number_and_write(session, conn, changes, progress)
    return ImportSummary(
        tenancies=tenancies.counts(),
        people=people.counts(),
        ledger=RowCounts(len(ledger_new), 0, ledger_present),
        arrangements=changes.arrangements.counts(),
        actions=changes.actions.counts(),
        officers_created=officers_created,
        scope_events=changes.event_count,
        warnings=tuple(_sorted(issues.warnings)),
        first_seq=first_seq,
        last_seq=last_seq,
    )


def _ensure_officers(conn: Any, rows: list[_TenancyRow]) -> tuple[dict[str, uuid.UUID], int]:
    """Every officer the tenancies name, by username, creating the missing ones (accounts
    without a password: ``officer add`` sets one). Returns the ids and how many were made."""
    o = _table(Officer)
    officers = {r.username: r.id for r in conn.execute(select(o.c.username, o.c.id))}
    new_officers: list[dict[str, Any]] = []
    for row in rows:
        if row.officer and row.officer not in officers:
            officers[row.officer] = uuid.uuid4()
            new_officers.append({"id": officers[row.officer], "username": row.officer})
    if new_officers:
        conn.execute(insert(_table(Officer)), new_officers)
    return officers, len(new_officers)


def _tenancy_upserts(
    stored_t: dict[str, Any], rows: list[_TenancyRow], officers: dict[str, uuid.UUID]
) -> _Upserts:
    """The tenancies that are new or changed."""
    return _upserts(
        stored_t,
        (
            (
                row.ref,
                {
                    "address": row.address,
                    "postcode": row.postcode,
                    "tenure": row.tenure,
                    "start_date": row.start_date,
                    "end_date": row.end_date,
                    "weekly_rent_pence": row.rent,
                    "weekly_service_charge_pence": row.service,
                    "rent_weeks": row.rent_weeks,
                    "officer_id": officers[row.officer] if row.officer else None,
                    "patch": row.patch,
                },
            )
            for row in rows
        ),
    )


def _people_upserts(
    conn: Any, rows: list[_PersonRow], tenancy_ids: dict[str, uuid.UUID]
) -> _Upserts:
    """The people who are new or changed."""
    return _upserts(
        _load(conn, Person, PERSON_FIELDS),
        (
            (
                person.ref,
                {
                    "tenancy_id": tenancy_ids[person.tenancy_ref],
                    "title": person.title,
                    "first_name": person.first_name,
                    "last_name": person.last_name,
                    "date_of_birth": person.date_of_birth,
                    "phone": person.phone,
                    "email": person.email,
                    "is_lead": person.is_lead,
                },
            )
            for person in rows
        ),
    )


def _new_ledger_lines(
    conn: Any, rows: list[_LedgerRow], tenancy_ids: dict[str, uuid.UUID], issues: _Issues
) -> tuple[list[tuple[uuid.UUID, _LedgerRow]], int]:
    """Ledger lines with a new ref (with their tenancy id), and how many were stored already:
    a stored line is never changed; one that differs is only warned about."""
    le = _table(LedgerEntry)
    stored_l = {
        r[0]: tuple(r[1:])
        for r in conn.execute(
            select(le.c.ref, le.c.tenancy_id, le.c.posted_on, le.c.type, le.c.amount_pence)
        )
    }
    new: list[tuple[uuid.UUID, _LedgerRow]] = []
    present = 0
    differ: list[int] = []
    for lrow in rows:
        tenancy_id = tenancy_ids[lrow[2]]
        old_l = stored_l.get(lrow[1])
        if old_l is None:
            new.append((tenancy_id, lrow))
        else:
            present += 1
            if old_l != (tenancy_id, lrow[3], lrow[4], lrow[5]):
                differ.append(lrow[0])
    if differ:
        issues.warn(
            TRANSACTIONS,
            differ[0],
            "transaction_ref",
            f"{len(differ)} stored ledger line(s) differ from this export and were kept as "
            "stored (a transaction_ref is never changed)",
        )
    return new, present


def _arrangement_upserts(
    conn: Any, rows: list[_ArrangementRow], tenancy_ids: dict[str, uuid.UUID]
) -> _Upserts:
    """The arrangements that are new or changed."""
    return _upserts(
        _load(conn, Arrangement, ARRANGEMENT_FIELDS),
        (
            (
                arr.ref,
                {
                    "tenancy_id": tenancy_ids[arr.tenancy_ref],
                    "kind": arr.kind,
                    "start_date": arr.start_date,
                    "frequency": arr.frequency,
                    "instalment_pence": arr.instalment,
                    "starting_balance_pence": arr.starting_balance,
                    "status": arr.status,
                },
            )
            for arr in rows
        ),
    )


def _action_upserts(
    conn: Any, rows: list[_ActionRow], tenancy_ids: dict[str, uuid.UUID], issues: _Issues
) -> _Upserts:
    """The HMS's case actions that are new or changed. One recorded on a device is the
    officer's record: an HMS row with its ref (the HMS echoing it back) never changes it and
    counts as unchanged; a difference is only warned about."""
    stored_c = _load(conn, CaseAction, ACTION_FIELDS, "source")
    from_hms: list[tuple[str, dict[str, Any]]] = []
    echoes_differ: list[int] = []
    echoes = 0
    for act in rows:
        values = {
            "tenancy_id": tenancy_ids[act.tenancy_ref],
            "on_date": act.on_date,
            "code": act.code,
            "until": act.until,
            "note": act.note,
        }
        old = stored_c.get(act.ref)
        if old is None or old.source == "hms":
            from_hms.append((act.ref, values))
            continue
        echoes += 1
        if any(getattr(old, k) != v for k, v in values.items() if k != "note"):
            echoes_differ.append(act.line)
    actions = _upserts(stored_c, from_hms)
    actions.unchanged += echoes
    for values in actions.new:
        values["source"] = "hms"
    if echoes_differ:
        issues.warn(
            ACTIONS,
            echoes_differ[0],
            "action_ref",
            f"{len(echoes_differ)} action(s) recorded on a device differ from this export and "
            "were kept as recorded (an action_ref made on a device is never changed)",
        )
    return actions


def _scope_events(tenancies: _Upserts) -> list[list[tuple[str, uuid.UUID]]]:
    """Each tenancy's scope events, in the order of ``tenancies.rows()``: a new tenancy with
    an officer enters that officer's scope; a changed officer leaves the old one's and enters
    the new one's."""
    events_for: list[list[tuple[str, uuid.UUID]]] = []
    for values in tenancies.new:
        events_for.append([("enter", values["officer_id"])] if values["officer_id"] else [])
    for values, old in zip(tenancies.changed, tenancies.olds, strict=True):
        ev: list[tuple[str, uuid.UUID]] = []
        if old.officer_id != values["officer_id"]:
            if old.officer_id is not None:
                ev.append(("leave", old.officer_id))
            if values["officer_id"] is not None:
                ev.append(("enter", values["officer_id"]))
        events_for.append(ev)
    return events_for


def _number_and_write(
    session: Session, conn: Any, changes: _Changes, progress: Progress | None
) -> tuple[int | None, int | None]:
    """Reserve one block of change numbers, hand them out in the module's order and write
    every kind. Returns the first and last number (None, None when nothing changed)."""
    needed = changes.needed
    if not needed:
        return None, None
    first_seq = sequence.reserve(session, needed)
    seq = _Seq(first_seq)
    scope_rows = _number_tenancies(seq, changes)
    for values in changes.people.rows():
        values["seq"] = seq.take()
    first_ledger = seq.next
    seq.next += len(changes.ledger_new)
    ledger_rows = [
        (new_id, r[1], tid, r[3], r[4], r[5], r[6], n)
        for n, new_id, (tid, r) in zip(
            range(first_ledger, seq.next),
            _new_ids(len(changes.ledger_new)),
            changes.ledger_new,
            strict=True,
        )
    ]
    for values in changes.arrangements.rows() + changes.actions.rows():
        values["seq"] = seq.take()
    assert seq.next == first_seq + needed
    _write_changes(conn, changes, scope_rows, ledger_rows, progress)
    return first_seq, first_seq + needed - 1


def _number_tenancies(seq: _Seq, changes: _Changes) -> list[dict[str, Any]]:
    """Number each tenancy, then its scope events (timed now); returns the scope event rows."""
    scope_rows: list[dict[str, Any]] = []
    at = utcnow()
    for values, events in zip(changes.tenancies.rows(), changes.scope_events, strict=True):
        values["seq"] = seq.take()
        tenancy_id = values.get("id") or values["b_id"]
        for kind, officer_id in events:
            scope_rows.append(
                {
                    "seq": seq.take(),
                    "officer_id": officer_id,
                    "tenancy_id": tenancy_id,
                    "kind": kind,
                    "at": at,
                }
            )
    return scope_rows


def _write_changes(
    conn: Any,
    changes: _Changes,
    scope_rows: list[dict[str, Any]],
    ledger_rows: list[tuple[Any, ...]],
    progress: Progress | None,
) -> None:
    """Write every kind, numbered, in the order they were numbered."""
    tenancies, people = changes.tenancies, changes.people
    arrangements, actions = changes.arrangements, changes.actions
    _write(conn, _table(Tenancy), tenancies.new, tenancies.changed, "writing tenancies", progress)
    if scope_rows:
        conn.execute(insert(_table(ScopeEvent)), scope_rows)
    _write(conn, _table(Person), people.new, people.changed, "writing people", progress)
    _insert_ledger(conn, ledger_rows, progress)
    _write(
        conn,
        _table(Arrangement),
        arrangements.new,
        arrangements.changed,
        "writing arrangements",
        progress,
    )
    _write(conn, _table(CaseAction), actions.new, actions.changed, "writing case actions", progress)


# --------------------------------------------------------------------------------------------
# Command line


def _stderr_progress(stream: TextIO) -> Progress:
    def report(stage: str, done: int, total: int) -> None:
        stream.write(f"{stage}: {done}/{total}\n")
        stream.flush()

    return report


def import_command(*, url: str | None, directory: str, quiet: bool = False) -> int:
    """``python -m central import DIR``: 0 when imported, 2 (errors on stderr) when rejected."""
    from central.db import open_store

    engine = open_store(url)
    try:
        summary = import_export(
            engine=engine,
            directory=directory,
            progress=None if quiet else _stderr_progress(sys.stderr),
        )
    except ImportRejected as rejected:
        for issue in rejected.errors:
            sys.stderr.write(f"{issue}\n")
        sys.stderr.write(f"{rejected}\n")
        return 2
    finally:
        engine.dispose()
    for warning in summary.warnings:
        sys.stderr.write(f"warning: {warning}\n")
    sys.stdout.write(summary.describe() + "\n")
    return 0
