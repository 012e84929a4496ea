"""Secrets of the local store: the database key and the device token, in the OS keyring.

The key is a random 256-bit raw SQLCipher key, created on first run and never written to a
file or a log. With it the keyring keeps the database file's 16-byte salt (the plaintext head
of every SQLCipher file), which lets Doorstep tell "this is not the file the key belongs to"
from "the file is damaged".

Only the synthetic demo (``make run``) may fall back, when no keyring exists, to files in its
own demo folder, and keeps using them for as long as they are there (the key of a folder never
moves between a file and the keyring); ``Secrets.source`` then says so and the window title
shows it.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from app.store.errors import KeyringUnavailable, PinNeeded

T = TypeVar("T")

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

    def dumps(self) -> str:
        salt = self.salt.hex() if self.salt else None
        return json.dumps({"v": 1, "key": self.key.hex(), "salt": salt})

    @classmethod
    def loads(cls, text: str) -> DatabaseKey:
        data = json.loads(text)
        salt = bytes.fromhex(data["salt"]) if data["salt"] else None
        return cls(bytes.fromhex(data["key"]), salt)

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
        (``app.store.pin``), or None."""
        text = self._get("database-key")
        if not text:
            return None
        data = json.loads(text)
        return data if data.get("v") == 2 else DatabaseKey.loads(text)

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
        self._set("database-key", json.dumps(record))

    def wrapped_database_key(self) -> dict[str, Any] | None:
        """The PIN-wrapped key record, or None when the key is kept unwrapped (or absent)."""
        stored = self.stored_database_key()
        return stored if isinstance(stored, dict) else None

    def pin_failures(self) -> tuple[int, str | None]:
        """Wrong PINs in a row, and when the last was (ISO 8601)."""
        text = self._get("pin-failures")
        if not text:
            return 0, None
        data = json.loads(text)
        return int(data.get("count", 0)), data.get("last")

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
        return self._get("device-token")

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
