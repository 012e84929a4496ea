"""``python -m bench visits``: recording a contact and opening visit mode, on a real caseload.

Builds the same encrypted laptop store as ``bench worklist`` (``--cases`` synthetic cases with
``--years`` of weekly ledger), then prints:

- saving a contact with its outbox write (one transaction: the contact, a promise and a
  follow-up, their three mutations and the audit event), median and p95 of 60;
- visit mode opened and painted: the window built, the case's brief read (inline, as the
  worker would) and the visit page painted, median and p95 over 25 cases.

Synthetic data only. Prints, never asserts.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import keyring

from bench.worklist import AS_OF, _generate, _line, _p95
from tests.memory_keyring import MemoryKeyring


def bench_visits(*, cases: int, years: int, seed: int) -> None:
    keyring.set_keyring(MemoryKeyring())
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from sqlalchemy import select

    from app.domain.clock import SetClock
    from app.models import Tenancy
    from app.services.visits import ContactDetails, FollowUpTerms, PromiseTerms, record_contact
    from app.services.workspace import Workspace
    from app.store.database import open_local_store

    print(f"visits: {cases:,} cases with {years} years of weekly ledger")
    with tempfile.TemporaryDirectory(prefix="doorstep-bench-") as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        store = open_local_store(folder)
        workspace = Workspace(store, SetClock.on(AS_OF))
        try:
            _generate(store, cases=cases, years=years, seed=seed)
            with store.session() as session:
                ids = sorted(session.scalars(select(Tenancy.id)))
            sample = random.Random(seed).sample(ids, min(60, len(ids)))
            details = ContactDetails(
                on=AS_OF,
                how="home_visit",
                outcome="promise_to_pay",
                note="Spoke at the door; will pay on Friday. " * 4,
                promise=PromiseTerms(2500, AS_OF + timedelta(days=4)),
                follow_up=FollowUpTerms(AS_OF + timedelta(days=7), "Check the payment"),
            )
            times = []
            for tenancy_id in sample:
                started = time.perf_counter()
                record_contact(workspace, tenancy_id=tenancy_id, details=details)
                times.append((time.perf_counter() - started) * 1000)
            _line(
                "save a contact + promise + follow-up with outbox (median / p95 of 60)",
                f"{statistics.median(times):.1f} ms / {_p95(times):.1f} ms",
            )
            _visit_mode(workspace, sample[:25])
        finally:
            store.close()


def _visit_mode(workspace, sample) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from app.ui.context import UiContext
    from app.ui.ops import InlineRunner
    from app.ui.visit_mode import VisitModeWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    context = UiContext(workspace, InlineRunner())
    warm = VisitModeWindow(context, tenancy_id=sample[0])  # the first window pays for imports
    warm.load()
    warm.close_for_lock()
    times = []
    for tenancy_id in sample:
        started = time.perf_counter()
        window = VisitModeWindow(context, tenancy_id=tenancy_id)
        window.load()
        window.show_visit_page()
        window.show()
        app.processEvents()
        window.repaint()
        times.append((time.perf_counter() - started) * 1000)
        window.close_for_lock()
        app.processEvents()
    _line(
        "visit mode opened and painted (median / p95 of 25)",
        f"{statistics.median(times):.0f} ms / {_p95(times):.0f} ms",
    )
