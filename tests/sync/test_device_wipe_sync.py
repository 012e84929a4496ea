"""A laptop IT asked to wipe (``python -m central device wipe ID``), against a REAL central
service: the sync client raises :class:`DeviceWiped` at each of its contacts, distinct from a
refused sign-in, so the app can erase its data. (Erasing the laptop's files is the app's part
and is not done here.)"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.protocol.messages import MutationIn, PushRequest
from app.sync.client import AuthRejected, SyncClient, SyncError
from app.sync.errors import DeviceWiped
from central.cli import main
from tests.sync.central_seed import seed_council
from tests.sync.server import RunningCentral, running_central

PASSWORD = "correct horse"


@pytest.fixture
def central(tmp_path: Path) -> Iterator[RunningCentral]:
    with running_central(f"sqlite:///{tmp_path / 'central.sqlite'}", tmp_path) as server:
        seed_council(server.engine, officers=["alice"], cases_per_officer=1, password=PASSWORD)
        yield server


def a_mutation() -> MutationIn:
    """A change as a laptop sends it; never applied here, since the device is refused first."""
    return MutationIn(
        mutation_id=uuid.uuid4(),
        device_seq=1,
        intent="case.note.v1",
        args={},
        device_time=datetime.datetime.now(datetime.UTC),
    )


def signed_in(central: RunningCentral, device_id: uuid.UUID) -> SyncClient:
    client = SyncClient(central.url, app_version="tests")
    reply = client.sign_in(username="alice", password=PASSWORD, device_id=device_id)
    client.token = reply.token
    return client


def test_a_device_to_wipe_gets_device_wiped_at_every_contact(central: RunningCentral) -> None:
    device_id = uuid.uuid4()
    with signed_in(central, device_id) as client:
        client.check()
        assert main(["--url", central.store_url, "device", "wipe", str(device_id)]) == 0
        calls = [
            client.check,
            lambda: client.pull(0),
            lambda: client.push(PushRequest(mutations=[a_mutation()])),
            lambda: client.sign_in(username="alice", password=PASSWORD, device_id=device_id),
        ]
        for call in calls:
            with pytest.raises(DeviceWiped) as told:
                call()
            assert not isinstance(told.value, AuthRejected)
            assert told.value.code == "device_wiped"
            assert "erased" in str(told.value)


def test_another_refusal_is_not_taken_for_a_wipe(central: RunningCentral) -> None:
    device_id = uuid.uuid4()
    with signed_in(central, device_id) as client:
        assert main(["--url", central.store_url, "device", "revoke", str(device_id)]) == 0
        with pytest.raises(SyncError) as refused:
            client.check()
        assert isinstance(refused.value, AuthRejected)
        assert not isinstance(refused.value, DeviceWiped)
