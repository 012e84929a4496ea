"""The caseload read from the store inside a use case's transaction (package-private).

:func:`caseload_rows` reads the whole caseload in ONE aggregate statement (ledger sums and the
household's names grouped per tenancy, joined to the tenancies), so it stays fast from a
250-case patch to a 20,000-case council; nothing here loads ORM objects.

:func:`load_cases` reads every case in five statements (the caseload list, the ledger, the
arrangements, the actions, in bulk) and builds, per tenancy, a :class:`LoadedCase`: the display
row and the domain's :class:`~app.domain.recovery.CaseFacts` with a
:class:`~app.domain.rent_account.Ledger` (built once, so recomputing the worklist for another
day or after recording an action costs only the recent lines of each case).

Rules (docs/rules.md E3): the balance is the sum of the ledger (charges positive, credits
negative); arrears are the positive balance; weeks in arrears are arrears divided by the
current weekly charge (rent + service charge), to 2 dp.

The public face of this module is :mod:`app.services.caseload` (the values) and the use cases
that read the caseload (:mod:`app.services.caseload`, :mod:`app.services.worklist`,
:mod:`app.services.case_file`).

Threading: on the thread that owns the Session; the values returned are immutable and may be
handed to any thread.
"""

from __future__ import annotations

import sys
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.domain.arrangement_watch import ArrangementTerms, terms_made_on
from app.domain.display import format_day
from app.domain.money import weeks_of_charge
from app.domain.recovery import CaseAction as ActionFact
from app.domain.recovery import CaseFacts
from app.domain.rent_account import Ledger, LedgerLine, RentTerms
from app.models import Arrangement, CaseAction, LedgerEntry, Person, SyncState, Tenancy

# Separators that never occur in names: unit separator between a person's name parts,
# record separator between people, inside the aggregated columns.
_PART = "\x1f"
_PERSON = "\x1e"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One tenancy in the caseload list, as plain values (money in integer pence).

    ``weeks_in_arrears`` is None when the tenancy has no weekly charge to divide by; otherwise
    it is the arrears (the positive balance) in weeks of the weekly charge, so it is
    ``Decimal("0.00")`` for an account that is clear or in credit (never negative).
    ``household_names`` are the other people named on the tenancy (for searching).
    ``lead_sort_key`` orders people by last name, then first name.
    """

    tenancy_id: uuid.UUID
    ref: str
    lead_tenant: str
    address: str
    postcode: str
    balance_pence: int
    weekly_charge_pence: int
    weeks_in_arrears: Decimal | None
    is_former: bool
    household_names: tuple[str, ...] = ()
    lead_sort_key: str = ""


def single_line_address(address: str) -> str:
    """An address held over several lines, on one line, its lines joined by ", "."""
    parts = (
        part.strip(" ,") for part in address.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    )
    return ", ".join(part for part in parts if part)


def display_name(title: str | None, first_name: str | None, last_name: str | None) -> str:
    """ "Title First Last", leaving out what is missing."""
    return " ".join(
        part.strip() for part in (title, first_name, last_name) if part and part.strip()
    )


def _name_parts(packed: str | None) -> tuple[str, str, str]:
    if not packed:
        return ("", "", "")
    title, first, last = (packed.split(_PART) + ["", "", ""])[:3]
    return (title, first, last)


def caseload_rows(
    session: Session,
    *,
    today: date,
    tenancy_ids: Collection[uuid.UUID] | None = None,
) -> list[CaseRow]:
    """Every tenancy held on this device (or only ``tenancy_ids``), by ref, in one query;
    ``today`` decides which tenancies have ended."""

    sums = select(
        LedgerEntry.tenancy_id.label("tenancy_id"),
        func.sum(LedgerEntry.amount_pence).label("balance"),
    ).group_by(LedgerEntry.tenancy_id)
    if tenancy_ids is not None:
        sums = sums.where(LedgerEntry.tenancy_id.in_(list(tenancy_ids)))
    balances = sums.subquery("balances")
    packed_name = (
        func.coalesce(Person.title, "")
        + _PART
        + func.coalesce(Person.first_name, "")
        + _PART
        + func.coalesce(Person.last_name, "")
    )
    names = select(
        Person.tenancy_id.label("tenancy_id"),
        # The lead's name; MIN picks one deterministically should two be marked lead.
        func.min(case((Person.is_lead.is_(True), packed_name), else_=None)).label("lead"),
        func.group_concat(case((Person.is_lead.is_(True), None), else_=packed_name), _PERSON).label(
            "others"
        ),
    ).group_by(Person.tenancy_id)
    if tenancy_ids is not None:
        names = names.where(Person.tenancy_id.in_(list(tenancy_ids)))
    household = names.subquery("household")
    statement = (
        select(
            Tenancy.id,
            Tenancy.ref,
            Tenancy.address,
            Tenancy.postcode,
            Tenancy.weekly_rent_pence,
            Tenancy.weekly_service_charge_pence,
            Tenancy.end_date,
            func.coalesce(balances.c.balance, 0),
            household.c.lead,
            household.c.others,
        )
        .outerjoin(balances, balances.c.tenancy_id == Tenancy.id)
        .outerjoin(household, household.c.tenancy_id == Tenancy.id)
        .order_by(Tenancy.ref)
    )
    if tenancy_ids is not None:
        statement = statement.where(Tenancy.id.in_(list(tenancy_ids)))

    rows: list[CaseRow] = []
    for (
        tenancy_id,
        ref,
        address,
        postcode,
        rent,
        service_charge,
        end_date,
        balance,
        lead,
        others,
    ) in session.execute(statement).tuples():
        charge = int(rent or 0) + int(service_charge or 0)
        balance = int(balance)
        title, first, last = _name_parts(lead)
        household_names = tuple(
            display_name(None, *_name_parts(packed)[1:])
            for packed in (others.split(_PERSON) if others else ())
        )
        rows.append(
            CaseRow(
                tenancy_id=tenancy_id,
                ref=ref,
                lead_tenant=display_name(title, first, last),
                address=single_line_address(address or ""),
                postcode=postcode or "",
                balance_pence=balance,
                weekly_charge_pence=charge,
                weeks_in_arrears=weeks_of_charge(max(balance, 0), charge),
                is_former=end_date is not None and end_date <= today,
                household_names=household_names,
                lead_sort_key=f"{last} {first}".strip().casefold(),
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class LoadedCase:
    """One case as the worklist needs it: what to show, and the facts the rules read."""

    row: CaseRow
    facts: CaseFacts


def _by_tenancy(rows: Iterable[tuple[uuid.UUID, T]]) -> dict[uuid.UUID, list[T]]:
    grouped: dict[uuid.UUID, list[T]] = defaultdict(list)
    for tenancy_id, value in rows:
        grouped[tenancy_id].append(value)
    return grouped


def _scoped(
    statement: Select[Any], column: InstrumentedAttribute[uuid.UUID], ids: list[uuid.UUID] | None
) -> Select[Any]:
    """The whole table when loading everything (one scan), else an IN list."""
    return statement if ids is None else statement.where(column.in_(ids))


_SUPERSEDED = (
    select(Arrangement.supersedes_id)
    .where(Arrangement.supersedes_id.is_not(None), Arrangement.sync_problem.is_(None))
    .scalar_subquery()
)


def _ledger_lines(
    session: Session, ids: list[uuid.UUID] | None
) -> dict[uuid.UUID, list[LedgerLine]]:
    """Every ledger line of the cases, grouped by tenancy (sorted later, by the Ledger).

    The bulk of a load (hundreds of thousands of lines), so the ids and dates are read as the
    stored text and converted once per distinct value rather than once per row: a day or a
    tenancy repeats thousands of times, and one shared ``date`` per day also saves memory.
    """
    # Plain SQL on the DBAPI cursor: no per-row result processing (the stored text is read).
    sql = "SELECT tenancy_id, posted_on, type, amount_pence FROM ledger_entry"
    params: tuple[str, ...] = ()
    if ids is not None:
        sql += f" WHERE tenancy_id IN ({', '.join('?' * len(ids))})"
        params = tuple(tenancy_id.hex for tenancy_id in ids)
    # No ORDER BY: a plain scan is three times faster than sorting here. Rows come in the order
    # they were stored (pull order); each Ledger sorts its own lines by date, stably.
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    days: dict[str, date] = {}
    grouped: dict[uuid.UUID, list[LedgerLine]] = {}
    by_key: dict[str, list[LedgerLine]] = {}
    for key, day, kind, amount in rows:
        current = by_key.get(key)
        if current is None:
            current = by_key[key] = grouped.setdefault(uuid.UUID(key), [])
        posted_on = days.get(day)
        if posted_on is None:
            posted_on = days[day] = date.fromisoformat(day)
        current.append(LedgerLine(posted_on, sys.intern(kind), amount))
    return grouped


def arrangement_label(ref: str, source: str, made_on: date) -> str:
    """How an arrangement is named to people: the HMS reference, or for one agreed on a
    laptop (whose reference is its id) the day it was agreed, e.g. "agreed 18 May 2026"."""
    if source != "device":
        return ref
    return f"agreed {format_day(made_on)}"


def load_cases(
    session: Session, *, today: date, tenancy_ids: Iterable[uuid.UUID] | None = None
) -> dict[uuid.UUID, LoadedCase]:
    """Every case on the device (or only ``tenancy_ids``), keyed by tenancy id."""
    wanted = None if tenancy_ids is None else set(tenancy_ids)
    rows = caseload_rows(session, today=today, tenancy_ids=wanted)
    if not rows:
        return {}
    ids = None if wanted is None else [r.tenancy_id for r in rows]
    terms = _rent_terms(session, ids)
    lines = _ledger_lines(session, ids)
    arrangements = _current_arrangements(session, ids)
    actions = _actions(session, ids)
    loaded: dict[uuid.UUID, LoadedCase] = {}
    for row in rows:
        tenure, end_date, rent_terms = terms[row.tenancy_id]
        loaded[row.tenancy_id] = LoadedCase(
            row=row,
            facts=CaseFacts(
                tenancy_ref=row.ref,
                tenure=tenure,
                terms=rent_terms,
                lines=Ledger(lines.get(row.tenancy_id, ())),
                actions=tuple(actions.get(row.tenancy_id, ())),
                arrangements=tuple(arrangements.get(row.tenancy_id, ())),
                end_date=end_date,
            ),
        )
    return loaded


def _rent_terms(
    session: Session, ids: list[uuid.UUID] | None
) -> dict[uuid.UUID, tuple[str, date | None, RentTerms]]:
    """Each tenancy's tenure, end date and rent terms."""
    statement = select(
        Tenancy.id,
        Tenancy.tenure,
        Tenancy.end_date,
        Tenancy.weekly_rent_pence,
        Tenancy.weekly_service_charge_pence,
        Tenancy.rent_weeks,
    )
    return {
        tenancy_id: (tenure, end_date, RentTerms(rent, service, weeks))
        for tenancy_id, tenure, end_date, rent, service, weeks in session.execute(
            _scoped(statement, Tenancy.id, ids)
        ).tuples()
    }


def _current_arrangements(
    session: Session, ids: list[uuid.UUID] | None
) -> dict[uuid.UUID, list[ArrangementTerms]]:
    """Only the current version of each arrangement: a superseded one has ended. A version the
    central store refused (``sync_problem``) is shown, never monitored."""
    statement = (
        select(
            Arrangement.tenancy_id,
            Arrangement.ref,
            Arrangement.kind,
            Arrangement.start_date,
            Arrangement.frequency,
            Arrangement.instalment_pence,
            Arrangement.starting_balance_pence,
            Arrangement.status,
            Arrangement.made_on,
            Arrangement.source,
            Arrangement.day_of_month,
        )
        .where(Arrangement.id.not_in(_SUPERSEDED), Arrangement.sync_problem.is_(None))
        .order_by(Arrangement.start_date, Arrangement.ref)
    )
    return _by_tenancy(
        (
            row.tenancy_id,
            ArrangementTerms(
                ref=arrangement_label(row.ref, row.source, row.made_on or row.start_date),
                kind=row.kind,
                start_date=row.start_date,
                frequency=row.frequency,
                instalment_pence=row.instalment_pence,
                starting_balance_pence=row.starting_balance_pence,
                status=row.status,
                made_on=terms_made_on(row.made_on, row.start_date),
                day_of_month=row.day_of_month,
            ),
        )
        for row in session.execute(_scoped(statement, Arrangement.tenancy_id, ids))
    )


def _actions(session: Session, ids: list[uuid.UUID] | None) -> dict[uuid.UUID, list[ActionFact]]:
    """Each case's actions, in the order they were done."""
    statement = select(
        CaseAction.tenancy_id,
        CaseAction.code,
        CaseAction.on_date,
        CaseAction.until,
        CaseAction.note,
    ).order_by(CaseAction.on_date, CaseAction.recorded_at, CaseAction.ref)
    return _by_tenancy(
        (tenancy_id, ActionFact(code=code, on=on_date, until=until, note=note or ""))
        for tenancy_id, code, on_date, until, note in session.execute(
            _scoped(statement, CaseAction.tenancy_id, ids)
        ).tuples()
    )


def last_synced_at(session: Session) -> datetime | None:
    """When this device last completed a pull from the central store (aware UTC), if ever."""
    return session.scalar(select(SyncState.last_pull_at).where(SyncState.id == 1))
