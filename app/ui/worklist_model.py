"""The worklist table: one row per case, most urgent first, with its next action and reason.

``WorklistTableModel`` presents the ``WorkItem`` values ``app.services.worklist.build_worklist``
made (every figure, stage, action and reason comes from the services and the domain, and
every word shown from ``app.ui.text.worklist``; this module only looks them up). A follow-up
due today or overdue is shown in place of a next action not due now (docs/rules.md F3b). An
overdue due date is bold and dark red (weight and colour, with its tooltip saying how long); the
first click on Balance or Weeks sorts biggest first, on Warnings the most serious first.
Display text, the folded search text and the filter facets are worked out once per row in
``worklist_rows`` when the rows are replaced, so a keystroke in the filter box only compares
prepared strings and ints.

``WorklistFilterProxy`` filters on those raw facets (never on formatted text): words typed
(every word must appear, case- and accent-insensitively, in the lead tenant's or a household
member's name, the address, the postcode with or without its space, or the ref), flags that
must all hold (action due today, follow-up due, broken promise, live arrangement, vulnerable,
Breathing Space),
a stage and an arrears band. ``counts()`` answers how many rows each filter would show if it
were chosen next, given all the *other* filters (faceted counts; a chosen filter's count is the
number of rows shown).

Threading: GUI thread only. Replace the rows with ``set_rows`` (a model reset), which keeps the
proxy's filter and the sort.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import IntEnum, IntFlag
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QObject,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.domain.recovery import NONE
from app.domain.visits import FollowUpTask
from app.services.worklist import WorkItem
from app.ui.table_model import AnyIndex, FrozenRowsModel, FrozenRowsProxy, fold
from app.ui.text import worklist as text

MarkersRole = Qt.ItemDataRole.UserRole + 10
"""The warning markers of a row (``Marker`` values), for the warnings column's delegate."""


class WorklistColumn(IntEnum):
    """The worklist's columns, in order."""

    PRIORITY = 0
    WARNINGS = 1
    REF = 2
    LEAD = 3
    ADDRESS = 4
    BALANCE = 5
    WEEKS = 6
    NEXT_ACTION = 7
    DUE = 8
    STAGE = 9
    REASON = 10


HEADERS = tuple(header for header, _tip in text.COLUMNS)
assert len(HEADERS) == len(WorklistColumn)

DESCENDING_FIRST = frozenset(
    {WorklistColumn.BALANCE, WorklistColumn.WEEKS, WorklistColumn.WARNINGS}
)
"""The columns whose first click sorts biggest first: arrears before credits, the most serious
warnings before none."""


class WorkFlag(IntFlag):
    """Yes/no facts of a row that the worklist can be filtered by (all chosen must hold)."""

    DUE_NOW = 1
    LIVE_ARRANGEMENT = 2
    VULNERABLE = 4
    BREATHING_SPACE = 8
    FOLLOW_UP = 16  # a follow-up set on the case due or overdue, or the rules' (F3b)
    BROKEN_PROMISE = 32  # the latest promise to pay is broken (F3a)


#: The flag filters in the order the filter panel shows them, with their names and tooltips.
FLAG_FILTERS: tuple[tuple[WorkFlag, str, str], ...] = tuple(
    (flag, label, tip)
    for flag, (label, tip) in zip(
        (
            WorkFlag.DUE_NOW,
            WorkFlag.FOLLOW_UP,
            WorkFlag.BROKEN_PROMISE,
            WorkFlag.LIVE_ARRANGEMENT,
            WorkFlag.VULNERABLE,
            WorkFlag.BREATHING_SPACE,
        ),
        text.FLAG_WORDS,
        strict=True,
    )
)


class Marker(IntEnum):
    """A warning marker shown in the warnings column (text, not colour alone)."""

    SAFETY = 0
    VULNERABLE = 1
    BREATHING_SPACE = 2


MARKER_TEXT = {marker: text.WARNING_PILLS[marker] for marker in Marker}
MARKER_NAME = {marker: text.WARNING_NAMES[marker] for marker in Marker}
# (background, text): each pair is readable (contrast >= 4.5:1) on any row colour.
MARKER_COLOURS = {
    Marker.SAFETY: (QColor(183, 28, 28), QColor(255, 255, 255)),
    Marker.VULNERABLE: (QColor(255, 193, 7), QColor(0, 0, 0)),
    Marker.BREATHING_SPACE: (QColor(21, 101, 192), QColor(255, 255, 255)),
}

_MUTED = QColor(110, 110, 110)
_CREDIT = QColor(0, 110, 50)
_OVERDUE = QColor(183, 28, 28)  # with bold type: overdue never rests on colour alone


@dataclass(frozen=True, slots=True)
class WorklistRow:
    """One worklist line with what filtering needs, prepared once.

    ``rank`` is the 1-based place in priority order (the services' order); ``search`` the
    folded text type-to-filter matches; ``flags``, ``stage`` and ``band`` the filter facets;
    ``overdue``: the next action fell due before today (its due date is shown bold and red);
    ``follow_up``: the follow-up due today or overdue shown in place of the next action (bold,
    as an action due now), or None.
    """

    item: WorkItem
    rank: int
    search: str
    flags: WorkFlag
    markers: tuple[Marker, ...]
    overdue: bool = False
    follow_up: FollowUpTask | None = None

    @property
    def stage(self) -> str:
        return self.item.advice.stage

    @property
    def band(self) -> str:
        return self.item.advice.arrears_band

    @property
    def tenancy_id(self) -> Any:
        return self.item.tenancy_id

    @property
    def ref(self) -> str:
        return self.item.case.ref


def _search_text(item: WorkItem) -> str:
    case = item.case
    parts = [case.ref, case.lead_tenant, *case.household_names, case.address, case.postcode]
    return fold(" \x00 ".join([*parts, case.postcode.replace(" ", "")]))


def worklist_rows(items: Iterable[WorkItem]) -> list[WorklistRow]:
    """Rows for ``items`` (given most urgent first, as ``build_worklist`` returns them)."""
    rows = []
    for rank, item in enumerate(items, start=1):
        advice = item.advice
        flags = WorkFlag(0)
        if advice.due_now:
            flags |= WorkFlag.DUE_NOW
        if advice.has_live_arrangement:
            flags |= WorkFlag.LIVE_ARRANGEMENT
        if advice.vulnerable:
            flags |= WorkFlag.VULNERABLE
        if advice.breathing_space:
            flags |= WorkFlag.BREATHING_SPACE
        if advice.needs_follow_up:
            flags |= WorkFlag.FOLLOW_UP
        if advice.promise == "broken":
            flags |= WorkFlag.BROKEN_PROMISE
        markers = tuple(
            marker
            for marker, on in (
                (Marker.SAFETY, advice.safety_warning),
                (Marker.VULNERABLE, advice.vulnerable),
                (Marker.BREATHING_SPACE, advice.breathing_space),
            )
            if on
        )
        overdue = text.is_overdue(advice)
        follow_up = text.shown_follow_up(advice)
        rows.append(
            WorklistRow(item, rank, _search_text(item), flags, markers, overdue, follow_up)
        )
    return rows


class WorklistTableModel(FrozenRowsModel[WorklistRow]):
    """The worklist rows; read-only. ``set_stage_order`` gives the ladder order the stage
    column sorts by (stage codes, first = lowest). Threading: GUI thread only."""

    headers = HEADERS
    right_aligned = frozenset(
        {WorklistColumn.PRIORITY, WorklistColumn.BALANCE, WorklistColumn.WEEKS}
    )
    header_tips = {column: tip for column, (_header, tip) in enumerate(text.COLUMNS) if tip}

    def __init__(self, rows: Sequence[WorklistRow] = (), parent: QObject | None = None) -> None:
        self._stage_order: dict[str, int] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self._muted = QBrush(_MUTED)
        self._credit = QBrush(_CREDIT)
        self._overdue = QBrush(_OVERDUE)
        super().__init__(rows, parent)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # The first click on Balance or Weeks shows the biggest arrears first, on Warnings
        # the most serious.
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            first = DESCENDING_FIRST if orientation == Qt.Orientation.Horizontal else ()
            return (
                Qt.SortOrder.DescendingOrder if section in first else Qt.SortOrder.AscendingOrder
            )
        return super().headerData(section, orientation, role)

    def set_stage_order(self, codes: Sequence[str]) -> None:
        self._stage_order = {code: n for n, code in enumerate(codes)}
        self._keys.pop(WorklistColumn.STAGE, None)

    def row_of(self, tenancy_id: object) -> int | None:
        """The source row of a tenancy, or None when it is not in the list."""
        for number, row in enumerate(self._rows):
            if row.item.tenancy_id == tenancy_id:
                return number
        return None

    # -- FrozenRowsModel ----------------------------------------------------------------------
    def row_texts(self, row: WorklistRow) -> tuple[str, ...]:
        warnings = tuple(MARKER_NAME[marker] for marker in row.markers)
        return text.row_texts(row.item, rank=row.rank, warnings=warnings)

    def sort_key(self, row: WorklistRow, column: int) -> Any:
        advice = row.item.advice
        case = row.item.case
        if column == WorklistColumn.PRIORITY:
            return row.rank
        if column == WorklistColumn.WARNINGS:
            # Officer safety outweighs the others together; alike, the more urgent case first
            # (the column sorts descending first, hence the negative rank).
            weight = sum(4 >> int(marker) for marker in row.markers)
            return (weight, -row.rank)
        if column == WorklistColumn.REF:
            return case.ref.casefold()
        if column == WorklistColumn.LEAD:
            return fold(case.lead_sort_key or case.lead_tenant)
        if column == WorklistColumn.ADDRESS:
            return fold(case.address)
        if column == WorklistColumn.BALANCE:
            return advice.summary.balance_pence
        if column == WorklistColumn.WEEKS:
            return advice.summary.weeks_in_arrears
        if column == WorklistColumn.STAGE:
            return (self._stage_order.get(advice.stage, len(self._stage_order)), advice.stage)
        if column == WorklistColumn.NEXT_ACTION:
            if row.follow_up is not None:
                return (False, text.follow_up_text(row.follow_up).casefold())
            return (advice.next_action == NONE, advice.next_action_label.casefold())
        if column == WorklistColumn.DUE:
            if row.follow_up is not None:
                return (False, False, row.follow_up.due_on, row.rank)
            blocked = advice.blocked_by is not None
            due = advice.due_date or date.max
            return (advice.next_action == NONE, blocked, due, row.rank)
        return advice.reason.casefold()

    def raw_value(self, row: WorklistRow, column: int) -> Any:
        advice = row.item.advice
        if column == WorklistColumn.PRIORITY:
            return row.rank
        if column == WorklistColumn.WARNINGS:
            return int(sum(1 << int(marker) for marker in row.markers))
        if column == WorklistColumn.REF:
            return row.item.case.ref
        if column == WorklistColumn.LEAD:
            return row.item.case.lead_tenant
        if column == WorklistColumn.ADDRESS:
            return row.item.case.address
        if column == WorklistColumn.BALANCE:
            return advice.summary.balance_pence
        if column == WorklistColumn.WEEKS:
            return advice.summary.weeks_in_arrears
        if column == WorklistColumn.STAGE:
            return advice.stage
        if column == WorklistColumn.NEXT_ACTION:
            return advice.next_action
        if column == WorklistColumn.DUE:
            return row.follow_up.due_on if row.follow_up is not None else advice.due_date
        return advice.reason

    def cell_tooltip(self, row: WorklistRow, column: int) -> str | None:
        # Asked on hover only: the words are built here, by app.ui.text.worklist.
        item = row.item
        advice = item.advice
        if column == WorklistColumn.REASON:
            return text.reason_tip(advice)
        if column == WorklistColumn.WARNINGS:
            return "\n".join(advice.warnings) if row.markers else None
        if column == WorklistColumn.LEAD:
            return text.lead_tip(item.case)
        if column == WorklistColumn.ADDRESS:
            return text.address_text(item.case)
        if column == WorklistColumn.STAGE:
            return text.stage_tip(advice)
        if column == WorklistColumn.NEXT_ACTION:
            return text.next_action_tip(advice)
        if column == WorklistColumn.DUE:
            return text.due_tip(advice)
        if column == WorklistColumn.BALANCE:
            return text.credit_tip(advice)
        if column == WorklistColumn.REF and item.case.is_former:
            return text.FORMER_TENANCY
        return None

    def cell_foreground(self, row: WorklistRow, column: int) -> Any:
        advice = row.item.advice
        if row.item.case.is_former or advice.former_tenancy:
            return self._muted
        if column == WorklistColumn.BALANCE and advice.summary.balance_pence < 0:
            return self._credit
        if (
            column in (WorklistColumn.NEXT_ACTION, WorklistColumn.DUE)
            and advice.blocked_by
            and row.follow_up is None
        ):
            return self._muted
        if column == WorklistColumn.DUE and row.overdue:
            return self._overdue
        return None

    def cell_font(self, row: WorklistRow, column: int) -> Any:
        if column in (WorklistColumn.NEXT_ACTION, WorklistColumn.DUE) and (
            row.flags & WorkFlag.DUE_NOW or row.follow_up is not None
        ):
            return self._bold
        return None

    def cell_data(self, row: WorklistRow, column: int, role: int) -> Any:
        if role == MarkersRole and column == WorklistColumn.WARNINGS:
            return row.markers
        return None


@dataclass(frozen=True)
class WorklistFilter:
    """What the worklist is filtered by; the default shows every row."""

    words: tuple[str, ...] = ()
    flags: WorkFlag = WorkFlag(0)
    stage: str | None = None
    band: str | None = None

    @property
    def active(self) -> bool:
        return bool(self.words or self.flags or self.stage is not None or self.band is not None)


@dataclass
class FilterCounts:
    """Faceted counts: for each filter, the rows it would show with all the other filters.

    ``stage_any`` / ``band_any``: rows shown with no stage / no band chosen.
    """

    shown: int = 0
    flags: dict[WorkFlag, int] = field(default_factory=dict)
    stages: dict[str, int] = field(default_factory=dict)
    stage_any: int = 0
    bands: dict[str, int] = field(default_factory=dict)
    band_any: int = 0


_STAGE_GROUP = 1 << 10
_BAND_GROUP = 1 << 11


class WorklistFilterProxy(FrozenRowsProxy):
    """Filters a ``WorklistTableModel`` by the ``WorklistFilter`` set; sorts through the model.

    ``filter_changed`` is emitted after the filter changed and the rows were refiltered.
    Threading: GUI thread only.
    """

    filter_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._filter = WorklistFilter()
        self._text = ""

    def worklist_model(self) -> WorklistTableModel:
        source = self.sourceModel()
        assert isinstance(source, WorklistTableModel)
        return source

    def current_filter(self) -> WorklistFilter:
        return self._filter

    def filter_text(self) -> str:
        return self._text

    def set_filter_text(self, text: str) -> None:
        """Show only rows in which every word of ``text`` appears (blank: show all)."""
        self._text = text
        self.set_filter(replace(self._filter, words=tuple(fold(text).split())))

    def set_flag(self, flag: WorkFlag, on: bool) -> None:
        flags = self._filter.flags | flag if on else self._filter.flags & ~flag
        self.set_filter(replace(self._filter, flags=WorkFlag(flags)))

    def set_stage(self, stage: str | None) -> None:
        self.set_filter(replace(self._filter, stage=stage))

    def set_band(self, band: str | None) -> None:
        self.set_filter(replace(self._filter, band=band))

    def clear_filters(self) -> None:
        """Drop every filter but the typed text."""
        self.set_filter(WorklistFilter(words=self._filter.words))

    def clear_all(self) -> None:
        """Drop every filter and the typed text (one refilter)."""
        self._text = ""
        self.set_filter(WorklistFilter())

    def set_filter(self, new: WorklistFilter) -> None:
        if new == self._filter:
            return

        def change() -> None:
            self._filter = new

        self.refilter(change)
        self.filter_changed.emit()

    def setSourceModel(self, model: QAbstractItemModel) -> None:  # type: ignore[override]
        assert isinstance(model, WorklistTableModel)
        self._model = model
        super().setSourceModel(model)

    def accepts(self, source_row: int) -> bool:
        row = self._model.row_at(source_row)  # called per row per keystroke: no lookups
        wanted = self._filter
        if wanted.flags and (row.flags & wanted.flags) != wanted.flags:
            return False
        if wanted.stage is not None and row.item.advice.stage != wanted.stage:
            return False
        if wanted.band is not None and row.item.advice.arrears_band != wanted.band:
            return False
        if wanted.words:
            text = row.search
            return all(word in text for word in wanted.words)
        return True

    def counts(self) -> FilterCounts:
        """The faceted counts for the rows now in the model (one pass over the rows)."""
        wanted = self._filter
        words = wanted.words
        required = int(wanted.flags)
        stage = wanted.stage
        band = wanted.band
        single_flags = [int(flag) for flag, _, _ in FLAG_FILTERS]
        flag_counts = dict.fromkeys(single_flags, 0)
        stages: dict[str, int] = {}
        bands: dict[str, int] = {}
        stage_any = band_any = shown = 0
        for row in self.worklist_model().rows():
            if words:
                text = row.search
                if not all(word in text for word in words):
                    continue
            flags = int(row.flags)
            failed = required & ~flags
            advice = row.item.advice
            if stage is not None and advice.stage != stage:
                failed |= _STAGE_GROUP
            if band is not None and advice.arrears_band != band:
                failed |= _BAND_GROUP
            if failed == 0:
                shown += 1
                for flag in single_flags:
                    if flags & flag:
                        flag_counts[flag] += 1
            if failed & ~_STAGE_GROUP == 0:
                stage_any += 1
                stages[advice.stage] = stages.get(advice.stage, 0) + 1
            if failed & ~_BAND_GROUP == 0:
                band_any += 1
                bands[advice.arrears_band] = bands.get(advice.arrears_band, 0) + 1
        return FilterCounts(
            shown=shown,
            flags={WorkFlag(flag): n for flag, n in flag_counts.items()},
            stages=stages,
            stage_any=stage_any,
            bands=bands,
            band_any=band_any,
        )


class MarkerDelegate(QStyledItemDelegate):
    """Paints a row's warning markers as small labelled pills (text and colour).

    Threading: GUI thread only.
    """

    PAD_X = 5
    GAP = 4

    def _font(self, option: QStyleOptionViewItem) -> QFont:
        font = QFont(option.font)  # type: ignore[attr-defined]
        font.setBold(True)
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        return font

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        markers = index.data(MarkersRole) or ()
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # type: ignore[attr-defined]
        widget = opt.widget  # type: ignore[attr-defined]
        style = widget.style() if isinstance(widget, QWidget) else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        if not markers:
            return
        font = self._font(option)
        metrics = QFontMetrics(font)
        rect: QRect = option.rect  # type: ignore[attr-defined]
        height = min(rect.height() - 4, metrics.height() + 4)
        top = rect.top() + (rect.height() - height) // 2
        x = rect.left() + 4
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(font)
        for marker in markers:
            text = MARKER_TEXT[Marker(marker)]
            width = metrics.horizontalAdvance(text) + 2 * self.PAD_X
            if x + width > rect.right():
                break
            background, foreground = MARKER_COLOURS[Marker(marker)]
            pill = QRect(x, top, width, height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(background)
            painter.drawRoundedRect(pill, 4, 4)
            painter.setPen(foreground)
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
            x += width + self.GAP
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        markers = index.data(MarkersRole) or ()
        metrics = QFontMetrics(self._font(option))
        width = 8 + sum(
            metrics.horizontalAdvance(MARKER_TEXT[Marker(m)]) + 2 * self.PAD_X + self.GAP
            for m in markers
        )
        return QSize(width, metrics.height() + 8)

    @classmethod
    def full_width(cls, font: QFont) -> int:
        """The width every marker needs side by side (for sizing the column)."""
        bold = QFont(font)
        bold.setBold(True)
        bold.setPointSizeF(max(7.0, bold.pointSizeF() * 0.85))
        metrics = QFontMetrics(bold)
        return 8 + sum(
            metrics.horizontalAdvance(text) + 2 * cls.PAD_X + cls.GAP
            for text in MARKER_TEXT.values()
        )
