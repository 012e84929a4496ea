"""The encrypted laptop database: SQLCipher 4 under SQLAlchemy, opened only with its key.

``open_local_store`` creates the database on first run (a fresh random key goes into the
keyring first), or opens an existing one, telling apart a missing keyring, a key that does not
belong to the file, a damaged file and a file that is not a Doorstep database; each is refused
with a message and nothing on disk is changed. Then it upgrades the schema.

Threading: the engine may be used from any thread; a Session belongs to one thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from app.paths import database_path
from app.store import schema
from app.store.errors import CorruptDatabase, NotADoorstepDatabase, WrongKey
from app.store.keys import DatabaseKey, Secrets

SQLITE_MAGIC = b"SQLite format 3\x00"
PAGE_SIZE = 4096  # SQLCipher 4's default page size


@dataclass
class LocalStore:
    """An open encrypted database. ``transaction()`` is one unit of work (a use case's);
    ``session()`` is a bare Session for the sync module's own paging."""

    path: Path
    engine: Engine
    secrets: Secrets
    _sessions: sessionmaker[Session] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def key_source(self) -> str:
        """"keyring", or "demo key file" for the synthetic demo on a machine without one."""
        return self.secrets.source

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A Session in one transaction: committed when the block ends, rolled back (nothing
        half-saved) if it raises. Every use case in ``app.services`` runs in one of these."""
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        """Fold the WAL back into the file and release every connection."""
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self.engine.dispose()


def _connect(path: Path, key: DatabaseKey) -> Any:
    conn = sqlcipher.connect(str(path), check_same_thread=False, timeout=30)
    conn.execute(key.pragma())  # must be the very first statement on the connection
    return conn


def _make_engine(path: Path, key: DatabaseKey) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}", creator=lambda: _connect(path, key), module=sqlcipher
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA temp_store=MEMORY")  # no temporary files on disk at all
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    return engine


def _probe(path: Path, key: DatabaseKey) -> list[str]:
    """Open the file with the key and list its tables; raises sqlcipher.DatabaseError."""
    conn = _connect(path, key)
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return [row[0] for row in rows]
    finally:
        conn.close()


def _check_file(path: Path, key: DatabaseKey | None) -> None:
    """Refuse, before any change, a file that cannot be this app's encrypted database."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(16)
    if head == SQLITE_MAGIC:
        raise NotADoorstepDatabase(
            f"{path} is a plain, unencrypted SQLite database, not a Doorstep database. "
            "Move it aside (nothing was changed) and start Doorstep again to create a new one."
        )
    if size < PAGE_SIZE or size % PAGE_SIZE:
        raise CorruptDatabase(
            f"The Doorstep database at {path} is damaged (its size, {size} bytes, is not a whole "
            "number of pages). Nothing was changed. Move the file aside and sign in again to "
            "download the caseload; anything not yet synced from it is lost unless IT can "
            "recover it."
        )
    if key is None:
        raise WrongKey(
            f"The Doorstep database at {path} cannot be opened: this computer's keyring holds no "
            "key for it (was the file copied from another computer or user account?). Nothing "
            "was changed. Sign in on the computer that made it to sync its changes, then move "
            "this file aside and sign in again here."
        )
    if key.salt is not None and key.salt != head:
        raise WrongKey(
            f"The key in this computer's keyring does not open the Doorstep database at {path}: "
            "the file was made with a different key (copied from another computer or user "
            "account, or replaced). Nothing was changed."
        )


def open_local_store(data_dir: Path, *, allow_demo_files: bool = False) -> LocalStore:
    """Open (or create) the encrypted database in ``data_dir`` and upgrade its schema."""
    secrets = Secrets(data_dir, allow_demo_files=allow_demo_files)
    path = database_path(data_dir)
    key = secrets.database_key()
    is_new = not path.exists() or path.stat().st_size == 0
    if is_new:
        if path.exists():
            path.unlink()  # an empty file holds nothing; SQLCipher would adopt it anyway
        key = DatabaseKey.generate()
        secrets.save_database_key(key)  # before the file exists, so the key is never lost
        _probe(path, key)
        engine = _make_engine(path, key)
        with engine.connect() as connection:  # writes page 1 (and the salt) to the file
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        with path.open("rb") as handle:
            key = DatabaseKey(key.key, handle.read(16))
        secrets.save_database_key(key)
    else:
        _check_file(path, key)
        assert key is not None
        try:
            tables = _probe(path, key)
        except sqlcipher.DatabaseError as exc:
            if key.salt is not None:
                raise CorruptDatabase(
                    f"The Doorstep database at {path} is damaged: the right key no longer opens "
                    f"its first page ({exc}). Nothing was changed."
                ) from exc
            raise WrongKey(
                f"The key in this computer's keyring does not open the Doorstep database at "
                f"{path} (or the file is damaged). Nothing was changed."
            ) from exc
        if tables and "alembic_version" not in tables:
            raise NotADoorstepDatabase(
                f"{path} opens with Doorstep's key but holds no Doorstep schema. Nothing was "
                "changed."
            )
        engine = _make_engine(path, key)
        _integrity_check(engine, path)
    schema.upgrade(engine, path)
    return LocalStore(path=path, engine=engine, secrets=secrets)


def _integrity_check(engine: Engine, path: Path) -> None:
    """SQLCipher checks every page's HMAC; a damaged page anywhere is reported here."""
    try:
        with engine.connect() as connection:
            problems = connection.exec_driver_sql("PRAGMA cipher_integrity_check").fetchall()
    except Exception as exc:  # the driver raises DatabaseError subclasses for damaged files
        engine.dispose()
        raise CorruptDatabase(
            f"The Doorstep database at {path} is damaged ({exc}). Nothing was changed."
        ) from exc
    if problems:
        engine.dispose()
        raise CorruptDatabase(
            f"The Doorstep database at {path} is damaged ({len(problems)} damaged pages, e.g. "
            f"{problems[0][0]}). Nothing was changed."
        )
