"""The case window's balance-over-time chart (QtCharts): the running balance as a step line over
a date axis and a pounds axis, with every credit marked in two lanes under it - payments by the
tenant (green dots) and benefit (orange squares) - so missed payments show as gaps without
hiding the line. Hovering a mark names its date and amount.

Five years of weekly lines is about 500-800 ledger lines; the points are built in one pass
and handed to each series with a single ``replace`` (no per-point signals), animations are
off, and narrowing the dates only moves the axes and the two lanes. Over more than about six
months the line shows each week's closing balance (every line's step would blur into a band).

Money stays integer pence everywhere else; here, and only here, it becomes a chart coordinate
(pounds as a float) to be drawn. The pounds axis labels are written by ``format_pence``.

Threading: GUI thread only.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import date

from PySide6.QtCharts import (
    QCategoryAxis,
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QScatterSeries,
)
from PySide6.QtCore import QDateTime, QMargins, QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QCursor, QPainter, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from app.domain.display import format_day, format_pence
from app.services.case_file import StatementLine

_EPOCH = date(1970, 1, 1).toordinal()
_DAY_MS = 86_400_000
_NOON_MS = 43_200_000  # points at midday UTC: the same calendar day in any zone near the UK
WEEKLY_AFTER_DAYS = 190
_LANES = 0.22  # the share of the plot under the balance kept for the two lanes of marks


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


class BalanceChartView(QChartView):
    """The running balance of one rent account over time. Threading: GUI thread only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setBackgroundRoundness(0)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(200)
        self.setAccessibleName("Balance over time")

        self.balance_series = QLineSeries()
        self.balance_series.setName("Balance")
        self.balance_series.setPen(QPen(QColor(21, 101, 192), 2))
        self.zero_series = QLineSeries()
        self.zero_series.setName("£0 (clear)")
        self.zero_series.setPen(QPen(QColor(110, 110, 110), 1, Qt.PenStyle.DashLine))
        self.payment_series = QScatterSeries()
        self.payment_series.setName("Payment by the tenant")
        self.payment_series.setMarkerSize(7)
        self.payment_series.setColor(QColor(46, 125, 50))
        self.payment_series.setBorderColor(QColor(27, 94, 32))
        self.benefit_series = QScatterSeries()
        self.benefit_series.setName("Benefit (HB, UC, DHP)")
        self.benefit_series.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeRectangle)
        self.benefit_series.setMarkerSize(6)
        self.benefit_series.setBrush(QBrush(QColor(255, 160, 0)))
        self.benefit_series.setBorderColor(QColor(180, 110, 0))

        self.axis_x = QDateTimeAxis()
        self.axis_x.setFormat("MMM yyyy")
        self.axis_y = QCategoryAxis()
        self.axis_y.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
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
        self.payment_series.hovered.connect(self._hovered_payment)
        self.benefit_series.hovered.connect(self._hovered_benefit)

        self._days: list[float] = []
        self._balances: list[float] = []
        self._payments: list[tuple[float, StatementLine]] = []
        self._benefits: list[tuple[float, StatementLine]] = []
        self._first: date | None = None
        self._last: date | None = None
        self._steps: list[QPointF] = []
        self._weekly: list[QPointF] = []
        self._showing: list[QPointF] | None = None

    def weekly(self) -> bool:
        """Whether the line shows each week's closing balance (a long date range)."""
        return self._showing is self._weekly and bool(self._weekly)

    def point_count(self) -> int:
        return self.balance_series.count()

    def payment_count(self) -> int:
        return self.payment_series.count()

    def benefit_count(self) -> int:
        return self.benefit_series.count()

    def set_statement(self, lines: Sequence[StatementLine], *, today: date) -> None:
        """Draw the balance after each line (oldest first) as steps, to ``today``."""
        steps: list[QPointF] = []
        weekly: list[QPointF] = []
        days: list[float] = []
        balances: list[float] = []
        payments: list[tuple[float, StatementLine]] = []
        benefits: list[tuple[float, StatementLine]] = []
        previous = 0.0
        week_previous = 0.0
        count = len(lines)
        for number, line in enumerate(lines):
            x = _x(line.posted_on)
            y = _pounds(line.balance_pence)
            steps.append(QPointF(x, previous))
            steps.append(QPointF(x, y))
            week = line.posted_on.toordinal() // 7  # Monday-to-Sunday weeks
            if number + 1 == count or lines[number + 1].posted_on.toordinal() // 7 != week:
                weekly.append(QPointF(x, week_previous))
                weekly.append(QPointF(x, y))
                week_previous = y
            days.append(x)
            balances.append(y)
            previous = y
            if line.amount_pence < 0:
                group = line.group
                if group == "payment":
                    payments.append((x, line))
                elif group == "benefit":
                    benefits.append((x, line))
        self._first = lines[0].posted_on if lines else None
        self._last = max(today, lines[-1].posted_on) if lines else None
        if lines:
            end = QPointF(_x(self._last or today), previous)
            steps.append(end)
            weekly.append(end)
        self._days = days
        self._balances = balances
        self._payments = payments
        self._benefits = benefits
        self._steps = steps
        self._weekly = weekly
        self._showing = None
        self.set_range(None, None)

    def set_range(self, start: date | None, end: date | None) -> None:
        """Show the dates from ``start`` to ``end`` (None: the first / last line)."""
        chart = self.chart()
        if self._first is None or self._last is None:
            chart.setTitle("No rent account lines yet")
            for series in (self.zero_series, self.payment_series, self.benefit_series):
                series.clear()
            now = QDateTime.currentDateTime()
            self.axis_x.setRange(now.addYears(-1), now)
            self._pounds_axis(0.0, 100.0)
            return
        chart.setTitle("")
        first = max(start, self._first) if start is not None else self._first
        last = end or self._last
        if (last - first).days < 28:
            first = date.fromordinal(last.toordinal() - 28)
        low_x, high_x = _x(first), _x(last)
        # The balance shown: every line in the range, and the one in force at its start.
        lo, hi = bisect_left(self._days, low_x), bisect_right(self._days, high_x)
        visible = self._balances[lo:hi]
        if lo > 0:
            visible.append(self._balances[lo - 1])
        low, high = self._pounds_axis(min([0.0, *visible]), max([0.0, *visible]))
        span = high - low
        bottom = low - span * _LANES / (1 - _LANES)
        self.axis_y.setRange(bottom, high)
        lane_height = low - bottom
        self._lane(self.payment_series, self._payments, low - lane_height * 0.35)
        self._lane(self.benefit_series, self._benefits, low - lane_height * 0.75)

        days = (last - first).days
        # Over half a year, every line's step blurs into a band: show each week's closing
        # balance instead (the arrears as they stood at the end of each week).
        wanted = self._weekly if days > WEEKLY_AFTER_DAYS else self._steps
        if wanted is not self._showing:
            self._showing = wanted
            self.balance_series.replace(wanted)
            self.balance_series.setName(
                "Balance at the end of each week" if wanted is self._weekly else "Balance"
            )
        self.axis_x.setFormat("d MMM" if days <= 120 else "MMM yyyy")
        self.axis_x.setTickCount(6 if days > 60 else 5)
        self.axis_x.setRange(
            QDateTime.fromMSecsSinceEpoch(int(low_x - _NOON_MS)),
            QDateTime.fromMSecsSinceEpoch(int(high_x + _NOON_MS)),
        )
        self.zero_series.replace([QPointF(low_x - _DAY_MS, 0.0), QPointF(high_x + _DAY_MS, 0.0)])

    def _lane(
        self, series: QScatterSeries, marks: list[tuple[float, StatementLine]], y: float
    ) -> None:
        series.replace([QPointF(x, y) for x, _ in marks])

    def _pounds_axis(self, low: float, high: float) -> tuple[float, float]:
        """Label the pounds axis on round values covering ``low``..``high``; returns the
        labelled range."""
        step = nice_step(high - low)
        bottom = math.floor(low / step) * step
        top = math.ceil(high / step) * step
        if top == bottom:
            top = bottom + step
        for label in list(self.axis_y.categoriesLabels()):
            self.axis_y.remove(label)
        value = bottom
        while value <= top:
            self.axis_y.append(format_pence(int(value) * 100).removesuffix(".00"), value)
            value += step
        self.axis_y.setStartValue(bottom)
        self.axis_y.setRange(bottom, top)
        return float(bottom), float(top)

    # -- hover --------------------------------------------------------------------------------
    def _hovered_payment(self, point: QPointF, state: bool) -> None:
        self._tip(self._payments, point, state)

    def _hovered_benefit(self, point: QPointF, state: bool) -> None:
        self._tip(self._benefits, point, state)

    def _tip(self, marks: list[tuple[float, StatementLine]], point: QPointF, state: bool) -> None:
        if not state or not marks:
            QToolTip.hideText()
            return
        xs = [x for x, _ in marks]
        index = min(bisect_left(xs, point.x()), len(marks) - 1)
        if index > 0 and abs(xs[index - 1] - point.x()) < abs(xs[index] - point.x()):
            index -= 1
        line = marks[index][1]
        after = format_pence(line.balance_pence)
        QToolTip.showText(
            QCursor.pos(),
            f"{format_day(line.posted_on)}: {line.type_label} "
            f"{format_pence(-line.amount_pence)} (balance after {after})",
            self,
        )
