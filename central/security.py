"""Password hashing for officer accounts: argon2id through argon2-cffi's ``PasswordHasher``.

Invariants: a password is never stored, logged or compared in clear; only its argon2 hash
(which carries its own salt and parameters) is kept. Verifying never raises for a wrong or
malformed hash: it answers False.

Threading: stateless functions; safe from any thread. Hashing is deliberately slow (tens of
milliseconds), so keep it off a GUI thread.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()  # argon2id with the library's recommended parameters


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (a fresh salt each time)."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``; False otherwise, never an error."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's (rehash at sign-in)."""
    try:
        return _HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True
