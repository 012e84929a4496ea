"""How many changes wait to be sent, kept beside the database as well as in it.

A database that will not open can then still say how many unsent changes it held (the officer
is told before agreeing to set it aside and download the caseload again), and a start can see
that queued changes vanished (a write-ahead log deleted or cut short) instead of syncing on as
if nothing had happened.

The mark is two numbers, ``queued`` (the highest ``device_seq`` ever given to a change) and
``waiting`` (changes in the outbox), in a file sealed with the store's key
(:mod:`app.store.sealed`): no personal data, and a mark someone else wrote reads as absent. It
is written after each commit that touched the outbox: a unit of work calls :func:`touch_outbox`
and the store's session events do the rest (``LocalStore``), so it never counts a change that
was rolled back. A crash between the commit and the write leaves it one unit of work behind,
which errs towards saying too little was lost, never too much.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

MARK_NAME = "outbox.mark"
_TOUCHED = "doorstep.outbox_touched"
_COUNTED = "doorstep.outbox_mark"


@dataclass(frozen=True, slots=True)
class OutboxMark:
    """The highest change number queued so far and how many changes wait to be sent."""

    queued: int
    waiting: int

    def dumps(self) -> bytes:
        return json.dumps({"v": 1, "queued": self.queued, "waiting": self.waiting}).encode()

    @classmethod
    def loads(cls, payload: bytes) -> OutboxMark | None:
        try:
            data = json.loads(payload)
            mark = cls(int(data["queued"]), int(data["waiting"]))
        except (ValueError, KeyError, TypeError):
            return None
        return mark if mark.queued >= 0 and mark.waiting >= 0 else None


def touch_outbox(session: Session) -> None:
    """Say that this unit of work adds to or takes from the outbox (the mark follows it)."""
    session.info[_TOUCHED] = True


_COUNT_SQL = (
    "SELECT max(coalesce((SELECT last_device_seq FROM sync_state WHERE id = 1), 0),"
    " coalesce((SELECT max(device_seq) FROM outbox_mutation), 0)),"
    " (SELECT count(*) FROM outbox_mutation)"
)


def count_outbox(connection: sqlite3.Connection) -> OutboxMark:
    """The outbox as the database holds it now (on a plain connection)."""
    queued, waiting = connection.execute(_COUNT_SQL).fetchone()
    return OutboxMark(int(queued), int(waiting))


def count_before_commit(session: Session) -> None:
    """``before_commit``: count the outbox as this unit of work leaves it, if it touched it."""
    if not session.info.pop(_TOUCHED, False):
        return
    from sqlalchemy import text

    session.flush()
    queued, waiting = session.execute(text(_COUNT_SQL)).one()
    session.info[_COUNTED] = OutboxMark(int(queued), int(waiting))


def counted_after_commit(session: Session) -> OutboxMark | None:
    """``after_commit``: the mark counted for the unit of work just committed, if any."""
    mark: Any = session.info.pop(_COUNTED, None)
    return mark if isinstance(mark, OutboxMark) else None


def forget_after_rollback(session: Session) -> None:
    """``after_rollback``: nothing counted stands."""
    session.info.pop(_TOUCHED, None)
    session.info.pop(_COUNTED, None)
