"""A small synthetic central store for the sync and API tests (no importer, no demo module).

Rows are numbered from the real change sequence (``central.sequence.reserve``) and scope
changes are recorded as ``ScopeEvent`` rows, the way the importer does: a new case with an
officer is an ``enter``; a move is ``leave`` for the old officer and ``enter`` for the new.
Every name and address is made up.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from central.models import (
    Arrangement,
    CaseAction,
    LedgerEntry,
    Officer,
    Person,
    ScopeEvent,
    Tenancy,
)
from central.security import hash_password
from central.sequence import reserve

# Surnames the encryption test looks for in the raw database bytes (some non-ASCII).
SURNAMES = [
    "Quillfeather",
    "Ångström-Wardle",
    "Øyelund",
    "Szczepańskiewicz",
    "Nakamura-Ébène",
    "Brightwater",
    "Thistlewood",
    "Çelikbaş",
]
FIRST_NAMES = ["Zoë", "Ivan", "Olu", "Maëlle", "Priya", "Tomasz", "Aoife", "Kemal"]


@dataclass
class SeededCase:
    """What a test needs to know about a seeded case."""

    tenancy_id: uuid.UUID
    ref: str
    officer_id: uuid.UUID | None
    surnames: list[str] = field(default_factory=list)
    arrangement_refs: list[str] = field(default_factory=list)
    action_refs: list[str] = field(default_factory=list)


Fields = tuple[object, ...]

_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def add_officer(
    session: Session, username: str, password: str | None = "correct horse", display_name: str = ""
) -> Officer:
    officer = Officer(
        id=uuid.uuid4(),
        username=username,
        display_name=display_name or username.title(),
        password_hash=hash_password(password) if password else None,
    )
    session.add(officer)
    session.flush()
    return officer


def add_case(
    session: Session,
    *,
    officer_id: uuid.UUID | None,
    people: Sequence[tuple[str, str]] = (),
    ledger: Sequence[int] = (),
    ref: str | None = None,
) -> SeededCase:
    """One tenancy with people ``(first, last)`` and ledger amounts, numbered like an import."""
    n = _next()
    ref = ref or f"TS{n:06d}-{uuid.uuid4().hex[:6]}"
    needed = 1 + (1 if officer_id else 0) + len(people) + len(ledger)
    seq = reserve(session, needed)
    tenancy = Tenancy(
        id=uuid.uuid4(),
        ref=ref,
        address=f"{n} Imaginary Row\nNowhere Town",
        postcode="ZZ9 9ZZ",
        tenure="secure",
        start_date=date(2015, 4, 1),
        end_date=None,
        weekly_rent_pence=10_000 + n,
        weekly_service_charge_pence=500,
        rent_weeks=52,
        officer_id=officer_id,
        patch="North",
        seq=seq,
    )
    session.add(tenancy)
    session.flush()
    seq += 1
    if officer_id:
        session.add(ScopeEvent(seq=seq, officer_id=officer_id, tenancy_id=tenancy.id, kind="enter"))
        seq += 1
    for i, (first, last) in enumerate(people):
        session.add(
            Person(
                id=uuid.uuid4(),
                ref=f"P{ref}-{i}",
                tenancy_id=tenancy.id,
                title=None,
                first_name=first,
                last_name=last,
                date_of_birth=date(1980, 1, 1) + timedelta(days=n),
                phone=None,
                email=None,
                is_lead=i == 0,
                seq=seq,
            )
        )
        seq += 1
    for i, amount in enumerate(ledger):
        session.add(
            LedgerEntry(
                id=uuid.uuid4(),
                ref=f"L{ref}-{i}",
                tenancy_id=tenancy.id,
                posted_on=date(2024, 1, 1) + timedelta(days=i),
                type="rent" if amount > 0 else "payment",
                amount_pence=amount,
                description=None,
                seq=seq,
            )
        )
        seq += 1
    session.flush()
    return SeededCase(tenancy.id, ref, officer_id, [last for _, last in people])


def add_ledger_line(
    session: Session,
    *,
    tenancy_id: uuid.UUID,
    amount_pence: int,
    posted_on: date = date(2025, 1, 1),
    type: str = "payment",  # noqa: A002 (the column's name)
) -> None:
    seq = reserve(session, 1)
    session.add(
        LedgerEntry(
            id=uuid.uuid4(),
            ref=f"LX{_next()}-{uuid.uuid4().hex[:8]}",
            tenancy_id=tenancy_id,
            posted_on=posted_on,
            type=type,
            amount_pence=amount_pence,
            description=None,
            seq=seq,
        )
    )
    session.flush()


def add_arrangement(
    session: Session, *, tenancy_id: uuid.UUID, instalment_pence: int = 1_500, status: str = "live"
) -> Arrangement:
    """A weekly arrangement on a case, numbered like an import."""
    n = _next()
    arrangement = Arrangement(
        id=uuid.uuid4(),
        ref=f"AR{n:06d}-{uuid.uuid4().hex[:6]}",
        tenancy_id=tenancy_id,
        kind="informal",  # the kinds the rules know (app.domain.arrangement_watch.KINDS)
        start_date=date(2024, 3, 4) + timedelta(days=n),
        frequency="weekly",
        instalment_pence=instalment_pence,
        starting_balance_pence=40_000 + n,
        status=status,
        seq=reserve(session, 1),
    )
    session.add(arrangement)
    session.flush()
    return arrangement


def add_action(
    session: Session,
    *,
    tenancy_id: uuid.UUID,
    code: str = "letter_1",
    until: date | None = None,
    note: str = "",
    officer_id: uuid.UUID | None = None,
    action_id: uuid.UUID | None = None,
) -> CaseAction:
    """A case action numbered like an import: from the HMS, or (with ``officer_id``) one
    recorded on a device, with its device-made id as its ref."""
    n = _next()
    action_id = action_id or uuid.uuid4()
    device = officer_id is not None
    action = CaseAction(
        id=action_id,
        ref=str(action_id) if device else f"AC{n:06d}-{uuid.uuid4().hex[:6]}",
        tenancy_id=tenancy_id,
        on_date=date(2024, 6, 1) + timedelta(days=n),
        code=code,
        until=until,
        note=note,
        source="device" if device else "hms",
        officer_id=officer_id,
        recorded_at=datetime(2024, 6, 1, 9, 30, tzinfo=UTC) + timedelta(minutes=n)
        if device
        else None,
        seq=reserve(session, 1),
    )
    session.add(action)
    session.flush()
    return action


def move_case(
    session: Session,
    *,
    tenancy_id: uuid.UUID,
    to_officer_id: uuid.UUID,
    at: datetime | None = None,
) -> None:
    """Reassign a case (``at``, default now): a new tenancy version; ``leave`` for the old
    officer, ``enter`` for the new."""
    at = at or datetime.now(UTC)
    tenancy = session.get(Tenancy, tenancy_id)
    assert tenancy is not None
    old = tenancy.officer_id
    seq = reserve(session, 3)
    tenancy.officer_id = to_officer_id
    tenancy.seq = seq
    if old is not None:
        session.add(
            ScopeEvent(seq=seq + 1, officer_id=old, tenancy_id=tenancy_id, kind="leave", at=at)
        )
    session.add(
        ScopeEvent(
            seq=seq + 2, officer_id=to_officer_id, tenancy_id=tenancy_id, kind="enter", at=at
        )
    )
    session.flush()


def seed_council(
    engine: Engine,
    *,
    officers: Sequence[str] = ("alice", "bob"),
    cases_per_officer: int = 6,
    lines_per_case: int = 8,
    password: str = "correct horse",
    recovery: bool = False,
) -> dict[str, list[SeededCase]]:
    """Officers (same password), each with cases interleaved in seq order, plus one unassigned.

    With ``recovery``, every other case also gets an arrangement, and each case one or two
    case actions (a NOSP with its expiry; on some, a note recorded on a device by its officer),
    numbered after all the cases like an import's later files.
    """
    result: dict[str, list[SeededCase]] = {name: [] for name in officers}
    with Session(engine) as session, session.begin():
        ids = {name: add_officer(session, name, password).id for name in officers}
        k = 0
        for _ in range(cases_per_officer):
            for name in officers:
                people = [
                    (FIRST_NAMES[k % len(FIRST_NAMES)], SURNAMES[k % len(SURNAMES)]),
                    (FIRST_NAMES[(k + 3) % len(FIRST_NAMES)], f"Household{k}"),
                ]
                ledger = [12_000 - 37 * j if j % 3 else -(9_000 + k) for j in range(lines_per_case)]
                result[name].append(
                    add_case(session, officer_id=ids[name], people=people, ledger=ledger)
                )
                k += 1
        spare = add_case(session, officer_id=None, people=[("Nobody", "Unassigned")], ledger=[100])
        if recovery:
            _add_recovery(session, [case for cases in result.values() for case in cases] + [spare])
    return result


def _add_recovery(session: Session, cases: Sequence[SeededCase]) -> None:
    for k, case in enumerate(cases):
        if k % 2 == 0:
            arrangement = add_arrangement(session, tenancy_id=case.tenancy_id)
            case.arrangement_refs.append(arrangement.ref)
        nosp = add_action(
            session,
            tenancy_id=case.tenancy_id,
            code="nosp",
            until=date(2024, 8, 1) + timedelta(days=k),
            note=f'Served by hand ({k}), tenant\'s copy "signed"',
        )
        case.action_refs.append(nosp.ref)
        if k % 3 == 0 and case.officer_id is not None:
            visit = add_action(
                session,
                tenancy_id=case.tenancy_id,
                code="visit",
                note="No answer; card left — Zoë's neighbour",
                officer_id=case.officer_id,
            )
            case.action_refs.append(visit.ref)


def officer_id(engine: Engine, username: str) -> uuid.UUID:
    with Session(engine) as session:
        return session.execute(select(Officer.id).where(Officer.username == username)).scalar_one()


def server_balances(engine: Engine, officer: uuid.UUID) -> dict[str, int]:
    """ref -> balance in pence of every tenancy now in the officer's scope (from the server)."""
    with Session(engine) as session:
        rows = session.execute(
            select(Tenancy.ref, func.coalesce(func.sum(LedgerEntry.amount_pence), 0))
            .outerjoin(LedgerEntry, LedgerEntry.tenancy_id == Tenancy.id)
            .where(Tenancy.officer_id == officer)
            .group_by(Tenancy.ref)
        ).all()
    return {ref: int(total) for ref, total in rows}


def server_recovery(engine: Engine, officer: uuid.UUID) -> tuple[set[Fields], set[Fields]]:
    """(arrangements, actions) in the officer's scope, as comparable tuples of every field."""
    with Session(engine) as session:
        scope = select(Tenancy.id).where(Tenancy.officer_id == officer)
        arrangements = session.scalars(
            select(Arrangement).where(Arrangement.tenancy_id.in_(scope))
        ).all()
        actions = session.scalars(select(CaseAction).where(CaseAction.tenancy_id.in_(scope))).all()
        return (
            {arrangement_fields(a) for a in arrangements},
            {action_fields(a) for a in actions},
        )


ARRANGEMENT_FIELDS = (
    *("id", "ref", "tenancy_id", "kind", "start_date", "frequency", "instalment_pence"),
    *("starting_balance_pence", "status"),
)
ACTION_FIELDS = (
    *("id", "ref", "tenancy_id", "on_date", "code", "until", "note", "source"),
    *("officer_id", "recorded_at"),
)


def arrangement_fields(row: object) -> Fields:
    """Every synced field of an arrangement (central, wire or device row), in a fixed order."""
    return tuple(getattr(row, name) for name in ARRANGEMENT_FIELDS)


def action_fields(row: object) -> Fields:
    """Every synced field of a case action (central, wire or device row), in a fixed order."""
    return tuple(getattr(row, name) for name in ACTION_FIELDS)


def server_counts(engine: Engine, officer: uuid.UUID) -> tuple[int, int, int]:
    """(tenancies, people, ledger lines) in the officer's scope."""
    with Session(engine) as session:
        scope = select(Tenancy.id).where(Tenancy.officer_id == officer)
        return (
            session.execute(
                select(func.count()).select_from(Tenancy).where(Tenancy.officer_id == officer)
            ).scalar_one(),
            session.execute(
                select(func.count()).select_from(Person).where(Person.tenancy_id.in_(scope))
            ).scalar_one(),
            session.execute(
                select(func.count())
                .select_from(LedgerEntry)
                .where(LedgerEntry.tenancy_id.in_(scope))
            ).scalar_one(),
        )


def central_actions_count(engine: Engine) -> int:
    """How many case actions the central store holds, in or out of anyone's scope."""
    with Session(engine) as session:
        return int(session.execute(select(func.count()).select_from(CaseAction)).scalar_one())
