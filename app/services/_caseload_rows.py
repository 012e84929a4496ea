"""The caseload read from the store inside a use case's transaction (package-private).

:func:`caseload_rows` reads the whole caseload in ONE aggregate statement (ledger sums and the
household's names grouped per tenancy, joined to the tenancies), so it stays fast from a
250-case patch to a 20,000-case council.

Everything here is plain SQL on the DBAPI connection (``LocalStore.plain_transaction``, or the
one under a Session: ``plain_connection_of``), for two reasons: the worklist is the first thing
on screen, and it is read before SQLAlchemy has loaded; and the ledger is the bulk of a load,
which per-row result processing would double. The stored forms are read as they are: ids as 32
hex digits, days as ISO dates, instants as UTC text.

:func:`load_cases` reads every case in eight statements at most (the ledger, the caseload list
with the balances summed from that ledger, the rent terms, the arrangements, the actions, the
promises to pay and open follow-ups in force, and the contacts' days where a promise needs them,
in bulk)
and builds, per tenancy, a :class:`LoadedCase`: the display row and the domain's
:class:`~app.domain.recovery.CaseFacts` with a :class:`~app.domain.rent_account.Ledger`
(built once, so recomputing the worklist for another day or after recording an action costs
only the recent lines of each case).

Rules (docs/rules.md E3): the balance is the sum of the ledger (charges positive, credits
negative); arrears are the positive balance; weeks in arrears are arrears divided by the
current weekly charge (rent + service charge), to 2 dp.

The public face of this module is :mod:`app.services.caseload` (the values) and the use cases
that read the caseload (:mod:`app.services.caseload`, :mod:`app.services.worklist`,
:mod:`app.services.case_file`).

Threading: on the thread that owns the connection; the values returned are immutable and may be
handed to any thread.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from app.domain.arrangement_watch import ArrangementTerms, terms_made_on
from app.domain.display import format_day
from app.domain.money import weeks_of_charge
from app.domain.recovery import CaseAction as ActionFact
from app.domain.recovery import CaseFacts
from app.domain.rent_account import Ledger, LedgerLine, RentTerms
from app.domain.visits import FollowUpTask, PromiseToPay
from app.store.database import PlainConnection
from app.store.instants import stored_instant

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
    connection: PlainConnection,
    *,
    today: date,
    tenancy_ids: Collection[uuid.UUID] | None = None,
    balances: Mapping[uuid.UUID, int] | None = None,
) -> list[CaseRow]:
    """Every tenancy held on this device (or only ``tenancy_ids``), by ref, in one query;
    ``today`` decides which tenancies have ended. The balances are summed from the ledger here
    unless the caller, holding the ledger already, passes them."""
    ids = None if tenancy_ids is None else list(tenancy_ids)
    summed = balances is None
    sums = f"""
        LEFT OUTER JOIN (
            SELECT tenancy_id, sum(amount_pence) AS balance FROM ledger_entry
            {_limited_to("tenancy_id", ids)} GROUP BY tenancy_id
        ) AS b ON b.tenancy_id = t.id"""
    # The lead's name: MIN picks one deterministically should two be marked lead.
    balance_sql = "coalesce(b.balance, 0)" if summed else "0"
    sql = f"""
        SELECT t.id, t.ref, t.address, t.postcode, t.weekly_rent_pence,
               t.weekly_service_charge_pence, t.end_date, {balance_sql}, h.lead, h.others
        FROM tenancy AS t {sums if summed else ""}
        LEFT OUTER JOIN (
            SELECT tenancy_id,
                   min(CASE WHEN is_lead = 1 THEN packed END) AS lead,
                   group_concat(CASE WHEN is_lead = 1 THEN NULL ELSE packed END, '{_PERSON}')
                       AS others
            FROM (
                SELECT tenancy_id, is_lead,
                       coalesce(title, '') || '{_PART}' || coalesce(first_name, '') || '{_PART}'
                       || coalesce(last_name, '') AS packed
                FROM person {_limited_to("tenancy_id", ids)}
            ) GROUP BY tenancy_id
        ) AS h ON h.tenancy_id = t.id
        {_limited_to("t.id", ids)}
        ORDER BY t.ref
    """
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
    ) in connection.execute(sql, _id_params(ids) * (3 if summed else 2)).fetchall():
        charge = int(rent or 0) + int(service_charge or 0)
        balance = int(balance) if balances is None else balances.get(uuid.UUID(tenancy_id), 0)
        title, first, last = _name_parts(lead)
        household_names = tuple(
            display_name(None, *_name_parts(packed)[1:])
            for packed in (others.split(_PERSON) if others else ())
        )
        ended = _day(end_date)
        rows.append(
            CaseRow(
                tenancy_id=uuid.UUID(tenancy_id),
                ref=ref,
                lead_tenant=display_name(title, first, last),
                address=single_line_address(address or ""),
                postcode=postcode or "",
                balance_pence=balance,
                weekly_charge_pence=charge,
                weeks_in_arrears=weeks_of_charge(max(balance, 0), charge),
                is_former=ended is not None and ended <= today,
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


def _by_tenancy(rows: Iterable[tuple[str, T]]) -> dict[uuid.UUID, list[T]]:
    grouped: dict[uuid.UUID, list[T]] = defaultdict(list)
    for tenancy_id, value in rows:
        grouped[uuid.UUID(tenancy_id)].append(value)
    return grouped


def _limited_to(column: str, ids: list[uuid.UUID] | None, keyword: str = "WHERE") -> str:
    """``WHERE column IN (?, ...)`` for some tenancies, or nothing when loading them all (one
    scan); the parameters are :func:`_id_params`."""
    return "" if ids is None else f"{keyword} {column} IN ({', '.join('?' * len(ids))})"


def _id_params(ids: list[uuid.UUID] | None) -> tuple[str, ...]:
    return () if ids is None else tuple(tenancy_id.hex for tenancy_id in ids)  # as stored


def _day(stored: str | None) -> date | None:
    return None if stored is None else date.fromisoformat(stored)


def _ledger_lines(
    connection: PlainConnection, ids: list[uuid.UUID] | None
) -> dict[uuid.UUID, list[LedgerLine]]:
    """Every ledger line of the cases, grouped by tenancy (sorted later, by the Ledger).

    The bulk of a load (hundreds of thousands of lines), so the ids and dates are converted
    once per distinct value rather than once per row: a day or a tenancy repeats thousands of
    times, and one shared ``date`` per day also saves memory.
    """
    # No ORDER BY: a plain scan is three times faster than sorting here. Rows come in the order
    # they were stored (pull order); each Ledger sorts its own lines by date, stably.
    rows = connection.execute(
        "SELECT tenancy_id, posted_on, type, amount_pence FROM ledger_entry "
        + _limited_to("tenancy_id", ids),
        _id_params(ids),
    ).fetchall()
    days: dict[str, date] = {}
    kinds: dict[str, str] = {}
    grouped: dict[uuid.UUID, list[LedgerLine]] = {}
    by_key: dict[str, list[LedgerLine]] = {}
    for key, day, kind, amount in rows:
        current = by_key.get(key)
        if current is None:
            current = by_key[key] = grouped.setdefault(uuid.UUID(key), [])
        posted_on = days.get(day)
        if posted_on is None:
            posted_on = days[day] = date.fromisoformat(day)
        current.append(LedgerLine(posted_on, kinds.setdefault(kind, kind), amount))
    return grouped


def arrangement_label(ref: str, source: str, made_on: date) -> str:
    """How an arrangement is named to people: the HMS reference, or for one agreed on a
    laptop (whose reference is its id) the day it was agreed, e.g. "agreed 18 May 2026"."""
    if source != "device":
        return ref
    return f"agreed {format_day(made_on)}"


def load_cases(
    connection: PlainConnection,
    *,
    today: date,
    tenancy_ids: Iterable[uuid.UUID] | None = None,
) -> dict[uuid.UUID, LoadedCase]:
    """Every case on the device (or only ``tenancy_ids``), keyed by tenancy id."""
    wanted = None if tenancy_ids is None else set(tenancy_ids)
    lines = _ledger_lines(connection, None if wanted is None else list(wanted))
    balances = {key: sum(line.amount_pence for line in held) for key, held in lines.items()}
    rows = caseload_rows(connection, today=today, tenancy_ids=wanted, balances=balances)
    if not rows:
        return {}
    ids = None if wanted is None else [r.tenancy_id for r in rows]
    terms = _rent_terms(connection, ids)
    arrangements = _current_arrangements(connection, ids)
    actions = _actions(connection, ids)
    promises = _promises(connection, ids)
    follow_ups = _open_follow_ups(connection, ids)
    contacts = _contact_days(connection, ids) if promises else {}
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
                promises=tuple(promises.get(row.tenancy_id, ())),
                follow_ups=tuple(follow_ups.get(row.tenancy_id, ())),
                contacts=tuple(contacts.get(row.tenancy_id, ())),
            ),
        )
    return loaded


def _rent_terms(
    connection: PlainConnection, ids: list[uuid.UUID] | None
) -> dict[uuid.UUID, tuple[str, date | None, RentTerms]]:
    """Each tenancy's tenure, end date and rent terms."""
    rows = connection.execute(
        "SELECT id, tenure, end_date, weekly_rent_pence, weekly_service_charge_pence, rent_weeks"
        " FROM tenancy " + _limited_to("id", ids),
        _id_params(ids),
    ).fetchall()
    return {
        uuid.UUID(tenancy_id): (tenure, _day(end_date), RentTerms(rent, service, weeks))
        for tenancy_id, tenure, end_date, rent, service, weeks in rows
    }


def _current_arrangements(
    connection: PlainConnection, ids: list[uuid.UUID] | None
) -> dict[uuid.UUID, list[ArrangementTerms]]:
    """Only the current version of each arrangement: a superseded one has ended. A version the
    central store refused (``sync_problem``) is shown, never monitored."""
    rows = connection.execute(
        f"""
        SELECT tenancy_id, ref, kind, start_date, frequency, instalment_pence,
               starting_balance_pence, status, made_on, source, day_of_month
        FROM arrangement
        WHERE sync_problem IS NULL AND id NOT IN (
            SELECT supersedes_id FROM arrangement
            WHERE supersedes_id IS NOT NULL AND sync_problem IS NULL
        ) {_limited_to("tenancy_id", ids, "AND")}
        ORDER BY start_date, ref
        """,
        _id_params(ids),
    ).fetchall()
    return _by_tenancy((tenancy_id, _arrangement_terms(*values)) for tenancy_id, *values in rows)


def _arrangement_terms(
    ref: str,
    kind: str,
    start_date: str,
    frequency: str,
    instalment_pence: int,
    starting_balance_pence: int,
    status: str,
    made_on: str | None,
    source: str,
    day_of_month: int | None,
) -> ArrangementTerms:
    started = date.fromisoformat(start_date)
    agreed = _day(made_on)
    return ArrangementTerms(
        ref=arrangement_label(ref, source, agreed or started),
        kind=kind,
        start_date=started,
        frequency=frequency,
        instalment_pence=instalment_pence,
        starting_balance_pence=starting_balance_pence,
        status=status,
        made_on=terms_made_on(agreed, started),
        day_of_month=day_of_month,
    )


def _actions(
    connection: PlainConnection, ids: list[uuid.UUID] | None
) -> dict[uuid.UUID, list[ActionFact]]:
    """Each case's actions, in the order they were done."""
    rows = connection.execute(
        "SELECT tenancy_id, code, on_date, until, note FROM case_action "
        + _limited_to("tenancy_id", ids)
        + " ORDER BY on_date, recorded_at, ref",
        _id_params(ids),
    ).fetchall()
    return _by_tenancy(
        (
            tenancy_id,
            ActionFact(
                code=code, on=date.fromisoformat(on_date), until=_day(until), note=note or ""
            ),
        )
        for tenancy_id, code, on_date, until, note in rows
    )


def _in_force(table: str) -> str:
    """The versions of a visit record in force: none other names them as replaced, leaving out
    a version the central store refused (``sync_problem``), as for arrangements."""
    return f"""sync_problem IS NULL AND id NOT IN (
            SELECT supersedes_id FROM {table}
            WHERE supersedes_id IS NOT NULL AND sync_problem IS NULL
        )"""


def _promises(
    connection: PlainConnection, ids: list[uuid.UUID] | None
) -> dict[uuid.UUID, list[PromiseToPay]]:
    """Each case's promises to pay in force and not withdrawn, in the order they were recorded
    (docs/rules.md F3a judges the latest)."""
    rows = connection.execute(
        f"""
        SELECT tenancy_id, made_on, due_on, amount_pence FROM payment_promise
        WHERE withdrawn = 0 AND {_in_force("payment_promise")}
        {_limited_to("tenancy_id", ids, "AND")}
        ORDER BY made_on, recorded_at
        """,
        _id_params(ids),
    ).fetchall()
    return _by_tenancy(
        (tenancy_id, PromiseToPay(date.fromisoformat(made), date.fromisoformat(due), amount))
        for tenancy_id, made, due, amount in rows
    )


def _open_follow_ups(
    connection: PlainConnection, ids: list[uuid.UUID] | None
) -> dict[uuid.UUID, list[FollowUpTask]]:
    """Each case's open follow-ups in force, the first due first."""
    rows = connection.execute(
        f"""
        SELECT tenancy_id, due_on, task FROM follow_up
        WHERE status = 'open' AND {_in_force("follow_up")}
        {_limited_to("tenancy_id", ids, "AND")}
        ORDER BY due_on, recorded_at
        """,
        _id_params(ids),
    ).fetchall()
    return _by_tenancy(
        (tenancy_id, FollowUpTask(date.fromisoformat(due), task or ""))
        for tenancy_id, due, task in rows
    )


def _contact_days(
    connection: PlainConnection, ids: list[uuid.UUID] | None
) -> dict[uuid.UUID, list[date]]:
    """The days of each case's contacts in force, earliest first: only for the cases with a
    promise, the one rule that reads them (a broken promise asks for a contact, F3a)."""
    rows = connection.execute(
        f"""
        SELECT tenancy_id, on_date FROM contact
        WHERE {_in_force("contact")}
        AND tenancy_id IN (SELECT tenancy_id FROM payment_promise)
        {_limited_to("tenancy_id", ids, "AND")}
        ORDER BY on_date
        """,
        _id_params(ids),
    ).fetchall()
    return _by_tenancy((tenancy_id, date.fromisoformat(day)) for tenancy_id, day in rows)


def last_synced_at(connection: PlainConnection) -> datetime | None:
    """When this device last completed a pull from the central store (aware UTC), if ever."""
    row = connection.execute("SELECT last_pull_at FROM sync_state WHERE id = 1").fetchone()
    return None if row is None else stored_instant(row[0])
