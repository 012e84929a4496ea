"""One flipped byte of every kind on the laptop is refused or ignored as designed, each with its
own error and words, never a traceback, and nothing on disk or in the keyring is replaced or
re-keyed (issue 11, fault tests).

- The database file (a byte of page 1, of its IV or HMAC, of a page in the middle, of the last
  page): refused as damaged (``CorruptDatabase``), at once or, checked beside the window, at the
  first unit of work; the officer is told how many changes were waiting to be sent, and the
  file may be set aside. A byte of its salt is refused too, but as another computer's key (a
  said to be damage, not another computer's key). A file
  of random content is refused in the same way (a zero-length one is
  ``tests/store/test_store_faults.py``).
- The database key in the keyring, kept in clear or wrapped with the PIN: refused as a damaged
  key (``DamagedKey``), never taken for a damaged database or another computer's key, and never
  for a wrong PIN, so the right PIN typed again and again counts nothing towards the erase.
- The keyring's count of wrong PINs: read as none, as if deleted (a right PIN clears it anyway).
- The keyring's device token: one that can no longer be a bearer token reads as none, so the
  laptop asks to sign in again; one that still can is refused by the central store (401) and
  said so.
- The outbox mark and the checked recovery policy, both sealed: read as absent, never believed
  (the count of unsent changes is then "unknown"; the policy is checked again and sealed anew,
  and the damaged pickle is never unpickled).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest

from app.paths import data_dir, database_path, resource_path
from app.services import recovery_policy
from app.services.actions import record_action
from app.services.device import is_enrolled
from app.services.outbox_check import changes_missing
from app.services.recovery_policy import CACHE_NAME, load_recovery_policy, policy_in_force
from app.services.set_aside import set_aside_caseload, why_unopenable
from app.services.sync import run_sync
from app.services.workspace import Workspace, open_workspace
from app.store.database import PAGE_SIZE, SQLITE_MAGIC, open_local_store
from app.store.errors import (
    CorruptDatabase,
    DamagedKey,
    NotADoorstepDatabase,
    PinRefused,
    StoreError,
    WrongKey,
)
from app.store.keys import SERVICE, Secrets
from app.store.outbox_mark import MARK_NAME, OutboxMark
from app.store.sealed import MAC_SIZE
from app.store.unlock import ERASE_AT
from app.sync.client import SyncClient
from app.sync.errors import AuthRejected, NotSignedIn, SyncError
from tests.memory_keyring import MemoryKeyring
from tests.store.on_disk import file_digests
from tests.ui.seed import seed_caseload, seed_officer

PIN = "482916"
SERVER = "https://central.example"
#: A device token as the central store issues them (``secrets.token_urlsafe``), made up.
TOKEN = "AbCdEfGh-test-device-token-0123456789_ijklmno"
#: Per page, SQLCipher 4 keeps a 16-byte IV and a 64-byte HMAC-SHA512 at the end.
RESERVE = 16 + 64
WAITING = 2


@dataclass(frozen=True)
class Laptop:
    """A signed-in laptop's folder, closed: a synthetic caseload, two changes waiting."""

    folder: Path

    @property
    def database(self) -> Path:
        return database_path(self.folder)

    def account(self, name: str) -> tuple[str, str]:
        return (SERVICE, f"{name}:{self.folder}")


@pytest.fixture
def laptop(tmp_path: Path) -> Laptop:
    folder = data_dir(tmp_path / "client")
    store = open_local_store(folder)
    made = seed_caseload(store, extra=0)
    seed_officer(store, server_url=SERVER)
    store.secrets.save_device_token(TOKEN)
    workspace = Workspace(store)
    for _ in range(WAITING):
        record_action(
            workspace, tenancy_id=made["T000003"].tenancy_id, code="contact", on=date(2026, 5, 18)
        )
    assert store.outbox_mark() == OutboxMark(queued=WAITING, waiting=WAITING)
    workspace.close()
    assert _pages(database_path(folder)) >= 5
    return Laptop(folder)


def _pages(path: Path) -> int:
    return path.stat().st_size // PAGE_SIZE


def _flip(path: Path, offset: int, bit: int = 0x01) -> None:
    raw = bytearray(path.read_bytes())
    raw[offset] ^= bit
    path.write_bytes(bytes(raw))


@contextmanager
def _first_unit_of_work(folder: Path, *, background: bool) -> Iterator[None]:
    """Open the caseload as the window (the check beside it) or a command (checked at once)
    does, and run the first thing the app runs on it."""
    workspace = open_workspace(folder, check_in_background=background)
    try:
        changes_missing(workspace)
        yield
    finally:
        workspace.close()


# -- the database file ----------------------------------------------------------------------

DATABASE_BYTES = [
    pytest.param(lambda size: 5, id="page 1, its salt"),  # damage, not another key
    pytest.param(lambda size: 16, id="page 1, its first encrypted byte"),
    pytest.param(lambda size: PAGE_SIZE - RESERVE + 3, id="page 1, its IV"),
    pytest.param(lambda size: PAGE_SIZE - 1, id="page 1, its HMAC"),
    pytest.param(lambda size: (size // PAGE_SIZE // 2) * PAGE_SIZE + 200, id="a middle page"),
    pytest.param(lambda size: size - PAGE_SIZE + 16, id="the last page"),
    pytest.param(lambda size: size - 1, id="the last byte"),
]


@pytest.mark.parametrize("background", [False, True], ids=["checked at once", "checked beside"])
@pytest.mark.parametrize("offset", DATABASE_BYTES)
def test_a_flipped_byte_in_the_database_is_refused_as_damage_and_nothing_is_changed(
    laptop: Laptop,
    memory_keyring: MemoryKeyring,
    offset: Callable[[int], int],
    background: bool,
) -> None:
    _flip(laptop.database, offset(laptop.database.stat().st_size))
    before, keys = file_digests(laptop.folder), dict(memory_keyring.items)

    with (
        pytest.raises(CorruptDatabase) as caught,
        _first_unit_of_work(laptop.folder, background=background),
    ):
        pass
    message = str(caught.value)
    assert message.startswith(f"The Doorstep database at {laptop.database} is damaged")
    assert message.endswith("Nothing was changed.")
    found = why_unopenable(laptop.folder, caught.value)
    assert found.can_set_aside
    assert found.unsent == WAITING, "the officer is told what was waiting to be sent"
    assert file_digests(laptop.folder) == before, "nothing replaced, re-keyed or set aside"
    assert memory_keyring.items == keys


RANDOM_FILES = {
    "random, whole pages": (lambda own: random.Random(1).randbytes(len(own)), WrongKey),
    "random, not whole pages": (lambda own: random.Random(2).randbytes(5000), CorruptDatabase),
    "random behind its own salt": (
        lambda own: own[:16] + random.Random(3).randbytes(len(own) - 16),
        CorruptDatabase,
    ),
    "random behind SQLite's plain header": (
        lambda own: SQLITE_MAGIC + random.Random(4).randbytes(len(own) - 16),
        NotADoorstepDatabase,
    ),
}


@pytest.mark.parametrize(("content", "error"), RANDOM_FILES.values(), ids=RANDOM_FILES.keys())
def test_a_database_file_of_random_content_is_refused_and_kept(
    laptop: Laptop,
    memory_keyring: MemoryKeyring,
    content: Callable[[bytes], bytes],
    error: type[StoreError],
) -> None:
    laptop.database.write_bytes(content(laptop.database.read_bytes()))
    before, keys = file_digests(laptop.folder), dict(memory_keyring.items)
    for _ in range(2):
        with pytest.raises(error) as caught:
            open_workspace(laptop.folder)
        assert type(caught.value) is error
        assert "nothing was changed" in str(caught.value).lower()
        assert str(laptop.database) in str(caught.value)
        assert why_unopenable(laptop.folder, caught.value).can_set_aside
        assert file_digests(laptop.folder) == before
        assert memory_keyring.items == keys


# -- the database key in the keyring ------------------------------------------------------


def _changed(text: str, anchor: str, to: Callable[[str], str], *, after: str = "") -> str:
    """``text`` with the one character after ``anchor`` (found after ``after``) changed."""
    at = text.index(anchor, text.index(after)) + len(anchor)
    return text[:at] + to(text[at]) + text[at + 1 :]


def _other_hex(c: str) -> str:
    return "1" if c == "0" else "0"


def _other_digit(c: str) -> str:
    return str((int(c) + 2) % 10)


KEY_RECORDS = {
    # name: (wrapped with the PIN?, anchor, change, after)
    "clear: a hex digit of the key": (False, '"key": "', _other_hex, ""),
    "clear: the key no longer hex": (False, '"key": "', lambda c: "g", ""),
    "clear: a hex digit of the file's salt": (False, '"salt": "', _other_hex, ""),
    "clear: a field's name": (False, '"', lambda c: "w", ""),
    "clear: its first brace": (False, "", lambda c: "z", ""),
    "PIN: a hex digit of the wrapped key": (True, '"wrapped": "', _other_hex, ""),
    "PIN: a hex digit of the nonce": (True, '"nonce": "', _other_hex, ""),
    "PIN: a hex digit of the PIN's salt": (True, '"salt": "', _other_hex, '"kdf"'),
    "PIN: the Argon2 passes": (True, '"time_cost": ', _other_digit, ""),
    "PIN: the Argon2 memory": (True, '"memory_kib": ', _other_digit, ""),
    "PIN: a hex digit of the file's salt": (True, '"salt": "', _other_hex, ""),
    "PIN: the version": (True, '"v": ', lambda c: "3", ""),
    "PIN: a quote": (True, '"nonce', lambda c: "#", ""),
}


@pytest.mark.parametrize(
    ("wrapped", "anchor", "change", "after"), KEY_RECORDS.values(), ids=KEY_RECORDS.keys()
)
def test_a_flipped_byte_in_the_keyrings_key_is_a_damaged_key_never_a_wrong_pin(
    laptop: Laptop,
    memory_keyring: MemoryKeyring,
    wrapped: bool,
    anchor: str,
    change: Callable[[str], str],
    after: str,
) -> None:
    # Failed before the fix: a traceback (JSONDecodeError, KeyError, ValueError, argon2's
    # HashingError); "the database is damaged" or "made with a different key"; and, wrapped,
    # "Wrong PIN" for the right one, counted towards the erase.
    pin = PIN if wrapped else None
    if wrapped:
        store = open_local_store(laptop.folder)
        store.protect_with_pin(PIN)
        store.close()
    account = laptop.account("database-key")
    damaged = _changed(memory_keyring.items[account], anchor, change, after=after)
    memory_keyring.items[account] = damaged
    before, keys = file_digests(laptop.folder), dict(memory_keyring.items)

    for _ in range(ERASE_AT + 1 if wrapped else 1):  # the right PIN, again and again
        with pytest.raises(DamagedKey) as caught:
            open_workspace(laptop.folder, pin=pin)
    message = str(caught.value)
    assert f"The key of the Doorstep database at {laptop.database}" in message
    assert "keyring, is damaged" in message
    assert "Nothing was changed" in message
    assert laptop.database.exists(), "never erased"
    assert Secrets(laptop.folder).pin_failures() == (0, None), "no wrong PIN counted"
    assert file_digests(laptop.folder) == before
    assert memory_keyring.items == keys, "the damaged key is kept as it is, nothing re-keyed"

    found = why_unopenable(laptop.folder, caught.value)
    assert found.can_set_aside
    assert found.unsent is None  # the mark is sealed with the key that cannot be read
    aside = set_aside_caseload(laptop.folder)  # the officer agrees: kept whole, for IT
    assert memory_keyring.items[laptop.account(f"database-key-set-aside-{aside.folder.name}")] == (
        damaged
    )
    assert file_digests(aside.folder) == {
        name: digest for name, digest in before.items() if name in ("doorstep.db", MARK_NAME)
    }


FAILURE_RECORDS = {
    "its first brace": ("", lambda c: "z"),
    "a digit of the time": ('"last": "', lambda c: "x"),
    "the count no longer a number": ('"count": ', lambda c: "x"),
}


@pytest.mark.parametrize(("anchor", "change"), FAILURE_RECORDS.values(), ids=FAILURE_RECORDS.keys())
def test_a_flipped_byte_in_the_count_of_wrong_pins_reads_as_none(
    laptop: Laptop, memory_keyring: MemoryKeyring, anchor: str, change: Callable[[str], str]
) -> None:
    # Failed before the fix: a traceback (JSONDecodeError, ValueError) at every start.
    store = open_local_store(laptop.folder)
    store.protect_with_pin(PIN)
    store.close()
    for _ in range(2):
        with pytest.raises(PinRefused):
            open_workspace(laptop.folder, pin="000000")
    account = laptop.account("pin-failures")
    memory_keyring.items[account] = _changed(memory_keyring.items[account], anchor, change)

    assert Secrets(laptop.folder).pin_failures() == (0, None)
    with pytest.raises(PinRefused, match=r"^Wrong PIN \(1 in a row\)\."):
        open_workspace(laptop.folder, pin="000000")  # counted again from there
    open_workspace(laptop.folder, pin=PIN).close()
    assert Secrets(laptop.folder).pin_failures() == (0, None)


# -- the device token in the keyring --------------------------------------------------------


class CentralStore:
    """Answers as the central store does a token it never issued (401 token_invalid)."""

    def __init__(self) -> None:
        self.tokens: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.tokens.append(request.headers["Authorization"].removeprefix("Bearer "))
        body = {"code": "token_invalid", "message": "This device's sign-in is no longer valid."}
        return httpx.Response(401, json=body)


TOKEN_BYTES = {
    # name: (bit flipped in the token's first character, "A"; still a bearer token?)
    "to another token character": (0x02, True),
    "to a character no token has": (0x01, False),
    "to a control character": (0x40, False),
    "to a non-ASCII character": (0x80, False),
}


@pytest.mark.parametrize(("bit", "still_a_token"), TOKEN_BYTES.values(), ids=TOKEN_BYTES.keys())
def test_a_flipped_byte_in_the_device_token_means_signing_in_again(
    laptop: Laptop, memory_keyring: MemoryKeyring, bit: int, still_a_token: bool
) -> None:
    # Failed before the fix: a non-ASCII token ended the sync in a traceback (UnicodeEncodeError
    # from httpx), and a control character in it was sent to be refused as "cannot reach".
    account = laptop.account("device-token")
    flipped = chr(ord(TOKEN[0]) ^ bit) + TOKEN[1:]
    memory_keyring.items[account] = flipped
    central = CentralStore()
    workspace = open_workspace(laptop.folder)
    try:
        transport = httpx.MockTransport(central)
        with (
            SyncClient(SERVER, app_version="test", transport=transport) as client,
            pytest.raises(SyncError) as caught,
        ):
            run_sync(workspace, client=client)
        if still_a_token:
            assert type(caught.value) is AuthRejected
            assert "no longer valid" in str(caught.value)
            assert central.tokens == [flipped]
        else:
            assert type(caught.value) is NotSignedIn
            assert "Sign in" in str(caught.value)
            assert central.tokens == [], "nothing sent"
            assert not is_enrolled(workspace), "the window asks the officer to sign in"
        with workspace.store.plain_transaction(writing=False) as connection:
            waiting = connection.execute("SELECT count(*) FROM outbox_mutation").fetchone()[0]
        assert waiting == WAITING, "the changes stay, to be sent after signing in"
    finally:
        workspace.close()
    assert memory_keyring.items[account] == flipped, "kept until a sign-in replaces it"


# -- the sealed files: the outbox mark, the checked recovery policy -------------------------

SEALED_BYTES = {
    "its seal's first byte": lambda size: 0,
    "its seal's last byte": lambda size: MAC_SIZE - 1,
    "the payload's first byte": lambda size: MAC_SIZE,
    "the payload's last byte": lambda size: size - 1,
}


@pytest.mark.parametrize("offset", SEALED_BYTES.values(), ids=SEALED_BYTES.keys())
def test_a_flipped_byte_in_the_outbox_mark_reads_as_no_mark_never_a_number(
    laptop: Laptop, offset: Callable[[int], int]
) -> None:
    mark = laptop.folder / MARK_NAME
    _flip(mark, offset(mark.stat().st_size))
    flipped = mark.read_bytes()
    workspace = open_workspace(laptop.folder)
    try:
        assert workspace.store.outbox_mark() is None
        assert changes_missing(workspace) == 0, "nothing to compare with: no loss is claimed"
    finally:
        workspace.close()
    assert mark.read_bytes() == flipped, "left as it is until the next change is counted"

    _flip(laptop.database, _pages(laptop.database) // 2 * PAGE_SIZE + 100)
    with pytest.raises(CorruptDatabase) as caught:
        open_workspace(laptop.folder)
    assert why_unopenable(laptop.folder, caught.value).unsent is None, "unknown, not guessed"


@pytest.mark.parametrize(
    "offset", [*SEALED_BYTES.values(), lambda size: MAC_SIZE + 32], ids=[*SEALED_BYTES, "pickle"]
)
def test_a_flipped_byte_in_the_checked_policy_is_never_unpickled_and_is_sealed_anew(
    laptop: Laptop, monkeypatch: pytest.MonkeyPatch, offset: Callable[[int], int]
) -> None:
    shipped = load_recovery_policy(path=resource_path("recovery-policy.toml"))
    workspace = open_workspace(laptop.folder)
    try:
        assert policy_in_force(workspace) == shipped
        cache = laptop.folder / CACHE_NAME
        sealed = cache.read_bytes()
        _flip(cache, offset(len(sealed)))

        def unpickled(*_args: object) -> object:
            raise AssertionError("a cache that fails its seal was unpickled")

        monkeypatch.setattr(recovery_policy.pickle, "loads", unpickled)
        assert policy_in_force(workspace) == shipped  # checked from the file again
        assert cache.read_bytes() == sealed, "and sealed anew"
    finally:
        workspace.close()
