"""A case's timeline as shown: its entries and the filter by kind and words.

The entries are read by ``app.services._case_timeline`` (inside ``open_case``); the Contacts tab
shows them. Pure values; safe on any thread.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

TIMELINE_KINDS: dict[str, str] = {
    "contact": "Contacts",
    "action": "Actions",
    "promise": "Promises to pay",
    "referral": "Referrals",
    "follow_up": "Follow-ups",
    "arrangement": "Arrangements",
}
"""The kinds of entry, with the label a filter offers."""


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One thing that happened on the case. ``sync`` is "" (at the central store), "waiting to
    sync", or "refused: <why>"; ``state`` a short judgement where one applies (a promise kept or
    broken, a follow-up overdue, a referral's outcome)."""

    on: date
    kind: str
    title: str
    detail: str
    recorded_by: str
    state: str
    sync: str
    record_id: uuid.UUID
    order: tuple[date, str, str]
    # Still to be acted on: an open follow-up, a referral awaiting its outcome, a promise not
    # withdrawn (the Contacts tab offers to close, record the outcome of, or withdraw it).
    open: bool = False  # day, instant recorded (ISO, "" when unknown), id

    @property
    def kind_label(self) -> str:
        return TIMELINE_KINDS[self.kind]


def filter_timeline(
    entries: Sequence[TimelineEntry], *, kinds: frozenset[str] | None = None, text: str = ""
) -> list[TimelineEntry]:
    """The entries of ``kinds`` (all when None) whose words contain ``text`` (any case)."""
    needle = text.strip().casefold()
    return [
        e
        for e in entries
        if (kinds is None or e.kind in kinds)
        and (
            not needle or needle in f"{e.title}\n{e.detail}\n{e.state}\n{e.recorded_by}".casefold()
        )
    ]
