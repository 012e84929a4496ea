"""The UTC instant column type and ``utcnow``, shared by the client and the central store.

``UTCDateTime`` keeps instants timezone-aware UTC on every backend: SQLite has no time zone
type, so values are normalised to UTC on the way in and marked UTC on the way out (the rule is
``app.sqlkit.instants``'s, which the plain-SQL reads of start-up share).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from app.sqlkit.instants import read_as_utc, to_utc


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC instant; naive datetimes are refused rather than guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        value = to_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        # The DateTime impl has already read the stored value into a datetime.
        return None if value is None else read_as_utc(value)


def utcnow() -> datetime:
    """Now, as an aware UTC instant."""
    return datetime.now(UTC)
