"""Keeping ``None`` alive under PySide6 6.12 on CPython 3.11.

PySide6 6.12 loses a reference to ``None`` each time one of its methods returns nothing to
Python (``setText``) and each time a Python ``data()`` answers None to Qt (every painted cell
does for most roles). CPython 3.12 made
None immortal, so there it costs nothing; on 3.11 the count falls by a few hundred with each
repaint or keystroke in the worklist, and after some hundreds of them None is freed and the
process aborts ("Fatal Python error: none_dealloc: deallocating None").

``keep_none_alive()`` sees whether the running PySide6 does so and, if it does and None is
mortal, gives None the immortality 3.12 gives it: a reference count no session can use up.
``app.ui.table_model`` calls it on import, before any model answers Qt.

Threading: call on the GUI thread before the app starts its workers (it reads and writes
None's reference count).
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex

AnyIndex = QModelIndex | QPersistentModelIndex
IMMORTAL_REFCOUNT = 1 << 60
"""A reference count no session can use up."""


class _AnswersNone(QAbstractTableModel):
    """One cell whose ``data()`` answers None: to see whether Qt's call loses a reference."""

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 1

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 1

    def data(self, index: AnyIndex, role: int = 0) -> Any:
        return None


def qt_loses_none_references() -> bool:
    """Whether answering None to Qt from a Python ``data()`` loses a reference to None."""
    model = _AnswersNone()
    index = model.index(0, 0)  # an index does not keep its model alive
    calls = 64
    before = sys.getrefcount(None)
    for _ in range(calls):
        index.data()
    return before - sys.getrefcount(None) >= calls


def keep_none_alive() -> bool:
    """Make None's reference count too large to use up, where it is mortal and this PySide6
    loses references to it; True when it did so."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False  # None is immortal there
    if not qt_loses_none_references():
        return False
    # ob_refcnt is the first field of every CPython object (a Py_ssize_t).
    refcount = ctypes.c_ssize_t.from_address(id(None))
    refcount.value = max(refcount.value, IMMORTAL_REFCOUNT)
    return True
