"""Setting a database that will not open aside, whole, so that a new one can be made.

Nothing is deleted: the database and its write-ahead log, shared memory and outbox mark move
into ``quarantine/<UTC time>/`` in the data folder, and the key that opens them moves to a
keyring entry (or, for the demo, a key file) named after that folder, so IT can still open the
copy and recover what it held. Only then may a new, empty database be made and the caseload
downloaded again. Refusing to open a damaged database never does any of this by itself: the
officer agrees first (``app.services.set_aside``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.paths import database_path
from app.store.keys import Secrets
from app.store.outbox_mark import MARK_NAME

QUARANTINE = "quarantine"


@dataclass(frozen=True)
class SetAside:
    """Where a database was set aside and what holds its key now."""

    folder: Path
    key_held_as: str | None


def set_aside(data_dir: Path, secrets: Secrets, *, now: datetime | None = None) -> SetAside:
    """Move the database and its companions into a new quarantine folder and keep its key."""
    label = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = data_dir / QUARANTINE / label
    folder.mkdir(parents=True)
    # The key is copied first and its usual name freed last, so that whenever this stops the
    # key of every copy is still held somewhere.
    held_as = secrets.copy_database_key(label)
    database = database_path(data_dir)
    for path in (
        database,
        database.with_name(database.name + "-wal"),
        database.with_name(database.name + "-shm"),
        data_dir / MARK_NAME,
    ):
        if path.exists():
            os.replace(path, folder / path.name)  # same folder tree: a rename, never a copy
    secrets.forget_database_key()
    return SetAside(folder, held_as)
