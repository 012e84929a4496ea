"""The caseload item model and its sort/filter proxy."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from app.services.caseload import CaseRow
from app.ui.caseload_model import (
    CaseColumn,
    CaseFilterProxy,
    CaseTableModel,
    RowRole,
    SortRole,
    fold,
)


def row(
    ref: str,
    lead: str,
    balance: int,
    *,
    charge: int = 10000,
    address: str = "1 High Street, Town",
    postcode: str = "AB1 2CD",
    household: tuple[str, ...] = (),
    former: bool = False,
) -> CaseRow:
    weeks = None if charge <= 0 else (Decimal(max(balance, 0)) / charge).quantize(Decimal("0.01"))
    return CaseRow(
        tenancy_id=uuid.uuid4(),
        ref=ref,
        lead_tenant=lead,
        address=address,
        postcode=postcode,
        balance_pence=balance,
        weekly_charge_pence=charge,
        weeks_in_arrears=weeks,
        is_former=former,
        household_names=household,
        lead_sort_key=lead.split()[-1].casefold() if lead else "",
    )


ROWS = [
    row("T1", "Ms Zoë Ångström-Ward", 100000, charge=24390, address="Flat 3, 12 Mill Lane"),
    row("T2", "Mr Ivan Petrov", 90000, household=("伟 张",), postcode="SV9 8XY"),
    row("T3", "Mrs Olu Adeyemi", -1200, postcode="EA3 4FG", address="7 Orchard Close"),
    row("G4", "", 0, charge=0, postcode="CH1 1AA", address="Garage 12", former=True),
    row("T5", "Mr Sam Bell", 5000, postcode="EA3 9ZZ"),
]


@pytest.fixture
def proxy() -> CaseFilterProxy:
    model = CaseTableModel(ROWS)
    proxy = CaseFilterProxy()
    proxy.setSourceModel(model)
    model.setParent(proxy)
    return proxy


def column(
    proxy: CaseFilterProxy, col: CaseColumn, role: int = Qt.ItemDataRole.DisplayRole
) -> list[object]:
    return [proxy.index(r, col).data(role) for r in range(proxy.rowCount())]


def test_model_passes_qt_model_tester(qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(CaseTableModel(ROWS), force_py=True)


def test_proxy_passes_qt_model_tester(qtmodeltester: ModelTester, proxy: CaseFilterProxy) -> None:
    proxy.sort(CaseColumn.BALANCE, Qt.SortOrder.DescendingOrder)
    proxy.set_filter_text("ea3")
    qtmodeltester.check(proxy, force_py=True)


def test_display_balance_and_weeks() -> None:
    model = CaseTableModel(ROWS)

    def cell(r: int, c: CaseColumn, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        return model.index(r, c).data(role)

    assert cell(0, CaseColumn.BALANCE) == "£1,000.00"
    assert cell(0, CaseColumn.ARREARS) == "4.10 wks"
    assert cell(2, CaseColumn.BALANCE) == "-£12.00"
    assert cell(2, CaseColumn.ARREARS) == "0.00 wks"
    assert cell(3, CaseColumn.ARREARS) == ""
    assert cell(0, CaseColumn.BALANCE, SortRole) == 100000
    assert cell(0, CaseColumn.ARREARS, SortRole) == Decimal("4.10")
    assert cell(3, CaseColumn.ARREARS, SortRole) is None
    assert cell(1, CaseColumn.LEAD, RowRole) is ROWS[1]
    align = Qt.AlignmentFlag(cell(0, CaseColumn.BALANCE, Qt.ItemDataRole.TextAlignmentRole))
    assert align & Qt.AlignmentFlag.AlignRight


def test_sorts_balance_as_numbers(proxy: CaseFilterProxy) -> None:
    proxy.sort(CaseColumn.BALANCE, Qt.SortOrder.AscendingOrder)
    assert column(proxy, CaseColumn.BALANCE) == [
        "-£12.00",
        "£0.00",
        "£50.00",
        "£900.00",
        "£1,000.00",
    ]
    proxy.sort(CaseColumn.BALANCE, Qt.SortOrder.DescendingOrder)
    assert column(proxy, CaseColumn.REF) == ["T1", "T2", "T5", "G4", "T3"]


def test_sorts_weeks_with_no_charge_lowest(proxy: CaseFilterProxy) -> None:
    proxy.sort(CaseColumn.ARREARS, Qt.SortOrder.AscendingOrder)
    assert column(proxy, CaseColumn.REF) == ["G4", "T3", "T5", "T1", "T2"]


def test_sorts_lead_tenant_by_last_name_ignoring_accents(proxy: CaseFilterProxy) -> None:
    proxy.sort(CaseColumn.LEAD, Qt.SortOrder.AscendingOrder)
    assert column(proxy, CaseColumn.REF) == ["G4", "T3", "T1", "T5", "T2"]


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ("", ["T1", "T2", "T3", "G4", "T5"]),
        ("zoe", ["T1"]),
        ("ANGSTROM", ["T1"]),
        ("ångström ward", ["T1"]),
        ("张", ["T2"]),
        ("ab12cd", ["T1"]),
        ("AB1 2CD", ["T1"]),
        ("ea3", ["T3", "T5"]),
        ("orchard", ["T3"]),
        ("g4", ["G4"]),
        ("t5", ["T5"]),
        ("petrov sv9", ["T2"]),
        ("xyz", []),
    ],
)
def test_filter(proxy: CaseFilterProxy, text: str, refs: list[str]) -> None:
    proxy.set_filter_text(text)
    assert column(proxy, CaseColumn.REF) == refs


def test_filter_and_sort_survive_new_rows(proxy: CaseFilterProxy) -> None:
    proxy.sort(CaseColumn.BALANCE, Qt.SortOrder.DescendingOrder)
    proxy.set_filter_text("ea3")
    proxy.case_model().set_rows([*ROWS, row("T6", "Ann Lee", 700000, postcode="EA3 1AB")])
    assert column(proxy, CaseColumn.REF) == ["T6", "T5", "T3"]
    assert proxy.row_at(0).ref == "T6"


def test_fold() -> None:
    assert fold("Ångström") == "angstrom"
    assert fold("Straße") == "strasse"
