"""Money and dates as people read them: ``£1,234.56`` and ``30 Apr 2026``, the same in every
locale, on every screen, document and message.

Pure functions; any thread.
"""

from __future__ import annotations

from datetime import date

_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_pence(pence: int, *, symbol: bool = True) -> str:
    """Format pence for people: ``123456`` -> ``£1,234.56``; ``-500`` -> ``-£5.00``."""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}{'£' if symbol else ''}{pounds:,}.{rest:02d}"


def format_day(day: date) -> str:
    """A date for people, the same in every locale: ``30 Apr 2026``."""
    return f"{day.day} {_MONTHS[day.month]} {day.year}"
