"""Report shapes shared by the laptop and the central store, so the two compare line for line.

``balances_csv``: header ``tenancy_ref,balance_pence``, then one row per tenancy, sorted by ref
in code-point order (whatever the database's collation), balances in integer pence.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable


def balances_csv(rows: Iterable[tuple[str, int]]) -> str:
    """The balances report as CSV text from (tenancy_ref, balance_pence) pairs."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["tenancy_ref", "balance_pence"])
    writer.writerows(sorted(rows))
    return buffer.getvalue()
