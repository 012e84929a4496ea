"""Actions recorded offline reach the central store: the push, over a REAL central service (a
``python -m central serve`` subprocess over HTTP), seeded with ``tests.sync.central_seed``.

What is checked: an action recorded with no connection is on the server after the next sync
(a ``device`` action of the right officer, numbered) and reaches the officer's other device;
the device's copy then equals the server's; a lost reply costs nothing (sent again, applied
once); order is kept across batches; a rejected mutation leaves the outbox, its action marked
with the reason, and the rest of the batch applies; a server that is down, too old or garbled
leaves the outbox as it was; a case reassigned before the push still gets the action.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.models import AuditEvent, CaseAction, OutboxMutation, Tenancy
from app.paths import data_dir, resource_path
from app.services.actions import record_action
from app.services.case_file import open_case
from app.services.enrolment import SignInRefused, sign_in
from app.services.sync import run_sync
from app.services.worklist import load_recovery_policy
from app.services.workspace import Workspace
from app.store.database import LocalStore, open_local_store
from app.sync import push as push_module
from app.sync.client import BadReply, Offline, ServerError, SyncClient
from app.sync.pull import apply_page
from app.sync.push import push_outbox
from central.models import AppliedMutation, Meta
from central.models import CaseAction as CentralAction
from tests.sync.central_seed import (
    SeededCase,
    action_fields,
    move_case,
    officer_id,
    seed_council,
)
from tests.sync.server import RunningCentral, running_central
from tests.workspaces import workspace_on

PASSWORD = "correct horse"
ON = date(2025, 2, 3)


def alice_signed_in(
    central: RunningCentral, store: LocalStore, *, officers: list[str], cases: int
) -> dict[str, list[SeededCase]]:
    """Seed the council, sign ``store`` in as alice and pull her caseload; the seeded cases."""
    seeded = seed_council(central.engine, officers=officers, cases_per_officer=cases)
    sign_in(Workspace(store), server_url=central.url, username="alice", password=PASSWORD)
    run_sync(Workspace(store))
    return seeded


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def central(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunningCentral]:
    """The service over a store on SQLite and, where the tests' PostgreSQL is set, on it."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'central.sqlite'}"
    else:
        from tests.conftest import _reset_pg

        url = request.getfixturevalue("pg_server_url")
        _reset_pg(url)
    with running_central(url, tmp_path) as server:
        yield server


@pytest.fixture
def sqlite_central(tmp_path: Path) -> Iterator[RunningCentral]:
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


def record(
    store: LocalStore,
    tenancy_id: uuid.UUID,
    *,
    code: str = "visit",
    until: date | None = None,
    note: str = "No answer; card left — Zoë's neighbour",
) -> uuid.UUID:
    """Record an action offline, as the case window does."""
    done = record_action(
        workspace_on(store, ON), tenancy_id=tenancy_id, code=code, on=ON, until=until, note=note
    )
    return done.action_id


def outbox(store: LocalStore) -> list[tuple[uuid.UUID, int]]:
    with store.session() as session:
        rows = session.execute(
            select(OutboxMutation.id, OutboxMutation.device_seq).order_by(OutboxMutation.device_seq)
        ).all()
    return [(row.id, row.device_seq) for row in rows]


def local_action(store: LocalStore, action_id: uuid.UUID) -> CaseAction | None:
    with store.session() as session:
        return session.get(CaseAction, action_id)


def central_actions(central: RunningCentral, *ids: uuid.UUID) -> dict[uuid.UUID, CentralAction]:
    with Session(central.engine) as session:
        rows = session.scalars(select(CentralAction).where(CentralAction.id.in_(ids))).all()
        return {row.id: row for row in rows}


def applied_mutations(central: RunningCentral) -> int:
    with Session(central.engine) as session:
        return int(session.execute(select(func.count()).select_from(AppliedMutation)).scalar_one())


def test_an_action_recorded_offline_reaches_the_server_and_the_officers_other_device(
    central: RunningCentral, store: LocalStore, workspace: Workspace, tmp_path: Path
) -> None:
    seeded = seed_council(central.engine, officers=["alice", "bob"], cases_per_officer=3)
    alice = officer_id(central.engine, "alice")
    sign_in(workspace, server_url=central.url, username="alice", password=PASSWORD)
    run_sync(workspace)
    case = seeded["alice"][1]
    action_id = record(store, case.tenancy_id, code="nosp", until=date(2025, 3, 3))
    waiting = local_action(store, action_id)
    assert waiting is not None
    assert (waiting.pending, waiting.server_seq, waiting.sync_problem) == (True, 0, None)

    summary = run_sync(workspace)
    assert (summary.pushed, summary.rejected) == (1, 0)
    assert summary.check_ok is True
    assert case.tenancy_id in summary.changed_tenancy_ids
    assert outbox(store) == []
    on_server = central_actions(central, action_id)[action_id]
    assert (on_server.source, on_server.officer_id, on_server.ref) == (
        "device",
        alice,
        str(action_id),
    )
    assert on_server.seq > 0
    done = local_action(store, action_id)
    assert done is not None
    assert (done.pending, done.server_seq, done.sync_problem) == (False, on_server.seq, None)
    assert action_fields(done) == action_fields(on_server)  # field for field, the instant too
    with store.session() as session:
        events = session.scalars(select(AuditEvent.event)).all()
    assert "sync.pushed" in events

    # alice's other laptop pulls it like any action on her case; bob's does not.
    other = _open(tmp_path, "alice-other")
    sign_in(Workspace(other), server_url=central.url, username="alice", password=PASSWORD)
    assert run_sync(Workspace(other)).check_ok is True
    pulled = local_action(other, action_id)
    assert pulled is not None
    assert action_fields(pulled) == action_fields(on_server)
    assert (pulled.pending, pulled.server_seq) == (False, on_server.seq)
    other.engine.dispose()

    again = run_sync(workspace)  # nothing more to send; the pulled row changes nothing
    assert (again.pushed, again.check_ok) == (0, True)
    assert action_fields(local_action(store, action_id)) == action_fields(on_server)

    # The next action recorded gets the next device_seq, not the emptied outbox's first again.
    record(store, case.tenancy_id)
    assert [seq for _, seq in outbox(store)] == [2]


def test_a_lost_reply_is_sent_again_and_applied_once(
    sqlite_central: RunningCentral, store: LocalStore, workspace: Workspace
) -> None:
    central = sqlite_central
    seeded = alice_signed_in(central, store, officers=["alice"], cases=2)
    ids = [record(store, seeded["alice"][k % 2].tenancy_id, note=f"visit {k}") for k in range(3)]
    queued = outbox(store)

    real = httpx.HTTPTransport()

    class LoseThePushReply(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            response = real.handle_request(request)
            response.read()
            if request.url.path == "/sync/push":
                raise httpx.ReadTimeout("the reply was lost", request=request)
            return response

    lossy = SyncClient(
        central.url,
        token=store.secrets.device_token(),
        app_version="t",
        transport=LoseThePushReply(),
    )
    with pytest.raises(Offline, match="did not answer in time") as lost:
        run_sync(workspace, client=lossy)
    lossy.close()
    # Issue 11: it said "nothing was changed" although the server had applied the push.
    assert "nothing was changed" not in str(lost.value).lower()
    assert "Your changes are kept on this laptop and are sent again" in str(lost.value)
    assert len(central_actions(central, *ids)) == 3  # the server did apply them...
    assert outbox(store) == queued  # ...but the device never heard, so it keeps them
    assert all(local_action(store, i).pending for i in ids)  # type: ignore[union-attr]

    summary = run_sync(workspace)  # the same mutations again
    assert (summary.pushed, summary.rejected, summary.check_ok) == (3, 0, True)
    assert outbox(store) == []
    on_server = central_actions(central, *ids)
    assert len(on_server) == 3
    assert applied_mutations(central) == 3
    for action_id in ids:
        done = local_action(store, action_id)
        assert done is not None
        assert (done.pending, done.server_seq) == (False, on_server[action_id].seq)
    with Session(central.engine) as session:
        per_ref = session.execute(
            select(CentralAction.ref, func.count()).group_by(CentralAction.ref)
        ).all()
    assert all(count == 1 for _, count in per_ref)


def test_order_is_kept_across_batches(sqlite_central: RunningCentral, store: LocalStore) -> None:
    central = sqlite_central
    seeded = alice_signed_in(central, store, officers=["alice"], cases=3)
    ids = [record(store, seeded["alice"][k % 3].tenancy_id, note=f"n{k}") for k in range(5)]
    sent: list[int] = []
    with SyncClient(central.url, token=store.secrets.device_token(), app_version="t") as client:
        pushed = push_outbox(
            store=store, client=client, batch_size=2, progress=lambda s, t: sent.append(s)
        )
    assert (pushed.batches, pushed.pushed, pushed.applied) == (3, 5, 5)
    assert sent == [2, 4, 5]
    on_server = central_actions(central, *ids)
    seqs = [on_server[action_id].seq for action_id in ids]  # ids in the order recorded
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == 5


def test_a_batch_is_split_by_size_so_no_push_is_too_big_to_be_taken(
    sqlite_central: RunningCentral, store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The central store refuses a body over its limit unread (413); a batch counted only by
    its number of changes could be refused that way every time and hold up the queue."""
    central = sqlite_central
    seeded = alice_signed_in(central, store, officers=["alice"], cases=3)
    # 1,000 characters, 4,000 bytes: counted in characters, all five would fit one batch.
    long_note = "👍" * 1000
    ids = [record(store, seeded["alice"][k % 3].tenancy_id, note=long_note) for k in range(5)]
    monkeypatch.setattr(push_module, "MAX_PUSH_BYTES", 9_000)  # room for two such changes
    bodies: list[int] = []
    real = httpx.HTTPTransport()

    class Measured(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path == "/sync/push":
                bodies.append(len(request.read()))
            return real.handle_request(request)

    with SyncClient(
        central.url, token=store.secrets.device_token(), app_version="t", transport=Measured()
    ) as client:
        pushed = push_outbox(store=store, client=client)
    assert (pushed.batches, pushed.pushed, pushed.applied) == (3, 5, 5)
    assert len(bodies) == 3
    assert max(bodies) <= 9_000 + 100  # the request's own wrapping
    seqs = [central_actions(central, *ids)[action_id].seq for action_id in ids]
    assert seqs == sorted(seqs), "order kept across the split"
    assert outbox(store) == []


def test_a_rejected_mutation_is_marked_and_the_rest_of_the_batch_applies(
    sqlite_central: RunningCentral, store: LocalStore, workspace: Workspace
) -> None:
    central = sqlite_central
    seeded = alice_signed_in(central, store, officers=["alice"], cases=3)
    cases = [case.tenancy_id for case in seeded["alice"]]
    first = record(store, cases[0], note="fine")
    bad_code = record(store, cases[1], note="tampered with")
    unknown_case = record(store, cases[2], note="for a case the server lost")
    with store.session() as session, session.begin():
        rows = {row.args["action_id"]: row for row in session.scalars(select(OutboxMutation)).all()}
        rows[str(bad_code)].args = {**rows[str(bad_code)].args, "code": "nonsense"}
        rows[str(unknown_case)].args = {
            **rows[str(unknown_case)].args,
            "tenancy_id": str(uuid.uuid4()),
        }
        session.add(
            OutboxMutation(
                device_seq=4,
                intent="note.add@1",
                args={"text": "from a newer app"},
                entity_ids=[],
                device_time=rows[str(first)].device_time,
            )
        )
    last = record(store, cases[0], note="also fine")

    summary = run_sync(workspace)
    assert (summary.pushed, summary.rejected) == (5, 3)
    assert summary.check_ok is True  # rejected actions are not counted as the server's
    assert outbox(store) == []
    assert set(central_actions(central, first, bad_code, unknown_case, last)) == {first, last}
    for action_id in (first, last):
        done = local_action(store, action_id)
        assert done is not None
        assert (done.pending, done.sync_problem) == (False, None)
    problems = {}
    for action_id in (bad_code, unknown_case):
        refused = local_action(store, action_id)
        assert refused is not None
        assert (refused.pending, refused.server_seq) == (False, 0)
        problems[action_id] = refused.sync_problem
    assert problems[bad_code] is not None
    assert problems[bad_code].startswith("code: 'nonsense' is not an action code")
    assert problems[unknown_case] is not None
    assert problems[unknown_case].startswith("tenancy_id: the case")
    assert "not known to the central store" in problems[unknown_case]
    with store.session() as session:
        rejected = session.scalars(
            select(AuditEvent).where(AuditEvent.event == "sync.mutation_rejected")
        ).all()
    # The case window shows the refused action with the reason, not as waiting.
    policy = load_recovery_policy(path=resource_path("recovery-policy.toml"))
    shown = open_case(workspace_on(store, ON), tenancy_id=cases[1], policy=policy, as_of=ON)
    [line] = [line for line in shown.actions if line.id == bad_code]
    assert (line.pending, line.sync_problem) == (False, problems[bad_code])
    assert len(rejected) == 3
    assert {event.detail["intent"] for event in rejected} == {"case_action.record@1", "note.add@1"}

    # Rejected actions stay on their cases through a sync and a re-bootstrap (a restore from
    # backup on the server), still marked.
    with Session(central.engine) as session, session.begin():
        session.execute(update(Meta).where(Meta.key == "epoch").values(value=uuid.uuid4().hex))
    again = run_sync(workspace)
    assert again.bootstrapped
    assert (again.pushed, again.check_ok) == (0, True)
    for action_id, problem in problems.items():
        kept = local_action(store, action_id)
        assert kept is not None
        assert kept.sync_problem == problem


def test_server_down_keeps_the_outbox_intact(
    sqlite_central: RunningCentral, store: LocalStore, workspace: Workspace
) -> None:
    central = sqlite_central
    seeded = alice_signed_in(central, store, officers=["alice"], cases=2)
    ids = [record(store, seeded["alice"][0].tenancy_id, note=f"n{k}") for k in range(2)]
    queued = outbox(store)
    central.stop()
    with pytest.raises(Offline) as caught:
        run_sync(workspace)
    assert str(caught.value).startswith(f"Cannot reach the central store at {central.url}")
    assert outbox(store) == queued
    for action_id in ids:
        waiting = local_action(store, action_id)
        assert waiting is not None
        assert (waiting.pending, waiting.server_seq, waiting.sync_problem) == (True, 0, None)
    with store.session() as session:
        failed = session.scalars(select(AuditEvent).where(AuditEvent.event == "sync.failed")).all()
    assert [(e.detail["error"], e.detail["pushed"]) for e in failed] == [("Offline", 0)]


def test_a_case_reassigned_before_the_push_still_gets_the_contact(
    central: RunningCentral, store: LocalStore, workspace: Workspace, tmp_path: Path
) -> None:
    """A contact recorded before the case moved reaches the officer who holds it now (only
    what cannot steer the case may come late: tests/central/test_push_former_officer.py)."""
    seeded = seed_council(central.engine, officers=["alice", "bob"], cases_per_officer=3)
    alice, bob = officer_id(central.engine, "alice"), officer_id(central.engine, "bob")
    bob_store = _open(tmp_path, "bob-device")
    sign_in(workspace, server_url=central.url, username="alice", password=PASSWORD)
    sign_in(Workspace(bob_store), server_url=central.url, username="bob", password=PASSWORD)
    run_sync(workspace)
    run_sync(Workspace(bob_store))
    moved, moved_early = seeded["alice"][0], seeded["alice"][1]
    written = record(store, moved.tenancy_id, code="contact", note="written at the door")
    early = record(
        store, moved_early.tenancy_id, code="contact", note="written before the news arrived"
    )
    with Session(central.engine) as session, session.begin():
        move_case(session, tenancy_id=moved.tenancy_id, to_officer_id=bob)
        move_case(session, tenancy_id=moved_early.tenancy_id, to_officer_id=bob)

    # One case's move reaches the device before the push (a pull alone): its pending action
    # outlives the case on the device.
    with SyncClient(central.url, token=store.secrets.device_token(), app_version="t") as client:
        page = client.pull(0, 10_000)
    with store.session() as session, session.begin():
        apply_page(session, page)
        assert session.get(Tenancy, moved_early.tenancy_id) is None
        assert session.get(CaseAction, early) is not None

    summary = run_sync(workspace)
    assert (summary.pushed, summary.rejected) == (2, 0)
    assert summary.check_ok is True
    on_server = central_actions(central, written, early)
    assert {on_server[written].tenancy_id, on_server[early].tenancy_id} == {
        moved.tenancy_id,
        moved_early.tenancy_id,
    }
    assert {row.officer_id for row in on_server.values()} == {alice}
    # Both cases have left alice's laptop, and their actions with them.
    assert local_action(store, written) is None
    assert local_action(store, early) is None
    assert outbox(store) == []

    # bob, who holds the cases now, pulls what alice wrote on them.
    assert run_sync(Workspace(bob_store)).check_ok is True
    for action_id in (written, early):
        pulled = local_action(bob_store, action_id)
        assert pulled is not None
        assert action_fields(pulled) == action_fields(on_server[action_id])
    assert central_actions(central, written)[written].officer_id == alice
    assert officer_id(central.engine, "bob") == bob
    bob_store.engine.dispose()


def test_an_old_server_or_a_garbled_answer_leaves_the_outbox_alone(
    sqlite_central: RunningCentral, store: LocalStore, workspace: Workspace
) -> None:
    central = sqlite_central
    seeded = alice_signed_in(central, store, officers=["alice"], cases=1)
    action_id = record(store, seeded["alice"][0].tenancy_id)
    queued = outbox(store)
    token = store.secrets.device_token()

    def old_server(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"code": "not_found", "message": "Not Found"})

    def half_answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"results": []})

    def server_trouble(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, json={"code": "unavailable", "message": "Try later."})

    cases = [
        (old_server, ServerError, "needs updating"),
        (half_answer, BadReply, "did not answer exactly the changes sent"),
        (server_trouble, ServerError, "Try later"),
    ]
    for handler, error, words in cases:
        client = SyncClient(
            central.url, token=token, app_version="t", transport=httpx.MockTransport(handler)
        )
        with pytest.raises(error, match=words):
            run_sync(workspace, client=client)
        client.close()
        assert outbox(store) == queued
        waiting = local_action(store, action_id)
        assert waiting is not None
        assert waiting.pending
    assert central_actions(central, action_id) == {}
    assert run_sync(workspace).pushed == 1


def test_another_officer_may_sign_in_once_the_work_is_pushed(
    sqlite_central: RunningCentral, store: LocalStore, workspace: Workspace
) -> None:
    central = sqlite_central
    seeded = alice_signed_in(central, store, officers=["alice", "bob"], cases=2)
    pushed = record(store, seeded["alice"][0].tenancy_id)
    refused = record(store, seeded["alice"][1].tenancy_id)
    with store.session() as session, session.begin():
        row = session.scalars(select(OutboxMutation).where(OutboxMutation.device_seq == 2)).one()
        row.args = {**row.args, "on": "2025-02-30"}
    with pytest.raises(SignInRefused, match="not reached the central store"):
        sign_in(workspace, server_url=central.url, username="bob", password=PASSWORD)

    assert run_sync(workspace).pushed == 2
    assert local_action(store, refused).sync_problem is not None  # type: ignore[union-attr]
    sign_in(workspace, server_url=central.url, username="bob", password=PASSWORD)
    # Nothing of alice's stays on the laptop: neither her cases nor her rejected action.
    assert local_action(store, pushed) is None
    assert local_action(store, refused) is None
    assert run_sync(workspace).check_ok is True


def test_a_damaged_row_is_refused_on_the_laptop_and_the_queue_goes_on(
    sqlite_central: RunningCentral, store: LocalStore, workspace: Workspace
) -> None:
    """A row that cannot even be put on the wire is refused here, with the reason, in order;
    a refused action whose case has left the laptop goes (its case is not here to show it)."""
    central = sqlite_central
    seeded = seed_council(central.engine, officers=["alice", "bob"], cases_per_officer=2)
    bob = officer_id(central.engine, "bob")
    sign_in(workspace, server_url=central.url, username="alice", password=PASSWORD)
    run_sync(workspace)
    damaged = record(store, seeded["alice"][0].tenancy_id, note="damaged")
    leaving = record(store, seeded["alice"][1].tenancy_id, note="refused, case gone")
    fine = record(store, seeded["alice"][0].tenancy_id, note="fine")
    with store.session() as session, session.begin():
        rows = {row.args["action_id"]: row for row in session.scalars(select(OutboxMutation))}
        rows[str(damaged)].entity_ids = ["not-a-uuid"]
        rows[str(leaving)].args = {**rows[str(leaving)].args, "until": "soon"}
    with Session(central.engine) as session, session.begin():
        move_case(session, tenancy_id=seeded["alice"][1].tenancy_id, to_officer_id=bob)
    with SyncClient(central.url, token=store.secrets.device_token(), app_version="t") as client:
        page = client.pull(0, 10_000)
    with store.session() as session, session.begin():
        apply_page(session, page)  # the move arrives before the push

    summary = run_sync(workspace)
    assert (summary.pushed, summary.rejected, summary.check_ok) == (3, 2, True)
    assert outbox(store) == []
    assert set(central_actions(central, damaged, leaving, fine)) == {fine}
    refused = local_action(store, damaged)
    assert refused is not None
    assert (refused.pending, refused.sync_problem) == (
        False,
        "entity_ids: this change is damaged on the laptop and cannot be sent to the central store",
    )
    assert local_action(store, leaving) is None
    with store.session() as session:
        audited = session.scalars(
            select(AuditEvent.entity_id).where(AuditEvent.event == "sync.mutation_rejected")
        ).all()
    assert sorted(audited) == sorted(case.tenancy_id for case in seeded["alice"])
