"""A change the central store cannot keep is refused with its reason, and the device's queue
goes on; only an outage (the database unreachable, locked or busy) stops a batch to be sent
again. On SQLite and on PostgreSQL (issue 11: one bad change stopped a laptop syncing for good:
every database error answered 503, the change went first again, and nothing else moved)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy.exc import DataError, OperationalError, StatementError
from sqlalchemy.orm import Session

from app.protocol.intents import ADD_ASSESSMENT, AGREE_ARRANGEMENT, RECORD_CASE_ACTION
from central import push
from tests.central.push_world import World
from tests.central.test_push_arrangements import agree
from tests.central.test_push_assessments import add


def _statuses_and_reasons(world: World, bad: dict[str, Any], intent: str) -> list[Any]:
    """Push a good action, the bad change and another good action, in that order."""
    results = world.push(
        world.mutation(world.args()),
        world.mutation(bad, intent=intent),
        world.mutation(world.args()),
    ).results
    assert [r.status for r in results] == ["applied", "rejected", "applied"], results
    return [r.reason for r in results]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"note": "Paid at the office\x00 (pasted)"}, "note: character 19 is a control character"),
        ({"note": "Rent \x1b[31m"}, "note: character 6 is a control character (U+001B)"),
        ({"note": "owes \u202e0021£"}, "note: character 6 is a text-direction control (U+202E)"),
        (
            {"recorded_at": "9999-12-31T23:59:59-23:59"},
            "recorded_at: outside the years 2000 to 2099",
        ),
        ({"recorded_at": "1970-01-01T00:00:00+00:00"}, "recorded_at: outside the years 2000"),
    ],
)
def test_an_action_the_store_cannot_keep_is_refused_and_the_queue_goes_on(
    world: World, changes: dict[str, Any], reason: str
) -> None:
    bad = world.args(**changes)
    _, refused, _ = _statuses_and_reasons(world, bad, RECORD_CASE_ACTION)
    assert refused.startswith(reason), refused
    assert len(world.actions()) == 2
    # Sent again (the device did not hear), the same answer; nothing else is held up.
    assert world.push(world.mutation(bad)).results[0].status == "rejected"


def test_right_to_left_writing_and_direction_marks_are_kept(world: World) -> None:
    note = "قال إنه سيدفع يوم الجمعة \u200f— שילם חלקית; Zoë 👍"
    [result] = world.push(world.mutation(world.args(note=note))).results
    assert result.status == "applied"
    assert world.actions()[0].note == note


def test_an_assessment_or_arrangement_the_store_cannot_keep_is_refused(world: World) -> None:
    bad_note = add(world, note="Household of four\x00")
    _, refused, _ = _statuses_and_reasons(world, bad_note, ADD_ASSESSMENT)
    assert refused.startswith("note: character 18 is a control character (U+0000)")

    bad_instant = add(world, finalised_at="1999-12-31T23:00:00+00:00")
    _, refused, _ = _statuses_and_reasons(world, bad_instant, ADD_ASSESSMENT)
    assert refused.startswith("finalised_at: outside the years 2000 to 2099")

    for pence in (2**62, 2**64):
        _, refused, _ = _statuses_and_reasons(
            world, agree(world, instalment_pence=pence), AGREE_ARRANGEMENT
        )
        assert refused.startswith("instalment_pence: Input should be less than or equal to")


def test_a_value_the_database_refuses_is_refused_not_retried(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the checks miss: the database's refusal of a change is the change's fault."""
    real = push.record_case_action
    refusals = iter(
        [
            DataError("INSERT INTO case_action", {}, Exception("value out of range")),
            StatementError("bind", "INSERT INTO case_action", {}, OverflowError("date")),
        ]
    )

    def refused_once(session: Session, pusher: push.Pusher, args: Any) -> push.Outcome:
        if args.note == "refuse me":
            raise next(refusals)
        return real(session, pusher, args)

    monkeypatch.setitem(
        push.INTENTS, RECORD_CASE_ACTION, push.Intent(push.RecordCaseActionArgs, refused_once)
    )
    for kind in ("DataError", "StatementError"):
        _, refused, _ = _statuses_and_reasons(
            world, world.args(note="refuse me"), RECORD_CASE_ACTION
        )
        assert refused == (
            f"the central store cannot keep this change ({kind}); it was not recorded. "
            "Tell IT if it happens again"
        )
        assert "refuse me" not in refused


def test_an_outage_still_stops_the_batch_to_be_sent_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = push.record_case_action

    def down(session: Session, pusher: push.Pusher, args: Any) -> push.Outcome:
        raise OperationalError("INSERT", {}, Exception("server closed the connection"))

    monkeypatch.setitem(
        push.INTENTS, RECORD_CASE_ACTION, push.Intent(push.RecordCaseActionArgs, down)
    )
    mutation = world.mutation(world.args())
    with pytest.raises(push.PushUnavailable):
        world.push(mutation)
    assert world.stored() == []
    monkeypatch.setitem(
        push.INTENTS, RECORD_CASE_ACTION, push.Intent(push.RecordCaseActionArgs, real)
    )
    assert world.push(mutation).results[0].status == "applied"


def test_a_constraint_the_change_breaks_is_refused_when_no_other_request_stored_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An integrity error with no result stored by a racing request is the change's own."""
    from sqlalchemy.exc import IntegrityError

    real = push.record_case_action

    def breaks(session: Session, pusher: push.Pusher, args: Any) -> push.Outcome:
        if args.note == "breaks":
            raise IntegrityError("INSERT", {}, Exception("CHECK constraint failed"))
        return real(session, pusher, args)

    monkeypatch.setitem(
        push.INTENTS, RECORD_CASE_ACTION, push.Intent(push.RecordCaseActionArgs, breaks)
    )
    _, refused, _ = _statuses_and_reasons(world, world.args(note="breaks"), RECORD_CASE_ACTION)
    assert refused.startswith("the central store cannot keep this change (IntegrityError)")


def test_an_intent_name_the_store_cannot_keep_is_refused_and_stored(world: World) -> None:
    results = world.push(
        world.mutation({"text": "x"}, intent="note\x00.add@1"), world.mutation(world.args())
    ).results
    assert [r.status for r in results] == ["rejected", "applied"]
    assert results[0].reason == (
        "intent: this server does not know intent 'note\\x00.add@1'; update the server"
    )
    assert [s.status for s in world.stored()] == ["rejected", "applied"]


def test_reasons_name_no_value(world: World) -> None:
    secret = f"Ms Example's health: {uuid.uuid4()}"
    [result] = world.push(world.mutation(world.args(note=secret + "\x00"))).results
    assert result.reason is not None
    assert secret not in result.reason
