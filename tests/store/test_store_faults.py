"""A database that is there but will not open is never re-created, overwritten or re-keyed, and
a disk that is full, read-only or unreachable is said to be so, not reported as a damaged
database (which would invite discarding unsent work). Issue 11, items 3 and 8."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from app.paths import database_path
from app.store import database
from app.store.database import open_local_store
from app.store.errors import CorruptDatabase, StorageUnavailable
from app.store.keys import SERVICE
from tests.memory_keyring import MemoryKeyring


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


def _made(data_dir: Path) -> Path:
    open_local_store(data_dir).close()
    return database_path(data_dir)


def _keys(keyring: MemoryKeyring) -> dict[str, str]:
    return {
        account: value for (service, account), value in keyring.items.items() if service == SERVICE
    }


def test_an_empty_database_file_is_refused_and_neither_it_nor_its_key_is_replaced(
    data_dir: Path, memory_keyring: MemoryKeyring
) -> None:
    # Failed before the fix: the next start made a new, empty store and overwrote the key, so
    # the copy (and its unsent changes) could never be opened again.
    path = _made(data_dir)
    keys = _keys(memory_keyring)
    path.write_bytes(b"")
    for _ in range(2):
        with pytest.raises(CorruptDatabase) as caught:
            open_local_store(data_dir)
        assert "is damaged" in str(caught.value)
        assert "Nothing was changed" in str(caught.value)
        assert path.read_bytes() == b""
        assert _keys(memory_keyring) == keys


@pytest.mark.parametrize(
    ("code", "name", "says"),
    [
        (13, "SQLITE_FULL", "is full"),
        (8, "SQLITE_READONLY", "read-only"),
        (14, "SQLITE_CANTOPEN", "cannot be read or written"),
        (10, "SQLITE_IOERR", "cannot be read or written"),
    ],
)
def test_a_disk_problem_is_said_to_be_one_not_a_damaged_database(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, code: int, name: str, says: str
) -> None:
    # Failed before the fix: "The Doorstep database ... is damaged: the right key no longer opens
    # its first page".
    path = _made(data_dir)
    before = hashlib.sha256(path.read_bytes()).hexdigest()

    def failing(*_args: object) -> list[str]:
        error = sqlcipher.OperationalError("disk trouble")
        error.sqlite_errorcode = code  # type: ignore[attr-defined]
        error.sqlite_errorname = name  # type: ignore[attr-defined]
        raise error

    monkeypatch.setattr(database, "_probe", failing)
    with pytest.raises(StorageUnavailable) as caught:
        open_local_store(data_dir)
    message = str(caught.value)
    assert says in message
    assert "damaged" not in message
    assert "Nothing was changed" in message
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_full_disk_met_by_the_integrity_check_is_said_to_be_one(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _made(data_dir)

    def full(*_args: object) -> None:
        error = sqlcipher.OperationalError("database or disk is full")
        error.sqlite_errorcode = 13  # type: ignore[attr-defined]
        raise error

    monkeypatch.setattr(database, "_run_integrity_check", full)
    with pytest.raises(StorageUnavailable, match="is full"):
        open_local_store(data_dir)
