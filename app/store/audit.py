"""The local audit log: append an event (ids and events only).

Invariant: no names, addresses or amounts tied to a person are ever written. ``detail`` holds
counts, cursors, flags and ids only; callers are trusted to keep to that, and
:func:`record_event` refuses a detail value that is not a plain number, flag, id or short code.

Threading: a plain function over a Session passed in; the caller (a service, in the transaction
of its use case) owns the transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from app.models import AuditEvent, SyncState

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


def record_event(
    session: Session,
    *,
    event: str,
    officer_id: uuid.UUID | None = None,
    device_id: uuid.UUID | None = None,
    entity_type: str | None = None,
    entity_id: uuid.UUID | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event (e.g. ``"device.signed_in"``, ``"sync.pulled"``) to the session."""
    row = AuditEvent(
        id=uuid.uuid4(),
        event=event,
        officer_id=officer_id,
        device_id=device_id,
        entity_type=entity_type,
        entity_id=entity_id,
        detail=_check_detail(detail or {}),
    )
    session.add(row)
    return row


def record_device_event(
    session: Session,
    *,
    event: str,
    entity_type: str | None = None,
    entity_id: uuid.UUID | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """:func:`record_event` by this device's officer (from ``SyncState``; None before sign-in)."""
    state = session.get(SyncState, 1)
    return record_event(
        session,
        event=event,
        officer_id=state.officer_id if state else None,
        device_id=state.device_id if state else None,
        entity_type=entity_type,
        entity_id=entity_id,
        detail=detail,
    )
