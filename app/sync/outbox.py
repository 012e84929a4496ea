"""Append a mutation to the sync outbox, in the caller's transaction (docs/design.md#outbox).

Every service that changes something an officer owns calls :func:`append_mutation` in the same
transaction as the change, so a change and its outbox row are saved together or not at all.
``device_seq`` increases by one per mutation and orders the push; it keeps increasing after the
push has emptied the outbox (``SyncState.last_device_seq``), so a number is never used twice
by one device. The device clock is recorded for people and never orders anything.

Threading: a plain function over a Session passed in; the caller (a service, in the transaction
of its use case) owns the transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import OutboxMutation, SyncState
from app.sqlkit.utc import utcnow
from app.store.outbox_mark import touch_outbox


def append_mutation(
    session: Session,
    *,
    intent: str,
    args: dict[str, Any],
    entity_ids: list[uuid.UUID],
    base_version: int | None = None,
    before: dict[str, Any] | None = None,
) -> OutboxMutation:
    """Queue ``intent`` (versioned, e.g. ``"case_action.record@1"``) with JSON-ready ``args``."""
    last = session.execute(select(func.max(OutboxMutation.device_seq))).scalar_one()
    state = session.get(SyncState, 1)
    device_seq = max(int(last or 0), state.last_device_seq if state is not None else 0) + 1
    if state is not None:
        state.last_device_seq = device_seq
    row = OutboxMutation(
        id=uuid.uuid4(),
        device_seq=device_seq,
        intent=intent,
        args=args,
        entity_ids=[str(entity) for entity in entity_ids],
        base_version=base_version,
        before=before,
        device_time=utcnow(),
    )
    session.add(row)
    touch_outbox(session)  # the mark beside the database follows (app.store.outbox_mark)
    return row
