"""Schema upgrades of the laptop database with Alembic, run at start-up, configured in code.

A no-op at head; a backup copy of the (still encrypted) file before any upgrade; a refusal,
never a stamp, when the database is newer than this app.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.store.errors import DatabaseTooNew

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from app.store.database import LocalStore

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def newest_revision_file() -> str:
    """The head as the migration files name it (``NNNN_what.py`` has revision ``NNNN``).

    Read from file names alone so that an up-to-date database opens without importing Alembic
    (a tenth of a second of start-up); a test checks it agrees with Alembic's own head.
    """
    return max(path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def _stamped_revision(store: LocalStore) -> str | None:
    with store.plain_transaction(writing=False) as connection:
        table = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        if table is None:
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return None if row is None else str(row[0])


def at_head(store: LocalStore) -> bool:
    """The usual start: the file is at head, nothing to import or do (SQLAlchemy included)."""
    return _stamped_revision(store) == newest_revision_file()


def upgrade(store: LocalStore) -> None:
    """Bring the schema to head, backing the file up first when there is anything to do."""
    if at_head(store):
        return

    from alembic import command

    engine, db_path = store.engine, store.path

    with engine.connect() as connection:
        current = current_revision(connection)
    head = head_revision()
    if current == head:
        return
    if current is not None and current not in known_revisions():
        raise DatabaseTooNew(
            f"The database at {db_path} was written by a newer version of Doorstep "
            f"(schema {current}). Install the newer version; nothing was changed."
        )
    if current is not None:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy2(db_path, db_path.with_name(f"{db_path.name}.before-{head}.bak"))
    with engine.begin() as connection:
        command.upgrade(_config(connection), "head")
