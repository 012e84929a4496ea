"""Locking Doorstep on a laptop left open, and coming back to it with the PIN.

A lock (after the policy's idle minutes, or Ctrl+L) clears every screen and drops the database
key; only the PIN brings it back, offline (docs/security.md). What the officer had open is not
lost: :func:`lock_caseload` keeps each open screen as an :class:`OpenForm` (its kind, its case
and what was typed in it) in the encrypted database before the key goes, and
:func:`unlock_caseload` takes the key back and hands them over to be opened again as they were.
A lock the app never came back from (the battery ran out, the process was killed) is picked up
at the next start by :func:`take_open_forms`.

The window also notes whether it is open or locked in a small file beside the database
(:func:`note_window`; no personal data), so ``python -m app status`` can say whether the
caseload is on a screen now.

Threading: blocking; call off the GUI thread (``note_window`` and ``window_state`` are small
file operations any thread may make).
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from app.paths import write_private_file
from app.services.workspace import Workspace
from app.store.audit import append_event
from app.store.database import PlainConnection
from app.store.instants import instant_to_store

#: Beside the database while a window has the caseload: ``{"pid": ..., "locked": ...}``.
WINDOW_STATE_NAME = "window-state.json"
WindowState = Literal["none", "open", "locked"]


@dataclass(frozen=True)
class OpenForm:
    """A screen open when Doorstep locked: ``kind`` names it ("case", "record_action",
    "arrangement", "assessment", ...), ``state`` holds what was typed, as JSON values."""

    kind: str
    tenancy_id: uuid.UUID
    state: Mapping[str, Any] = field(default_factory=dict)


def lock_caseload(workspace: Workspace, open_forms: Sequence[OpenForm]) -> None:
    """Keep ``open_forms`` in the encrypted database, record the lock, then drop the key: every
    use case is refused (``CaseloadLocked``) until :func:`unlock_caseload`. The key is dropped
    even when the screens cannot be kept (a full disk): that error is raised after."""
    try:
        _keep(workspace, open_forms)
    finally:
        workspace.store.lock()


def _keep(workspace: Workspace, open_forms: Sequence[OpenForm]) -> None:
    with workspace.store.plain_transaction(writing=True) as connection:
        connection.execute("DELETE FROM form_draft")
        now = instant_to_store(datetime.now(UTC))
        for position, form in enumerate(open_forms):
            connection.execute(
                "INSERT INTO form_draft (id, kind, tenancy_id, position, state, saved_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    uuid.uuid4().hex,
                    form.kind,
                    form.tenancy_id.hex,
                    position,
                    json.dumps(dict(form.state)),
                    now,
                ),
            )
        append_event(connection, event="app.locked", detail={"forms_kept": len(open_forms)})


def unlock_caseload(workspace: Workspace, pin: str | None) -> tuple[OpenForm, ...]:
    """Take the key back with ``pin`` (``PinRefused`` when wrong: counted, slowed, and the
    tenth erases the caseload, ``CaseloadErased``), then the screens to open again."""
    workspace.store.unlock(pin)
    with workspace.store.plain_transaction(writing=True) as connection:
        forms = _taken(connection)
        append_event(connection, event="app.unlocked", detail={"forms_back": len(forms)})
    return forms


def take_open_forms(workspace: Workspace) -> tuple[OpenForm, ...]:
    """The screens kept by a lock Doorstep did not come back from, to open again (once)."""
    with workspace.store.plain_transaction(writing=True) as connection:
        return _taken(connection)


def _taken(connection: PlainConnection) -> tuple[OpenForm, ...]:
    """The kept screens whose case is still on the laptop, in order; all rows are deleted."""
    rows = connection.execute(
        "SELECT d.kind, d.tenancy_id, d.state FROM form_draft AS d"
        " JOIN tenancy AS t ON t.id = d.tenancy_id ORDER BY d.position"
    ).fetchall()
    connection.execute("DELETE FROM form_draft")
    forms = []
    for kind, tenancy_id, state in rows:
        try:
            kept = json.loads(state)
        except ValueError:
            continue  # unreadable: the screen is not opened again, nothing else is affected
        if isinstance(kept, dict):
            forms.append(OpenForm(kind, uuid.UUID(tenancy_id), kept))
    return tuple(forms)


def note_window(data_dir: Path, *, locked: bool | None) -> None:
    """Note the window as open or locked; ``None``: it closed. Best effort: a folder that cannot
    be written only leaves ``status`` less sure (it then says locked, the safe side)."""
    path = data_dir / WINDOW_STATE_NAME
    try:
        if locked is None:
            path.unlink(missing_ok=True)
        else:
            payload = {"pid": os.getpid(), "locked": locked}
            write_private_file(path, json.dumps(payload).encode("utf-8"))
    except OSError:
        pass


def window_state(data_dir: Path) -> WindowState:
    """Whether a live Doorstep window shows this caseload ("open"), holds it locked
    ("locked"), or none has it ("none": a window that died is none)."""
    try:
        noted = json.loads((data_dir / WINDOW_STATE_NAME).read_text(encoding="utf-8"))
        pid, locked = int(noted["pid"]), bool(noted["locked"])
    except (OSError, ValueError, KeyError, TypeError):
        return "none"
    if not _process_alive(pid):
        return "none"
    return "locked" if locked else "open"


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":  # os.kill would end the process there
        import ctypes

        kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


__all__ = [
    "OpenForm",
    "WINDOW_STATE_NAME",
    "lock_caseload",
    "note_window",
    "take_open_forms",
    "unlock_caseload",
    "window_state",
]
