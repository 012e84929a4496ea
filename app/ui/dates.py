"""Dates on screen, one way: ``DAY_FORMAT`` is how every date box shows a day, the same as
:func:`app.domain.display.format_day` writes one in text (``1 Dec 2026``).

Threading: GUI thread only.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QWidget

#: Qt's pattern for :func:`app.domain.display.format_day`'s ``1 Dec 2026``.
DAY_FORMAT = "d MMM yyyy"


def qdate(day: date) -> QDate:
    """``day`` as Qt's date (spelled out: not every PySide6 declares QDate(date))."""
    return QDate(day.year, day.month, day.day)


def day_edit(day: date | None = None, *, name: str, parent: QWidget | None = None) -> QDateEdit:
    """A date box showing days as the rest of the app writes them, with a calendar to pick
    from and wide enough for the longest date."""
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DAY_FORMAT)
    edit.setAccessibleName(name)
    edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("30 Sep 2026") + 60)
    if day is not None:
        edit.setDate(qdate(day))
    return edit


def kept_day(value: object) -> date | None:
    """A day kept as ISO text (a form's draft), or None when there is none or it does not read."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
