"""Report shapes shared by the laptop and the central store, so the two compare line for line.

``balances_csv``: header ``tenancy_ref,balance_pence``, then one row per tenancy, sorted by ref
in code-point order (whatever the database's collation), balances in integer pence.

``worklist_json`` / ``worklist_csv``: the laptop's worklist for scripts, one row per case with
:data:`WORKLIST_FIELDS` (money in integer pence, weeks as a 2-dp string, dates ISO).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping


def balances_csv(rows: Iterable[tuple[str, int]]) -> str:
    """The balances report as CSV text from (tenancy_ref, balance_pence) pairs."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["tenancy_ref", "balance_pence"])
    writer.writerows(sorted(rows))
    return buffer.getvalue()


#: The columns of ``report worklist``, in order (issue 4; ``promise`` and ``follow_up_due``
#: from issue 12, added last so that a script reading columns by position still works).
WORKLIST_FIELDS = (
    "tenancy_ref",
    "balance_pence",
    "weeks_in_arrears",
    "technical_arrears_pence",
    "stage",
    "next_action",
    "escalates",
    "due_date",
    "blocked_by",
    "reason",
    "promise",
    "follow_up_due",
)


def worklist_json(rows: Iterable[Mapping[str, object]]) -> str:
    """The worklist report as a JSON array of objects with :data:`WORKLIST_FIELDS`."""
    return json.dumps([{key: row[key] for key in WORKLIST_FIELDS} for row in rows], indent=2) + "\n"


def worklist_csv(rows: Iterable[Mapping[str, object]]) -> str:
    """The worklist report as CSV: ``escalates`` as true/false, a missing value as blank."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(WORKLIST_FIELDS)
    for row in rows:
        writer.writerow([_csv_value(row[key]) for key in WORKLIST_FIELDS])
    return buffer.getvalue()


def _csv_value(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value
