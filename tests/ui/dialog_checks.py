"""Checks the dialog tests share beyond fitting the screen: nothing in a dialog is squeezed
below the size it needs (a wrapped label shorter than its lines, a box or button narrower than
its text), and where a widget is on the screen once the pending layout has run."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QWidget,
)

_SIZED = (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit)


def where(widget: QWidget) -> QPoint:
    """Where ``widget`` is on the screen once the pending layout has run."""
    QApplication.processEvents()
    return widget.mapToGlobal(QPoint(0, 0))


def squeezed(window: QWidget) -> list[str]:
    """Visible widgets given less room than they need: a word-wrapped label shorter than its
    lines at its width, or a button, box or field narrower or lower than its minimum."""
    found: list[str] = []
    for label in window.findChildren(QLabel):
        if label.isVisibleTo(window) and label.wordWrap() and label.text():
            needed = label.heightForWidth(label.width())
            if label.height() < needed:
                found.append(f"label {label.text()!r}: {label.height()} < {needed} high")
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, _SIZED) or not widget.isVisibleTo(window):
            continue
        if isinstance(widget.parentWidget(), _SIZED):  # a date box's own line edit
            continue
        least = widget.minimumSizeHint().expandedTo(widget.minimumSize())
        if widget.width() < least.width() or widget.height() < least.height():
            name = widget.accessibleName() or type(widget).__name__
            found.append(f"{name}: {widget.size().toTuple()} < {least.toTuple()}")
    return found


def assert_nothing_squeezed(window: QWidget) -> None:
    QApplication.processEvents()
    found = squeezed(window)
    assert not found, f"{type(window).__name__} squeezes {found}"
