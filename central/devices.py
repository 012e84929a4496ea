"""Device enrolment and device tokens.

A device (one laptop's copy of Doorstep) is enrolled to one officer. Signing in issues a fresh
token, ``secrets.token_urlsafe(32)``, shown to the device once; the store keeps only its
SHA-256 (hex) in ``device.token_hash``, so a copy of the database cannot be used to sync.
Signing in again on the same device replaces the token (the old one stops working at once).

Invariants:

- a device id belongs to one officer for ever: enrolling it to another officer is refused
  (:class:`DeviceOfAnotherOfficer`), so nobody can take over another officer's device record;
- a revoked device's token is never accepted, and signing in does not un-revoke it.

Threading: plain functions over a Session passed in; the caller owns the transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.sqlkit.utc import utcnow
from central.models import Device, Officer


class DeviceOfAnotherOfficer(Exception):
    """The device id is already enrolled to a different officer."""


class DeviceRevoked(Exception):
    """The device was revoked; it cannot sign in again under the same id."""


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

    Raises :class:`DeviceOfAnotherOfficer` when the id is enrolled to someone else and
    :class:`DeviceRevoked` when it was revoked. Nothing is written in either case.
    """
    token = new_token()
    device = session.get(Device, device_id)
    if device is None:
        session.add(
            Device(
                id=device_id,
                officer_id=officer.id,
                token_hash=hash_token(token),
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
        if device_name:
            device.name = device_name
        device.last_seen_at = utcnow()
    session.flush()
    return token


def device_for_token(session: Session, token: str) -> Device | None:
    """The enrolled, unrevoked device holding ``token``, or None."""
    if not token or len(token) > 200:
        return None
    digest = hash_token(token)
    device = session.execute(select(Device).where(Device.token_hash == digest)).scalar_one_or_none()
    if device is None or device.revoked_at is not None:
        return None
    # The lookup is by an indexed hash; compare again in constant time for good measure.
    if not hmac.compare_digest(device.token_hash, digest):
        return None
    return device


def revoke_device(session: Session, *, device_id: uuid.UUID) -> bool:
    """Revoke a device: its token stops working at once. False when there is no such device."""
    device = session.get(Device, device_id)
    if device is None:
        return False
    if device.revoked_at is None:
        device.revoked_at = utcnow()
    return True
