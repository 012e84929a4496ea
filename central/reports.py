"""Reports over the central store, for a council's finance team and for reconciliation.

``balances``: one row per tenancy (every one: current, former, zero balance), sorted by
tenancy_ref in code-point order (the same on SQLite and PostgreSQL, whatever the collation),
with the sum of its ledger lines in integer pence. Positive is arrears, negative is credit.
No names or addresses appear in a report.

Threading: plain functions over a Session passed in; read-only.
"""

from __future__ import annotations

from typing import TextIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import reports as shapes
from central.models import LedgerEntry, Tenancy


def balances(*, session: Session) -> list[tuple[str, int]]:
    """(tenancy_ref, balance in pence) for every tenancy, sorted by tenancy_ref."""
    sums = (
        select(LedgerEntry.tenancy_id, func.sum(LedgerEntry.amount_pence).label("total"))
        .group_by(LedgerEntry.tenancy_id)
        .subquery()
    )
    rows = session.execute(
        select(Tenancy.ref, func.coalesce(sums.c.total, 0)).outerjoin(
            sums, sums.c.tenancy_id == Tenancy.id
        )
    ).all()
    # PostgreSQL sums integers as numeric (Decimal); every total is whole pence
    return sorted((ref, int(total)) for ref, total in rows)


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
