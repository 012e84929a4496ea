"""A keystroke in the I&E form (issue 5's figure: every total updated <= 16 ms). Prints, never
asserts. Run offscreen:

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.ie_form

The form holds W1 (15 lines, two priority offers) plus 45 more lines (60 in all, more than a
kitchen-table I&E), with the fictional W2 guidelines imported; then an amount is typed one
character at a time, each keystroke timed from the key to every total, flag and label
repainted (``processEvents`` after the key: one paint, as on screen).
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

EXTRA_LINES = 45
TYPED = "1234.56" * 6


def main() -> None:
    import keyring

    from tests.memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())

    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app.domain import sfs
    from app.domain.clock import SetClock
    from app.models import Tenancy
    from app.paths import data_dir
    from app.services.guidelines import import_guidelines
    from app.services.workspace import Workspace
    from app.store.database import open_local_store
    from app.ui.assessment_form import AssessmentForm
    from app.ui.context import UiContext
    from app.ui.ops import InlineRunner
    from tests.unit.sfs_examples import W1_DATE, W2_CSV, w1_assessment

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        store = open_local_store(data_dir(Path(tmp) / "data"))
        workspace = Workspace(store, SetClock.on(W1_DATE))
        tenancy_id = uuid.uuid4()
        with store.session() as session, session.begin():
            session.add(
                Tenancy(
                    id=tenancy_id,
                    ref="BENCH",
                    address="1 Bench Row",
                    postcode="BE1 1NC",
                    tenure="secure",
                    start_date=date(2020, 4, 6),
                    weekly_rent_pence=11250,
                )
            )
        import_guidelines(workspace, csv_text=W2_CSV.read_text(encoding="utf-8"))
        form = AssessmentForm(UiContext(workspace, InlineRunner()), tenancy_id=tenancy_id)
        form.resize(1366, 900)
        form.show()
        form.load()
        w1 = w1_assessment()
        keys = [h.key for g in sfs.GROUPS if g.section != sfs.INCOME for h in g.headings]
        extra = tuple(sfs.Line(keys[i % len(keys)], 1000 + i) for i in range(EXTRA_LINES))
        form._fill(dataclasses.replace(w1, lines=w1.lines + extra))
        app.processEvents()
        target = form.lines(sfs.FLEXIBLE)[0].note_edit
        target.setFocus()
        times = []
        for char in TYPED:
            started = time.perf_counter()
            QTest.keyClick(target, char)
            app.processEvents()
            times.append((time.perf_counter() - started) * 1000)
        form._save_timer.stop()
        form.close()
        store.close()
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"I&E form, {len(w1.lines) + EXTRA_LINES} lines, {len(times)} keystrokes:")
    print(f"  median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms, worst {times[-1]:.2f} ms")


if __name__ == "__main__":
    main()
