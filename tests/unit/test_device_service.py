"""Who the device is, read and written on a plain connection at start (app.services.device),
and the audit log written the same way: the rows are the ones the ORM models map."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.models import AuditEvent, SyncState
from app.paths import data_dir
from app.services.device import (
    BadServerUrl,
    current_officer,
    is_enrolled,
    server_url,
    set_server_url,
)
from app.services.workspace import Workspace
from app.store.audit import append_device_event
from app.store.database import LocalStore, open_local_store
from app.sync.client import SyncClient
from app.sync.errors import InsecureServer
from tests.ui.seed import seed_officer


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    opened = open_local_store(data_dir(tmp_path / "data"))
    yield opened
    opened.close()


def test_a_new_laptop_has_no_server_and_is_not_enrolled(store: LocalStore) -> None:
    workspace = Workspace(store)
    assert server_url(workspace) is None
    assert current_officer(workspace) is None
    assert not is_enrolled(workspace)


def test_the_first_server_address_makes_the_device_id_and_a_later_one_keeps_it(
    store: LocalStore,
) -> None:
    workspace = Workspace(store)
    set_server_url(workspace, server_url="  https://doorstep.example.gov.uk/ ")
    with store.transaction() as session:
        state = session.get(SyncState, 1)
        assert state is not None
        device_id, cursor, bootstrapped = state.device_id, state.cursor, state.bootstrapped
    assert isinstance(device_id, uuid.UUID)
    assert (cursor, bootstrapped) == (0, False)
    assert server_url(workspace) == "https://doorstep.example.gov.uk"

    set_server_url(workspace, server_url="http://127.0.0.1:8765")
    with store.transaction() as session:
        state = session.get(SyncState, 1)
        assert state is not None
        assert (state.device_id, state.server_url) == (device_id, "http://127.0.0.1:8765")


def test_an_address_that_is_not_http_is_refused_and_the_old_one_kept(store: LocalStore) -> None:
    workspace = Workspace(store)
    set_server_url(workspace, server_url="https://doorstep.example.gov.uk")
    with pytest.raises(BadServerUrl, match="not a central store address"):
        set_server_url(workspace, server_url="ftp://doorstep.example.gov.uk")
    assert server_url(workspace) == "https://doorstep.example.gov.uk"


@pytest.mark.parametrize(
    "address", ["http://doorstep.council.gov.uk", "http://10.1.2.3:8765", "http://[fe80::1]:80"]
)
def test_plain_http_to_another_computer_is_refused(store: LocalStore, address: str) -> None:
    # Issue 11: the password and the device token could cross a network in clear.
    with pytest.raises(BadServerUrl, match="plain http:// would send your password"):
        set_server_url(Workspace(store), server_url=address)
    with pytest.raises(InsecureServer):
        SyncClient(address, app_version="t")


@pytest.mark.parametrize(
    "address",
    ["http://127.0.0.1:8765", "http://localhost:8765", "http://[::1]:8765", "https://x.gov.uk"],
)
def test_https_or_this_computer_is_accepted(store: LocalStore, address: str) -> None:
    set_server_url(Workspace(store), server_url=address)
    assert server_url(Workspace(store)) == address
    SyncClient(address, app_version="t").close()


def test_an_enrolled_laptop_names_its_officer(store: LocalStore) -> None:
    officer_id = seed_officer(store, server_url="http://127.0.0.1:8765")
    workspace = Workspace(store)
    officer = current_officer(workspace)
    assert officer is not None
    assert (officer.id, officer.username, officer.display_name) == (
        officer_id,
        "asmith",
        "Alex Smith",
    )
    assert is_enrolled(workspace)
    store.secrets.forget_device_token()
    assert not is_enrolled(workspace)  # the token is gone from the keyring: sign in again


def test_an_audit_event_written_on_a_plain_connection_reads_back_through_the_model(
    store: LocalStore,
) -> None:
    officer_id = seed_officer(store, server_url="http://127.0.0.1:8765")
    before = datetime.now(UTC)
    with store.plain_transaction(writing=True) as connection:
        event_id = append_device_event(
            connection, event="caseload.viewed", entity_id=officer_id, detail={"cases": 3}
        )
    with store.transaction() as session:
        row = session.get(AuditEvent, event_id)
        state = session.get(SyncState, 1)
        assert row is not None
        assert state is not None
        assert (row.event, row.officer_id, row.device_id) == (
            "caseload.viewed",
            officer_id,
            state.device_id,
        )
        assert (row.entity_id, row.detail) == (officer_id, {"cases": 3})
        assert before - timedelta(seconds=1) <= row.occurred_at <= datetime.now(UTC)


def test_a_plain_transaction_that_raises_leaves_nothing_behind(store: LocalStore) -> None:
    def interrupted_use_case() -> None:
        with store.plain_transaction(writing=True) as connection:
            append_device_event(connection, event="caseload.viewed")
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        interrupted_use_case()
    with store.plain_transaction(writing=False) as connection:
        assert connection.execute("SELECT count(*) FROM audit_event").fetchone() == (0,)


def test_audit_detail_that_could_carry_personal_data_is_refused(store: LocalStore) -> None:
    def wordy_event() -> None:
        with store.plain_transaction(writing=True) as connection:
            append_device_event(connection, event="case.viewed", detail={"note": "x" * 200})

    with pytest.raises(ValueError, match="must be a number, flag, id or short code"):
        wordy_event()
    with store.plain_transaction(writing=False) as connection:
        assert connection.execute("SELECT count(*) FROM audit_event").fetchone() == (0,)


def test_a_use_case_that_reads_then_audits_is_not_refused_by_a_write_made_meanwhile(
    store: LocalStore,
) -> None:
    """`make run` at start: the first sync writes pages while the worklist is read; the read's
    audit row then failed with "database is locked" (its snapshot was older than the sync's
    write). A unit of work that writes holds the write lock from its start, so the other writer
    waits for it instead."""
    seed_officer(store, server_url="http://127.0.0.1:8765")
    other_wrote = threading.Event()

    def sync_page() -> None:
        with store.plain_transaction(writing=True) as connection:
            append_device_event(connection, event="sync.pulled")
        other_wrote.set()

    with store.plain_transaction(writing=True) as connection:
        connection.execute("SELECT count(*) FROM ledger_entry").fetchone()
        other = threading.Thread(target=sync_page)
        other.start()
        other_wrote.wait(0.5)  # it cannot write while this unit of work holds the lock
        append_device_event(connection, event="caseload.viewed")
    other.join(30)
    assert other_wrote.is_set()
    with store.plain_transaction(writing=False) as connection:
        events = connection.execute("SELECT event FROM audit_event").fetchall()
    assert sorted(event for (event,) in events) == ["caseload.viewed", "sync.pulled"]
