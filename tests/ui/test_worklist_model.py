"""The worklist model and its filter proxy over a real worklist (seeded store, real services):
model checks, display text, sorting on raw values, each filter, faceted counts, type-to-filter.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.domain.recovery import ARREARS_BANDS, NONE
from app.services.caseload import load_cases
from app.services.worklist import WorkItem, build_worklist, load_recovery_policy, stage_options
from app.store.database import LocalStore
from app.ui.table_model import RowRole, SortRole
from app.ui.worklist_model import (
    Marker,
    MarkersRole,
    WorkFlag,
    WorklistColumn,
    WorklistFilterProxy,
    WorklistTableModel,
    worklist_rows,
)
from tests.ui.seed import SEED_TODAY, seed_caseload, seed_officer
from tests.workspaces import workspace_on


@pytest.fixture
def items(store: LocalStore) -> list[WorkItem]:
    seed_caseload(store, extra=26)
    seed_officer(store)
    policy = load_recovery_policy(store.path.parent)
    cases = load_cases(workspace_on(store, SEED_TODAY), as_of=SEED_TODAY)
    return build_worklist(cases.values(), policy=policy, as_of=SEED_TODAY)


@pytest.fixture
def proxy(qapp: Any, items: list[WorkItem], store: LocalStore) -> WorklistFilterProxy:
    model = WorklistTableModel()
    options = stage_options(load_recovery_policy(store.path.parent))
    model.set_stage_order([code for code, _ in options])
    model.set_rows(worklist_rows(items))
    proxy = WorklistFilterProxy()
    proxy.setSourceModel(model)
    proxy._keep = model  # type: ignore[attr-defined]  # the proxy does not own the model
    return proxy


def refs(proxy: WorklistFilterProxy) -> list[str]:
    return [proxy.row_at(r).ref for r in range(proxy.rowCount())]


def cell(proxy: WorklistFilterProxy, ref: str, column: WorklistColumn, role: int = 0) -> Any:
    row = refs(proxy).index(ref)
    return proxy.index(row, column).data(role or Qt.ItemDataRole.DisplayRole)


def matching(items: list[WorkItem], test: Callable[[WorkItem], bool]) -> set[str]:
    return {item.case.ref for item in items if test(item)}


def test_models_pass_the_model_tester(qtmodeltester: Any, proxy: WorklistFilterProxy) -> None:
    qtmodeltester.check(proxy.worklist_model())
    qtmodeltester.check(proxy)
    proxy.set_flag(WorkFlag.DUE_NOW, True)
    proxy.set_filter_text("road")
    qtmodeltester.check(proxy)


def test_rows_show_the_services_figures_in_priority_order(
    proxy: WorklistFilterProxy, items: list[WorkItem]
) -> None:
    assert refs(proxy) == [item.case.ref for item in items]
    assert [cell(proxy, ref, WorklistColumn.PRIORITY) for ref in refs(proxy)[:3]] == [
        "1",
        "2",
        "3",
    ]
    one = "T000001"
    assert cell(proxy, one, WorklistColumn.LEAD) == "Ms Zoë Ångström-Ward"
    assert cell(proxy, one, WorklistColumn.ADDRESS).startswith("Flat 3, Ångström House, 12 Mill")
    assert cell(proxy, one, WorklistColumn.BALANCE) == "£1,000.00"
    assert cell(proxy, one, WorklistColumn.WEEKS) == "4.10"
    assert cell(proxy, one, WorklistColumn.STAGE) == "Arrears letter 1 sent"
    assert cell(proxy, one, WorklistColumn.NEXT_ACTION) == "Send arrears letter 2"
    assert cell(proxy, one, WorklistColumn.DUE) == "4 May 2026"
    assert "arrears letter 1 sent 21 days ago" in cell(proxy, one, WorklistColumn.REASON)
    assert cell(proxy, one, WorklistColumn.WARNINGS, MarkersRole) == (
        Marker.SAFETY,
        Marker.VULNERABLE,
    )
    assert "Officer-safety warning" in cell(proxy, one, WorklistColumn.WARNINGS)
    tip = cell(proxy, one, WorklistColumn.REASON, Qt.ItemDataRole.ToolTipRole)
    assert "Dog on the premises" in tip
    assert cell(proxy, one, WorklistColumn.BALANCE, SortRole) == 100000
    assert cell(proxy, one, WorklistColumn.WEEKS, SortRole) == Decimal("4.10")
    assert cell(proxy, one, WorklistColumn.LEAD, RowRole).item.case.ref == one
    # On hold: Breathing Space, with the day it lifts; nothing due: blank.
    assert cell(proxy, "T000002", WorklistColumn.DUE) == "On hold to 4 Jul 2026"
    assert cell(proxy, "T000002", WorklistColumn.WARNINGS, MarkersRole) == (Marker.BREATHING_SPACE,)
    assert cell(proxy, "T000003", WorklistColumn.NEXT_ACTION) == "—"
    assert cell(proxy, "T000003", WorklistColumn.BALANCE) == "-£12.00"
    assert cell(proxy, "T000004", WorklistColumn.WEEKS) == ""  # no weekly charge


@pytest.mark.parametrize(
    ("column", "key"),
    [
        (WorklistColumn.BALANCE, lambda i: i.advice.summary.balance_pence),
        (WorklistColumn.WEEKS, lambda i: i.advice.summary.weeks_in_arrears),
        (WorklistColumn.REF, lambda i: i.case.ref),
    ],
)
def test_sorting_is_on_raw_values(
    proxy: WorklistFilterProxy,
    items: list[WorkItem],
    column: WorklistColumn,
    key: Callable[[WorkItem], Any],
) -> None:
    proxy.sort(column, Qt.SortOrder.AscendingOrder)
    values = [key(proxy.row_at(r).item) for r in range(proxy.rowCount())]
    assert values == sorted(key(item) for item in items)
    proxy.sort(column, Qt.SortOrder.DescendingOrder)
    values = [key(proxy.row_at(r).item) for r in range(proxy.rowCount())]
    assert values == sorted((key(item) for item in items), reverse=True)
    # "£900.00" sorts below "£1,000.00" (not as text).
    if column == WorklistColumn.BALANCE:
        assert refs(proxy).index("T000001") < refs(proxy).index("T000002")


def test_due_sorts_by_date_with_holds_and_nothing_due_last(proxy: WorklistFilterProxy) -> None:
    proxy.sort(WorklistColumn.DUE, Qt.SortOrder.AscendingOrder)
    advice = [proxy.row_at(r).item.advice for r in range(proxy.rowCount())]
    kinds = [2 if a.next_action == NONE else (1 if a.blocked_by else 0) for a in advice]
    assert kinds == sorted(kinds)
    due = [a.due_date for a in advice if a.next_action != NONE and not a.blocked_by]
    assert due == sorted(due)  # type: ignore[type-var]
    proxy.sort(WorklistColumn.PRIORITY, Qt.SortOrder.AscendingOrder)
    assert [proxy.row_at(r).rank for r in range(proxy.rowCount())] == list(
        range(1, proxy.rowCount() + 1)
    )


def test_the_sort_survives_new_rows(proxy: WorklistFilterProxy, items: list[WorkItem]) -> None:
    proxy.sort(WorklistColumn.REF, Qt.SortOrder.DescendingOrder)
    proxy.worklist_model().set_rows(worklist_rows(items[:10]))
    assert refs(proxy) == sorted((i.case.ref for i in items[:10]), reverse=True)


@pytest.mark.parametrize(
    ("flag", "test"),
    [
        (WorkFlag.DUE_NOW, lambda i: i.advice.due_now),
        (WorkFlag.LIVE_ARRANGEMENT, lambda i: i.advice.has_live_arrangement),
        (WorkFlag.VULNERABLE, lambda i: i.advice.vulnerable),
        (WorkFlag.BREATHING_SPACE, lambda i: i.advice.breathing_space),
        (WorkFlag.FOLLOW_UP, lambda i: i.advice.needs_follow_up),
    ],
)
def test_each_flag_filter_and_its_count(
    proxy: WorklistFilterProxy,
    items: list[WorkItem],
    flag: WorkFlag,
    test: Callable[[WorkItem], bool],
) -> None:
    expected = matching(items, test)
    assert expected  # the seed has at least one of each
    assert proxy.counts().flags[flag] == len(expected)
    proxy.set_flag(flag, True)
    assert set(refs(proxy)) == expected
    counts = proxy.counts()
    assert counts.shown == len(expected) == counts.flags[flag]
    proxy.set_flag(flag, False)
    assert proxy.rowCount() == len(items)


def test_the_seed_has_what_the_filters_need(items: list[WorkItem]) -> None:
    by_ref = {item.case.ref: item.advice for item in items}
    assert by_ref["T000101"].follow_up_due  # a pause ended, nothing done since
    assert by_ref["T000100"].arrangement_kept
    assert by_ref["T000105"].next_action == "broken_arrangement_contact"
    assert by_ref["T000002"].breathing_space
    assert by_ref["T000110"].safety_warning


def test_counts_are_faceted_on_the_other_filters(
    proxy: WorklistFilterProxy, items: list[WorkItem]
) -> None:
    proxy.set_flag(WorkFlag.VULNERABLE, True)
    counts = proxy.counts()
    vulnerable = [i for i in items if i.advice.vulnerable]
    assert counts.shown == len(vulnerable)
    assert counts.flags[WorkFlag.DUE_NOW] == sum(i.advice.due_now for i in vulnerable)
    assert counts.stage_any == len(vulnerable)
    assert sum(counts.stages.values()) == counts.stage_any
    # Choosing a stage: the stage counts ignore the stage chosen, the rest follow it.
    proxy.set_flag(WorkFlag.VULNERABLE, False)
    proxy.set_stage("letter_1")
    counts = proxy.counts()
    assert set(refs(proxy)) == matching(items, lambda i: i.advice.stage == "letter_1")
    assert counts.stages == {
        stage: len(matching(items, lambda i, s=stage: i.advice.stage == s))
        for stage in {i.advice.stage for i in items}
    }
    assert counts.shown == proxy.rowCount()
    assert counts.band_any == proxy.rowCount()


def test_band_filter(proxy: WorklistFilterProxy, items: list[WorkItem]) -> None:
    for band in ARREARS_BANDS:
        proxy.set_band(band)
        assert set(refs(proxy)) == matching(items, lambda i, b=band: i.advice.arrears_band == b)
        assert proxy.counts().bands.get(band, 0) == proxy.rowCount()
    proxy.set_band(None)
    assert proxy.rowCount() == len(items)


def test_filters_combine_and_clear(proxy: WorklistFilterProxy, items: list[WorkItem]) -> None:
    proxy.set_flag(WorkFlag.DUE_NOW, True)
    proxy.set_band("4–8 weeks")
    proxy.set_filter_text("flat")
    expected = matching(
        items,
        lambda i: (
            i.advice.due_now
            and i.advice.arrears_band == "4–8 weeks"
            and "flat" in i.case.address.lower()
        ),
    )
    assert set(refs(proxy)) == expected
    assert proxy.counts().shown == len(expected)
    proxy.clear_filters()
    assert proxy.filter_text() == "flat"
    assert set(refs(proxy)) == matching(items, lambda i: "flat" in i.case.address.lower())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zoe angstrom", {"T000001"}),
        ("PETROV", {"T000002"}),
        ("张", {"T000002"}),  # a household member
        ("ab12cd", {"T000001"}),  # postcode without its space
        ("ea3 4fg", {"T000003"}),
        ("t000004", {"T000004"}),
        ("mill lane", {"T000001"}),
    ],
)
def test_type_to_filter(proxy: WorklistFilterProxy, text: str, expected: set[str]) -> None:
    proxy.set_filter_text(text)
    assert set(refs(proxy)) == expected
    assert proxy.counts().shown == len(expected)


def test_an_overdue_due_date_is_bold_red_and_says_so(proxy: WorklistFilterProxy) -> None:
    # Failed before the fix: an overdue date looked like any other date due now.
    due = WorklistColumn.DUE
    overdue = "T000001"  # letter 2 due since 4 May 2026, read on 18 May
    assert cell(proxy, overdue, due) == "4 May 2026"
    assert cell(proxy, overdue, due, Qt.ItemDataRole.FontRole).bold()
    red = cell(proxy, overdue, due, Qt.ItemDataRole.ForegroundRole).color()
    assert (red.red(), red.green(), red.blue()) == (183, 28, 28)
    assert cell(proxy, overdue, due, Qt.ItemDataRole.ToolTipRole) == (
        "Overdue: due since 4 May 2026 (14 days ago)"
    )
    held = "T000002"
    assert cell(proxy, held, due, Qt.ItemDataRole.FontRole) is None
    muted = cell(proxy, held, due, Qt.ItemDataRole.ForegroundRole).color()
    assert (muted.red(), muted.green(), muted.blue()) != (183, 28, 28)
    # The next action says it is due now in weight, not colour.
    action = WorklistColumn.NEXT_ACTION
    assert cell(proxy, overdue, action, Qt.ItemDataRole.FontRole).bold()
    assert cell(proxy, overdue, action, Qt.ItemDataRole.ForegroundRole) is None
    assert cell(proxy, overdue, action, Qt.ItemDataRole.ToolTipRole) == "Send arrears letter 2"


def test_balance_weeks_and_warnings_sort_biggest_first_on_the_first_click(
    proxy: WorklistFilterProxy,
) -> None:
    first = Qt.ItemDataRole.InitialSortOrderRole
    horizontal = Qt.Orientation.Horizontal
    model = proxy.worklist_model()
    for column in WorklistColumn:
        expected = (
            Qt.SortOrder.DescendingOrder
            if column in (WorklistColumn.BALANCE, WorklistColumn.WEEKS, WorklistColumn.WARNINGS)
            else Qt.SortOrder.AscendingOrder
        )
        assert model.headerData(column, horizontal, first) == expected, column.name
        assert proxy.headerData(column, horizontal, first) == expected, column.name


def test_long_stages_are_named_short_with_the_full_name_in_the_tooltip(
    proxy: WorklistFilterProxy, items: list[WorkItem]
) -> None:
    [nosp] = [i.case.ref for i in items if i.advice.stage == "nosp"]
    assert cell(proxy, nosp, WorklistColumn.STAGE) == "NOSP served"
    assert cell(proxy, nosp, WorklistColumn.STAGE, Qt.ItemDataRole.ToolTipRole).startswith(
        "Notice of seeking possession served on "
    )
