"""The security log (``central.security``): sign-ins, throttling refusals, token refusals and
bodies refused for their size, each a line of ids and outcomes, on SQLite and on PostgreSQL.

No line holds personal data or a secret: never the username (the officer's id when known, a
keyed tag otherwise), the password, nor the token."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from central.api import create_app
from central.devices import revoke_device
from central.security_log import account_tag
from central.throttle import ACCOUNT_POLICY
from tests.central.test_api import HEADERS
from tests.sync.central_seed import officer_id, seed_council

USERNAME = "quill.h"  # nowhere else in a log line: neither hex nor a word the service writes
PASSWORD = "Larkspur-Meadow-93"
ADDRESS = "192.0.2.10"


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    seed_council(
        engine, officers=[USERNAME, "other.officer"], cases_per_officer=1, password=PASSWORD
    )
    with TestClient(create_app(engine), client=(ADDRESS, 50000)) as test_client:
        yield test_client


@pytest.fixture
def security(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO)
    return caplog


def sign_in(
    client: TestClient,
    username: str = USERNAME,
    password: str = PASSWORD,
    device_id: uuid.UUID | None = None,
) -> httpx.Response:
    body = {"username": username, "password": password, "device_id": str(device_id or uuid.uuid4())}
    return client.post("/auth/signin", json=body, headers=HEADERS)


def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "central.security"]


def assert_no_secret(caplog: pytest.LogCaptureFixture, *secrets: str) -> None:
    """Nothing any logger wrote holds the username, the password or ``secrets``."""
    text = "\n".join(r.getMessage() for r in caplog.records).casefold()
    for secret in (USERNAME, PASSWORD, *secrets):
        assert secret.casefold() not in text


def test_a_sign_in_is_logged_with_the_officers_id_and_no_secret(
    client: TestClient, engine: Engine, security: pytest.LogCaptureFixture
) -> None:
    device = uuid.uuid4()
    reply = sign_in(client, device_id=device)
    assert reply.status_code == 200
    officer = officer_id(engine, USERNAME)
    assert lines(security) == [
        f"signin outcome=ok officer={officer} account={account_tag(USERNAME)} "
        f"device={device} address={ADDRESS}"
    ]
    assert_no_secret(security, reply.json()["token"])


def test_a_wrong_password_is_logged_with_the_officers_id(
    client: TestClient, engine: Engine, security: pytest.LogCaptureFixture
) -> None:
    device = uuid.uuid4()
    assert sign_in(client, password="Larkspur-Meadow-94", device_id=device).status_code == 401
    assert lines(security) == [
        f"signin outcome=bad_credentials officer={officer_id(engine, USERNAME)} "
        f"account={account_tag(USERNAME)} device={device} address={ADDRESS}"
    ]
    assert_no_secret(security, "Larkspur-Meadow-94")


def test_an_unknown_username_is_logged_as_its_tag_only(
    client: TestClient, security: pytest.LogCaptureFixture
) -> None:
    device = uuid.uuid4()
    assert sign_in(client, username="nobody.known", device_id=device).status_code == 401
    assert lines(security) == [
        f"signin outcome=bad_credentials officer=- account={account_tag('nobody.known')} "
        f"device={device} address={ADDRESS}"
    ]
    assert_no_secret(security, "nobody.known")


def test_a_throttled_attempt_is_logged(
    client: TestClient, security: pytest.LogCaptureFixture
) -> None:
    for n in range(ACCOUNT_POLICY.free_failures):
        sign_in(client, password=f"guess number {n}")
    device = uuid.uuid4()
    assert sign_in(client, device_id=device).status_code == 429
    assert lines(security)[-1] == (
        f"signin outcome=throttled officer=- account={account_tag(USERNAME)} device={device} "
        f"address={ADDRESS} retry_after=30"
    )
    assert_no_secret(security, "guess number")


def test_a_device_refused_at_sign_in_is_logged(
    client: TestClient, engine: Engine, security: pytest.LogCaptureFixture
) -> None:
    device = uuid.uuid4()
    assert sign_in(client, device_id=device).status_code == 200
    assert sign_in(client, "other.officer", device_id=device).status_code == 409
    with Session(engine) as session, session.begin():
        revoke_device(session, device_id=device)
    assert sign_in(client, device_id=device).status_code == 403
    other, officer = officer_id(engine, "other.officer"), officer_id(engine, USERNAME)
    assert lines(security)[1:] == [
        f"signin outcome=device_of_another_officer officer={other} "
        f"account={account_tag('other.officer')} device={device} address={ADDRESS}",
        f"signin outcome=device_revoked officer={officer} account={account_tag(USERNAME)} "
        f"device={device} address={ADDRESS}",
    ]


def test_a_refused_token_is_logged_without_it(
    client: TestClient, security: pytest.LogCaptureFixture
) -> None:
    stolen = "tok_" + "q" * 40
    client.get("/sync/pull", headers={**HEADERS, "Authorization": f"Bearer {stolen}"})
    client.get("/sync/check", headers=HEADERS)
    assert lines(security) == [
        f"token outcome=refused reason=not_valid path='/sync/pull' address={ADDRESS}",
        f"token outcome=refused reason=missing path='/sync/check' address={ADDRESS}",
    ]
    assert_no_secret(security, stolen)


def test_a_body_refused_for_its_size_is_logged_without_forging_lines(
    client: TestClient, security: pytest.LogCaptureFixture
) -> None:
    client.post("/sync/push", content=b"x" * (17 * 1024 * 1024), headers=HEADERS)
    client.post("/x%0Asignin%20outcome=ok", content=b"x" * 20_000, headers=HEADERS)
    client.post("/auth/signin", content=iter([b"x" * 20_000]), headers=HEADERS)  # no length
    assert lines(security) == [
        f"body outcome=refused path='/sync/push' address={ADDRESS} "
        f"declared={17 * 1024 * 1024} limit={16 * 1024 * 1024}",
        f"body outcome=refused path='/x\\nsignin outcome=ok' address={ADDRESS} "
        f"declared=20000 limit={16 * 1024}",
        f"body outcome=refused path='/auth/signin' address={ADDRESS} declared=- limit=16384",
    ]


def test_an_account_tag_is_one_per_username_and_not_a_plain_hash() -> None:
    assert account_tag(USERNAME) == account_tag(f"  {USERNAME.upper()} ")
    assert account_tag(USERNAME) != account_tag("other.officer")
    assert len(account_tag(USERNAME)) == 12
    # Keyed with a secret of this run: a list of likely usernames cannot be matched to it.
    plain = hashlib.sha256(USERNAME.encode()).hexdigest()
    assert account_tag(USERNAME) not in plain
