"""The HMS export import: good path, idempotence, later exports, every kind of bad row.

Each test runs on SQLite and on PostgreSQL (the ``central_url`` fixture). Exports are small
CSV texts written into ``tmp_path``; every name in them is made up.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from central import sequence
from central.importer import ImportRejected, ImportSummary, RowCounts, import_export
from central.models import (
    Arrangement,
    LedgerEntry,
    Officer,
    Person,
    ScopeEvent,
    Tenancy,
)
from central.reports import balances

REPO = Path(__file__).resolve().parents[2]

# Line numbers: header 1; T1 spans lines 2-4 (a quoted address with two line breaks);
# T2 is line 5, T3 line 6, T4 line 7.
TENANCIES = """\
tenancy_ref,address,postcode,tenure,start_date,end_date,weekly_rent,weekly_service_charge,rent_weeks,officer,patch
T1,"Flat 3, Jubilee House
12 Mill Lane
Northtown",LS9 7AB,secure,2019-04-01,,98.45,5.00,52,officer1,Northtown
T2,"27 Ash Grove, Eastbrook",ls14  2cd,introductory,2025-01-06,,110.00,,48,officer2,Eastbrook
T3,"Garage 4, Rear of 2-20 Elm Grove",LS9 8EF,garage,2020-02-03,,9.5,,,,
T4,5 Oak Road,LS10 1GH,secure,2010-05-10,2025-09-01,90,,50,officer1,Northtown
"""
TENANTS = """\
tenancy_ref,person_ref,title,first_name,last_name,date_of_birth,phone,email,lead
T1,P1,Ms,Siobhán,Nić Aodha,1980-02-29,07700 900123,siobhan@example.com,Y
T1,P2,Mr,Łukasz,O'Brien,1979-07-01,,,N
T2,P3,,Zoë,"Ng, Jr",,,,Y
T3,P4,Mr,Ahmed,Ahmed,,,,Y
T4,P5,Mrs,Олена,Шевченко,,,,y
"""
TRANSACTIONS = """\
tenancy_ref,transaction_ref,posted_on,type,amount,description
T1,X1,2025-04-07,RENT,98.45,Rent
T1,X2,2025-04-07,SERVICE,5,Service charge
T1,X3,2025-04-11,PAYMENT,-103.45,"Payment, allpay"
T2,X4,2025-04-07,RENT,110.00,Rent
T2,X5,2025-04-30,UC,-476.67,Universal Credit
T3,X6,2025-04-07,RENT,9.50,Rent
T4,X7,2025-04-07,RENT,90,Rent
T4,X8,2025-04-07,HB,-90,Housing Benefit
T4,X9,2025-05-01,COURT_COSTS,355.00,Court costs
"""
ARRANGEMENTS = """\
tenancy_ref,arrangement_ref,kind,start_date,frequency,instalment,starting_balance,status
T4,A1,court_order,2025-06-02,weekly,3.85,355.00,
"""
EXPECTED_BALANCES = [("T1", 0), ("T2", 11000 - 47667), ("T3", 950), ("T4", 35500)]


def write_export(
    folder: Path,
    *,
    tenancies: str = TENANCIES,
    tenants: str = TENANTS,
    transactions: str = TRANSACTIONS,
    arrangements: str | None = ARRANGEMENTS,
    bom: bool = False,
    newline: str = "\n",
) -> Path:
    """Write an export folder from CSV texts (``newline`` replaces every line break)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {"tenancies.csv": tenancies, "tenants.csv": tenants, "transactions.csv": transactions}
    if arrangements is not None:
        files["arrangements.csv"] = arrangements
    for name, text in files.items():
        data = text.replace("\n", newline).encode("utf-8")
        (folder / name).write_bytes(b"\xef\xbb\xbf" + data if bom else data)
    return folder


def snapshot(engine: Engine) -> dict[str, Any]:
    """Every row of every imported table, and the change counter."""
    out: dict[str, Any] = {}
    with Session(engine) as session:
        for model in (Officer, Tenancy, Person, LedgerEntry, Arrangement, ScopeEvent):
            table = model.__table__
            cols = [c for c in table.c if c.name != "created_at"]
            rows = session.execute(select(*cols)).all()
            out[model.__tablename__] = sorted(tuple(str(v) for v in row) for row in rows)
        out["counter"] = sequence.current(session)
    return out


def seqs(engine: Engine, model: Any) -> dict[str, int]:
    with Session(engine) as session:
        return {ref: seq for ref, seq in session.execute(select(model.ref, model.seq))}


def store_balances(engine: Engine) -> list[tuple[str, int]]:
    with Session(engine) as session:
        return balances(session=session)


def rejected(engine: Engine, folder: Path) -> list[str]:
    with pytest.raises(ImportRejected) as info:
        import_export(engine=engine, directory=folder)
    return [str(e) for e in info.value.errors]


# --- the good path -------------------------------------------------------------------------


def test_good_export_is_imported_whole(engine: Engine, tmp_path: Path) -> None:
    stages: set[str] = set()
    summary = import_export(
        engine=engine,
        directory=write_export(tmp_path / "x"),
        progress=lambda stage, done, total: stages.add(stage),
    )

    assert summary.tenancies == RowCounts(added=4)
    assert summary.people == RowCounts(added=5)
    assert summary.ledger == RowCounts(added=9)
    assert summary.arrangements == RowCounts(added=1)
    assert summary.officers_created == 2
    assert summary.scope_events == 3  # T1 and T4 enter officer1's scope, T2 officer2's
    assert summary.warnings == ()
    assert store_balances(engine) == EXPECTED_BALANCES
    assert {"reading transactions.csv", "writing ledger lines"} <= stages

    with Session(engine) as session:
        t1 = session.scalars(select(Tenancy).where(Tenancy.ref == "T1")).one()
        assert t1.address == "Flat 3, Jubilee House\n12 Mill Lane\nNorthtown"
        assert (t1.weekly_rent_pence, t1.weekly_service_charge_pence, t1.rent_weeks) == (
            9845,
            500,
            52,
        )
        t2 = session.scalars(select(Tenancy).where(Tenancy.ref == "T2")).one()
        assert (t2.postcode, t2.rent_weeks, t2.weekly_service_charge_pence) == ("LS14 2CD", 48, 0)
        t3 = session.scalars(select(Tenancy).where(Tenancy.ref == "T3")).one()
        assert (t3.tenure, t3.officer_id, t3.patch, t3.weekly_rent_pence) == (
            "garage",
            None,
            None,
            950,
        )
        people = {p.ref: p for p in session.scalars(select(Person))}
        assert (people["P1"].first_name, people["P1"].last_name) == ("Siobhán", "Nić Aodha")
        assert (people["P2"].first_name, people["P2"].last_name) == ("Łukasz", "O'Brien")
        assert (people["P3"].first_name, people["P3"].last_name) == ("Zoë", "Ng, Jr")
        assert (people["P5"].first_name, people["P5"].last_name) == ("Олена", "Шевченко")
        assert [p.is_lead for p in (people["P1"], people["P2"], people["P5"])] == [
            True,
            False,
            True,
        ]
        assert people["P1"].date_of_birth == date(1980, 2, 29)
        x3 = session.scalars(select(LedgerEntry).where(LedgerEntry.ref == "X3")).one()
        assert (x3.amount_pence, x3.description) == (-10345, "Payment, allpay")
        a1 = session.scalars(select(Arrangement)).one()
        assert (a1.instalment_pence, a1.starting_balance_pence, a1.status) == (385, 35500, "live")
        officers = session.scalars(select(Officer).order_by(Officer.username)).all()
        assert [(o.username, o.password_hash) for o in officers] == [
            ("officer1", None),
            ("officer2", None),
        ]
        # every row has its own change number, all from one block
        numbers = [
            *session.scalars(select(Tenancy.seq)),
            *session.scalars(select(Person.seq)),
            *session.scalars(select(LedgerEntry.seq)),
            *session.scalars(select(Arrangement.seq)),
            *session.scalars(select(ScopeEvent.seq)),
        ]
        assert sorted(numbers) == list(range(1, 4 + 5 + 9 + 1 + 3 + 1))
        assert (summary.first_seq, summary.last_seq) == (1, 22)
        assert sequence.current(session) == 22
        # a new case with an officer enters their scope just after its own row
        events = session.execute(
            select(ScopeEvent.seq, ScopeEvent.kind, Tenancy.seq, Tenancy.ref)
            .join(Tenancy, Tenancy.id == ScopeEvent.tenancy_id)
            .order_by(ScopeEvent.seq)
        ).all()
        assert [(kind, ref) for _, kind, _, ref in events] == [
            ("enter", "T1"),
            ("enter", "T2"),
            ("enter", "T4"),
        ]
        assert all(event_seq == tenancy_seq + 1 for event_seq, _, tenancy_seq, _ in events)


def test_reimporting_the_same_export_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    folder = write_export(tmp_path / "x")
    import_export(engine=engine, directory=folder)
    before = snapshot(engine)

    again = import_export(engine=engine, directory=folder)

    assert snapshot(engine) == before
    assert again.tenancies == RowCounts(unchanged=4)
    assert again.people == RowCounts(unchanged=5)
    assert again.ledger == RowCounts(unchanged=9)
    assert again.arrangements == RowCounts(unchanged=1)
    assert (again.officers_created, again.scope_events) == (0, 0)
    assert (again.first_seq, again.last_seq) == (None, None)


def test_a_later_export_adds_new_lines_and_updates_what_changed(
    engine: Engine, tmp_path: Path
) -> None:
    import_export(engine=engine, directory=write_export(tmp_path / "day1"))
    t_before, p_before = seqs(engine, Tenancy), seqs(engine, Person)
    l_before, a_before = seqs(engine, LedgerEntry), seqs(engine, Arrangement)
    with Session(engine) as session:
        high = sequence.current(session)  # the last number the first import used

    later = write_export(
        tmp_path / "day2",
        tenancies=TENANCIES.replace("98.45,5.00,52", "101.20,5.00,52")  # T1: new rent
        .replace("officer2,Eastbrook", "officer3,Eastbrook")  # T2 moves to a new officer
        .replace("9.5,,,,", "9.5,,,officer2,Eastbrook")  # T3 assigned
        .replace("50,officer1,Northtown", "50,,"),  # T4 unassigned
        tenants=TENANTS.replace("O'Brien,1979-07-01,,", "O'Brien,1979-07-01,07700 900456,"),
        transactions=TRANSACTIONS.replace("T1,X1,2025-04-07,RENT,98.45", "T1,X1,2025-04-07,RENT,1")
        + "T1,X10,2025-04-14,RENT,101.20,Rent\nT2,X11,2025-04-14,RENT,110.00,Rent\n",
        arrangements=ARRANGEMENTS.replace("weekly,3.85", "fortnightly,7.70"),
    )
    summary = import_export(engine=engine, directory=later)

    assert summary.tenancies == RowCounts(added=0, updated=4, unchanged=0)
    assert summary.people == RowCounts(added=0, updated=1, unchanged=4)
    assert summary.ledger == RowCounts(added=2, updated=0, unchanged=9)
    assert summary.arrangements == RowCounts(added=0, updated=1, unchanged=0)
    assert summary.officers_created == 1  # officer3
    # X1's amount differs from what is stored: kept as stored, and said so
    assert [str(w) for w in summary.warnings] == [
        "transactions.csv:2:transaction_ref: 1 stored ledger line(s) differ from this export "
        "and were kept as stored (a transaction_ref is never changed)"
    ]

    t_after, p_after = seqs(engine, Tenancy), seqs(engine, Person)
    l_after, a_after = seqs(engine, LedgerEntry), seqs(engine, Arrangement)
    assert set(t_after) == set(t_before)
    assert all(t_after[ref] > high for ref in t_after)
    assert p_after["P2"] > high
    assert {ref: n for ref, n in p_after.items() if ref != "P2"} == {
        ref: n for ref, n in p_before.items() if ref != "P2"
    }
    assert {ref: l_after[ref] for ref in l_before} == l_before  # old lines untouched
    assert min(l_after["X10"], l_after["X11"]) > high
    assert a_after["A1"] > a_before["A1"]

    with Session(engine) as session:
        x1 = session.scalars(select(LedgerEntry).where(LedgerEntry.ref == "X1")).one()
        assert x1.amount_pence == 9845
        t1 = session.scalars(select(Tenancy).where(Tenancy.ref == "T1")).one()
        assert t1.weekly_rent_pence == 10120
        p2 = session.scalars(select(Person).where(Person.ref == "P2")).one()
        assert p2.phone == "07700 900456"
        officer = {i: name for i, name in session.execute(select(Officer.id, Officer.username))}
        events = session.execute(
            select(ScopeEvent.seq, ScopeEvent.kind, ScopeEvent.officer_id, Tenancy.ref, Tenancy.seq)
            .join(Tenancy, Tenancy.id == ScopeEvent.tenancy_id)
            .where(ScopeEvent.seq > high)
            .order_by(ScopeEvent.seq)
        ).all()
    assert [(ref, kind, officer[o]) for _, kind, o, ref, _ in events] == [
        ("T2", "leave", "officer2"),
        ("T2", "enter", "officer3"),
        ("T3", "enter", "officer2"),
        ("T4", "leave", "officer1"),
    ]
    # each event comes after its tenancy's new change number
    assert all(event_seq > tenancy_seq for event_seq, _, _, _, tenancy_seq in events)
    assert store_balances(engine) == [
        ("T1", 10120),
        ("T2", 11000 - 47667 + 11000),
        ("T3", 950),
        ("T4", 35500),
    ]


# --- bad rows: each gives its file:line:column error and changes nothing --------------------

BAD_ROWS = [
    pytest.param(
        "transactions",
        "X3,2025-04-11,PAYMENT,-103.45",
        "X3,2025-04-11,PAYMENT,-103.455",
        "transactions.csv:4:amount: '-103.455' has more than two decimal places",
        id="three-decimal-places",
    ),
    pytest.param(
        "transactions",
        "X2,2025-04-07,SERVICE,5,",
        "X2,2025-04-07,SERVICE,£5,",
        "transactions.csv:3:amount: '£5' is not a plain number of pounds "
        "(remove the currency sign)",
        id="pound-sign",
    ),
    pytest.param(
        "transactions",
        "X4,2025-04-07,RENT",
        "X4,2025-02-30,RENT",
        "transactions.csv:5:posted_on: '2025-02-30' is not a real date",
        id="30-february",
    ),
    pytest.param(
        "transactions",
        "X4,2025-04-07,RENT",
        "X4,07/04/2025,RENT",
        "transactions.csv:5:posted_on: '07/04/2025' is not a date in the form YYYY-MM-DD",
        id="not-iso-date",
    ),
    pytest.param(
        "transactions",
        "T3,X6,",
        "T99,X6,",
        "transactions.csv:7:tenancy_ref: unknown tenancy_ref 'T99'",
        id="unknown-tenancy",
    ),
    pytest.param(
        "tenants",
        "T3,P4,",
        "T77,P4,",
        "tenants.csv:5:tenancy_ref: unknown tenancy_ref 'T77'",
        id="unknown-tenancy-of-a-person",
    ),
    pytest.param(
        "transactions",
        "T1,X3,",
        "T1,X2,",
        "transactions.csv:4:transaction_ref: duplicate transaction_ref 'X2' (first on line 3)",
        id="duplicate-transaction-ref",
    ),
    pytest.param(
        "tenancies",
        "T3,",
        "T2,",
        "tenancies.csv:6:tenancy_ref: duplicate tenancy_ref 'T2' (first on line 5)",
        id="duplicate-tenancy-ref",
    ),
    pytest.param(
        "tenancies",
        "introductory",
        "council",
        "tenancies.csv:5:tenure: 'council' is not one of assured, assured_shorthold, flexible, "
        "garage, introductory, licence, secure, starter",
        id="unknown-tenure-after-a-multiline-address",
    ),
    pytest.param(
        "transactions",
        "X7,2025-04-07,RENT",
        "X7,2025-04-07,FEE",
        "transactions.csv:8:type: 'FEE' is not one of ADJUSTMENT, COURT_COSTS, DHP, HB, "
        "PAYMENT, RECHARGE, REFUND, RENT, SERVICE, UC, WRITE_OFF",
        id="unknown-type",
    ),
    pytest.param(
        "tenants",
        'Zoë,"Ng, Jr"',
        "Zoë,",
        "tenants.csv:4:last_name: required value is blank",
        id="blank-last-name",
    ),
    pytest.param(
        "tenancies",
        "LS10 1GH",
        "",
        "tenancies.csv:7:postcode: required value is blank",
        id="blank-postcode",
    ),
    pytest.param(
        "tenancies",
        "LS10 1GH",
        "10 Downing",
        "tenancies.csv:7:postcode: not a UK postcode",
        id="not-a-postcode",
    ),
    pytest.param(
        "tenancies",
        "110.00,,48",
        "110.00,,51",
        "tenancies.csv:5:rent_weeks: '51' is not one of 48, 50, 52",
        id="rent-weeks",
    ),
    pytest.param(
        "tenancies",
        "2010-05-10,2025-09-01",
        "2010-05-10,2009-09-01",
        "tenancies.csv:7:end_date: '2009-09-01' is before the start_date",
        id="ends-before-it-starts",
    ),
    pytest.param(
        "tenants",
        "O'Brien,1979-07-01,,,N",
        "O'Brien,1979-07-01,,,Yes",
        "tenants.csv:3:lead: 'Yes' is not Y or N",
        id="lead-not-y-n",
    ),
    pytest.param(
        "tenants",
        "O'Brien,1979-07-01,,,N",
        "O'Brien,1979-07-01,,,Y",
        "tenants.csv:3:lead: tenancy 'T1' already has a lead tenant (line 2)",
        id="two-leads",
    ),
    pytest.param(
        "arrangements",
        "court_order,2025-06-02,weekly",
        "court_order,2025-06-02,yearly",
        "arrangements.csv:2:frequency: 'yearly' is not one of fortnightly, four_weekly, "
        "monthly, weekly",
        id="frequency",
    ),
    pytest.param(
        "arrangements",
        "T4,A1,court_order",
        "T4,A1,verbal",
        "arrangements.csv:2:kind: 'verbal' is not one of court_order, informal",
        id="kind",
    ),
    pytest.param(
        "arrangements",
        "355.00,",
        "355.00,paused",
        "arrangements.csv:2:status: 'paused' is not one of cancelled, live",
        id="status",
    ),
    pytest.param(
        "transactions",
        "X8,2025-04-07,HB,-90,Housing Benefit",
        "X8,2025-04-07,HB,-90",
        "transactions.csv:9:-: the record has 5 fields but the header has 6",
        id="short-record",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "error"), BAD_ROWS)
def test_a_bad_row_is_reported_and_changes_nothing(
    engine: Engine, tmp_path: Path, file: str, old: str, new: str, error: str
) -> None:
    import_export(engine=engine, directory=write_export(tmp_path / "good"))
    before = snapshot(engine)
    texts = {
        "tenancies": TENANCIES,
        "tenants": TENANTS,
        "transactions": TRANSACTIONS + "T1,X20,2025-04-14,RENT,98.45,Rent\n",
        "arrangements": ARRANGEMENTS,
    }
    assert texts[file].count(old) == 1
    texts[file] = texts[file].replace(old, new)
    folder = write_export(tmp_path / "bad", **texts)  # type: ignore[arg-type]

    assert rejected(engine, folder) == [error]
    assert snapshot(engine) == before


def test_a_bad_first_export_leaves_the_store_empty(engine: Engine, tmp_path: Path) -> None:
    folder = write_export(tmp_path / "x", transactions=TRANSACTIONS.replace("9.50", "9.505"))
    before = snapshot(engine)
    assert rejected(engine, folder) == [
        "transactions.csv:7:amount: '9.505' has more than two decimal places"
    ]
    assert snapshot(engine) == before
    assert (before["tenancy"], before["officer"], before["counter"]) == ([], [], 0)


def test_a_broken_tenancy_row_does_not_make_its_people_and_lines_unknown(
    engine: Engine, tmp_path: Path
) -> None:
    folder = write_export(tmp_path / "x", tenancies=TENANCIES.replace("9.5,,,,", "9.5,,,,,"))
    assert rejected(engine, folder) == [
        "tenancies.csv:6:-: the record has 12 fields but the header has 11"
    ]


def test_a_missing_required_column_rejects_the_file(engine: Engine, tmp_path: Path) -> None:
    tenants = "\n".join(
        ",".join(cell for i, cell in enumerate(line.split(",")) if i != 4)
        for line in TENANTS.replace('"Ng, Jr"', "Ng").splitlines()
    )
    assert "last_name" not in tenants
    folder = write_export(tmp_path / "x", tenants=tenants + "\n")
    assert rejected(engine, folder) == ["tenants.csv:1:last_name: required column is missing"]
    assert snapshot(engine)["tenancy"] == []


def test_a_missing_file_is_an_error(engine: Engine, tmp_path: Path) -> None:
    folder = write_export(tmp_path / "x")
    (folder / "tenants.csv").unlink()
    assert rejected(engine, folder) == ["tenants.csv:0:-: required file is missing from the export"]


def test_every_error_is_listed_not_only_the_first(engine: Engine, tmp_path: Path) -> None:
    folder = write_export(
        tmp_path / "x",
        tenancies=TENANCIES.replace("introductory", "council"),
        transactions=TRANSACTIONS.replace("-103.45", "-103.455").replace("T3,X6", "T9,X6"),
    )
    assert rejected(engine, folder) == [
        "tenancies.csv:5:tenure: 'council' is not one of assured, assured_shorthold, flexible, "
        "garage, introductory, licence, secure, starter",
        "transactions.csv:4:amount: '-103.455' has more than two decimal places",
        "transactions.csv:7:tenancy_ref: unknown tenancy_ref 'T9'",
    ]


def test_two_errors_in_one_row_are_both_listed(engine: Engine, tmp_path: Path) -> None:
    folder = write_export(
        tmp_path / "x",
        transactions=TRANSACTIONS.replace("X4,2025-04-07,RENT,110.00", "X4,2025-13-01,RENT,1.001"),
    )
    assert rejected(engine, folder) == [
        "transactions.csv:5:posted_on: '2025-13-01' is not a real date",
        "transactions.csv:5:amount: '1.001' has more than two decimal places",
    ]


def test_messages_never_quote_names_addresses_or_dates_of_birth(
    engine: Engine, tmp_path: Path
) -> None:
    long_name = "Nić Aodha-" + "x" * 100
    folder = write_export(
        tmp_path / "x",
        tenancies=TENANCIES.replace("5 Oak Road,LS10 1GH", "5 Oak Road,Oak Road"),
        tenants=TENANTS.replace("Nić Aodha,1980-02-29", f"{long_name},1980-02-30"),
    )
    errors = rejected(engine, folder)
    assert errors == [
        "tenancies.csv:7:postcode: not a UK postcode",
        "tenants.csv:2:last_name: longer than 100 characters",
        "tenants.csv:2:date_of_birth: is not a real date",
    ]
    text = "\n".join(errors)
    for secret in ("Oak Road", "Nić", "1980"):
        assert secret not in text


# --- encodings, quoting and layout -----------------------------------------------------------


def csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def test_bom_crlf_column_order_and_unknown_columns(engine: Engine, tmp_path: Path) -> None:
    rows = list(csv.reader(io.StringIO(TRANSACTIONS)))
    # columns in another order, with one the format does not know
    reordered = [[*reversed(row), "b7" if i else "hms_batch"] for i, row in enumerate(rows)]
    folder = write_export(
        tmp_path / "x",
        tenancies=re.sub(r"(?m)^(tenancy_ref|T)", r"100023,\1", TENANCIES).replace(
            "100023,tenancy_ref", "uprn,tenancy_ref"
        ),
        transactions=csv_text(reordered),
        bom=True,
        newline="\r\n",
    )
    summary = import_export(engine=engine, directory=folder)

    assert [str(w) for w in summary.warnings] == [
        "tenancies.csv:1:uprn: unknown column ignored",
        "transactions.csv:1:hms_batch: unknown column ignored",
    ]
    assert summary.ledger.added == 9
    assert store_balances(engine) == EXPECTED_BALANCES
    with Session(engine) as session:
        t1 = session.scalars(select(Tenancy).where(Tenancy.ref == "T1")).one()
        # the line breaks inside the quoted address are kept as the file had them
        assert t1.address == "Flat 3, Jubilee House\r\n12 Mill Lane\r\nNorthtown"
        p1 = session.scalars(select(Person).where(Person.ref == "P1")).one()
        assert p1.first_name == "Siobhán"  # the BOM did not stick to the first column


def test_error_lines_stay_right_after_multiline_cells(engine: Engine, tmp_path: Path) -> None:
    transactions = TRANSACTIONS.replace(
        '"Payment, allpay"', '"Payment, allpay\nreceipt 12\nbranch 4"'
    ).replace("X4,2025-04-07,RENT,110.00", "X4,2025-04-07,RENT,110.001")
    folder = write_export(tmp_path / "x", transactions=transactions, newline="\r\n")
    # X3 starts on line 4 and takes three lines, so X4 starts on line 7
    assert rejected(engine, folder) == [
        "transactions.csv:7:amount: '110.001' has more than two decimal places"
    ]


def test_a_quote_never_closed_is_reported(engine: Engine, tmp_path: Path) -> None:
    folder = write_export(
        tmp_path / "x", transactions=TRANSACTIONS.replace('"Payment, allpay"', '"Payment, allpay')
    )
    errors = rejected(engine, folder)
    assert len(errors) == 1
    assert errors[0].startswith("transactions.csv:4:-: not valid CSV")


def test_not_utf8_is_reported(engine: Engine, tmp_path: Path) -> None:
    folder = write_export(tmp_path / "x")
    (folder / "tenants.csv").write_bytes(TENANTS.encode("latin-1", "replace"))
    assert rejected(engine, folder) == ["tenants.csv:2:-: the file is not valid UTF-8 text"]


def test_arrangements_file_is_optional(engine: Engine, tmp_path: Path) -> None:
    summary = import_export(
        engine=engine, directory=write_export(tmp_path / "x", arrangements=None)
    )
    assert summary.arrangements == RowCounts()
    assert isinstance(summary, ImportSummary)


# --- the command line ------------------------------------------------------------------------


def run_cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "central", "--url", url, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_cli_imports_and_rejects(central_url: str, tmp_path: Path) -> None:
    good = run_cli(central_url, "import", str(write_export(tmp_path / "good")))
    assert good.returncode == 0, good.stderr
    assert "tenancies: 4 added, 0 updated, 0 unchanged" in good.stdout
    assert "ledger lines: 9 added" in good.stdout
    assert "writing ledger lines: 9/9" in good.stderr
    for secret in ("Nić", "Jubilee", "98.45"):
        assert secret not in good.stdout + good.stderr

    bad_folder = write_export(
        tmp_path / "bad",
        transactions=TRANSACTIONS.replace("-103.45", "-103.455").replace(
            "2025-04-30", "2025-02-30"
        ),
    )
    bad = run_cli(central_url, "import", "--quiet", str(bad_folder))
    assert bad.returncode == 2
    assert bad.stderr.splitlines()[:2] == [
        "transactions.csv:4:amount: '-103.455' has more than two decimal places",
        "transactions.csv:6:posted_on: '2025-02-30' is not a real date",
    ]
    assert bad.stdout == ""

    report = run_cli(central_url, "report", "balances", "--format", "csv")
    assert report.returncode == 0, report.stderr
    assert report.stdout.splitlines() == [
        "tenancy_ref,balance_pence",
        *(f"{ref},{pence}" for ref, pence in EXPECTED_BALANCES),
    ]
