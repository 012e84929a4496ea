"""Every integer a device sends is bounded on the wire, so a number out of the database's range
is a 422 (or the mutation's rejection) naming the field, never a 500; on SQLite and on
PostgreSQL (issue 11: a ``device_seq`` of 2**63 answered 500).

The largest integer both databases keep (BIGINT) is 2**63 - 1: it is taken, one more is not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.protocol.intents import ADD_ASSESSMENT, AGREE_ARRANGEMENT
from app.protocol.messages import WIRE_INT_MAX, PushResponse
from central.api import create_app
from central.models import AppliedMutation
from tests.central.push_world import World
from tests.central.test_api import HEADERS
from tests.central.test_push_arrangements import agree
from tests.central.test_push_assessments import add

TOO_BIG = ["9223372036854775808", "18446744073709551616", "1" + "0" * 400, "1e300"]


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with TestClient(create_app(world.engine)) as test_client:
        yield test_client


def push_raw(client: TestClient, world: World, mutation: dict[str, Any], **raw: str) -> Any:
    """Push one mutation whose fields named in ``raw`` are written as those JSON literals."""
    fields = {**mutation, **{name: f"@{name}@" for name in raw}}
    body = json.dumps({"mutations": [fields]})
    for name, literal in raw.items():
        body = body.replace(f'"@{name}@"', literal)
    auth = {**HEADERS, "Authorization": f"Bearer {world.alice_token}"}
    return client.post("/sync/push", content=body, headers=auth)


def stored_count(world: World) -> int:
    with Session(world.engine) as session:
        return session.execute(select(func.count()).select_from(AppliedMutation)).scalar_one()


@pytest.mark.parametrize("literal", [*TOO_BIG, "0", "-1", "-9223372036854775809", "1.5"])
def test_a_device_seq_out_of_range_is_a_422_naming_it(
    client: TestClient, world: World, literal: str
) -> None:
    mutation = world.mutation(world.args()).model_dump(mode="json")
    reply = push_raw(client, world, mutation, device_seq=literal)
    assert reply.status_code == 422, reply.text[:300]
    assert reply.json()["code"] == "bad_request"
    assert "body.mutations.0.device_seq" in reply.json()["message"]
    assert stored_count(world) == 0


@pytest.mark.parametrize("literal", [*TOO_BIG, "-1"])
def test_a_base_version_out_of_range_is_a_422_naming_it(
    client: TestClient, world: World, literal: str
) -> None:
    mutation = world.mutation(world.args()).model_dump(mode="json")
    reply = push_raw(client, world, mutation, base_version=literal)
    assert reply.status_code == 422, reply.text[:300]
    assert "body.mutations.0.base_version" in reply.json()["message"]
    assert stored_count(world) == 0


@pytest.mark.parametrize("field", ["device_seq", "base_version"])
def test_a_number_too_long_for_the_json_reader_is_a_422_saying_where(
    client: TestClient, world: World, field: str
) -> None:
    mutation = world.mutation(world.args()).model_dump(mode="json")
    reply = push_raw(client, world, mutation, **{field: "1" + "0" * 5000})
    assert reply.status_code == 422
    assert "number out of range at line 1 column" in reply.json()["message"]
    assert stored_count(world) == 0


def test_the_largest_integers_both_databases_keep_are_taken(
    client: TestClient, world: World
) -> None:
    mutation = world.mutation(world.args()).model_dump(mode="json")
    largest = str(WIRE_INT_MAX)
    reply = push_raw(client, world, mutation, device_seq=largest, base_version=largest)
    assert reply.status_code == 200, reply.text[:300]
    [result] = PushResponse.model_validate_json(reply.content).results
    assert result.status == "applied"
    with Session(world.engine) as session:
        assert session.scalars(select(AppliedMutation.device_seq)).one() == WIRE_INT_MAX


@pytest.mark.parametrize(
    ("intent", "changes", "named"),
    [
        (AGREE_ARRANGEMENT, {"instalment_pence": 2**63}, "instalment_pence:"),
        (AGREE_ARRANGEMENT, {"starting_balance_pence": 10**40}, "starting_balance_pence:"),
        (AGREE_ARRANGEMENT, {"day_of_month": 2**63}, "day_of_month:"),
        (ADD_ASSESSMENT, {"content": {"savings_pence": 2**64}}, "content.savings_pence:"),
        (ADD_ASSESSMENT, {"content": {"household": {"adults": 2**63}}}, "content.household"),
    ],
)
def test_an_integer_argument_out_of_range_is_a_rejection_naming_it(
    client: TestClient, world: World, intent: str, changes: dict[str, Any], named: str
) -> None:
    args = agree(world) if intent == AGREE_ARRANGEMENT else add(world)
    for name, value in changes.items():
        if isinstance(value, dict) and name == "content":
            _merge(args["content"], value)
        else:
            args[name] = value
    mutation = world.mutation(args, intent=intent).model_dump(mode="json")
    reply = push_raw(client, world, mutation)
    assert reply.status_code == 200, reply.text[:300]
    [result] = PushResponse.model_validate_json(reply.content).results
    assert result.status == "rejected"
    assert result.reason is not None
    assert result.reason.startswith(named), result.reason


def _merge(into: dict[str, Any], changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        if isinstance(value, dict):
            _merge(into[name], value)
        else:
            into[name] = value


@pytest.mark.parametrize("cursor", ["9223372036854775808", "1" + "0" * 40, "-1"])
def test_a_pull_cursor_out_of_range_is_a_422_naming_it(
    client: TestClient, world: World, cursor: str
) -> None:
    auth = {**HEADERS, "Authorization": f"Bearer {world.alice_token}"}
    reply = client.get("/sync/pull", params={"cursor": cursor}, headers=auth)
    assert reply.status_code == 422
    assert reply.json()["code"] == "bad_request"
    assert "cursor" in reply.json()["message"]


def test_the_largest_cursor_is_a_reset_not_an_error(client: TestClient, world: World) -> None:
    auth = {**HEADERS, "Authorization": f"Bearer {world.alice_token}"}
    reply = client.get("/sync/pull", params={"cursor": WIRE_INT_MAX}, headers=auth)
    assert reply.status_code == 200
    assert reply.json()["reset_required"] is True
