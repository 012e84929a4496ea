"""The officer's caseload on this laptop: one row per tenancy, and each case's facts.

- :func:`list_caseload`: every tenancy held (or some), by ref, with its balance and lead tenant,
  in one aggregate statement.
- :func:`load_cases`: every case (or some) as a :class:`LoadedCase`, the display row and the
  facts the recovery rules read (the ledger built once).
- :class:`CaseRow`, :class:`LoadedCase`: the values, immutable; :func:`single_line_address`
  and :func:`display_name` say a case's address and people as the screens show them.

Rules (docs/rules.md E3): the balance is the sum of the ledger (charges positive, credits
negative); arrears are the positive balance; weeks in arrears are arrears divided by the
current weekly charge (rent + service charge), to 2 dp. How the rows are read is in
:mod:`app.services._caseload_rows`.

Threading: the use cases are blocking (one local transaction each); call them off the GUI
thread. The values may be handed to any thread.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date

from app.services._caseload_rows import (
    CaseRow,
    LoadedCase,
    caseload_rows,
    display_name,
    single_line_address,
)
from app.services._caseload_rows import load_cases as _load_cases
from app.services.workspace import Workspace


def list_caseload(
    workspace: Workspace,
    *,
    as_of: date | None = None,
    tenancy_ids: Collection[uuid.UUID] | None = None,
) -> list[CaseRow]:
    """Every tenancy held on this device (or only ``tenancy_ids``), by ref; ``as_of`` (default
    today) decides which tenancies have ended."""
    with workspace.store.plain_transaction(writing=False) as connection:
        return caseload_rows(
            connection, today=as_of or workspace.clock.today(), tenancy_ids=tenancy_ids
        )


def load_cases(
    workspace: Workspace, *, as_of: date, tenancy_ids: Collection[uuid.UUID] | None = None
) -> dict[uuid.UUID, LoadedCase]:
    """Every case on the device (or only ``tenancy_ids`` still held), keyed by tenancy id."""
    with workspace.store.plain_transaction(writing=False) as connection:
        return _load_cases(connection, today=as_of, tenancy_ids=tenancy_ids)


__all__ = [
    "CaseRow",
    "LoadedCase",
    "display_name",
    "list_caseload",
    "load_cases",
    "single_line_address",
]
