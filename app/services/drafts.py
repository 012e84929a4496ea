"""Drafts saved as the officer types, so nothing typed on a doorstep is lost to a crash.

A form that keeps its draft (visit mode's contact) calls :func:`keep_draft` a moment after each
change, and :func:`drop_draft` once what it held is saved or the officer discards it. The draft
is a row of ``form_draft`` in the encrypted database (never a plaintext file), the table the lock
keeps open screens in (``app.services.screen_lock``): a draft left by a crash or a kill is
therefore handed back at the next start by ``take_open_forms`` and its screen opens again as it
was; a lock replaces the table's rows with the open screens (the same drafts, as they stand),
and unlocking hands them back.

Threading: blocking (one small write); call it off the GUI thread.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from app.services.screen_lock import OpenForm
from app.services.workspace import Workspace
from app.store.instants import instant_to_store

#: Drafts come after the screens a lock keeps, so a case window opens before its form.
DRAFT_POSITION = 1_000


def keep_draft(workspace: Workspace, *, draft_id: uuid.UUID, form: OpenForm) -> None:
    """Save ``form`` (its kind, case and what is typed) as the draft ``draft_id``, replacing
    the draft's previous state."""
    state = json.dumps(dict(form.state))
    with workspace.store.plain_transaction(writing=True) as connection:
        connection.execute("DELETE FROM form_draft WHERE id = ?", (draft_id.hex,))
        connection.execute(
            "INSERT INTO form_draft (id, kind, tenancy_id, position, state, saved_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                draft_id.hex,
                form.kind,
                form.tenancy_id.hex,
                DRAFT_POSITION,
                state,
                instant_to_store(datetime.now(UTC)),
            ),
        )


def drop_draft(workspace: Workspace, *, draft_id: uuid.UUID) -> None:
    """Forget the draft ``draft_id`` (what it held was saved, or discarded)."""
    with workspace.store.plain_transaction(writing=True) as connection:
        connection.execute("DELETE FROM form_draft WHERE id = ?", (draft_id.hex,))
