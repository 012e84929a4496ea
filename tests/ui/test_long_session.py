"""A long session does not crash: PySide6 6.12.0 on CPython 3.11 loses a reference to None with
each method returning nothing and each Python ``data()`` answering None to Qt, until None is
freed and the process aborts (pyproject.toml keeps PySide6 below 6.12). Run in a child process,
since the failure is an abort."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

A_LONG_SESSION = """
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from app.ui.table_model import FrozenRowsModel


class Rows(FrozenRowsModel[str]):
    headers = ("Name",)

    def row_texts(self, row):
        return (row,)

    def sort_key(self, row, column):
        return row


app = QApplication([])
index = Rows(["x"]).index(0, 0)
label = QLabel()
for _ in range(200_000):
    index.data(Qt.ItemDataRole.FontRole)  # no font of its own: None, as most roles answer
    label.setToolTip("x")  # a method returning nothing
print("still running")
"""


def test_a_long_session_does_not_free_none() -> None:
    # Failed with PySide6 6.12.0: "Fatal Python error: none_dealloc" after some tens of
    # thousands of calls (about 550 repaints of the worklist and the keystrokes between them).
    result = subprocess.run(
        [sys.executable, "-c", A_LONG_SESSION],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "still running"
