"""``central.push`` on SQLite and on PostgreSQL (``central_url``), and ``POST /sync/push``
through FastAPI's TestClient.

The store is seeded with ``tests.sync.central_seed``; mutations are built as a device sends
them (``app.protocol.messages.MutationIn``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.protocol.intents import RECORD_CASE_ACTION
from app.protocol.messages import (
    HEADER_APP,
    HEADER_PROTOCOL,
    MAX_PUSH_BATCH,
    PROTOCOL_VERSION,
    MutationIn,
    PullPage,
    PushResponse,
)
from central import push, sequence
from central.api import create_app
from central.devices import enrol_device
from central.models import CaseAction, Officer
from tests.central.push_world import World
from tests.sync.central_seed import move_case

HEADERS = {
    HEADER_PROTOCOL: str(PROTOCOL_VERSION),
    HEADER_APP: "doorstep-tests/0",
    "Content-Type": "application/json",
}


def test_an_action_is_applied_once_numbered_and_its_result_stored(world: World) -> None:
    args = world.args()
    mutation = world.mutation(args)
    before = world.counter()
    reply = world.push(mutation)
    [result] = reply.results
    assert (result.mutation_id, result.status, result.reason) == (
        mutation.mutation_id,
        "applied",
        None,
    )
    assert result.seq == before + 1 == world.counter()
    [row] = world.actions()
    assert row.id == uuid.UUID(args["action_id"])
    assert row.ref == args["action_id"]
    assert (row.tenancy_id, row.code, row.on_date, row.until, row.note) == (
        world.alice_case,
        "visit",
        date(2025, 3, 7),
        None,
        args["note"],
    )
    assert (row.source, row.officer_id, row.seq) == ("device", world.alice, result.seq)
    assert row.recorded_at == datetime(2025, 3, 7, 9, 30, 12, 345678, tzinfo=UTC)
    [stored] = world.stored()
    assert (stored.device_id, stored.mutation_id, stored.device_seq, stored.intent) == (
        world.alice_device,
        mutation.mutation_id,
        1,
        RECORD_CASE_ACTION,
    )
    assert (stored.status, stored.reason, stored.seq) == ("applied", None, result.seq)

    # The reply was lost and the device sends the same mutation again: the stored result,
    # and nothing changes.
    assert world.push(mutation) == reply
    assert len(world.actions()) == 1
    assert len(world.stored()) == 1
    assert world.counter() == result.seq


def test_the_same_action_under_a_new_mutation_id_is_applied_without_change(world: World) -> None:
    args = world.args(code="nosp", until="2025-04-07")
    first = world.push(world.mutation(args)).results[0]
    again = world.push(world.mutation(dict(args))).results[0]
    assert (again.status, again.seq) == ("applied", first.seq)
    assert len(world.actions()) == 1
    other = world.push(world.mutation({**args, "note": "another text"})).results[0]
    assert other.status == "rejected"
    assert other.reason is not None
    assert other.reason.startswith("action_id: another action already has the id")
    assert len(world.actions()) == 1


def test_mutations_are_handled_in_device_seq_order(world: World) -> None:
    mutations = [world.mutation(world.args(), device_seq=n) for n in (3, 1, 2)]
    reply = world.push(*mutations)
    assert [r.mutation_id for r in reply.results] == [
        mutations[1].mutation_id,
        mutations[2].mutation_id,
        mutations[0].mutation_id,
    ]
    seqs = [r.seq for r in reply.results]
    assert seqs == sorted(seqs)
    assert [a.id for a in world.actions()] == [
        uuid.UUID(m.args["action_id"]) for m in (mutations[1], mutations[2], mutations[0])
    ]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"code": "nonsense"}, "code: 'nonsense' is not an action code"),
        ({"code": "nosp"}, "until: notice of seeking possession served needs the date"),
        ({"until": "2025-03-01"}, "until: 1 Mar 2025 is before the action's date 7 Mar 2025"),
        ({"on": "2025-02-30"}, "on: Input should be a valid date"),
        ({"on": "2025-03-12"}, "on: 12 Mar 2025 is after today (10 Mar 2025) on the central store"),
        ({"on": "2015-03-31"}, "on: 31 Mar 2015 is before the tenancy began (1 Apr 2015)"),
        ({"note": "x" * 4001}, "note: String should have at most 4000 characters"),
        ({"note": None}, "note: Input should be a valid string"),
        ({"recorded_at": "2025-03-07T09:30:00"}, "recorded_at: Input should have timezone info"),
        ({"action_id": "not-a-uuid"}, "action_id: Input should be a valid UUID"),
        ({"surprise": 1}, "surprise: Extra inputs are not permitted"),
        ({"tenancy_id": 5}, "tenancy_id: UUID input should be a string"),
    ],
)
def test_bad_arguments_are_rejected_naming_the_argument(
    world: World, changes: dict[str, Any], reason: str
) -> None:
    before = world.counter()
    good = world.mutation(world.args())
    bad = world.mutation(world.args(**changes))
    also_good = world.mutation(world.args())
    results = world.push(good, bad, also_good).results
    assert [r.status for r in results] == ["applied", "rejected", "applied"]
    assert results[1].seq is None
    assert results[1].reason is not None
    assert results[1].reason.startswith(reason), results[1].reason
    assert len(world.actions()) == 2
    assert world.counter() == before + 2
    stored = world.stored()
    assert [(s.status, s.reason) for s in stored][1] == ("rejected", results[1].reason)
    # A rejection is an answer like any other: sent again, it is answered the same.
    assert world.push(bad).results == [results[1]]


def test_a_missing_argument_is_named(world: World) -> None:
    args = world.args()
    del args["until"]
    [result] = world.push(world.mutation(args)).results
    assert (result.status, result.reason) == ("rejected", "until: Field required")


def test_an_unknown_intent_is_rejected_with_advice_to_update_the_server(world: World) -> None:
    [result] = world.push(world.mutation({"text": "x"}, intent="note.add@1")).results
    assert result.status == "rejected"
    assert result.reason == (
        "intent: this server does not know intent 'note.add@1'; update the server"
    )
    assert world.actions() == []


def test_an_unknown_case_is_rejected(world: World) -> None:
    missing = uuid.uuid4()
    [result] = world.push(world.mutation(world.args(case=missing))).results
    assert result.status == "rejected"
    assert result.reason is not None
    assert result.reason.startswith(
        f"tenancy_id: the case {missing} is not known to the central store"
    )


def test_a_case_never_in_the_officers_caseload_is_refused(world: World) -> None:
    [result] = world.push(world.mutation(world.args(case=world.bob_case))).results
    assert result.status == "rejected"
    assert result.reason is not None
    assert "is not in your caseload" in result.reason
    assert world.actions() == []


def test_a_case_reassigned_meanwhile_still_takes_a_contact_recorded_before(world: World) -> None:
    with Session(world.engine) as session, session.begin():
        move_case(session, tenancy_id=world.alice_case, to_officer_id=world.bob)
    [result] = world.push(world.mutation(world.args(code="contact"))).results
    assert result.status == "applied"
    [row] = world.actions()
    assert (row.tenancy_id, row.officer_id) == (world.alice_case, world.alice)
    # bob, who holds the case now, may of course record on it too.
    [bobs] = world.push(world.mutation(world.args()), officer="bob").results
    assert bobs.status == "applied"


def test_a_temporary_failure_stops_the_batch_and_a_retry_resumes(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    mutations = [world.mutation(world.args()) for _ in range(3)]
    real_reserve = sequence.reserve
    calls = {"n": 0}

    def flaky(session: Session, count: int) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OperationalError("UPDATE change_counter", {}, Exception("database is locked"))
        return real_reserve(session, count)

    monkeypatch.setattr(sequence, "reserve", flaky)
    with pytest.raises(push.PushUnavailable):
        world.push(*mutations)
    assert len(world.actions()) == 1  # the first is committed; the second left nothing
    assert [s.mutation_id for s in world.stored()] == [mutations[0].mutation_id]

    reply = world.push(*mutations)  # the device sends the same batch again
    assert [r.status for r in reply.results] == ["applied"] * 3
    assert len(world.actions()) == 3
    assert len(world.stored()) == 3


def test_a_mutation_handled_meanwhile_by_another_request_answers_its_result(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two requests carrying one mutation: both look for a stored result before either has
    stored one; the later one to write answers what the first stored."""
    mutation = world.mutation(world.args())
    first = world.push(mutation).results[0]
    real = push._stored_result
    looked = {"n": 0}

    def not_yet(*args: Any) -> Any:
        looked["n"] += 1
        return None if looked["n"] == 1 else real(*args)

    monkeypatch.setattr(push, "_stored_result", not_yet)
    assert world.push(mutation).results == [first]
    assert len(world.actions()) == 1
    assert len(world.stored()) == 1


def test_mutation_ids_are_per_device(world: World) -> None:
    """A mutation id is the device's own: another device's with the same id is its own."""
    mutation = world.mutation(world.args(case=world.alice_case))
    assert world.push(mutation).results[0].status == "applied"
    bobs = mutation.model_copy(update={"args": world.args(case=world.bob_case)})
    assert world.push(bobs, officer="bob").results[0].status == "applied"
    assert len(world.actions()) == 2


# -- the route ----------------------------------------------------------------------------------


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine), raise_server_exceptions=True) as test_client:
        yield test_client


def _body(*mutations: MutationIn) -> str:
    return '{"mutations":[' + ",".join(m.model_dump_json() for m in mutations) + "]}"


def test_the_route_applies_and_the_officers_other_device_pulls_it(
    world: World, client: TestClient
) -> None:
    auth = {**HEADERS, "Authorization": f"Bearer {world.alice_token}"}
    mutation = world.mutation(world.args())
    reply = client.post("/sync/push", content=_body(mutation), headers=auth)
    assert reply.status_code == 200, reply.text
    result = PushResponse.model_validate_json(reply.content).results[0]
    assert result.status == "applied"

    with Session(world.engine) as session, session.begin():
        alice = session.get(Officer, world.alice)
        assert alice is not None
        other = enrol_device(session, officer=alice, device_id=uuid.uuid4())
    page = client.get(
        "/sync/pull",
        params={"cursor": result.seq - 1},  # type: ignore[operator]
        headers={**HEADERS, "Authorization": f"Bearer {other}"},
    )
    assert page.status_code == 200, page.text
    [action] = PullPage.model_validate_json(page.content).actions
    assert (action.id, action.seq, action.source, action.officer_id) == (
        uuid.UUID(mutation.args["action_id"]),
        result.seq,
        "device",
        world.alice,
    )
    # bob's device does not receive alice's case's action.
    bob_page = client.get(
        "/sync/pull",
        params={"cursor": result.seq - 1},  # type: ignore[operator]
        headers={**HEADERS, "Authorization": f"Bearer {world.bob_token}"},
    )
    assert PullPage.model_validate_json(bob_page.content).actions == []


def test_the_route_needs_a_device_token_and_a_batch_within_the_limit(
    world: World, client: TestClient
) -> None:
    mutation = world.mutation(world.args())
    no_token = client.post("/sync/push", content=_body(mutation), headers=HEADERS)
    assert no_token.status_code == 401
    assert no_token.json()["code"] == "token_invalid"
    auth = {**HEADERS, "Authorization": f"Bearer {world.alice_token}"}
    too_many = [world.mutation(world.args()) for _ in range(MAX_PUSH_BATCH + 1)]
    big = client.post("/sync/push", content=_body(*too_many), headers=auth)
    assert big.status_code == 422
    assert big.json()["code"] == "bad_request"
    empty = client.post("/sync/push", json={"mutations": []}, headers=auth)
    assert empty.status_code == 422
    no_version = client.post(
        "/sync/push",
        content=_body(mutation),
        headers={
            "Authorization": f"Bearer {world.alice_token}",
            "Content-Type": "application/json",
        },
    )
    assert no_version.status_code == 426
    with Session(world.engine) as session:
        assert session.execute(select(func.count()).select_from(CaseAction)).scalar_one() == 0


def test_the_route_answers_503_on_a_temporary_failure(
    world: World, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(session: Session, count: int) -> int:
        raise OperationalError("UPDATE change_counter", {}, Exception("server closed"))

    monkeypatch.setattr(sequence, "reserve", down)
    auth = {**HEADERS, "Authorization": f"Bearer {world.alice_token}"}
    reply = client.post("/sync/push", content=_body(world.mutation(world.args())), headers=auth)
    assert reply.status_code == 503
    body = reply.json()
    assert body["code"] == "unavailable"
    assert "sent again, in order" in body["message"]


def test_a_vulnerability_keeps_its_support_need_and_source_and_bad_ones_are_named(
    world: World,
) -> None:
    """Issue 12: a support need with its source; optional on the wire (an older app's queued
    vulnerability has neither), checked when given."""
    told = world.args(
        code="vulnerability", note="Text first", support_need="language", learned_from="tenant"
    )
    assert world.push_one(told, RECORD_CASE_ACTION).status == "applied"
    older = world.args(code="vulnerability", note="Text first")
    assert world.push_one(older, RECORD_CASE_ACTION).status == "applied"
    by_id = {row.id: row for row in world.actions()}
    row = by_id[uuid.UUID(told["action_id"])]
    assert (row.support_need, row.learned_from) == ("language", "tenant")
    assert by_id[uuid.UUID(older["action_id"])].support_need is None
    for changes, reason in (
        ({"support_need": "gossip", "learned_from": "tenant"}, "support need: 'gossip'"),
        ({"support_need": "language"}, "learned from: choose one"),
        ({"code": "visit", "support_need": "language"}, "support need: only a vulnerability"),
    ):
        args = world.args(**{"code": "vulnerability", "note": "x", **changes})
        refused = world.push_one(args, RECORD_CASE_ACTION)
        assert refused.status == "rejected"
        assert refused.reason is not None
        assert refused.reason.startswith(reason)
