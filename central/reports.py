"""Reports over the central store, for a council's finance team and for reconciliation.

``balances``: one row per tenancy (every one: current, former, zero balance), sorted by
tenancy_ref in code-point order (the same on SQLite and PostgreSQL, whatever the collation),
with the sum of its ledger lines in integer pence. Positive is arrears, negative is credit.
No names or addresses appear in a report.

Threading: plain functions over a Session passed in; read-only.
"""

from __future__ import annotations

from typing import TextIO

from sqlalchemy.orm import Session

from app.domain import reports as shapes
from app.sqlkit.balances import tenancy_balances
from central.models import LedgerEntry, Tenancy


def balances(*, session: Session) -> list[tuple[str, int]]:
    """(tenancy_ref, balance in pence) for every tenancy, sorted by tenancy_ref."""
    return tenancy_balances(
        session=session,
        tenancy_id=Tenancy.id,
        tenancy_ref=Tenancy.ref,
        ledger_tenancy_id=LedgerEntry.tenancy_id,
        ledger_amount_pence=LedgerEntry.amount_pence,
    )


def balances_csv(*, session: Session) -> str:
    """The balances report as CSV text: header ``tenancy_ref,balance_pence``."""
    return shapes.balances_csv(balances(session=session))


def balances_command(*, url: str | None, out: TextIO) -> int:
    """``python -m central report balances --format csv``: the report on ``out``."""
    from central.db import open_store

    engine = open_store(url)
    try:
        with Session(engine) as session:
            out.write(balances_csv(session=session))
    finally:
        engine.dispose()
    return 0
