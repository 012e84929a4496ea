"""The officer's PIN (or passphrase) wraps the database key, so the keyring alone opens nothing.

The random database key is encrypted (AES-256-GCM) under a key derived from the PIN with
Argon2id (RFC 9106), and only that wrapped form is kept in the keyring: a copied keyring, or a
laptop taken while switched off, gives an attacker the encrypted file and a wrapped key, and
each guess at the PIN costs them the derivation (about 0.3 s and 128 MiB here; the parameters
are kept with the wrapped key so they can be raised later). Guesses on the laptop itself are
slowed and then stopped by ``Secrets`` (growing delays, then the key is erased).

A PIN is at least 6 characters (NCSC: a short PIN is fine where guesses are limited, as here);
digits alone are allowed, but not one digit repeated or a run such as 123456.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass

PIN_MIN = 6
_AAD = b"doorstep database key, wrapped, v2"


@dataclass(frozen=True)
class KdfParams:
    """Argon2id's cost: passes, memory (KiB) and lanes."""

    time_cost: int = 2
    memory_kib: int = 128 * 1024
    parallelism: int = 1


#: What new PINs are derived with (about 0.3 s on an officer's laptop).
DEFAULT_KDF = KdfParams()


class WrongPin(Exception):
    """The PIN does not unwrap the key (or the wrapped key was altered)."""


def pin_problem(pin: str) -> str | None:
    """Why ``pin`` will not do as a new PIN, or None."""
    if len(pin) < PIN_MIN:
        return f"PIN: use at least {PIN_MIN} characters (digits, or a passphrase)"
    if pin.isdigit() and (len(set(pin)) == 1 or pin in "01234567890" or pin in "09876543210"):
        return "PIN: not one digit repeated or a run of digits (such as 123456): too easy to guess"
    return None


def wrap_key(raw: bytes, pin: str, *, kdf: KdfParams | None = None) -> dict[str, object]:
    """``raw`` encrypted under a key derived from ``pin`` (with :data:`DEFAULT_KDF` unless
    told otherwise): JSON-ready, with what unwraps it."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    kdf = kdf or DEFAULT_KDF
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    sealed = AESGCM(_derive(pin, salt, kdf)).encrypt(nonce, raw, _AAD)
    return {
        "kdf": {"alg": "argon2id", **asdict(kdf), "salt": salt.hex()},
        "nonce": nonce.hex(),
        "wrapped": sealed.hex(),
    }


def wrapped_record(data: object) -> dict[str, object]:
    """``data`` read as a :func:`wrap_key` record, its values written as :func:`wrap_key` writes
    them; ValueError when it cannot be one (a damaged record: never to be taken for a wrong PIN).
    """
    if not isinstance(data, dict) or not isinstance(data.get("kdf"), dict):
        raise ValueError("not a wrapped key")
    kdf_record = data["kdf"]
    if kdf_record.get("alg") != "argon2id":
        raise ValueError("not derived with Argon2id")
    kdf = KdfParams(
        *(_whole(kdf_record.get(name)) for name in ("time_cost", "memory_kib", "parallelism"))
    )
    if kdf.time_cost < 1 or kdf.parallelism < 1 or kdf.memory_kib < 8 * kdf.parallelism:
        raise ValueError("Argon2id cannot run with these costs")
    return {
        "kdf": {"alg": "argon2id", **asdict(kdf), "salt": _hex(kdf_record.get("salt"), 16)},
        "nonce": _hex(data.get("nonce"), 12),
        "wrapped": _hex(data.get("wrapped"), 32 + 16),  # the key, then GCM's tag
    }


def _whole(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("not a whole number")
    return value


def _hex(value: object, size: int) -> str:
    if not isinstance(value, str) or len(raw := bytes.fromhex(value)) != size:
        raise ValueError(f"not {size} bytes in hex")
    return raw.hex()


def unwrap_key(record: dict[str, object], pin: str) -> bytes:
    """The raw key from a :func:`wrap_key` record; :class:`WrongPin` when ``pin`` is not it."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    kdf_record = record["kdf"]
    assert isinstance(kdf_record, dict)
    kdf = KdfParams(
        int(kdf_record["time_cost"]), int(kdf_record["memory_kib"]), int(kdf_record["parallelism"])
    )
    key = _derive(pin, bytes.fromhex(str(kdf_record["salt"])), kdf)
    try:
        return AESGCM(key).decrypt(
            bytes.fromhex(str(record["nonce"])), bytes.fromhex(str(record["wrapped"])), _AAD
        )
    except InvalidTag as exc:
        raise WrongPin("wrong PIN") from exc


def _derive(pin: str, salt: bytes, kdf: KdfParams) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(
        pin.encode("utf-8"),
        salt,
        time_cost=kdf.time_cost,
        memory_cost=kdf.memory_kib,
        parallelism=kdf.parallelism,
        hash_len=32,
        type=Type.ID,
    )
