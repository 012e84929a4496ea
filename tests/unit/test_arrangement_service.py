"""Agreeing, renegotiating and cancelling arrangements on the device (issue 5, Arrangements).

W4's case: £600 owed at the end of Sun 1 Mar 2026, RENT £100 every Monday, rent + £10 a week
from Mon 2 Mar; credits 2 Mar £110, 9 Mar £110, 16 Mar £60, 23 Mar £110.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.arrangement_plan import propose
from app.domain.arrangement_watch import ArrangementTerms
from app.models import Arrangement, AuditEvent, LedgerEntry, OutboxMutation, Tenancy
from app.paths import data_dir, resource_path
from app.protocol.intents import AGREE_ARRANGEMENT, CANCEL_ARRANGEMENT
from app.protocol.messages import INTENT_ARGS
from app.services.arrangements import (
    ArrangementRefused,
    agree_arrangement,
    arrangement_history,
    cancel_arrangement,
)
from app.services.caseload import load_cases
from app.services.worklist import build_worklist, load_recovery_policy
from app.services.workspace import Workspace
from app.store.database import LocalStore, open_local_store
from tests.workspaces import workspace_on

MON_2_MAR = date(2026, 3, 2)
SAT_21_MAR = date(2026, 3, 21)
FRI_20_MAR = date(2026, 3, 20)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    opened = open_local_store(data_dir(tmp_path / "data"))
    yield opened
    opened.close()


@pytest.fixture
def policy():  # type: ignore[no-untyped-def]
    return load_recovery_policy(path=resource_path("recovery-policy.toml"))


@pytest.fixture
def f3(policy):  # type: ignore[no-untyped-def]
    """The policy with the breach rule's settings these cases are worked with: 5 days' grace,
    nothing short tolerated."""
    return replace(policy, grace_days=5, tolerance_pence=0)


def w4_case(store: LocalStore) -> uuid.UUID:
    tenancy_id = uuid.uuid4()
    lines = [(date(2026, 1, 19) + timedelta(weeks=n), "RENT", 10_000) for n in range(6)]
    lines += [(MON_2_MAR + timedelta(weeks=n), "RENT", 10_000) for n in range(5)]
    lines += [
        (MON_2_MAR, "PAYMENT", -11_000),
        (date(2026, 3, 9), "PAYMENT", -11_000),
        (date(2026, 3, 16), "PAYMENT", -6_000),
        (date(2026, 3, 23), "PAYMENT", -11_000),
    ]
    with store.session() as session, session.begin():
        session.add(
            Tenancy(
                id=tenancy_id,
                ref="T-W4",
                address="4 Example Row\nTesttown",
                postcode="TE1 4ST",
                tenure="secure",
                start_date=date(2020, 4, 6),
                weekly_rent_pence=10_000,
            )
        )
        session.flush()
        for n, (posted_on, kind, amount) in enumerate(lines):
            session.add(
                LedgerEntry(
                    tenancy_id=tenancy_id,
                    ref=f"L-W4-{n}",
                    posted_on=posted_on,
                    type=kind,
                    amount_pence=amount,
                    server_seq=n + 1,
                )
            )
    return tenancy_id


def _w4_proposal(**overrides: object):  # type: ignore[no-untyped-def]
    args: dict[str, object] = {
        "arrears_pence": 60_000,
        "affordable_monthly_pence": 4_334,
        "weekly_rent_pence": 10_000,
        "frequency": "weekly",
        "first_date": MON_2_MAR,
        "uc_pay_day": None,
        "max_weeks": 104,
    }
    args.update(overrides)
    return propose(**args)  # type: ignore[arg-type]


def _worklist_item(store: LocalStore, policy, tenancy_id: uuid.UUID, as_of: date):  # type: ignore[no-untyped-def]
    cases = load_cases(Workspace(store), as_of=as_of, tenancy_ids=[tenancy_id])
    assert len(cases[tenancy_id].facts.arrangements) <= 1
    (item,) = build_worklist(cases.values(), policy=policy, as_of=as_of)
    return item.advice


def test_agree_writes_a_pending_device_version_with_its_mutation_and_audit(store, policy):
    tenancy_id = w4_case(store)
    agreed = agree_arrangement(
        workspace_on(store, MON_2_MAR),
        tenancy_id=tenancy_id,
        terms=_w4_proposal(),
        kind="informal",
    )
    assert agreed.supersedes_id is None
    with store.session() as session:
        row = session.get(Arrangement, agreed.arrangement_id)
        assert row is not None
        assert (row.source, row.pending, row.status, row.made_on) == (
            "device",
            True,
            "live",
            MON_2_MAR,
        )
        assert row.ref == str(row.id)
        (mutation,) = session.scalars(select(OutboxMutation))
        assert mutation.intent == AGREE_ARRANGEMENT
        args = INTENT_ARGS[AGREE_ARRANGEMENT].model_validate(mutation.args)
        assert args.instalment_pence == 1_000  # type: ignore[attr-defined]
        events = session.scalars(select(AuditEvent.event)).all()
        assert "arrangement.agreed" in events


def test_kept_then_breached_and_the_worklist_asks_for_a_broken_arrangement_contact(
    store, policy, f3
):
    tenancy_id = w4_case(store)
    agree_arrangement(
        workspace_on(store, MON_2_MAR),
        tenancy_id=tenancy_id,
        terms=_w4_proposal(),
        kind="informal",
    )
    workspace = Workspace(store)
    (kept,) = arrangement_history(workspace, tenancy_id=tenancy_id, as_of=FRI_20_MAR, policy=f3)
    assert kept.state is not None
    assert kept.state.kept
    assert (kept.state.required_pence, kept.state.credits_pence) == (22_000, 28_000)
    (breached,) = arrangement_history(workspace, tenancy_id=tenancy_id, as_of=SAT_21_MAR, policy=f3)
    assert breached.state is not None
    assert breached.state.breached_by_pence == 5_000
    assert breached.state.breached_since == SAT_21_MAR
    assert breached.end_date == date(2027, 4, 19)
    assert breached.instalment_count == 60
    advice = _worklist_item(store, policy, tenancy_id, date(2026, 3, 28))
    assert advice.arrangement_kept is False
    assert advice.next_action == "broken_arrangement_contact"


def test_renegotiating_supersedes_nothing_is_overwritten_and_the_worklist_sees_the_new_terms(
    store, policy, f3
):
    tenancy_id = w4_case(store)
    first = agree_arrangement(
        workspace_on(store, MON_2_MAR),
        tenancy_id=tenancy_id,
        terms=_w4_proposal(),
        kind="informal",
    )
    sat_28 = date(2026, 3, 28)
    renegotiated = ArrangementTerms(
        ref="x",
        kind="informal",
        start_date=date(2026, 3, 30),
        frequency="weekly",
        instalment_pence=500,
        starting_balance_pence=57_000,
    )
    second = agree_arrangement(
        workspace_on(store, sat_28), tenancy_id=tenancy_id, terms=renegotiated, kind="informal"
    )
    assert second.supersedes_id == first.arrangement_id
    with store.session() as session:
        old = session.get(Arrangement, first.arrangement_id)
        assert old is not None
        assert (old.status, old.instalment_pence, old.starting_balance_pence) == (
            "live",
            1_000,
            60_000,
        )
        assert session.scalar(select(func.count()).select_from(Arrangement)) == 2
    history = arrangement_history(Workspace(store), tenancy_id=tenancy_id, as_of=sat_28, policy=f3)
    assert [v.id for v in history] == [second.arrangement_id, first.arrangement_id]
    assert history[0].current
    assert not history[1].current
    assert history[1].superseded_on == sat_28
    assert history[1].state is not None
    # How it stood when it ended, the day before the new terms: kept (required £330 by 22 Mar,
    # credits £390 with 23 Mar's).
    assert history[1].state.as_of == date(2026, 3, 27)
    assert history[1].state.kept
    advice = _worklist_item(store, policy, tenancy_id, sat_28)
    assert advice.has_live_arrangement
    assert advice.arrangement_kept is True
    assert advice.next_action != "broken_arrangement_contact"


def test_cancel_makes_a_cancelled_version_and_the_worklist_sees_no_arrangement(store, policy, f3):
    tenancy_id = w4_case(store)
    first = agree_arrangement(
        workspace_on(store, MON_2_MAR),
        tenancy_id=tenancy_id,
        terms=_w4_proposal(),
        kind="informal",
    )
    cancelled = cancel_arrangement(
        workspace_on(store, date(2026, 3, 10)), arrangement_id=first.arrangement_id
    )
    with store.session() as session:
        intents = session.scalars(
            select(OutboxMutation.intent).order_by(OutboxMutation.device_seq)
        ).all()
        assert intents == [AGREE_ARRANGEMENT, CANCEL_ARRANGEMENT]
        row = session.get(Arrangement, cancelled.arrangement_id)
        assert row is not None
        assert (row.status, row.supersedes_id, row.pending) == (
            "cancelled",
            first.arrangement_id,
            True,
        )
    history = arrangement_history(
        Workspace(store), tenancy_id=tenancy_id, as_of=SAT_21_MAR, policy=f3
    )
    assert [v.status for v in history] == ["cancelled"]  # its terms once, not twice
    assert history[0].state is None
    advice = _worklist_item(store, policy, tenancy_id, SAT_21_MAR)
    assert not advice.has_live_arrangement
    on_21_mar = workspace_on(store, SAT_21_MAR)
    with pytest.raises(ArrangementRefused, match=r"^arrangement: "):
        cancel_arrangement(on_21_mar, arrangement_id=first.arrangement_id)
    with pytest.raises(ArrangementRefused, match=r"^arrangement: .*already cancelled"):
        cancel_arrangement(on_21_mar, arrangement_id=cancelled.arrangement_id)


def test_a_cancelled_arrangement_is_listed_once_and_the_live_one_first(store, f3):
    """Reported: a cancelled arrangement was listed twice (the version it ended and the
    cancellation, with the same terms), and a live one agreed the same day sorted below it."""
    tenancy_id = w4_case(store)
    first = agree_arrangement(
        workspace_on(store, MON_2_MAR),
        tenancy_id=tenancy_id,
        terms=_w4_proposal(),
        kind="informal",
    )
    cancel_arrangement(workspace_on(store, date(2026, 3, 10)), arrangement_id=first.arrangement_id)
    second = agree_arrangement(
        workspace_on(store, date(2026, 3, 10)),
        tenancy_id=tenancy_id,
        terms=_w4_proposal(first_date=date(2026, 3, 16)),
        kind="informal",
    )
    history = arrangement_history(
        Workspace(store), tenancy_id=tenancy_id, as_of=SAT_21_MAR, policy=f3
    )
    assert [(v.status, v.is_live) for v in history] == [("live", True), ("cancelled", False)]
    assert history[0].id == second.arrangement_id


def test_bad_terms_are_refused_naming_the_field_and_nothing_is_saved(store):
    tenancy_id = w4_case(store)
    with pytest.raises(ArrangementRefused, match=r"^first_date: "):
        agree_arrangement(
            workspace_on(store, SAT_21_MAR),
            tenancy_id=tenancy_id,
            terms=_w4_proposal(),
            kind="informal",
        )
    on_2_mar = workspace_on(store, MON_2_MAR)
    with pytest.raises(ArrangementRefused, match=r"^kind: "):
        agree_arrangement(on_2_mar, tenancy_id=tenancy_id, terms=_w4_proposal(), kind="verbal")
    with pytest.raises(ArrangementRefused, match=r"^case: "):
        agree_arrangement(on_2_mar, tenancy_id=uuid.uuid4(), terms=_w4_proposal(), kind="informal")
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(Arrangement)) == 0
        assert session.scalar(select(func.count()).select_from(OutboxMutation)) == 0


@pytest.mark.parametrize(
    ("days_ahead", "refused"),
    [(31, False), (32, True), (365 * 73, True)],  # the last: 1 Dec 2099, as reported
)
def test_a_first_payment_more_than_the_policys_days_ahead_is_refused(
    store: LocalStore, days_ahead: int, refused: bool
) -> None:
    """Issue 13: a first date of 1 Dec 2099 was accepted ("kept, next due 2099"), put the
    possession step on hold and dropped the case from the day's work."""
    tenancy_id = w4_case(store)
    first = MON_2_MAR + timedelta(days=days_ahead)
    terms = _w4_proposal(first_date=first)
    workspace = workspace_on(store, MON_2_MAR)
    if not refused:
        agree_arrangement(workspace, tenancy_id=tenancy_id, terms=terms, kind="informal")
        return
    with pytest.raises(ArrangementRefused) as caught:
        agree_arrangement(workspace, tenancy_id=tenancy_id, terms=terms, kind="informal")
    assert str(caught.value).startswith("first_date: ")
    assert "must be due by 2 Apr 2026 (the recovery policy's first_payment_within_days)" in str(
        caught.value
    )
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(Arrangement)) == 0
