"""A synthetic day of home visits on a laptop store: up to 12 cases (more by repeating the
pattern) with what a visit sheet shows, so the sheet's tests, the Day plan's tests, the bench
and the screenshots share one realistic caseload.

Each case has a lead tenant (names with diacritics: Łukasz, Nguyễn, Siân...) with a phone and a
date of birth, sometimes a second member; ``years`` of weekly rent with payments (some missed);
and by turns an officer-safety warning, a vulnerability, an arrangement (kept or broken), a
contact, a promise to pay and a follow-up. All synthetic; the ledger descriptions are marked
(``STATEMENT_MARK``) so a test can prove no statement line reaches the sheet.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from app.models import (
    Arrangement,
    CaseAction,
    Contact,
    FollowUp,
    LedgerEntry,
    PaymentPromise,
    Person,
    Tenancy,
)
from app.store.database import LocalStore

DAY = date(2026, 3, 9)  # a Monday
STATEMENT_MARK = "STATEMENT-LINE"

_PEOPLE = (
    # (title, first, last, phone, born, second member)
    ("Mr", "Łukasz", "Kowalczyk", "07700 900101", date(1984, 5, 2), ("Dorota", "Wiśniewska")),
    ("Ms", "Thị Lan", "Nguyễn", "07700 900102", date(1991, 11, 23), None),
    ("Miss", "Siân", "Llewellyn", "07700 900103", date(1999, 2, 14), None),
    ("Ms", "Zoë", "Ångström-Ward", "07700 900104", date(1975, 7, 30), ("Björn", "Ångström")),
    ("Mr", "Seán", "Ó Briain", "07700 900105", date(1962, 1, 9), None),
    ("Mrs", "Ayşe", "Yılmaz", "07700 900106", date(1980, 9, 17), ("Emre", "Yılmaz")),
    ("Mr", "Jürgen", "Müller", "", date(1958, 12, 1), None),
    ("Ms", "Chloé", "Dubois", "07700 900108", None, None),
    ("Mr", "Oluwaseun", "Adébáyọ̀", "07700 900109", date(1988, 3, 10), None),
    ("Ms", "Mary", "O'Neill & Sons", "07700 900110", date(1970, 6, 6), None),
    ("Mr", "Ramón", "García Núñez", "07700 900111", date(1995, 4, 4), None),
    ("Ms", "Priya", "Patel", "07700 900112", date(1986, 8, 19), ("Arjun", "Patel")),
)
_PLACES = (
    ("12 Mill Lane\nTesttown", "TE1 4AB"),
    ("Flat 3, Ångström House\n4 Mill Lane\nTesttown", "TE1 4AB"),
    ("7 Station Road\nTesttown", "TE2 1CD"),
    ("Rose Cottage, Church Lane\nTesttown", "TE10 2EF"),
    ("88 Station Road\nTesttown", "TE2 1CE"),
    ("Flat 12, Tower Court\n1 High Street\nTesttown", "TE1 1AA"),
    ("3 Apple Close\nTesttown", "TE3 9ZZ"),
    ("21 Mill Lane\nTesttown", "TE1 4AD"),
    ("5a High Street\nTesttown", "TE1 1AB"),
    ("40 Zebra Road\nTesttown", "TE10 1AA"),
    ("2 Church Lane\nTesttown", "TE10 2EG"),
    ("16 Apple Close\nTesttown", "TE3 9ZY"),
)


@dataclass(frozen=True, slots=True)
class SeededVisit:
    """A case made for the day, with the facts a test checks on the sheet."""

    tenancy_id: uuid.UUID
    ref: str
    lead_name: str
    phone: str
    safety_note: str | None


def seed_visit_day(
    store: LocalStore, *, cases: int = 12, day: date = DAY, years: int = 2
) -> list[SeededVisit]:
    """``cases`` tenancies ready for a visit on ``day`` (refs ``V001``...), in ref order."""
    made: list[SeededVisit] = []
    at = datetime(day.year, day.month, day.day, 9, tzinfo=UTC) - timedelta(days=30)
    with store.session() as session, session.begin():
        for n in range(cases):
            title, first, last, phone, born, second = _PEOPLE[n % len(_PEOPLE)]
            address, postcode = _PLACES[n % len(_PLACES)]
            ref = f"V{n + 1:03d}"
            rent = 9500 + 250 * (n % 7)
            tenancy_id = uuid.uuid4()
            session.add(
                Tenancy(
                    id=tenancy_id,
                    ref=ref,
                    address=address,
                    postcode=postcode,
                    tenure="secure" if n % 4 else "introductory",
                    start_date=date(2019, 4, 1),
                    weekly_rent_pence=rent,
                    weekly_service_charge_pence=500 if n % 3 == 0 else 0,
                )
            )
            session.flush()
            session.add(
                Person(
                    tenancy_id=tenancy_id,
                    ref=f"P-{ref}-1",
                    title=title,
                    first_name=first,
                    last_name=last,
                    date_of_birth=born,
                    phone=phone or None,
                    is_lead=True,
                )
            )
            if second is not None:
                session.add(
                    Person(
                        tenancy_id=tenancy_id,
                        ref=f"P-{ref}-2",
                        first_name=second[0],
                        last_name=second[1],
                        date_of_birth=date(2007, 10, 1),
                        is_lead=False,
                    )
                )
            charge = rent + (500 if n % 3 == 0 else 0)
            _ledger(session, tenancy_id, ref, n, charge=charge, day=day, years=years)
            safety = _records(session, tenancy_id, n, day=day, charge=charge, at=at)
            made.append(SeededVisit(tenancy_id, ref, f"{title} {first} {last}", phone, safety))
    return made


def _ledger(session, tenancy_id, ref, n, *, charge, day, years):  # type: ignore[no-untyped-def]
    """Weekly charges (Mondays) for ``years`` up to ``day``, paid on Fridays, some missed."""
    monday = day - timedelta(days=day.weekday()) - timedelta(weeks=52 * years)
    seq = 0
    week = 0
    while monday <= day:
        lines = [(monday, "RENT", charge)]
        missed = (week + n) % (7 + n % 5) == 0  # each case its own pattern of missed weeks
        if not missed and monday + timedelta(days=4) <= day:
            lines.append((monday + timedelta(days=4), "PAYMENT", -(charge - 100 * (n % 3))))
        for posted_on, kind, amount in lines:
            seq += 1
            session.add(
                LedgerEntry(
                    tenancy_id=tenancy_id,
                    ref=f"L-{ref}-{seq}",
                    posted_on=posted_on,
                    type=kind,
                    amount_pence=amount,
                    description=f"{STATEMENT_MARK} {kind.lower()}",
                    server_seq=seq,
                )
            )
        monday += timedelta(weeks=1)
        week += 1


def _records(session, tenancy_id, n, *, day, charge, at):  # type: ignore[no-untyped-def]
    """By turns: warnings, an arrangement, contacts, a promise and a follow-up."""
    safety = None
    if n % 4 == 1:
        safety = "Large dog on the premises; visit in pairs" if n != 5 else "Aggressive partner"
        _action(session, tenancy_id, "safety_warning", day - timedelta(days=200 + n), safety)
    if n % 5 == 2:
        _action(
            session,
            tenancy_id,
            "vulnerability",
            day - timedelta(days=90),
            "Hearing impaired: text before visiting",
        )
    if n % 3 == 0:
        start = day - timedelta(weeks=8)
        session.add(
            Arrangement(
                tenancy_id=tenancy_id,
                ref=f"ARR-{n:03d}",
                kind="informal" if n % 2 else "court_order",
                start_date=start - timedelta(days=start.weekday()),
                frequency="weekly",
                instalment_pence=1000 + 500 * (n % 3),
                starting_balance_pence=charge * 6,
                status="live",
            )
        )
    if n % 6 != 5:  # two in twelve never contacted
        for back, how, outcome in ((40, "phone", "no_access"), (12 + n, "home_visit", "card_left")):
            contact_id = uuid.uuid4()
            session.add(
                Contact(
                    id=contact_id,
                    tenancy_id=tenancy_id,
                    on_date=day - timedelta(days=back),
                    how=how,
                    outcome=outcome if n % 2 else "spoke_to_tenant",
                    note="Synthetic note",
                    recorded_by="Sam Patel",
                    recorded_at=at,
                )
            )
        if n % 4 == 2:
            session.add(
                PaymentPromise(
                    tenancy_id=tenancy_id,
                    contact_id=contact_id,
                    made_on=day - timedelta(days=12 + n),
                    due_on=day - timedelta(days=5 + n % 4),
                    amount_pence=5000,
                    recorded_by="Sam Patel",
                    recorded_at=at,
                )
            )
        if n % 3 == 1:
            session.add(
                FollowUp(
                    tenancy_id=tenancy_id,
                    contact_id=contact_id,
                    due_on=day - timedelta(days=n % 3),
                    task="Check the DHP decision",
                    recorded_by="Sam Patel",
                    recorded_at=at,
                )
            )
    return safety


def _action(session, tenancy_id, code, on, note):  # type: ignore[no-untyped-def]
    session.add(
        CaseAction(
            tenancy_id=tenancy_id,
            ref=f"A-{uuid.uuid4().hex[:10]}",
            on_date=on,
            code=code,
            note=note,
            source="hms",
        )
    )
