"""The council's clock: now as an aware UTC instant, and today where the council is.

An officer's working day is the council's (Europe/London), whatever zone the laptop is set to:
"due today", "last synced today at 14:32" and the day an action is recorded all follow it.
Instants are kept in UTC and shown in the council's zone.

Code that needs "now" or "today" is handed a :class:`Clock` rather than reading the system
time, so a test or a bench can fix the moment (:class:`SetClock`). Domain rules themselves
never read a clock: they take the day they are asked about (``as_of``).

Invariants: ``now()`` is always timezone-aware UTC; ``today()`` is the council's date of
``now()``. Threading: clocks are immutable and may be shared by every thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

#: Where the council is: the zone of its working day and of every time shown to people.
COUNCIL_ZONE = ZoneInfo("Europe/London")


def council_time(moment: datetime) -> datetime:
    """``moment`` (aware) in the council's zone, for showing to people."""
    return moment.astimezone(COUNCIL_ZONE)


def council_day(moment: datetime) -> date:
    """The council's date at ``moment`` (aware)."""
    return moment.astimezone(COUNCIL_ZONE).date()


class Clock:
    """The real clock of the machine (see the module)."""

    def now(self) -> datetime:
        """Now, as an aware UTC instant."""
        return datetime.now(UTC)

    def today(self) -> date:
        """Today's date where the council is."""
        return council_day(self.now())


@dataclass(frozen=True)
class SetClock(Clock):
    """The machine's clock set to another time: it reads ``start`` when made and runs on in
    real time from there (for tests and benches: "today is 26 Jan 2026"). Running on, not
    stopped, keeps instants recorded one after another in order.

    ``SetClock.on(day)`` sets it to noon of the council's ``day``.
    """

    offset: timedelta

    @classmethod
    def at(cls, start: datetime) -> SetClock:
        if start.tzinfo is None:
            raise ValueError("a clock's start must be timezone-aware")
        return cls(start - datetime.now(UTC))

    @classmethod
    def on(cls, day: date) -> SetClock:
        return cls.at(datetime.combine(day, time(12), tzinfo=COUNCIL_ZONE))

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


#: The machine's clock, for production code.
SYSTEM_CLOCK = Clock()

__all__ = ["COUNCIL_ZONE", "SYSTEM_CLOCK", "Clock", "SetClock", "council_day", "council_time"]
