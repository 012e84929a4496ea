"""The caseload list service: balances, lead tenants, weeks in arrears, one query."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.paths import data_dir
from app.services._caseload_rows import caseload_rows
from app.services.caseload import (
    CaseRow,
    display_name,
    list_caseload,
    single_line_address,
)
from app.services.workspace import Workspace
from app.store.database import LocalStore, open_local_store
from tests.ui.seed import add_case, seed_caseload


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    opened = open_local_store(data_dir(tmp_path / "data"))
    yield opened
    opened.close()


def _by_ref(rows: list[CaseRow]) -> dict[str, CaseRow]:
    return {row.ref: row for row in rows}


def test_rows_carry_balance_lead_and_weeks(store: LocalStore) -> None:
    seed_caseload(store, extra=5)
    rows = _by_ref(list_caseload(Workspace(store)))

    arrears = rows["T000001"]
    assert arrears.balance_pence == 100000
    assert arrears.weekly_charge_pence == 24390
    assert arrears.weeks_in_arrears == Decimal("4.10")
    assert arrears.lead_tenant == "Ms Zoë Ångström-Ward"
    assert arrears.address == "Flat 3, Ångström House, 12 Mill Lane, Northtown"
    assert arrears.postcode == "AB1 2CD"
    assert not arrears.is_former

    assert rows["T000002"].household_names == ("伟 张",)
    assert rows["T000002"].lead_tenant == "Mr Ivan Petrov"


def test_credit_is_zero_weeks_and_no_charge_is_none(store: LocalStore) -> None:
    seed_caseload(store, extra=0)
    rows = _by_ref(list_caseload(Workspace(store)))
    assert rows["T000003"].balance_pence == -1200
    assert rows["T000003"].weeks_in_arrears == Decimal("0.00")
    garage = rows["T000004"]
    assert garage.weeks_in_arrears is None
    assert garage.balance_pence == 0
    assert garage.lead_tenant == ""
    assert garage.household_names == ()


def test_former_tenancy_by_end_date(store: LocalStore) -> None:
    with store.session() as session:
        add_case(
            session,
            ref="ENDED",
            address="1 A St",
            postcode="A1 1AA",
            weekly_rent_pence=100,
            end_date=date(2026, 1, 5),
        )
        add_case(
            session,
            ref="NOTICE",
            address="2 A St",
            postcode="A1 1AA",
            weekly_rent_pence=100,
            end_date=date(2026, 12, 31),
        )
        session.commit()
    rows = _by_ref(list_caseload(Workspace(store), as_of=date(2026, 6, 1)))
    assert rows["ENDED"].is_former
    assert not rows["NOTICE"].is_former


def test_whole_caseload_in_one_statement(store: LocalStore) -> None:
    seed_caseload(store, extra=40)
    statements: list[str] = []
    with store.plain_transaction(writing=False) as connection:
        connection.set_trace_callback(statements.append)
        rows = caseload_rows(connection, today=date(2026, 6, 1))
        connection.set_trace_callback(None)
    assert len(rows) == 44
    assert len(statements) == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1 High St\nTown", "1 High St, Town"),
        ("1 High St,\r\nTown\r\n", "1 High St, Town"),
        ("Flat 2\r\n\r\n3 Low Rd", "Flat 2, 3 Low Rd"),
        ("One line", "One line"),
    ],
)
def test_single_line_address(raw: str, expected: str) -> None:
    assert single_line_address(raw) == expected


def test_display_name_leaves_out_blanks() -> None:
    assert display_name("Mr", "Ivan", "Petrov") == "Mr Ivan Petrov"
    assert display_name(None, " ", "Petrov") == "Petrov"
