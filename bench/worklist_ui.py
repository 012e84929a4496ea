"""The screen half of ``python -m bench worklist`` (needs PySide6; run offscreen).

- a filter keystroke: typing words into the worklist's filter, one character at a time, each
  keystroke timed from setting the text to the table painted again (p95 and worst);
- opening a case: the case window built, its case file read (inline, as the worker would) and
  shown with the statement and the chart, painted.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Iterator

from PySide6.QtWidgets import QApplication, QTableView

from app.ui.context import UiContext
from app.ui.main_window import MainWindow
from app.ui.ops import InlineRunner
from app.ui.worklist_model import WorklistFilterProxy, WorklistTableModel, worklist_rows


def _words(items) -> list[str]:  # type: ignore[no-untyped-def]
    """What an officer types: a surname, a street, a postcode start, a ref, a first name."""
    first = items[len(items) // 3].case
    return [
        first.lead_tenant.split()[-1].lower(),
        "station road",
        first.postcode.split()[0].lower(),
        first.ref.lower(),
        "priya",
    ]


def _keystrokes(words: list[str]) -> Iterator[str]:
    for word in words:
        for end in range(1, len(word) + 1):
            yield word[:end]
        yield ""  # the officer clears the box before the next search


def measure(*, workspace, items, sample, policy) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    app = QApplication.instance() or QApplication(sys.argv[:1])
    figures: list[tuple[str, str]] = []

    model = WorklistTableModel(worklist_rows(items))
    proxy = WorklistFilterProxy()
    proxy.setSourceModel(model)
    view = QTableView()
    view.setModel(proxy)
    view.resize(1300, 700)
    view.show()
    app.processEvents()
    times = []
    for text in _keystrokes(_words(items)):
        started = time.perf_counter()
        proxy.set_filter_text(text)
        app.processEvents()  # handles the update the change posted: one paint, as on screen
        times.append((time.perf_counter() - started) * 1000)
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    figures.append(
        (
            f"filter keystroke, p95 / worst of {len(times)} (painted)",
            f"{p95:.0f} ms / {max(times):.0f} ms",
        )
    )
    view.close()

    window = MainWindow(UiContext(workspace, InlineRunner()))
    window.show()
    app.processEvents()
    opened = []
    for tenancy_id in sample:
        started = time.perf_counter()
        case_window = window.open_case(tenancy_id)
        app.processEvents()
        if case_window is not None:
            case_window.repaint()
        opened.append((time.perf_counter() - started) * 1000)
        if case_window is not None:
            case_window.close()
        app.processEvents()
    figures.append(
        (
            f"open a case with statement and chart (median / worst of {len(opened)})",
            f"{statistics.median(opened):.0f} ms / {max(opened):.0f} ms",
        )
    )
    window.close()
    app.processEvents()
    return figures
