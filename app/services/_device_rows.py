"""Who this device is, read inside a use case's transaction (package-private): the officer
signed in and how much unsent work the outbox holds.

Threading: on the thread that owns the Session.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Officer, OutboxMutation, SyncState


@dataclass(frozen=True)
class OfficerInfo:
    """The signed-in officer, as the central store names them."""

    id: uuid.UUID
    username: str
    display_name: str


def device_state(session: Session) -> tuple[SyncState | None, Officer | None, int]:
    """The sync state, the officer signed in (or None) and the number of unsent mutations."""
    state = session.get(SyncState, 1)
    officer = session.get(Officer, state.officer_id) if state and state.officer_id else None
    pending = session.execute(select(func.count()).select_from(OutboxMutation)).scalar_one()
    return state, officer, int(pending)


def signed_in_officer(session: Session) -> OfficerInfo | None:
    """The officer whose caseload is on this device, or None."""
    _, officer, _ = device_state(session)
    if officer is None:
        return None
    return OfficerInfo(officer.id, officer.username, officer.display_name)
