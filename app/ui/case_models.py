"""The case window's tables: the rent statement (with its date and type filter) and the
action history.

Both present the plain values ``app.services.case_file.open_case`` returned; display text is
worded by ``app.ui.text.case`` once per row when a case is (re)loaded (``FrozenRowsModel``).
The statement keeps the account's running balance on every line whatever is filtered out (it is
the balance after that line, not a sum of what is shown).

Threading: GUI thread only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QBrush, QColor, QFont

from app.services.case_file import ActionLine, StatementLine
from app.ui.table_model import FrozenRowsModel, FrozenRowsProxy
from app.ui.text.case import (
    BALANCE_TIP,
    CREDIT_TIP,
    DEBIT_TIP,
    HISTORY_HEADERS,
    PENDING_TIP,
    SOURCE_TIP,
    STATEMENT_HEADERS,
    UNTIL_TIP,
    history_row,
    in_credit_tip,
    refused_tip,
    statement_row,
)

_CREDIT = QColor(0, 110, 50)
_PENDING = QColor(130, 80, 0)
_REFUSED = QColor(170, 20, 20)


class StatementColumn(IntEnum):
    DATE = 0
    TYPE = 1
    DESCRIPTION = 2
    DEBIT = 3
    CREDIT = 4
    BALANCE = 5


class StatementTableModel(FrozenRowsModel[StatementLine]):
    """Ledger lines with the balance after each. Read-only. Sorting by date keeps the posting
    order within a day (reversed when newest first), so the balances read down the page."""

    headers = STATEMENT_HEADERS
    right_aligned = frozenset(
        {StatementColumn.DEBIT, StatementColumn.CREDIT, StatementColumn.BALANCE}
    )
    header_tips = {
        StatementColumn.DEBIT: DEBIT_TIP,
        StatementColumn.CREDIT: CREDIT_TIP,
        StatementColumn.BALANCE: BALANCE_TIP,
    }

    def __init__(self, parent: QObject | None = None) -> None:
        self._credit = QBrush(_CREDIT)
        self._posting: dict[int, int] = {}
        super().__init__((), parent)

    def set_rows(self, rows: Sequence[StatementLine]) -> None:
        """Replace the lines, given in posting order (oldest first)."""
        self._posting = {id(line): n for n, line in enumerate(rows)}
        super().set_rows(rows)

    def row_texts(self, row: StatementLine) -> tuple[str, ...]:
        return statement_row(row)

    def sort_key(self, row: StatementLine, column: int) -> Any:
        if column == StatementColumn.DATE:
            return (row.posted_on, self._posting.get(id(row), 0))
        if column == StatementColumn.TYPE:
            return row.type_label
        if column == StatementColumn.DESCRIPTION:
            return row.description.casefold()
        if column == StatementColumn.DEBIT:
            return max(0, row.amount_pence)
        if column == StatementColumn.CREDIT:
            return max(0, -row.amount_pence)
        return row.balance_pence

    def raw_value(self, row: StatementLine, column: int) -> Any:
        if column == StatementColumn.DATE:
            return row.posted_on
        if column == StatementColumn.TYPE:
            return row.type
        if column == StatementColumn.DESCRIPTION:
            return row.description
        return self.sort_key(row, column)

    def cell_foreground(self, row: StatementLine, column: int) -> Any:
        if column == StatementColumn.CREDIT or (
            column == StatementColumn.BALANCE and row.balance_pence < 0
        ):
            return self._credit
        return None

    def cell_tooltip(self, row: StatementLine, column: int) -> str | None:
        if column == StatementColumn.DESCRIPTION and row.description:
            return row.description
        if column == StatementColumn.BALANCE and row.balance_pence < 0:
            return in_credit_tip(row.balance_pence)
        return None


class StatementFilterProxy(FrozenRowsProxy):
    """Shows the statement lines posted between two dates (inclusive; None = open) and of one
    group (``StatementLine.group``; None = every line). Threading: GUI thread only."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._start: date | None = None
        self._end: date | None = None
        self._group: str | None = None

    def date_range(self) -> tuple[date | None, date | None]:
        return self._start, self._end

    def group(self) -> str | None:
        return self._group

    def set_date_range(self, start: date | None, end: date | None) -> None:
        if (start, end) == (self._start, self._end):
            return

        def change() -> None:
            self._start, self._end = start, end

        self.refilter(change)

    def set_group(self, group: str | None) -> None:
        if group == self._group:
            return

        def change() -> None:
            self._group = group

        self.refilter(change)

    def accepts(self, source_row: int) -> bool:
        line: StatementLine = self.rows_model().row_at(source_row)
        if self._start is not None and line.posted_on < self._start:
            return False
        if self._end is not None and line.posted_on > self._end:
            return False
        return self._group is None or line.group == self._group


class HistoryColumn(IntEnum):
    DATE = 0
    ACTION = 1
    UNTIL = 2
    NOTE = 3
    SOURCE = 4


class ActionHistoryModel(FrozenRowsModel[ActionLine]):
    """The case's actions, newest first (as the service gives them). Read-only; an action
    recorded on this laptop and not yet sent shows "waiting to sync" in italics."""

    headers = HISTORY_HEADERS
    header_tips = {HistoryColumn.UNTIL: UNTIL_TIP, HistoryColumn.SOURCE: SOURCE_TIP}

    def __init__(self, parent: QObject | None = None) -> None:
        self._italic = QFont()
        self._italic.setItalic(True)
        self._pending = QBrush(_PENDING)
        self._refused = QBrush(_REFUSED)
        super().__init__((), parent)

    def row_texts(self, row: ActionLine) -> tuple[str, ...]:
        return history_row(row)

    def sort_key(self, row: ActionLine, column: int) -> Any:
        if column == HistoryColumn.DATE:
            return row.on
        if column == HistoryColumn.ACTION:
            return row.label.casefold()
        if column == HistoryColumn.UNTIL:
            return (row.until is None, row.until or date.min)
        if column == HistoryColumn.NOTE:
            return row.note.casefold()
        return (not row.pending, row.source)

    def raw_value(self, row: ActionLine, column: int) -> Any:
        if column == HistoryColumn.ACTION:
            return row.code
        if column == HistoryColumn.UNTIL:
            return row.until
        if column == HistoryColumn.NOTE:
            return row.note
        if column == HistoryColumn.SOURCE:
            return row.source
        return row.on

    def cell_font(self, row: ActionLine, column: int) -> Any:
        return self._italic if row.pending else None

    def cell_foreground(self, row: ActionLine, column: int) -> Any:
        if column == HistoryColumn.SOURCE and row.sync_problem:
            return self._refused
        return self._pending if row.pending and column == HistoryColumn.SOURCE else None

    def cell_tooltip(self, row: ActionLine, column: int) -> str | None:
        if column == HistoryColumn.NOTE and row.note:
            return row.note
        if row.sync_problem and column == HistoryColumn.SOURCE:
            return refused_tip(row.sync_problem)
        if row.pending and column == HistoryColumn.SOURCE:
            return PENDING_TIP
        return None
