"""The worklist's filter strip: the search box, a stage and an arrears band, then yes/no
filters, each with a count; and "Clear filters".

Each check box and each choice in the two lists says how many cases it would show, given the
other filters chosen and the text typed ("Action due today (37)"); ``show_counts`` writes the
``FilterCounts`` the proxy worked out. Choosing a filter goes straight to the proxy. The strip
lies across the top of the list (two rows) so the list keeps the window's width; every box is
sized once for its longest text with the largest count, so nothing moves as counts change.

"Clear filters" is enabled while any filter is active, the text typed included, and clears
them all.

Threading: GUI thread only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyleOptionComboBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.recovery import ARREARS_BANDS
from app.ui.text.worklist import (
    ALL_BANDS,
    ALL_STAGES,
    BAND_LABEL,
    BAND_TIP,
    CLEAR_FILTERS,
    CLEAR_FILTERS_TIP,
    SHOW_ONLY,
    STAGE_LABEL,
    STAGE_TIP,
    WIDEST_COUNT,
    counted,
    short_stage,
)
from app.ui.worklist_model import (
    FLAG_FILTERS,
    FilterCounts,
    WorkFlag,
    WorklistFilter,
    WorklistFilterProxy,
)


def fit_combo_to(combo: QComboBox, texts: Iterable[str]) -> None:
    """Make ``combo`` wide enough to show the widest of ``texts`` in full."""
    metrics = combo.fontMetrics()
    widest = max((metrics.horizontalAdvance(text) for text in texts), default=0)
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    size = combo.style().sizeFromContents(
        QStyle.ContentsType.CT_ComboBox, option, QSize(widest, metrics.height()), combo
    )
    # Qt's own size hint adds a little room beside the text; so do we. A fixed size also keeps
    # a new count from asking the window to lay itself out again at every keystroke.
    combo.setFixedSize(size.width() + metrics.horizontalAdvance("  "), combo.sizeHint().height())


class WorklistFilterPanel(QWidget):
    """Filters for a ``WorklistFilterProxy``: ``search`` (the box the text is typed in, placed
    first in the strip and cleared with the rest), a stage list, a band list, check boxes.

    Threading: GUI thread only.
    """

    def __init__(
        self,
        proxy: WorklistFilterProxy,
        *,
        search: QLineEdit | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("WorklistFilterPanel")
        self._proxy = proxy
        self._search = search
        self._updating = False
        self._stage_labels: list[tuple[str, str]] = []
        self.flag_boxes: dict[WorkFlag, QCheckBox] = {}
        self._flag_labels: dict[WorkFlag, str] = {}

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(self._build_choices())
        layout.addLayout(self._build_flags())
        self.show_counts(FilterCounts())

    def _build_choices(self) -> QHBoxLayout:
        """The first row: the search box, the stage and band lists, "Clear filters"."""
        row = QHBoxLayout()
        if self._search is not None:
            row.addWidget(self._search, 1)
            row.addSpacing(8)
        self.stage_combo = self._combo(STAGE_LABEL, STAGE_TIP, "Stage", row)
        self.stage_combo.addItem(ALL_STAGES, None)
        self.stage_combo.currentIndexChanged.connect(self._stage_chosen)
        self._fit_stage_combo()
        row.addSpacing(8)
        self.band_combo = self._combo(BAND_LABEL, BAND_TIP, "Arrears band", row)
        self.band_combo.addItem(ALL_BANDS, None)
        for band in ARREARS_BANDS:
            self.band_combo.addItem(band, band)
        self.band_combo.currentIndexChanged.connect(self._band_chosen)
        fit_combo_to(
            self.band_combo, (counted(band, WIDEST_COUNT) for band in (ALL_BANDS, *ARREARS_BANDS))
        )
        row.addSpacing(8)
        self.clear_button = QPushButton(CLEAR_FILTERS)
        self.clear_button.setToolTip(CLEAR_FILTERS_TIP)
        self.clear_button.clicked.connect(self.clear)
        row.addWidget(self.clear_button)
        if self._search is None:
            row.addStretch(1)
        return row

    def _combo(self, label: str, tip: str, name: str, row: QHBoxLayout) -> QComboBox:
        caption = QLabel(label)
        caption.setToolTip(tip)
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.setToolTip(tip)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(1)  # the width is set from the texts (fit_combo_to)
        caption.setBuddy(combo)
        row.addWidget(caption)
        row.addWidget(combo)
        return combo

    def _build_flags(self) -> QHBoxLayout:
        """The second row: "Show only:" and a check box per yes/no filter."""
        row = QHBoxLayout()
        row.addWidget(QLabel(SHOW_ONLY))
        for flag, label, tip in FLAG_FILTERS:
            box = QCheckBox(counted(label, WIDEST_COUNT))
            # Sized for the largest count: a new count neither moves its neighbours nor asks
            # the window to lay itself out again (a keystroke changes every count).
            box.setFixedSize(box.sizeHint())
            box.setToolTip(tip)
            box.setAccessibleName(label)
            box.toggled.connect(lambda on, flag=flag: self._flag_toggled(flag, on))
            row.addWidget(box)
            self.flag_boxes[flag] = box
            self._flag_labels[flag] = label
        row.addStretch(1)
        return row

    def _fit_stage_combo(self) -> None:
        labels = [ALL_STAGES, *(short_stage(label) for _, label in self._stage_labels)]
        fit_combo_to(self.stage_combo, (counted(label, WIDEST_COUNT) for label in labels))

    # -- ours -----------------------------------------------------------------------------
    def set_stage_options(self, options: Sequence[tuple[str, str]]) -> None:
        """The stages to offer, as ``(code, label)`` in ladder order (keeps the choice)."""
        if list(options) == self._stage_labels:
            return
        chosen = self.stage_combo.currentData()
        self._updating = True
        try:
            self._stage_labels = list(options)
            self.stage_combo.clear()
            self.stage_combo.addItem(ALL_STAGES, None)
            for code, label in options:
                self.stage_combo.addItem(short_stage(label), code)
                self.stage_combo.setItemData(
                    self.stage_combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole
                )
            found = self.stage_combo.findData(chosen) if chosen is not None else 0
            self.stage_combo.setCurrentIndex(max(0, found))
            self._fit_stage_combo()  # the longest stage reads in full, in the box and the list
        finally:
            self._updating = False
        if chosen is not None and found < 0:
            self._proxy.set_stage(None)

    def show_counts(self, counts: FilterCounts) -> None:
        """Write each filter's count into its label."""
        for flag, box in self.flag_boxes.items():
            box.setText(counted(self._flag_labels[flag], counts.flags.get(flag, 0)))
        combo = self.stage_combo
        combo.setItemText(0, counted(ALL_STAGES, counts.stage_any))
        for index, (code, label) in enumerate(self._stage_labels, start=1):
            combo.setItemText(index, counted(short_stage(label), counts.stages.get(code, 0)))
        self.band_combo.setItemText(0, counted(ALL_BANDS, counts.band_any))
        for index, band in enumerate(ARREARS_BANDS, start=1):
            self.band_combo.setItemText(index, counted(band, counts.bands.get(band, 0)))
        self.clear_button.setEnabled(self._proxy.current_filter().active)

    def clear(self) -> None:
        """Untick every box, choose every stage and band, and clear the text typed."""
        self._updating = True
        try:
            for box in self.flag_boxes.values():
                box.setChecked(False)
            self.stage_combo.setCurrentIndex(0)
            self.band_combo.setCurrentIndex(0)
        finally:
            self._updating = False
        self._proxy.clear_all()
        if self._search is not None:
            self._search.clear()  # the proxy's text is blank already: no second refilter

    def sync_from(self, wanted: WorklistFilter) -> None:
        """Show ``wanted`` (a filter set elsewhere) without refiltering again."""
        self._updating = True
        try:
            for flag, box in self.flag_boxes.items():
                box.setChecked(bool(wanted.flags & flag))
            stage = self.stage_combo.findData(wanted.stage) if wanted.stage else 0
            self.stage_combo.setCurrentIndex(max(0, stage))
            band = self.band_combo.findData(wanted.band) if wanted.band else 0
            self.band_combo.setCurrentIndex(max(0, band))
        finally:
            self._updating = False

    # -- slots ----------------------------------------------------------------------------
    def _flag_toggled(self, flag: WorkFlag, on: bool) -> None:
        if not self._updating:
            self._proxy.set_flag(flag, on)

    def _stage_chosen(self, index: int) -> None:
        if not self._updating:
            self._proxy.set_stage(self.stage_combo.itemData(index))

    def _band_chosen(self, index: int) -> None:
        if not self._updating:
            self._proxy.set_band(self.band_combo.itemData(index))
