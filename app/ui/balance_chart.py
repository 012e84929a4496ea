"""The case window's balance-over-time chart (QtCharts): the running balance as a step line over
a date axis and a pounds axis, with every credit marked in two lanes under it - payments by the
tenant (green dots) and benefit (orange squares) - so missed payments show as gaps without
hiding the line. Hovering a mark names its date and amount.

Five years of weekly lines is about 500-800 ledger lines; the points are built in one pass
and handed to each series with a single ``replace`` (no per-point signals), animations are
off, and narrowing the dates only moves the axes and the two lanes. Over more than about six
months the line shows each week's closing balance (every line's step would blur into a band).

Money stays integer pence everywhere else; here, and only here, it becomes a chart coordinate
(pounds as a float) to be drawn. Every word and label comes from ``app.ui.text.case``.

The pounds axis is labelled on round values, as many as fit the plot's height one above another
with room between them (:func:`pounds_ticks`), and relabelled when the plot's height changes:
QtCharts otherwise draws every label as "..." once they no longer fit (and never truncates
here, so a label is whole or, if it would overlap its neighbour, not drawn at all).

Threading: GUI thread only.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCharts import (
    QCategoryAxis,
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QScatterSeries,
)
from PySide6.QtCore import QDateTime, QMargins, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QCursor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from app.services.case_file import StatementLine
from app.ui.text.case import (
    BALANCE_LEGEND,
    BENEFIT_LEGEND,
    CHART_EMPTY,
    CHART_NAME,
    PAYMENT_LEGEND,
    WEEKLY_BALANCE_LEGEND,
    ZERO_LEGEND,
    credit_mark_tip,
    pounds_label,
)

_EPOCH = date(1970, 1, 1).toordinal()
_DAY_MS = 86_400_000
_NOON_MS = 43_200_000  # points at midday UTC: the same calendar day in any zone near the UK
WEEKLY_AFTER_DAYS = 190
_LANES = 0.22  # the share of the plot under the balance kept for the two lanes of marks
#: Pounds labels stand at least this many label heights apart (centre to centre).
_LABEL_SPACING = 1.5
#: Never fewer labels than this (a range across £0 needs three: below, £0, above), nor more.
FEWEST_LABELS, MOST_LABELS = 3, 7


def _x(day: date) -> float:
    return float((day.toordinal() - _EPOCH) * _DAY_MS + _NOON_MS)


def _pounds(pence: int) -> float:
    return pence / 100  # a chart coordinate only


def nice_step(span_pounds: float, ticks: int = 5) -> int:
    """A round step in whole pounds (1, 2, 5 x 10^n) giving about ``ticks`` labels."""
    raw = max(span_pounds / ticks, 1.0)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return int(factor * power)
    return int(10 * power)


def _round_steps(first: int) -> list[int]:
    """The round steps from ``first`` up, far enough for any balance: 1, 2, 5 x 10^n and, from
    £25, 2.5 x 10^n too (so a short axis need not jump from £200 to £500 a step)."""
    steps: list[int] = []
    power = 1
    while power <= 10**12:
        quarter = [25 * power // 10] if power >= 10 else []
        steps.extend(s for s in (power, 2 * power, *quarter, 5 * power) if s >= first)
        power *= 10
    return steps


def pounds_ticks(low: float, high: float, *, most: int) -> tuple[int, int, int]:
    """``(bottom, top, step)`` in whole pounds: round values from ``bottom`` to ``top`` covering
    ``low``..``high``, about five of them (:func:`nice_step`) but never more than ``most``
    (at least :data:`FEWEST_LABELS`, so there is always a step that fits)."""
    most = max(FEWEST_LABELS, most)
    for step in _round_steps(nice_step(high - low)):
        bottom = math.floor(low / step) * step
        top = math.ceil(high / step) * step
        if top == bottom:
            top = bottom + step
        if (top - bottom) // step + 1 <= most:
            return bottom, top, step
    raise AssertionError("unreachable: a step of 10^12 pounds fits any balance")


def labels_that_fit(plot_height: float, label_height: float) -> int:
    """How many pounds labels fit one above another in the part of a plot ``plot_height``
    pixels high that the balance uses (between :data:`FEWEST_LABELS` and
    :data:`MOST_LABELS`); an unknown height (not laid out yet) allows the most."""
    if plot_height <= 0:
        return MOST_LABELS
    room = plot_height * (1 - _LANES)
    fitting = int(room // (label_height * _LABEL_SPACING)) + 1
    return max(FEWEST_LABELS, min(MOST_LABELS, fitting))


@dataclass(frozen=True)
class _Points:
    """A statement made chart points: the balance as steps and as each week's close, every
    line's (x, balance) for the axis, and the two lanes of credit marks."""

    steps: list[QPointF]
    weekly: list[QPointF]
    days: list[float]
    balances: list[float]
    payments: list[tuple[float, StatementLine]]
    benefits: list[tuple[float, StatementLine]]


def _points(lines: Sequence[StatementLine], last: date | None) -> _Points:
    """The points of ``lines`` (oldest first) in one pass, the line held to ``last``."""
    points = _Points([], [], [], [], [], [])
    previous = week_previous = 0.0
    count = len(lines)
    for number, line in enumerate(lines):
        x = _x(line.posted_on)
        y = _pounds(line.balance_pence)
        points.steps.extend((QPointF(x, previous), QPointF(x, y)))
        week = line.posted_on.toordinal() // 7  # Monday-to-Sunday weeks
        if number + 1 == count or lines[number + 1].posted_on.toordinal() // 7 != week:
            points.weekly.extend((QPointF(x, week_previous), QPointF(x, y)))
            week_previous = y
        points.days.append(x)
        points.balances.append(y)
        previous = y
        if line.amount_pence < 0:
            if line.group == "payment":
                points.payments.append((x, line))
            elif line.group == "benefit":
                points.benefits.append((x, line))
    if last is not None:
        end = QPointF(_x(last), previous)
        points.steps.append(end)
        points.weekly.append(end)
    return points


class BalanceChartView(QChartView):
    """The running balance of one rent account over time. Threading: GUI thread only.

    Invariant: the pounds axis holds no more labels than fit the plot's height now."""

    def __init__(self, parent: QWidget | None = None) -> None:
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setBackgroundRoundness(0)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(200)
        self.setAccessibleName(CHART_NAME)
        self._make_series()
        self._make_axes(chart)
        self._points = _Points([], [], [], [], [], [])
        self._first: date | None = None
        self._last: date | None = None
        self._showing: list[QPointF] | None = None
        self._shown_pounds = (0.0, 0.0)  # the balances in view, lowest and highest
        self._labels_fitting = MOST_LABELS
        chart.plotAreaChanged.connect(self._plot_resized)

    def _make_series(self) -> None:
        self.balance_series = QLineSeries()
        self.balance_series.setName(BALANCE_LEGEND)
        self.balance_series.setPen(QPen(QColor(21, 101, 192), 2))
        self.zero_series = QLineSeries()
        self.zero_series.setName(ZERO_LEGEND)
        self.zero_series.setPen(QPen(QColor(110, 110, 110), 1, Qt.PenStyle.DashLine))
        self.payment_series = QScatterSeries()
        self.payment_series.setName(PAYMENT_LEGEND)
        self.payment_series.setMarkerSize(7)
        self.payment_series.setColor(QColor(46, 125, 50))
        self.payment_series.setBorderColor(QColor(27, 94, 32))
        self.benefit_series = QScatterSeries()
        self.benefit_series.setName(BENEFIT_LEGEND)
        self.benefit_series.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeRectangle)
        self.benefit_series.setMarkerSize(6)
        self.benefit_series.setBrush(QBrush(QColor(255, 160, 0)))
        self.benefit_series.setBorderColor(QColor(180, 110, 0))
        self.payment_series.hovered.connect(self._hovered_payment)
        self.benefit_series.hovered.connect(self._hovered_benefit)

    def _make_axes(self, chart: QChart) -> None:
        self.axis_x = QDateTimeAxis()
        self.axis_x.setFormat("MMM yyyy")
        self.axis_y = QCategoryAxis()
        self.axis_y.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        for axis in (self.axis_x, self.axis_y):
            axis.setTruncateLabels(False)  # a label is whole or not drawn, never "..."
        chart.addAxis(self.axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.axis_y, Qt.AlignmentFlag.AlignLeft)
        for series in (
            self.zero_series,
            self.balance_series,
            self.benefit_series,
            self.payment_series,
        ):
            chart.addSeries(series)
            series.attachAxis(self.axis_x)
            series.attachAxis(self.axis_y)

    def weekly(self) -> bool:
        """Whether the line shows each week's closing balance (a long date range)."""
        return self._showing is self._points.weekly and bool(self._points.weekly)

    def point_count(self) -> int:
        return self.balance_series.count()

    def payment_count(self) -> int:
        return self.payment_series.count()

    def benefit_count(self) -> int:
        return self.benefit_series.count()

    def set_statement(self, lines: Sequence[StatementLine], *, today: date) -> None:
        """Draw the balance after each line (oldest first) as steps, to ``today``."""
        self._first = lines[0].posted_on if lines else None
        self._last = max(today, lines[-1].posted_on) if lines else None
        self._points = _points(lines, self._last)
        self._showing = None
        self.set_range(None, None)

    def set_range(self, start: date | None, end: date | None) -> None:
        """Show the dates from ``start`` to ``end`` (None: the first / last line)."""
        if self._first is None or self._last is None:
            self._show_empty()
            return
        self.chart().setTitle("")
        first = max(start, self._first) if start is not None else self._first
        last = end or self._last
        if (last - first).days < 28:
            first = date.fromordinal(last.toordinal() - 28)
        low_x, high_x = _x(first), _x(last)
        self._show_pounds(*self._balance_span(low_x, high_x))
        self._show_line((last - first).days)
        self.axis_x.setRange(
            QDateTime.fromMSecsSinceEpoch(int(low_x - _NOON_MS)),
            QDateTime.fromMSecsSinceEpoch(int(high_x + _NOON_MS)),
        )
        self.zero_series.replace([QPointF(low_x - _DAY_MS, 0.0), QPointF(high_x + _DAY_MS, 0.0)])

    def _show_empty(self) -> None:
        self.chart().setTitle(CHART_EMPTY)
        for series in (self.zero_series, self.payment_series, self.benefit_series):
            series.clear()
        now = QDateTime.currentDateTime()
        self.axis_x.setRange(now.addYears(-1), now)
        self._shown_pounds = (0.0, 100.0)
        self._pounds_axis(0.0, 100.0)

    def _balance_span(self, low_x: float, high_x: float) -> tuple[float, float]:
        """The lowest and highest balance shown between two x values, with £0: every line in
        the range and the one in force at its start."""
        lo, hi = bisect_left(self._points.days, low_x), bisect_right(self._points.days, high_x)
        visible = self._points.balances[lo:hi]
        if lo > 0:
            visible.append(self._points.balances[lo - 1])
        return min([0.0, *visible]), max([0.0, *visible])

    def _show_pounds(self, low: float, high: float) -> None:
        """Label the pounds axis over ``low``..``high`` and put the two lanes under it."""
        self._shown_pounds = (low, high)
        labelled_low, labelled_high = self._pounds_axis(low, high)
        span = labelled_high - labelled_low
        bottom = labelled_low - span * _LANES / (1 - _LANES)
        self.axis_y.setRange(bottom, labelled_high)
        lane_height = labelled_low - bottom
        self._lane(self.payment_series, self._points.payments, labelled_low - lane_height * 0.35)
        self._lane(self.benefit_series, self._points.benefits, labelled_low - lane_height * 0.75)

    def _show_line(self, days: int) -> None:
        """Steps for a short range; over half a year, every line's step blurs into a band, so
        each week's closing balance instead (the arrears as they stood at each week's end)."""
        weekly = days > WEEKLY_AFTER_DAYS
        wanted = self._points.weekly if weekly else self._points.steps
        if wanted is not self._showing:
            self._showing = wanted
            self.balance_series.replace(wanted)
            self.balance_series.setName(WEEKLY_BALANCE_LEGEND if weekly else BALANCE_LEGEND)
        self.axis_x.setFormat("d MMM" if days <= 120 else "MMM yyyy")
        self.axis_x.setTickCount(6 if days > 60 else 5)

    def _lane(
        self, series: QScatterSeries, marks: list[tuple[float, StatementLine]], y: float
    ) -> None:
        series.replace([QPointF(x, y) for x, _ in marks])

    def _pounds_axis(self, low: float, high: float) -> tuple[float, float]:
        """Label the pounds axis on round values covering ``low``..``high``, as many as fit;
        returns the labelled range."""
        bottom, top, step = pounds_ticks(low, high, most=self._labels_fitting)
        for label in list(self.axis_y.categoriesLabels()):
            self.axis_y.remove(label)
        for value in range(bottom, top + 1, step):
            self.axis_y.append(pounds_label(value), value)
        self.axis_y.setStartValue(bottom)
        self.axis_y.setRange(bottom, top)
        return float(bottom), float(top)

    def _label_height(self) -> float:
        """A pounds label's height as QtCharts lays it out (its text and a margin)."""
        return QFontMetricsF(self.axis_y.labelsFont()).height() + 2

    def _plot_resized(self, plot: QRectF) -> None:
        """Label the axis again when the plot's new height fits more or fewer labels."""
        fitting = labels_that_fit(plot.height(), self._label_height())
        if fitting == self._labels_fitting:
            return
        self._labels_fitting = fitting
        if self._first is None:
            self._pounds_axis(*self._shown_pounds)
        else:
            self._show_pounds(*self._shown_pounds)

    # -- hover --------------------------------------------------------------------------------
    def _hovered_payment(self, point: QPointF, state: bool) -> None:
        self._tip(self._points.payments, point, state)

    def _hovered_benefit(self, point: QPointF, state: bool) -> None:
        self._tip(self._points.benefits, point, state)

    def _tip(self, marks: list[tuple[float, StatementLine]], point: QPointF, state: bool) -> None:
        if not state or not marks:
            QToolTip.hideText()
            return
        xs = [x for x, _ in marks]
        index = min(bisect_left(xs, point.x()), len(marks) - 1)
        if index > 0 and abs(xs[index - 1] - point.x()) < abs(xs[index] - point.x()):
            index -= 1
        QToolTip.showText(QCursor.pos(), credit_mark_tip(marks[index][1]), self)
