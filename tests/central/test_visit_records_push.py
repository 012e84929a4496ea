"""Visit records on the central store: ``contact.record@1``, ``payment_promise.record@1``,
``follow_up.record@1`` and ``referral.record@1`` (``central.push``), and their pull streams
(``central.pull``). On PostgreSQL and on the SQLite default.

Checked: each kind is added once, numbered, as the pushing officer's from the pushing device,
with the officer's display name (``recorded_by``); the same mutation again, or the same record
under a new mutation id, changes nothing, and another content under a used id is refused; a
correction is a new version and the old one stays; a correction naming a record that is not of
the same kind on the same case is refused naming ``supersedes_id``; a second correction of one
version (two laptops) is stored too and answered ``conflict`` naming the version that won;
bad arguments are refused naming the argument; a contact is late work (taken from an officer a
case has just left, for work recorded before), every other kind is for the officer who holds
the case now; the officer's pull carries every version, the scope check counts them, and a case
reassigned brings them to its new officer.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.protocol.intents import (
    RECORD_CONTACT,
    RECORD_FOLLOW_UP,
    RECORD_PROMISE,
    RECORD_REFERRAL,
)
from app.protocol.messages import HEADER_APP, HEADER_PROTOCOL, MutationResult, PullPage
from central import pull, push
from central.api import create_app
from central.models import Contact, FollowUp, PaymentPromise, Person, Referral
from central.sequence import reserve
from tests.central.push_world import TODAY, World
from tests.sync.central_seed import add_action, move_case

RECORDED = "2025-03-07T09:30:12.345678+00:00"
MOVED_AT = datetime(2025, 3, 8, 12, 0, tzinfo=UTC)

Model = type[Contact] | type[PaymentPromise] | type[FollowUp] | type[Referral]


def contact(world: World, case: uuid.UUID | None = None, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "contact_id": str(uuid.uuid4()),
        "tenancy_id": str(case or world.alice_case),
        "supersedes_id": None,
        "recorded_at": RECORDED,
        "on": "2025-03-07",
        "how": "home_visit",
        "outcome": "promise_to_pay",
        "spoke_to_person_id": None,
        "spoke_to_name": "Zoë's neighbour, Mr Ó Briain",
        "note": "Tenant out; spoke at the door — arrears explained",
        "action_id": None,
    }
    values.update(changes)
    return values


def promise(world: World, case: uuid.UUID | None = None, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "promise_id": str(uuid.uuid4()),
        "tenancy_id": str(case or world.alice_case),
        "supersedes_id": None,
        "recorded_at": RECORDED,
        "contact_id": None,
        "made_on": "2025-03-07",
        "due_on": "2025-03-14",
        "amount_pence": 5_000,
        "withdrawn": False,
    }
    values.update(changes)
    return values


def follow_up(world: World, case: uuid.UUID | None = None, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "follow_up_id": str(uuid.uuid4()),
        "tenancy_id": str(case or world.alice_case),
        "supersedes_id": None,
        "recorded_at": RECORDED,
        "contact_id": None,
        "due_on": "2025-03-14",
        "task": "Call back about the DHP decision",
        "status": "open",
    }
    values.update(changes)
    return values


def referral(world: World, case: uuid.UUID | None = None, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "referral_id": str(uuid.uuid4()),
        "tenancy_id": str(case or world.alice_case),
        "supersedes_id": None,
        "recorded_at": RECORDED,
        "to": "dhp",
        "on": "2025-03-07",
        "reason": "Bedroom tax shortfall",
        "outcome": "pending",
        "outcome_on": None,
        "outcome_note": "",
    }
    values.update(changes)
    return values


# (intent, arguments maker, id argument, central table, page field, check field)
KINDS = [
    pytest.param(RECORD_CONTACT, contact, "contact_id", Contact, "contacts", id="contact"),
    pytest.param(RECORD_PROMISE, promise, "promise_id", PaymentPromise, "promises", id="promise"),
    pytest.param(
        RECORD_FOLLOW_UP, follow_up, "follow_up_id", FollowUp, "follow_ups", id="follow_up"
    ),
    pytest.param(RECORD_REFERRAL, referral, "referral_id", Referral, "referrals", id="referral"),
]


def rows(world: World, model: Model) -> list[Any]:
    with Session(world.engine) as session:
        return list(session.scalars(select(model).order_by(model.seq)))


def count(world: World, model: Model) -> int:
    with Session(world.engine) as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def page_of(world: World, officer: uuid.UUID, cursor: int = 0) -> PullPage:
    with Session(world.engine) as session:
        body = pull.pull_page(session, officer_id=officer, cursor=cursor)
    return PullPage.model_validate(json.loads(body.json))


@pytest.mark.parametrize(("intent", "make", "id_arg", "model", "field"), KINDS)
def test_each_kind_is_added_once_numbered_as_the_officers_and_pulled(
    world: World, intent: str, make: Any, id_arg: str, model: Model, field: str
) -> None:
    args = make(world)
    mutation = world.mutation(args, intent=intent)
    reply = world.push(mutation)
    [result] = reply.results
    assert (result.status, result.reason) == ("applied", None)
    assert result.seq == world.counter()
    [row] = rows(world, model)
    assert (row.id, row.tenancy_id, row.seq, row.officer_id, row.device_id) == (
        uuid.UUID(args[id_arg]),
        world.alice_case,
        result.seq,
        world.alice,
        world.alice_device,
    )
    assert row.recorded_by == "Alice"  # the officer's display name at the push
    assert row.recorded_at == datetime.fromisoformat(RECORDED)

    before = world.counter()
    assert world.push(mutation) == reply  # a lost reply: the stored result, nothing new
    again = world.push_one(args, intent)  # the same record under a new mutation id
    assert (again.status, again.seq) == ("applied", result.seq)
    assert world.counter() == before
    assert count(world, model) == 1

    [changed_key] = [k for k in ("note", "amount_pence", "task", "reason") if k in args]
    other = {**args, changed_key: 9_999 if changed_key == "amount_pence" else "Other words"}
    refused = world.push_one(other, intent)
    assert refused.status == "rejected"
    assert refused.reason is not None
    assert refused.reason.startswith(f"{id_arg}: another "), refused.reason
    assert count(world, model) == 1

    page = page_of(world, world.alice)
    [pulled] = getattr(page, field)
    assert (str(pulled.id), pulled.seq, pulled.recorded_by) == (args[id_arg], result.seq, "Alice")
    assert getattr(page_of(world, world.bob), field) == []
    with Session(world.engine) as session:
        check = pull.scope_check(session, officer_id=world.alice)
    assert getattr(check, field) == 1


@pytest.mark.parametrize(("intent", "make", "id_arg", "model", "field"), KINDS)
def test_a_correction_is_a_new_version_and_bad_supersedes_are_refused(
    world: World, intent: str, make: Any, id_arg: str, model: Model, field: str
) -> None:
    first = make(world)
    assert world.push_one(first, intent).status == "applied"
    second = make(world, supersedes_id=first[id_arg])
    assert world.push_one(second, intent).status == "applied"
    assert [(str(r.id), r.supersedes_id and str(r.supersedes_id)) for r in rows(world, model)] == [
        (first[id_arg], None),
        (second[id_arg], first[id_arg]),
    ]

    # Bob's record of the same kind, on his own case: not a version alice may correct.
    bobs = make(world, case=world.bob_case)
    assert world.push_one(bobs, intent, officer="bob").status == "applied"
    other_kind = contact(world) if intent != RECORD_CONTACT else promise(world)
    other_intent = RECORD_CONTACT if intent != RECORD_CONTACT else RECORD_PROMISE
    assert world.push_one(other_kind, other_intent).status == "applied"
    other_id = next(v for k, v in other_kind.items() if k.endswith("_id") and k != "tenancy_id")
    before = count(world, model)
    for wrong in (str(uuid.uuid4()), bobs[id_arg], other_id):
        refused = world.push_one(make(world, supersedes_id=wrong), intent)
        assert refused.status == "rejected", wrong
        assert refused.reason is not None
        assert refused.reason.startswith(f"supersedes_id: {wrong} is not a "), refused.reason
    assert count(world, model) == before

    # The first version corrected again on another laptop, before it had pulled the second:
    # kept (append-only), answered conflict naming the version that won.
    third = make(world, supersedes_id=first[id_arg])
    conflict = world.push_one(third, intent)
    assert conflict.status == "conflict"
    assert conflict.seq == world.counter()
    assert conflict.reason is not None
    assert conflict.reason.startswith("supersedes_id: the ")
    assert f"{first[id_arg]} had already been replaced by {second[id_arg]}" in conflict.reason
    page = page_of(world, world.alice)
    assert {str(r.id) for r in getattr(page, field)} >= {
        first[id_arg],
        second[id_arg],
        third[id_arg],
    }


@pytest.mark.parametrize(
    ("intent", "args", "argument"),
    [
        (RECORD_CONTACT, {"on": "2025-03-12"}, "on: 12 Mar 2025 is after today"),
        (RECORD_CONTACT, {"on": "2015-03-31"}, "on: 31 Mar 2015 is before the tenancy began"),
        (RECORD_CONTACT, {"how": "pigeon"}, "how: "),
        (RECORD_CONTACT, {"outcome": "maybe"}, "outcome: "),
        (RECORD_CONTACT, {"note": "a\x00b"}, "note: "),
        (RECORD_CONTACT, {"recorded_at": "2025-03-07T09:30:00"}, "recorded_at: "),
        (RECORD_CONTACT, {"colour": "red"}, "colour: "),
        (RECORD_PROMISE, {"amount_pence": 0}, "amount_pence: "),
        (RECORD_PROMISE, {"made_on": "2025-03-12"}, "made_on: "),
        (RECORD_PROMISE, {"due_on": "2025-03-06"}, "due_on: 6 Mar 2025 is not within 92 days"),
        (RECORD_PROMISE, {"due_on": "2025-06-08"}, "due_on: 8 Jun 2025 is not within 92 days"),
        (RECORD_FOLLOW_UP, {"task": ""}, "task: "),
        (RECORD_FOLLOW_UP, {"status": "snoozed"}, "status: "),
        (RECORD_FOLLOW_UP, {"due_on": "2026-03-13"}, "due_on: 13 Mar 2026 is more than 366"),
        (RECORD_REFERRAL, {"to": "the moon"}, "to: "),
        (RECORD_REFERRAL, {"outcome": "awarded"}, "outcome_on: the awarded outcome needs"),
        (RECORD_REFERRAL, {"outcome_on": "2025-03-08"}, "outcome_on: a referral still pending"),
        (
            RECORD_REFERRAL,
            {"outcome": "declined", "outcome_on": "2025-03-06"},
            "outcome_on: 6 Mar 2025 is before the referral was made",
        ),
    ],
)
def test_bad_arguments_are_rejected_naming_the_argument(
    world: World, intent: str, args: dict[str, Any], argument: str
) -> None:
    make = {
        RECORD_CONTACT: contact,
        RECORD_PROMISE: promise,
        RECORD_FOLLOW_UP: follow_up,
        RECORD_REFERRAL: referral,
    }[intent]
    before = world.counter()
    result = world.push_one(make(world, **args), intent)
    assert result.status == "rejected"
    assert result.reason is not None
    assert result.reason.startswith(argument), result.reason
    assert world.counter() == before


def test_what_a_record_names_must_be_on_its_own_case(world: World) -> None:
    with Session(world.engine) as session, session.begin():
        people = {}
        for case in (world.alice_case, world.bob_case):
            person = Person(
                id=uuid.uuid4(),
                ref=f"P-{uuid.uuid4().hex[:8]}",
                tenancy_id=case,
                title=None,
                first_name="Zoë",
                last_name="Quillfeather",
                date_of_birth=date(1980, 1, 1),
                phone=None,
                email=None,
                is_lead=True,
                seq=reserve(session, 1),
            )
            session.add(person)
            people[case] = person.id
        alices_action = add_action(session, tenancy_id=world.alice_case).id
        bobs_action = add_action(session, tenancy_id=world.bob_case).id
    ours = contact(
        world,
        spoke_to_person_id=str(people[world.alice_case]),
        spoke_to_name="",
        action_id=str(alices_action),
    )
    assert world.push_one(ours, RECORD_CONTACT).status == "applied"
    made_in = {"contact_id": ours["contact_id"]}
    assert world.push_one(promise(world, **made_in), RECORD_PROMISE).status == "applied"
    assert world.push_one(follow_up(world, **made_in), RECORD_FOLLOW_UP).status == "applied"

    bobs_contact = contact(world, case=world.bob_case)
    assert world.push_one(bobs_contact, RECORD_CONTACT, officer="bob").status == "applied"
    for args, intent, reason in [
        (
            contact(world, spoke_to_person_id=str(people[world.bob_case]), spoke_to_name=""),
            RECORD_CONTACT,
            "spoke_to_person_id: the person ",
        ),
        (
            contact(world, spoke_to_person_id=str(people[world.alice_case])),
            RECORD_CONTACT,
            "spoke_to_name: name a household member or another person, not both",
        ),
        (contact(world, action_id=str(bobs_action)), RECORD_CONTACT, "action_id: the action "),
        (
            promise(world, contact_id=bobs_contact["contact_id"]),
            RECORD_PROMISE,
            "contact_id: the contact ",
        ),
        (
            follow_up(world, contact_id=str(uuid.uuid4())),
            RECORD_FOLLOW_UP,
            "contact_id: the contact ",
        ),
    ]:
        result = world.push_one(args, intent)
        assert result.status == "rejected", args
        assert result.reason is not None
        assert result.reason.startswith(reason), result.reason
    assert count(world, Contact) == 2  # alice's and bob's


@pytest.fixture
def moved(world: World) -> World:
    """alice's case given to bob on 8 March 2025 at noon."""
    with Session(world.engine) as session, session.begin():
        move_case(session, tenancy_id=world.alice_case, to_officer_id=world.bob, at=MOVED_AT)
    return world


def _push_late(world: World, args: dict[str, Any], intent: str, days_later: int = 2) -> Any:
    with Session(world.engine, expire_on_commit=False) as session:
        [result] = push.push_mutations(
            session,
            device_id=world.alice_device,
            officer_id=world.alice,
            mutations=[world.mutation(args, intent=intent)],
            today=TODAY,
            now=MOVED_AT + timedelta(days=days_later),
        ).results
    return result


def test_a_contact_is_late_work_and_the_other_kinds_are_for_the_officer_now(
    moved: World,
) -> None:
    before = "2025-03-07T09:30:00+00:00"
    taken = _push_late(moved, contact(moved, recorded_at=before), RECORD_CONTACT)
    assert taken.status == "applied"
    for args, intent in (
        (promise(moved, recorded_at=before), RECORD_PROMISE),
        (follow_up(moved, recorded_at=before), RECORD_FOLLOW_UP),
        (referral(moved, recorded_at=before), RECORD_REFERRAL),
    ):
        refused: MutationResult = _push_late(moved, args, intent)
        assert refused.status == "rejected", intent
        assert refused.reason is not None
        assert "is for the officer who holds it now" in refused.reason
    after = _push_late(
        moved, contact(moved, recorded_at="2025-03-09T09:00:00+00:00"), RECORD_CONTACT
    )
    assert after.reason is not None
    assert "recorded after it left you" in after.reason
    too_late = _push_late(moved, contact(moved, recorded_at=before), RECORD_CONTACT, 15)
    assert too_late.reason is not None
    assert "more than 14 days ago" in too_late.reason
    assert count(moved, Contact) == 1
    assert count(moved, PaymentPromise) + count(moved, FollowUp) + count(moved, Referral) == 0
    # The late contact reaches the officer who holds the case now, not its former officer.
    assert [r.id for r in page_of(moved, moved.bob).contacts] == [
        r.id for r in rows(moved, Contact)
    ]
    assert page_of(moved, moved.alice).contacts == []


def test_a_reassigned_case_brings_every_version_to_its_new_officer(world: World) -> None:
    first = contact(world)
    assert world.push_one(first, RECORD_CONTACT).status == "applied"
    correction = contact(world, supersedes_id=first["contact_id"], outcome="no_access")
    assert world.push_one(correction, RECORD_CONTACT).status == "applied"
    for args, intent in (
        (promise(world), RECORD_PROMISE),
        (follow_up(world), RECORD_FOLLOW_UP),
        (referral(world), RECORD_REFERRAL),
    ):
        assert world.push_one(args, intent).status == "applied"
    bobs_cursor = page_of(world, world.bob).next_cursor  # bob is up to date
    with Session(world.engine) as session, session.begin():
        move_case(session, tenancy_id=world.alice_case, to_officer_id=world.bob)
    page = page_of(world, world.bob, cursor=bobs_cursor)
    assert {str(r.id) for r in page.contacts} == {first["contact_id"], correction["contact_id"]}
    assert (len(page.promises), len(page.follow_ups), len(page.referrals)) == (1, 1, 1)
    with Session(world.engine) as session:
        bobs = pull.scope_check(session, officer_id=world.bob)
        alices = pull.scope_check(session, officer_id=world.alice)
    assert (bobs.contacts, bobs.promises, bobs.follow_ups, bobs.referrals) == (2, 1, 1, 1)
    assert (alices.contacts, alices.promises, alices.follow_ups, alices.referrals) == (0, 0, 0, 0)


@pytest.mark.parametrize("version", ["4", "6"])
def test_an_app_speaking_another_protocol_gets_426_and_nothing_is_stored(
    world: World, version: str
) -> None:
    mutation = world.mutation(contact(world), intent=RECORD_CONTACT)
    headers = {
        HEADER_PROTOCOL: version,
        HEADER_APP: "doorstep-tests/0",
        "Authorization": f"Bearer {world.alice_token}",
    }
    with TestClient(create_app(world.engine)) as client:
        reply = client.post(
            "/sync/push",
            headers=headers,
            content=f'{{"mutations": [{mutation.model_dump_json()}]}}',
        )
        pulled = client.get("/sync/pull", headers=headers)
    for answer in (reply, pulled):
        assert answer.status_code == 426
        body = answer.json()
        assert body["code"] == "protocol_unsupported"
        assert f"speaks sync protocol {version}" in body["message"]
        assert "speaks version 5" in body["message"]
    assert count(world, Contact) == 0
