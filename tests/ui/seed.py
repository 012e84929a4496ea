"""Synthetic caseloads written straight into a local store (no server, no sync).

Every name and address is made up (Faker, fixed seed). ``seed_caseload`` adds a few
hand-made cases the tests rely on, then ``extra`` Faker cases:

- ``T000001`` Ms Zoë Ångström-Ward, in arrears of £1,000.00 on £243.90 a week (4.10 wks),
  address over two lines, postcode "AB1 2CD";
- ``T000002`` Mr Ivan Petrov with household member 张伟 (a non-Latin name), balance £900.00;
- ``T000003`` Mrs Olu Adeyemi, £12.00 in credit;
- ``T000004`` a garage licence with no weekly charge and no people, balance 0.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker
from sqlalchemy.orm import Session

from app.models import LedgerEntry, Officer, Person, SyncState, Tenancy
from app.store.database import LocalStore


@dataclass(frozen=True)
class SeededCase:
    """What a test needs to know about a hand-made case."""

    ref: str
    tenancy_id: uuid.UUID


_counter = {"n": 0}


def _ref(prefix: str) -> str:
    _counter["n"] += 1
    return f"{prefix}{uuid.uuid4().hex[:10]}{_counter['n']}"


def add_case(
    session: Session,
    *,
    ref: str,
    address: str,
    postcode: str,
    weekly_rent_pence: int,
    weekly_service_charge_pence: int = 0,
    people: Sequence[tuple[str | None, str | None, str, bool]] = (),
    ledger: Sequence[int] = (),
    end_date: date | None = None,
) -> uuid.UUID:
    """One tenancy with its people ``(title, first, last, is_lead)`` and ledger amounts."""
    tenancy = Tenancy(
        id=uuid.uuid4(),
        ref=ref,
        address=address,
        postcode=postcode,
        tenure="secure",
        start_date=date(2015, 4, 6),
        end_date=end_date,
        weekly_rent_pence=weekly_rent_pence,
        weekly_service_charge_pence=weekly_service_charge_pence,
    )
    session.add(tenancy)
    session.flush()  # no ORM relationships: the tenancy must exist before its rows
    for title, first, last, is_lead in people:
        session.add(
            Person(
                tenancy_id=tenancy.id,
                ref=_ref("P"),
                title=title,
                first_name=first,
                last_name=last,
                is_lead=is_lead,
            )
        )
    posted = date(2026, 4, 6)
    for amount in ledger:
        session.add(
            LedgerEntry(
                tenancy_id=tenancy.id,
                ref=_ref("L"),
                posted_on=posted,
                type="RENT" if amount > 0 else "PAYMENT",
                amount_pence=amount,
            )
        )
        posted += timedelta(days=7)
    return tenancy.id


def seed_caseload(
    store: LocalStore, *, extra: int = 26, seed: int = 20261123
) -> dict[str, SeededCase]:
    """The four hand-made cases plus ``extra`` Faker cases; returns the hand-made ones by ref."""
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    made: dict[str, SeededCase] = {}
    with store.session() as session:
        hand_made = [
            dict(
                ref="T000001",
                address="Flat 3, Ångström House\n12 Mill Lane\nNorthtown",
                postcode="AB1 2CD",
                weekly_rent_pence=21890,
                weekly_service_charge_pence=2500,
                people=[("Ms", "Zoë", "Ångström-Ward", True)],
                ledger=[24390, 24390, 24390, 24390, 2440],
            ),
            dict(
                ref="T000002",
                address="44 Station Road, Southville",
                postcode="SV9 8XY",
                weekly_rent_pence=10000,
                people=[("Mr", "Ivan", "Petrov", True), (None, "伟", "张", False)],
                ledger=[50000, 40000],
            ),
            dict(
                ref="T000003",
                address="7 Orchard Close, Easton",
                postcode="EA3 4FG",
                weekly_rent_pence=9500,
                people=[("Mrs", "Olu", "Adeyemi", True)],
                ledger=[9500, -10700],
            ),
            dict(
                ref="T000004",
                address="Garage 12, Rear of Church Street",
                postcode="CH1 1AA",
                weekly_rent_pence=0,
            ),
        ]
        for case in hand_made:
            made[case["ref"]] = SeededCase(case["ref"], add_case(session, **case))  # type: ignore[arg-type]
        for n in range(extra):
            rent = rng.randrange(7000, 16000)
            charge = rng.choice([0, 0, 850, 1500])
            weeks = rng.choice([0, 0, 1, 2, 3, 6, 9, 14])
            if weeks <= 6:
                ledger = [rent + charge] * 6 + [-(rent + charge) * (6 - weeks)]
            else:
                ledger = [rent + charge] * weeks
            address = fake.street_address()
            if n % 5 == 0:
                address = f"{address}\n{fake.city()}"
            people = [(fake.prefix(), fake.first_name(), fake.last_name(), True)]
            if n % 3 == 0:
                people.append((None, fake.first_name(), people[0][2], False))
            add_case(
                session,
                ref=f"T{100 + n:06d}",
                address=address,
                postcode=fake.postcode(),
                weekly_rent_pence=rent,
                weekly_service_charge_pence=charge,
                people=people,
                ledger=ledger,
            )
        session.commit()
    return made


def seed_officer(store: LocalStore, *, server_url: str | None = None) -> uuid.UUID:
    """An officer row, the sync state and the device token of an enrolled device."""
    officer_id = uuid.uuid4()
    with store.session() as session:
        session.add(Officer(id=officer_id, username="asmith", display_name="Alex Smith"))
        state = session.get(SyncState, 1)
        if state is None:
            state = SyncState(id=1, device_id=uuid.uuid4())
            session.add(state)
        state.officer_id = officer_id
        state.server_url = server_url
        session.commit()
    store.secrets.save_device_token("test-device-token")
    return officer_id
