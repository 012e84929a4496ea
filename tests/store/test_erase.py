"""A wiped laptop keeps no key and no file of its caseload (issue 11: IT's `device wipe`)."""

from __future__ import annotations

from pathlib import Path

from app.paths import database_path
from app.store.database import open_local_store
from app.store.erase import erase_local_data
from app.store.keys import SERVICE, Secrets
from app.store.set_aside import set_aside
from app.sync.outbox import append_mutation
from tests.memory_keyring import MemoryKeyring


def test_every_key_goes_then_every_file_and_the_council_policy_stays(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    store = open_local_store(folder)
    store.close()
    set_aside(folder, Secrets(folder))  # an earlier copy, kept with its key
    store = open_local_store(folder)
    with store.transaction() as session:
        append_mutation(session, intent="case_action.record@1", args={}, entity_ids=[])
    store.secrets.save_device_token("a-device-token")
    store.close()
    (folder / "recovery-policy.toml").write_text('version = "council"\n', encoding="utf-8")
    assert len([a for s, a in memory_keyring.items if s == SERVICE]) == 3

    erased = erase_local_data(folder, Secrets(folder))

    assert [a for s, a in memory_keyring.items if s == SERVICE] == []
    assert not database_path(folder).exists()
    assert not (folder / "quarantine").exists()
    assert not (folder / "outbox.mark").exists()
    assert sorted(p.name for p in folder.iterdir()) == ["recovery-policy.toml"]
    assert erased >= 3


def test_a_sync_told_the_laptop_was_wiped_erases_it_and_the_store_is_done(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    import pytest

    from app.services.sync import run_sync
    from app.services.workspace import CaseloadErased, Workspace
    from app.sync.errors import DeviceWiped
    from tests.ui.seed import seed_officer

    folder = tmp_path / "data"
    folder.mkdir()
    store = open_local_store(folder)
    seed_officer(store, server_url="https://doorstep.council.gov.uk")
    store.secrets.save_device_token("token")

    class WipedAnswer:
        """A central store that answers 'device_wiped' to whatever the laptop asks."""

        token = "token"
        server_url = "https://doorstep.council.gov.uk"

        def __getattr__(self, _name: str) -> object:
            def answer(*_args: object, **_kwargs: object) -> None:
                raise DeviceWiped("IT has withdrawn this device")

            return answer

    with pytest.raises(CaseloadErased, match="its copy of the caseload and its keys have been"):
        run_sync(Workspace(store), client=WipedAnswer())  # type: ignore[arg-type]
    assert not database_path(folder).exists()
    assert [a for s, a in memory_keyring.items if s == SERVICE] == []
    with pytest.raises(CaseloadErased):
        store.plain_transaction(writing=False).__enter__()
    store.close()
    assert not database_path(folder).exists(), "closing never makes a new, empty file"
