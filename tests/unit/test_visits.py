"""Visit records over a real encrypted store: contacts, promises, follow-ups and referrals.

Each record is made offline with its outbox mutation (whose arguments the central store's
model takes), is append-only (a correction supersedes), and bad input names the field and saves
nothing. The promise rule (docs/rules.md F3a) is tested at its grace boundary, a day either side.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.visits import Payment, judge_promise, payments_from_ledger
from app.models import (
    AuditEvent,
    CaseAction,
    Contact,
    FollowUp,
    OutboxMutation,
    PaymentPromise,
    Person,
    Referral,
)
from app.paths import data_dir
from app.protocol.messages import INTENT_ARGS
from app.services.actions import record_action
from app.services.visits import (
    ContactDetails,
    FollowUpTerms,
    PromiseTerms,
    VisitRefused,
    add_follow_up,
    close_follow_up,
    record_contact,
    record_referral,
    record_referral_outcome,
    withdraw_promise,
)
from app.store.database import LocalStore, open_local_store
from tests.workspaces import add_case, weekly_rent, workspace_on

TODAY = date(2026, 3, 2)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    opened = open_local_store(data_dir(tmp_path / "data"))
    yield opened
    opened.close()


def _count(store: LocalStore, model: type) -> int:
    with store.session() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


# -- F3a: the promise rule ---------------------------------------------------------------------

MADE = date(2026, 3, 2)
DUE = date(2026, 3, 6)  # grace 2 days: payments count to 8 March


@pytest.mark.parametrize(
    ("paid_on", "today", "state"),
    [
        (date(2026, 3, 8), date(2026, 3, 9), "kept"),  # the last day of grace still counts
        (date(2026, 3, 9), date(2026, 3, 9), "broken"),  # a day late: broken
        (None, date(2026, 3, 8), "pending"),  # nothing yet, the last day not over
        (None, date(2026, 3, 9), "broken"),  # the day after the last day
        (date(2026, 3, 1), date(2026, 3, 9), "broken"),  # the day before it was made
        (date(2026, 3, 2), date(2026, 3, 3), "kept"),  # paid the day it was made
    ],
)
def test_a_promise_is_judged_at_its_grace_boundary(
    paid_on: date | None, today: date, state: str
) -> None:
    payments = [Payment(paid_on, 5000)] if paid_on else []
    judged = judge_promise(
        made_on=MADE, due_on=DUE, amount_pence=5000, payments=payments, today=today, grace_days=2
    )
    assert judged.state == state
    assert judged.last_day == date(2026, 3, 8)


def test_only_the_tenants_payments_keep_a_promise_and_part_payments_add_up() -> None:
    lines = [
        (date(2026, 3, 3), "HB", -5000),  # a benefit credit never keeps a promise
        (date(2026, 3, 3), "PAYMENT", -2000),
        (date(2026, 3, 5), "PAYMENT", -2999),
    ]
    judged = judge_promise(
        made_on=MADE,
        due_on=DUE,
        amount_pence=5000,
        payments=payments_from_ledger(lines),
        today=date(2026, 3, 9),
        grace_days=2,
    )
    assert (judged.state, judged.paid_pence) == ("broken", 4999)
    lines.append((date(2026, 3, 7), "PAYMENT", -1))
    assert (
        judge_promise(
            made_on=MADE,
            due_on=DUE,
            amount_pence=5000,
            payments=payments_from_ledger(lines),
            today=date(2026, 3, 9),
            grace_days=2,
        ).state
        == "kept"
    )


# -- recording -----------------------------------------------------------------------------------


def _case(store: LocalStore) -> uuid.UUID:
    return add_case(store, "T-VISIT", lines=weekly_rent(date(2026, 1, 5), 8))


def _mutations(store: LocalStore) -> list[OutboxMutation]:
    with store.session() as session:
        return list(session.scalars(select(OutboxMutation).order_by(OutboxMutation.device_seq)))


def _wire_ok(store: LocalStore) -> None:
    """Every queued mutation's arguments are what the central store's model takes."""
    for mutation in _mutations(store):
        INTENT_ARGS[mutation.intent].model_validate(mutation.args)


def test_a_contact_with_a_promise_and_a_follow_up_is_saved_offline_with_its_mutations(
    store: LocalStore,
) -> None:
    tenancy_id = _case(store)
    workspace = workspace_on(store, TODAY)
    with store.session() as session:
        person_id = session.scalars(select(Person.id)).one()
    done = record_contact(
        workspace,
        tenancy_id=tenancy_id,
        details=ContactDetails(
            on=TODAY,
            how="home_visit",
            outcome="promise_to_pay",
            note="Spoke at the door; Ms Testcase will pay on Friday.",
            spoke_to_person_id=person_id,
            promise=PromiseTerms(amount_pence=5000, due_on=date(2026, 3, 6)),
            follow_up=FollowUpTerms(due_on=date(2026, 3, 9), task="Check the payment came in"),
        ),
    )
    assert done.kind == "contact"
    with store.session() as session:
        contact = session.get(Contact, done.record_id)
        assert contact is not None
        assert contact.pending
        assert contact.spoke_to_person_id == person_id
        promise = session.scalars(select(PaymentPromise)).one()
        assert (promise.contact_id, promise.amount_pence, promise.made_on) == (
            contact.id,
            5000,
            TODAY,
        )
        follow_up = session.scalars(select(FollowUp)).one()
        assert (follow_up.status, follow_up.task) == ("open", "Check the payment came in")
        events = list(session.scalars(select(AuditEvent)))
    assert [m.intent for m in _mutations(store)] == [
        "contact.record@1",
        "payment_promise.record@1",
        "follow_up.record@1",
    ]
    _wire_ok(store)
    # the audit trail holds ids and codes, never the note
    assert "Friday" not in json.dumps([e.detail for e in events], default=str)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"how": "pigeon"}, "how:"),
        ({"outcome": "maybe"}, "outcome:"),
        ({"on": TODAY + timedelta(days=1)}, "date:"),
        ({"on": date(2019, 1, 1)}, "date:"),
        ({"note": "x" * 4001}, "note:"),
        ({"note": "bad\x00note"}, "note:"),
        ({"outcome": "promise_to_pay"}, "promise:"),
        ({"promise": PromiseTerms(5000, TODAY)}, "promise:"),  # outcome is not a promise
        ({"outcome": "promise_to_pay", "promise": PromiseTerms(0, TODAY)}, "promise:"),
        (
            {"outcome": "promise_to_pay", "promise": PromiseTerms(100, TODAY - timedelta(days=1))},
            "promise date:",
        ),
        (
            {"outcome": "promise_to_pay", "promise": PromiseTerms(100, TODAY + timedelta(93))},
            "promise date:",
        ),
        ({"follow_up": FollowUpTerms(TODAY - timedelta(days=1))}, "follow-up date:"),
        ({"follow_up": FollowUpTerms(TODAY + timedelta(days=367))}, "follow-up date:"),
        ({"spoke_to_person_id": uuid.uuid4()}, "spoke to:"),
        ({"action_id": uuid.uuid4()}, "recovery action:"),
    ],
)
def test_a_bad_contact_names_the_field_and_saves_nothing(
    store: LocalStore, change: dict[str, object], field: str
) -> None:
    tenancy_id = _case(store)
    base: dict[str, object] = {"on": TODAY, "how": "phone", "outcome": "spoke_to_tenant"}
    details = ContactDetails(**{**base, **change})  # type: ignore[arg-type]
    with pytest.raises(VisitRefused) as refused:
        record_contact(workspace_on(store, TODAY), tenancy_id=tenancy_id, details=details)
    assert str(refused.value).startswith(field)
    for model in (Contact, PaymentPromise, FollowUp, OutboxMutation, AuditEvent):
        assert _count(store, model) == 0


def test_very_long_and_unusual_text_is_kept_as_written(store: LocalStore) -> None:
    tenancy_id = _case(store)
    note = ("Siân Ó Súilleabháin — Łukasz Nguyễn said «ok» 👍\n" * 70)[:4000].strip()
    done = record_contact(
        workspace_on(store, TODAY),
        tenancy_id=tenancy_id,
        details=ContactDetails(
            on=TODAY, how="text", outcome="spoke_to_tenant", note=note, spoke_to_name="Chloë"
        ),
    )
    with store.session() as session:
        contact = session.get(Contact, done.record_id)
        assert contact is not None
        assert (contact.note, contact.spoke_to_name) == (note, "Chloë")
    _wire_ok(store)


def test_a_contact_can_name_the_recovery_action_it_served(store: LocalStore) -> None:
    tenancy_id = _case(store)
    workspace = workspace_on(store, TODAY)
    action = record_action(workspace, tenancy_id=tenancy_id, code="letter_1", on=TODAY)
    done = record_contact(
        workspace,
        tenancy_id=tenancy_id,
        details=ContactDetails(
            on=TODAY, how="home_visit", outcome="card_left", action_id=action.action_id
        ),
    )
    with store.session() as session:
        contact = session.get(Contact, done.record_id)
        assert contact is not None
        assert contact.action_id == action.action_id
        assert session.get(CaseAction, action.action_id) is not None


def test_a_correction_supersedes_and_never_overwrites(store: LocalStore) -> None:
    tenancy_id = _case(store)
    workspace = workspace_on(store, TODAY)
    first = record_contact(
        workspace,
        tenancy_id=tenancy_id,
        details=ContactDetails(on=TODAY, how="phone", outcome="no_access"),
    )
    second = record_contact(
        workspace,
        tenancy_id=tenancy_id,
        details=ContactDetails(on=TODAY, how="phone", outcome="spoke_to_tenant", note="Typo"),
        supersedes_id=first.record_id,
    )
    with store.session() as session:
        old = session.get(Contact, first.record_id)
        new = session.get(Contact, second.record_id)
        assert old is not None
        assert old.outcome == "no_access"
        assert new is not None
        assert new.supersedes_id == first.record_id
    with pytest.raises(VisitRefused, match="changed since"):
        record_contact(
            workspace,
            tenancy_id=tenancy_id,
            details=ContactDetails(on=TODAY, how="phone", outcome="card_left"),
            supersedes_id=first.record_id,
        )
    _wire_ok(store)


def test_a_follow_up_is_closed_by_a_new_version_once(store: LocalStore) -> None:
    tenancy_id = _case(store)
    workspace = workspace_on(store, TODAY)
    opened = add_follow_up(
        workspace, tenancy_id=tenancy_id, due_on=TODAY, task="Check the DHP decision"
    )
    closed = close_follow_up(workspace, follow_up_id=opened.record_id)
    with store.session() as session:
        assert [f.status for f in session.scalars(select(FollowUp).order_by(FollowUp.status))] == [
            "done",
            "open",
        ]
        assert session.get(FollowUp, closed.record_id).supersedes_id == opened.record_id  # type: ignore[union-attr]
    with pytest.raises(VisitRefused, match="follow-up"):
        close_follow_up(workspace, follow_up_id=opened.record_id)
    with pytest.raises(VisitRefused, match="^follow-up date:"):
        add_follow_up(workspace, tenancy_id=tenancy_id, due_on=TODAY - timedelta(1), task="x")
    _wire_ok(store)


def test_a_referral_and_its_outcome(store: LocalStore) -> None:
    tenancy_id = _case(store)
    workspace = workspace_on(store, TODAY)
    with pytest.raises(VisitRefused, match="^why:"):
        record_referral(workspace, tenancy_id=tenancy_id, to="dhp", on=TODAY, reason=" ")
    with pytest.raises(VisitRefused, match="^to:"):
        record_referral(workspace, tenancy_id=tenancy_id, to="astrologer", on=TODAY, reason="x")
    made = record_referral(
        workspace, tenancy_id=tenancy_id, to="dhp", on=TODAY, reason="Bedroom tax shortfall"
    )
    with pytest.raises(VisitRefused, match="^outcome:"):
        record_referral_outcome(workspace, referral_id=made.record_id, outcome="won", on=TODAY)
    done = record_referral_outcome(
        workspace, referral_id=made.record_id, outcome="awarded", on=TODAY, note="13 weeks"
    )
    with store.session() as session:
        latest = session.get(Referral, done.record_id)
        assert latest is not None
        assert (latest.to, latest.reason, latest.outcome) == (
            "dhp",
            "Bedroom tax shortfall",
            "awarded",
        )
    _wire_ok(store)


def test_a_withdrawn_promise_is_a_new_version(store: LocalStore) -> None:
    tenancy_id = _case(store)
    workspace = workspace_on(store, TODAY)
    record_contact(
        workspace,
        tenancy_id=tenancy_id,
        details=ContactDetails(
            on=TODAY, how="phone", outcome="promise_to_pay", promise=PromiseTerms(2500, TODAY)
        ),
    )
    with store.session() as session:
        promise_id = session.scalars(select(PaymentPromise.id)).one()
    withdraw_promise(workspace, promise_id=promise_id)
    with store.session() as session:
        rows = list(session.scalars(select(PaymentPromise).order_by(PaymentPromise.withdrawn)))
    assert [(r.withdrawn, r.supersedes_id) for r in rows] == [
        (False, None),
        (True, promise_id),
    ]
    _wire_ok(store)


def test_correcting_a_contact_corrects_its_promise_and_follow_up_never_duplicates(
    store: LocalStore,
) -> None:
    tenancy_id = _case(store)
    workspace = workspace_on(store, TODAY)
    first = record_contact(
        workspace,
        tenancy_id=tenancy_id,
        details=ContactDetails(
            on=TODAY,
            how="phone",
            outcome="promise_to_pay",
            promise=PromiseTerms(2500, TODAY),
            follow_up=FollowUpTerms(TODAY, "Check"),
        ),
    )
    second = record_contact(
        workspace,
        tenancy_id=tenancy_id,
        details=ContactDetails(
            on=TODAY,
            how="phone",
            outcome="promise_to_pay",
            promise=PromiseTerms(3000, TODAY),
            follow_up=FollowUpTerms(TODAY, "Check the £30"),
        ),
        supersedes_id=first.record_id,
    )
    record_contact(
        workspace,
        tenancy_id=tenancy_id,
        details=ContactDetails(on=TODAY, how="phone", outcome="spoke_to_tenant"),
        supersedes_id=second.record_id,
    )
    with store.session() as session:
        promises = list(session.scalars(select(PaymentPromise)))
        follow_ups = list(session.scalars(select(FollowUp)))
    replaced = {p.supersedes_id for p in promises}
    in_force = [p for p in promises if p.id not in replaced]
    assert [(p.amount_pence, p.withdrawn) for p in in_force] == [(3000, True)]
    replaced = {f.supersedes_id for f in follow_ups}
    assert [f.task for f in follow_ups if f.id not in replaced] == ["Check the £30"]
    _wire_ok(store)
