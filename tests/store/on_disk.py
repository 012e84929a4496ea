"""What a caseload folder holds, to show a fault test changed nothing on disk."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_digests(folder: Path) -> dict[str, str]:
    """Every file's digest, but for SQLite's bookkeeping that holds no data (and that a reader
    may make): the shared-memory index, and a write-ahead log with nothing in it."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and not path.name.endswith("-shm")
        and not (path.name.endswith("-wal") and path.stat().st_size == 0)
    }
