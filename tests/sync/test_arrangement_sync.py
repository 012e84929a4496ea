"""Arrangements agreed offline reach the central store and the officer's other device, over a
REAL central service (``python -m central serve``), seeded with ``tests.sync.central_seed``.

What is checked: an arrangement agreed with no connection is on the server after the next sync
(a ``device`` version of the right officer, numbered) and reaches the officer's other laptop;
renegotiating makes a new version there too (nothing overwritten) and both laptops monitor only
the latest terms; its kept/breached state changes when a sync brings new ledger lines; a
renegotiation of a version already replaced on another laptop is refused, kept visible with
the reason, and never monitored.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.arrangement_plan import propose
from app.domain.clock import SYSTEM_CLOCK
from app.models import Arrangement, OutboxMutation
from app.paths import data_dir, resource_path
from app.protocol.messages import ArrangementRow, PullPage, TenancyRow
from app.services.arrangements import agree_arrangement, arrangement_history
from app.services.caseload import load_cases
from app.services.enrolment import sign_in
from app.services.sync import run_sync
from app.services.worklist import load_recovery_policy
from app.services.workspace import Workspace
from app.store.database import open_local_store
from app.sync.pull import apply_page, wipe_caseload
from central.models import Arrangement as CentralArrangement
from tests.sync.central_seed import add_ledger_line, officer_id, seed_council
from tests.sync.server import RunningCentral, running_central
from tests.workspaces import workspace_on

PASSWORD = "correct horse"


@pytest.fixture
def central(tmp_path: Path) -> Iterator[RunningCentral]:
    with running_central(f"sqlite:///{tmp_path / 'central.sqlite'}", tmp_path) as server:
        yield server


def _open(tmp_path: Path, name: str) -> Workspace:
    return Workspace(open_local_store(data_dir(tmp_path / name)))


def _agree(laptop: Workspace, tenancy_id: uuid.UUID, instalment: int, today):  # type: ignore[no-untyped-def]
    proposal = propose(
        arrears_pence=60_000,
        affordable_monthly_pence=10_000,
        weekly_rent_pence=10_000,
        frequency="weekly",
        first_date=today,
        uc_pay_day=None,
        max_weeks=104,
        instalment_pence=instalment,
    )
    return agree_arrangement(
        workspace_on(laptop.store, today), tenancy_id=tenancy_id, terms=proposal, kind="informal"
    )


def _history(laptop: Workspace, tenancy_id: uuid.UUID, as_of):  # type: ignore[no-untyped-def]
    # The breach rule's settings these cases are worked with: 5 days' grace, nothing short
    # tolerated.
    f3 = replace(load_recovery_policy(laptop.data_dir), grace_days=5, tolerance_pence=0)
    return arrangement_history(laptop, tenancy_id=tenancy_id, as_of=as_of, policy=f3)


def _monitored(laptop: Workspace, tenancy_id: uuid.UUID, today):  # type: ignore[no-untyped-def]
    case = load_cases(laptop, as_of=today, tenancy_ids=[tenancy_id])[tenancy_id]
    return [(t.instalment_pence, t.status) for t in case.facts.arrangements]


def test_an_arrangement_agreed_offline_round_trips_and_its_state_follows_new_ledger_lines(
    central: RunningCentral, tmp_path: Path
) -> None:
    today = SYSTEM_CLOCK.today()
    seeded = seed_council(central.engine, officers=["alice", "bob"], cases_per_officer=2)
    alice = officer_id(central.engine, "alice")
    case = seeded["alice"][0]
    laptop = _open(tmp_path, "laptop")
    sign_in(laptop, server_url=central.url, username="alice", password=PASSWORD)
    run_sync(laptop)

    first = _agree(laptop, case.tenancy_id, 1_000, today)
    summary = run_sync(laptop)
    assert (summary.pushed, summary.rejected, summary.check_ok) == (1, 0, True)
    with Session(central.engine) as session:
        row = session.get(CentralArrangement, first.arrangement_id)
        assert row is not None
        assert (row.source, row.officer_id, row.made_on, row.status) == (
            "device",
            alice,
            today,
            "live",
        )
        assert row.seq > 0
        server_seq = row.seq
    with laptop.store.session() as session:
        local = session.get(Arrangement, first.arrangement_id)
        assert local is not None
        assert (local.pending, local.server_seq, local.sync_problem) == (False, server_seq, None)
        assert session.scalars(select(OutboxMutation)).all() == []

    # Five days on, the first £10 instalment is past its grace and nothing has been paid.
    as_of = today + timedelta(days=5)
    (version,) = _history(laptop, case.tenancy_id, as_of)
    assert version.state is not None
    assert version.state.breached_by_pence == 1_000
    # The tenant pays on the day: the housing system's line arrives with the next sync.
    with Session(central.engine) as session, session.begin():
        add_ledger_line(
            session,
            tenancy_id=case.tenancy_id,
            amount_pence=-1_000,
            posted_on=today,
            type="PAYMENT",
        )
    assert case.tenancy_id in run_sync(laptop).changed_tenancy_ids
    (version,) = _history(laptop, case.tenancy_id, as_of)
    assert version.state is not None
    assert version.state.kept
    assert (version.state.required_pence, version.state.credits_pence) == (1_000, 1_000)

    # Renegotiated: a new version; the old one is still there, unchanged, on both sides.
    second = _agree(laptop, case.tenancy_id, 2_000, today)
    assert second.supersedes_id == first.arrangement_id
    assert run_sync(laptop).pushed == 1
    with Session(central.engine) as session:
        versions = session.scalars(
            select(CentralArrangement).where(CentralArrangement.tenancy_id == case.tenancy_id)
        ).all()
        by_id = {row.id: row for row in versions}
        assert set(by_id) == {first.arrangement_id, second.arrangement_id}
        assert by_id[first.arrangement_id].instalment_pence == 1_000
        assert by_id[second.arrangement_id].supersedes_id == first.arrangement_id

    # alice's other laptop pulls both versions and monitors only the latest terms.
    other = _open(tmp_path, "other")
    sign_in(other, server_url=central.url, username="alice", password=PASSWORD)
    assert run_sync(other).check_ok is True
    history = _history(other, case.tenancy_id, as_of)
    assert [(v.id, v.current, v.source, v.pending) for v in history] == [
        (second.arrangement_id, True, "device", False),
        (first.arrangement_id, False, "device", False),
    ]
    assert _monitored(other, case.tenancy_id, today) == [(2_000, "live")]
    assert _monitored(laptop, case.tenancy_id, today) == [(2_000, "live")]

    # The other laptop, not yet synced again, renegotiates the version it holds as current;
    # meanwhile the first laptop renegotiates too and syncs first: the late one is refused.
    third = _agree(laptop, case.tenancy_id, 3_000, today)
    late = _agree(other, case.tenancy_id, 2_500, today)
    assert third.supersedes_id == late.supersedes_id == second.arrangement_id
    assert run_sync(laptop).rejected == 0
    refused_sync = run_sync(other)
    assert refused_sync.rejected == 1
    assert refused_sync.check_ok is True  # the refused version is not counted as the server's
    assert not refused_sync.bootstrapped
    with other.store.session() as session:
        refused = session.get(Arrangement, late.arrangement_id)
        assert refused is not None
        assert refused.pending is False
        assert refused.sync_problem is not None
        assert "already replaced" in refused.sync_problem
    assert _monitored(other, case.tenancy_id, today) == [(3_000, "live")]
    laptop.store.engine.dispose()
    other.store.engine.dispose()


def test_a_pull_never_changes_or_deletes_a_pending_version(tmp_path: Path) -> None:
    """The server's row with the same id only notes its change number; the case leaving scope
    and a re-bootstrap's wipe leave the pending version; a refused one survives the wipe."""
    today = SYSTEM_CLOCK.today()
    device = _open(tmp_path, "device")
    store = device.store
    tenancy_id = uuid.uuid4()
    page = PullPage(
        epoch="e1",
        cursor=0,
        next_cursor=5,
        has_more=False,
        tenancies=[
            TenancyRow.model_validate(
                {
                    "id": str(tenancy_id),
                    "seq": 1,
                    "ref": "T-1",
                    "address": "1 Imaginary Row",
                    "postcode": "ZZ9 9ZZ",
                    "tenure": "secure",
                    "start_date": "2015-04-01",
                    "end_date": None,
                    "weekly_rent_pence": 10_000,
                    "weekly_service_charge_pence": 0,
                    "rent_weeks": 52,
                    "officer_id": None,
                    "patch": None,
                }
            )
        ],
    )
    with store.session() as session, session.begin():
        apply_page(session, page)
    agreed = _agree(device, tenancy_id, 1_000, today)
    server_copy = ArrangementRow(
        id=agreed.arrangement_id,
        seq=9,
        tenancy_id=tenancy_id,
        ref=str(agreed.arrangement_id),
        kind="court_order",
        start_date=today,
        frequency="monthly",
        instalment_pence=99,
        starting_balance_pence=99,
        status="cancelled",
        source="device",
        made_on=today,
    )
    with store.session() as session, session.begin():
        apply_page(
            session,
            page.model_copy(update={"tenancies": [], "arrangements": [server_copy]}),
        )
    with store.session() as session:
        held = session.get(Arrangement, agreed.arrangement_id)
        assert held is not None
        assert (held.pending, held.instalment_pence, held.status, held.server_seq) == (
            True,
            1_000,
            "live",
            9,
        )
    with store.session() as session, session.begin():
        apply_page(
            session,
            page.model_copy(update={"tenancies": [], "removed_tenancy_ids": [tenancy_id]}),
        )
        wipe_caseload(session)
    with store.session() as session:
        held = session.get(Arrangement, agreed.arrangement_id)
        assert held is not None
        assert held.pending
        held.pending = False
        held.sync_problem = "refused"
        session.commit()
    with store.session() as session, session.begin():
        wipe_caseload(session)
    with store.session() as session:
        assert session.get(Arrangement, agreed.arrangement_id) is not None
    store.engine.dispose()


def test_a_plan_kept_to_a_pay_day_of_the_31st_keeps_it_on_both_laptops(
    central: RunningCentral, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = SYSTEM_CLOCK.today()
    # The next February can be three months off: a council's policy that allows it (the default
    # asks for the first payment within 31 days).
    policy = tmp_path / "recovery-policy.toml"
    policy.write_text(
        resource_path("recovery-policy.toml")
        .read_text(encoding="utf-8")
        .replace("first_payment_within_days = 31", "first_payment_within_days = 92"),
        encoding="utf-8",
    )
    monkeypatch.setenv("DOORSTEP_POLICY", str(policy))
    seeded = seed_council(central.engine, officers=["alice"], cases_per_officer=1)
    case = seeded["alice"][0]
    laptop = _open(tmp_path, "laptop")
    spare = _open(tmp_path, "spare")
    for device in (laptop, spare):
        sign_in(device, server_url=central.url, username="alice", password=PASSWORD)
        run_sync(device)
    # The next February after today: the plan starts on its last day, the pay day being the 31st.
    february = date(today.year + 1, 2, 1)
    proposal = propose(
        arrears_pence=60_000,
        affordable_monthly_pence=10_000,
        weekly_rent_pence=10_000,
        frequency="monthly",
        first_date=february,
        uc_pay_day=date(today.year, 1, 31),
        max_weeks=104,
    )
    assert proposal.day_of_month == 31
    agreed = agree_arrangement(
        workspace_on(laptop.store, today),
        tenancy_id=case.tenancy_id,
        terms=proposal,
        kind="informal",
    )
    assert run_sync(laptop).pushed == 1
    with Session(central.engine) as session:
        row = session.get(CentralArrangement, agreed.arrangement_id)
        assert row is not None
        assert row.day_of_month == 31
    run_sync(spare)
    march_31 = date(february.year, 3, 31)
    for device in (laptop, spare):
        [terms] = [
            t for t in _terms(device, case.tenancy_id, today) if t.start_date == proposal.first_date
        ]
        assert terms.day_of_month == 31
        (version,) = _history(device, case.tenancy_id, march_31)
        assert version.state is not None
        assert version.state.next_due_on == march_31  # not 28 Mar


def _terms(laptop: Workspace, tenancy_id: uuid.UUID, today):  # type: ignore[no-untyped-def]
    case = load_cases(laptop, as_of=today, tenancy_ids=[tenancy_id])[tenancy_id]
    return list(case.facts.arrangements)
