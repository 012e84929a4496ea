"""A sign-in whose username or device name holds a NUL character (code zero) is refused 422
``bad_request`` naming the field, and nothing is looked up, enrolled or counted; on SQLite and
on PostgreSQL alike.

Found by ``tests/central/test_schemathesis.py`` (issue 11): PostgreSQL's text cannot hold a
NUL, so looking the username up (or storing the device name, after the right password) raised
in the driver and the service answered 500; SQLite answered 401, or enrolled the name."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from central.api import create_app
from central.models import Device
from tests.central.test_api import HEADERS, PASSWORD
from tests.sync.central_seed import seed_council


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    seed_council(engine, officers=["alice"], cases_per_officer=1)
    with TestClient(create_app(engine), raise_server_exceptions=False) as test_client:
        yield test_client


def _devices(engine: Engine) -> int:
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(Device)).scalar_one()


@pytest.mark.parametrize(
    ("field", "fields"),
    [
        ("username", {"username": "al\x00ice"}),
        ("username", {"username": "\x00"}),
        ("device_name", {"device_name": "laptop\x00"}),  # with the right password
    ],
)
def test_a_nul_in_the_username_or_device_name_is_refused_naming_it(
    client: TestClient, engine: Engine, field: str, fields: dict[str, str]
) -> None:
    body = {
        "username": "alice",
        "password": PASSWORD,
        "device_id": str(uuid.uuid4()),
        "device_name": "laptop",
        **fields,
    }
    reply = client.post("/auth/signin", json=body, headers=HEADERS)
    assert reply.status_code == 422, reply.text
    assert reply.json()["code"] == "bad_request"
    message = reply.json()["message"]
    assert f"{field}: " in message
    assert "NUL" in message
    assert "\x00" not in message
    assert _devices(engine) == 0


def test_the_same_sign_in_without_the_nul_goes_through(client: TestClient) -> None:
    body = {"username": "alice", "password": PASSWORD, "device_id": str(uuid.uuid4())}
    reply = client.post("/auth/signin", json={**body, "device_name": "laptop"}, headers=HEADERS)
    assert reply.status_code == 200, reply.text
