"""Device enrolment and device tokens.

A device (one laptop's copy of Doorstep) is enrolled to one officer. Signing in issues a fresh
token, ``secrets.token_urlsafe(32)``, shown to the device once; the store keeps only its
SHA-256 (hex) in ``device.token_hash``, so a copy of the database cannot be used to sync.
Signing in again on the same device replaces the token (the old one stops working at once).
A token lasts :data:`TOKEN_LIFETIME` from its issue; after that it is refused
(:class:`TokenExpired`) and the device signs in again, so a token copied off a laptop is of use
for a month at most.

Invariants:

- a device id belongs to one officer for ever: enrolling it to another officer is refused
  (:class:`DeviceOfAnotherOfficer`), so nobody can take over another officer's device record;
- a revoked device's token is never accepted, and signing in does not un-revoke it;
- no token of a disabled officer's device is accepted;
- a device IT asked to wipe is never served again: each contact carrying its token (and each
  sign-in under its id) raises :class:`DeviceToWipe`, so the answer that tells it to erase its
  data is given again if the first was lost on the way.

Threading: plain functions over a Session passed in (the caller owns the transaction), plus
the ``device_command`` wrapper for the command line, one transaction per command.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import secrets
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.sqlkit.utc import utcnow
from central import security_log
from central.models import Device, Officer


class DeviceOfAnotherOfficer(Exception):
    """The device id is already enrolled to a different officer."""


class DeviceRevoked(Exception):
    """The device was revoked; it cannot sign in again under the same id."""


# A month: an officer signs in about monthly, and a stolen token stops working by itself.
TOKEN_LIFETIME = timedelta(days=30)


class TokenExpired(Exception):
    """The device's token is older than :data:`TOKEN_LIFETIME`; it must sign in again."""


class DeviceToWipe(Exception):
    """IT asked for this device to be wiped: it must be told so, and served nothing."""

    def __init__(self, device: Device) -> None:
        super().__init__(str(device.id))
        self.device = device


def hash_token(token: str) -> str:
    """The SHA-256 of a device token, as 64 hex digits (what the store keeps)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh device token: 32 random bytes, URL-safe base64."""
    return secrets.token_urlsafe(32)


def enrol_device(
    session: Session, *, officer: Officer, device_id: uuid.UUID, device_name: str = ""
) -> str:
    """Enrol (or re-enrol) ``device_id`` for ``officer`` and return its new token.

    Raises :class:`DeviceToWipe` when IT asked for it to be wiped,
    :class:`DeviceOfAnotherOfficer` when the id is enrolled to someone else and
    :class:`DeviceRevoked` when it was revoked. Nothing is written in any of these cases.
    """
    token = new_token()
    device = session.get(Device, device_id)
    if device is not None and device.wipe_requested_at is not None:
        raise DeviceToWipe(device)
    if device is None:
        session.add(
            Device(
                id=device_id,
                officer_id=officer.id,
                token_hash=hash_token(token),
                token_issued_at=utcnow(),
                name=device_name,
                last_seen_at=utcnow(),
            )
        )
    else:
        if device.officer_id != officer.id:
            raise DeviceOfAnotherOfficer(str(device_id))
        if device.revoked_at is not None:
            raise DeviceRevoked(str(device_id))
        device.token_hash = hash_token(token)
        device.token_issued_at = utcnow()
        if device_name:
            device.name = device_name
        device.last_seen_at = utcnow()
    session.flush()
    return token


def device_for_token(session: Session, token: str) -> Device | None:
    """The enrolled, unrevoked device of an enabled officer holding ``token``, or None.

    Raises :class:`DeviceToWipe` for a device IT asked to wipe, revoked or not: a stolen
    laptop may be revoked first and wiped after, and must still be told to erase its data.
    Raises :class:`TokenExpired` for the token of a device that may sign in again, issued
    :data:`TOKEN_LIFETIME` or more ago.
    """
    if not token or len(token) > 200:
        return None
    digest = hash_token(token)
    device = session.execute(select(Device).where(Device.token_hash == digest)).scalar_one_or_none()
    # The lookup is by an indexed hash; compare again in constant time for good measure.
    if device is None or not hmac.compare_digest(device.token_hash, digest):
        return None
    if device.wipe_requested_at is not None:
        raise DeviceToWipe(device)
    if device.revoked_at is not None:
        return None
    officer = session.get(Officer, device.officer_id)
    if officer is None or officer.disabled_at is not None:
        return None
    issued = device.token_issued_at
    if issued is None or issued + TOKEN_LIFETIME <= utcnow():
        raise TokenExpired(str(device.id))
    return device


def record_wipe_told(device: Device) -> None:
    """Note the first time the service told ``device`` to erase its data."""
    if device.wiped_at is None:
        device.wiped_at = utcnow()


def revoke_device(session: Session, *, device_id: uuid.UUID) -> bool:
    """Revoke a device: its token stops working at once. False when there is no such device."""
    device = session.get(Device, device_id)
    if device is None:
        return False
    if device.revoked_at is None:
        device.revoked_at = utcnow()
    return True


def request_wipe(session: Session, *, device_id: uuid.UUID) -> bool:
    """Mark a device for wiping; its next contact is told to erase its data. False when there
    is no such device."""
    device = session.get(Device, device_id)
    if device is None:
        return False
    if device.wipe_requested_at is None:
        device.wipe_requested_at = utcnow()
    return True


def void_tokens(session: Session, *, officer_id: uuid.UUID) -> int:
    """Make every device token of an officer useless (each device must sign in again, and
    can); the number of devices. The hash of a token nobody was given takes each one's place,
    since the column holds a unique hash."""
    ids = session.scalars(select(Device.id).where(Device.officer_id == officer_id)).all()
    for device_id in ids:
        session.execute(
            update(Device).where(Device.id == device_id).values(token_hash=hash_token(new_token()))
        )
    return len(ids)


# -- the command line: device list | revoke ID | wipe ID ------------------------------------

LISTING_COLUMNS = ("device_id", "officer", "enrolled_at", "last_seen_at", "state")


@dataclass(frozen=True)
class DeviceListing:
    """One line of ``device list``; ``officer`` is the officer's username."""

    device_id: uuid.UUID
    officer: str
    enrolled_at: datetime
    last_seen_at: datetime | None
    state: str


def device_state(device: Device) -> str:
    """``wiped`` once told, ``wipe requested`` until then, else ``revoked`` or ``active``."""
    if device.wiped_at is not None:
        return "wiped"
    if device.wipe_requested_at is not None:
        return "wipe requested"
    if device.revoked_at is not None:
        return "revoked"
    return "active"


def list_devices(session: Session) -> list[DeviceListing]:
    """Every enrolled device, by officer's username then by enrolment."""
    rows = session.execute(
        select(Device, Officer.username)
        .join(Officer, Officer.id == Device.officer_id)
        .order_by(Officer.username, Device.enrolled_at, Device.id)
    ).all()
    return [
        DeviceListing(d.id, username, d.enrolled_at, d.last_seen_at, device_state(d))
        for d, username in rows
    ]


def _when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def _listing_rows(devices: list[DeviceListing]) -> list[tuple[str, ...]]:
    return [
        (str(d.device_id), d.officer, _when(d.enrolled_at), _when(d.last_seen_at), d.state)
        for d in devices
    ]


def format_devices_csv(devices: list[DeviceListing]) -> str:
    """``device list --format csv``: the header then one row a device."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LISTING_COLUMNS)
    writer.writerows(_listing_rows(devices))
    return out.getvalue()


def format_devices_text(devices: list[DeviceListing]) -> str:
    """``device list`` as aligned text columns."""
    rows = [LISTING_COLUMNS, *_listing_rows(devices)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(LISTING_COLUMNS))]
    lines = ["  ".join(f"{v:<{w}}" for v, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def parse_device_id(text: str) -> uuid.UUID | None:
    """The device id IT typed, or None when it is not a UUID."""
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        return None


def _mark_device(engine_url: str | None, action: str, device_id: uuid.UUID) -> bool:
    """Revoke or mark for wiping in one transaction, and log it; False when not enrolled."""
    from central.db import open_store

    engine = open_store(engine_url)
    try:
        with Session(engine) as session, session.begin():
            mark = revoke_device if action == "revoke" else request_wipe
            if not mark(session, device_id=device_id):
                return False
            officer_id = session.get_one(Device, device_id).officer_id
        security_log.it_command(f"device_{action}", device_id=device_id, officer_id=officer_id)
        return True
    finally:
        engine.dispose()


DONE = {
    "revoke": "revoked: device {id} can no longer sync or sign in under this id",
    "wipe": "wipe requested: device {id} is told to erase its data at its next contact, "
    "and served nothing more",
}


def device_command(*, url: str | None, action: str, device_id: str | None, fmt: str) -> int:
    """``python -m central device list|revoke|wipe``: 0 on success, 2 (reason on stderr) for
    a device id that is malformed or not enrolled."""
    if action == "list":
        from central.db import open_store

        engine = open_store(url)
        try:
            with Session(engine) as session:
                listing = list_devices(session)
        finally:
            engine.dispose()
        formatter = format_devices_csv if fmt == "csv" else format_devices_text
        sys.stdout.write(formatter(listing))
        return 0
    parsed = parse_device_id(device_id or "")
    if parsed is None:
        sys.stderr.write(f"device {action}: {device_id!r} is not a device id (a UUID)\n")
        return 2
    if not _mark_device(url, action, parsed):
        sys.stderr.write(f"device {action}: no device {parsed} is enrolled; nothing changed\n")
        return 2
    sys.stdout.write(DONE[action].format(id=parsed) + "\n")
    return 0
