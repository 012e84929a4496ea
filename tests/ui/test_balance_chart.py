"""The balance chart's pounds axis stays readable: every label drawn whole (never "..."), none
hidden for want of room and none cut off at the left edge, whatever the balance and at every
size the case window can give the chart. The labels are read from the scene, as drawn.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QApplication, QGraphicsTextItem
from pytestqt.qtbot import QtBot

from app.services.case_file import StatementLine
from app.ui.balance_chart import BalanceChartView

TODAY = date(2026, 5, 18)


def statement(low_pence: int, high_pence: int, weeks: int = 30) -> list[StatementLine]:
    """Weekly rent lines climbing from ``low_pence`` to ``high_pence``, then paid back to
    ``low_pence`` (a credit when negative), and again."""
    lines = []
    balance = 0
    start = TODAY - timedelta(weeks=weeks)
    rent = max(1, (high_pence - low_pence) // 6)
    for week in range(weeks):
        if balance + rent <= high_pence:
            kind, amount = "RENT", rent
        else:
            kind, amount = "PAYMENT", low_pence - balance
        balance += amount
        lines.append(
            StatementLine(start + timedelta(weeks=week), kind, kind.title(), amount, balance)
        )
    return lines


def pounds_labels(view: BalanceChartView) -> list[QGraphicsTextItem]:
    """The pounds axis labels drawn now (left of the plot, above the dates)."""
    QApplication.processEvents()
    view.grab()  # lays the scene out as a paint would
    plot = view.chart().plotArea()
    # Through QGraphicsObject: some PySide6 versions hand the labels back as plain QGraphicsItem.
    drawn = (item.toGraphicsObject() for item in view.scene().items())
    return [
        item
        for item in drawn
        if isinstance(item, QGraphicsTextItem)
        and item.isVisible()
        and item.toPlainText()
        and item.sceneBoundingRect().right() <= plot.left() + 1
        and item.sceneBoundingRect().top() < plot.bottom()
    ]


def assert_readable(view: BalanceChartView) -> None:
    labels = pounds_labels(view)
    shown = sorted(item.toPlainText() for item in labels)
    wanted = sorted(view.axis_y.categoriesLabels())
    size = f"{view.width()}x{view.height()}"
    assert len(wanted) >= 2, size
    assert shown == wanted, f"at {size} the axis shows {shown}, not {wanted}"
    for item in labels:
        box = item.sceneBoundingRect()
        assert box.left() >= 0, f"{item.toPlainText()} is cut off at the left at {size}"


BALANCES = {
    "arrears to £450 after a small credit (the issue's case)": (-3_000, 45_000),
    "arrears from clear to £450": (0, 45_000),
    "in credit": (-80_000, 0),
    "a large debt after a credit": (-250_000, 1_200_000),
    "clear throughout": (0, 0),
}


@pytest.mark.parametrize("balances", BALANCES.values(), ids=BALANCES.keys())
def test_the_pounds_axis_is_readable_at_every_height(
    qtbot: QtBot, balances: tuple[int, int]
) -> None:
    view = BalanceChartView()
    qtbot.addWidget(view)
    view.set_statement(statement(*balances), today=TODAY)
    view.show()
    for height in range(view.minimumHeight(), 721, 20):
        view.resize(1100, height)
        assert_readable(view)


@pytest.mark.parametrize("width", [700, 1000, 1600])
def test_the_pounds_axis_is_readable_at_every_width(qtbot: QtBot, width: int) -> None:
    view = BalanceChartView()
    qtbot.addWidget(view)
    view.set_statement(statement(-250_000, 1_200_000), today=TODAY)
    view.show()
    view.resize(width, view.minimumHeight())
    assert_readable(view)


def test_narrowing_the_dates_relabels_the_axis_readably(qtbot: QtBot) -> None:
    view = BalanceChartView()
    qtbot.addWidget(view)
    view.set_range(None, None)  # as the window starts: no lines yet
    view.show()
    view.resize(1100, view.minimumHeight())
    assert_readable(view)
    view.set_statement(statement(-3_000, 45_000), today=TODAY)
    assert_readable(view)
    view.set_range(TODAY - timedelta(weeks=13), None)
    assert_readable(view)


def test_the_ticks_are_round_cover_the_balance_and_never_too_many() -> None:
    from app.ui.balance_chart import FEWEST_LABELS, labels_that_fit, pounds_ticks

    assert pounds_ticks(-30, 450, most=7) == (-100, 500, 100)  # as before where they fit
    assert pounds_ticks(-30, 450, most=5) == (-200, 600, 200)
    assert pounds_ticks(-30, 450, most=4) == (-250, 500, 250)
    assert pounds_ticks(0, 637.5, most=4) == (0, 750, 250)
    assert pounds_ticks(-30, 450, most=3) == (-500, 500, 500)
    assert pounds_ticks(0, 1000, most=7) == (0, 1000, 200)
    assert pounds_ticks(0, 0, most=7) == (0, 1, 1)
    for low, high in ((-30, 450), (-2500, 12000), (0, 7), (-800, 0), (0, 999_999)):
        for most in range(FEWEST_LABELS, 8):
            bottom, top, step = pounds_ticks(low, high, most=most)
            assert bottom <= low
            assert top >= high
            assert (top - bottom) // step + 1 <= most
            assert str(step).strip("0") in ("1", "2", "25", "5")
    assert labels_that_fit(0, 16) == 7  # not laid out yet
    assert labels_that_fit(112, 16) == 4
    assert labels_that_fit(60, 16) == FEWEST_LABELS
    assert labels_that_fit(900, 16) == 7
