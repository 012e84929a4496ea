"""Instants as the laptop database stores them: UTC, as text ``YYYY-MM-DD HH:MM:SS.ffffff``
(SQLAlchemy's form for SQLite, written by :class:`app.sqlkit.utc.UTCDateTime`), for the reads
and writes made on a plain DBAPI connection.
"""

from __future__ import annotations

from datetime import UTC, datetime


def stored_instant(text: str | None) -> datetime | None:
    """The aware UTC instant of a stored value (None stays None)."""
    if text is None:
        return None
    instant = datetime.fromisoformat(text)
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


def instant_to_store(instant: datetime) -> str:
    """An aware instant in the stored form; a naive one is refused rather than guessed."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: instants must be timezone-aware UTC")
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
