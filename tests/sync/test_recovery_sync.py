"""Arrangements and case actions reach the device over a REAL central service (a ``python -m
central serve`` subprocess over HTTP), seeded with ``tests.sync.central_seed``.

What is checked: an officer holds exactly their cases' arrangements and actions, field for
field; a case moving in arrives with them, one moving out takes them away; pulling again
changes nothing; and an action recorded on the device and not yet acknowledged (``pending``)
is never deleted or overwritten by a pull, a case leaving scope or a re-bootstrap.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.models import Arrangement, CaseAction, LedgerEntry, SyncState
from app.paths import data_dir
from app.services.enrolment import sign_in
from app.services.sync import run_sync
from app.services.workspace import Workspace
from app.sqlkit.utc import utcnow
from app.store.database import LocalStore, open_local_store
from app.sync.client import BadReply, SyncClient
from app.sync.pull import apply_page
from central.models import Meta
from tests.sync.central_seed import (
    Fields,
    SeededCase,
    action_fields,
    add_action,
    add_arrangement,
    arrangement_fields,
    move_case,
    officer_id,
    seed_council,
    server_recovery,
)
from tests.sync.server import RunningCentral, running_central

PASSWORD = "correct horse"


@pytest.fixture
def central(tmp_path: Path) -> Iterator[RunningCentral]:
    with running_central(f"sqlite:///{tmp_path / 'central.sqlite'}", tmp_path) as server:
        yield server


def _open(tmp_path: Path, name: str) -> LocalStore:
    return open_local_store(data_dir(tmp_path / name))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    local = _open(tmp_path, "device")
    yield local
    local.engine.dispose()


@pytest.fixture
def workspace(store: LocalStore) -> Workspace:
    """The device's store as the services take it (the machine's clock)."""
    return Workspace(store)


def local_recovery(store: LocalStore) -> tuple[set[Fields], set[Fields]]:
    """(arrangements, actions not pending) held on the device, as comparable field tuples."""
    with store.session() as session:
        arrangements = session.scalars(select(Arrangement)).all()
        actions = session.scalars(select(CaseAction).where(CaseAction.pending.is_(False))).all()
        return (
            {arrangement_fields(a) for a in arrangements},
            {action_fields(a) for a in actions},
        )


def refs(rows: set[Fields]) -> set[object]:
    return {row[1] for row in rows}


def expected_refs(cases: list[SeededCase]) -> tuple[set[str], set[str]]:
    return (
        {ref for case in cases for ref in case.arrangement_refs},
        {ref for case in cases for ref in case.action_refs},
    )


def record_pending_action(
    store: LocalStore, *, tenancy_id: uuid.UUID, officer: uuid.UUID, note: str
) -> uuid.UUID:
    """An action recorded on the device, as the recording service will write it (minus its
    outbox mutation, which the pull never reads)."""
    action_id = uuid.uuid4()
    with store.session() as session, session.begin():
        session.add(
            CaseAction(
                id=action_id,
                ref=str(action_id),
                tenancy_id=tenancy_id,
                on_date=date(2025, 2, 3),
                code="visit",
                until=None,
                note=note,
                source="device",
                officer_id=officer,
                recorded_at=utcnow(),
                pending=True,
            )
        )
    return action_id


def test_officer_receives_exactly_their_cases_arrangements_and_actions(
    central: RunningCentral, store: LocalStore, workspace: Workspace
) -> None:
    seeded = seed_council(central.engine, officers=["alice", "bob"], recovery=True)
    alice = officer_id(central.engine, "alice")
    sign_in(workspace, server_url=central.url, username="alice", password=PASSWORD)
    summary = run_sync(workspace, page_limit=7)  # cuts fall inside every stream
    assert summary.check_ok is True
    arrangements, actions = local_recovery(store)
    # Field for field what the server holds for alice: ids, dates, pence, notes with quotes
    # and non-ASCII, the device actions' officer and aware UTC instant.
    assert (arrangements, actions) == server_recovery(central.engine, alice)
    assert (refs(arrangements), refs(actions)) == expected_refs(seeded["alice"])
    assert arrangements
    assert {a[7] for a in actions} == {"hms", "device"}
    instants = [a[9] for a in actions if a[7] == "device"]
    assert all(isinstance(t, datetime) and t.utcoffset() == timedelta(0) for t in instants)
    assert summary.arrangements == len(arrangements)
    assert summary.actions == len(actions)
    # Nothing of bob's nor of the unassigned case.
    bob_arrangements, bob_actions = expected_refs(seeded["bob"])
    assert not refs(arrangements) & bob_arrangements
    assert not refs(actions) & bob_actions


def test_case_moving_in_brings_its_recovery_and_moving_out_takes_it_away(
    central: RunningCentral, store: LocalStore, workspace: Workspace, tmp_path: Path
) -> None:
    seeded = seed_council(central.engine, officers=["alice", "bob"], recovery=True)
    alice, bob = officer_id(central.engine, "alice"), officer_id(central.engine, "bob")
    bob_store = _open(tmp_path, "bob-device")
    sign_in(workspace, server_url=central.url, username="alice", password=PASSWORD)
    sign_in(Workspace(bob_store), server_url=central.url, username="bob", password=PASSWORD)
    run_sync(workspace)
    run_sync(Workspace(bob_store))

    moving = seeded["alice"][0]
    assert moving.arrangement_refs
    assert len(moving.action_refs) == 2
    with Session(central.engine) as session, session.begin():
        move_case(session, tenancy_id=moving.tenancy_id, to_officer_id=bob)
        later = add_action(session, tenancy_id=moving.tenancy_id, code="letter_2").ref

    bob_summary = run_sync(Workspace(bob_store), page_limit=2)  # the case arrives across pages
    assert bob_summary.check_ok is True
    assert not bob_summary.bootstrapped  # by the pull itself, not the check's re-bootstrap
    arrangements, actions = local_recovery(bob_store)
    assert (arrangements, actions) == server_recovery(central.engine, bob)
    assert set(moving.arrangement_refs) <= refs(arrangements)
    assert {*moving.action_refs, later} <= refs(actions)

    alice_summary = run_sync(workspace)
    assert alice_summary.check_ok is True
    assert not alice_summary.bootstrapped
    assert alice_summary.removed == 1
    assert local_recovery(store) == server_recovery(central.engine, alice)
    with store.session() as session:
        for model in (Arrangement, CaseAction, LedgerEntry):
            left = session.execute(
                select(func.count()).select_from(model).where(model.tenancy_id == moving.tenancy_id)  # type: ignore[attr-defined]
            ).scalar_one()
            assert left == 0, model.__name__
    bob_store.engine.dispose()


def test_pulling_again_changes_nothing(
    central: RunningCentral, store: LocalStore, workspace: Workspace
) -> None:
    seed_council(central.engine, officers=["alice", "bob"], recovery=True)
    sign_in(workspace, server_url=central.url, username="alice", password=PASSWORD)
    run_sync(workspace, page_limit=5)

    def snapshot() -> object:
        with store.session() as session:
            return (
                local_recovery(store),
                sorted(session.execute(select(Arrangement.id, Arrangement.server_seq)).all()),
                sorted(session.execute(select(CaseAction.id, CaseAction.server_seq)).all()),
            )

    before = snapshot()
    # Every page again from the start, over what is held: upserts, no duplicates.
    with store.session() as session, session.begin():
        session.execute(update(SyncState).values(cursor=0))
    again = run_sync(workspace, page_limit=5)
    assert again.check_ok is True
    assert again.pages > 1
    assert again.actions > 0
    assert snapshot() == before
    # The same page applied twice, each in its own transaction, leaves one copy.
    with SyncClient(central.url, token=store.secrets.device_token(), app_version="t") as client:
        page = client.pull(0, 1000)
    for _ in range(2):
        with store.session() as session, session.begin():
            apply_page(session, page)
    assert snapshot() == before


def test_a_pending_action_survives_pulls_scope_changes_and_rebootstrap(
    central: RunningCentral, store: LocalStore, workspace: Workspace
) -> None:
    seeded = seed_council(central.engine, officers=["alice", "bob"], recovery=True)
    alice, bob = officer_id(central.engine, "alice"), officer_id(central.engine, "bob")
    sign_in(workspace, server_url=central.url, username="alice", password=PASSWORD)
    run_sync(workspace)
    staying, leaving = seeded["alice"][1], seeded["alice"][2]
    mine = record_pending_action(store, tenancy_id=staying.tenancy_id, officer=alice, note="local")
    orphan = record_pending_action(
        store, tenancy_id=leaving.tenancy_id, officer=alice, note="written before the move"
    )

    with Session(central.engine) as session, session.begin():
        # The push reached the server but its acknowledgement has not reached the device:
        # the server holds the action (here with other text, to see that it is not applied).
        add_action(
            session,
            tenancy_id=staying.tenancy_id,
            code="visit",
            note="server copy",
            officer_id=alice,
            action_id=mine,
        )
        hms = add_action(session, tenancy_id=staying.tenancy_id, code="letter_2").ref
        add_arrangement(session, tenancy_id=staying.tenancy_id, instalment_pence=2_000)
        move_case(session, tenancy_id=leaving.tenancy_id, to_officer_id=bob)

    summary = run_sync(workspace)
    assert summary.check_ok is True  # the held pending action counts as the server's
    assert not summary.bootstrapped
    assert summary.removed == 1

    def pending() -> dict[uuid.UUID, tuple[str, bool, int]]:
        with store.session() as session:
            rows = session.execute(
                select(CaseAction.id, CaseAction.note, CaseAction.pending, CaseAction.server_seq)
            ).all()
        return {r.id: (r.note, r.pending, r.server_seq) for r in rows if r.pending}

    held = pending()
    assert set(held) == {mine, orphan}
    assert held[mine][:2] == ("local", True)
    assert held[mine][2] > 0  # the server's copy was seen, not applied
    assert held[orphan] == ("written before the move", True, 0)  # outlives its case
    assert hms in refs(local_recovery(store)[1])

    # A restore from backup on the server: the device re-bootstraps and keeps both.
    with Session(central.engine) as session, session.begin():
        session.execute(update(Meta).where(Meta.key == "epoch").values(value=uuid.uuid4().hex))
    again = run_sync(workspace)
    assert again.bootstrapped
    assert again.check_ok is True
    assert set(pending()) == {mine, orphan}
    assert pending()[mine][0] == "local"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("recorded_at", "2025-02-03T09:30:00"),  # an instant without its offset
        ("until", "2025-02-30"),
        ("note", None),
        ("surprise", 1),
    ],
)
def test_a_page_with_a_malformed_action_is_a_bad_reply_and_applies_nothing(
    central: RunningCentral, store: LocalStore, workspace: Workspace, field: str, value: object
) -> None:
    seed_council(central.engine, officers=["alice"], cases_per_officer=2, recovery=True)
    sign_in(workspace, server_url=central.url, username="alice", password=PASSWORD)
    run_sync(workspace)
    before = local_recovery(store)
    token = store.secrets.device_token()
    real = httpx.Client(base_url=central.url, headers={"Authorization": f"Bearer {token}"})

    def tampered(request: httpx.Request) -> httpx.Response:
        reply = real.get("/sync/pull", params={"cursor": 0}, headers=dict(request.headers))
        body = reply.json()
        assert body["actions"]
        body["actions"][0][field] = value
        return httpx.Response(200, json=body)

    client = SyncClient(
        central.url, token=token, app_version="t", transport=httpx.MockTransport(tampered)
    )
    with store.session() as session, session.begin():
        session.execute(update(SyncState).values(cursor=0))
    with pytest.raises(BadReply, match="does not understand"):
        run_sync(workspace, client=client)
    real.close()
    assert local_recovery(store) == before
