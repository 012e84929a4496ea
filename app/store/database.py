"""The encrypted laptop database: SQLCipher 4 under SQLAlchemy (or, for the reads of start-up,
a plain connection), opened only with its key.

``open_local_store`` creates the database on first run (a fresh random key goes into the
keyring first), or opens an existing one, telling apart a missing keyring, a key that does not
belong to the file, a damaged file and a file that is not a Doorstep database; each is refused
with a message and nothing on disk is changed. Then it upgrades the schema.

Threading: the engine may be used from any thread; a Session, or a plain connection, belongs to
the thread that opened it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, cast
from urllib.parse import quote

import sqlcipher3.dbapi2 as sqlcipher

from app.paths import database_path
from app.store import schema
from app.store.erase import erase_local_data
from app.store.errors import (
    CaseloadErased,
    CaseloadLocked,
    CorruptDatabase,
    NotADoorstepDatabase,
    StorageUnavailable,
    WrongKey,
)
from app.store.keys import DatabaseKey, Secrets
from app.store.outbox_mark import (
    MARK_NAME,
    OutboxMark,
    count_before_commit,
    counted_after_commit,
    forget_after_rollback,
)
from app.store.sealed import read_sealed, seal_key, write_sealed
from app.store.unlock import unlock_key

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

SQLITE_MAGIC = b"SQLite format 3\x00"
ERASED_MESSAGE = (
    "IT has withdrawn this laptop from Doorstep: its copy of the caseload and its keys have "
    "been erased. Ask IT before signing in on it again."
)
LOCKED_MESSAGE = "Doorstep is locked: unlock it with your PIN to go on. Nothing was changed."
PAGE_SIZE = 4096  # SQLCipher 4's default page size
WAL_HEADER_SIZE = 32  # a log of no more than its header holds no commits

#: A plain DBAPI connection to the database: sqlcipher3's, which has (and is typed as) the
#: standard library's sqlite3 interface.
PlainConnection: TypeAlias = sqlite3.Connection


class LocalStore:
    """An open encrypted database. ``transaction()`` is one unit of work (a use case's);
    ``session()`` is a bare Session for the sync module's own paging; ``plain_transaction``
    is a unit of work on a plain DBAPI connection, for the reads of start-up.

    SQLAlchemy is loaded on the first ``transaction()``, not when the store opens: the
    start-up reads run on a plain connection, so the caseload is on screen before the ORM
    (over half a second of imports on a laptop) has loaded.
    """

    def __init__(
        self,
        *,
        path: Path,
        key: DatabaseKey,
        secrets: Secrets,
        check: _IntegrityCheck | None = None,
    ) -> None:
        self.path = path
        self.secrets = secrets
        self._key: DatabaseKey | None = key  # None while locked (``lock``)
        self._check = check
        self._erased = False
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None

    def wait_until_checked(self) -> None:
        """Wait for the integrity check still running from ``open_local_store`` (if any).

        Raises :class:`CorruptDatabase` (each time) when it found the file damaged. Every unit
        of work calls this first, so nothing reads or writes a file that has not passed."""
        if self._erased:
            raise CaseloadErased(ERASED_MESSAGE)
        if self._key is None:
            raise CaseloadLocked(LOCKED_MESSAGE)
        if self._check is not None:
            self._check.result()

    def _held_key(self) -> DatabaseKey:
        """The key, or :class:`CaseloadLocked` when Doorstep is locked."""
        key = self._key
        if key is None:
            raise CaseloadLocked(LOCKED_MESSAGE)
        return key

    def __repr__(self) -> str:
        return f"LocalStore(path={self.path!r})"

    @property
    def key_source(self) -> str:
        """ "keyring", or "demo key file" for the synthetic demo on a machine without one."""
        return self.secrets.source

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, made (and SQLAlchemy loaded) on first use, on any thread."""
        self.wait_until_checked()
        with self._lock:
            return self._made_engine()

    def session(self) -> Session:
        self.wait_until_checked()
        with self._lock:
            if self._sessions is None:
                from sqlalchemy import event
                from sqlalchemy.orm import sessionmaker

                self._sessions = sessionmaker(self._made_engine(), expire_on_commit=False)
                event.listen(self._sessions, "before_commit", count_before_commit)
                event.listen(self._sessions, "after_commit", self._write_outbox_mark)
                event.listen(self._sessions, "after_rollback", forget_after_rollback)
            sessions = self._sessions
        return sessions()

    def _made_engine(self) -> Engine:
        if self._engine is None:
            self._engine = _make_engine(self.path, self._held_key())
        return self._engine

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A Session in one transaction: committed when the block ends, rolled back (nothing
        half-saved) if it raises. Every use case in ``app.services`` runs in one of these."""
        with self.session() as session, session.begin():
            yield session

    @contextmanager
    def plain_transaction(self, *, writing: bool) -> Iterator[PlainConnection]:
        """A plain DBAPI connection in one transaction (committed when the block ends, rolled
        back if it raises), then closed. For the start-up reads, which must not wait for
        SQLAlchemy; they write at most an audit row or the server's address.

        ``writing``: the unit of work will write. It then takes the write lock as it begins
        (waiting, as any writer does, for one in progress), because a read snapshot cannot
        become a write once another connection (the sync, at start) has written since: SQLite
        refuses that at once as "database is locked". A unit that only reads takes a snapshot
        and blocks no one."""
        self.wait_until_checked()
        connection = _connect(self.path, self._held_key())
        try:
            _set_pragmas(connection)
            connection.execute("BEGIN IMMEDIATE" if writing else "BEGIN")
            try:
                yield connection
            except BaseException:
                connection.rollback()
                raise
            connection.commit()
        finally:
            connection.close()

    @property
    def pin_protected(self) -> bool:
        """The key is kept only wrapped with the officer's PIN."""
        return self.secrets.wrapped_database_key() is not None

    def protect_with_pin(self, pin: str) -> None:
        """Keep the key only wrapped with ``pin`` from now on (``app.store.pin``)."""
        self.secrets.save_database_key(self._held_key(), pin=pin)
        self.secrets.save_pin_failures(0, None)

    def outbox_mark(self) -> OutboxMark | None:
        """The outbox as last counted beside the database (``app.store.outbox_mark``)."""
        return read_outbox_mark(self.path.parent, self._held_key())

    def write_outbox_mark(self, mark: OutboxMark) -> None:
        """Set the outbox mark beside the database (after a loss has been reported)."""
        self.write_sealed(self.path.parent / MARK_NAME, mark.dumps())

    def _write_outbox_mark(self, session: Session) -> None:
        mark = counted_after_commit(session)
        if mark is not None:
            self.write_outbox_mark(mark)

    def write_sealed(self, path: Path, payload: bytes) -> bool:
        """Write a file only this store will read back (``app.store.sealed``); False if the
        file could not be written."""
        return write_sealed(path, payload, key=seal_key(self._held_key().key))

    def read_sealed(self, path: Path) -> bytes | None:
        """The payload of a file this store sealed; None if absent, altered or another's."""
        return read_sealed(path, key=seal_key(self._held_key().key))

    @property
    def locked(self) -> bool:
        """Doorstep is locked: the key is dropped until ``unlock``."""
        return self._key is None and not self._erased

    def lock(self) -> None:
        """Drop the key and every pooled connection: from now on every unit of work is refused
        with :class:`CaseloadLocked` until ``unlock``. A unit of work already running finishes
        on the connection it holds, which is closed when it ends."""
        with self._lock:
            if self._erased or self._key is None:
                return
            engine, self._engine, self._sessions = self._engine, None, None
            self._key = None
        if engine is not None:
            engine.dispose()

    def unlock(self, pin: str | None) -> None:
        """Take the key back with the officer's PIN (``app.store.unlock``: wrong PINs are
        counted, slowed and, at the tenth, the caseload erased: :class:`CaseloadErased`)."""
        if self._erased:
            raise CaseloadErased(ERASED_MESSAGE)
        try:
            key = unlock_key(self.path.parent, self.secrets, pin)
        except CaseloadErased:
            self._erased = True
            raise
        if key is None:
            raise WrongKey(
                f"This computer's keyring no longer holds the key of the Doorstep database at "
                f"{self.path}. Nothing was changed."
            )
        try:
            _probe(self.path, key)
        except sqlcipher.DatabaseError as exc:
            raise WrongKey(
                f"The key in this computer's keyring no longer opens the Doorstep database at "
                f"{self.path}. Nothing was changed."
            ) from exc
        with self._lock:
            self._key = key

    def erase(self) -> int:
        """Release every connection, then erase this caseload's keys and files
        (``app.store.erase``: IT wiped the device); the number of files erased. The store
        refuses every unit of work from now on."""
        with self._lock:
            engine, self._engine, self._sessions = self._engine, None, None
            self._erased = True
        if engine is not None:
            engine.dispose()
        return erase_local_data(self.path.parent, self.secrets)

    def close(self) -> None:
        """Fold the WAL back into the file and release every connection (a file the
        integrity check found damaged, or an erased caseload, is left as it is)."""
        if self._erased or self._key is None:  # erased, or locked: nothing held to fold in
            return
        try:
            self.wait_until_checked()
        except Exception:  # the check did not pass: write nothing
            return
        with self._lock:
            engine, self._engine, self._sessions = self._engine, None, None
        if engine is None:
            connection = _connect(self.path, self._held_key())
            try:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                connection.close()
            return
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            engine.dispose()


def read_outbox_mark(data_dir: Path, key: DatabaseKey) -> OutboxMark | None:
    """The outbox mark of the database in ``data_dir`` sealed with ``key``, even when the
    database itself will not open; None when there is none or it fails its seal."""
    payload = read_sealed(data_dir / MARK_NAME, key=seal_key(key.key))
    return None if payload is None else OutboxMark.loads(payload)


def _connect(path: Path, key: DatabaseKey) -> Any:
    conn = sqlcipher.connect(str(path), check_same_thread=False, timeout=30)
    conn.execute(key.pragma())  # must be the very first statement on the connection
    return conn


def _connect_read_only(path: Path, key: DatabaseKey) -> Any:
    """A connection that cannot write, for what runs before the file has passed its check:
    closing a read-write one folds the write-ahead log into the file unchecked (SQLCipher does
    not read the log's HMACs on a checkpoint), which a log not the database's own would ruin."""
    uri = f"file:{quote(str(path))}?mode=ro"
    conn = sqlcipher.connect(uri, uri=True, check_same_thread=False, timeout=30)
    conn.execute(key.pragma())
    return conn


def _log_has_frames(path: Path) -> bool:
    """The write-ahead log beside ``path`` holds commits not yet folded into the file."""
    try:
        return path.with_name(path.name + "-wal").stat().st_size > WAL_HEADER_SIZE
    except OSError:
        return False


def _set_pragmas(dbapi_conn: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA temp_store=MEMORY")  # no temporary files on disk at all
    # FULL: a commit is on disk before it is reported done, so switching off or a crash loses
    # no saved work (in WAL mode NORMAL may lose the last commits on power loss).
    cur.execute("PRAGMA synchronous=FULL")
    # SQLCipher wipes the memory it frees, so decrypted pages do not linger in freed memory.
    cur.execute("PRAGMA cipher_memory_security=ON")
    cur.close()


def _make_engine(path: Path, key: DatabaseKey) -> Engine:
    from sqlalchemy import create_engine, event

    # hide_parameters: an error's message never quotes the values (a note, a name) it was
    # writing; it reaches logs and message boxes.
    engine = create_engine(
        f"sqlite:///{path}",
        creator=lambda: _connect(path, key),
        module=sqlcipher,
        hide_parameters=True,
    )
    event.listen(engine, "connect", lambda dbapi_conn, _record: _set_pragmas(dbapi_conn))
    return engine


def _probe(path: Path, key: DatabaseKey) -> list[str]:
    """Open the file with the key and list its tables; raises sqlcipher.DatabaseError."""
    conn = _connect_read_only(path, key)
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
            "number of pages). Nothing was changed."
        )
    if key is None:
        raise WrongKey(
            f"The Doorstep database at {path} cannot be opened: this computer's keyring holds no "
            "key for it (was the file copied from another computer or user account?). Nothing "
            "was changed. Sign in on the computer that made it to sync its changes, then move "
            "this file aside and sign in again here."
        )
    if key.salt is not None and key.salt != head:
        differ = sum(a != b for a, b in zip(key.salt, head, strict=False)) + 16 - len(head)
        if differ <= 2:  # two random salts come this close about once in 2**105
            raise CorruptDatabase(
                f"The Doorstep database at {path} is damaged: its first bytes (the salt its key "
                f"was made for) differ in {differ} of 16. Nothing was changed."
            )
        raise WrongKey(
            f"The key in this computer's keyring does not open the Doorstep database at {path}: "
            "the file was made with a different key (copied from another computer or user "
            "account, or replaced). Nothing was changed."
        )


#: SQLite's result codes for a disk that is full, read-only or cannot be reached or read: the
#: file itself may be sound (https://www.sqlite.org/rescode.html).
_FULL, _READ_ONLY = 13, 8
_UNREACHABLE = {3, 10, 14, 15}  # SQLITE_PERM, _IOERR, _CANTOPEN, _PROTOCOL


def _raise_if_storage(path: Path, exc: sqlcipher.DatabaseError) -> None:
    """Raise :class:`StorageUnavailable` when ``exc`` is the disk's fault, not the file's."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code == _FULL:
        what = f"the disk holding {path.parent} is full"
        fix = "Free some space (or ask IT to), then start Doorstep again"
    elif code == _READ_ONLY:
        what = f"the folder {path.parent} is read-only"
        fix = "Ask IT to make it writable again, then start Doorstep again"
    elif code in _UNREACHABLE:
        what = f"the Doorstep database at {path} cannot be read or written (the disk or its folder)"
        fix = "Check the disk is connected and the folder yours, then start Doorstep again"
    else:
        return
    raise StorageUnavailable(
        f"Doorstep cannot open your caseload: {what}. Nothing was changed; the caseload itself "
        f"may well be sound, so keep it. {fix}."
    ) from exc


def open_local_store(
    data_dir: Path,
    *,
    allow_demo_files: bool = False,
    check_in_background: bool = False,
    pin: str | None = None,
) -> LocalStore:
    """Open (or create) the encrypted database in ``data_dir`` and upgrade its schema.

    Every page of an existing file is checked first (SQLCipher's HMACs). With
    ``check_in_background`` and a schema already at head, the check runs on a thread of its own
    while the caller goes on (the app builds its window meanwhile) and the store's first unit of
    work waits for it: it reads the whole file, a twentieth of a second or more, and SQLite lets
    go of Python's lock while it does.
    """
    secrets = Secrets(data_dir, allow_demo_files=allow_demo_files)
    path = database_path(data_dir)
    key = unlock_key(data_dir, secrets, pin)  # the PIN's, when the key is wrapped with one
    # Only a missing file is new: one that is there, even empty, is never replaced (its key and
    # any unsent changes would be lost with it); it is refused below, saying why.
    if not path.exists():
        key = DatabaseKey.generate()
        secrets.save_database_key(key)  # before the file exists, so the key is never lost
        connection = _connect(path, key)
        try:  # WAL mode and a checkpoint write page 1 (and the salt) to the file
            _set_pragmas(connection)
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
        with path.open("rb") as handle:
            key = DatabaseKey(key.key, handle.read(16))
        secrets.save_database_key(key)
    else:
        _check_file(path, key)
        assert key is not None
        try:
            tables = _probe(path, key)
        except sqlcipher.DatabaseError as exc:
            _raise_if_storage(path, exc)
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
        # A log with commits in it is checked before anything may fold it into the file.
        if (
            check_in_background
            and not _log_has_frames(path)
            and _at_head(LocalStore(path=path, key=key, secrets=secrets))
        ):
            return LocalStore(path=path, key=key, secrets=secrets, check=_IntegrityCheck(path, key))
        _integrity_check(path, key)
    store = LocalStore(path=path, key=key, secrets=secrets)
    schema.upgrade(store)
    return store


def _at_head(store: LocalStore) -> bool:
    """The schema needs no upgrade (False, too, if the stamp cannot be read: the integrity
    check that follows then says what is wrong)."""
    try:
        return schema.at_head(store)
    except sqlcipher.DatabaseError:
        return False


class _IntegrityCheck:
    """``_integrity_check`` on a thread of its own; ``result()`` waits and raises its error."""

    def __init__(self, path: Path, key: DatabaseKey) -> None:
        self._error: Exception | None = None
        self._thread = threading.Thread(
            target=self._run, args=(path, key), name="integrity check", daemon=True
        )
        self._thread.start()

    def _run(self, path: Path, key: DatabaseKey) -> None:
        try:
            _integrity_check(path, key)
        except Exception as exc:  # kept for the thread that waits: it is raised there
            self._error = exc

    def result(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error


def _run_integrity_check(path: Path, key: DatabaseKey) -> list[Any]:
    connection = _connect_read_only(path, key)
    try:
        problems = list(connection.execute("PRAGMA cipher_integrity_check").fetchall())
        if not problems and _log_has_frames(path):
            _check_log(path, connection)
        return problems
    finally:
        connection.close()


def _check_log(path: Path, connection: Any) -> None:
    """The check above reads the file alone; reading every page's newest copy (from the log,
    through SQLCipher's HMACs) finds a log that is damaged or not this database's own."""
    try:
        rows = connection.execute("PRAGMA quick_check").fetchall()
    except sqlcipher.DatabaseError as exc:
        _raise_if_storage(path, exc)
        rows = [(str(exc),)]
    if rows != [("ok",)]:
        raise CorruptDatabase(
            f"The Doorstep database at {path} cannot be opened: its write-ahead log "
            f"({path.name}-wal, the changes not yet folded into the file) is damaged or is not "
            "this database's own. Nothing was changed."
        )


def _integrity_check(path: Path, key: DatabaseKey) -> None:
    """SQLCipher checks every page's HMAC; a damaged page anywhere is reported here."""
    try:
        problems = _run_integrity_check(path, key)
    except sqlcipher.DatabaseError as exc:
        _raise_if_storage(path, exc)
        raise CorruptDatabase(
            f"The Doorstep database at {path} is damaged ({exc}). Nothing was changed."
        ) from exc
    if problems:
        raise CorruptDatabase(
            f"The Doorstep database at {path} is damaged ({len(problems)} damaged pages, e.g. "
            f"{problems[0][0]}). Nothing was changed."
        )


def plain_connection_of(session: Session) -> PlainConnection:
    """The DBAPI connection under ``session``'s transaction: the plain-SQL readers and the audit
    log work on it inside a use case's Session too (changes the Session holds are flushed first,
    so they are seen)."""
    session.flush()
    connection = session.connection().connection.driver_connection
    assert connection is not None  # a Session's connection is open inside its transaction
    return cast("PlainConnection", connection)
