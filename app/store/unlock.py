"""Opening a PIN-wrapped key, with guesses slowed and then stopped.

Four wrong PINs in a row cost nothing; from the fifth, each next try must wait, 30 seconds
doubling each time (30 s, 1, 2, 4 and 8 minutes); the tenth wrong PIN erases this laptop's keys
and files of the caseload (``app.store.erase``), so a thief with the laptop gets ten guesses in
about a quarter of an hour, never more, and the officer signs in online again. Before the last
try the refusal says how many unsent changes would go with it. The count is kept in the keyring
beside the key, so restarting the app does not reset it; a right PIN does.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.store.erase import erase_local_data
from app.store.errors import CaseloadErased, PinNeeded, PinRefused
from app.store.keys import DatabaseKey, Secrets
from app.store.outbox_mark import MARK_NAME
from app.store.pin import WrongPin, unwrap_key
from app.store.sealed import MAC_SIZE

FREE_TRIES = 4
ERASE_AT = 10
FIRST_WAIT = timedelta(seconds=30)


def unlock_key(
    data_dir: Path, secrets: Secrets, pin: str | None, *, now: datetime | None = None
) -> DatabaseKey | None:
    """The database key: unwrapped as kept, or opened with ``pin`` (see the module)."""
    record = secrets.stored_database_key()  # one keyring read: a D-Bus call on Linux
    if not isinstance(record, dict):
        return record
    if pin is None:
        raise PinNeeded("This caseload is locked with your PIN: enter it to open it.")
    now = now or datetime.now(UTC)
    failures, last = secrets.pin_failures()
    wait = _wait_left(failures, last, now)
    if wait:
        raise PinRefused(f"Too many wrong PINs: try again in {_words(wait)}.")
    try:
        raw = unwrap_key(record["pin"], pin)
    except WrongPin:
        return _wrong(data_dir, secrets, failures + 1, now)
    secrets.save_pin_failures(0, None)
    salt = record.get("salt")
    return DatabaseKey(raw, bytes.fromhex(salt) if salt else None)


def _wrong(data_dir: Path, secrets: Secrets, failures: int, now: datetime) -> DatabaseKey:
    if failures >= ERASE_AT:
        erase_local_data(data_dir, secrets)
        raise CaseloadErased(
            f"{ERASE_AT} wrong PINs in a row: this laptop's copy of the caseload and its keys "
            "have been erased. Sign in again to download your caseload."
        )
    secrets.save_pin_failures(failures, now.isoformat())
    left = ERASE_AT - failures
    message = f"Wrong PIN ({failures} in a row)."
    if failures > FREE_TRIES:
        message += f" Wait {_words(_delay(failures))} before the next try."
    if left == 1:
        message += (
            " One more wrong PIN erases this laptop's copy of the caseload"
            f"{_unsent_words(data_dir)}; you would then sign in again to download it."
        )
    raise PinRefused(message)


def _delay(failures: int) -> timedelta:
    return FIRST_WAIT * 2 ** (failures - FREE_TRIES - 1)


def _wait_left(failures: int, last: str | None, now: datetime) -> timedelta | None:
    if failures <= FREE_TRIES or last is None:
        return None
    left = datetime.fromisoformat(last) + _delay(failures) - now
    return left if left > timedelta(0) else None


def _words(wait: timedelta) -> str:
    seconds = max(1, int(wait.total_seconds() + 0.999))
    if seconds < 120:
        return f"{seconds} seconds"
    return f"{(seconds + 59) // 60} minutes"


def _unsent_words(data_dir: Path) -> str:
    """", with its 3 changes not yet sent", read without the key (which is what is missing):
    the count is only advice here, so an unverified mark will do."""
    try:
        payload = (data_dir / MARK_NAME).read_bytes()[MAC_SIZE:]
        waiting = int(json.loads(payload)["waiting"])
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    if waiting == 0:
        return " (it holds no changes waiting to be sent)"
    changes = "change" if waiting == 1 else "changes"
    return f", with its {waiting} {changes} not yet sent"
