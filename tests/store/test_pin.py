"""The PIN wraps the database key: the keyring alone opens nothing, a wrong PIN is refused, and
guesses are slowed, then stopped by erasing the laptop's copy (issue 11, "Unlock that
decrypts")."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.paths import database_path
from app.store import pin as pin_module
from app.store.database import open_local_store
from app.store.errors import CaseloadErased, PinNeeded, PinRefused
from app.store.keys import SERVICE, Secrets
from app.store.pin import KdfParams, pin_problem, unwrap_key, wrap_key
from app.store.unlock import unlock_key
from app.sync.outbox import append_mutation
from tests.memory_keyring import MemoryKeyring

PIN = "482916"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


def _protected(folder: Path, *, queued: int = 0) -> None:
    store = open_local_store(folder)
    for _ in range(queued):
        with store.transaction() as session:
            append_mutation(session, intent="case_action.record@1", args={}, entity_ids=[])
    store.protect_with_pin(PIN)
    store.close()


def test_the_keyring_alone_no_longer_opens_the_database(
    folder: Path, memory_keyring: MemoryKeyring
) -> None:
    store = open_local_store(folder)
    raw = store._key.key
    store.protect_with_pin(PIN)
    assert store.pin_protected
    store.close()
    kept = [v for (s, _), v in memory_keyring.items.items() if s == SERVICE]
    assert all(raw.hex() not in value for value in kept), "no unwrapped key in the keyring"
    with pytest.raises(PinNeeded):
        open_local_store(folder)
    opened = open_local_store(folder, pin=PIN)
    assert opened._key.key == raw
    opened.close()


def test_the_real_derivation_costs_a_guesser_time_and_memory() -> None:
    real = KdfParams()
    assert (real.time_cost, real.memory_kib) == (2, 128 * 1024)
    started = time.perf_counter()
    record = wrap_key(b"k" * 32, PIN, kdf=real)
    assert time.perf_counter() - started > 0.05  # slow by design (about 0.3 s here)
    assert unwrap_key(record, PIN) == b"k" * 32
    with pytest.raises(pin_module.WrongPin):
        unwrap_key(record, "482917")


@pytest.mark.parametrize(
    ("pin", "problem"),
    [
        ("12345", "at least 6 characters"),
        ("111111", "not one digit repeated"),
        ("123456", "a run of digits"),
        ("987654", "a run of digits"),
        ("482916", None),
        ("correct horse", None),
    ],
)
def test_a_new_pin_must_be_hard_enough_to_guess(pin: str, problem: str | None) -> None:
    found = pin_problem(pin)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_wrong_pins_are_slowed_then_the_copy_is_erased_with_warning(folder: Path) -> None:
    _protected(folder, queued=3)
    secrets = Secrets(folder)
    start = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    now = start
    for attempt in range(1, 10):
        with pytest.raises(PinRefused) as refused:
            unlock_key(folder, secrets, "000000", now=now)
        message = str(refused.value)
        assert message.startswith(f"Wrong PIN ({attempt} in a row).")
        if attempt <= 4:
            assert "Wait" not in message
        else:
            wait = 30 * 2 ** (attempt - 5)
            shown = f"{wait} seconds" if wait < 120 else f"{wait // 60} minutes"
            assert f"Wait {shown} before the next try." in message
            with pytest.raises(PinRefused, match="Too many wrong PINs: try again in"):
                unlock_key(folder, secrets, PIN, now=now + timedelta(seconds=1))  # too soon
            now += timedelta(seconds=wait)
        if attempt == 9:
            assert "One more wrong PIN erases this laptop's copy of the caseload" in message
            assert "with its 3 changes not yet sent" in message
    with pytest.raises(CaseloadErased, match="10 wrong PINs in a row"):
        unlock_key(folder, secrets, "000000", now=now)
    assert not database_path(folder).exists()
    assert secrets.wrapped_database_key() is None


def test_the_right_pin_starts_the_count_again(folder: Path) -> None:
    _protected(folder)
    secrets = Secrets(folder)
    for _ in range(4):
        with pytest.raises(PinRefused):
            unlock_key(folder, secrets, "000000")
    assert unlock_key(folder, secrets, PIN) is not None
    assert secrets.pin_failures() == (0, None)
