"""The one increasing change sequence, in commit order.

Numbers come from a counter row updated inside the committing transaction: the row lock (on
PostgreSQL) or the database write lock (on SQLite) is held until commit, so a transaction that
takes numbers later also commits later, and a puller can never skip a row for ever (a plain
BIGSERIAL can commit out of order).
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from central.models import ChangeCounter


def reserve(session: Session, count: int) -> int:
    """Reserve ``count`` consecutive change numbers; returns the first of them."""
    if count <= 0:
        raise ValueError("count must be positive")
    session.execute(
        update(ChangeCounter).where(ChangeCounter.id == 1).values(value=ChangeCounter.value + count)
    )
    last = session.execute(select(ChangeCounter.value).where(ChangeCounter.id == 1)).scalar_one()
    return last - count + 1


def current(session: Session) -> int:
    """The last change number handed out (0 on an empty store)."""
    return session.execute(select(ChangeCounter.value).where(ChangeCounter.id == 1)).scalar_one()
