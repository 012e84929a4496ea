"""Where this laptop stands: its caseload, the changes waiting to be sent, those the central
store refused, its last sync, and whether the caseload is locked. For ``python -m app status``
and the worklist's status line.

Plain SQL on a plain connection, one read transaction each, like the other reads of start-up.
Threading: blocking; call off the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.services._caseload_rows import last_synced_at
from app.services.device import OfficerInfo, signed_in_officer
from app.services.screen_lock import window_state
from app.services.workspace import Workspace
from app.store.database import PlainConnection

#: The records a refusal by the central store stays visible on (``sync_problem``).
_REFUSABLE = ("case_action", "arrangement", "income_assessment")


@dataclass(frozen=True)
class DeviceStatus:
    """The laptop's caseload and sync state, as counts and instants (no personal data)."""

    cases: int
    pending_changes: int
    refused_changes: int
    last_sync: datetime | None
    officer: OfficerInfo | None
    server_url: str | None
    #: No screen shows the caseload: the window is locked, or none has it open and only the
    #: PIN opens it. False while a window shows it, or when no PIN protects it (the demo).
    locked: bool = True

    def as_json(self) -> dict[str, object]:
        return {
            "cases": self.cases,
            "pending_changes": self.pending_changes,
            "refused_changes": self.refused_changes,
            "last_sync": self.last_sync.isoformat() if self.last_sync else None,
            "officer": self.officer.username if self.officer else None,
            "server_url": self.server_url,
            "locked": self.locked,
        }


def waiting_changes(workspace: Workspace) -> int:
    """How many changes made here wait to be sent to the central store."""
    with workspace.store.plain_transaction(writing=False) as connection:
        return count_waiting(connection)


def count_waiting(connection: PlainConnection) -> int:
    """:func:`waiting_changes` inside another read."""
    return int(connection.execute("SELECT count(*) FROM outbox_mutation").fetchone()[0])


def device_status(workspace: Workspace) -> DeviceStatus:
    """The laptop's standing, read in one transaction."""
    shown = window_state(workspace.data_dir)
    locked = shown == "locked" or (shown == "none" and workspace.store.pin_protected)
    with workspace.store.plain_transaction(writing=False) as connection:
        cases = int(connection.execute("SELECT count(*) FROM tenancy").fetchone()[0])
        refused = sum(
            int(
                connection.execute(
                    f"SELECT count(*) FROM {table} WHERE sync_problem IS NOT NULL"  # noqa: S608
                ).fetchone()[0]
            )
            for table in _REFUSABLE
        )
        server = connection.execute("SELECT server_url FROM sync_state WHERE id = 1").fetchone()
        return DeviceStatus(
            cases=cases,
            pending_changes=count_waiting(connection),
            refused_changes=refused,
            last_sync=last_synced_at(connection),
            officer=signed_in_officer(connection),
            server_url=None if server is None else server[0],
            locked=locked,
        )


__all__ = ["DeviceStatus", "count_waiting", "device_status", "waiting_changes"]
