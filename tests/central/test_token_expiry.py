"""Device tokens expire: one issued more than ``TOKEN_LIFETIME`` ago is refused (401
``token_expired``, a message saying to sign in again), and signing in issues a fresh one. On
SQLite and on PostgreSQL. The token's age is set in the store, so no test waits or reads the
clock's answer."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.sqlkit.utc import utcnow
from central.api import create_app
from central.devices import TOKEN_LIFETIME
from central.models import Device
from tests.central.test_api import HEADERS, PASSWORD, signin
from tests.central.test_it_commands import contacts
from tests.sync.central_seed import seed_council


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    seed_council(engine, officers=["alice"], cases_per_officer=1, password=PASSWORD)
    with TestClient(create_app(engine)) as test_client:
        yield test_client


def signed_in(client: TestClient, device_id: uuid.UUID) -> dict[str, str]:
    reply = signin(client, "alice", device_id)
    assert reply.status_code == 200, reply.text
    return {**HEADERS, "Authorization": f"Bearer {reply.json()['token']}"}


def token_issued(engine: Engine, device_id: uuid.UUID, at: datetime | None) -> None:
    with Session(engine) as session, session.begin():
        session.get_one(Device, device_id).token_issued_at = at


def test_a_token_older_than_its_lifetime_is_refused_saying_to_sign_in_again(
    client: TestClient, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    device_id = uuid.uuid4()
    auth = signed_in(client, device_id)
    token_issued(engine, device_id, utcnow() - TOKEN_LIFETIME - timedelta(minutes=1))
    assert contacts(client, auth) == [(401, "token_expired")] * 3
    message = client.get("/sync/check", headers=auth).json()["message"]
    assert "Sign in again" in message
    assert f"{TOKEN_LIFETIME.days} days" in message
    assert any(
        "token outcome=refused reason=expired" in r.getMessage()
        for r in caplog.records
        if r.name == "central.security"
    )
    # Signing in again issues a fresh token, which is served.
    fresh = signed_in(client, device_id)
    assert client.get("/sync/check", headers=fresh).status_code == 200


def test_a_token_within_its_lifetime_is_served(client: TestClient, engine: Engine) -> None:
    device_id = uuid.uuid4()
    auth = signed_in(client, device_id)
    token_issued(engine, device_id, utcnow() - TOKEN_LIFETIME + timedelta(hours=1))
    assert client.get("/sync/check", headers=auth).status_code == 200


def test_a_token_issued_before_tokens_had_an_age_is_expired(
    client: TestClient, engine: Engine
) -> None:
    device_id = uuid.uuid4()
    auth = signed_in(client, device_id)
    token_issued(engine, device_id, None)  # as migration 0008 leaves every earlier token
    assert client.get("/sync/check", headers=auth).json()["code"] == "token_expired"


def test_a_revoked_device_with_an_old_token_is_still_only_told_invalid(
    client: TestClient, engine: Engine
) -> None:
    device_id = uuid.uuid4()
    auth = signed_in(client, device_id)
    token_issued(engine, device_id, utcnow() - TOKEN_LIFETIME * 2)
    with Session(engine) as session, session.begin():
        session.get_one(Device, device_id).revoked_at = utcnow()
    # Signing in again would not help a revoked device, so it is not told to.
    assert client.get("/sync/check", headers=auth).json()["code"] == "token_invalid"
