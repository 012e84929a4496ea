"""The floor for ``python -m bench startup``: the least a PySide6 + SQLCipher program can do to
put the same caseload on screen. It opens the same encrypted file with its key, reads every
tenancy, lead tenant and ledger line (as the worklist does), sums the balances and paints them
in a table, then prints the row count. No SQLAlchemy, no rules, no sync: what is left of the
app's start-up beyond this is the app's own cost.

Run with ``QT_QPA_PLATFORM=offscreen``; the parent times the whole process from its launch.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def _read_caseload(data_dir: Path) -> list[tuple[str, str, str, int]]:
    import sqlcipher3.dbapi2 as sqlcipher

    key = json.loads((data_dir / "demo-database-key.secret").read_text())["key"]
    conn = sqlcipher.connect(str(data_dir / "doorstep.db"))
    conn.execute(f"PRAGMA key = \"x'{key}'\"")
    names = {
        tenancy: f"{first} {last}"
        for tenancy, first, last in conn.execute(
            "SELECT tenancy_id, first_name, last_name FROM person WHERE is_lead"
        )
    }
    balances: dict[str, int] = {}
    for tenancy, amount in conn.execute("SELECT tenancy_id, amount_pence FROM ledger_entry"):
        balances[tenancy] = balances.get(tenancy, 0) + amount
    rows = [
        (ref, names.get(tenancy, ""), address, balances.get(tenancy, 0))
        for tenancy, ref, address in conn.execute("SELECT id, ref, address FROM tenancy")
    ]
    conn.close()
    return rows


def main() -> int:
    from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem

    app = QApplication(sys.argv[:1])
    table = QTableWidget(0, 4)
    table.resize(1200, 700)
    table.show()
    app.processEvents()
    rows = _read_caseload(Path(sys.argv[1]))
    table.setRowCount(len(rows))
    for r, (ref, name, address, balance) in enumerate(rows):
        for c, value in enumerate((ref, name, address, f"{balance:,}p")):
            table.setItem(r, c, QTableWidgetItem(value))
    app.processEvents()
    table.repaint()
    shown_at = time.monotonic()  # the same clock as the parent's, across processes
    print(f"rows {table.rowCount()} shown_at {shown_at!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
