"""An officer a case has left may still send what they recorded while they held it, for a short
while and only what cannot change its course (a contact, an I&E); nothing else (issue 11, item 2:
after a reassignment the former officer's token applied a 10-year pause, a Breathing Space end
and a £0.01-a-week arrangement, and they reached the new officer). SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.protocol.intents import ADD_ASSESSMENT, AGREE_ARRANGEMENT, RECORD_CASE_ACTION
from app.protocol.messages import MutationResult
from central import push
from central.models import Arrangement, CaseAction, IncomeAssessment, Tenancy
from tests.central.push_world import TODAY, World
from tests.central.test_push_arrangements import agree
from tests.central.test_push_assessments import add
from tests.sync.central_seed import move_case

MOVED_AT = datetime(2025, 3, 8, 12, 0, tzinfo=UTC)
BEFORE = "2025-03-07T09:30:00+00:00"
AFTER = "2025-03-09T09:30:00+00:00"


@pytest.fixture
def moved(world: World) -> World:
    """alice's case given to bob on 8 March 2025 at noon."""
    with Session(world.engine) as session, session.begin():
        move_case(session, tenancy_id=world.alice_case, to_officer_id=world.bob, at=MOVED_AT)
    return world


def _push(
    world: World, args: dict[str, Any], intent: str, *, days_later: int = 2
) -> MutationResult:
    with Session(world.engine, expire_on_commit=False) as session:
        [result] = push.push_mutations(
            session,
            device_id=world.alice_device,
            officer_id=world.alice,
            mutations=[world.mutation(args, intent=intent)],
            today=TODAY,
            now=MOVED_AT + timedelta(days=days_later),
        ).results
    return result


def _count(world: World, model: type) -> int:
    with Session(world.engine) as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_what_would_steer_the_case_is_refused_and_never_reaches_the_new_officer(
    moved: World,
) -> None:
    steering = [
        (
            moved.args(code="pause", on="2025-03-07", until="2035-03-07", recorded_at=BEFORE),
            RECORD_CASE_ACTION,
        ),
        (moved.args(code="breathing_space_end", recorded_at=BEFORE), RECORD_CASE_ACTION),
        (moved.args(code="visit", recorded_at=BEFORE), RECORD_CASE_ACTION),
        (
            agree(moved, instalment_pence=1, made_on="2025-03-07", start_date="2025-03-10"),
            AGREE_ARRANGEMENT,
        ),
    ]
    for args, intent in steering:
        result = _push(moved, args, intent)
        assert result.status == "rejected", args
        assert result.reason is not None
        assert "no longer in your caseload" in result.reason
        assert "is for the officer who holds it now" in result.reason
    assert _count(moved, CaseAction) == 0
    assert _count(moved, Arrangement) == 0


def test_a_contact_or_an_ie_recorded_before_the_move_is_taken_within_the_window(
    moved: World,
) -> None:
    contact = _push(moved, moved.args(code="contact", recorded_at=BEFORE), RECORD_CASE_ACTION)
    assert contact.status == "applied"
    ie = _push(moved, add(moved, finalised_at=BEFORE), ADD_ASSESSMENT, days_later=14)
    assert ie.status == "applied"
    assert _count(moved, CaseAction) == 1
    assert _count(moved, IncomeAssessment) == 1


@pytest.mark.parametrize(
    ("recorded_at", "days_later", "reason"),
    [
        (AFTER, 2, "this action was recorded after it left you"),
        (BEFORE, 15, "left your caseload on 8 Mar 2025, more than 14 days ago"),
    ],
)
def test_late_work_recorded_after_the_move_or_arriving_too_late_is_refused(
    moved: World, recorded_at: str, days_later: int, reason: str
) -> None:
    result = _push(
        moved,
        moved.args(code="contact", recorded_at=recorded_at),
        RECORD_CASE_ACTION,
        days_later=days_later,
    )
    assert result.status == "rejected"
    assert result.reason is not None
    assert reason in result.reason
    assert _count(moved, CaseAction) == 0


def test_reasons_name_nothing_of_the_case_as_it_is_now(moved: World) -> None:
    with Session(moved.engine) as session:
        tenancy = session.get(Tenancy, moved.alice_case)
        assert tenancy is not None
        ref = tenancy.ref
    for args, intent in (
        (moved.args(code="pause", until="2035-03-07"), RECORD_CASE_ACTION),
        (moved.args(code="contact", recorded_at=AFTER), RECORD_CASE_ACTION),
        (moved.args(case=moved.bob_case), RECORD_CASE_ACTION),
        (moved.args(case=uuid.uuid4()), RECORD_CASE_ACTION),
    ):
        reason = _push(moved, args, intent).reason
        assert reason is not None
        assert ref not in reason
        assert "bob" not in reason.lower()


@pytest.mark.parametrize(("late_work_days", "status"), [(3, "rejected"), (None, "applied")])
def test_the_window_is_the_services_setting(
    world: World, late_work_days: int | None, status: str
) -> None:
    """``serve --late-work-days``: a contact recorded the day before the case moved, arriving
    five days after, is refused under a 3-day window and taken under the default 14."""
    from fastapi.testclient import TestClient

    from app.protocol.messages import HEADER_APP, HEADER_PROTOCOL, PROTOCOL_VERSION
    from central.api import create_app

    now = datetime.now(UTC)
    with Session(world.engine) as session, session.begin():
        move_case(
            session,
            tenancy_id=world.alice_case,
            to_officer_id=world.bob,
            at=now - timedelta(days=5),
        )
    recorded = now - timedelta(days=6)
    args = world.args(
        code="contact", on=recorded.date().isoformat(), recorded_at=recorded.isoformat()
    )
    mutation = world.mutation(args, intent=RECORD_CASE_ACTION)
    app = (
        create_app(world.engine)
        if late_work_days is None
        else create_app(world.engine, late_work_days=late_work_days)
    )
    headers = {
        HEADER_PROTOCOL: str(PROTOCOL_VERSION),
        HEADER_APP: "doorstep-tests/0",
        "Authorization": f"Bearer {world.alice_token}",
    }
    with TestClient(app) as client:
        reply = client.post(
            "/sync/push",
            headers=headers,
            content=f'{{"mutations": [{mutation.model_dump_json()}]}}',
        )
    assert reply.status_code == 200, reply.text
    [result] = reply.json()["results"]
    assert result["status"] == status
    if status == "rejected":
        assert "more than 3 days ago" in result["reason"]
