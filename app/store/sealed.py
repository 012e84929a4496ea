"""Files the laptop writes for itself and reads back only if it wrote them.

A sealed file is its payload behind an HMAC-SHA256 under a key derived from the database key, so
a file that was changed, damaged, or written by another data directory (another key) reads as
absent. Only a sealed file's payload may be trusted as the app's own work (the recovery policy
cache unpickles it); the payload is not encrypted, so it must hold no personal data.

Writing is atomic (a temporary file beside it, then a rename) and best effort: a cache that
cannot be written is only a slower next start.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

MAC_SIZE = hashlib.sha256().digest_size
_PURPOSE = b"doorstep: a sealed file of this data directory, v1"


def seal_key(database_key: bytes) -> bytes:
    """The sealing key: derived, so the database key itself never signs anything else."""
    return hmac.new(database_key, _PURPOSE, hashlib.sha256).digest()


def write_sealed(path: Path, payload: bytes, *, key: bytes) -> bool:
    """Write ``payload`` sealed to ``path`` (replacing it whole); False if it could not be."""
    mac = hmac.new(key, payload, hashlib.sha256).digest()
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(mac + payload)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.warning("could not write %s: %s", path.name, exc.strerror)
        return False
    return True


def read_sealed(path: Path, *, key: bytes) -> bytes | None:
    """The payload of the sealed file at ``path``; None when there is none or its seal fails."""
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    mac, payload = blob[:MAC_SIZE], blob[MAC_SIZE:]
    if len(mac) != MAC_SIZE or not hmac.compare_digest(
        mac, hmac.new(key, payload, hashlib.sha256).digest()
    ):
        return None
    return payload
