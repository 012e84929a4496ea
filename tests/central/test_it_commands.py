"""IT's commands on ``python -m central``: device list, revoke and wipe; officer disable,
enable and reset-password. Each runs through the command line (``central.cli.main``) on
SQLite and on PostgreSQL, and its effect is checked on the sync service (TestClient)."""

from __future__ import annotations

import csv
import io
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from central.api import create_app
from central.cli import main
from central.models import Device
from central.officers import officer_command
from tests.central.test_api import HEADERS, PASSWORD, signin
from tests.sync.central_seed import officer_id, seed_council

NEW_PASSWORD = "Tamarisk-Harbour-51"


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    seed_council(engine, officers=["alice", "bob"], cases_per_officer=1, password=PASSWORD)
    with TestClient(create_app(engine)) as test_client:
        yield test_client


@pytest.fixture
def security(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO)
    return caplog


def security_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "central.security"]


def run(central_url: str, *argv: str) -> int:
    return main(["--url", central_url, *argv])


def enrolled(
    client: TestClient, username: str, password: str = PASSWORD
) -> tuple[uuid.UUID, dict[str, str]]:
    """A newly enrolled device of ``username`` and the headers carrying its token."""
    device_id = uuid.uuid4()
    reply = signin(client, username, device_id, password=password)
    assert reply.status_code == 200, reply.text
    return device_id, {**HEADERS, "Authorization": f"Bearer {reply.json()['token']}"}


def contacts(client: TestClient, auth: dict[str, str]) -> list[tuple[int, str]]:
    """Status and error code of a pull, a check and a push carrying ``auth``."""
    replies = [
        client.get("/sync/pull", headers=auth),
        client.get("/sync/check", headers=auth),
        client.post("/sync/push", headers=auth, json={"mutations": []}),
    ]
    return [(r.status_code, r.json().get("code", "")) for r in replies]


def password_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "password.txt"
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- device list ---------------------------------------------------------------------------


def test_device_list_csv_has_the_header_and_every_state_sorted_by_officer(
    client: TestClient, central_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bob_device, _ = enrolled(client, "bob")
    alice_first, _ = enrolled(client, "alice")
    alice_revoked, _ = enrolled(client, "alice")
    alice_wiped, wiped_auth = enrolled(client, "alice")
    alice_to_wipe, _ = enrolled(client, "alice")
    assert run(central_url, "device", "revoke", str(alice_revoked)) == 0
    assert run(central_url, "device", "wipe", str(alice_wiped)) == 0
    assert run(central_url, "device", "wipe", str(alice_to_wipe)) == 0
    client.get("/sync/check", headers=wiped_auth)  # told: now "wiped"
    capsys.readouterr()

    assert run(central_url, "device", "list", "--format", "csv") == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["device_id", "officer", "enrolled_at", "last_seen_at", "state"]
    states = {row[0]: (row[1], row[4]) for row in rows[1:]}
    assert states == {
        str(alice_first): ("alice", "active"),
        str(alice_revoked): ("alice", "revoked"),
        str(alice_wiped): ("alice", "wiped"),
        str(alice_to_wipe): ("alice", "wipe requested"),
        str(bob_device): ("bob", "active"),
    }
    officers = [row[1] for row in rows[1:]]
    assert officers == sorted(officers)
    assert rows[1][0] == str(alice_first)  # the first enrolled of alice's comes first


def test_device_list_text_is_aligned_columns_with_every_device(
    client: TestClient, central_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    device_id, _ = enrolled(client, "bob")
    assert run(central_url, "device", "list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["device_id", "officer", "enrolled_at", "last_seen_at", "state"]
    assert lines[1].startswith(f"{device_id}  bob ")
    assert lines[1].endswith("active")


def test_device_list_format_must_be_text_or_csv(central_url: str) -> None:
    with pytest.raises(SystemExit) as stopped:
        run(central_url, "device", "list", "--format", "json")
    assert stopped.value.code == 2


# --- device revoke and wipe: bad ids -----------------------------------------------------------


@pytest.mark.parametrize("action", ["revoke", "wipe"])
def test_a_malformed_or_unknown_device_id_exits_2_naming_it(
    client: TestClient, central_url: str, capsys: pytest.CaptureFixture[str], action: str
) -> None:
    assert run(central_url, "device", action, "laptop-7") == 2
    assert "'laptop-7' is not a device id" in capsys.readouterr().err
    unknown = uuid.uuid4()
    assert run(central_url, "device", action, str(unknown)) == 2
    assert f"no device {unknown} is enrolled" in capsys.readouterr().err


# --- device revoke --------------------------------------------------------------------------


def test_revoked_device_cannot_sync_nor_sign_in_again_and_it_is_logged(
    client: TestClient,
    engine: Engine,
    central_url: str,
    security: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    device_id, auth = enrolled(client, "alice")
    assert run(central_url, "device", "revoke", str(device_id)) == 0
    assert f"revoked: device {device_id}" in capsys.readouterr().out
    assert contacts(client, auth) == [(401, "token_invalid")] * 3
    assert signin(client, "alice", device_id).status_code == 403
    alice = officer_id(engine, "alice")
    assert f"it outcome=done action=device_revoke officer={alice} device={device_id}" in (
        security_lines(security)
    )
    assert not any("alice" in line for line in security_lines(security))


# --- device wipe ----------------------------------------------------------------------------


def test_wiped_device_is_told_at_every_contact_and_served_nothing(
    client: TestClient, engine: Engine, central_url: str, security: pytest.LogCaptureFixture
) -> None:
    device_id, auth = enrolled(client, "alice")
    _, other_auth = enrolled(client, "alice")
    assert run(central_url, "device", "wipe", str(device_id)) == 0
    with Session(engine) as session:
        device = session.get_one(Device, device_id)
        assert device.wipe_requested_at is not None
        assert device.wiped_at is None  # not told yet

    # Every route taking its token tells it again (an answer lost on the way is not the end).
    assert contacts(client, auth) == [(410, "device_wiped")] * 3
    reply = client.get("/sync/check", headers=auth)
    assert "erased" in reply.json()["message"]
    with Session(engine) as session:
        assert session.get_one(Device, device_id).wiped_at is not None
    # Signing in again under its id is told the same, and issues no token.
    again = signin(client, "alice", device_id)
    assert again.status_code == 410
    assert again.json()["code"] == "device_wiped"
    assert "token" not in again.json()
    # The officer's other laptop is untouched.
    assert client.get("/sync/check", headers=other_auth).status_code == 200

    lines = security_lines(security)
    assert any(line.startswith(f"wipe outcome=told device={device_id}") for line in lines)
    assert any(
        f"action=device_wipe officer={officer_id(engine, 'alice')}" in line for line in lines
    )


def test_a_revoked_device_is_still_told_to_wipe(client: TestClient, central_url: str) -> None:
    device_id, auth = enrolled(client, "alice")
    assert run(central_url, "device", "revoke", str(device_id)) == 0
    assert run(central_url, "device", "wipe", str(device_id)) == 0
    assert contacts(client, auth) == [(410, "device_wiped")] * 3


# --- officer disable and enable --------------------------------------------------------------


def test_disabled_officer_is_refused_like_a_wrong_password_but_logged_as_disabled(
    client: TestClient, engine: Engine, central_url: str, security: pytest.LogCaptureFixture
) -> None:
    _, auth = enrolled(client, "alice")
    _, bob_auth = enrolled(client, "bob")
    assert run(central_url, "officer", "disable", "alice") == 0

    refused = signin(client, "alice")
    wrong = signin(client, "bob", password="not the password")
    assert refused.status_code == wrong.status_code == 401
    assert refused.json() == wrong.json()
    assert contacts(client, auth) == [(401, "token_invalid")] * 3
    assert client.get("/sync/check", headers=bob_auth).status_code == 200

    alice = officer_id(engine, "alice")
    lines = security_lines(security)
    assert f"it outcome=done action=officer_disable officer={alice} device=-" in lines
    assert any(f"signin outcome=officer_disabled officer={alice}" in line for line in lines)
    assert not any("alice" in line for line in lines)


def test_enabled_officer_signs_in_again_but_old_tokens_stay_refused(
    client: TestClient, central_url: str
) -> None:
    device_id, auth = enrolled(client, "alice")
    assert run(central_url, "officer", "disable", "alice") == 0
    assert run(central_url, "officer", "enable", "alice") == 0
    assert contacts(client, auth) == [(401, "token_invalid")] * 3
    _, new_auth = enrolled(client, "alice")
    assert client.get("/sync/check", headers=new_auth).status_code == 200
    assert signin(client, "alice", device_id).status_code == 200  # the same laptop, too


@pytest.mark.parametrize("action", ["disable", "enable", "reset-password"])
def test_an_unknown_or_malformed_username_exits_2_naming_it(
    client: TestClient, central_url: str, capsys: pytest.CaptureFixture[str], action: str
) -> None:
    assert run(central_url, "officer", action, "nobody") == 2
    assert "there is no officer 'nobody'" in capsys.readouterr().err
    assert run(central_url, "officer", action, "two words") == 2
    assert "a username is 1 to 80" in capsys.readouterr().err


# --- officer reset-password ------------------------------------------------------------------


def test_reset_password_sets_it_and_every_laptop_signs_in_again(
    client: TestClient,
    engine: Engine,
    central_url: str,
    tmp_path: Path,
    security: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first, first_auth = enrolled(client, "alice")
    _, second_auth = enrolled(client, "alice")
    _, bob_auth = enrolled(client, "bob")
    path = password_file(tmp_path, NEW_PASSWORD + "\nignored second line\n")
    assert run(central_url, "officer", "reset-password", "alice", "--password-file", path) == 0
    assert "2 device(s) must sign in again" in capsys.readouterr().out

    assert contacts(client, first_auth) == [(401, "token_invalid")] * 3
    assert contacts(client, second_auth) == [(401, "token_invalid")] * 3
    assert client.get("/sync/check", headers=bob_auth).status_code == 200
    assert signin(client, "alice", first).status_code == 401  # the old password
    assert signin(client, "alice", first, password=NEW_PASSWORD).status_code == 200

    lines = security_lines(security)
    alice = officer_id(engine, "alice")
    assert f"it outcome=done action=officer_reset_password officer={alice} device=-" in lines
    assert not any(NEW_PASSWORD in line or "alice" in line for line in lines)


@pytest.mark.parametrize(
    ("content", "reason"),
    [("", "the password is empty"), ("short\n", "shorter than 8 characters")],
)
def test_reset_password_refuses_a_bad_password_and_changes_nothing(
    client: TestClient,
    central_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    reason: str,
) -> None:
    _, auth = enrolled(client, "alice")
    path = password_file(tmp_path, content)
    assert run(central_url, "officer", "reset-password", "alice", "--password-file", path) == 2
    assert reason in capsys.readouterr().err
    assert client.get("/sync/check", headers=auth).status_code == 200
    assert signin(client, "alice").status_code == 200


def test_reset_password_with_a_missing_file_exits_2(
    client: TestClient, central_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "absent.txt")
    assert run(central_url, "officer", "reset-password", "alice", "--password-file", missing) == 2
    assert "cannot read the password file" in capsys.readouterr().err


def test_reset_password_typed_twice_must_match(
    client: TestClient, central_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = iter([NEW_PASSWORD, NEW_PASSWORD + "x"])
    code = officer_command(
        url=central_url, action="reset-password", username="alice", prompt=lambda _: next(typed)
    )
    assert code == 2
    assert "the two passwords differ" in capsys.readouterr().err
    assert signin(client, "alice").status_code == 200
    typed = iter([NEW_PASSWORD, NEW_PASSWORD])
    code = officer_command(
        url=central_url, action="reset-password", username="alice", prompt=lambda _: next(typed)
    )
    assert code == 0
    assert signin(client, "alice", password=NEW_PASSWORD).status_code == 200
