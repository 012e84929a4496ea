"""The worklist's filter panel: yes/no filters, a stage and an arrears band, each with a count.

Each check box and each choice in the two lists says how many cases it would show, given the
other filters chosen and the text typed ("Action due today (37)"); ``show_counts`` writes the
``FilterCounts`` the proxy worked out. Choosing a filter goes straight to the proxy.

Threading: GUI thread only.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.recovery import ARREARS_BANDS
from app.ui.worklist_model import (
    FLAG_FILTERS,
    FilterCounts,
    WorkFlag,
    WorklistFilter,
    WorklistFilterProxy,
)

ALL_STAGES = "All stages"
ALL_BANDS = "All arrears"


def _counted(label: str, count: int) -> str:
    return f"{label} ({count})"


class WorklistFilterPanel(QWidget):
    """Filters for a ``WorklistFilterProxy``: check boxes, a stage list, a band list.

    Threading: GUI thread only.
    """

    def __init__(self, proxy: WorklistFilterProxy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("WorklistFilterPanel")
        self._proxy = proxy
        self._updating = False
        self._stage_labels: list[tuple[str, str]] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 8, 0)
        layout.setSpacing(6)

        show = QLabel("<b>Show only</b>")
        layout.addWidget(show)
        self.flag_boxes: dict[WorkFlag, QCheckBox] = {}
        self._flag_labels: dict[WorkFlag, str] = {}
        for flag, label, tip in FLAG_FILTERS:
            box = QCheckBox(label)
            box.setToolTip(tip)
            box.setAccessibleName(label)
            box.toggled.connect(lambda on, flag=flag: self._flag_toggled(flag, on))
            layout.addWidget(box)
            self.flag_boxes[flag] = box
            self._flag_labels[flag] = label

        layout.addSpacing(8)
        stage_label = QLabel("<b>Stage</b> (last step taken)")
        layout.addWidget(stage_label)
        self.stage_combo = QComboBox()
        self.stage_combo.setAccessibleName("Stage")
        self.stage_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.stage_combo.setMinimumContentsLength(18)
        self.stage_combo.addItem(ALL_STAGES, None)
        self.stage_combo.currentIndexChanged.connect(self._stage_chosen)
        stage_label.setBuddy(self.stage_combo)
        layout.addWidget(self.stage_combo)

        band_label = QLabel("<b>Arrears</b> (weeks of rent)")
        layout.addWidget(band_label)
        self.band_combo = QComboBox()
        self.band_combo.setAccessibleName("Arrears band")
        self.band_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.band_combo.setMinimumContentsLength(18)
        self.band_combo.addItem(ALL_BANDS, None)
        for band in ARREARS_BANDS:
            self.band_combo.addItem(band, band)
        self.band_combo.currentIndexChanged.connect(self._band_chosen)
        band_label.setBuddy(self.band_combo)
        layout.addWidget(self.band_combo)

        layout.addSpacing(8)
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setToolTip("Show every case again (the text typed stays)")
        self.clear_button.clicked.connect(self.clear)
        self.clear_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        layout.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self.show_counts(FilterCounts())

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
                self.stage_combo.addItem(label, code)
            found = self.stage_combo.findData(chosen) if chosen is not None else 0
            self.stage_combo.setCurrentIndex(max(0, found))
            # The list may be wider than the box: the longest stage must read in full.
            metrics = self.stage_combo.fontMetrics()
            widest = max(metrics.horizontalAdvance(f"{label} (9999)") for _, label in options)
            self.stage_combo.view().setMinimumWidth(widest + 40)
        finally:
            self._updating = False
        if chosen is not None and found < 0:
            self._proxy.set_stage(None)

    def show_counts(self, counts: FilterCounts) -> None:
        """Write each filter's count into its label."""
        for flag, box in self.flag_boxes.items():
            box.setText(_counted(self._flag_labels[flag], counts.flags.get(flag, 0)))
        combo = self.stage_combo
        combo.setItemText(0, _counted(ALL_STAGES, counts.stage_any))
        for index, (code, label) in enumerate(self._stage_labels, start=1):
            combo.setItemText(index, _counted(label, counts.stages.get(code, 0)))
        self.band_combo.setItemText(0, _counted(ALL_BANDS, counts.band_any))
        for index, band in enumerate(ARREARS_BANDS, start=1):
            self.band_combo.setItemText(index, _counted(band, counts.bands.get(band, 0)))
        self.clear_button.setEnabled(self._has_choice())

    def clear(self) -> None:
        """Untick every box and choose every stage and band (the typed text stays)."""
        self._updating = True
        try:
            for box in self.flag_boxes.values():
                box.setChecked(False)
            self.stage_combo.setCurrentIndex(0)
            self.band_combo.setCurrentIndex(0)
        finally:
            self._updating = False
        self._proxy.clear_filters()

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

    def _has_choice(self) -> bool:
        wanted = self._proxy.current_filter()
        return bool(wanted.flags) or wanted.stage is not None or wanted.band is not None

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
