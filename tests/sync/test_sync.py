"""The client's sync code against a REAL central service (a ``python -m central serve``
subprocess over HTTP), seeded with the synthetic helper in ``tests.sync.central_seed``.

Nothing of our own is mocked: sign-in, pull, apply and check run end to end; the local store
is the real SQLCipher database with its key in the (in-memory) test keyring.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from app.models import AuditEvent, LedgerEntry, OutboxMutation, Person, SyncState, Tenancy
from app.paths import data_dir
from app.protocol.messages import HEADER_PROTOCOL, PROTOCOL_VERSION
from app.services.enrolment import SignInRefused, current_officer, is_enrolled, sign_in
from app.services.reports import balances_csv
from app.services.sync import run_sync
from app.services.workspace import Workspace
from app.sqlkit.utc import utcnow
from app.store.database import LocalStore, open_local_store
from app.sync.client import AuthRejected, BadReply, NotSignedIn, Offline, SyncClient
from central.models import Meta
from tests.memory_keyring import MemoryKeyring
from tests.sync.central_seed import (
    SURNAMES,
    add_ledger_line,
    move_case,
    officer_id,
    seed_council,
    server_balances,
    server_counts,
)
from tests.sync.server import RunningCentral, running_central

PASSWORD = "correct horse"


@pytest.fixture
def central(tmp_path: Path) -> Iterator[RunningCentral]:
    with running_central(f"sqlite:///{tmp_path / 'central.sqlite'}", tmp_path) as server:
        yield server


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    local = open_local_store(data_dir(tmp_path / "device"))
    yield local
    local.engine.dispose()


@pytest.fixture
def workspace(store: LocalStore) -> Workspace:
    """The device's store as the services take it (the machine's clock)."""
    return Workspace(store)


def local_balances(store: LocalStore) -> dict[str, int]:
    with store.session() as session:
        rows = session.execute(
            select(Tenancy.ref, func.coalesce(func.sum(LedgerEntry.amount_pence), 0))
            .outerjoin(LedgerEntry, LedgerEntry.tenancy_id == Tenancy.id)
            .group_by(Tenancy.ref)
        ).all()
    return {ref: int(total) for ref, total in rows}


def local_counts(store: LocalStore) -> tuple[int, int, int]:
    with store.session() as session:
        return (
            session.execute(select(func.count()).select_from(Tenancy)).scalar_one(),
            session.execute(select(func.count()).select_from(Person)).scalar_one(),
            session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one(),
        )


def test_sign_in_keeps_the_token_in_the_keyring_only(
    central: RunningCentral, store: LocalStore, workspace: Workspace, memory_keyring: MemoryKeyring
) -> None:
    seed_council(central.engine, officers=["alice"], cases_per_officer=1)
    assert not is_enrolled(workspace)
    officer = sign_in(workspace, server_url=central.url, username="alice", password=PASSWORD)
    assert officer.username == "alice"
    assert officer.id == officer_id(central.engine, "alice")
    assert current_officer(workspace) == officer
    assert is_enrolled(workspace)
    token = store.secrets.device_token()
    assert token
    assert token in memory_keyring.items.values()
    # No column of any table holds the token.
    with store.session() as session:
        tables = session.execute(text("SELECT name FROM sqlite_master WHERE type='table'")).all()
        for (table,) in tables:
            for row in session.execute(text(f'SELECT * FROM "{table}"')):
                assert all(token not in str(value) for value in row), table
        events = session.scalars(select(AuditEvent.event)).all()
    assert "device.signed_in" in events


def test_wrong_password_changes_nothing(
    central: RunningCentral, store: LocalStore, workspace: Workspace
) -> None:
    seed_council(central.engine, officers=["alice"], cases_per_officer=1)
    with pytest.raises(AuthRejected, match="username or password"):
        sign_in(workspace, server_url=central.url, username="alice", password="nope")
    assert not is_enrolled(workspace)
    assert store.secrets.device_token() is None
    with pytest.raises(NotSignedIn, match="Sign in"):
        run_sync(workspace)


def test_pull_brings_exactly_the_officers_caseload(
    central: RunningCentral, store: LocalStore, workspace: Workspace
) -> None:
    seeded = seed_council(central.engine, officers=["alice", "bob"], cases_per_officer=5)
    alice = officer_id(central.engine, "alice")
    sign_in(workspace, server_url=central.url, username="alice", password=PASSWORD)
    progress: list[tuple[int, int | None, str]] = []
    summary = run_sync(
        workspace, page_limit=7, progress=lambda d, t, m: progress.append((d, t, m))
    )
    assert summary.bootstrapped
    assert summary.check_ok is True
    assert summary.pages == len(progress) > 3
    assert progress[-1][0] == progress[-1][1]
    assert local_balances(store) == server_balances(central.engine, alice)
    assert set(local_balances(store)) == {case.ref for case in seeded["alice"]}
    assert local_counts(store) == server_counts(central.engine, alice)
    assert summary.changed_tenancy_ids == {case.tenancy_id for case in seeded["alice"]}
    csv_text = balances_csv(workspace)
    with store.session() as session:
        state = session.get(SyncState, 1)
        assert state is not None
        assert state.bootstrapped
    expected = sorted(server_balances(central.engine, alice).items())
    assert csv_text == "tenancy_ref,balance_pence\n" + "".join(f"{r},{b}\n" for r, b in expected)
    # Nothing new: a second cycle is one empty page, still checked.
    again = run_sync(workspace)
    assert (again.pages, again.ledger_lines, again.bootstrapped) == (1, 0, False)
    assert again.check_ok is True
    assert again.cursor == summary.cursor


def test_interrupted_pull_resumes_without_duplicates(
    central: RunningCentral, store: LocalStore, workspace: Workspace
) -> None:
    seed_council(central.engine, officers=["alice", "bob"], cases_per_officer=6)
    alice = officer_id(central.engine, "alice")
    sign_in(workspace, server_url=central.url, username="alice", password=PASSWORD)

    class Interrupted(Exception):
        pass

    seen: list[int] = []

    def stop_after_two_pages(done: int, total: int | None, message: str) -> None:
        seen.append(done)
        if len(seen) == 2:
            raise Interrupted

    with pytest.raises(Interrupted):
        run_sync(workspace, page_limit=5, progress=stop_after_two_pages)
    with store.session() as session:
        state = session.get(SyncState, 1)
        assert state is not None
        halfway = state.cursor
        assert halfway > 0
        assert not state.bootstrapped
    partial = local_counts(store)
    assert 0 < sum(partial) < sum(server_counts(central.engine, alice))

    summary = run_sync(workspace, page_limit=5)
    assert not summary.bootstrapped  # it resumed rather than starting again
    assert summary.check_ok is True
    assert local_counts(store) == server_counts(central.engine, alice)
    with store.session() as session:
        refs = session.scalars(select(LedgerEntry.ref)).all()
    assert len(refs) == len(set(refs))
    assert local_balances(store) == server_balances(central.engine, alice)


def test_later_change_arrives_and_moved_case_is_removed(
    central: RunningCentral, store: LocalStore, workspace: Workspace
) -> None:
    seeded = seed_council(central.engine, officers=["alice", "bob"], cases_per_officer=3)
    alice = officer_id(central.engine, "alice")
    bob = officer_id(central.engine, "bob")
    sign_in(workspace, server_url=central.url, username="alice", password=PASSWORD)
    run_sync(workspace)

    paying, moving = seeded["alice"][0], seeded["alice"][2]
    with Session(central.engine) as session, session.begin():
        add_ledger_line(session, tenancy_id=paying.tenancy_id, amount_pence=-2500)
        move_case(session, tenancy_id=moving.tenancy_id, to_officer_id=bob)
    before = local_balances(store)[paying.ref]

    summary = run_sync(workspace)
    assert not summary.bootstrapped
    assert summary.check_ok is True
    assert summary.ledger_lines == 1
    assert summary.removed == 1
    assert summary.changed_tenancy_ids == {paying.tenancy_id, moving.tenancy_id}
    balances = local_balances(store)
    assert balances[paying.ref] == before - 2500
    assert moving.ref not in balances
    assert balances == server_balances(central.engine, alice)
    with store.session() as session:
        orphans = session.execute(
            select(func.count())
            .select_from(LedgerEntry)
            .where(LedgerEntry.tenancy_id == moving.tenancy_id)
        ).scalar_one()
    assert orphans == 0


def test_server_down_is_offline_and_leaves_the_copy_alone(
    central: RunningCentral, store: LocalStore, workspace: Workspace
) -> None:
    seed_council(central.engine, officers=["alice"], cases_per_officer=2)
    sign_in(workspace, server_url=central.url, username="alice", password=PASSWORD)
    run_sync(workspace)
    before = (local_counts(store), local_balances(store))
    with store.session() as session:
        cursor = session.get(SyncState, 1).cursor  # type: ignore[union-attr]
    central.stop()
    with pytest.raises(Offline) as caught:
        run_sync(workspace)
    assert str(caught.value).startswith(f"Cannot reach the central store at {central.url}")
    # Issue 11: officers were shown "[Errno 111] Connection refused".
    assert "nothing answers at that address" in str(caught.value)
    assert "Errno" not in str(caught.value)
    assert (local_counts(store), local_balances(store)) == before
    with store.session() as session:
        assert session.get(SyncState, 1).cursor == cursor  # type: ignore[union-attr]
        failed = session.scalars(select(AuditEvent).where(AuditEvent.event == "sync.failed")).all()
    assert [event.detail["error"] for event in failed] == ["Offline"]


def test_changed_epoch_rebootstraps_and_keeps_the_outbox(
    central: RunningCentral, store: LocalStore, workspace: Workspace
) -> None:
    """The push runs before the pull, so the outbox is usually empty when a re-bootstrap
    comes; here a change is queued while the sync runs (after its push), and the server was
    restored from backup meanwhile: the re-bootstrap keeps that change queued."""
    seed_council(central.engine, officers=["alice"], cases_per_officer=2)
    alice = officer_id(central.engine, "alice")
    sign_in(workspace, server_url=central.url, username="alice", password=PASSWORD)
    run_sync(workspace)

    def queue_one_while_syncing(done: int, total: int | None, message: str) -> None:
        with store.session() as session, session.begin():
            if session.execute(select(func.count()).select_from(OutboxMutation)).scalar_one():
                return
            session.add(
                OutboxMutation(
                    device_seq=1,
                    intent="note.add@1",
                    args={"text": "x"},
                    entity_ids=[],
                    device_time=utcnow(),
                )
            )

    with Session(central.engine) as session, session.begin():  # a restore from backup
        session.execute(update(Meta).where(Meta.key == "epoch").values(value=uuid.uuid4().hex))
    summary = run_sync(workspace, progress=queue_one_while_syncing)
    assert summary.bootstrapped
    assert summary.check_ok is True
    assert summary.pushed == 0
    assert local_balances(store) == server_balances(central.engine, alice)
    with store.session() as session:
        assert session.execute(select(func.count()).select_from(OutboxMutation)).scalar_one() == 1


def test_another_officer_signing_in_is_refused_while_work_is_unsent(
    central: RunningCentral, store: LocalStore, workspace: Workspace
) -> None:
    seed_council(central.engine, officers=["alice", "bob"], cases_per_officer=2)
    bob = officer_id(central.engine, "bob")
    sign_in(workspace, server_url=central.url, username="alice", password=PASSWORD)
    run_sync(workspace)
    with store.session() as session, session.begin():
        session.add(
            OutboxMutation(
                device_seq=1, intent="note.add@1", args={}, entity_ids=[], device_time=utcnow()
            )
        )
    alice_copy = local_balances(store)
    with pytest.raises(SignInRefused, match="not reached the central store"):
        sign_in(workspace, server_url=central.url, username="bob", password=PASSWORD)
    assert local_balances(store) == alice_copy
    assert current_officer(workspace).username == "alice"  # type: ignore[union-attr]

    with store.session() as session, session.begin():
        session.execute(OutboxMutation.__table__.delete())
    officer = sign_in(workspace, server_url=central.url, username="bob", password=PASSWORD)
    assert officer.id == bob
    assert local_balances(store) == {}  # alice's caseload is gone before bob's arrives
    summary = run_sync(workspace)
    assert summary.bootstrapped
    assert local_balances(store) == server_balances(central.engine, bob)


def test_a_reply_that_breaks_the_protocol_applies_nothing(
    central: RunningCentral, store: LocalStore, workspace: Workspace
) -> None:
    seed_council(central.engine, officers=["alice"], cases_per_officer=2)
    sign_in(workspace, server_url=central.url, username="alice", password=PASSWORD)
    run_sync(workspace)
    before = local_balances(store)

    def garbled(request: httpx.Request) -> httpx.Response:
        assert request.headers[HEADER_PROTOCOL] == str(PROTOCOL_VERSION)
        return httpx.Response(200, json={"epoch": "x", "cursor": 0, "surprise": True})

    client = SyncClient(
        central.url,
        token=store.secrets.device_token(),
        app_version="test",
        transport=httpx.MockTransport(garbled),
    )
    with pytest.raises(BadReply, match="does not understand"):
        run_sync(workspace, client=client)
    assert local_balances(store) == before


def test_database_and_wal_hold_no_tenant_names(
    central: RunningCentral, store: LocalStore, workspace: Workspace
) -> None:
    seed_council(central.engine, officers=["alice"], cases_per_officer=len(SURNAMES))
    sign_in(workspace, server_url=central.url, username="alice", password=PASSWORD)
    run_sync(workspace)
    with store.session() as session:
        names = set(session.scalars(select(Person.last_name)))
    assert set(SURNAMES) <= names  # the names really are on the device...
    central_file = Path(central.store_url.removeprefix("sqlite:///"))
    central_bytes = b"".join(
        p.read_bytes()
        for p in (central_file, central_file.with_name(central_file.name + "-wal"))
        if p.exists()
    )
    assert SURNAMES[1].encode() in central_bytes  # ...and the search would find them
    db = store.path
    wal = db.with_name(db.name + "-wal")
    assert wal.exists()
    assert wal.stat().st_size > 0
    for path in (db, wal):
        raw = path.read_bytes()
        for surname in SURNAMES:
            for encoded in (surname.encode("utf-8"), surname.encode("utf-16-le")):
                assert encoded not in raw, (path.name, surname)
        assert b"Imaginary Row" not in raw


@pytest.mark.postgres
def test_pull_from_a_postgresql_backed_server(
    pg_server_url: str, tmp_path: Path, store: LocalStore, workspace: Workspace
) -> None:
    from tests.conftest import _reset_pg

    _reset_pg(pg_server_url)
    with running_central(pg_server_url, tmp_path) as server:
        seeded = seed_council(server.engine, officers=["alice", "bob"], cases_per_officer=4)
        alice = officer_id(server.engine, "alice")
        sign_in(workspace, server_url=server.url, username="alice", password=PASSWORD)
        summary = run_sync(workspace, page_limit=6)
        assert summary.check_ok is True
        assert local_balances(store) == server_balances(server.engine, alice)
        assert local_counts(store) == server_counts(server.engine, alice)
        with Session(server.engine) as session, session.begin():
            move_case(
                session,
                tenancy_id=seeded["alice"][0].tenancy_id,
                to_officer_id=officer_id(server.engine, "bob"),
            )
        again = run_sync(workspace)
        assert again.removed == 1
        assert again.check_ok is True
        assert local_balances(store) == server_balances(server.engine, alice)
