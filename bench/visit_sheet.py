"""A 12-case visit sheet (issue 12's figure: <= 300 ms). Prints, never asserts.

    .venv/bin/python -m bench visit-sheet [--cases 600] [--years 5]

An encrypted laptop store holds ``--cases`` synthetic cases (``tests/visit_day.py``: names with
diacritics, warnings, arrangements, contacts, promises, follow-ups) with ``--years`` of weekly
ledger each; the sheet is made for twelve of them, end to end as the Day plan and ``visits
sheet`` make it (``app.services.visit_sheet.visit_sheet_for_refs``: the briefs and the officer
read in one transaction with its audit events, ordered for the day, the PDF laid out with its
embedded fonts). The first sheet of a process pays for importing reportlab and reading the
fonts, which the Day plan does ahead on a worker as it opens (``prepare_visit_sheets``); the
bench does the same, shows it apart, then the first sheet and the median of the later ones.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path


def _line(label: str, value: str) -> None:
    print(f"  {label:<46} {value}")


def bench_visit_sheet(*, cases: int, years: int, runs: int = 15) -> None:
    import keyring

    from tests.memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())

    from app.paths import data_dir
    from app.services.visit_sheet import prepare_visit_sheets, visit_sheet_for_refs
    from app.store.database import open_local_store
    from tests.visit_day import DAY, seed_visit_day
    from tests.workspaces import workspace_on

    with tempfile.TemporaryDirectory() as tmp:
        store = open_local_store(data_dir(Path(tmp) / "data"))
        try:
            started = time.perf_counter()
            made = seed_visit_day(store, cases=max(cases, 12), years=years)
            seeded = time.perf_counter() - started
            workspace = workspace_on(store, DAY)
            step = max(1, len(made) // 12)
            refs = [case.ref for case in made[::step][:12]]
            times: list[float] = []
            pages = 0
            started = time.perf_counter()
            prepare_visit_sheets()  # as the Day plan does on a worker when it opens
            prepared = (time.perf_counter() - started) * 1000
            for _ in range(runs + 1):
                started = time.perf_counter()
                sheet = visit_sheet_for_refs(workspace, refs, day=DAY)
                times.append((time.perf_counter() - started) * 1000)
                pages = sheet.pages
        finally:
            store.close()
    first, rest = times[0], sorted(times[1:])
    print(f"Visit sheet, 12 of {len(made)} cases with {years} years of weekly ledger each:")
    _line("store seeded in", f"{seeded:.1f} s")
    _line("pages", str(pages))
    _line("prepared ahead as the Day plan opens (imports, fonts)", f"{prepared:.0f} ms")
    _line("first sheet of the process, after that", f"{first:.0f} ms")
    _line(f"sheet, median of {len(rest)}", f"{statistics.median(rest):.0f} ms")
    _line("sheet, worst", f"{rest[-1]:.0f} ms")
