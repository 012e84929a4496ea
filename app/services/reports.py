"""Reports built from the caseload on this device.

``balances_csv`` has exactly the central store's shape (``python -m central report balances``):
header ``tenancy_ref,balance_pence``, one row per tenancy held on the device (current, former,
zero balance), sorted by ref in code-point order, the sum of its ledger in integer pence, so
the two can be compared line for line. No names or addresses appear.

Threading: plain functions over a Session passed in; the caller owns the transaction (running a
report appends an audit event to it).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.domain import reports as shapes
from app.models import LedgerEntry, SyncState, Tenancy
from app.services.audit import record_event
from app.sqlkit.balances import tenancy_balances


def balances(*, session: Session) -> list[tuple[str, int]]:
    """(tenancy_ref, balance in pence) for every tenancy on the device, sorted by ref."""
    return tenancy_balances(
        session=session,
        tenancy_id=Tenancy.id,
        tenancy_ref=Tenancy.ref,
        ledger_tenancy_id=LedgerEntry.tenancy_id,
        ledger_amount_pence=LedgerEntry.amount_pence,
    )


def balances_csv(*, session: Session) -> str:
    """The balances report as CSV text; records ``report.balances`` in the audit log."""
    rows = balances(session=session)
    text = shapes.balances_csv(rows)
    state = session.get(SyncState, 1)
    record_event(
        session,
        event="report.balances",
        officer_id=state.officer_id if state else None,
        device_id=state.device_id if state else None,
        detail={"rows": len(rows), "format": "csv"},
    )
    return text
