"""A read-only table model over frozen rows, with display text worked out once per row.

``FrozenRowsModel`` is the base of every table in Doorstep: a subclass says, per row, what
each column shows (``row_texts``, called once per row when the rows are replaced, never from
``data()``) and what it sorts by (``sort_key``, the raw value: pence as ``int``, dates as
``date``). ``data()`` then only looks values up, so painting and filtering stay cheap at
thousands of rows.

Sorting is done by the model in one Python ``sorted`` over precomputed keys, asked for through
``FrozenRowsProxy.sort`` (a ``QSortFilterProxyModel`` comparing row pairs through Python takes
seconds at 20,000 rows); the proxy then keeps the source's order and only filters. The sort
column and order survive ``set_rows``.

Roles: ``SortRole`` holds a cell's raw value, ``RowRole`` the row object itself.

Threading: GUI thread only. Replace rows with ``set_rows`` (a model reset).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

SortRole = Qt.ItemDataRole.UserRole + 1
"""Raw value of a cell: ``str``, ``int`` pence, ``Decimal`` weeks, ``date`` or None."""
RowRole = Qt.ItemDataRole.UserRole + 2
"""The whole row object of the cell's row."""

AnyIndex = QModelIndex | QPersistentModelIndex

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_USER = int(Qt.ItemDataRole.UserRole)
R = TypeVar("R")

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
CENTRE = Qt.AlignmentFlag.AlignCenter


def fold(text: str) -> str:
    """Text for matching: accents removed, case folded (``"Ångström"`` -> ``"angstrom"``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class FrozenRowsModel(QAbstractTableModel, Generic[R]):
    """Rows of immutable values, one per table row; read-only.

    Subclasses set ``headers`` (one per column) and may set ``right_aligned`` and
    ``header_tips``, and implement ``row_texts`` and ``sort_key``; ``raw_value`` (the
    ``SortRole``) defaults to the sort key. Optional per-cell hooks: ``cell_tooltip``,
    ``cell_foreground``, ``cell_font``, ``cell_background`` (keep them to lookups).

    Invariant: ``_texts`` and the cached sort keys always match ``_rows`` (rebuilt in
    ``set_rows``, permuted together in ``sort``).
    """

    headers: tuple[str, ...] = ()
    right_aligned: frozenset[int] = frozenset()
    header_tips: dict[int, str] = {}

    def __init__(self, rows: Sequence[R] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[R] = []
        self._texts: list[tuple[str, ...]] = []
        self._keys: dict[int, list[Any]] = {}
        self._sort_column: int | None = None
        self._descending = False
        self._columns = len(self.headers)
        self._alignments = [
            RIGHT if column in self.right_aligned else LEFT for column in range(self._columns)
        ]
        # The roles this model answers, each to its hook (a hook left as the base's None
        # is not asked at all).
        base = FrozenRowsModel
        kind = type(self)
        self._hooks: dict[int, Callable[[R, int], Any]] = {
            SortRole: self.raw_value,
            RowRole: lambda row, _column: row,
        }
        for role, name in (
            (_TOOLTIP, "cell_tooltip"),
            (_FOREGROUND, "cell_foreground"),
            (_BACKGROUND, "cell_background"),
            (_FONT, "cell_font"),
        ):
            if getattr(kind, name) is not getattr(base, name):
                self._hooks[role] = getattr(self, name)
        self._load(rows)

    # -- for subclasses -------------------------------------------------------------------
    def row_texts(self, row: R) -> tuple[str, ...]:
        """What every column shows for ``row`` (called once per row, in ``set_rows``)."""
        raise NotImplementedError

    def sort_key(self, row: R, column: int) -> Any:
        """A comparable key for ``column`` (never None: wrap optional values in tuples)."""
        raise NotImplementedError

    def raw_value(self, row: R, column: int) -> Any:
        """The ``SortRole`` value of a cell (default: the sort key)."""
        return self.sort_key(row, column)

    def cell_tooltip(self, row: R, column: int) -> str | None:
        return None

    def cell_foreground(self, row: R, column: int) -> Any:
        return None

    def cell_background(self, row: R, column: int) -> Any:
        return None

    def cell_font(self, row: R, column: int) -> Any:
        return None

    def cell_data(self, row: R, column: int, role: int) -> Any:
        """Any other role (subclasses' own roles); None by default."""
        return None

    # -- ours -----------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[R]) -> None:
        """Replace every row (a model reset: views and proxies keep their filter and sort)."""
        self.beginResetModel()
        self._load(rows)
        self.endResetModel()

    def _load(self, rows: Sequence[R]) -> None:
        self._rows = list(rows)
        self._keys = {}
        if self._sort_column is not None:
            keys = self.sort_keys(self._sort_column)
            order = sorted(range(len(keys)), key=keys.__getitem__, reverse=self._descending)
            self._rows = [self._rows[i] for i in order]
            self._keys = {self._sort_column: [keys[i] for i in order]}
        self._texts = [self.row_texts(row) for row in self._rows]
        self.rows_loaded()

    def rows_loaded(self) -> None:
        """Called after the rows were replaced or reordered: rebuild per-row caches here."""

    def rows(self) -> list[R]:
        return list(self._rows)

    def row_at(self, source_row: int) -> R:
        return self._rows[source_row]

    def text_at(self, source_row: int, column: int) -> str:
        return self._texts[source_row][column]

    def sort_keys(self, column: int) -> list[Any]:
        """Comparable keys of one column, per source row (built on first use)."""
        keys = self._keys.get(column)
        if keys is None:
            keys = [self.sort_key(row, column) for row in self._rows]
            self._keys[column] = keys
        return keys

    def sort_order(self) -> tuple[int | None, Qt.SortOrder]:
        """The column the rows are kept sorted by (None: as given) and the order."""
        order = Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder
        return self._sort_column, order

    # -- Qt overrides -----------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._columns

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        # Called several times per painted cell: plain int roles, lookups only.
        number = index.row()
        column = index.column()
        if number < 0 or column < 0 or number >= len(self._rows) or column >= self._columns:
            return None  # also an invalid index (row -1)
        if role == _DISPLAY:
            return self._texts[number][column]
        if role == _ALIGNMENT:
            return self._alignments[column]
        hook = self._hooks.get(role)
        if hook is not None:
            return hook(self._rows[number], column)
        if role >= _USER:
            return self.cell_data(self._rows[number], column, role)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if section in self.right_aligned else LEFT
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.header_tips.get(section)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Reorder the rows by the raw values of ``column`` (stable); kept across ``set_rows``.

        A column of -1 keeps the rows in the order given.
        """
        if not 0 <= column < len(self.headers):
            self._sort_column = None
            return
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.layoutAboutToBeChanged.emit()
        keys = self.sort_keys(column)
        permutation = sorted(range(len(keys)), key=keys.__getitem__, reverse=self._descending)
        new_position = [0] * len(permutation)
        for new, old in enumerate(permutation):
            new_position[old] = new
        self._rows = [self._rows[i] for i in permutation]
        self._texts = [self._texts[i] for i in permutation]
        self._keys = {col: [values[i] for i in permutation] for col, values in self._keys.items()}
        self.rows_loaded()
        before = self.persistentIndexList()
        after = [self.index(new_position[index.row()], index.column()) for index in before]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()


class FrozenRowsProxy(QSortFilterProxyModel):
    """Sorts a ``FrozenRowsModel`` through the model (raw values) and filters its rows.

    Subclasses override ``accepts(source_row)``; ``refilter()`` re-runs it after the filter
    state changed. Threading: GUI thread only.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        self.setDynamicSortFilter(True)

    def rows_model(self) -> FrozenRowsModel[Any]:
        source = self.sourceModel()
        assert isinstance(source, FrozenRowsModel)
        return source

    def row_at(self, proxy_row: int) -> Any:
        """The row object shown at a row of this proxy (mapped to the source first)."""
        source = self.mapToSource(self.index(proxy_row, 0))
        return self.rows_model().row_at(source.row())

    def accepts(self, source_row: int) -> bool:
        return True

    def refilter(self, change: Any = None) -> None:
        """Apply ``change()`` (a callable updating the filter state, or None) and refilter."""
        self.beginFilterChange()
        if change is not None:
            change()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def sort_order(self) -> tuple[int | None, Qt.SortOrder]:
        return self.rows_model().sort_order()

    # -- Qt overrides -----------------------------------------------------------------------
    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        return self.accepts(source_row)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by the raw values of ``column``: the source model reorders its rows and this
        proxy keeps the source's order, filtering it."""
        self.rows_model().sort(column, order)
