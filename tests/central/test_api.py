"""The sync service through FastAPI's TestClient, on SQLite and on PostgreSQL (``central_url``).

The store is seeded with the test's own synthetic helper (``tests.sync.central_seed``), never
the importer or the demo, so these tests exercise the service alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from app.models import IncomeAssessment
from app.protocol.messages import (
    HEADER_APP,
    HEADER_PROTOCOL,
    PROTOCOL_VERSION,
    AssessmentRow,
    PullPage,
    ScopeCheck,
)
from central.api import create_app
from central.devices import hash_token, revoke_device
from central.models import Device
from tests.sync.central_seed import (
    action_fields,
    add_case,
    add_ledger_line,
    add_officer,
    arrangement_fields,
    move_case,
    officer_id,
    seed_council,
    server_balances,
    server_counts,
    server_recovery,
)

PASSWORD = "correct horse"
HEADERS = {HEADER_PROTOCOL: str(PROTOCOL_VERSION), HEADER_APP: "doorstep-tests/0"}


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine), raise_server_exceptions=True) as test_client:
        yield test_client


def signin(client: TestClient, username: str, device_id: uuid.UUID | None = None, **extra: str):
    body = {
        "username": username,
        "password": extra.pop("password", PASSWORD),
        "device_id": str(device_id or uuid.uuid4()),
        "device_name": "test laptop",
    }
    return client.post("/auth/signin", json=body, headers=HEADERS)


def token_for(client: TestClient, username: str) -> dict[str, str]:
    reply = signin(client, username)
    assert reply.status_code == 200, reply.text
    return {**HEADERS, "Authorization": f"Bearer {reply.json()['token']}"}


def pull_all(
    client: TestClient, auth: dict[str, str], *, cursor: int = 0, limit: int | None = None
) -> tuple[list[PullPage], int]:
    pages = []
    while True:
        params: dict[str, int] = {"cursor": cursor}
        if limit:
            params["limit"] = limit
        reply = client.get("/sync/pull", params=params, headers=auth)
        assert reply.status_code == 200, reply.text
        page = PullPage.model_validate_json(reply.content)
        pages.append(page)
        cursor = page.next_cursor
        if not page.has_more:
            return pages, cursor


def test_health_answers_protocol_range_and_epoch(client: TestClient) -> None:
    reply = client.get("/health", headers=HEADERS)
    assert reply.status_code == 200
    body = reply.json()
    assert body["status"] == "ok"
    assert body["protocol_min"] == 5
    assert body["protocol_max"] == 5
    assert len(body["epoch"]) >= 16


@pytest.mark.parametrize("value", [None, "1", "2", "3", "4", "6", "0", "one"])
def test_missing_or_unsupported_protocol_is_426_and_changes_nothing(
    client: TestClient, engine: Engine, value: str | None
) -> None:
    seed_council(engine, officers=["alice"], cases_per_officer=1)
    headers = {HEADER_APP: "x"} if value is None else {HEADER_PROTOCOL: value}
    device_id = uuid.uuid4()
    for reply in (
        client.get("/health", headers=headers),
        client.post(
            "/auth/signin",
            headers=headers,
            json={"username": "alice", "password": PASSWORD, "device_id": str(device_id)},
        ),
        client.get("/sync/pull", headers=headers),
    ):
        assert reply.status_code == 426
        assert reply.json()["code"] == "protocol_unsupported"
        assert "protocol" in reply.json()["message"]
    with Session(engine) as session:
        assert session.get(Device, device_id) is None


def test_signin_enrols_device_and_keeps_only_the_token_hash(
    client: TestClient, engine: Engine
) -> None:
    seed_council(engine, officers=["alice"], cases_per_officer=1)
    device_id = uuid.uuid4()
    reply = signin(client, "alice", device_id)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["officer"]["username"] == "alice"
    with Session(engine) as session:
        device = session.get(Device, device_id)
        assert device is not None
        assert device.token_hash == hash_token(body["token"])
        assert body["token"] not in device.token_hash
    # Signing in again on the same device issues a new token; the old one stops working.
    again = signin(client, "alice", device_id)
    assert again.status_code == 200
    old = {**HEADERS, "Authorization": f"Bearer {body['token']}"}
    new = {**HEADERS, "Authorization": f"Bearer {again.json()['token']}"}
    assert client.get("/sync/check", headers=old).status_code == 401
    assert client.get("/sync/check", headers=new).status_code == 200


def test_wrong_password_and_unknown_user_get_the_same_answer(
    client: TestClient, engine: Engine
) -> None:
    seed_council(engine, officers=["alice"], cases_per_officer=1)
    wrong = signin(client, "alice", password="not it")
    unknown = signin(client, "nobody-here")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["code"] == "bad_credentials"


def test_officer_without_password_cannot_sign_in(client: TestClient, engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        add_officer(session, "carol", password=None)
    reply = signin(client, "carol", password="anything")
    assert reply.status_code == 401
    assert reply.json()["code"] == "bad_credentials"


def test_device_of_another_officer_is_refused(client: TestClient, engine: Engine) -> None:
    seed_council(engine, officers=["alice", "bob"], cases_per_officer=1)
    device_id = uuid.uuid4()
    assert signin(client, "alice", device_id).status_code == 200
    reply = signin(client, "bob", device_id)
    assert reply.status_code == 409
    assert reply.json()["code"] == "device_of_another_officer"
    with Session(engine) as session:
        device = session.get(Device, device_id)
        assert device is not None
        assert device.officer_id == officer_id(engine, "alice")


def test_bad_missing_or_revoked_token_is_401(client: TestClient, engine: Engine) -> None:
    seed_council(engine, officers=["alice"], cases_per_officer=1)
    for headers in (
        HEADERS,
        {**HEADERS, "Authorization": "Bearer not-a-token"},
        {**HEADERS, "Authorization": "Basic abc"},
    ):
        reply = client.get("/sync/pull", headers=headers)
        assert reply.status_code == 401
        assert reply.json()["code"] == "token_invalid"
    device_id = uuid.uuid4()
    reply = signin(client, "alice", device_id)
    auth = {**HEADERS, "Authorization": f"Bearer {reply.json()['token']}"}
    assert client.get("/sync/check", headers=auth).status_code == 200
    with Session(engine) as session, session.begin():
        assert revoke_device(session, device_id=device_id)
    assert client.get("/sync/check", headers=auth).json()["code"] == "token_invalid"
    assert signin(client, "alice", device_id).status_code == 403


def test_bad_limit_or_cursor_is_an_error_body(client: TestClient, engine: Engine) -> None:
    seed_council(engine, officers=["alice"], cases_per_officer=1)
    auth = token_for(client, "alice")
    for params in ({"limit": 0}, {"limit": 10**9}, {"cursor": -1}, {"cursor": "abc"}):
        reply = client.get("/sync/pull", params=params, headers=auth)
        assert reply.status_code == 422, params
        assert reply.json()["code"] == "bad_request"
        assert reply.json()["message"]


def test_officer_sees_only_their_own_cases(client: TestClient, engine: Engine) -> None:
    seeded = seed_council(engine, officers=["alice", "bob"], cases_per_officer=4)
    alice = officer_id(engine, "alice")
    pages, cursor = pull_all(client, token_for(client, "alice"))
    tenancies = {t.ref for p in pages for t in p.tenancies}
    assert tenancies == {c.ref for c in seeded["alice"]}
    alice_ids = {c.tenancy_id for c in seeded["alice"]}
    assert {r.tenancy_id for p in pages for r in p.people} <= alice_ids
    assert {r.tenancy_id for p in pages for r in p.ledger} <= alice_ids
    assert all(t.officer_id == alice for p in pages for t in p.tenancies)
    balances: dict[str, int] = {}
    ref_of = {c.tenancy_id: c.ref for c in seeded["alice"]}
    for p in pages:
        for line in p.ledger:
            balances[ref_of[line.tenancy_id]] = (
                balances.get(ref_of[line.tenancy_id], 0) + line.amount_pence
            )
    assert balances == server_balances(engine, alice)
    counts = server_counts(engine, alice)
    assert sum(len(p.people) for p in pages) == counts[1]
    assert sum(len(p.ledger) for p in pages) == counts[2]
    # The cursor ends at the store's sequence, past bob's and the unassigned case's rows.
    check = ScopeCheck.model_validate_json(
        client.get("/sync/check", headers=token_for(client, "alice")).content
    )
    assert cursor == check.cursor
    assert (check.tenancies, check.people, check.ledger_lines) == counts
    assert check.balance_pence == sum(balances.values())


def test_paging_respects_limit_and_has_more(client: TestClient, engine: Engine) -> None:
    seed_council(engine, officers=["alice", "bob"], cases_per_officer=5, lines_per_case=7)
    alice = officer_id(engine, "alice")
    auth = token_for(client, "alice")
    pages, _ = pull_all(client, auth, limit=9)
    assert len(pages) > 3
    for page in pages[:-1]:
        assert page.has_more
        rows = page.tenancies + page.people + page.ledger
        # At most `limit` items in seq order (plus a parent tenancy carried along now and then).
        assert len([r for r in rows if r.seq <= page.next_cursor]) <= 9
        assert max(r.seq for r in rows) <= page.next_cursor or page.tenancies
        assert page.remaining is not None
        assert page.remaining > 0
    assert not pages[-1].has_more
    assert [p.cursor for p in pages[1:]] == [p.next_cursor for p in pages[:-1]]
    ledger_ids = [r.id for p in pages for r in p.ledger]
    assert len(ledger_ids) == len(set(ledger_ids)) == server_counts(engine, alice)[2]
    # Every child's tenancy arrives in the same page or before it.
    seen: set[uuid.UUID] = set()
    for page in pages:
        seen |= {t.id for t in page.tenancies}
        assert {r.tenancy_id for r in page.people + page.ledger} <= seen
    # Nothing new: one empty page that keeps the cursor.
    again, cursor = pull_all(client, auth, cursor=pages[-1].next_cursor)
    assert len(again) == 1
    assert not again[0].tenancies
    assert not again[0].ledger
    assert cursor == pages[-1].next_cursor


def test_later_change_arrives_after_the_cursor(client: TestClient, engine: Engine) -> None:
    seeded = seed_council(engine, officers=["alice", "bob"], cases_per_officer=2)
    auth = token_for(client, "alice")
    _, cursor = pull_all(client, auth)
    with Session(engine) as session, session.begin():
        add_ledger_line(session, tenancy_id=seeded["alice"][0].tenancy_id, amount_pence=-4321)
        add_ledger_line(session, tenancy_id=seeded["bob"][0].tenancy_id, amount_pence=-1)
    pages, new_cursor = pull_all(client, auth, cursor=cursor)
    assert [line.amount_pence for p in pages for line in p.ledger] == [-4321]
    assert new_cursor == cursor + 2


def test_case_moved_arrives_whole_and_leaves_the_old_officer(
    client: TestClient, engine: Engine
) -> None:
    seeded = seed_council(engine, officers=["alice", "bob"], cases_per_officer=3)
    alice_auth = token_for(client, "alice")
    bob_auth = token_for(client, "bob")
    _, alice_cursor = pull_all(client, alice_auth)
    _, bob_cursor = pull_all(client, bob_auth)
    moving = seeded["alice"][1]
    with Session(engine) as session, session.begin():
        move_case(session, tenancy_id=moving.tenancy_id, to_officer_id=officer_id(engine, "bob"))
    bob_pages, _ = pull_all(client, bob_auth, cursor=bob_cursor)
    assert [t.id for p in bob_pages for t in p.tenancies] == [moving.tenancy_id]
    from central.models import LedgerEntry, Person

    with Session(engine) as session:
        people = set(
            session.scalars(select(Person.id).where(Person.tenancy_id == moving.tenancy_id))
        )
        lines = set(
            session.scalars(
                select(LedgerEntry.id).where(LedgerEntry.tenancy_id == moving.tenancy_id)
            )
        )
    assert {r.id for p in bob_pages for r in p.people} == people
    assert {r.id for p in bob_pages for r in p.ledger} == lines
    assert lines
    alice_pages, _ = pull_all(client, alice_auth, cursor=alice_cursor)
    assert [t for p in alice_pages for t in p.removed_tenancy_ids] == [moving.tenancy_id]
    assert not [t for p in alice_pages for t in p.tenancies]


def test_case_entering_scope_with_small_pages_still_arrives_whole(
    client: TestClient, engine: Engine
) -> None:
    seeded = seed_council(engine, officers=["alice", "bob"], cases_per_officer=2)
    bob_auth = token_for(client, "bob")
    _, bob_cursor = pull_all(client, bob_auth)
    moving = seeded["alice"][0]
    with Session(engine) as session, session.begin():
        add_case(session, officer_id=officer_id(engine, "bob"), ledger=[1, 2, 3])
        move_case(session, tenancy_id=moving.tenancy_id, to_officer_id=officer_id(engine, "bob"))
    pages, _ = pull_all(client, bob_auth, cursor=bob_cursor, limit=2)
    lines = [r for p in pages for r in p.ledger if r.tenancy_id == moving.tenancy_id]
    assert len(lines) == len({r.id for r in lines}) == 8


def test_epoch_mismatch_answers_reset_required(client: TestClient, engine: Engine) -> None:
    seed_council(engine, officers=["alice"], cases_per_officer=1)
    auth = token_for(client, "alice")
    epoch = client.get("/health", headers=HEADERS).json()["epoch"]
    ok = PullPage.model_validate_json(
        client.get("/sync/pull", params={"epoch": epoch}, headers=auth).content
    )
    assert not ok.reset_required
    assert ok.tenancies
    reply = client.get("/sync/pull", params={"epoch": "an-older-epoch", "cursor": 5}, headers=auth)
    page = PullPage.model_validate_json(reply.content)
    assert page.reset_required
    assert page.epoch == epoch
    assert not page.tenancies
    assert not page.people
    assert not page.ledger
    # A cursor beyond the store's sequence (a restore from an older backup) resets too.
    ahead = client.get("/sync/pull", params={"cursor": 10**9}, headers=auth)
    assert PullPage.model_validate_json(ahead.content).reset_required


def test_unexpected_error_is_a_500_error_body(client: TestClient, engine: Engine) -> None:
    seed_council(engine, officers=["alice"], cases_per_officer=1)
    auth = token_for(client, "alice")
    engine.dispose()
    with Session(engine) as session, session.begin():
        session.execute(text("DROP TABLE scope_event"))
    reply = client.get("/sync/pull", headers=auth)
    assert reply.status_code == 500
    assert reply.json()["code"] == "server_error"


def test_streams_cover_every_list_of_a_page() -> None:
    """Each row list of ``PullPage`` is one stream on the server and one on the device (the
    nested assessments are written by their own function there), and every wire field is a
    column of the tables on both sides."""
    from typing import get_args, get_origin

    from app.sync import pull as device_pull
    from central import pull as central_pull

    lists = {
        name
        for name, info in PullPage.model_fields.items()
        if get_origin(info.annotation) is list and name != "removed_tenancy_ids"
    }
    flat = [s.field for s in device_pull.STREAMS]
    assert [s.field for s in central_pull.STREAMS] == [*flat, "assessments"]
    assert {s.field for s in central_pull.STREAMS} == lists
    held = {c.key for c in IncomeAssessment.__table__.columns}
    assert {"server_seq" if f == "seq" else f for f in AssessmentRow.model_fields} - held == {
        "content"  # the lines, debts and household: child rows and columns on the device
    }
    for server, device in zip(central_pull.STREAMS, device_pull.STREAMS, strict=False):
        (row,) = get_args(PullPage.model_fields[server.field].annotation)
        assert server.wire is device.wire is row
        assert [c.key for c in server.columns] == list(server.wire.model_fields)
        local = {c.key for c in device.table.columns}
        assert {"server_seq" if f == "seq" else f for f in device.wire.model_fields} <= local


def test_arrangements_and_actions_arrive_field_for_field(
    client: TestClient, engine: Engine
) -> None:
    seeded = seed_council(engine, officers=["alice", "bob"], cases_per_officer=3, recovery=True)
    alice = officer_id(engine, "alice")
    pages, _ = pull_all(client, token_for(client, "alice"), limit=5)
    arrangements = {arrangement_fields(r) for p in pages for r in p.arrangements}
    actions = {action_fields(r) for p in pages for r in p.actions}
    assert (arrangements, actions) == server_recovery(engine, alice)
    assert {r[1] for r in actions} == {ref for c in seeded["alice"] for ref in c.action_refs}
    assert any(r[9] is not None for r in actions)  # device actions carry their instant
    # Every child arrives with or after its tenancy.
    seen: set[uuid.UUID] = set()
    for page in pages:
        seen |= {t.id for t in page.tenancies}
        assert {r.tenancy_id for r in page.arrangements + page.actions} <= seen
    check = ScopeCheck.model_validate_json(
        client.get("/sync/check", headers=token_for(client, "alice")).content
    )
    assert (check.arrangements, check.actions) == (len(arrangements), len(actions))


def test_case_moved_arrives_with_its_arrangements_and_actions(
    client: TestClient, engine: Engine
) -> None:
    seeded = seed_council(engine, officers=["alice", "bob"], cases_per_officer=2, recovery=True)
    bob = officer_id(engine, "bob")
    bob_auth = token_for(client, "bob")
    _, bob_cursor = pull_all(client, bob_auth)
    moving = seeded["alice"][0]
    with Session(engine) as session, session.begin():
        move_case(session, tenancy_id=moving.tenancy_id, to_officer_id=bob)
    pages, _ = pull_all(client, bob_auth, cursor=bob_cursor, limit=2)
    assert {r.ref for p in pages for r in p.arrangements} == set(moving.arrangement_refs)
    assert {r.ref for p in pages for r in p.actions} == set(moving.action_refs)
