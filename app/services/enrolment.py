"""Signing this device in to the central store (enrolment). Asking who is signed in, and where
the device syncs, is :mod:`app.services.device` (re-exported here).

Invariants:

- the device token lives only in the keyring (``store.secrets``), never in the database file;
- the device id is made once and kept in ``SyncState``; it changes only when a *different*
  officer signs in on this laptop, because the central store ties a device id to one officer
  for ever (it answers 409 to anyone else);
- signing in as a different officer than the one whose caseload is on the device is refused
  while the outbox holds unsent work (it would be lost or sent under the wrong name); with an
  empty outbox the old caseload is wiped first, in the same transaction that saves the new
  officer;
- a failed sign-in changes nothing on the device.

Threading: blocking functions (network, then one local transaction); call them off the GUI
thread. Each opens its own transactions on the workspace's store.
"""

from __future__ import annotations

import socket
import uuid
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app import __version__
from app.models import Officer, OutboxMutation, SyncState
from app.services.device import (
    BadServerUrl,
    OfficerInfo,
    current_officer,
    is_enrolled,
    normalise_server_url,
    server_url,
    set_server_url,
)
from app.services.workspace import Workspace
from app.store.audit import record_event
from app.store.pin import pin_problem
from app.sync.errors import SyncError

if TYPE_CHECKING:
    from app.sync.client import SyncClient


class SignInRefused(SyncError):
    """Signing in was refused on this device (before or after asking the server)."""


def _device_state(session: Session) -> tuple[SyncState | None, Officer | None, int]:
    """The sync state, the officer signed in (or None) and the number of unsent mutations."""
    state = session.get(SyncState, 1)
    officer = session.get(Officer, state.officer_id) if state and state.officer_id else None
    pending = session.execute(select(func.count()).select_from(OutboxMutation)).scalar_one()
    return state, officer, int(pending)


def _pending_message(officer: Officer, pending: int) -> str:
    return (
        f"This laptop holds {pending} change(s) made by {officer.display_name or officer.username} "
        "that have not reached the central store yet. Sign in as them and sync first; signing "
        "in as someone else would lose that work. Nothing was changed."
    )


DEMO_KEY_FILE_REFUSED = (
    "This data folder keeps its key in a file, which is only for the synthetic demo on this "
    "computer. A real caseload's key must be kept in the system keyring: start Doorstep without "
    "--allow-demo-key-file, with a keyring available (on Linux, GNOME Keyring or KWallet), and "
    "sign in again. Nothing was changed."
)


def sign_in(
    workspace: Workspace,
    *,
    server_url: str,
    username: str,
    password: str,
    device_name: str = "",
    client: SyncClient | None = None,
    pin: str | None = None,
) -> OfficerInfo:
    """Sign this device in as ``username``: enrol it, keep the token in the keyring.

    Raises ``SyncError`` subclasses (``Offline``, ``AuthRejected``, :class:`SignInRefused`, ...)
    whose ``str()`` is the message to show; nothing is changed then.
    """
    url = normalise_server_url(server_url)
    problem = None if pin is None else pin_problem(pin)
    if problem is not None:
        raise SignInRefused(problem)
    if workspace.uses_demo_key_file and not urlsplit(url).scheme == "http":
        # The demo's central store runs on this computer over http://; an https:// one is a
        # council's, and a real caseload's key belongs in the keyring, never in a file.
        raise SignInRefused(DEMO_KEY_FILE_REFUSED)
    username = username.strip()
    store = workspace.store
    with store.transaction() as session:
        state, officer, pending = _device_state(session)
    switching = officer is not None and officer.username.casefold() != username.casefold()
    if switching and pending and officer is not None:
        raise SignInRefused(_pending_message(officer, pending))
    device_id = state.device_id if state is not None and not switching else uuid.uuid4()

    own_client = client is None
    if client is None:
        from app.sync.client import SyncClient  # loaded on first use: keeps httpx out of start-up

        client = SyncClient(url, app_version=__version__)
    http = client
    try:
        reply = http.sign_in(
            username=username,
            password=password,
            device_id=device_id,
            device_name=device_name or socket.gethostname()[:200],
        )
    finally:
        if own_client:
            http.close()

    new_officer = reply.officer
    with store.transaction() as session:
        row = session.get(SyncState, 1)
        old = session.get(Officer, row.officer_id) if row and row.officer_id else None
        if old is not None and old.id != new_officer.id:
            waiting = session.execute(select(func.count()).select_from(OutboxMutation)).scalar_one()
            if waiting:
                raise SignInRefused(_pending_message(old, int(waiting)))
            from app.sync.pull import wipe_caseload

            wipe_caseload(session, keep_rejected=False)
        if row is None:
            row = SyncState(id=1, device_id=device_id, cursor=0)
            session.add(row)
        row.device_id = device_id
        row.server_url = url
        row.officer_id = new_officer.id
        session.execute(delete(Officer).where(Officer.id != new_officer.id))
        session.flush()
        session.merge(
            Officer(
                id=new_officer.id,
                username=new_officer.username,
                display_name=new_officer.display_name,
            )
        )
        record_event(
            session,
            event="device.signed_in",
            officer_id=new_officer.id,
            device_id=device_id,
            detail={"switched_officer": bool(old is not None and old.id != new_officer.id)},
        )
        # Last, inside the transaction: if the keyring refuses, nothing above is committed.
        store.secrets.save_device_token(reply.token)
        if pin is not None:
            store.protect_with_pin(pin)
    return OfficerInfo(new_officer.id, new_officer.username, new_officer.display_name)


def set_pin(workspace: Workspace, *, pin: str) -> None:
    """Keep the database key only wrapped with ``pin`` from now on; :class:`SignInRefused`
    naming the problem when ``pin`` is too easy."""
    problem = pin_problem(pin)
    if problem is not None:
        raise SignInRefused(problem)
    workspace.store.protect_with_pin(pin)


__all__ = [
    "BadServerUrl",
    "OfficerInfo",
    "SignInRefused",
    "current_officer",
    "is_enrolled",
    "normalise_server_url",
    "server_url",
    "set_pin",
    "set_server_url",
    "sign_in",
]
