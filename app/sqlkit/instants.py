"""The rule for instants in a database, with no SQLAlchemy (the start-up reads use it too): an
instant is timezone-aware UTC; a naive one is refused on the way in, never guessed, and a
stored value without a zone (SQLite has no zone type) is UTC on the way out.
"""

from __future__ import annotations

from datetime import UTC, datetime

NAIVE_REFUSED = "naive datetime: instants must be timezone-aware UTC"


def to_utc(instant: datetime) -> datetime:
    """An aware instant, in UTC, to store; raises ValueError for a naive one."""
    if instant.tzinfo is None:
        raise ValueError(NAIVE_REFUSED)
    return instant.astimezone(UTC)


def read_as_utc(stored: datetime) -> datetime:
    """A stored instant as an aware UTC one (a value stored without a zone was UTC)."""
    return stored.replace(tzinfo=UTC) if stored.tzinfo is None else stored.astimezone(UTC)
