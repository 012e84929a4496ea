"""``POST /auth/signin`` throttled per account and per client address, on SQLite and on
PostgreSQL (issue 11: 39 wrong passwords then the right one were all answered at once).

The throttle runs on a clock the test moves (``FakeClock``): nothing sleeps and nothing is
asserted on time."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from central.api import create_app
from central.throttle import ACCOUNT_POLICY, ADDRESS_POLICY, SignInThrottle
from tests.central.test_api import HEADERS, PASSWORD
from tests.central.test_throttle import FakeClock
from tests.sync.central_seed import seed_council


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def throttled_app(engine: Engine, clock: FakeClock) -> FastAPI:
    seed_council(engine, officers=["alice", "bob"], cases_per_officer=1)
    return create_app(engine, throttle=SignInThrottle(clock=clock))


@pytest.fixture
def client(throttled_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(throttled_app, client=("192.0.2.10", 50000)) as test_client:
        yield test_client


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> httpx.Response:
    body = {"username": username, "password": password, "device_id": str(uuid.uuid4())}
    return client.post("/auth/signin", json=body, headers=HEADERS)


def test_39_wrong_passwords_then_the_right_one_are_not_all_checked(engine: Engine) -> None:
    """The reported problem, on the service as it is started (its own clock)."""
    seed_council(engine, officers=["alice"], cases_per_officer=1)
    with TestClient(create_app(engine)) as client:
        wrong = [sign_in(client, "alice", f"guess {n}").status_code for n in range(39)]
        right = sign_in(client, "alice")
    assert wrong.count(401) == ACCOUNT_POLICY.free_failures
    assert wrong.count(429) == 39 - ACCOUNT_POLICY.free_failures
    assert right.status_code == 429


def test_a_throttled_account_answers_429_with_retry_after_until_the_wait_is_over(
    client: TestClient, clock: FakeClock
) -> None:
    for n in range(ACCOUNT_POLICY.free_failures):
        assert sign_in(client, "alice", f"guess {n}").status_code == 401
    refused = sign_in(client, "alice")  # the right password, during the wait
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == str(int(ACCOUNT_POLICY.first_wait))
    assert refused.json() == {
        "code": "too_many_attempts",
        "message": "Too many failed sign-ins for this account or from this network. Wait "
        "30 seconds, then try again; each further failure makes the wait longer.",
    }
    clock.advance(ACCOUNT_POLICY.first_wait)
    assert sign_in(client, "alice").status_code == 200
    # The success started the count again: the free failures are free again.
    for n in range(ACCOUNT_POLICY.free_failures - 1):
        assert sign_in(client, "alice", f"again {n}").status_code == 401
    assert sign_in(client, "alice").status_code == 200


def test_each_failure_after_a_wait_makes_the_next_wait_longer(
    client: TestClient, clock: FakeClock
) -> None:
    for n in range(ACCOUNT_POLICY.free_failures):
        sign_in(client, "alice", f"guess {n}")
    waits = []
    for n in range(3):
        reply = sign_in(client, "alice", f"late {n}")
        assert reply.status_code == 429
        waits.append(int(reply.headers["Retry-After"]))
        clock.advance(waits[-1])
        assert sign_in(client, "alice", f"after {n}").status_code == 401
    assert waits == [30, 60, 120]
    longer = sign_in(client, "alice")
    assert int(longer.headers["Retry-After"]) == 240
    assert "Wait 4 minutes, then try again" in longer.json()["message"]


def test_an_unknown_username_is_throttled_with_the_same_answers(client: TestClient) -> None:
    known = [sign_in(client, "alice", f"guess {n}") for n in range(6)]
    unknown = [sign_in(client, "nobody-here", f"guess {n}") for n in range(6)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown]
    assert [r.json() for r in known] == [r.json() for r in unknown]
    assert unknown[-1].headers["Retry-After"] == known[-1].headers["Retry-After"]


def test_another_address_cannot_go_on_guessing_a_throttled_account(
    throttled_app: FastAPI, client: TestClient
) -> None:
    for n in range(ACCOUNT_POLICY.free_failures):
        sign_in(client, "alice", f"guess {n}")
    with TestClient(throttled_app, client=("198.51.100.7", 50000)) as elsewhere:
        assert sign_in(elsewhere, "alice").status_code == 429
        assert sign_in(elsewhere, "bob").status_code == 200


def test_one_address_guessing_across_accounts_is_throttled(
    throttled_app: FastAPI, client: TestClient
) -> None:
    for n in range(ADDRESS_POLICY.free_failures):
        assert sign_in(client, f"guess-{n}", "wrong").status_code == 401
    refused = sign_in(client, "alice")
    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_attempts"
    with TestClient(throttled_app, client=("198.51.100.7", 50000)) as elsewhere:
        assert sign_in(elsewhere, "alice").status_code == 200


def test_a_throttled_request_with_a_bad_body_is_still_a_bad_request(client: TestClient) -> None:
    for n in range(ACCOUNT_POLICY.free_failures):
        sign_in(client, "alice", f"guess {n}")
    reply = client.post("/auth/signin", json={"username": "alice"}, headers=HEADERS)
    assert reply.status_code == 422
    assert reply.json()["code"] == "bad_request"
