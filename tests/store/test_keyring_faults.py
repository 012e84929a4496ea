"""A keyring that keeps nothing, one that never answers, and a demo key file used for real data
are each refused with a message, and nothing is created or lost (issue 11, item 7)."""

from __future__ import annotations

import threading
from pathlib import Path

import keyring
import pytest
from keyring.backends import null

from app.services.enrolment import DEMO_KEY_FILE_REFUSED, SignInRefused, sign_in
from app.services.workspace import open_workspace
from app.store import keys
from app.store.database import open_local_store
from app.store.errors import KeyringUnavailable
from tests.memory_keyring import MemoryKeyring


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


class ForgetfulKeyring(MemoryKeyring):
    """Takes every secret and keeps none (as some misconfigured backends do)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        pass


class SilentKeyring(MemoryKeyring):
    """A Secret Service that never answers (until the test lets it go)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(30)
        return None


def test_the_null_keyring_is_no_keyring(data_dir: Path) -> None:
    # Failed before the fix: signin said "Signed in" and the key was dropped.
    keyring.set_keyring(null.Keyring())
    with pytest.raises(KeyringUnavailable, match="No keyring is available"):
        open_local_store(data_dir)
    assert list(data_dir.iterdir()) == []


def test_a_keyring_that_keeps_nothing_is_refused_before_any_file_exists(data_dir: Path) -> None:
    keyring.set_keyring(ForgetfulKeyring())
    with pytest.raises(KeyringUnavailable, match="did not keep it"):
        open_local_store(data_dir)
    assert list(data_dir.iterdir()) == [], "no database without a key kept for it"


def test_a_keyring_that_never_answers_is_given_up_on(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Failed before the fix: the start hung for good on the GUI thread.
    silent = SilentKeyring()
    keyring.set_keyring(silent)
    monkeypatch.setattr(keys, "KEYRING_TIMEOUT_S", 0.2)
    try:
        with pytest.raises(KeyringUnavailable, match="did not answer within 0.2 seconds"):
            open_local_store(data_dir)
    finally:
        silent.release.set()
    assert list(data_dir.iterdir()) == []


def test_a_demo_key_file_is_refused_for_a_councils_server(data_dir: Path) -> None:
    # Failed before the fix: --allow-demo-key-file worked for a real officer's data.
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    workspace = open_workspace(data_dir, allow_demo_files=True)
    assert workspace.uses_demo_key_file

    class NoNetwork:
        def sign_in(self, **_kwargs: object) -> None:
            raise AssertionError("nothing is sent before the refusal")

    try:
        with pytest.raises(SignInRefused) as refused:
            sign_in(
                workspace,
                server_url="https://doorstep.council.gov.uk",
                username="asmith",
                password="pw",
                client=NoNetwork(),  # type: ignore[arg-type]
            )
        assert str(refused.value) == DEMO_KEY_FILE_REFUSED
    finally:
        workspace.close()
