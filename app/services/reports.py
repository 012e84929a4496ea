"""Reports built from the caseload on this device.

``balances_csv`` has exactly the central store's shape (``python -m central report balances``):
header ``tenancy_ref,balance_pence``, one row per tenancy held on the device (current, former,
zero balance), sorted by ref in code-point order, the sum of its ledger in integer pence, so
the two can be compared line for line. No names or addresses appear.

Threading: blocking (one local transaction, which also holds the report's audit event).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.domain import reports as shapes
from app.models import LedgerEntry, Tenancy
from app.services.workspace import Workspace
from app.sqlkit.balances import tenancy_balances
from app.store.audit import record_device_event


def _balances(session: Session) -> list[tuple[str, int]]:
    """(tenancy_ref, balance in pence) for every tenancy on the device, sorted by ref."""
    return tenancy_balances(
        session=session,
        tenancy_id=Tenancy.id,
        tenancy_ref=Tenancy.ref,
        ledger_tenancy_id=LedgerEntry.tenancy_id,
        ledger_amount_pence=LedgerEntry.amount_pence,
    )


def balances_csv(workspace: Workspace) -> str:
    """The balances report as CSV text; records ``report.balances`` in the audit log."""
    with workspace.store.transaction() as session:
        rows = _balances(session)
        record_device_event(
            session, event="report.balances", detail={"rows": len(rows), "format": "csv"}
        )
    return shapes.balances_csv(rows)
