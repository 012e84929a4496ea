"""Promises to pay and follow-ups on the worklist (docs/rules.md F3a, F3b), over a real encrypted
store: the records are made through the visit services, the worklist is read as the window and
``report worklist`` read it.

The case: rent of £100 every Monday from 5 January 2026, nothing paid; a reminder on 20
February, letter 1 on 27 February and letter 2 on Friday 6 March, so the ladder's next step is
serving the NOSP, due 13 March. On Monday 2 March the tenant promised £50 by Thursday 5 March:
with the policy's 2 days' grace, payments count to Saturday 7 March; the promise is broken on
the 8th, and the contact it asks for is due 2 working days after the 7th: Tuesday 10 March.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain.days import working_days_after
from app.domain.recovery import RecoveryPolicy
from app.domain.visits import PromiseToPay, judge_on_ledger
from app.models import FollowUp, LedgerEntry, PaymentPromise
from app.paths import data_dir, resource_path
from app.services.actions import record_action
from app.services.caseload import load_cases
from app.services.visits import (
    ContactDetails,
    FollowUpTerms,
    PromiseTerms,
    add_follow_up,
    close_follow_up,
    record_contact,
    withdraw_promise,
)
from app.services.worklist import WorkItem, build_worklist, load_recovery_policy, worklist_report
from app.store.database import LocalStore, open_local_store
from tests.workspaces import add_case, weekly_rent, workspace_on

MADE = date(2026, 3, 2)  # a Monday
DUE = date(2026, 3, 5)  # a Thursday
LAST_DAY = date(2026, 3, 7)  # DUE + 2 days' grace (a Saturday)
BROKEN = date(2026, 3, 8)
CONTACT_BY = date(2026, 3, 10)  # 2 working days after LAST_DAY
NOSP_DUE = date(2026, 3, 13)  # a week after letter 2


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    opened = open_local_store(data_dir(tmp_path / "data"))
    yield opened
    opened.close()


@pytest.fixture
def policy() -> RecoveryPolicy:
    return load_recovery_policy(path=resource_path("recovery-policy.toml"))


def _case(store: LocalStore, ref: str = "T-PROMISE", *, letters: bool = True) -> uuid.UUID:
    tenancy_id = add_case(store, ref, lines=weekly_rent(date(2026, 1, 5), 10))
    if letters:
        for code, on in (
            ("reminder", date(2026, 2, 20)),
            ("letter_1", date(2026, 2, 27)),
            ("letter_2", date(2026, 3, 6)),
        ):
            record_action(workspace_on(store, on), tenancy_id=tenancy_id, code=code, on=on)
    return tenancy_id


def _promise(
    store: LocalStore,
    tenancy_id: uuid.UUID,
    *,
    made: date = MADE,
    due: date = DUE,
    pence: int = 5000,
) -> uuid.UUID:
    record_contact(
        workspace_on(store, made),
        tenancy_id=tenancy_id,
        details=ContactDetails(
            on=made,
            how="phone",
            outcome="promise_to_pay",
            promise=PromiseTerms(amount_pence=pence, due_on=due),
        ),
    )
    with store.session() as session:
        return session.scalars(
            select(PaymentPromise.id)
            .where(PaymentPromise.tenancy_id == tenancy_id, PaymentPromise.made_on == made)
            .order_by(PaymentPromise.recorded_at.desc())
        ).first()  # type: ignore[return-value]


def _pay(store: LocalStore, tenancy_id: uuid.UUID, on: date, pence: int) -> None:
    with store.session() as session, session.begin():
        session.add(
            LedgerEntry(
                tenancy_id=tenancy_id,
                ref=f"PAY-{uuid.uuid4().hex[:8]}",
                posted_on=on,
                type="PAYMENT",
                amount_pence=-pence,
                server_seq=1000 + on.toordinal() % 1000,
            )
        )


def _item(
    store: LocalStore, policy: RecoveryPolicy, as_of: date, ref: str = "T-PROMISE"
) -> WorkItem:
    items = build_worklist(
        load_cases(workspace_on(store, as_of), as_of=as_of).values(), policy=policy, as_of=as_of
    )
    return next(item for item in items if item.case.ref == ref)


def _report(store: LocalStore, policy: RecoveryPolicy, as_of: date, fmt: str = "json") -> str:
    return worklist_report(workspace_on(store, as_of), policy=policy, as_of=as_of, fmt=fmt)


# -- F3a on the worklist, at the grace boundary -----------------------------------------------


def test_a_promise_is_pending_until_its_last_day_of_grace_and_the_ladder_goes_on(store, policy):
    tenancy_id = _case(store)
    _promise(store, tenancy_id)
    advice = _item(store, policy, LAST_DAY).advice
    assert advice.promise == "pending"
    assert "promise of £50.00 by 5 Mar 2026 pending" in advice.reason
    assert (advice.next_action, advice.due_date, advice.escalates) == ("nosp", NOSP_DUE, True)


def test_a_promise_broken_the_day_after_its_grace_asks_for_contact_within_two_working_days(
    store, policy
):
    tenancy_id = _case(store)
    _promise(store, tenancy_id)
    item = _item(store, policy, BROKEN)
    advice = item.advice
    assert advice.promise == "broken"
    # what was promised, by when, and what was paid in its window
    assert "promise of £50.00 by 5 Mar 2026 broken: £0.00 paid by 7 Mar 2026" in advice.reason
    assert advice.next_action == "contact"
    assert advice.next_action_label == "Contact about the broken promise"
    assert advice.due_date == CONTACT_BY  # Sat 7 -> Mon 9, Tue 10
    assert not advice.escalates  # a contact, not a step of the ladder
    assert advice.blocked_by is None
    assert not advice.due_now
    assert "then serve NOSP" in advice.reason
    # on the day it falls due the case is among those needing contact today
    on_the_day = _item(store, policy, CONTACT_BY).advice
    assert on_the_day.due_now
    assert on_the_day.priority[0] == 0


@pytest.mark.parametrize(
    ("paid_on", "state"),
    [
        (LAST_DAY, "kept"),  # the last day of grace still counts
        (BROKEN, "broken"),  # a day late: broken, though paid
        (date(2026, 3, 1), "broken"),  # the day before it was made: not in its window
        (MADE, "kept"),  # the day it was made counts
    ],
)
def test_a_payment_a_day_either_side_of_the_window(store, policy, paid_on, state):
    tenancy_id = _case(store)
    _promise(store, tenancy_id)
    _pay(store, tenancy_id, paid_on, 5000)
    advice = _item(store, policy, BROKEN).advice
    assert advice.promise == state
    if state == "kept":
        assert "promise of £50.00 by 5 Mar 2026 kept (£50.00 paid)" in advice.reason
        assert (advice.next_action, advice.escalates) == ("nosp", True)  # noted, never escalated
    else:
        assert advice.next_action == "contact"


def test_part_payments_add_up_and_a_benefit_credit_never_keeps_a_promise(store, policy):
    tenancy_id = _case(store)
    _promise(store, tenancy_id)
    _pay(store, tenancy_id, date(2026, 3, 3), 2000)
    with store.session() as session, session.begin():
        session.add(
            LedgerEntry(
                tenancy_id=tenancy_id,
                ref="HB-1",
                posted_on=date(2026, 3, 4),
                type="HB",
                amount_pence=-5000,
                server_seq=999,
            )
        )
    pending = _item(store, policy, LAST_DAY).advice
    assert "pending (£20.00 paid so far)" in pending.reason
    broken = _item(store, policy, BROKEN).advice
    assert broken.promise == "broken"
    assert "broken: £20.00 paid by 7 Mar 2026" in broken.reason
    _pay(store, tenancy_id, LAST_DAY, 3000)
    assert _item(store, policy, BROKEN).advice.promise == "kept"


def test_a_report_for_an_earlier_day_counts_no_payment_made_after_it(store, policy):
    tenancy_id = _case(store)
    _promise(store, tenancy_id)
    _pay(store, tenancy_id, date(2026, 3, 6), 5000)
    assert _item(store, policy, date(2026, 3, 5)).advice.promise == "pending"
    assert _item(store, policy, date(2026, 3, 6)).advice.promise == "kept"
    assert _item(store, policy, date(2026, 3, 1)).advice.promise == "none"  # not made yet


def test_a_contact_after_the_promise_broke_lets_the_ladder_go_on(store, policy):
    tenancy_id = _case(store)
    _promise(store, tenancy_id)
    record_contact(
        workspace_on(store, date(2026, 3, 9)),
        tenancy_id=tenancy_id,
        details=ContactDetails(on=date(2026, 3, 9), how="home_visit", outcome="no_access"),
    )
    advice = _item(store, policy, date(2026, 3, 9)).advice
    assert advice.promise == "broken"
    assert "tenant contacted since" in advice.reason
    assert (advice.next_action, advice.due_date, advice.escalates) == ("nosp", NOSP_DUE, True)


def test_recording_the_contact_asked_for_answers_it(store, policy):
    tenancy_id = _case(store)
    _promise(store, tenancy_id)
    record_action(workspace_on(store, BROKEN), tenancy_id=tenancy_id, code="contact", on=BROKEN)
    advice = _item(store, policy, BROKEN).advice
    assert advice.next_action == "nosp"


def test_a_broken_promise_never_holds_back_a_step_due_sooner(store, policy):
    tenancy_id = _case(store, letters=False)  # the reminder has been due since January
    _promise(store, tenancy_id)
    advice = _item(store, policy, BROKEN).advice
    assert advice.promise == "broken"
    assert advice.next_action == "reminder"
    assert advice.due_now
    assert "promise of £50.00 by 5 Mar 2026 broken" in advice.reason


def test_breathing_space_still_blocks_escalation_and_the_contact(store, policy):
    tenancy_id = _case(store)
    _promise(store, tenancy_id)
    record_action(
        workspace_on(store, date(2026, 3, 3)),
        tenancy_id=tenancy_id,
        code="breathing_space_start",
        on=date(2026, 3, 3),
    )
    advice = _item(store, policy, date(2026, 3, 11)).advice
    assert advice.promise == "broken"
    assert "promise of £50.00 by 5 Mar 2026 broken" in advice.reason  # still a reason
    assert advice.next_action != "contact"  # no chasing the debt in Breathing Space (C7)
    assert not advice.escalates
    assert advice.blocked_by is not None
    assert "Breathing Space" in advice.blocked_by
    assert not advice.due_now


def test_a_clear_account_notes_a_broken_promise_but_asks_for_nothing(store, policy):
    tenancy_id = _case(store, letters=False)
    _promise(store, tenancy_id)
    with store.session() as session, session.begin():
        session.add(
            LedgerEntry(
                tenancy_id=tenancy_id,
                ref="UC-1",
                posted_on=date(2026, 3, 6),
                type="UC",
                amount_pence=-100000,
                server_seq=998,
            )
        )
    advice = _item(store, policy, BROKEN).advice
    assert advice.promise == "broken"  # UC is not the tenant's payment
    assert advice.next_action == "none"
    assert advice.reason.startswith("In credit")


# -- several promises, withdrawn ones ---------------------------------------------------------


def test_several_promises_are_judged_one_by_one_and_the_latest_is_shown(store, policy):
    tenancy_id = _case(store)
    first = PromiseToPay(MADE, DUE, 3000)
    _promise(store, tenancy_id, pence=3000)
    _pay(store, tenancy_id, date(2026, 3, 4), 3000)  # keeps the first
    _promise(store, tenancy_id, made=date(2026, 3, 9), due=date(2026, 3, 12), pence=3000)

    advice = _item(store, policy, date(2026, 3, 15)).advice
    assert advice.promise == "broken"  # the 4 March payment is in the first one's window only
    assert advice.judged_promise is not None
    assert advice.judged_promise.promise.made_on == date(2026, 3, 9)
    assert "promise of £30.00 by 12 Mar 2026 broken: £0.00 paid by 14 Mar 2026" in advice.reason

    # the first, judged on its own, was kept
    lines = load_cases(workspace_on(store, date(2026, 3, 15)), as_of=date(2026, 3, 15))[
        tenancy_id
    ].facts.lines
    assert judge_on_ledger(first, lines, today=date(2026, 3, 15), grace_days=2).state == "kept"

    _pay(store, tenancy_id, date(2026, 3, 13), 3000)
    assert _item(store, policy, date(2026, 3, 15)).advice.promise == "kept"


def test_a_withdrawn_promise_is_ignored(store, policy):
    tenancy_id = _case(store)
    earlier = _promise(store, tenancy_id, pence=2000)
    _pay(store, tenancy_id, date(2026, 3, 3), 2000)  # the earlier one is kept
    later = _promise(store, tenancy_id, made=date(2026, 3, 9), due=date(2026, 3, 10))
    assert _item(store, policy, date(2026, 3, 13)).advice.promise == "broken"

    withdraw_promise(workspace_on(store, date(2026, 3, 13)), promise_id=later)
    advice = _item(store, policy, date(2026, 3, 13)).advice
    assert advice.promise == "kept"  # the earlier promise is the latest in force again
    assert advice.next_action == "nosp"

    withdraw_promise(workspace_on(store, date(2026, 3, 13)), promise_id=earlier)
    advice = _item(store, policy, date(2026, 3, 13)).advice
    assert advice.promise == "none"
    assert "promise" not in advice.reason


# -- F3b: follow-ups --------------------------------------------------------------------------


def _follow_up_on_contact(
    store: LocalStore, tenancy_id: uuid.UUID, on: date, due: date, task: str
) -> None:
    record_contact(
        workspace_on(store, on),
        tenancy_id=tenancy_id,
        details=ContactDetails(
            on=on,
            how="phone",
            outcome="spoke_to_tenant",
            follow_up=FollowUpTerms(due_on=due, task=task),
        ),
    )


def test_follow_ups_due_today_overdue_and_later(store, policy):
    today = date(2026, 3, 11)
    due_today = add_case(store, "T-TODAY", lines=[])
    overdue = add_case(store, "T-OVERDUE", lines=[])
    later = add_case(store, "T-LATER", lines=[])
    add_case(store, "T-NONE", lines=[])
    add_follow_up(workspace_on(store, today), tenancy_id=due_today, due_on=today, task="Call back")
    _follow_up_on_contact(
        store, overdue, date(2026, 3, 2), date(2026, 3, 9), "Check the DHP decision"
    )
    add_follow_up(
        workspace_on(store, today), tenancy_id=later, due_on=date(2026, 3, 20), task="Ring"
    )

    items = build_worklist(
        load_cases(workspace_on(store, today), as_of=today).values(), policy=policy, as_of=today
    )
    by_ref = {item.case.ref: item.advice for item in items}
    assert by_ref["T-TODAY"].follow_up_state == "due"
    assert "follow-up due today: Call back" in by_ref["T-TODAY"].reason
    assert by_ref["T-OVERDUE"].follow_up_state == "overdue"
    assert (
        "follow-up overdue since 9 Mar 2026: Check the DHP decision" in by_ref["T-OVERDUE"].reason
    )
    assert by_ref["T-LATER"].follow_up_state == "later"
    assert "follow-up" not in by_ref["T-LATER"].reason
    assert by_ref["T-NONE"].follow_up_state is None
    # due and overdue ones need contact today: first in the list, most overdue first
    assert [item.case.ref for item in items][:2] == ["T-OVERDUE", "T-TODAY"]
    assert by_ref["T-TODAY"].needs_follow_up
    assert by_ref["T-OVERDUE"].needs_follow_up
    assert not by_ref["T-LATER"].needs_follow_up
    assert not by_ref["T-NONE"].needs_follow_up
    # a follow-up asks for contact; it never makes a step of the ladder
    assert by_ref["T-OVERDUE"].next_action == "none"
    assert not by_ref["T-OVERDUE"].escalates


def test_done_and_cancelled_follow_ups_are_ignored_and_the_earliest_open_one_shown(store, policy):
    today = date(2026, 3, 11)
    tenancy_id = add_case(store, "T-FOLLOW", lines=[])
    workspace = workspace_on(store, today)
    add_follow_up(workspace, tenancy_id=tenancy_id, due_on=date(2026, 3, 25), task="Later one")
    _follow_up_on_contact(store, tenancy_id, date(2026, 3, 2), date(2026, 3, 4), "First")
    _follow_up_on_contact(store, tenancy_id, date(2026, 3, 3), date(2026, 3, 6), "Second")
    with store.session() as session:
        first, second = (
            session.scalars(select(FollowUp.id).where(FollowUp.task == task)).one()
            for task in ("First", "Second")
        )
    advice = _item(store, policy, today, "T-FOLLOW").advice
    assert advice.next_follow_up is not None
    assert advice.next_follow_up.task == "First"

    close_follow_up(workspace, follow_up_id=first)
    advice = _item(store, policy, today, "T-FOLLOW").advice
    assert advice.next_follow_up is not None
    assert advice.next_follow_up.task == "Second"
    assert "follow-up overdue since 6 Mar 2026: Second" in advice.reason

    close_follow_up(workspace, follow_up_id=second, status="cancelled")
    advice = _item(store, policy, today, "T-FOLLOW").advice
    assert advice.next_follow_up is not None
    assert advice.next_follow_up.due_on == date(2026, 3, 25)
    assert advice.follow_up_state == "later"
    assert not advice.needs_follow_up


def test_a_long_task_is_cut_in_the_reason(store, policy):
    today = date(2026, 3, 11)
    tenancy_id = add_case(store, "T-LONG", lines=[])
    add_follow_up(
        workspace_on(store, today),
        tenancy_id=tenancy_id,
        due_on=today,
        task="Check the DHP decision\nand " + "then ring the tenant back " * 20,
    )
    reason = _item(store, policy, today, "T-LONG").advice.reason
    assert "follow-up due today: Check the DHP decision and then ring" in reason
    assert "\n" not in reason
    assert reason.endswith("… -> nothing due")


# -- report worklist ----------------------------------------------------------------------------


def test_the_report_gains_the_promise_and_the_first_open_follow_up(store, policy):
    tenancy_id = _case(store)
    _promise(store, tenancy_id)
    add_follow_up(
        workspace_on(store, date(2026, 3, 9)),
        tenancy_id=tenancy_id,
        due_on=date(2026, 3, 12),
        task="Check the payment",
    )
    add_case(store, "T-QUIET", lines=[])

    rows = {row["tenancy_ref"]: row for row in json.loads(_report(store, policy, BROKEN))}
    assert rows["T-PROMISE"]["promise"] == "broken"
    assert rows["T-PROMISE"]["follow_up_due"] == "2026-03-12"
    assert rows["T-PROMISE"]["next_action"] == "contact"
    assert rows["T-PROMISE"]["due_date"] == "2026-03-10"
    assert rows["T-PROMISE"]["escalates"] is False
    assert rows["T-QUIET"]["promise"] == "none"
    assert rows["T-QUIET"]["follow_up_due"] is None
    assert list(rows["T-QUIET"])[-2:] == ["promise", "follow_up_due"]

    table = list(csv.DictReader(io.StringIO(_report(store, policy, LAST_DAY, "csv"))))
    by_ref = {row["tenancy_ref"]: row for row in table}
    assert (by_ref["T-PROMISE"]["promise"], by_ref["T-PROMISE"]["follow_up_due"]) == (
        "pending",
        "2026-03-12",
    )
    assert (by_ref["T-QUIET"]["promise"], by_ref["T-QUIET"]["follow_up_due"]) == ("none", "")


@pytest.mark.parametrize(
    ("last_day", "count", "due"),
    [
        (date(2026, 3, 7), 2, date(2026, 3, 10)),  # Saturday: Monday is the first
        (date(2026, 3, 6), 2, date(2026, 3, 10)),  # Friday
        (date(2026, 3, 4), 2, date(2026, 3, 6)),  # Wednesday
        (date(2026, 3, 5), 1, date(2026, 3, 6)),  # Thursday
        (date(2026, 3, 5), 0, date(2026, 3, 5)),
    ],
)
def test_working_days_after_skip_the_weekend(last_day, count, due):
    assert working_days_after(last_day, count) == due
