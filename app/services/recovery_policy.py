"""The recovery policy in force: the shipped ``resources/recovery-policy.toml`` unless the council
installed its own (:func:`app.paths.policy_override`).

:func:`load_recovery_policy` reads and checks the file (``app.schemas.policy``, over pydantic)
and names the file and the bad key when it cannot be used. :func:`policy_in_force` does the same
for an open workspace, and keeps what it checked: the first screen needs the policy, and loading
pydantic to check a file that has not changed would cost a tenth of a second or more of every
start. The checked policy is pickled into a file sealed with the store's key
(:mod:`app.store.sealed`), so the app unpickles only what it wrote itself, and is used again
only while the policy's text and the code that reads it are byte for byte the same.

Threading: blocking file reads; safe on any thread.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import pickle
from pathlib import Path

from app.domain.recovery import RecoveryPolicy
from app.paths import policy_override, resource_path
from app.services.workspace import Workspace

log = logging.getLogger(__name__)

DEFAULT_POLICY = "recovery-policy.toml"
#: The checked policy, kept in the data directory (the council's wording and figures only).
CACHE_NAME = "recovery-policy.checked"
#: The modules that decide what a policy file means: a change to any makes the cache stale.
_READERS = (
    "schemas/policy.py",
    "schemas/fields.py",
    "schemas/base.py",
    "domain/recovery.py",
    "domain/case_actions.py",
)
_APP_ROOT = Path(__file__).resolve().parent.parent


class PolicyFileError(ValueError):
    """The recovery policy file cannot be read or used; the message names the file and why."""


def load_recovery_policy(
    data_dir: Path | None = None, *, path: Path | None = None
) -> RecoveryPolicy:
    """The recovery policy in force: ``path``, else the council's override, else the default."""
    chosen = _chosen(data_dir, path)
    return _checked(chosen, _text_of(chosen))


def policy_in_force(workspace: Workspace) -> RecoveryPolicy:
    """The workspace's recovery policy, checked once per change of its file (see the module)."""
    chosen = _chosen(workspace.data_dir, None)
    text = _text_of(chosen)
    readers = _readers_fingerprint()
    if readers is None:  # no sources to compare (a frozen build): check every time
        return _checked(chosen, text)
    stamp = hashlib.sha256(readers + text.encode("utf-8")).digest()
    cache = workspace.data_dir / CACHE_NAME
    policy = _from_cache(workspace.store.read_sealed(cache), stamp)
    if policy is None:
        policy = _checked(chosen, text)
        workspace.store.write_sealed(cache, stamp + pickle.dumps(policy, pickle.HIGHEST_PROTOCOL))
    return policy


def _chosen(data_dir: Path | None, path: Path | None) -> Path:
    chosen = path or (policy_override(data_dir) if data_dir is not None else None)
    return chosen or resource_path(DEFAULT_POLICY)


def _text_of(chosen: Path) -> str:
    try:
        return chosen.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyFileError(f"Cannot read the recovery policy {chosen}: {exc.strerror}.") from exc
    except UnicodeDecodeError as exc:
        raise PolicyFileError(
            f"The recovery policy {chosen} cannot be used: it is not UTF-8 text ({exc.reason} at "
            f"byte {exc.start})."
        ) from exc


def _checked(chosen: Path, text: str) -> RecoveryPolicy:
    from app.schemas.policy import PolicyError, parse_policy  # pydantic: loaded when first read

    try:
        return parse_policy(text)
    except PolicyError as exc:
        raise PolicyFileError(f"The recovery policy {chosen} cannot be used: {exc}") from exc


def _readers_fingerprint() -> bytes | None:
    """The readers' sources as this process first read them: what it pickles was made by the
    code it loaded, so a newer version installed on disk meanwhile must not vouch for it."""
    return _fingerprint_of(_APP_ROOT, _READERS)


@functools.cache
def _fingerprint_of(root: Path, readers: tuple[str, ...]) -> bytes | None:
    digest = hashlib.sha256()
    try:
        for name in readers:
            digest.update((root / name).read_bytes())
    except OSError:
        return None
    return digest.digest()


def forget_loaded_code() -> None:
    """Read the readers' sources again at the next use, as a new process would."""
    _fingerprint_of.cache_clear()


def _from_cache(payload: bytes | None, stamp: bytes) -> RecoveryPolicy | None:
    """The cached policy if it was checked from this very text by this very code."""
    if payload is None or payload[: len(stamp)] != stamp:
        return None
    # Sealed with the store's key: these bytes are the app's own pickle, not anyone's input.
    policy = pickle.loads(payload[len(stamp) :])  # noqa: S301
    if not isinstance(policy, RecoveryPolicy):
        log.warning("the recovery policy cache held something else; checking the file again")
        return None
    return policy


__all__ = [
    "CACHE_NAME",
    "DEFAULT_POLICY",
    "PolicyFileError",
    "forget_loaded_code",
    "load_recovery_policy",
    "policy_in_force",
]
