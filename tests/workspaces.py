"""Workspaces for tests: a store handed to the services with the council's clock set to the
test's day, so that "today" is said once, where the workspace is made."""

from __future__ import annotations

from datetime import date, datetime

from app.domain.clock import Clock, SetClock
from app.services.workspace import Workspace
from app.store.database import LocalStore


def workspace_on(store: LocalStore, day: date) -> Workspace:
    """``store`` as a workspace whose clock says today is ``day`` (noon, running on)."""
    return Workspace(store, SetClock.on(day))


class MovableClock(Clock):
    """The council's clock on a day a test moves on while windows stay open
    (``clock.day = ...``): noon of that day, running on in real time."""

    def __init__(self, day: date) -> None:
        self.day = day

    @property
    def day(self) -> date:
        return self._set.today()

    @day.setter
    def day(self, day: date) -> None:
        self._set = SetClock.on(day)

    def now(self) -> datetime:
        return self._set.now()
