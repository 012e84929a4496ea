"""A caseload that will not open: what it held, and setting it aside to download it again.

When the encrypted database is damaged, is not a Doorstep database, or will not open with this
computer's key, the app says why and how many changes were waiting to be sent when it was last
counted (``app.store.outbox_mark``), then sets it aside only if the officer agrees
(``app.store.set_aside``: moved whole into the quarantine folder, its key kept). A disk that is
full, read-only or unreachable, a missing keyring or a database from a newer Doorstep are never
set aside: the file may be sound, and the cure is elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.store.database import read_outbox_mark
from app.store.errors import CorruptDatabase, NotADoorstepDatabase, StoreError, WrongKey
from app.store.keys import Secrets
from app.store.set_aside import SetAside, set_aside

#: The refusals that only a new copy of the caseload can cure.
_SETTABLE = (CorruptDatabase, NotADoorstepDatabase, WrongKey)


@dataclass(frozen=True)
class Unopenable:
    """Why the caseload would not open, whether it may be set aside, and how many changes were
    waiting to be sent when last counted (None when that is not known)."""

    reason: str
    can_set_aside: bool
    unsent: int | None


def why_unopenable(
    data_dir: Path, error: StoreError, *, allow_demo_files: bool = False
) -> Unopenable:
    """What to tell the officer about ``error``, raised opening the caseload in ``data_dir``."""
    if not isinstance(error, _SETTABLE):
        return Unopenable(str(error), can_set_aside=False, unsent=None)
    return Unopenable(str(error), can_set_aside=True, unsent=_unsent(data_dir, allow_demo_files))


def set_aside_caseload(
    data_dir: Path, *, allow_demo_files: bool = False, now: datetime | None = None
) -> SetAside:
    """Move the caseload that will not open into the quarantine folder, keeping its key, so a
    new one can be made and downloaded (the officer has agreed)."""
    return set_aside(data_dir, Secrets(data_dir, allow_demo_files=allow_demo_files), now=now)


def _unsent(data_dir: Path, allow_demo_files: bool) -> int | None:
    try:
        key = Secrets(data_dir, allow_demo_files=allow_demo_files).database_key()
    except StoreError:
        return None
    mark = None if key is None else read_outbox_mark(data_dir, key)
    return None if mark is None else mark.waiting


__all__ = ["SetAside", "Unopenable", "set_aside_caseload", "why_unopenable"]
