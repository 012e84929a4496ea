"""Two officers with a device each on a central store, for the push tests of every intent."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.protocol.intents import RECORD_CASE_ACTION
from app.protocol.messages import MutationIn, MutationResult, PushResponse
from central import push, sequence
from central.devices import enrol_device
from central.models import AppliedMutation, CaseAction
from tests.sync.central_seed import add_case, add_officer

TODAY = date(2025, 3, 10)
"""The central store's today in these tests."""


class World:
    """Two officers with a device each; alice holds one case, bob another."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        with Session(engine) as session, session.begin():
            alice = add_officer(session, "alice")
            bob = add_officer(session, "bob")
            self.alice, self.bob = alice.id, bob.id
            self.alice_case = add_case(session, officer_id=alice.id).tenancy_id
            self.bob_case = add_case(session, officer_id=bob.id).tenancy_id
            self.alice_device, self.bob_device = uuid.uuid4(), uuid.uuid4()
            self.alice_token = enrol_device(session, officer=alice, device_id=self.alice_device)
            self.bob_token = enrol_device(session, officer=bob, device_id=self.bob_device)
        self.device_seq = 0

    def args(self, case: uuid.UUID | None = None, **changes: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "action_id": str(uuid.uuid4()),
            "tenancy_id": str(case or self.alice_case),
            "code": "visit",
            "on": "2025-03-07",
            "until": None,
            "note": "No answer; card left — Zoë's neighbour",
            "recorded_at": "2025-03-07T09:30:12.345678+00:00",
        }
        values.update(changes)
        return values

    def mutation(
        self, args: dict[str, Any], *, intent: str = RECORD_CASE_ACTION, device_seq: int = 0
    ) -> MutationIn:
        self.device_seq += 1
        return MutationIn(
            mutation_id=uuid.uuid4(),
            device_seq=device_seq or self.device_seq,
            intent=intent,
            args=args,
            entity_ids=[],
            device_time=datetime(2025, 3, 7, 9, 30, tzinfo=UTC),
        )

    def push(self, *mutations: MutationIn, officer: str = "alice") -> PushResponse:
        device, officer_id = (
            (self.alice_device, self.alice) if officer == "alice" else (self.bob_device, self.bob)
        )
        with Session(self.engine, expire_on_commit=False) as session:
            return push.push_mutations(
                session,
                device_id=device,
                officer_id=officer_id,
                mutations=list(mutations),
                today=TODAY,
            )

    def actions(self) -> list[CaseAction]:
        with Session(self.engine) as session:
            return list(session.scalars(select(CaseAction).order_by(CaseAction.seq)))

    def stored(self) -> list[AppliedMutation]:
        with Session(self.engine) as session:
            return list(
                session.scalars(select(AppliedMutation).order_by(AppliedMutation.device_seq))
            )

    def counter(self) -> int:
        with Session(self.engine) as session:
            return sequence.current(session)

    def push_one(self, args: dict[str, Any], intent: str, officer: str = "alice") -> MutationResult:
        """Push one new mutation of ``intent`` with ``args``; its result."""
        [result] = self.push(self.mutation(args, intent=intent), officer=officer).results
        return result
