"""Synthetic caseloads written straight into a local store (no server, no sync).

Every name and address is made up (Faker, fixed seed). ``seed_caseload`` adds a few
hand-made cases the tests rely on, then ``extra`` Faker cases:

- ``T000001`` Ms Zoë Ångström-Ward, in arrears of £1,000.00 on £243.90 a week (4.10 wks),
  address over two lines, postcode "AB1 2CD";
- ``T000002`` Mr Ivan Petrov with household member 张伟 (a non-Latin name), balance £900.00;
- ``T000003`` Mrs Olu Adeyemi, £12.00 in credit;
- ``T000004`` a garage licence with no weekly charge and no people, balance 0.

With ``recovery`` (the default), a recovery history that leaves every balance as above, read
on ``SEED_TODAY`` (Monday 18 May 2026):

- ``T000001`` has five years of weekly rent, Housing Benefit and payments before the arrears
  began (netting to £0 on 5 Apr 2026, when the benefit stopped), a vulnerability and an
  officer-safety warning, a reminder (20 Apr) and letter 1 (27 Apr): letter 2 is due now;
- ``T000002`` is in Breathing Space (standard, from 5 May 2026), after a reminder;
- some Faker cases have an arrangement (kept, or broken), a pause that has ended (follow-up
  due), a NOSP served, a hearing date, a vulnerability or a safety warning (see
  ``_RECOVERY``).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Arrangement, CaseAction, LedgerEntry, Officer, Person, SyncState, Tenancy
from app.store.database import LocalStore

SEED_TODAY = date(2026, 5, 18)
"""The day the seeded recovery history is meant to be read on (a Monday)."""


@dataclass(frozen=True)
class SeededCase:
    """What a test needs to know about a hand-made case."""

    ref: str
    tenancy_id: uuid.UUID


_counter = {"n": 0, "seq": 0}


def _seq() -> int:
    _counter["seq"] += 1
    return _counter["seq"]


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
    history: Sequence[tuple[date, str, int, str]] = (),
) -> uuid.UUID:
    """One tenancy with its people ``(title, first, last, is_lead)`` and ledger amounts (one a
    week from Monday 6 April 2026, charges as RENT and credits as PAYMENT), after any earlier
    ``history`` lines ``(posted_on, type, amount, description)``."""
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
    lines = list(history)
    posted = date(2026, 4, 6)
    for amount in ledger:
        kind, words = ("RENT", "Rent") if amount > 0 else ("PAYMENT", "Payment, thank you")
        lines.append((posted, kind, amount, words))
        posted += timedelta(days=7)
    for posted_on, kind, amount, description in lines:
        session.add(
            LedgerEntry(
                tenancy_id=tenancy.id,
                ref=_ref("L"),
                posted_on=posted_on,
                type=kind,
                amount_pence=amount,
                description=description,
                server_seq=_seq(),
            )
        )
    return tenancy.id


def add_action(
    session: Session,
    tenancy_id: uuid.UUID,
    code: str,
    on: date,
    until: date | None = None,
    note: str = "",
) -> None:
    """An action imported from the HMS (not pending)."""
    session.add(
        CaseAction(
            tenancy_id=tenancy_id,
            ref=_ref("A"),
            on_date=on,
            code=code,
            until=until,
            note=note,
            source="hms",
            pending=False,
        )
    )


def add_arrangement(
    session: Session,
    tenancy_id: uuid.UUID,
    *,
    ref: str,
    start: date,
    instalment_pence: int,
    starting_balance_pence: int,
    frequency: str = "weekly",
    kind: str = "informal",
) -> None:
    session.add(
        Arrangement(
            tenancy_id=tenancy_id,
            ref=ref,
            kind=kind,
            start_date=start,
            frequency=frequency,
            instalment_pence=instalment_pence,
            starting_balance_pence=starting_balance_pence,
            status="live",
        )
    )


def five_years_paid_up(*, seed: int, weekly_pence: int) -> list[tuple[date, str, int, str]]:
    """Weekly rent from April 2021 with Housing Benefit and the tenant's payments (some
    missed, then caught up), ending at £0 on Friday 3 April 2026. Synthetic."""
    rng = random.Random(seed)
    lines: list[tuple[date, str, int, str]] = []
    monday = date(2021, 4, 5)
    balance = 0
    year_rent = weekly_pence - 2600
    while monday < date(2026, 4, 6):
        if monday.month == 4 and monday.day <= 7:
            year_rent += 520  # the April rent increase
        charge = min(year_rent, weekly_pence)
        benefit = 15000
        lines.append((monday, "RENT", charge, "Rent and service charge"))
        lines.append((monday, "HB", -benefit, "Housing Benefit"))
        balance += charge - benefit
        friday = monday + timedelta(days=4)
        due = charge - benefit
        roll = rng.random()
        if date(2023, 10, 2) <= monday < date(2023, 11, 27) or roll < 0.08:
            pass  # missed
        elif balance > due:
            paid = min(balance, due + rng.choice([1000, 2000, 5000]))
            lines.append((friday, "PAYMENT", -paid, "Payment, thank you"))
            balance -= paid
        else:
            lines.append((friday, "PAYMENT", -due, "Payment, thank you"))
            balance -= due
        if monday == date(2024, 3, 4):
            lines.append((monday, "DHP", -4000, "Discretionary Housing Payment"))
            balance -= 4000
        monday += timedelta(days=7)
    if balance > 0:
        lines.append((date(2026, 4, 3), "PAYMENT", -balance, "Payment, thank you"))
    elif balance < 0:
        lines.append((date(2026, 4, 3), "REFUND", -balance, "Refund of credit"))
    return lines


# Recovery facts for some Faker cases (by ref): (code, on, until, note).
_RECOVERY: dict[str, list[tuple[str, date, date | None, str]]] = {
    "T000101": [("pause", date(2026, 4, 20), date(2026, 5, 10), "Tenant in hospital")],
    "T000109": [("vulnerability", date(2025, 11, 3), None, "Learning disability; easy-read")],
    "T000110": [("safety_warning", date(2025, 6, 2), None, "Aggressive when arrears raised")],
    "T000117": [
        ("reminder", date(2026, 4, 13), None, ""),
        ("letter_1", date(2026, 4, 20), None, ""),
        ("letter_2", date(2026, 4, 27), None, ""),
        ("nosp", date(2026, 5, 4), date(2026, 6, 1), "Served by hand"),
    ],
    "T000124": [
        ("reminder", date(2026, 4, 13), None, ""),
        ("hearing_set", date(2026, 5, 11), date(2026, 6, 15), "County court, 10am"),
    ],
}


def _add_recovery(session: Session, made: dict[str, uuid.UUID]) -> None:
    one, two = made["T000001"], made["T000002"]
    add_action(
        session,
        one,
        "vulnerability",
        date(2024, 2, 12),
        None,
        "Hearing impaired: text before visiting",
    )
    add_action(
        session,
        one,
        "safety_warning",
        date(2025, 9, 1),
        None,
        "Dog on the premises; visit in pairs",
    )
    add_action(session, one, "reminder", date(2026, 4, 20))
    add_action(session, one, "letter_1", date(2026, 4, 27), None, "Sent first class")
    add_action(session, two, "reminder", date(2026, 4, 20))
    add_action(
        session, two, "breathing_space_start", date(2026, 5, 5), None, "Notice from StepChange"
    )
    for ref, actions in _RECOVERY.items():
        if ref in made:
            for code, on, until, note in actions:
                add_action(session, made[ref], code, on, until, note)
    if "T000100" in made:  # paid on 18 May: kept
        add_arrangement(
            session,
            made["T000100"],
            ref="ARR-100",
            start=date(2026, 5, 4),
            instalment_pence=1000,
            starting_balance_pence=30000,
        )
    if "T000105" in made:  # nothing paid since it began: broken
        add_arrangement(
            session,
            made["T000105"],
            ref="ARR-105",
            start=date(2026, 4, 27),
            instalment_pence=2000,
            starting_balance_pence=50000,
        )


def seed_caseload(
    store: LocalStore, *, extra: int = 26, seed: int = 20261123, recovery: bool = True
) -> dict[str, SeededCase]:
    """The four hand-made cases plus ``extra`` Faker cases (with the recovery history unless
    ``recovery`` is false); returns the hand-made ones by ref."""
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
                history=five_years_paid_up(seed=seed, weekly_pence=24390) if recovery else (),
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
        ids: dict[str, uuid.UUID] = {}
        for case in hand_made:
            ids[case["ref"]] = add_case(session, **case)  # type: ignore[arg-type]
            made[case["ref"]] = SeededCase(case["ref"], ids[case["ref"]])
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
            ref = f"T{100 + n:06d}"
            ids[ref] = add_case(
                session,
                ref=ref,
                address=address,
                postcode=fake.postcode(),
                weekly_rent_pence=rent,
                weekly_service_charge_pence=charge,
                people=people,
                ledger=ledger,
            )
        if recovery:
            _add_recovery(session, ids)
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


def seed_visit_records(store: LocalStore) -> None:
    """Promises to pay and follow-ups on the seeded Faker cases, recorded through the visit
    services as an officer would (docs/rules.md F3a, F3b), read on ``SEED_TODAY``:

    - ``T000117`` (NOSP served, nothing due) promised £50.00 on 5 May by Friday 8 May and paid
      nothing: broken, so a contact is due by Tuesday 12 May (overdue);
    - ``T000002`` (in Breathing Space) promised £20.00 on 5 May by 8 May: broken, but Breathing
      Space holds any chasing;
    - ``T000100`` (arrangement kept) promised £10.00 on 11 May by 18 May; £754.55 paid on
      18 May: kept;
    - ``T000102`` (clear) has a follow-up overdue since 14 May, set during a phone call;
    - ``T000124`` (a hearing date set) has a follow-up due today, and ``T000108`` one next week.
    """
    from app.services.visits import (
        ContactDetails,
        FollowUpTerms,
        PromiseTerms,
        add_follow_up,
        record_contact,
    )
    from tests.workspaces import workspace_on

    with store.session() as session:
        ids = dict(session.execute(select(Tenancy.ref, Tenancy.id)).tuples().all())

    def promise(ref: str, made: date, due: date, pence: int) -> None:
        record_contact(
            workspace_on(store, made),
            tenancy_id=ids[ref],
            details=ContactDetails(
                on=made,
                how="home_visit",
                outcome="promise_to_pay",
                promise=PromiseTerms(amount_pence=pence, due_on=due),
            ),
        )

    promise("T000117", date(2026, 5, 5), date(2026, 5, 8), 5000)
    promise("T000002", date(2026, 5, 5), date(2026, 5, 8), 2000)
    promise("T000100", date(2026, 5, 11), SEED_TODAY, 1000)
    record_contact(
        workspace_on(store, date(2026, 5, 11)),
        tenancy_id=ids["T000102"],
        details=ContactDetails(
            on=date(2026, 5, 11),
            how="phone",
            outcome="spoke_to_tenant",
            follow_up=FollowUpTerms(date(2026, 5, 14), "Ring about the DHP application"),
        ),
    )
    today = workspace_on(store, SEED_TODAY)
    add_follow_up(today, tenancy_id=ids["T000124"], due_on=SEED_TODAY, task="Confirm the hearing")
    add_follow_up(
        today, tenancy_id=ids["T000108"], due_on=date(2026, 5, 25), task="Check the UC claim"
    )
