"""The encrypted local store: created with a keyring key, refused clearly when it cannot open,
and never changed by a refusal."""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from datetime import date
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import select

from app.models import Person, Tenancy
from app.paths import database_path
from app.store import schema
from app.store.database import open_local_store
from app.store.errors import (
    CorruptDatabase,
    DatabaseTooNew,
    KeyringUnavailable,
    NotADoorstepDatabase,
    WrongKey,
)
from app.store.keys import SERVICE, DatabaseKey


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _seeded(data_dir: Path, surname: str = "Wójcik-Ó Floinn") -> Path:
    store = open_local_store(data_dir)
    with store.session() as session, session.begin():
        tenancy = Tenancy(
            ref="T000001",
            address="Flat 2, Lime Court\n4 Quay Street",
            postcode="ZZ1 1ZZ",
            tenure="secure",
            start_date=date(2021, 4, 5),
            weekly_rent_pence=11250,
        )
        session.add(tenancy)
        session.flush()
        session.add(Person(tenancy_id=tenancy.id, ref="P1", last_name=surname, is_lead=True))
    store.close()
    return database_path(data_dir)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


def test_first_run_creates_an_encrypted_database_with_a_keyring_key(data_dir, memory_keyring):
    path = _seeded(data_dir)
    assert path.exists()
    stored = [value for (service, _), value in memory_keyring.items.items() if service == SERVICE]
    assert len(stored) == 1, "one database key in the keyring"
    key = DatabaseKey.loads(stored[0])
    assert len(key.key) == 32
    assert key.salt == path.read_bytes()[:16]
    raw = path.read_bytes()
    assert not raw.startswith(b"SQLite format 3"), "the file must be encrypted"
    assert "Wójcik".encode() not in raw
    assert b"Lime Court" not in raw
    assert key.key.hex().encode() not in raw
    # No key material anywhere in the data directory.
    for item in data_dir.iterdir():
        assert key.key.hex().encode() not in item.read_bytes()


def test_reopening_reads_back_what_was_written(data_dir):
    _seeded(data_dir)
    store = open_local_store(data_dir)
    with store.session() as session:
        assert session.scalars(select(Person.last_name)).one() == "Wójcik-Ó Floinn"
        assert session.scalars(select(Tenancy.address)).one() == "Flat 2, Lime Court\n4 Quay Street"
    store.close()


def test_no_keyring_is_refused_with_how_to_fix_it(data_dir):
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(KeyringUnavailable) as caught:
        open_local_store(data_dir)
    message = str(caught.value)
    assert "keyring" in message
    assert "gnome-keyring" in message
    assert "Nothing was changed" in message
    assert list(data_dir.iterdir()) == [], "nothing is created without a keyring"


def test_no_keyring_leaves_an_existing_database_untouched(data_dir):
    path = _seeded(data_dir)
    before = _digest(path)
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(KeyringUnavailable):
        open_local_store(data_dir)
    assert _digest(path) == before


def test_demo_may_fall_back_to_a_key_file_and_says_so(data_dir):
    keyring.set_keyring(fail.Keyring())
    store = open_local_store(data_dir, allow_demo_files=True)
    assert store.key_source == "demo key file"
    store.close()
    assert (data_dir / "demo-database-key.secret").exists()
    assert open_local_store(data_dir, allow_demo_files=True).key_source == "demo key file"


def test_a_demo_folder_keyed_by_file_keeps_its_file_when_a_keyring_appears(
    data_dir, memory_keyring
):
    keyring.set_keyring(fail.Keyring())  # the first run: no keyring
    open_local_store(data_dir, allow_demo_files=True).close()
    keyring.set_keyring(memory_keyring)  # a later run: a keyring, holding no key for the folder
    store = open_local_store(data_dir, allow_demo_files=True)
    assert store.key_source == "demo key file"
    store.close()
    assert memory_keyring.items == {}
    with pytest.raises(WrongKey):  # the real app never reads a demo key file
        open_local_store(data_dir)


def test_a_key_for_another_database_is_refused_and_the_file_untouched(data_dir, memory_keyring):
    path = _seeded(data_dir)
    before = _digest(path)
    account = next(iter(memory_keyring.items))
    memory_keyring.items[account] = DatabaseKey.generate().dumps()  # another device's key
    with pytest.raises(WrongKey) as caught:
        open_local_store(data_dir)
    assert "does not open" in str(caught.value)
    assert "Nothing was changed" in str(caught.value)
    assert _digest(path) == before


def test_a_wrong_key_for_this_very_file_is_refused(data_dir, memory_keyring):
    path = _seeded(data_dir)
    before = _digest(path)
    account = next(iter(memory_keyring.items))
    memory_keyring.items[account] = DatabaseKey(uuid.uuid4().bytes * 2).dumps()  # salt unknown
    with pytest.raises(WrongKey):
        open_local_store(data_dir)
    assert _digest(path) == before


def test_a_missing_key_for_an_existing_file_is_refused(data_dir, memory_keyring):
    path = _seeded(data_dir)
    before = _digest(path)
    memory_keyring.items.clear()
    with pytest.raises(WrongKey) as caught:
        open_local_store(data_dir)
    assert "holds no key" in str(caught.value)
    assert _digest(path) == before
    assert not memory_keyring.items, "no new key was stored over the missing one"


def test_a_damaged_first_page_is_reported_as_corrupt(data_dir):
    path = _seeded(data_dir)
    raw = bytearray(path.read_bytes())
    raw[100:140] = bytes(40)  # inside page 1, after the salt
    path.write_bytes(bytes(raw))
    before = _digest(path)
    with pytest.raises(CorruptDatabase) as caught:
        open_local_store(data_dir)
    assert "damaged" in str(caught.value)
    assert _digest(path) == before


def test_a_damaged_later_page_is_reported_as_corrupt(data_dir):
    path = _seeded(data_dir)
    raw = bytearray(path.read_bytes())
    assert len(raw) >= 3 * 4096
    raw[2 * 4096 + 50 : 2 * 4096 + 90] = b"\xff" * 40
    path.write_bytes(bytes(raw))
    before = _digest(path)
    with pytest.raises(CorruptDatabase):
        open_local_store(data_dir)
    assert _digest(path) == before


def _last_page_damaged(path: Path) -> str:
    """Damage the file's last page (no page the opening reads), leaving the WAL folded in."""
    raw = bytearray(path.read_bytes())
    assert len(raw) >= 3 * 4096
    assert len(raw) % 4096 == 0
    raw[-4096 + 50 : -4096 + 90] = b"\xff" * 40
    path.write_bytes(bytes(raw))
    return _digest(path)


def test_a_check_in_the_background_lets_a_sound_file_open_and_be_used(data_dir):
    _seeded(data_dir)
    store = open_local_store(data_dir, check_in_background=True)
    store.wait_until_checked()
    with store.plain_transaction(writing=False) as connection:
        assert connection.execute("SELECT ref FROM tenancy").fetchall() == [("T000001",)]
    with store.session() as session:
        assert session.scalars(select(Person.last_name)).one() == "Wójcik-Ó Floinn"
    store.close()


def test_a_damage_found_in_the_background_stops_every_unit_of_work_and_changes_nothing(
    data_dir,
):
    before = _last_page_damaged(_seeded(data_dir))
    with pytest.raises(CorruptDatabase):  # checked at once, the default
        open_local_store(data_dir)
    store = open_local_store(data_dir, check_in_background=True)  # the check runs meanwhile
    for unit_of_work in (
        store.wait_until_checked,
        lambda: store.plain_transaction(writing=False).__enter__(),
        lambda: store.plain_transaction(writing=True).__enter__(),
        store.session,
        lambda: store.engine,
    ):
        with pytest.raises(CorruptDatabase) as caught:
            unit_of_work()
        assert "damaged" in str(caught.value)
    store.close()  # no checkpoint, nothing written
    assert _digest(database_path(data_dir)) == before


def test_a_file_that_needs_an_upgrade_is_checked_before_it_opens(data_dir, monkeypatch):
    """A schema upgrade writes, so the check never waits in the background for one."""
    before = _last_page_damaged(_seeded(data_dir))
    monkeypatch.setattr(schema, "newest_revision_file", lambda: "9998")
    with pytest.raises(CorruptDatabase):
        open_local_store(data_dir, check_in_background=True)
    assert _digest(database_path(data_dir)) == before


def test_a_truncated_file_is_reported_as_corrupt(data_dir):
    path = _seeded(data_dir)
    path.write_bytes(path.read_bytes()[:5000])
    before = _digest(path)
    with pytest.raises(CorruptDatabase):
        open_local_store(data_dir)
    assert _digest(path) == before


def test_a_plain_sqlite_file_is_not_a_doorstep_database(data_dir):
    path = database_path(data_dir)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(NotADoorstepDatabase) as caught:
        open_local_store(data_dir)
    assert "not a Doorstep database" in str(caught.value)
    assert _digest(path) == before


def test_an_encrypted_database_without_our_schema_is_not_a_doorstep_database(
    data_dir, memory_keyring
):
    import sqlcipher3.dbapi2 as sqlcipher

    path = database_path(data_dir)
    key = DatabaseKey.generate()
    conn = sqlcipher.connect(str(path))
    conn.execute(key.pragma())
    conn.execute("CREATE TABLE something_else (x)")
    conn.commit()
    conn.close()
    memory_keyring.items[(SERVICE, f"database-key:{data_dir}")] = DatabaseKey(
        key.key, path.read_bytes()[:16]
    ).dumps()
    before = _digest(path)
    with pytest.raises(NotADoorstepDatabase):
        open_local_store(data_dir)
    assert _digest(path) == before


def test_a_database_from_a_newer_app_is_refused_not_stamped(data_dir):
    _seeded(data_dir)
    store = open_local_store(data_dir)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    store.close()
    with pytest.raises(DatabaseTooNew) as caught:
        open_local_store(data_dir)
    assert "newer version" in str(caught.value)


def _revision_of(path: Path, key: DatabaseKey) -> str:
    """The Alembic revision stamped in an encrypted database file (opened read-only)."""
    import sqlcipher3.dbapi2 as sqlcipher

    conn = sqlcipher.connect(f"file:{path}?mode=ro", uri=True)
    try:
        conn.execute(key.pragma())
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()


def test_an_older_database_is_upgraded_in_place_with_a_backup(
    data_dir, monkeypatch, memory_keyring
):
    """A database at an older revision is backed up, then upgraded, its data intact."""
    from alembic import command
    from sqlalchemy import inspect

    _seeded(data_dir)
    store = open_local_store(data_dir)
    with store.engine.begin() as conn:  # a database as the first release (0001) made it
        command.downgrade(schema._config(conn), "0001")
    with store.engine.connect() as conn:
        assert schema.current_revision(conn) == "0001"
        assert "arrangement" not in inspect(conn).get_table_names()
    store.close()
    head = schema.head_revision()
    assert head != "0001"
    upgraded: list[str] = []
    real_upgrade = command.upgrade

    def counted_upgrade(config, revision):
        upgraded.append(revision)
        real_upgrade(config, revision)

    monkeypatch.setattr(command, "upgrade", counted_upgrade)
    store = open_local_store(data_dir)
    with store.session() as session:
        assert session.scalars(select(Tenancy.ref)).one() == "T000001"
        assert session.scalars(select(Person.last_name)).one() == "Wójcik-Ó Floinn"
    with store.engine.connect() as conn:
        assert schema.current_revision(conn) == head
        assert {"arrangement", "case_action"} <= set(inspect(conn).get_table_names())
    store.close()
    assert upgraded == ["head"]
    backup = data_dir / f"doorstep.db.before-{head}.bak"
    assert backup.exists()
    [stored] = [v for (service, _), v in memory_keyring.items.items() if service == SERVICE]
    key = DatabaseKey.loads(stored)
    assert b"Lime Court" not in backup.read_bytes()  # still encrypted
    assert _revision_of(backup, key) == "0001"  # the copy is the database before the upgrade
    assert _revision_of(database_path(data_dir), key) == head
