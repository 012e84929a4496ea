"""The officer's caseload as a list: one row per tenancy with its balance and lead tenant.

``list_caseload`` reads the whole caseload in ONE aggregate statement (ledger sums and the
household's names grouped per tenancy, joined to the tenancies), so it stays fast from a
250-case patch to a 20,000-case council; nothing here loads ORM objects.

Rules (docs/rules.md E3): the balance is the sum of the ledger (charges positive, credits
negative); arrears are the positive balance; weeks in arrears are arrears divided by the
current weekly charge (rent + service charge), to 2 dp.

Threading: plain functions over a Session passed in; call them on the thread that owns the
Session (the UI calls them on its database worker, never on the GUI thread).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.domain.money import weeks_of_charge
from app.models import LedgerEntry, Person, SyncState, Tenancy
from app.services.audit import record_event

LONDON = ZoneInfo("Europe/London")

# Separators that never occur in names: unit separator between a person's name parts,
# record separator between people, inside the aggregated columns.
_PART = "\x1f"
_PERSON = "\x1e"


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


def list_caseload(
    session: Session,
    *,
    today: date | None = None,
    tenancy_ids: Collection[uuid.UUID] | None = None,
) -> list[CaseRow]:
    """Every tenancy held on this device (or only ``tenancy_ids``), by ref, in one query.

    ``today`` (default: today in Europe/London) decides which tenancies have ended.
    """
    if today is None:
        today = datetime.now(LONDON).date()

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


def last_synced_at(session: Session) -> datetime | None:
    """When this device last completed a pull from the central store (aware UTC), if ever."""
    return session.scalar(select(SyncState.last_pull_at).where(SyncState.id == 1))


def record_caseload_viewed(session: Session, *, case_count: int) -> None:
    """Append a "caseload.viewed" audit event (ids and a count only, no personal data).

    The caller commits.
    """
    state = session.get(SyncState, 1)
    record_event(
        session,
        event="caseload.viewed",
        officer_id=state.officer_id if state else None,
        device_id=state.device_id if state else None,
        detail={"cases": case_count},
    )
