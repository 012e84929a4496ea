"""Why the encrypted database could not be opened, in words an officer or IT can act on.

Every error here is raised before anything on disk is changed.
"""

from __future__ import annotations


class StoreError(Exception):
    """The local database cannot be used; ``str(error)`` is the message to show."""


class KeyringUnavailable(StoreError):
    """No operating-system keyring is available to hold the database key."""


class WrongKey(StoreError):
    """The key this computer holds does not open the database file."""


class DamagedKey(WrongKey):
    """What the keyring holds as the database key cannot be read (a byte of it changed): not a
    wrong PIN, not another computer's key, not a damaged database."""


class CorruptDatabase(StoreError):
    """The database file is damaged."""


class StorageUnavailable(StoreError):
    """The disk holding the database is full, read-only or cannot be read: the file may be
    sound, so nothing is to be set aside or discarded."""


class NotADoorstepDatabase(StoreError):
    """The file is not a Doorstep database."""


class DatabaseTooNew(StoreError):
    """The database was written by a newer version of Doorstep."""


class CaseloadErased(StoreError):
    """IT wiped this laptop: its caseload and keys are erased; it must sign in again."""


class PinNeeded(StoreError):
    """The caseload's key is wrapped with the officer's PIN, and none was given."""


class PinRefused(StoreError):
    """A wrong PIN, or a try made before the wait after wrong ones is over; the message says
    how long to wait and, near the end, what one more wrong PIN would erase."""


class CaseloadLocked(StoreError):
    """The officer (or the idle timer) locked Doorstep: the key is dropped and nothing reads or
    writes the caseload until it is unlocked with the PIN."""
