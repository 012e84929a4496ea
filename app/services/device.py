"""Who this device is and where it syncs: the reads (and the one write) of start-up.

Plain SQL on a plain connection (``LocalStore.plain_transaction``), like the caseload read, so
the window can open and show the caseload before SQLAlchemy has loaded. Signing in, which
changes who the device is, is :mod:`app.services.enrolment`.

Threading: blocking functions, each one transaction; call them off the GUI thread (or at start,
before the window shows).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.services.workspace import Workspace
from app.store.database import PlainConnection
from app.sync.errors import INSECURE_MESSAGE, SyncError, plain_http_to_another_computer


@dataclass(frozen=True)
class OfficerInfo:
    """The signed-in officer, as the central store names them."""

    id: uuid.UUID
    username: str
    display_name: str


class BadServerUrl(SyncError):
    """The central store's address is not an http(s) URL."""


def normalise_server_url(server_url: str) -> str:
    """``server_url`` without surrounding spaces or a trailing slash; refuses a non-http(s) URL,
    and plain http:// to another computer."""
    url = server_url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadServerUrl(
            f"{server_url!r} is not a central store address: expected something like "
            "https://doorstep.example.gov.uk or http://127.0.0.1:8765."
        )
    if plain_http_to_another_computer(url):
        raise BadServerUrl(f"{server_url!r}: {INSECURE_MESSAGE}.")
    return url


def signed_in_officer(connection: PlainConnection) -> OfficerInfo | None:
    """The officer whose caseload is on this device, or None (inside a use case)."""
    row = connection.execute(
        "SELECT o.id, o.username, o.display_name FROM sync_state AS s"
        " JOIN officer AS o ON o.id = s.officer_id WHERE s.id = 1"
    ).fetchone()
    return None if row is None else OfficerInfo(uuid.UUID(row[0]), row[1], row[2])


def _server_url(connection: PlainConnection) -> str | None:
    row = connection.execute("SELECT server_url FROM sync_state WHERE id = 1").fetchone()
    return None if row is None else row[0]


def is_enrolled(workspace: Workspace) -> bool:
    """True when an officer is signed in on this device and its token is in the keyring."""
    with workspace.store.plain_transaction(writing=False) as connection:
        if signed_in_officer(connection) is None or not _server_url(connection):
            return False
    return bool(workspace.store.secrets.device_token())


def needs_pin(workspace: Workspace) -> bool:
    """The laptop is signed in, its key is in the keyring, and no PIN protects it yet: the
    keyring alone would open the caseload (docs/security.md). A demo folder keyed by its file
    needs none (the file holds the key in clear whatever a PIN did)."""
    store = workspace.store
    return (
        not workspace.uses_demo_key_file
        and not store.pin_protected
        and bool(store.secrets.device_token())
    )


def current_officer(workspace: Workspace) -> OfficerInfo | None:
    """The officer whose caseload is on this device, or None."""
    with workspace.store.plain_transaction(writing=False) as connection:
        return signed_in_officer(connection)


def server_url(workspace: Workspace) -> str | None:
    """The central store this device syncs with, or None before it is set."""
    with workspace.store.plain_transaction(writing=False) as connection:
        return _server_url(connection)


def set_server_url(workspace: Workspace, *, server_url: str) -> None:
    """Remember the central store's address (the device id is made here if there is none)."""
    url = normalise_server_url(server_url)
    with workspace.store.plain_transaction(writing=True) as connection:
        updated = connection.execute(
            "UPDATE sync_state SET server_url = ? WHERE id = 1", (url,)
        ).rowcount
        if not updated:
            connection.execute(
                "INSERT INTO sync_state (id, server_url, device_id, cursor, bootstrapped,"
                " last_device_seq) VALUES (1, ?, ?, 0, 0, 0)",
                (url, uuid.uuid4().hex),
            )
