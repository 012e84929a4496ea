"""The recovery policy in force is checked (pydantic) once per change of its file, and a start
with an unchanged file reads the checked policy back from a file sealed with the store's key:
never from a file someone else wrote or changed, never after the file or its reader changed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain.recovery import RecoveryPolicy
from app.paths import data_dir, resource_path
from app.services import recovery_policy
from app.services.recovery_policy import (
    CACHE_NAME,
    PolicyFileError,
    load_recovery_policy,
    policy_in_force,
)
from app.services.workspace import Workspace, open_workspace
from app.store.sealed import MAC_SIZE, read_sealed, seal_key, write_sealed

SHIPPED = load_recovery_policy(path=resource_path("recovery-policy.toml"))


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    opened = open_workspace(data_dir(tmp_path / "client"))
    yield opened
    opened.close()


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files the policy reader (pydantic) was asked to check, in order."""
    checked: list[Path] = []
    check = recovery_policy._checked

    def counted(chosen: Path, text: str) -> RecoveryPolicy:
        checked.append(chosen)
        return check(chosen, text)

    monkeypatch.setattr(recovery_policy, "_checked", counted)
    return checked


def _council_policy(folder: Path, version: str) -> Path:
    own = folder / "recovery-policy.toml"
    own.write_text(
        resource_path("recovery-policy.toml")
        .read_text(encoding="utf-8")
        .replace(f'version = "{SHIPPED.version}"', f'version = "{version}"'),
        encoding="utf-8",
    )
    return own


def test_an_unchanged_policy_is_checked_once_and_read_back_the_same(
    workspace: Workspace, checks: list[Path]
) -> None:
    first = policy_in_force(workspace)
    again = policy_in_force(workspace)
    assert first == again == SHIPPED
    assert again is not first, "the second came from the cache"
    assert checks == [resource_path("recovery-policy.toml")]
    assert (workspace.data_dir / CACHE_NAME).exists()


def test_a_changed_policy_file_is_checked_again(workspace: Workspace, checks: list[Path]) -> None:
    assert policy_in_force(workspace).version.startswith("doorstep-default")
    own = _council_policy(workspace.data_dir, "council-2026")
    assert policy_in_force(workspace).version == "council-2026"
    _council_policy(workspace.data_dir, "council-2027")
    assert policy_in_force(workspace).version == "council-2027"
    assert checks[1:] == [own, own]


def test_a_bad_policy_file_is_named_every_time_and_the_good_one_before_is_not_used(
    workspace: Workspace, checks: list[Path]
) -> None:
    policy_in_force(workspace)
    broken = workspace.data_dir / "recovery-policy.toml"
    broken.write_text('version = "x"\n[[stages]]\nlabel = "no code"\n', encoding="utf-8")
    for _ in range(2):
        with pytest.raises(PolicyFileError) as caught:
            policy_in_force(workspace)
        assert str(broken) in str(caught.value)
    assert len(checks) == 3


def test_a_policy_file_that_is_not_text_is_named(workspace: Workspace) -> None:
    (workspace.data_dir / "recovery-policy.toml").write_bytes(b"version = \xff\xfe\n")
    with pytest.raises(PolicyFileError) as caught:
        policy_in_force(workspace)
    assert "recovery-policy.toml" in str(caught.value)
    assert "not UTF-8 text" in str(caught.value)


def test_a_changed_or_foreign_cache_is_never_unpickled(
    tmp_path: Path, workspace: Workspace, checks: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    policy_in_force(workspace)
    cache = workspace.data_dir / CACHE_NAME
    sealed = cache.read_bytes()

    def unpickled(*_args: object) -> object:
        raise AssertionError("a cache that fails its seal was unpickled")

    monkeypatch.setattr(recovery_policy.pickle, "loads", unpickled)
    altered = bytearray(sealed)
    altered[-5] ^= 0x01  # inside the pickle
    cache.write_bytes(bytes(altered))
    assert policy_in_force(workspace).version.startswith("doorstep-default")

    # A cache written by another laptop's store (another key), holding what it likes.
    other = open_workspace(data_dir(tmp_path / "other"))
    try:
        policy_in_force(other)
        cache.write_bytes((other.data_dir / CACHE_NAME).read_bytes())
    finally:
        other.close()
    assert policy_in_force(workspace).version.startswith("doorstep-default")

    cache.write_bytes(sealed[: MAC_SIZE - 1])  # cut short
    assert policy_in_force(workspace).version.startswith("doorstep-default")
    assert len(checks) == 5, "each failed seal meant checking the file again (and one other's)"
    assert cache.read_bytes() == sealed, "and sealing it again"


def test_a_change_to_the_code_that_reads_policies_makes_the_cache_stale(
    workspace: Workspace, checks: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    policy_in_force(workspace)
    policy_in_force(workspace)
    assert len(checks) == 1
    monkeypatch.setattr(recovery_policy, "_READERS", (*recovery_policy._READERS, "paths.py"))
    policy_in_force(workspace)
    assert len(checks) == 2


def test_without_the_readers_sources_the_policy_is_checked_every_time(
    workspace: Workspace, checks: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recovery_policy, "_READERS", ("schemas/no_such_module.py",))
    policy_in_force(workspace)
    policy_in_force(workspace)
    assert len(checks) == 2
    assert not (workspace.data_dir / CACHE_NAME).exists()


def test_a_cache_that_cannot_be_written_only_costs_time(
    workspace: Workspace, checks: list[Path], caplog: pytest.LogCaptureFixture
) -> None:
    (workspace.data_dir / CACHE_NAME).mkdir()  # a folder in its place: the rename fails
    with caplog.at_level(logging.WARNING):
        assert policy_in_force(workspace).version.startswith("doorstep-default")
        assert policy_in_force(workspace).version.startswith("doorstep-default")
    assert len(checks) == 2
    assert f"could not write {CACHE_NAME}" in caplog.text
    assert not [p for p in workspace.data_dir.iterdir() if p.name.startswith(f".{CACHE_NAME}")]


def test_a_sealed_file_reads_back_only_under_its_own_key(tmp_path: Path) -> None:
    key, other = seal_key(b"k" * 32), seal_key(b"o" * 32)
    assert key != other
    assert key != b"k" * 32
    path = tmp_path / "sealed"
    assert read_sealed(path, key=key) is None  # none yet
    assert write_sealed(path, b"payload", key=key)
    assert read_sealed(path, key=key) == b"payload"
    assert read_sealed(path, key=other) is None
    path.write_bytes(path.read_bytes()[:-1] + b"!")
    assert read_sealed(path, key=key) is None


def test_code_upgraded_on_disk_under_a_running_app_never_poisons_the_cache(
    workspace: Workspace, checks: list[Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Found when the code changed under a running Doorstep: the running (older) process wrote
    its pickled policy stamped with the *newer* readers' sources from disk, and the newer
    version then trusted it and failed on every start ("'int' object has no attribute
    'get'"). A process stamps what it writes with the code it loaded, so the newer one checks
    the file again."""
    sources = tmp_path / "app"
    for name in recovery_policy._READERS:
        (sources / name).parent.mkdir(parents=True, exist_ok=True)
        (sources / name).write_bytes((recovery_policy._APP_ROOT / name).read_bytes())
    monkeypatch.setattr(recovery_policy, "_APP_ROOT", sources)
    recovery_policy.forget_loaded_code()
    policy_in_force(workspace)  # the running process: its code is what is on disk now
    assert len(checks) == 1

    upgraded = sources / recovery_policy._READERS[-1]
    upgraded.write_text(upgraded.read_text(encoding="utf-8") + "\n# upgraded\n", encoding="utf-8")
    (workspace.data_dir / CACHE_NAME).unlink()
    policy_in_force(workspace)  # still the old process: it writes its own, older, policy
    assert len(checks) == 2

    recovery_policy.forget_loaded_code()  # the upgraded version starts
    policy_in_force(workspace)
    assert len(checks) == 3, "the older process's policy was not trusted"
    policy_in_force(workspace)
    assert len(checks) == 3
