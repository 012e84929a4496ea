"""The balance of every tenancy: one query, run by the client's and the central store's reports.

Both stores keep tenancies and ledger lines in tables of the same shape but with their own
models, so the caller names the four columns the query reads. The answer is one row per
tenancy (current, former, zero balance: a tenancy with no ledger line is 0), sorted by ref in
code-point order (Python's sort, the same on SQLite and PostgreSQL whatever the collation),
each the sum of its ledger lines in integer pence: positive is arrears, negative is credit.

Threading: a plain function over a Session passed in; read-only; the caller owns the
transaction.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import QueryableAttribute, Session


def tenancy_balances(
    *,
    session: Session,
    tenancy_id: QueryableAttribute[uuid.UUID],
    tenancy_ref: QueryableAttribute[str],
    ledger_tenancy_id: QueryableAttribute[uuid.UUID],
    ledger_amount_pence: QueryableAttribute[int],
) -> list[tuple[str, int]]:
    """(tenancy ref, balance in pence) for every tenancy, sorted by ref (see the module)."""
    sums = (
        select(
            ledger_tenancy_id.label("tenancy_id"),
            func.sum(ledger_amount_pence).label("total"),
        )
        .group_by(ledger_tenancy_id)
        .subquery()
    )
    rows = session.execute(
        select(tenancy_ref, func.coalesce(sums.c.total, 0)).outerjoin(
            sums, sums.c.tenancy_id == tenancy_id
        )
    ).all()
    # PostgreSQL sums integers as numeric (Decimal); every total is whole pence
    return sorted((ref, int(total)) for ref, total in rows)
