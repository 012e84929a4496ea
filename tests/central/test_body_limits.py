"""Request bodies are limited before they are read, and a push's token is checked before its
body, on SQLite and on PostgreSQL (issue 11: an unauthenticated 300 MB push was read whole).

Whether the service read a body is seen at the ASGI level: :func:`call` hands the app a body
chunk by chunk, only when the app asks for one, and counts what it asked for. (FastAPI's
TestClient reads a streamed body whole before the app starts, so it cannot show that.)"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import anyio
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Message

from app.domain import sfs
from app.domain.case_actions import MAX_NOTE
from app.protocol.intents import ADD_ASSESSMENT
from app.protocol.messages import (
    HEADER_PROTOCOL,
    MAX_PUSH_BATCH,
    PROTOCOL_VERSION,
    MutationIn,
    PushRequest,
    PushResponse,
)
from central.api import create_app
from central.body_limit import OTHER_BODY_LIMIT, PUSH_BODY_LIMIT, SIGNIN_BODY_LIMIT
from tests.central.push_world import World
from tests.central.test_api import HEADERS

MIB = 1024 * 1024
#: Four bytes in UTF-8 each: the widest text a device can send.
WIDE = "👍"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: dict[str, Any]
    chunks_read: int


def call(
    app: FastAPI,
    path: str,
    *,
    headers: dict[str, str],
    chunks: int,
    chunk: bytes = b"x" * MIB,
    method: str = "POST",
) -> Answer:
    """Send ``chunks`` times ``chunk`` as the body, each only when the app asks for it."""
    read = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal read
        if read >= chunks:
            return {"type": "http.disconnect"}
        read += 1
        return {"type": "http.request", "body": chunk, "more_body": read < chunks}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
        "client": ("192.0.2.1", 50000),
        "server": ("testserver", 80),
    }
    anyio.run(app, scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return Answer(
        status=start["status"],
        headers={k.decode(): v.decode() for k, v in start["headers"]},
        body=json.loads(body),
        chunks_read=read,
    )


@pytest.fixture
def app(world: World) -> FastAPI:
    return create_app(world.engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def push_headers(token: str | None, **more: str) -> dict[str, str]:
    headers = {HEADER_PROTOCOL: str(PROTOCOL_VERSION), "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return {**headers, **more}


@pytest.mark.parametrize("token", [None, "not-a-token", "alice"])
def test_a_push_declaring_300_mb_is_refused_unread(app: FastAPI, world: World, token: str) -> None:
    real = world.alice_token if token == "alice" else token
    answer = call(
        app, "/sync/push", headers=push_headers(real, **{"Content-Length": "300000000"}), chunks=300
    )
    assert answer.status == 413
    assert answer.body["code"] == "body_too_large"
    assert "16 MiB" in answer.body["message"]
    assert answer.chunks_read == 0


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_an_unauthenticated_push_is_refused_before_its_body_is_read(
    app: FastAPI, token: str | None
) -> None:
    answer = call(
        app, "/sync/push", headers=push_headers(token, **{"Content-Length": str(8 * MIB)}), chunks=8
    )
    assert answer.status == 401
    assert answer.body["code"] == "token_invalid"
    assert answer.chunks_read == 0


def test_a_push_without_a_length_is_cut_off_at_the_limit(app: FastAPI, world: World) -> None:
    # 64 MiB on offer, sent as it is read (chunked): reading stops once past the limit.
    answer = call(app, "/sync/push", headers=push_headers(world.alice_token), chunks=64)
    assert answer.status == 413
    assert answer.body["code"] == "body_too_large"
    assert answer.chunks_read == PUSH_BODY_LIMIT // MIB + 1


def test_a_sign_in_body_is_limited(app: FastAPI, client: TestClient) -> None:
    declared = client.post("/auth/signin", content=b"{" * (SIGNIN_BODY_LIMIT + 1), headers=HEADERS)
    assert declared.status_code == 413
    assert declared.json()["code"] == "body_too_large"
    streamed = call(app, "/auth/signin", headers=push_headers(None), chunks=100, chunk=b" " * 1024)
    assert (streamed.status, streamed.body["code"]) == (413, "body_too_large")
    assert streamed.chunks_read == SIGNIN_BODY_LIMIT // 1024 + 1


@pytest.mark.parametrize(("method", "path"), [("GET", "/health"), ("POST", "/no/such/route")])
def test_any_other_request_with_a_large_body_is_refused(
    app: FastAPI, method: str, path: str
) -> None:
    length = {"Content-Length": str(OTHER_BODY_LIMIT + 1)}
    answer = call(app, path, headers=push_headers(None, **length), chunks=1, method=method)
    assert (answer.status, answer.body["code"], answer.chunks_read) == (413, "body_too_large", 0)


@pytest.mark.parametrize("length", ["abc", "-1", "1e9", ""])
def test_a_content_length_that_is_not_a_number_is_a_bad_request(app: FastAPI, length: str) -> None:
    answer = call(
        app, "/sync/push", headers=push_headers(None, **{"Content-Length": length}), chunks=1
    )
    assert answer.status == 400
    assert answer.body["code"] == "bad_request"
    assert "Content-Length" in answer.body["message"]
    assert answer.chunks_read == 0


def _largest_assessment(world: World) -> MutationIn:
    """The largest ``assessment.add@1`` the protocol allows, every text in 4-byte characters."""
    note = WIDE * MAX_NOTE
    line = {"heading": WIDE * 60, "amount_pence": 10**11, "frequency": "weekly", "note": note}
    debt = {
        "priority": False,
        "creditor": WIDE * sfs.MAX_CREDITOR,
        "owed_pence": 10**11,
        "offer_pence": 10**11,
        "note": note,
    }
    household = dict.fromkeys(
        ("children_under_16", "children_16_18", "other_dependants", "non_dependants", "vehicles"),
        99,
    )
    content = {
        "household": {"adults": 99, **household},
        "savings_pence": 10**11,
        "admin_fee_pence": 10**11,
        "rent_offer_pence": 10**11,
        "lines": [line] * 500,
        "debts": [debt] * 200,
    }
    args = {
        "assessment_id": str(uuid.uuid4()),
        "tenancy_id": str(world.alice_case),
        "assessed_on": "2025-03-07",
        "source": "device",
        "supersedes_id": None,
        "finalised_at": "2025-03-07T09:30:12.345678+00:00",
        "note": note,
        "content": content,
    }
    mutation = world.mutation(args, intent=ADD_ASSESSMENT)
    return mutation.model_copy(update={"entity_ids": [uuid.uuid4()] * 20})


def test_the_largest_change_and_a_full_batch_of_long_notes_are_taken(
    world: World, client: TestClient
) -> None:
    """The limit is the protocol's: the largest mutation it allows, and a batch of
    MAX_PUSH_BATCH actions with the longest note, are read and answered (not 413)."""
    auth = push_headers(world.alice_token)
    largest = PushRequest(mutations=[_largest_assessment(world)]).model_dump_json()
    actions = [world.mutation(world.args(note=WIDE * MAX_NOTE)) for _ in range(MAX_PUSH_BATCH)]
    batch = PushRequest(mutations=actions).model_dump_json()
    assert len(largest.encode()) > 10 * MIB  # a worst case worth the name
    for body in (largest, batch):
        assert len(body.encode()) < PUSH_BODY_LIMIT
        reply = client.post("/sync/push", content=body, headers=auth)
        assert reply.status_code == 200, reply.text[:300]
    [assessment] = PushResponse.model_validate_json(
        client.post("/sync/push", content=largest, headers=auth).content
    ).results
    assert assessment.status in ("applied", "rejected")  # answered either way, never refused
