"""The caseload table: an item model over ``CaseRow`` values and its sort/filter proxy.

``CaseTableModel`` only presents rows the caseload service computed (balances and weeks come
from ``app.services.caseload`` and ``app.domain.money``); ``SortRole`` holds the raw values
(pence as ``int``, weeks as ``Decimal`` or None, text as ``str``); sorting is on those, never on
formatted text, done by the model in one Python ``sorted`` and asked for through
``CaseFilterProxy.sort`` (a proxy comparing row pairs through Python takes seconds at 20,000
rows). Filtering is type-to-filter: every word typed must appear,
case- and accent-insensitively, in the lead tenant's or a household member's name, the
address, the postcode (with or without its space) or the ref.

Credit balances are shown with a minus sign (``-£12.00``), as ``format_pence`` writes them.

Threading: GUI thread only. Replace the rows with ``set_rows`` (a model reset), which keeps
the proxy's filter and sort.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from app.domain.money import format_pence
from app.services.caseload import CaseRow

SortRole = Qt.ItemDataRole.UserRole + 1
"""Raw value of a cell for sorting: ``str``, ``int`` pence, ``Decimal`` weeks or None."""
RowRole = Qt.ItemDataRole.UserRole + 2
"""The whole ``CaseRow`` of the cell's row."""

AnyIndex = QModelIndex | QPersistentModelIndex

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_FORMER = QColor(110, 110, 110)
_CREDIT = QColor(0, 110, 50)


class CaseColumn(IntEnum):
    """The table's columns, in order."""

    REF = 0
    LEAD = 1
    ADDRESS = 2
    BALANCE = 3
    ARREARS = 4


HEADERS = {
    CaseColumn.REF: "Ref",
    CaseColumn.LEAD: "Lead tenant",
    CaseColumn.ADDRESS: "Address",
    CaseColumn.BALANCE: "Balance",
    CaseColumn.ARREARS: "Arrears",
}
_HEADER_TIPS = {
    CaseColumn.BALANCE: "Rent account balance: arrears plain, credit with a minus sign",
    CaseColumn.ARREARS: "Arrears in weeks of the weekly rent and service charge",
}


def fold(text: str) -> str:
    """Text for matching: accents removed, case folded (``"Ångström"`` -> ``"angstrom"``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def format_weeks(weeks: Any) -> str:
    """``Decimal("4.10")`` -> ``"4.10 wks"``; blank when there is no weekly charge."""
    return "" if weeks is None else f"{weeks} wks"


def _search_text(row: CaseRow) -> str:
    parts = [row.ref, row.lead_tenant, *row.household_names, row.address, row.postcode]
    compact_postcode = row.postcode.replace(" ", "")
    return fold(" \x00 ".join([*parts, compact_postcode]))


class CaseTableModel(QAbstractTableModel):
    """Rows of the caseload list, one ``CaseRow`` each; read-only.

    Threading: GUI thread only. Invariant: ``search_text`` and ``sort_keys`` always match
    the rows (they are rebuilt in ``set_rows``).
    """

    def __init__(self, rows: Sequence[CaseRow] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[CaseRow] = []
        self._search: list[str] = []
        self._keys: dict[int, list[Any]] = {}
        self._sort_column: int | None = None
        self._descending = False
        self._bold = QFont()
        self._bold.setBold(True)
        self._former_brush = QBrush(_FORMER)
        self._credit_brush = QBrush(_CREDIT)
        self._load(rows)

    # -- ours -------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[CaseRow]) -> None:
        """Replace every row (a model reset: views and proxies keep their filter and sort)."""
        self.beginResetModel()
        self._load(rows)
        self.endResetModel()

    def _load(self, rows: Sequence[CaseRow]) -> None:
        self._rows = list(rows)
        if self._sort_column is not None:
            keys = [self._sort_key(row, self._sort_column) for row in self._rows]
            order = sorted(range(len(keys)), key=keys.__getitem__, reverse=self._descending)
            self._rows = [self._rows[i] for i in order]
        self._search = [_search_text(row) for row in self._rows]
        self._keys = {}

    def sort_order(self) -> tuple[int | None, Qt.SortOrder]:
        """The column the rows are kept sorted by (None: as given) and the order."""
        order = Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder
        return self._sort_column, order

    def rows(self) -> list[CaseRow]:
        return list(self._rows)

    def row_at(self, source_row: int) -> CaseRow:
        return self._rows[source_row]

    def row_of(self, tenancy_id: object) -> int | None:
        """The source row of a tenancy, or None when it is not in the list."""
        for number, row in enumerate(self._rows):
            if row.tenancy_id == tenancy_id:
                return number
        return None

    def search_text(self, source_row: int) -> str:
        """The folded text type-to-filter matches against."""
        return self._search[source_row]

    def sort_keys(self, column: int) -> list[Any]:
        """Comparable keys of one column, per source row (built on first use)."""
        keys = self._keys.get(column)
        if keys is None:
            keys = [self._sort_key(row, column) for row in self._rows]
            self._keys[column] = keys
        return keys

    @staticmethod
    def _sort_key(row: CaseRow, column: int) -> Any:
        if column == CaseColumn.REF:
            return row.ref.casefold()
        if column == CaseColumn.LEAD:
            return fold(row.lead_sort_key or row.lead_tenant)
        if column == CaseColumn.ADDRESS:
            return fold(row.address)
        if column == CaseColumn.BALANCE:
            return row.balance_pence
        # No weekly charge sorts below every number.
        return (0, 0) if row.weeks_in_arrears is None else (1, row.weeks_in_arrears)

    @staticmethod
    def raw_value(row: CaseRow, column: int) -> Any:
        """The SortRole value of a cell."""
        if column == CaseColumn.REF:
            return row.ref
        if column == CaseColumn.LEAD:
            return row.lead_tenant
        if column == CaseColumn.ADDRESS:
            return row.address
        if column == CaseColumn.BALANCE:
            return row.balance_pence
        return row.weeks_in_arrears

    # -- Qt overrides -----------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(CaseColumn)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == CaseColumn.REF:
                return row.ref
            if column == CaseColumn.LEAD:
                return row.lead_tenant
            if column == CaseColumn.ADDRESS:
                return f"{row.address}, {row.postcode}" if row.postcode else row.address
            if column == CaseColumn.BALANCE:
                return format_pence(row.balance_pence)
            if column == CaseColumn.ARREARS:
                return format_weeks(row.weeks_in_arrears)
            return None
        if role == SortRole:
            return self.raw_value(row, column)
        if role == RowRole:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in (CaseColumn.BALANCE, CaseColumn.ARREARS) else _LEFT
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.is_former:
                return self._former_brush
            if column == CaseColumn.BALANCE and row.balance_pence < 0:
                return self._credit_brush
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == CaseColumn.ADDRESS:
                return f"{row.address}, {row.postcode}"
            if column == CaseColumn.LEAD and row.household_names:
                return "Household: " + ", ".join(row.household_names)
            if column == CaseColumn.REF and row.is_former:
                return "Former tenancy (ended)"
            if column == CaseColumn.BALANCE and row.balance_pence < 0:
                return f"In credit by {format_pence(-row.balance_pence)}"
            return None
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Reorder the rows by the raw values of ``column`` (stable); kept across ``set_rows``.

        Sorting here, in one Python ``sorted`` over precomputed keys, takes milliseconds for
        20,000 rows, where a proxy calling back into Python for every comparison takes
        seconds. A column of -1 keeps the rows in the order given.
        """
        if not 0 <= column < len(CaseColumn):
            self._sort_column = None
            return
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.layoutAboutToBeChanged.emit()
        keys = self.sort_keys(column)
        order_ = sorted(range(len(keys)), key=keys.__getitem__, reverse=self._descending)
        new_position = [0] * len(order_)
        for new, old in enumerate(order_):
            new_position[old] = new
        self._rows = [self._rows[i] for i in order_]
        self._search = [self._search[i] for i in order_]
        self._keys = {col: [values[i] for i in order_] for col, values in self._keys.items()}
        before = self.persistentIndexList()
        after = [self.index(new_position[index.row()], index.column()) for index in before]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(CaseColumn):
            return None
        column = CaseColumn(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[column]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in (CaseColumn.BALANCE, CaseColumn.ARREARS) else _LEFT
        if role == Qt.ItemDataRole.ToolTipRole:
            return _HEADER_TIPS.get(column)
        return None


class CaseFilterProxy(QSortFilterProxyModel):
    """Sorts a ``CaseTableModel`` on raw values (through the model) and filters it by the
    text typed.

    Threading: GUI thread only. The source model must be a ``CaseTableModel``.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        self.setDynamicSortFilter(True)
        self._text = ""
        self._words: list[str] = []

    def filter_text(self) -> str:
        return self._text

    def set_filter_text(self, text: str) -> None:
        """Show only rows in which every word of ``text`` appears (blank: show all)."""
        words = fold(text).split()
        if words == self._words:
            self._text = text
            return
        self.beginFilterChange()
        self._text = text
        self._words = words
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def case_model(self) -> CaseTableModel:
        source = self.sourceModel()
        assert isinstance(source, CaseTableModel)
        return source

    def row_at(self, proxy_row: int) -> CaseRow:
        """The ``CaseRow`` shown at a row of this proxy (mapped to the source first)."""
        source = self.mapToSource(self.index(proxy_row, 0))
        return self.case_model().row_at(source.row())

    # -- Qt overrides -----------------------------------------------------------------------
    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if not self._words:
            return True
        text = self.case_model().search_text(source_row)
        return all(word in text for word in self._words)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by the raw values (``SortRole``) of ``column``: the source model reorders its
        rows and this proxy keeps the source's order, filtering it (see
        ``CaseTableModel.sort`` for why)."""
        self.case_model().sort(column, order)

    def sort_order(self) -> tuple[int | None, Qt.SortOrder]:
        return self.case_model().sort_order()
