"""The local audit log: append an event (ids and events only).

Invariant: no names, addresses or amounts tied to a person are ever written. ``detail`` holds
counts, cursors, flags and ids only; callers are trusted to keep to that, and
:func:`append_event` refuses a detail value that is not a plain number, flag, id or short code.

Threading: plain functions over a connection (or a Session) passed in; the caller (a service, in
the transaction of its use case) owns the transaction.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from app.store.database import PlainConnection, plain_connection_of
from app.store.instants import instant_to_store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_ALLOWED = (int, bool, type(None))
_MAX_CODE = 60


def _check_detail(detail: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key, value in detail.items():
        if isinstance(value, uuid.UUID):
            clean[key] = str(value)
        elif isinstance(value, _ALLOWED):
            clean[key] = value
        elif isinstance(value, str) and len(value) <= _MAX_CODE:
            clean[key] = value  # a short code such as a report name or an error code
        else:
            raise ValueError(f"audit detail {key!r} must be a number, flag, id or short code")
    return clean


def append_event(
    connection: PlainConnection,
    *,
    event: str,
    officer_id: uuid.UUID | None = None,
    device_id: uuid.UUID | None = None,
    entity_type: str | None = None,
    entity_id: uuid.UUID | None = None,
    detail: dict[str, Any] | None = None,
) -> uuid.UUID:
    """Append one audit event (e.g. ``"device.signed_in"``, ``"sync.pulled"``); its id.

    Plain SQL, so the first screen can audit its read before SQLAlchemy has loaded; the row is
    the one the ``AuditEvent`` model maps (ids as hex, the detail as JSON)."""
    event_id = uuid.uuid4()
    connection.execute(
        "INSERT INTO audit_event (id, occurred_at, officer_id, device_id, event, entity_type,"
        " entity_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            event_id.hex,
            instant_to_store(datetime.now(UTC)),
            _hex(officer_id),
            _hex(device_id),
            event,
            entity_type,
            _hex(entity_id),
            json.dumps(_check_detail(detail or {})),
        ),
    )
    return event_id


def append_device_event(
    connection: PlainConnection,
    *,
    event: str,
    entity_type: str | None = None,
    entity_id: uuid.UUID | None = None,
    detail: dict[str, Any] | None = None,
) -> uuid.UUID:
    """:func:`append_event` by this device's officer (from the sync state; None before
    sign-in)."""
    row = connection.execute("SELECT officer_id, device_id FROM sync_state WHERE id = 1").fetchone()
    officer_id, device_id = (None, None) if row is None else row
    return append_event(
        connection,
        event=event,
        officer_id=None if officer_id is None else uuid.UUID(officer_id),
        device_id=None if device_id is None else uuid.UUID(device_id),
        entity_type=entity_type,
        entity_id=entity_id,
        detail=detail,
    )


def record_event(session: Session, **event: Any) -> uuid.UUID:
    """:func:`append_event` inside a use case's Session."""
    return append_event(plain_connection_of(session), **event)


def record_device_event(session: Session, **event: Any) -> uuid.UUID:
    """:func:`append_device_event` inside a use case's Session."""
    return append_device_event(plain_connection_of(session), **event)


def _hex(value: uuid.UUID | None) -> str | None:
    return None if value is None else value.hex
