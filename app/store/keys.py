"""Secrets of the local store: the database key and the device token, in the OS keyring.

The key is a random 256-bit raw SQLCipher key, created on first run and never written to a
file or a log. With it the keyring keeps the database file's 16-byte salt (the plaintext head
of every SQLCipher file), which lets Doorstep tell "this is not the file the key belongs to"
from "the file is damaged".

Only the synthetic demo (``make run``) may fall back, when no keyring exists, to files in its
own demo folder, and keeps using them for as long as they are there (the key of a folder never
moves between a file and the keyring); ``Secrets.source`` then says so and the window title
shows it.

A record in the keyring that cannot be read is never guessed at: a database key whose record was
changed (each record keeps a digest of its values, so a changed character is seen even where it
still parses) is :class:`DamagedKey`, never a wrong PIN, another computer's key or a damaged
database; a count of wrong PINs that cannot be read counts as none; a device token that can no
longer be a bearer token reads as none, so the laptop signs in again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from app.paths import database_path
from app.store.errors import DamagedKey, KeyringUnavailable, PinNeeded

T = TypeVar("T")
log = logging.getLogger(__name__)

SERVICE = "Doorstep"
DEMO_FILE_SOURCE = "demo key file"

NO_KEYRING_MESSAGE = (
    "No keyring is available to hold Doorstep's database key, so the encrypted caseload "
    "cannot be opened or created. Doorstep keeps its key in the operating system's keyring: "
    "Secret Service on Linux (GNOME Keyring or KWallet), Keychain on macOS, Credential Manager "
    "on Windows. On Linux, install one (for example 'sudo apt install gnome-keyring'), sign in "
    "to a desktop session so that it is unlocked, and start Doorstep again. Nothing was changed."
)


@dataclass(frozen=True)
class DatabaseKey:
    """A raw SQLCipher key and, once the file exists, the salt of the file it belongs to."""

    key: bytes
    salt: bytes | None = None

    def pragma(self) -> str:
        return f"PRAGMA key = \"x'{self.key.hex()}'\""

    def _record(self) -> dict[str, Any]:
        salt = self.salt.hex() if self.salt else None
        return {"v": 1, "key": self.key.hex(), "salt": salt}

    def dumps(self) -> str:
        return _with_check(self._record())

    @classmethod
    def loads(cls, text: str) -> DatabaseKey:
        """The key a :meth:`dumps` record holds; ValueError when it cannot be one (damaged)."""
        return cls._from_record(json.loads(text))

    @classmethod
    def _from_record(cls, data: object) -> DatabaseKey:
        if not isinstance(data, dict) or data.get("v") != 1:
            raise ValueError("not a database key record")
        salt = _salt_hex(data.get("salt"))
        key = cls(
            bytes.fromhex(_hex_of(data.get("key"), 32)), bytes.fromhex(salt) if salt else None
        )
        _verified(key._record(), data.get("check"))
        return key

    @classmethod
    def generate(cls) -> DatabaseKey:
        return cls(secrets.token_bytes(32))


class Secrets:
    """Reads and writes this data directory's secrets in the keyring (or the demo's files).

    Accounts are named after the data directory so that two data directories on one machine
    (the demo and a real caseload, say) never share a key.
    """

    def __init__(self, data_dir: Path, *, allow_demo_files: bool = False) -> None:
        self.data_dir = data_dir
        self.allow_demo_files = allow_demo_files
        self.source = "keyring"
        if allow_demo_files and self._demo_file("database-key").exists():
            # A demo folder keyed while there was no keyring stays keyed by its file: a keyring
            # that appears later (another session, gnome-keyring now running) holds no key for it.
            self.source = DEMO_FILE_SOURCE
        elif _keyring_is_missing():
            if not allow_demo_files:
                raise KeyringUnavailable(NO_KEYRING_MESSAGE)
            self.source = DEMO_FILE_SOURCE

    # -- the database key ------------------------------------------------------------------
    def stored_database_key(self) -> DatabaseKey | dict[str, Any] | None:
        """What the keyring holds, read once: the key, the PIN-wrapped record
        (``app.store.pin``), or None; :class:`DamagedKey` when it cannot be read."""
        try:
            text = self._get("database-key")  # a keyring may fail to decode a changed byte
            return _key_record(text) if text else None
        except (ValueError, KeyError, TypeError) as exc:  # JSON's and hex's errors are ValueErrors
            held = (
                "the demo's key file"
                if self.source == DEMO_FILE_SOURCE
                else "this computer's keyring"
            )
            raise DamagedKey(
                f"The key of the Doorstep database at {database_path(self.data_dir)}, kept in "
                f"{held}, is damaged: it cannot be read, so the caseload cannot "
                "be opened (the database file itself may be sound). Nothing was changed; the "
                "damaged key is kept as it is, for IT."
            ) from exc

    def database_key(self) -> DatabaseKey | None:
        """The unwrapped key; None when there is none (``app.store.unlock`` opens a wrapped
        one with the PIN)."""
        stored = self.stored_database_key()
        if isinstance(stored, dict):
            raise PinNeeded("This caseload is locked with your PIN: enter it to open it.")
        return stored

    def save_database_key(self, key: DatabaseKey, *, pin: str | None = None) -> None:
        """Keep ``key``; with ``pin``, only wrapped with it (``app.store.pin``), so the
        keyring alone no longer opens the database."""
        if pin is None:
            self._set("database-key", key.dumps())
            return
        from app.store.pin import wrap_key

        salt = key.salt.hex() if key.salt else None
        record = {"v": 2, "salt": salt, "pin": wrap_key(key.key, pin)}
        self._set("database-key", _with_check(record))

    def wrapped_database_key(self) -> dict[str, Any] | None:
        """The PIN-wrapped key record, or None when the key is kept unwrapped (or absent)."""
        stored = self.stored_database_key()
        return stored if isinstance(stored, dict) else None

    def pin_failures(self) -> tuple[int, str | None]:
        """Wrong PINs in a row, and when the last was (ISO 8601). A count that cannot be read
        (damaged) is none, as a deleted one is: that gives no one more guesses than deleting it
        would, and it never stops the right PIN."""
        try:
            text = self._get("pin-failures")
            if not text:
                return 0, None
            data = json.loads(text)
            count, last = data["count"], data.get("last")
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise ValueError("not a count")
            if last is not None and datetime.fromisoformat(last).tzinfo is None:
                raise ValueError("not an instant")
        except (ValueError, KeyError, TypeError):
            log.warning("the keyring's count of wrong PINs cannot be read; counting from none")
            return 0, None
        return count, last

    def save_pin_failures(self, count: int, last: str | None) -> None:
        if count == 0:
            self._delete("pin-failures")
        else:
            self._set("pin-failures", json.dumps({"count": count, "last": last}))

    def copy_database_key(self, label: str) -> str | None:
        """Keep a copy of the database key under a name of its own (the file it opens is being
        set aside as ``label``). Returns the account (or, for the demo, the file) now holding
        it; None when there is no key."""
        text = self._get("database-key")
        if text is None:
            return None
        name = f"database-key-set-aside-{label}"
        self._set(name, text)
        return (
            str(self._demo_file(name)) if self.source == DEMO_FILE_SOURCE else self._account(name)
        )

    def forget_set_aside_key(self, label: str) -> None:
        """Delete the key kept for the copy set aside as ``label`` (a wipe)."""
        self._delete(f"database-key-set-aside-{label}")

    def forget_database_key(self) -> None:
        """Free the usual name for a new database's key (after ``copy_database_key``)."""
        self._delete("database-key")

    # -- the device token ------------------------------------------------------------------
    def device_token(self) -> str | None:
        """The device token; None when there is none or when what the keyring holds can no
        longer be a bearer token (damaged): the laptop then signs in again, which replaces it."""
        try:
            token = self._get("device-token")
        except ValueError:  # a keyring that cannot decode it
            token = ""
        if token is not None and not _BEARER_TOKEN.fullmatch(token):
            log.warning("the device token in the keyring cannot be used; sign in again")
            return None
        return token

    def save_device_token(self, token: str) -> None:
        self._set("device-token", token)

    def forget_device_token(self) -> None:
        self._delete("device-token")

    # -- plumbing --------------------------------------------------------------------------
    def _account(self, name: str) -> str:
        return f"{name}:{self.data_dir}"

    def _demo_file(self, name: str) -> Path:
        return self.data_dir / f"demo-{name}.secret"

    def _get(self, name: str) -> str | None:
        if self.source == DEMO_FILE_SOURCE:
            path = self._demo_file(name)
            return path.read_text(encoding="ascii") if path.exists() else None
        import keyring

        found: Any = _answered(lambda: keyring.get_password(SERVICE, self._account(name)))
        return found if isinstance(found, str) else None

    def _set(self, name: str, value: str) -> None:
        if self.source == DEMO_FILE_SOURCE:
            path = self._demo_file(name)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(value)
            return
        import keyring

        account = self._account(name)
        _answered(lambda: keyring.set_password(SERVICE, account, value))
        # Read back: a keyring that drops what it is given (the null backend does) must never
        # let a new key, and with it the caseload, be lost.
        if _answered(lambda: keyring.get_password(SERVICE, account)) != value:
            raise KeyringUnavailable(
                f"{NO_KEYRING_MESSAGE} (The keyring took the key but did not keep it.)"
            )

    def _delete(self, name: str) -> None:
        if self.source == DEMO_FILE_SOURCE:
            self._demo_file(name).unlink(missing_ok=True)
            return
        import keyring
        from keyring.errors import PasswordDeleteError

        def delete() -> None:
            with contextlib.suppress(PasswordDeleteError):  # not there: nothing to delete
                keyring.delete_password(SERVICE, self._account(name))

        _answered(delete)


#: What a bearer token can be (RFC 6750's b64token); the central store issues URL-safe base64.
_BEARER_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


def _key_record(text: str) -> DatabaseKey | dict[str, Any]:
    """The database key, or the PIN-wrapped record, that ``text`` holds; ValueError (or
    KeyError, TypeError) when it cannot be read."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("v") != 2:
        return DatabaseKey._from_record(data)
    from app.store.pin import wrapped_record

    record = {"v": 2, "salt": _salt_hex(data.get("salt")), "pin": wrapped_record(data.get("pin"))}
    return _verified(record, data.get("check"))


def _check_of(record: dict[str, Any]) -> str:
    """A digest of a key record's values as written (canonical JSON): kept in the record, it
    tells a character changed by damage from a wrong PIN or another computer's key."""
    canonical = json.dumps(record, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _with_check(record: dict[str, Any]) -> str:
    return json.dumps({**record, "check": _check_of(record)})


def _verified(record: dict[str, Any], check: object) -> dict[str, Any]:
    """``record``, read back in the form it was written, if ``check`` is its own (a record
    written before the check was kept, with none, is taken as it reads); else ValueError."""
    if check is not None and check != _check_of(record):
        raise ValueError("the record does not match its check")
    return record


def _hex_of(value: object, size: int) -> str:
    if not isinstance(value, str) or len(raw := bytes.fromhex(value)) != size:
        raise ValueError(f"not {size} bytes in hex")
    return raw.hex()


def _salt_hex(value: object) -> str | None:
    """A database file's 16-byte salt as written (None before the file exists)."""
    return _hex_of(value, 16) if value else None


#: How long the keyring may take to answer before Doorstep says it is stuck (a Secret Service
#: that never answers would otherwise hang the start for good).
KEYRING_TIMEOUT_S = 10.0


def _answered(call: Callable[[], T]) -> T:
    """``call()`` (a keyring call) on a thread of its own, given ``KEYRING_TIMEOUT_S`` to
    answer; a keyring error or silence is :class:`KeyringUnavailable`. A call that never answers
    is left behind on its daemon thread: nothing can stop it, and nothing waits for it."""
    from keyring.errors import KeyringError

    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # handed to the waiting thread
            failure.append(exc)

    worker = threading.Thread(target=run, name="keyring call", daemon=True)
    worker.start()
    worker.join(KEYRING_TIMEOUT_S)
    if worker.is_alive():
        raise KeyringUnavailable(
            f"The keyring did not answer within {KEYRING_TIMEOUT_S:g} seconds (it may be locked "
            "behind a prompt, or stuck). Unlock or restart it (on Linux, sign out and in again), "
            "then start Doorstep again. Nothing was changed."
        )
    if failure:
        if isinstance(failure[0], KeyringError):
            raise KeyringUnavailable(
                f"{NO_KEYRING_MESSAGE} (The keyring said: {failure[0]})"
            ) from failure[0]
        raise failure[0]
    return outcome[0]


def _keyring_is_missing() -> bool:
    # keyring is imported here, not at the top: loading it and its backends takes a tenth of a
    # second of start-up, which a demo folder keyed by its file never needs.
    import keyring
    from keyring.backends import fail, null

    # The null backend stores nothing and answers nothing: as good as no keyring at all.
    return isinstance(keyring.get_keyring(), fail.Keyring | null.Keyring)
