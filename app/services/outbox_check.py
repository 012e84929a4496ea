"""Changes the laptop saved that its database no longer holds.

A change is committed to the write-ahead log first (``doorstep.db-wal``) and folded into the
database later; delete or cut short that file before then and the change is gone, silently: the
database itself is sound. The outbox mark kept beside the database (``app.store.outbox_mark``)
counts what was queued, so each start compares it with what the database holds and says how
many changes are missing, once: the loss is audited and the mark set to what the database now
holds.
"""

from __future__ import annotations

from app.services.workspace import Workspace
from app.store.audit import append_device_event
from app.store.outbox_mark import count_outbox


def changes_missing(workspace: Workspace) -> int:
    """How many queued changes the database lost since the outbox was last counted (0 when
    none, or when there is no mark to compare with); each loss is reported only once."""
    mark = workspace.store.outbox_mark()
    if mark is None:
        return 0
    with workspace.store.plain_transaction(writing=False) as connection:
        held = count_outbox(connection)
    missing = mark.queued - held.queued
    if missing <= 0:
        return 0
    with workspace.store.plain_transaction(writing=True) as connection:
        append_device_event(
            connection,
            event="outbox.changes_missing",
            detail={"missing": missing, "queued_before": mark.queued, "queued_now": held.queued},
        )
    workspace.store.write_outbox_mark(held)
    return missing


__all__ = ["changes_missing"]
