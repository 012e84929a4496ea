"""Visit records (contacts, promises to pay, follow-ups, referrals) recorded offline reach the
central store and the officer's other laptop, over a REAL central service (``python -m central
serve``), on SQLite and, where the tests' PostgreSQL is set, on it.

What is checked: every kind recorded with no connection is pending, then on the server after
the next sync (the officer's, from that laptop, with the officer's name) and pulled field for
field by the officer's second laptop, every version of it (a correction supersedes, the old
version stays); the scope check agrees on both; the same mutation sent again changes nothing;
a correction made on two laptops of one version is kept on both (a conflict, not a refusal); a
bad ``supersedes_id`` is refused and the record stays on its case with the reason, through a
re-bootstrap too, while a pending one is never touched by a pull; a case reassigned brings its
visit records to the new officer's laptop and takes them from the old one's; an app speaking
protocol 4 gets 426 and keeps its outbox.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.clock import SYSTEM_CLOCK
from app.models import Contact, FollowUp, OutboxMutation, PaymentPromise, Person, Referral
from app.paths import data_dir
from app.protocol.messages import HEADER_APP, HEADER_PROTOCOL, MutationIn, PushRequest
from app.services.enrolment import sign_in
from app.services.sync import run_sync
from app.services.visits import (
    ContactDetails,
    FollowUpTerms,
    PromiseTerms,
    add_follow_up,
    close_follow_up,
    record_contact,
    record_referral,
    record_referral_outcome,
    withdraw_promise,
)
from app.services.workspace import Workspace
from app.store.database import open_local_store
from app.sync import client as client_module
from app.sync.client import ProtocolMismatch, SyncClient
from app.sync.pull import sync_state, wipe_caseload
from central import models as central
from tests.sync.central_seed import move_case, officer_id, seed_council
from tests.sync.server import RunningCentral, running_central

PASSWORD = "correct horse"
KINDS: list[tuple[type[Any], type[Any]]] = [
    (Contact, central.Contact),
    (PaymentPromise, central.PaymentPromise),
    (FollowUp, central.FollowUp),
    (Referral, central.Referral),
]
# Columns held alike on a laptop and on the central store (the wire row's fields but ``seq``).
COMPARED = {
    model: [
        c.key
        for c in model.__table__.columns
        if c.key not in {"pending", "server_seq", "sync_problem"}
    ]
    for model, _ in KINDS
}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def central_service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunningCentral]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'central.sqlite'}"
    else:
        from tests.conftest import _reset_pg

        url = request.getfixturevalue("pg_server_url")
        _reset_pg(url)
    with running_central(url, tmp_path) as server:
        yield server


def laptop(tmp_path: Path, name: str, server: RunningCentral, user: str = "alice") -> Workspace:
    """A laptop signed in as ``user`` with the caseload pulled."""
    workspace = Workspace(open_local_store(data_dir(tmp_path / name)))
    sign_in(workspace, server_url=server.url, username=user, password=PASSWORD)
    assert run_sync(workspace).check_ok is True
    return workspace


def held(workspace: Workspace, model: type[Any]) -> dict[uuid.UUID, tuple[Any, ...]]:
    """The laptop's rows of ``model`` by id: the compared fields."""
    with workspace.store.session() as session:
        rows = session.scalars(select(model)).all()
        return {r.id: tuple(getattr(r, k) for k in COMPARED[model]) for r in rows}


def on_server(server: RunningCentral, model: type[Any], local: type[Any]) -> dict[uuid.UUID, Any]:
    with Session(server.engine) as session:
        rows = session.scalars(select(model)).all()
        return {r.id: tuple(getattr(r, k) for k in COMPARED[local]) for r in rows}


def sync_states(workspace: Workspace, model: type[Any]) -> set[tuple[bool, bool, str | None]]:
    """(pending, has a server number, problem) of every row of ``model`` on the laptop."""
    with workspace.store.session() as session:
        rows = session.scalars(select(model)).all()
        return {(r.pending, r.server_seq > 0, r.sync_problem) for r in rows}


def one_id(workspace: Workspace, model: type[Any], **where: Any) -> uuid.UUID:
    with workspace.store.session() as session:
        query = select(model.id)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        [found] = session.scalars(query).all()
        return found


def household_member(workspace: Workspace, tenancy_id: uuid.UUID) -> uuid.UUID | None:
    with workspace.store.session() as session:
        return session.scalars(select(Person.id).where(Person.tenancy_id == tenancy_id)).first()


def visit(
    workspace: Workspace, tenancy_id: uuid.UUID, *, supersedes_id: uuid.UUID | None = None
) -> uuid.UUID:
    """A home visit where the tenant promised £50 within a week, with a follow-up."""
    today = SYSTEM_CLOCK.today()
    details = ContactDetails(
        on=today,
        how="home_visit",
        outcome="promise_to_pay",
        note="Spoke at the door — Zoë's rent explained; «ça va»",
        spoke_to_person_id=household_member(workspace, tenancy_id),
        promise=PromiseTerms(amount_pence=5_000, due_on=today + timedelta(days=7)),
        follow_up=FollowUpTerms(due_on=today + timedelta(days=8), task="Check the payment"),
    )
    return record_contact(
        workspace, tenancy_id=tenancy_id, details=details, supersedes_id=supersedes_id
    ).record_id


def counts(server: RunningCentral, model: type[Any]) -> int:
    with Session(server.engine) as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_every_kind_recorded_offline_reaches_the_server_and_the_other_laptop(
    central_service: RunningCentral, tmp_path: Path
) -> None:
    server = central_service
    seeded = seed_council(server.engine, officers=["alice", "bob"], cases_per_officer=2)
    case = seeded["alice"][0].tenancy_id
    today = SYSTEM_CLOCK.today()
    a = laptop(tmp_path, "a", server)
    b = laptop(tmp_path, "b", server)

    first = visit(a, case)
    corrected = visit(a, case, supersedes_id=first)  # its promise and follow-up corrected too
    promise = one_id(a, PaymentPromise, contact_id=corrected)
    follow_up = one_id(a, FollowUp, contact_id=corrected)
    withdraw_promise(a, promise_id=promise)
    close_follow_up(a, follow_up_id=follow_up, status="done")
    add_follow_up(a, tenancy_id=case, due_on=today, task="Ring the DHP team")
    referral = record_referral(
        a, tenancy_id=case, to="dhp", on=today, reason="Bedroom tax shortfall"
    ).record_id
    record_referral_outcome(a, referral_id=referral, outcome="awarded", on=today, note="£20/wk")
    for local, _ in KINDS:
        assert sync_states(a, local) == {(True, False, None)}

    summary = run_sync(a)
    assert (summary.rejected, summary.check_ok) == (0, True)
    assert summary.pushed == 2 * 3 + 1 + 1 + 1 + 2  # two visits, withdrawal, close, ...
    device_id = sync_state_of(a)
    for local, remote in KINDS:
        assert sync_states(a, local) == {(False, True, None)}
        assert on_server(server, remote, local) == held(a, local)
        with Session(server.engine) as session:
            rows = session.scalars(select(remote)).all()
            assert {(r.recorded_by, r.device_id) for r in rows} == {("Alice", device_id)}
    with Session(server.engine) as session:
        kept = session.get(central.Contact, first)
        assert kept is not None  # the corrected version stays
        correction = session.get(central.Contact, corrected)
        assert correction is not None
        assert correction.supersedes_id == first

    pulled = run_sync(b)
    assert pulled.check_ok is True
    assert pulled.visit_records == 2 + 3 + 4 + 2  # every version
    for local, _ in KINDS:
        assert held(b, local) == held(a, local)
        assert sync_states(b, local) == {(False, True, None)}
    again = run_sync(a)  # nothing more to send; the rows pulled back change nothing
    assert (again.pushed, again.check_ok) == (0, True)
    with SyncClient(server.url, token=a.store.secrets.device_token(), app_version="t") as client:
        check = client.check()
    assert (check.contacts, check.promises, check.follow_ups, check.referrals) == (2, 3, 4, 2)


def sync_state_of(workspace: Workspace) -> uuid.UUID:
    with workspace.store.session() as session:
        return sync_state(session).device_id


def test_the_same_mutation_sent_again_changes_nothing(
    central_service: RunningCentral, tmp_path: Path
) -> None:
    server = central_service
    seeded = seed_council(server.engine, officers=["alice"], cases_per_officer=1)
    a = laptop(tmp_path, "a", server)
    visit(a, seeded["alice"][0].tenancy_id)
    with a.store.session() as session:
        queued = [
            MutationIn.model_validate(
                {
                    "mutation_id": row.id,
                    "device_seq": row.device_seq,
                    "intent": row.intent,
                    "args": row.args,
                    "entity_ids": row.entity_ids,
                    "device_time": row.device_time,
                }
            )
            for row in session.scalars(select(OutboxMutation).order_by(OutboxMutation.device_seq))
        ]
    assert [m.intent for m in queued] == [
        "contact.record@1",
        "payment_promise.record@1",
        "follow_up.record@1",
    ]
    assert run_sync(a).pushed == 3
    before = {remote: on_server(server, remote, local) for local, remote in KINDS}
    with SyncClient(server.url, token=a.store.secrets.device_token(), app_version="t") as client:
        cursor = client.check().cursor
        replies = client.push(PushRequest(mutations=queued))
        assert client.check().cursor == cursor  # nothing numbered
    assert [r.status for r in replies.results] == ["applied"] * 3
    assert {remote: on_server(server, remote, local) for local, remote in KINDS} == before
    assert run_sync(a).check_ok is True


def test_one_version_corrected_on_two_laptops_keeps_both_corrections(
    central_service: RunningCentral, tmp_path: Path
) -> None:
    server = central_service
    seeded = seed_council(server.engine, officers=["alice"], cases_per_officer=1)
    case = seeded["alice"][0].tenancy_id
    a = laptop(tmp_path, "a", server)
    b = laptop(tmp_path, "b", server)
    first = visit(a, case)
    run_sync(a)
    run_sync(b)
    on_a = visit(a, case, supersedes_id=first)
    on_b = visit(b, case, supersedes_id=first)  # b had not heard of a's correction
    assert run_sync(a).rejected == 0
    summary = run_sync(b)
    assert (summary.pushed, summary.rejected, summary.check_ok) == (3, 0, True)
    with Session(server.engine) as session:
        answers = {
            row.intent: row.reason
            for row in session.scalars(
                select(central.AppliedMutation).where(central.AppliedMutation.status == "conflict")
            )
        }
    # The contact, and the promise and follow-up corrected with it on both laptops.
    assert set(answers) == {"contact.record@1", "payment_promise.record@1", "follow_up.record@1"}
    assert f"the contact {first} had already been replaced by {on_a}" in str(answers)
    assert run_sync(a).check_ok is True
    for workspace in (a, b):
        with workspace.store.session() as session:
            versions = dict(session.execute(select(Contact.id, Contact.supersedes_id)).all())
        assert versions == {first: None, on_a: first, on_b: first}
        for local, _ in KINDS[:3]:
            assert sync_states(workspace, local) == {(False, True, None)}


def test_a_bad_supersedes_is_refused_and_the_record_keeps_its_problem(
    central_service: RunningCentral, tmp_path: Path
) -> None:
    server = central_service
    seeded = seed_council(server.engine, officers=["alice"], cases_per_officer=1)
    case = seeded["alice"][0].tenancy_id
    today = SYSTEM_CLOCK.today()
    a = laptop(tmp_path, "a", server)
    follow_up = add_follow_up(a, tenancy_id=case, due_on=today, task="Ring back").record_id
    assert run_sync(a).pushed == 1
    referral = record_referral(a, tenancy_id=case, to="citizens_advice", on=today, reason="Debts")
    # A faulty laptop names the follow-up as the version the referral corrects.
    with a.store.session() as session, session.begin():
        [queued] = session.scalars(select(OutboxMutation)).all()
        queued.args = {**queued.args, "supersedes_id": str(follow_up)}
    summary = run_sync(a)
    assert (summary.pushed, summary.rejected, summary.check_ok) == (1, 1, True)
    problem = f"supersedes_id: {follow_up} is not a referral of this case"
    assert sync_states(a, Referral) == {(False, False, problem + "; the referral was not recorded")}
    assert counts(server, central.Referral) == 0

    # A contact waits, unsent; a re-bootstrap keeps it and the refused referral.
    waiting = visit(a, case)
    with a.store.session() as session, session.begin():
        wipe_caseload(session, epoch=sync_state(session).epoch)
    assert held(a, Referral).keys() == {referral.record_id}
    assert sync_states(a, Contact) == {(True, False, None)}
    summary = run_sync(a)
    assert (summary.pushed, summary.rejected, summary.check_ok) == (3, 0, True)
    assert summary.bootstrapped
    assert sync_states(a, Referral) == {(False, False, problem + "; the referral was not recorded")}
    with Session(server.engine) as session:
        assert session.get(central.Contact, waiting) is not None


def test_a_reassigned_case_brings_its_visit_records_to_the_new_officer(
    central_service: RunningCentral, tmp_path: Path
) -> None:
    server = central_service
    seeded = seed_council(server.engine, officers=["alice", "bob"], cases_per_officer=1)
    case = seeded["alice"][0].tenancy_id
    today = SYSTEM_CLOCK.today()
    alices = laptop(tmp_path, "alice", server)
    bobs = laptop(tmp_path, "bob", server, user="bob")
    first = visit(alices, case)
    record_referral(alices, tenancy_id=case, to="debt_advice", on=today, reason="Loans")
    assert run_sync(alices).pushed == 4
    late = visit(alices, case, supersedes_id=first)  # at the door as the case is moved

    with Session(server.engine) as session, session.begin():
        move_case(session, tenancy_id=case, to_officer_id=officer_id(server.engine, "bob"))
    arrived = run_sync(bobs)
    assert arrived.check_ok is True
    assert set(held(bobs, Contact)) == {first}
    assert (len(held(bobs, PaymentPromise)), len(held(bobs, Referral))) == (1, 1)

    # alice's push: the late contact is taken (recorded while she held the case), the promise
    # and follow-up made with it are the new officer's to make and are refused; her laptop
    # then holds nothing of the case.
    left = run_sync(alices)
    assert (left.pushed, left.rejected, left.check_ok) == (3, 2, True)
    for local, _ in KINDS:
        assert held(alices, local) == {}
    assert run_sync(bobs).check_ok is True
    assert set(held(bobs, Contact)) == {first, late}
    with Session(server.engine) as session:
        moved = session.get(central.Contact, late)
        assert moved is not None
        assert (moved.officer_id, moved.recorded_by) == (
            officer_id(server.engine, "alice"),
            "Alice",
        )


def test_an_app_speaking_protocol_4_gets_426_and_keeps_its_outbox(
    central_service: RunningCentral, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = central_service
    seeded = seed_council(server.engine, officers=["alice"], cases_per_officer=1)
    a = laptop(tmp_path, "a", server)
    visit(a, seeded["alice"][0].tenancy_id)
    token = a.store.secrets.device_token()
    reply = httpx.get(
        f"{server.url}/sync/pull",
        headers={
            HEADER_PROTOCOL: "4",
            HEADER_APP: "doorstep/0.4",
            "Authorization": f"Bearer {token}",
        },
    )
    assert reply.status_code == 426
    assert reply.json()["code"] == "protocol_unsupported"
    assert "speaks sync protocol 4" in reply.json()["message"]

    monkeypatch.setattr(client_module, "PROTOCOL_VERSION", 4)
    with pytest.raises(ProtocolMismatch):
        run_sync(a)
    with a.store.session() as session:
        assert session.execute(select(func.count()).select_from(OutboxMutation)).scalar() == 3
    assert counts(server, central.Contact) == 0
    monkeypatch.undo()
    assert run_sync(a).pushed == 3
