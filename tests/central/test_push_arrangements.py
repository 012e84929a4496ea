"""``arrangement.agree@1`` and ``arrangement.cancel@1`` on the central store (``central.push``).

Checked: a version is added once, numbered, as a ``device`` row of the pushing officer;
replayed (same mutation or same id again) it changes nothing; bad arguments are rejected naming
the argument; the case must be (or have been) in the officer's caseload; a version replaced
already (another device's renegotiation) or on another case is refused; cancelling copies the
terms with status cancelled.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.protocol.intents import AGREE_ARRANGEMENT, CANCEL_ARRANGEMENT
from app.protocol.messages import MutationResult
from central.models import Arrangement
from tests.central.push_world import TODAY, World
from tests.sync.central_seed import move_case


def agree(world: World, case: uuid.UUID | None = None, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "arrangement_id": str(uuid.uuid4()),
        "tenancy_id": str(case or world.alice_case),
        "supersedes_id": None,
        "kind": "informal",
        "frequency": "weekly",
        "start_date": "2025-03-10",
        "instalment_pence": 1_000,
        "starting_balance_pence": 60_000,
        "made_on": "2025-03-10",
    }
    values.update(changes)
    return values


def push_one(
    world: World, args: dict[str, Any], intent: str = AGREE_ARRANGEMENT, **kw: Any
) -> MutationResult:
    [result] = world.push(world.mutation(args, intent=intent), **kw).results
    return result


def versions(world: World) -> list[Arrangement]:
    with Session(world.engine) as session:
        return list(session.scalars(select(Arrangement).order_by(Arrangement.seq)))


def test_an_agreed_version_is_added_once_numbered_as_the_officers(world: World) -> None:
    args = agree(world)
    mutation = world.mutation(args, intent=AGREE_ARRANGEMENT)
    reply = world.push(mutation)
    [result] = reply.results
    assert result.status == "applied"
    assert result.seq == world.counter()
    [row] = versions(world)
    assert (row.id, row.ref, row.source, row.officer_id, row.seq) == (
        uuid.UUID(args["arrangement_id"]),
        args["arrangement_id"],
        "device",
        world.alice,
        result.seq,
    )
    assert (row.made_on, row.start_date, row.status, row.supersedes_id) == (
        TODAY,
        TODAY,
        "live",
        None,
    )
    assert world.push(mutation) == reply  # a lost reply: the stored result, nothing new
    again = push_one(world, args)  # the same version under a new mutation id
    assert (again.status, again.seq) == ("applied", result.seq)
    assert len(versions(world)) == 1
    other = push_one(world, {**args, "instalment_pence": 2_000})
    assert other.status == "rejected"
    assert other.reason is not None
    assert other.reason.startswith("arrangement_id: ")


@pytest.mark.parametrize(
    ("changes", "argument"),
    [
        ({"instalment_pence": 0}, "instalment_pence"),
        ({"starting_balance_pence": -5}, "starting_balance_pence"),
        ({"frequency": "daily"}, "frequency"),
        ({"kind": "verbal"}, "kind"),
        ({"start_date": "2025-03-09"}, "made_on"),  # agreed after its first due date
        ({"made_on": "2025-03-12", "start_date": "2025-03-20"}, "made_on"),  # in the future
        ({"colour": "red"}, "colour"),
        ({"day_of_month": 31}, "day_of_month"),  # weekly terms fall on no day of the month
        (
            {"frequency": "monthly", "day_of_month": 31, "start_date": "2025-03-30"},
            "day_of_month",  # 30 Mar is not the 31st
        ),
        ({"frequency": "monthly", "day_of_month": 32}, "day_of_month"),
    ],
)
def test_bad_arguments_are_rejected_naming_the_argument(
    world: World, changes: dict[str, Any], argument: str
) -> None:
    result = push_one(world, agree(world, **changes))
    assert result.status == "rejected"
    assert result.reason is not None
    assert result.reason.startswith(f"{argument}: ")
    assert versions(world) == []


def test_the_case_must_be_in_the_officers_caseload_now(world: World) -> None:
    refused = push_one(world, agree(world, case=world.bob_case))
    assert refused.status == "rejected"
    assert refused.reason is not None
    assert "is not in your caseload" in refused.reason
    with Session(world.engine) as session, session.begin():
        move_case(session, tenancy_id=world.alice_case, to_officer_id=world.bob)
    # Before issue 11 a former officer could still agree one (tests/central/
    # test_push_former_officer.py): an arrangement steers the case, so it is the new officer's.
    moved = push_one(world, agree(world))
    assert moved.status == "rejected"
    assert moved.reason is not None
    assert "is for the officer who holds it now" in moved.reason


def test_renegotiate_then_cancel_and_a_second_renegotiation_of_the_same_version_is_refused(
    world: World,
) -> None:
    first = agree(world)
    assert push_one(world, first).status == "applied"
    second = agree(world, supersedes_id=first["arrangement_id"], instalment_pence=500)
    assert push_one(world, second).status == "applied"
    rival = agree(world, supersedes_id=first["arrangement_id"], instalment_pence=700)
    refused = push_one(world, rival)
    assert refused.status == "rejected"
    assert refused.reason is not None
    assert refused.reason.startswith("supersedes_id: ")
    assert "already replaced" in refused.reason
    cancel = {
        "arrangement_id": str(uuid.uuid4()),
        "tenancy_id": str(world.alice_case),
        "supersedes_id": second["arrangement_id"],
        "made_on": "2025-03-11",
    }
    assert push_one(world, cancel, CANCEL_ARRANGEMENT).status == "applied"
    rows = versions(world)
    assert [(r.status, r.instalment_pence) for r in rows] == [
        ("live", 1_000),
        ("live", 500),
        ("cancelled", 500),
    ]
    assert rows[2].supersedes_id == uuid.UUID(second["arrangement_id"])
    assert rows[2].made_on == date(2025, 3, 11)
    # A cancelled version cannot be replaced; nor one on another case.
    late = agree(
        world, supersedes_id=cancel["arrangement_id"], start_date="2025-03-11", made_on="2025-03-11"
    )
    assert push_one(world, late).reason.startswith("supersedes_id: ")  # type: ignore[union-attr]
    elsewhere = agree(world, case=world.bob_case, supersedes_id=first["arrangement_id"])
    refused = push_one(world, elsewhere, officer="bob")
    assert refused.reason is not None
    assert refused.reason.startswith("supersedes_id: ")


def test_monthly_terms_kept_to_a_pay_day_of_the_31st_keep_that_day(world: World) -> None:
    args = agree(world, frequency="monthly", start_date="2025-04-30", day_of_month=31)
    assert push_one(world, args).status == "applied"
    [row] = versions(world)
    assert (row.start_date, row.day_of_month) == (date(2025, 4, 30), 31)
    assert push_one(world, args).status == "applied"  # the same again: no change
    other = push_one(world, {**args, "day_of_month": 30})
    assert other.reason is not None
    assert other.reason.startswith("arrangement_id: ")
