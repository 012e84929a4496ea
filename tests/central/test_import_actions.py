"""The HMS export's ``actions.csv``: good path, idempotence, later exports, every bad row kind.

Each test runs on SQLite and on PostgreSQL (the ``central_url`` fixture). The export around
``actions.csv`` is the one of ``test_import``; every name and note in it is made up.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.domain.case_actions import ACTION_KINDS
from central import sequence
from central.importer import ImportRejected, RowCounts, import_export
from central.models import (
    Arrangement,
    CaseAction,
    LedgerEntry,
    Person,
    ScopeEvent,
    Tenancy,
)
from tests.central.test_import import write_export

# Line numbers: header 1, C1 line 2 ... C6 line 7.
ACTIONS = """\
tenancy_ref,action_ref,date,code,until,note
T1,C1,2025-05-01,reminder,,Reminder by text
T1,C2,2025-05-15,letter_1,,
T4,C3,2025-05-20,NOSP,2025-06-20,"Served by hand, copy on file"
T4,C4,2025-06-25,court_applied,,
T4,C5,2025-07-01,hearing_set,2025-08-14,
T2,C6,2025-05-02,pause,2025-06-01,"Awaiting UC decision
see letter"
"""


def write(folder: Path, actions: str | None = ACTIONS) -> Path:
    """The test_import export, with ``actions`` as its actions.csv (none when None)."""
    write_export(folder)
    if actions is not None:
        (folder / "actions.csv").write_bytes(actions.encode("utf-8"))
    return folder


def snapshot(engine: Engine) -> dict[str, Any]:
    """Every row of the tables an import writes, and the change counter."""
    out: dict[str, Any] = {}
    with Session(engine) as session:
        for model in (Tenancy, Person, LedgerEntry, Arrangement, ScopeEvent, CaseAction):
            rows = session.execute(select(*model.__table__.c)).all()
            out[model.__tablename__] = sorted(tuple(str(v) for v in row) for row in rows)
        out["counter"] = sequence.current(session)
    return out


def stored_actions(engine: Engine) -> dict[str, tuple[Any, ...]]:
    """ref -> (tenancy_ref, on_date, code, until, note, source, seq)."""
    with Session(engine) as session:
        rows = session.execute(
            select(
                CaseAction.ref,
                Tenancy.ref,
                CaseAction.on_date,
                CaseAction.code,
                CaseAction.until,
                CaseAction.note,
                CaseAction.source,
                CaseAction.seq,
            ).join(Tenancy, Tenancy.id == CaseAction.tenancy_id)
        ).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def rejected(engine: Engine, folder: Path) -> list[str]:
    with pytest.raises(ImportRejected) as info:
        import_export(engine=engine, directory=folder)
    return [str(e) for e in info.value.errors]


# --- the good path -------------------------------------------------------------------------


def test_actions_are_imported_with_their_own_change_numbers(engine: Engine, tmp_path: Path) -> None:
    stages: set[str] = set()
    summary = import_export(
        engine=engine,
        directory=write(tmp_path / "x"),
        progress=lambda stage, done, total: stages.add(stage),
    )

    assert summary.actions == RowCounts(added=6)
    assert summary.warnings == ()
    assert "case actions: 6 added, 0 updated, 0 unchanged" in summary.describe()
    assert {"reading actions.csv", "writing case actions"} <= stages
    actions = stored_actions(engine)
    assert {ref: row[:6] for ref, row in actions.items()} == {
        "C1": ("T1", date(2025, 5, 1), "reminder", None, "Reminder by text", "hms"),
        "C2": ("T1", date(2025, 5, 15), "letter_1", None, "", "hms"),
        "C3": (
            "T4",
            date(2025, 5, 20),
            "nosp",  # codes are read case-insensitively
            date(2025, 6, 20),
            "Served by hand, copy on file",
            "hms",
        ),
        "C4": ("T4", date(2025, 6, 25), "court_applied", None, "", "hms"),
        "C5": ("T4", date(2025, 7, 1), "hearing_set", date(2025, 8, 14), "", "hms"),
        "C6": (
            "T2",
            date(2025, 5, 2),
            "pause",
            date(2025, 6, 1),
            "Awaiting UC decision\nsee letter",
            "hms",
        ),
    }
    # 4 tenancies, 3 scope events, 5 people, 9 ledger lines, 1 arrangement, then the actions
    assert sorted(row[6] for row in actions.values()) == list(range(23, 29))
    assert (summary.first_seq, summary.last_seq) == (1, 28)
    with Session(engine) as session:
        device_fields = session.execute(
            select(CaseAction.officer_id, CaseAction.recorded_at).distinct()
        ).all()
    assert device_fields == [(None, None)]


def test_the_until_and_note_columns_are_optional(engine: Engine, tmp_path: Path) -> None:
    folder = write(
        tmp_path / "x",
        "action_ref,code,tenancy_ref,date\nC1,reminder,T1,2025-05-01\nC2,visit,T3,2025-05-02\n",
    )
    summary = import_export(engine=engine, directory=folder)
    assert summary.actions == RowCounts(added=2)
    assert stored_actions(engine)["C2"][:5] == ("T3", date(2025, 5, 2), "visit", None, "")


def test_without_actions_csv_nothing_is_added(engine: Engine, tmp_path: Path) -> None:
    summary = import_export(engine=engine, directory=write(tmp_path / "x", None))
    assert summary.actions == RowCounts()
    assert stored_actions(engine) == {}


def test_reimporting_the_same_actions_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    folder = write(tmp_path / "x")
    import_export(engine=engine, directory=folder)
    before = snapshot(engine)

    again = import_export(engine=engine, directory=folder)

    assert snapshot(engine) == before
    assert again.actions == RowCounts(unchanged=6)
    assert (again.first_seq, again.last_seq) == (None, None)


def test_a_later_export_adds_new_actions_and_updates_changed_ones(
    engine: Engine, tmp_path: Path
) -> None:
    import_export(engine=engine, directory=write(tmp_path / "day1"))
    before = stored_actions(engine)
    with Session(engine) as session:
        high = sequence.current(session)

    later = (
        ACTIONS.replace("NOSP,2025-06-20", "nosp,2025-06-27")  # C3: expiry corrected
        .replace("Awaiting UC decision\nsee letter", "UC decision due")  # C6: note changed
        .replace("T4,C5,", "T1,C5,")  # C5: moved to the right tenancy
        + "T1,C7,2025-06-01,letter_2,,\n"
    )
    summary = import_export(engine=engine, directory=write(tmp_path / "day2", later))

    assert summary.actions == RowCounts(added=1, updated=3, unchanged=3)
    assert summary.tenancies == RowCounts(unchanged=4)
    after = stored_actions(engine)
    assert after["C3"][3] == date(2025, 6, 27)
    assert after["C5"][0] == "T1"
    assert after["C6"][4] == "UC decision due"
    assert after["C7"][:3] == ("T1", date(2025, 6, 1), "letter_2")
    # changed and new rows get fresh change numbers, in order; the others keep theirs
    assert sorted(after[ref][6] for ref in ("C3", "C5", "C6", "C7")) == list(
        range(high + 1, high + 5)
    )
    assert {ref: after[ref] for ref in ("C1", "C2", "C4")} == {
        ref: before[ref] for ref in ("C1", "C2", "C4")
    }
    with Session(engine) as session:
        assert sequence.current(session) == high + 4


def test_an_action_recorded_on_a_device_is_never_changed_by_an_export(
    engine: Engine, tmp_path: Path
) -> None:
    import_export(engine=engine, directory=write(tmp_path / "day1"))
    device_ref = str(uuid.uuid4())
    with Session(engine) as session, session.begin():
        t1 = session.scalars(select(Tenancy).where(Tenancy.ref == "T1")).one()
        session.add(
            CaseAction(
                ref=device_ref,
                tenancy_id=t1.id,
                on_date=date(2025, 6, 2),
                code="visit",
                note="Nobody in",
                source="device",
                seq=sequence.reserve(session, 1),
            )
        )
    before = snapshot(engine)
    echo = ACTIONS + f"T1,{device_ref},2025-06-02,visit,,Nobody in\n"
    same = import_export(engine=engine, directory=write(tmp_path / "day2", echo))
    assert same.actions == RowCounts(unchanged=7)
    assert same.warnings == ()
    assert snapshot(engine) == before

    differ = ACTIONS + f"T1,{device_ref},2025-06-03,visit,,Nobody in\n"
    summary = import_export(engine=engine, directory=write(tmp_path / "day3", differ))
    assert summary.actions == RowCounts(unchanged=7)
    assert [str(w) for w in summary.warnings] == [
        "actions.csv:9:action_ref: 1 action(s) recorded on a device differ from this export "
        "and were kept as recorded (an action_ref made on a device is never changed)"
    ]
    assert snapshot(engine) == before


# --- bad rows: each gives its file:line:column error and changes nothing --------------------

BAD_ROWS = [
    pytest.param(
        "C2,2025-05-15,letter_1",
        "C2,2025-05-15,letter_9",
        "actions.csv:3:code: 'letter_9' is not an action code (one of "
        + ", ".join(ACTION_KINDS)
        + ")",
        id="unknown-code",
    ),
    pytest.param(
        "NOSP,2025-06-20,",
        "NOSP,,",
        "actions.csv:4:until: notice of seeking possession served needs the date "
        "'Proceedings may start from'",
        id="nosp-without-until",
    ),
    pytest.param(
        "hearing_set,2025-08-14",
        "hearing_set,",
        "actions.csv:6:until: possession hearing date set needs the date 'Hearing date'",
        id="hearing-without-until",
    ),
    pytest.param(
        "hearing_set,2025-08-14",
        "hearing_set,2025-06-30",
        "actions.csv:6:until: 30 Jun 2025 is before the action's date 1 Jul 2025",
        id="until-before-date",
    ),
    pytest.param(
        "C2,2025-05-15",
        "C2,2025-05-32",
        "actions.csv:3:date: '2025-05-32' is not a real date",
        id="bad-date",
    ),
    pytest.param(
        "C2,2025-05-15",
        "C2,15/05/2025",
        "actions.csv:3:date: '15/05/2025' is not a date in the form YYYY-MM-DD",
        id="not-iso-date",
    ),
    pytest.param(
        "NOSP,2025-06-20,",
        "NOSP,20/06/2025,",
        "actions.csv:4:until: '20/06/2025' is not a date in the form YYYY-MM-DD",
        id="bad-until-date-is-one-error",
    ),
    pytest.param(
        "C2,2025-05-15,letter_1",
        "C2,,letter_1",
        "actions.csv:3:date: required value is blank",
        id="blank-date",
    ),
    pytest.param(
        "C2,2025-05-15,letter_1",
        "C2,2025-05-15,",
        "actions.csv:3:code: required value is blank",
        id="blank-code",
    ),
    pytest.param(
        "T2,C6,",
        "T9,C6,",
        "actions.csv:7:tenancy_ref: unknown tenancy_ref 'T9'",
        id="unknown-tenancy",
    ),
    pytest.param(
        "T1,C2,",
        "T1,C1,",
        "actions.csv:3:action_ref: duplicate action_ref 'C1' (first on line 2)",
        id="duplicate-action-ref",
    ),
    pytest.param(
        "T1,C2,",
        "T1,,",
        "actions.csv:3:action_ref: required value is blank",
        id="blank-action-ref",
    ),
    pytest.param(
        "court_applied,,",
        "court_applied,",
        "actions.csv:5:-: the record has 5 fields but the header has 6",
        id="short-record",
    ),
]


@pytest.mark.parametrize(("old", "new", "error"), BAD_ROWS)
def test_a_bad_action_row_is_reported_and_changes_nothing(
    engine: Engine, tmp_path: Path, old: str, new: str, error: str
) -> None:
    import_export(engine=engine, directory=write(tmp_path / "good"))
    before = snapshot(engine)
    assert ACTIONS.count(old) == 1
    folder = write(tmp_path / "bad", ACTIONS.replace(old, new))

    assert rejected(engine, folder) == [error]
    assert snapshot(engine) == before


def test_a_bad_first_export_with_bad_actions_leaves_the_store_empty(
    engine: Engine, tmp_path: Path
) -> None:
    folder = write(tmp_path / "x", ACTIONS.replace("letter_1", "letter_one"))
    before = snapshot(engine)
    errors = rejected(engine, folder)
    assert errors == [
        f"actions.csv:3:code: 'letter_one' is not an action code (one of {', '.join(ACTION_KINDS)})"
    ]
    assert snapshot(engine) == before
    assert (before["tenancy"], before["case_action"], before["counter"]) == ([], [], 0)


def test_a_missing_required_column_rejects_actions_csv(engine: Engine, tmp_path: Path) -> None:
    without_code = "tenancy_ref,action_ref,date,until\nT1,C1,2025-05-01,\n"
    assert rejected(engine, write(tmp_path / "x", without_code)) == [
        "actions.csv:1:code: required column is missing"
    ]
    assert snapshot(engine)["tenancy"] == []


def test_every_action_error_is_listed_with_the_other_files(engine: Engine, tmp_path: Path) -> None:
    folder = write(
        tmp_path / "x",
        ACTIONS.replace("C2,2025-05-15,letter_1", "C2,2025-02-30,letter_9")
        .replace("NOSP,2025-06-20,", "NOSP,,")
        .replace("T2,C6,", "T8,C6,"),
    )
    (folder / "arrangements.csv").write_text(
        "tenancy_ref,arrangement_ref,kind,start_date,frequency,instalment,starting_balance\n"
        "T4,A1,court_order,2025-06-02,yearly,3.85,355.00\n",
        encoding="utf-8",
    )
    assert rejected(engine, folder) == [
        "arrangements.csv:2:frequency: 'yearly' is not one of fortnightly, four_weekly, "
        "monthly, weekly",
        "actions.csv:3:date: '2025-02-30' is not a real date",
        f"actions.csv:3:code: 'letter_9' is not an action code (one of {', '.join(ACTION_KINDS)})",
        "actions.csv:4:until: notice of seeking possession served needs the date "
        "'Proceedings may start from'",
        "actions.csv:7:tenancy_ref: unknown tenancy_ref 'T8'",
    ]


def test_action_messages_never_quote_the_note(engine: Engine, tmp_path: Path) -> None:
    folder = write(
        tmp_path / "x",
        ACTIONS.replace("Reminder by text", "Spoke to Ms Nić Aodha").replace(
            "C1,2025-05-01", "C1,2025-05-00"
        ),
    )
    errors = rejected(engine, folder)
    assert errors == ["actions.csv:2:date: '2025-05-00' is not a real date"]
    assert "Nić" not in "\n".join(errors)
