"""Workspaces for tests: a store handed to the services with the council's clock set to the
test's day, so that "today" is said once, where the workspace is made."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from app.domain.clock import Clock, SetClock
from app.models import LedgerEntry, Person, Tenancy
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


def add_case(
    store: LocalStore,
    ref: str,
    *,
    lines: list[tuple[date, str, int]],
    rent: int = 10000,
    last_name: str = "Testcase",
) -> uuid.UUID:
    """A synthetic secure tenancy from 6 April 2020 with one lead tenant and ``lines`` of
    ledger ``(posted_on, type, amount_pence)``; its id."""
    tenancy_id = uuid.uuid4()
    with store.session() as session, session.begin():
        session.add(
            Tenancy(
                id=tenancy_id,
                ref=ref,
                address="1 Example Row\nTesttown",
                postcode="TE1 1ST",
                tenure="secure",
                start_date=date(2020, 4, 6),
                weekly_rent_pence=rent,
            )
        )
        session.flush()
        session.add(
            Person(
                tenancy_id=tenancy_id,
                ref=f"P-{ref}",
                title="Ms",
                first_name="Alex",
                last_name=last_name,
                is_lead=True,
            )
        )
        for n, (posted_on, kind, amount) in enumerate(lines):
            session.add(
                LedgerEntry(
                    tenancy_id=tenancy_id,
                    ref=f"L-{ref}-{n}",
                    posted_on=posted_on,
                    type=kind,
                    amount_pence=amount,
                    server_seq=n + 1,
                )
            )
    return tenancy_id


def weekly_rent(start: date, weeks: int, amount: int = 10000) -> list[tuple[date, str, int]]:
    """RENT of ``amount`` pence every week for ``weeks`` weeks from ``start``."""
    return [(start + timedelta(weeks=n), "RENT", amount) for n in range(weeks)]
