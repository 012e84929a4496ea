"""Instants as the laptop database stores them: UTC, as text ``YYYY-MM-DD HH:MM:SS.ffffff``
(SQLAlchemy's form for SQLite, written by :class:`app.sqlkit.utc.UTCDateTime`), for the reads
and writes made on a plain DBAPI connection. The rule is ``app.sqlkit.instants``'s.
"""

from __future__ import annotations

from datetime import datetime

from app.sqlkit.instants import read_as_utc, to_utc


def stored_instant(text: str | None) -> datetime | None:
    """The aware UTC instant of a stored value (None stays None)."""
    return None if text is None else read_as_utc(datetime.fromisoformat(text))


def instant_to_store(instant: datetime) -> str:
    """An aware instant in the stored form; a naive one is refused rather than guessed."""
    return to_utc(instant).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
