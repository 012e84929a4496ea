"""Erasing this laptop's copy of the caseload, when IT has wiped the device.

The keys go first: the database and every copy set aside are encrypted, so without their keys
what is left on the disk is noise even before it is deleted (on an SSD a deleted file's blocks
may linger; a key gone from the keyring is gone). Then the files: the database with its
write-ahead log and shared memory, the outbox mark, the checked policy, the quarantine folder,
and the demo's key files. The data folder itself, and a council's own policy file in it, stay.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from app.paths import database_path
from app.store.keys import Secrets
from app.store.outbox_mark import MARK_NAME
from app.store.set_aside import QUARANTINE

#: The checked recovery policy (app.services.recovery_policy): the council's words, but sealed
#: with a key that no longer exists.
_POLICY_CACHE = "recovery-policy.checked"


def erase_local_data(data_dir: Path, secrets: Secrets) -> int:
    """Delete every key and file of this data folder's caseload; the number of files deleted."""
    quarantine = data_dir / QUARANTINE
    set_aside = sorted(p.name for p in quarantine.iterdir()) if quarantine.is_dir() else []
    for label in set_aside:
        secrets.forget_set_aside_key(label)
    secrets.forget_database_key()
    secrets.forget_device_token()
    secrets.save_pin_failures(0, None)
    database = database_path(data_dir)
    doomed = [
        database,
        database.with_name(database.name + "-wal"),
        database.with_name(database.name + "-shm"),
        data_dir / MARK_NAME,
        data_dir / _POLICY_CACHE,
        *data_dir.glob("demo-*.secret"),
    ]
    erased = 0
    for path in doomed:
        if path.exists():
            path.unlink()
            erased += 1
    if quarantine.is_dir():
        erased += sum(1 for p in quarantine.rglob("*") if p.is_file())
        shutil.rmtree(quarantine)
    return erased
