"""Issue 11, the lock, below the screens: a locked store holds no key and refuses every unit of
work; only the PIN takes the key back (wrong ones counted as at start, the tenth erasing); the
screens kept by a lock come back once, only for cases still on the laptop."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from app.paths import data_dir
from app.services.screen_lock import (
    OpenForm,
    lock_caseload,
    note_window,
    take_open_forms,
    unlock_caseload,
    window_state,
)
from app.services.workspace import Workspace
from app.store.database import LocalStore, open_local_store
from app.store.errors import CaseloadErased, CaseloadLocked, PinRefused, WrongKey
from app.store.keys import Secrets
from tests.ui.fakes import DEFAULT_PIN
from tests.ui.seed import seed_caseload, seed_officer

PIN = DEFAULT_PIN


@pytest.fixture
def store(tmp_path: Path) -> LocalStore:
    opened = open_local_store(data_dir(tmp_path / "data"))
    seed_caseload(opened, extra=0)
    seed_officer(opened)
    opened.protect_with_pin(PIN)
    return opened


def first_tenancy(store: LocalStore) -> uuid.UUID:
    with store.plain_transaction(writing=False) as connection:
        return uuid.UUID(connection.execute("SELECT id FROM tenancy LIMIT 1").fetchone()[0])


def test_a_locked_store_refuses_every_unit_of_work_until_the_pin(store: LocalStore) -> None:
    workspace = Workspace(store)
    lock_caseload(workspace, [])
    assert store.locked
    for unit_of_work in (
        lambda: store.plain_transaction(writing=False).__enter__(),
        lambda: store.transaction().__enter__(),
        lambda: store.session(),
        lambda: store.outbox_mark(),
        lambda: store.read_sealed(store.path.parent / "x"),
    ):
        with pytest.raises(CaseloadLocked, match="unlock it with your PIN"):
            unit_of_work()
    store.close()  # closing while locked writes nothing and raises nothing

    with pytest.raises(PinRefused, match=r"Wrong PIN \(1 in a row\)"):
        unlock_caseload(workspace, "000000")
    assert store.locked
    assert unlock_caseload(workspace, PIN) == ()
    assert not store.locked
    assert Secrets(store.path.parent).pin_failures()[0] == 0  # a right PIN clears the count
    store.close()


def test_ten_wrong_pins_at_the_lock_erase_as_at_start(store: LocalStore) -> None:
    workspace = Workspace(store)
    lock_caseload(workspace, [])
    secrets = Secrets(store.path.parent)
    secrets.save_pin_failures(9, None)  # nine already, the waits between them over
    with pytest.raises(CaseloadErased, match="10 wrong PINs in a row"):
        store.unlock("000000")
    assert not store.path.exists()
    with pytest.raises(CaseloadErased):
        store.unlock(PIN)


def test_a_key_changed_in_the_keyring_while_locked_is_refused(store: LocalStore) -> None:
    workspace = Workspace(store)
    lock_caseload(workspace, [])
    other = open_local_store(data_dir(store.path.parent.parent / "other"))
    other.protect_with_pin(PIN)
    other.close()
    other_record = Secrets(other.path.parent)._get("database-key")
    assert other_record is not None
    Secrets(store.path.parent)._set("database-key", other_record)
    with pytest.raises(WrongKey, match="no longer opens"):
        store.unlock(PIN)
    assert store.locked


def test_kept_screens_come_back_once_and_only_for_cases_still_here(store: LocalStore) -> None:
    workspace = Workspace(store)
    here = first_tenancy(store)
    gone = uuid.uuid4()
    kept = [
        OpenForm("case", here, {"tab": 1}),
        OpenForm("case", gone),
        OpenForm("record_action", here, {"note": "Emoji 🙂 and Łukasz kept whole"}),
    ]
    lock_caseload(workspace, kept)
    back = unlock_caseload(workspace, PIN)
    assert back == (kept[0], kept[2])
    assert take_open_forms(workspace) == ()  # once
    store.close()


def test_the_window_state_for_status(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    assert window_state(folder) == "none"
    note_window(folder, locked=False)
    assert window_state(folder) == "open"
    note_window(folder, locked=True)
    assert window_state(folder) == "locked"
    (folder / "window-state.json").write_text('{"pid": 999999999, "locked": false}')
    assert window_state(folder) == "none", "a window that died shows nothing"
    (folder / "window-state.json").write_text("not json")
    assert window_state(folder) == "none"
    note_window(folder, locked=None)
    assert not (folder / "window-state.json").exists()


def test_the_key_is_dropped_even_when_the_open_screens_cannot_be_kept(store: LocalStore) -> None:
    workspace = Workspace(store)
    unkeepable = OpenForm("case", first_tenancy(store), {"tab": {1, 2}})  # not JSON
    with pytest.raises(TypeError):
        lock_caseload(workspace, [unkeepable])
    assert store.locked
    assert unlock_caseload(workspace, PIN) == ()  # nothing half-kept
    store.close()
