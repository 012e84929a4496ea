"""Two officers, every route: neither reads nor writes the other's cases, and no route but the
public two answers without a device token (issue 11: the cross-access matrix). SQLite and
PostgreSQL, through the service's HTTP interface."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.protocol.intents import (
    ADD_ASSESSMENT,
    AGREE_ARRANGEMENT,
    CANCEL_ARRANGEMENT,
    RECORD_CASE_ACTION,
)
from app.protocol.messages import PullPage, PushResponse
from central.api import create_app
from tests.central.test_api import HEADERS, pull_all, token_for
from tests.central.test_push_assessments import content
from tests.sync.central_seed import SeededCase, seed_council

PUBLIC = {"/health", "/auth/signin"}


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine), raise_server_exceptions=True) as test_client:
        yield test_client


def _mutation(intent: str, case: SeededCase, seq: int) -> dict[str, object]:
    today, now = "2025-03-07", datetime(2025, 3, 7, 9, 30, tzinfo=UTC).isoformat()
    args: dict[str, dict[str, object]] = {
        RECORD_CASE_ACTION: {
            "action_id": str(uuid.uuid4()),
            "tenancy_id": str(case.tenancy_id),
            "code": "contact",
            "on": today,
            "until": None,
            "note": "",
            "recorded_at": now,
        },
        AGREE_ARRANGEMENT: {
            "arrangement_id": str(uuid.uuid4()),
            "tenancy_id": str(case.tenancy_id),
            "supersedes_id": None,
            "kind": "informal",
            "frequency": "weekly",
            "start_date": today,
            "instalment_pence": 1_000,
            "starting_balance_pence": 50_000,
            "made_on": today,
        },
        CANCEL_ARRANGEMENT: {
            "arrangement_id": str(uuid.uuid4()),
            "tenancy_id": str(case.tenancy_id),
            "supersedes_id": str(uuid.uuid4()),
            "made_on": today,
        },
        ADD_ASSESSMENT: {
            "assessment_id": str(uuid.uuid4()),
            "tenancy_id": str(case.tenancy_id),
            "assessed_on": today,
            "source": "device",
            "supersedes_id": None,
            "finalised_at": now,
            "note": "",
            "content": content(),
        },
    }
    return {
        "mutation_id": str(uuid.uuid4()),
        "device_seq": seq,
        "intent": intent,
        "args": args[intent],
        "entity_ids": [],
        "device_time": now,
    }


def test_every_route_but_the_public_ones_needs_a_device_token(client: TestClient) -> None:
    routes = [
        (path, method.upper())
        for path, item in client.app.openapi()["paths"].items()  # type: ignore[attr-defined]
        for method in item
    ]
    guarded = [(path, method) for path, method in routes if path not in PUBLIC]
    assert {path for path, _ in guarded} >= {"/sync/pull", "/sync/check", "/sync/push"}
    for path, method in guarded:
        for auth in ({}, {"Authorization": "Bearer not-a-token"}):
            reply = client.request(method, path, headers={**HEADERS, **auth}, json={})
            assert reply.status_code == 401, (path, method, auth, reply.status_code)


@pytest.mark.parametrize(("me", "other"), [("alice", "bob"), ("bob", "alice")])
def test_neither_officer_reads_or_writes_the_others_cases(
    client: TestClient, engine: Engine, me: str, other: str
) -> None:
    seeded = seed_council(engine, officers=["alice", "bob"], cases_per_officer=3, recovery=True)
    mine = {c.tenancy_id for c in seeded[me]}
    theirs = {c.tenancy_id for c in seeded[other]}
    auth = token_for(client, me)

    pages, _ = pull_all(client, auth)
    seen = {
        row.tenancy_id
        for page in pages
        for rows in (page.people, page.ledger, page.arrangements, page.actions, page.assessments)
        for row in rows
    } | {t.id for page in pages for t in page.tenancies}
    assert seen <= mine
    assert not seen & theirs
    assert isinstance(pages[0], PullPage)

    their_case = seeded[other][0]
    intents = [RECORD_CASE_ACTION, AGREE_ARRANGEMENT, CANCEL_ARRANGEMENT, ADD_ASSESSMENT]
    body = {"mutations": [_mutation(i, their_case, n + 1) for n, i in enumerate(intents)]}
    reply = client.post("/sync/push", json=body, headers=auth)
    assert reply.status_code == 200, reply.text
    results = PushResponse.model_validate_json(reply.content).results
    assert [r.status for r in results] == ["rejected"] * len(intents)
    for result in results:
        assert result.reason is not None
        assert "is not in your caseload" in result.reason
        assert their_case.ref not in result.reason
    again, _ = pull_all(client, auth)  # nothing of theirs arrived through the rejections
    assert not {t.id for page in again for t in page.tenancies} & theirs
