"""The constraint naming convention of both stores' metadata.

Named constraints let Alembic batch migrations on SQLite find and alter them; the client and
the central store name theirs the same way so their migrations read alike. Changing a pattern
renames constraints in existing databases: it needs a migration on both sides.
"""

from __future__ import annotations

from typing import Final

NAMING: Final[dict[str, str]] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
