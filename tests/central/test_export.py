"""``python -m central export --since CURSOR --out DIR``: what officers recorded, back to the HMS.

Run through the command line (``central.cli.main``) on SQLite and on PostgreSQL, on a store
seeded with the demo council (imported from its HMS export: its arrangements and actions are
the HMS's own and never exported), two officers' devices pushing a case action, arrangement
versions and an assessment through ``central.push``, and visit records inserted directly in the
four tables (synthetic data only). The files are read back with the csv module and checked:
the columns of every file, the codes of ``app.domain.visits``, pence as pounds, the supersedes
chains, unusual text, the formula guard, the cursor and ``--since``, headers on an empty export,
the exit statuses and messages, and a folder that is never left half-written.
"""

from __future__ import annotations

import csv
import logging
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.domain import sfs
from app.domain.visits import CONTACT_HOW, CONTACT_OUTCOMES, REFERRAL_KINDS
from app.protocol.intents import (
    ADD_ASSESSMENT,
    AGREE_ARRANGEMENT,
    CANCEL_ARRANGEMENT,
    RECORD_CASE_ACTION,
)
from app.protocol.messages import AssessmentContent
from central import export, sequence
from central.cli import main
from central.demo import write_demo
from central.importer import import_export
from central.models import (
    Arrangement,
    CaseAction,
    Contact,
    FollowUp,
    IncomeAssessment,
    PaymentPromise,
    Person,
    Referral,
    Tenancy,
)
from tests.central.push_world import World
from tests.unit.sfs_examples import w1_assessment

COMMON = ["supersedes_id", "tenancy_ref", "officer", "device_id", "recorded_at", "seq"]
HEADERS = {
    "contacts.csv": [
        "contact_id",
        *COMMON,
        *("date", "how", "outcome", "spoke_to_person_ref", "spoke_to_name", "action_ref"),
        "note",
    ],
    "payment_promises.csv": [
        "payment_promise_id",
        *COMMON,
        *("contact_id", "made_on", "due_on", "amount", "withdrawn"),
    ],
    "follow_ups.csv": ["follow_up_id", *COMMON, "contact_id", "due_on", "status", "task"],
    "referrals.csv": [
        "referral_id",
        *COMMON,
        *("referred_to", "date", "reason", "outcome", "outcome_date", "outcome_note"),
    ],
    "arrangements.csv": [
        *("arrangement_id", "supersedes_id", "supersedes_ref", *COMMON[1:]),
        *("made_on", "kind", "start_date", "frequency", "instalment", "starting_balance"),
        *("status", "day_of_month"),
    ],
    "assessments.csv": [
        *("assessment_id", *COMMON, "assessed_on", "source", "adults", "children"),
        *("other_dependants", "non_dependants", "monthly_income", "monthly_fixed_costs"),
        *("monthly_flexible_costs", "monthly_outgoings", "monthly_surplus", "monthly_savings"),
        *("monthly_debt_admin_fee", "available_for_priority_debts", "other_priority_offers"),
        *("max_rent_offer_monthly", "max_rent_offer_weekly", "rent_offer_monthly"),
        *("available_for_non_priority_debts", "priority_debts_owed", "non_priority_debts_owed"),
        "note",
    ],
    "actions.csv": [
        "action_id",
        *COMMON,
        *("date", "code", "until", "note", "assessment_id", "support_need", "learned_from"),
    ],
}

RECORDED = datetime(2025, 3, 7, 9, 30, 12, 345678, tzinfo=UTC)
ODD_NOTE = (
    'Spoke at the door, "no problem", she said,\r\nthen: paid £5 — Łukasz & Nguyễn 🏠👍\n'
    "ملاحظة; 2nd line,, end"
)
FORMULA_NOTE = '=HYPERLINK("http://example.invalid","click")'


@pytest.fixture
def place(tmp_path: Path) -> Path:
    """A folder for the exports alone (the SQLite store and the demo live beside it)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def run(central_url: str, *argv: str) -> int:
    return main(["--url", central_url, *argv])


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == HEADERS[name], name
        return list(reader)


def exported(central_url: str, folder: Path, since: int, capsys: pytest.CaptureFixture[str]) -> int:
    """Run the export; the cursor it printed (stdout holds that one line only)."""
    capsys.readouterr()
    assert run(central_url, "export", "--since", str(since), "--out", str(folder)) == 0
    out = capsys.readouterr().out
    assert out.endswith("\n")
    assert out.strip().isdigit(), out
    return int(out)


@dataclass
class Council:
    """The seeded store: the World's officers, devices and cases, and what was recorded."""

    world: World
    case_ref: str
    person_ref: str
    ids: dict[str, uuid.UUID]
    seqs: dict[str, int]
    hms_arrangement_ref: str


def _visit(
    session: Session, world: World, model: type[Any], *, officer: str = "alice", **fields: Any
) -> Any:
    """A visit record as a device's push leaves it: its own id, the next change number."""
    officer_id, device_id, case = (
        (world.alice, world.alice_device, world.alice_case)
        if officer == "alice"
        else (world.bob, world.bob_device, world.bob_case)
    )
    row = model(
        id=uuid.uuid4(),
        seq=sequence.reserve(session, 1),
        tenancy_id=fields.pop("tenancy_id", case),
        officer_id=officer_id,
        device_id=device_id,
        recorded_at=fields.pop("recorded_at", RECORDED),
        **fields,
    )
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def council(engine: Engine, tmp_path: Path) -> Council:
    hms = write_demo(tenancies=6, officers=2, seed=5, out=tmp_path / "hms").out
    import_export(engine=engine, directory=hms)
    world = World(engine)
    ids: dict[str, uuid.UUID] = {}
    seqs: dict[str, int] = {}

    # Pushed through central.push: a case action, an arrangement agreed, renegotiated and
    # cancelled (each a version), an assessment, and a version replacing an HMS arrangement.
    action = world.args(note="Card left; neighbour — Zoë's")
    ids["action"] = uuid.UUID(action["action_id"])
    assert world.push_one(action, RECORD_CASE_ACTION).status == "applied"
    with Session(engine) as session, session.begin():
        hms_arrangement = Arrangement(
            ref="HMS-ARR-77",
            tenancy_id=world.bob_case,
            kind="informal",
            start_date=date(2024, 1, 1),
            frequency="weekly",
            instalment_pence=1_250,
            starting_balance_pence=80_000,
            seq=sequence.reserve(session, 1),
        )
        session.add(hms_arrangement)
        session.flush()
        ids["hms_arrangement"] = hms_arrangement.id
    first, second, cancel, over_hms = (uuid.uuid4() for _ in range(4))
    terms: dict[str, Any] = {
        "kind": "informal",
        "frequency": "weekly",
        "start_date": "2025-03-10",
        "starting_balance_pence": 60_000,
        "made_on": "2025-03-10",
    }
    pushes = [
        (AGREE_ARRANGEMENT, {"arrangement_id": str(first), "supersedes_id": None,
                             "instalment_pence": 1_000, **terms}, "alice"),
        (AGREE_ARRANGEMENT, {"arrangement_id": str(second), "supersedes_id": str(first),
                             "instalment_pence": 505, **terms}, "alice"),
        (CANCEL_ARRANGEMENT, {"arrangement_id": str(cancel), "supersedes_id": str(second),
                              "made_on": "2025-03-10"}, "alice"),
        (AGREE_ARRANGEMENT, {"arrangement_id": str(over_hms),
                             "supersedes_id": str(ids["hms_arrangement"]),
                             "instalment_pence": 2_000, "day_of_month": None, **terms,
                             "frequency": "monthly"}, "bob"),
    ]  # fmt: skip
    for intent, args, officer in pushes:
        case = world.alice_case if officer == "alice" else world.bob_case
        args = {"tenancy_id": str(case), **args}
        assert world.push_one(args, intent, officer=officer).status == "applied", args
    ids.update(first=first, second=second, cancel=cancel, over_hms=over_hms)
    assessment: dict[str, Any] = {
        "assessment_id": str(uuid.uuid4()),
        "tenancy_id": str(world.alice_case),
        "assessed_on": "2025-03-07",
        "source": "device",
        "supersedes_id": None,
        "finalised_at": "2025-03-07T10:15:00.123456+00:00",
        "note": "-£20 a week less since the job went; Łódź",
        "content": AssessmentContent.of(w1_assessment()).model_dump(mode="json"),
    }
    ids["assessment"] = uuid.UUID(assessment["assessment_id"])
    assert world.push_one(assessment, ADD_ASSESSMENT).status == "applied"

    # Inserted directly: the four visit kinds, with corrections.
    with Session(engine) as session, session.begin():
        case_ref = session.get_one(Tenancy, world.alice_case).ref
        person = Person(
            ref="P-EXPORT-1",
            tenancy_id=world.alice_case,
            first_name="Ngozi",
            last_name="Ó Súilleabháin",
            seq=sequence.reserve(session, 1),
        )
        session.add(person)
        session.flush()
        contact = _visit(
            session,
            world,
            Contact,
            on_date=date(2025, 3, 7),
            how="home_visit",
            outcome="promise_to_pay",
            spoke_to_person_id=person.id,
            note=ODD_NOTE,
            action_id=ids["action"],
        )
        corrected = _visit(
            session,
            world,
            Contact,
            supersedes_id=contact.id,
            on_date=date(2025, 3, 7),
            how="phone",
            outcome="spoke_to_tenant",
            spoke_to_name="Mr O'Brien, the neighbour",
            note=FORMULA_NOTE,
            recorded_at=RECORDED + timedelta(hours=1),
        )
        unknown_action = uuid.uuid4()
        other = _visit(
            session,
            world,
            Contact,
            officer="bob",
            on_date=date(2025, 3, 8),
            how="letter",
            outcome="no_access",
            action_id=unknown_action,
        )
        promise = _visit(
            session,
            world,
            PaymentPromise,
            contact_id=contact.id,
            made_on=date(2025, 3, 7),
            due_on=date(2025, 3, 14),
            amount_pence=5_000,
        )
        withdrawn = _visit(
            session,
            world,
            PaymentPromise,
            supersedes_id=promise.id,
            contact_id=contact.id,
            made_on=date(2025, 3, 7),
            due_on=date(2025, 3, 14),
            amount_pence=123_456,
            withdrawn=True,
        )
        small = _visit(
            session,
            world,
            PaymentPromise,
            made_on=date(2025, 3, 8),
            due_on=date(2025, 3, 9),
            amount_pence=5,
        )
        follow_up = _visit(
            session,
            world,
            FollowUp,
            contact_id=contact.id,
            due_on=date(2025, 3, 14),
            task="+44 7700 900123: call back Friday",
            status="open",
        )
        done = _visit(
            session,
            world,
            FollowUp,
            supersedes_id=follow_up.id,
            contact_id=contact.id,
            due_on=date(2025, 3, 14),
            task="+44 7700 900123: call back Friday",
            status="done",
        )
        referral = _visit(
            session,
            world,
            Referral,
            to="dhp",
            on_date=date(2025, 3, 7),
            reason="@risk: bedroom tax, 2 rooms",
            outcome="pending",
        )
        awarded = _visit(
            session,
            world,
            Referral,
            supersedes_id=referral.id,
            to="dhp",
            on_date=date(2025, 3, 7),
            reason="@risk: bedroom tax, 2 rooms",
            outcome="awarded",
            outcome_on=date(2025, 3, 21),
            outcome_note="£25.50 a week for 13 weeks",
        )
        for name, row in {
            "contact": contact,
            "corrected": corrected,
            "other": other,
            "promise": promise,
            "withdrawn": withdrawn,
            "small": small,
            "follow_up": follow_up,
            "done": done,
            "referral": referral,
            "awarded": awarded,
        }.items():
            ids[name] = row.id
            seqs[name] = row.seq
        ids["unknown_action"] = unknown_action
    with Session(engine) as session:
        for name in ("action",):
            seqs[name] = session.get_one(CaseAction, ids[name]).seq
        for name in ("first", "second", "cancel", "over_hms"):
            seqs[name] = session.get_one(Arrangement, ids[name]).seq
    return Council(world, case_ref, "P-EXPORT-1", ids, seqs, "HMS-ARR-77")


def by_id(rows: list[dict[str, str]], column: str) -> dict[str, dict[str, str]]:
    return {row[column]: row for row in rows}


# --- the files and their columns ---------------------------------------------------------------


def test_every_file_has_its_columns_and_only_what_officers_recorded(
    council: Council, central_url: str, place: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = place / "to-hms"
    cursor = exported(central_url, out, 0, capsys)

    assert sorted(p.name for p in out.iterdir()) == sorted(HEADERS)
    files = {name: read(out, name) for name in HEADERS}
    assert {name: len(rows) for name, rows in files.items()} == {
        "contacts.csv": 3,
        "payment_promises.csv": 3,
        "follow_ups.csv": 2,
        "referrals.csv": 2,
        "arrangements.csv": 4,  # the device's versions; the demo's and HMS-ARR-77 are the HMS's
        "assessments.csv": 1,
        "actions.csv": 1,  # the demo's actions came from the HMS
    }
    with Session(council.world.engine) as session:
        assert cursor == sequence.current(session)  # the last change was the last referral
    every = [row for rows in files.values() for row in rows]
    assert max(int(row["seq"]) for row in every) == cursor
    for name, rows in files.items():
        seqs = [int(row["seq"]) for row in rows]
        assert seqs == sorted(seqs), f"{name} is in change order"


def test_contacts_carry_the_codes_the_officer_the_device_and_the_time(
    council: Council, central_url: str, place: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = place / "to-hms"
    exported(central_url, out, 0, capsys)
    contacts = by_id(read(out, "contacts.csv"), "contact_id")
    ids, world = council.ids, council.world

    first = contacts[str(ids["contact"])]
    assert first == {
        "contact_id": str(ids["contact"]),
        "supersedes_id": "",
        "tenancy_ref": council.case_ref,
        "officer": "alice",
        "device_id": str(world.alice_device),
        "recorded_at": "2025-03-07T09:30:12Z",
        "seq": str(council.seqs["contact"]),
        "date": "2025-03-07",
        "how": "home_visit",
        "outcome": "promise_to_pay",
        "spoke_to_person_ref": council.person_ref,
        "spoke_to_name": "",
        "action_ref": str(ids["action"]),
        "note": ODD_NOTE,
    }
    other = contacts[str(ids["other"])]
    assert (other["officer"], other["device_id"]) == ("bob", str(world.bob_device))
    assert other["action_ref"] == str(ids["unknown_action"])  # not pushed yet: its own id
    for row in contacts.values():
        assert row["how"] in CONTACT_HOW
        assert row["outcome"] in CONTACT_OUTCOMES
    referrals = read(out, "referrals.csv")
    assert {row["referred_to"] for row in referrals} == {"dhp"} <= set(REFERRAL_KINDS)

    [action] = read(out, "actions.csv")
    assert action == {
        "action_id": str(ids["action"]),
        "supersedes_id": "",
        "tenancy_ref": council.case_ref,
        "officer": "alice",
        "device_id": str(world.alice_device),  # from the mutation that brought it
        "recorded_at": "2025-03-07T09:30:12Z",
        "seq": str(council.seqs["action"]),
        "date": "2025-03-07",
        "code": "visit",
        "until": "",
        "note": "Card left; neighbour — Zoë's",
        "assessment_id": "",
        "support_need": "",
        "learned_from": "",
    }


def test_money_is_pounds_with_two_decimals(
    council: Council, central_url: str, place: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = place / "to-hms"
    exported(central_url, out, 0, capsys)
    ids = council.ids

    promises = by_id(read(out, "payment_promises.csv"), "payment_promise_id")
    amounts = {name: promises[str(ids[name])]["amount"] for name in ("promise", "withdrawn")}
    assert amounts == {"promise": "50.00", "withdrawn": "1234.56"}
    assert promises[str(ids["small"])]["amount"] == "0.05"
    assert promises[str(ids["promise"])]["made_on"] == "2025-03-07"
    assert promises[str(ids["promise"])]["due_on"] == "2025-03-14"
    assert promises[str(ids["promise"])]["contact_id"] == str(ids["contact"])
    assert [promises[str(ids[n])]["withdrawn"] for n in ("promise", "withdrawn")] == ["N", "Y"]

    arrangements = by_id(read(out, "arrangements.csv"), "arrangement_id")
    assert arrangements[str(ids["first"])]["instalment"] == "10.00"
    assert arrangements[str(ids["second"])]["instalment"] == "5.05"
    assert arrangements[str(ids["first"])]["starting_balance"] == "600.00"

    [row] = read(out, "assessments.csv")
    budget = sfs.assess(w1_assessment(assessed_on=date(2025, 3, 7)))

    def money(pence: int) -> str:
        return f"{'-' if pence < 0 else ''}{abs(pence) // 100}.{abs(pence) % 100:02d}"

    assert row["monthly_income"] == money(budget.income.pence)
    assert row["monthly_fixed_costs"] == money(budget.fixed.pence)
    assert row["monthly_flexible_costs"] == money(budget.flexible.pence)
    assert row["monthly_outgoings"] == money(budget.outgoings.pence)
    assert row["monthly_surplus"] == money(budget.surplus.pence)
    assert row["monthly_savings"] == "20.00"
    assert row["available_for_priority_debts"] == money(budget.available_for_priority.pence)
    assert row["other_priority_offers"] == "45.00"  # council tax £30 and energy £15
    assert row["max_rent_offer_monthly"] == money(budget.max_rent_offer_monthly.pence)
    assert row["max_rent_offer_weekly"] == money(budget.max_rent_offer_weekly_pence)
    assert row["rent_offer_monthly"] == ""  # none agreed
    assert (row["adults"], row["children"]) == ("2", "2")
    assert (row["assessed_on"], row["source"]) == ("2025-03-07", "device")
    assert row["recorded_at"] == "2025-03-07T10:15:00Z"  # finalised on the device
    assert row["device_id"] == str(council.world.alice_device)
    for cell in (row["monthly_income"], row["monthly_surplus"], row["max_rent_offer_weekly"]):
        assert re.fullmatch(r"-?\d+\.\d\d", cell), cell


def test_each_correction_names_the_version_it_replaces(
    council: Council, central_url: str, place: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = place / "to-hms"
    exported(central_url, out, 0, capsys)
    ids = {name: str(value) for name, value in council.ids.items()}

    contacts = by_id(read(out, "contacts.csv"), "contact_id")
    assert contacts[ids["contact"]]["supersedes_id"] == ""
    assert contacts[ids["corrected"]]["supersedes_id"] == ids["contact"]
    assert contacts[ids["corrected"]]["recorded_at"] == "2025-03-07T10:30:12Z"
    promises = by_id(read(out, "payment_promises.csv"), "payment_promise_id")
    assert promises[ids["withdrawn"]]["supersedes_id"] == ids["promise"]
    follow_ups = by_id(read(out, "follow_ups.csv"), "follow_up_id")
    assert [follow_ups[ids[n]]["status"] for n in ("follow_up", "done")] == ["open", "done"]
    assert follow_ups[ids["done"]]["supersedes_id"] == ids["follow_up"]
    referrals = by_id(read(out, "referrals.csv"), "referral_id")
    assert referrals[ids["referral"]]["outcome"] == "pending"
    assert referrals[ids["referral"]]["outcome_date"] == ""
    assert referrals[ids["awarded"]] | {"seq": ""} == {
        "referral_id": ids["awarded"],
        "supersedes_id": ids["referral"],
        "tenancy_ref": council.case_ref,
        "officer": "alice",
        "device_id": str(council.world.alice_device),
        "recorded_at": "2025-03-07T09:30:12Z",
        "seq": "",
        "referred_to": "dhp",
        "date": "2025-03-07",
        "reason": "'@risk: bedroom tax, 2 rooms",
        "outcome": "awarded",
        "outcome_date": "2025-03-21",
        "outcome_note": "£25.50 a week for 13 weeks",
    }

    arrangements = by_id(read(out, "arrangements.csv"), "arrangement_id")
    chain = [arrangements[ids[n]] for n in ("first", "second", "cancel")]
    assert [(a["supersedes_id"], a["supersedes_ref"], a["status"]) for a in chain] == [
        ("", "", "live"),
        (ids["first"], ids["first"], "live"),
        (ids["second"], ids["second"], "cancelled"),
    ]
    assert chain[2]["instalment"] == "5.05"  # a cancellation carries the terms it ends
    over_hms = arrangements[ids["over_hms"]]
    assert (over_hms["supersedes_id"], over_hms["supersedes_ref"]) == (
        ids["hms_arrangement"],
        council.hms_arrangement_ref,  # the HMS's own reference for the version replaced
    )
    assert (over_hms["officer"], over_hms["frequency"]) == ("bob", "monthly")
    assert over_hms["device_id"] == str(council.world.bob_device)
    for row in chain:
        assert row["device_id"] == str(council.world.alice_device)
        assert row["made_on"] == "2025-03-10"
        # no instant comes with an arrangement: when the central store took it in
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row["recorded_at"])


# --- text ----------------------------------------------------------------------------------


def test_unusual_text_comes_back_exactly_and_the_files_are_utf8_with_crlf(
    council: Council, central_url: str, place: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = place / "to-hms"
    exported(central_url, out, 0, capsys)
    contacts = by_id(read(out, "contacts.csv"), "contact_id")
    assert contacts[str(council.ids["contact"])]["note"] == ODD_NOTE
    corrected = contacts[str(council.ids["corrected"])]
    assert corrected["spoke_to_name"] == "Mr O'Brien, the neighbour"
    [assessment] = read(out, "assessments.csv")
    assert export.unguard_text(assessment["note"]) == "-£20 a week less since the job went; Łódź"

    raw = (out / "contacts.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    assert raw.startswith(b"\xef\xbb\xbfcontact_id,supersedes_id,")
    assert raw.endswith(b"\r\n")
    assert "Nguyễn 🏠👍".encode() in raw
    lines = raw.split(b"\r\n")
    assert lines[0].decode("utf-8-sig") == ",".join(HEADERS["contacts.csv"])


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+44 7700 900123", "'+44 7700 900123"),
        ("-5 paid short", "'-5 paid short"),
        ("@cmd", "'@cmd"),
        ("  =1+1", "'  =1+1"),
        ("\t=1+1", "'\t=1+1"),
        ("\tindented", "'\tindented"),
        ("\rx", "'\rx"),
        ("'quoted already", "''quoted already"),
        ("Paid £5 - thanks", "Paid £5 - thanks"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_the_formula_guard_adds_an_apostrophe_that_can_always_be_taken_off(
    text: str, written: str
) -> None:
    assert export.guard_text(text) == written
    assert export.unguard_text(written) == text


def test_text_starting_like_a_formula_is_guarded_in_the_files(
    council: Council, central_url: str, place: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = place / "to-hms"
    exported(central_url, out, 0, capsys)
    contacts = by_id(read(out, "contacts.csv"), "contact_id")
    assert contacts[str(council.ids["corrected"])]["note"] == "'" + FORMULA_NOTE
    follow_ups = by_id(read(out, "follow_ups.csv"), "follow_up_id")
    assert follow_ups[str(council.ids["done"])]["task"] == "'+44 7700 900123: call back Friday"
    [assessment] = read(out, "assessments.csv")
    assert assessment["note"].startswith("'-£20")
    # Codes, ids, dates and amounts are the export's own and never start like a formula.
    every = [row for name in HEADERS for row in read(out, name)]
    for row in every:
        for column, cell in row.items():
            if column not in {"note", "task", "reason", "outcome_note", "spoke_to_name"}:
                assert not cell.startswith(("=", "+", "@", "'")), (column, cell)


# --- the cursor --------------------------------------------------------------------------------


def test_since_writes_only_later_changes_and_prints_the_new_cursor(
    council: Council,
    central_url: str,
    engine: Engine,
    place: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first = exported(central_url, place / "one", 0, capsys)
    assert first == max(council.seqs.values())

    since = council.seqs["done"]  # the follow-up's second version
    later = exported(central_url, place / "later", since, capsys)
    assert later == first
    names = {
        name: [row[HEADERS[name][0]] for row in read(place / "later", name)] for name in HEADERS
    }
    assert names == {
        "contacts.csv": [],
        "payment_promises.csv": [],
        "follow_ups.csv": [],
        "referrals.csv": [str(council.ids["referral"]), str(council.ids["awarded"])],
        "arrangements.csv": [],
        "assessments.csv": [],
        "actions.csv": [],
    }

    # Nothing new: empty files with their headers, and the same cursor again.
    assert exported(central_url, place / "none", first, capsys) == first
    assert all(read(place / "none", name) == [] for name in HEADERS)

    # A ledger line or a tenancy changed in the HMS moves the sequence on but is not exported.
    with Session(engine) as session, session.begin():
        tenancy = session.get_one(Tenancy, council.world.alice_case)
        tenancy.seq = sequence.reserve(session, 1)
        follow_up = _visit(
            session,
            council.world,
            FollowUp,
            officer="bob",
            due_on=date(2025, 3, 20),
            task="Check the DHP decision",
            status="open",
        )
        added = (str(follow_up.id), follow_up.seq)
    newest = exported(central_url, place / "newest", first, capsys)
    assert newest == added[1]
    [row] = read(place / "newest", "follow_ups.csv")
    assert (row["follow_up_id"], row["officer"], row["seq"]) == (
        added[0],
        "bob",
        str(newest),
    )
    assert sum(len(read(place / "newest", name)) for name in HEADERS) == 1


def test_an_empty_store_writes_every_header_and_prints_the_cursor_given(
    engine: Engine, central_url: str, place: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = place / "empty"
    out.mkdir()  # an empty folder may be given
    assert run(central_url, "export", "--since", "0", "--out", str(out)) == 0
    captured = capsys.readouterr()
    assert captured.out == "0\n"
    assert captured.err == f"nothing recorded since change 0: {out} holds empty files\n"
    for name in HEADERS:
        assert read(out, name) == []
        assert (out / name).read_bytes() == (
            b"\xef\xbb\xbf" + ",".join(HEADERS[name]).encode() + b"\r\n"
        )


@pytest.mark.parametrize("cursor", ["abc", "-1", "1.5", "", "٣", "0x10"])
def test_a_cursor_that_is_not_a_whole_number_exits_2_naming_it(
    engine: Engine,
    central_url: str,
    place: Path,
    capsys: pytest.CaptureFixture[str],
    cursor: str,
) -> None:
    out = place / "out"
    with pytest.raises(SystemExit) as stopped:
        run(central_url, "export", "--since", cursor, "--out", str(out))
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert f"{cursor!r} is not a cursor" in err
    assert not out.exists()


def test_a_cursor_beyond_the_store_exits_2_and_writes_nothing(
    council: Council, central_url: str, place: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    beyond = max(council.seqs.values()) + 1
    out = place / "out"
    assert run(central_url, "export", "--since", str(beyond), "--out", str(out)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"export: --since {beyond} is beyond the store's last change")
    assert len(captured.err.strip().splitlines()) == 1
    assert list(place.iterdir()) == []


# --- the folder ----------------------------------------------------------------------------


def test_a_folder_holding_files_or_a_file_is_refused_and_left_as_it_was(
    engine: Engine, central_url: str, place: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = place / "yesterday"
    out.mkdir()
    (out / "contacts.csv").write_text("not yet loaded by the HMS\n", encoding="utf-8")
    assert run(central_url, "export", "--since", "0", "--out", str(out)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"export: {out} already holds files; give each export a new (or empty) folder, so "
        "that one the housing system has not loaded yet is never overwritten\n"
    )
    assert [p.name for p in out.iterdir()] == ["contacts.csv"]
    assert (out / "contacts.csv").read_text(encoding="utf-8") == "not yet loaded by the HMS\n"

    a_file = place / "export.csv"
    a_file.write_text("x", encoding="utf-8")
    assert run(central_url, "export", "--since", "0", "--out", str(a_file)) == 2
    assert (
        capsys.readouterr().err == f"export: {a_file} is a file, not a folder; name a new folder\n"
    )
    assert sorted(p.name for p in place.iterdir()) == ["export.csv", "yesterday"]


def test_a_folder_that_cannot_be_made_exits_1_naming_it(
    engine: Engine, central_url: str, place: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (place / "plain-file").write_text("x", encoding="utf-8")
    out = place / "plain-file" / "export"
    assert run(central_url, "export", "--since", "0", "--out", str(out)) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"export: cannot create the folder {out}: {place / 'plain-file'} is a file, not a folder\n"
    )
    assert [p.name for p in place.iterdir()] == ["plain-file"]


def test_a_failure_halfway_leaves_no_folder_and_no_partial_files(
    council: Council,
    central_url: str,
    place: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    written: list[str] = []
    real_write = export.write_csv

    def write_then_fail(path: Path, header: Any, rows: Any) -> int:
        if path.name == "referrals.csv":
            raise OSError(28, "No space left on device")
        written.append(path.name)
        return real_write(path, header, rows)

    monkeypatch.setattr(export, "write_csv", write_then_fail)
    out = place / "to-hms"
    assert run(central_url, "export", "--since", "0", "--out", str(out)) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"export: cannot write the export to {out}: No space left on device\n"
    assert written == ["contacts.csv", "payment_promises.csv", "follow_ups.csv"]
    assert list(place.iterdir()) == []  # no folder, no .partial


def test_the_folder_appears_whole_by_one_rename(
    council: Council,
    central_url: str,
    place: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[tuple[str, list[str]]] = []
    real_publish = export._publish

    def watch(partial: Path, out: Path) -> None:
        assert not out.exists()  # until the rename, the HMS sees no folder at all
        assert partial.parent == out.parent
        assert partial.name.startswith(".to-hms.partial-")
        seen.append((partial.name, sorted(p.name for p in partial.iterdir())))
        real_publish(partial, out)

    monkeypatch.setattr(export, "_publish", watch)
    out = place / "to-hms"
    exported(central_url, out, 0, capsys)
    [(_, files)] = seen
    assert files == sorted(HEADERS)
    assert [p.name for p in place.iterdir()] == ["to-hms"]


def test_no_personal_data_reaches_the_logs_or_the_messages(
    council: Council,
    central_url: str,
    place: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="central")
    exported(central_url, place / "to-hms", 0, capsys)
    exported(central_url, place / "to-hms-2", 0, capsys)
    assert run(central_url, "export", "--since", "0", "--out", str(place / "to-hms")) == 2
    said = caplog.text + capsys.readouterr().err
    for secret in ("Łukasz", "O'Brien", "Ó Súilleabháin", "bedroom tax", "Zoë", "alice", "£"):
        assert secret not in said


def test_the_summary_counts_each_file(
    council: Council, central_url: str, place: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    out = place / "to-hms"
    assert run(central_url, "export", "--since", "0", "--out", str(out)) == 0
    cursor = max(council.seqs.values())
    assert capsys.readouterr().err == (
        f"exported changes 1 to {cursor} into {out}: 3 contacts, 3 payment_promises, "
        "2 follow_ups, 2 referrals, 4 arrangements, 1 assessments, 1 actions\n"
    )
    assert run(central_url, "export", "--since", "0", "--out", str(place / "q"), "--quiet") == 0
    assert capsys.readouterr() == (f"{cursor}\n", "")


def test_the_export_reads_what_the_store_holds(council: Council, engine: Engine) -> None:
    """The highest change number found in one statement is the last record's."""
    with Session(engine) as session:
        assert export.highest_seq(session, since=0) == max(council.seqs.values())
        assert export.highest_seq(session, since=max(council.seqs.values())) is None
        hms = session.scalars(select(Arrangement).where(Arrangement.source == "hms")).all()
        assert hms  # the demo's and HMS-ARR-77: in the store, not in the export


def test_an_assessment_that_cannot_be_read_back_exits_1_naming_only_its_id(
    engine: Engine, central_url: str, place: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = World(engine)
    broken = uuid.uuid4()
    with Session(engine) as session, session.begin():
        session.add(
            IncomeAssessment(
                id=broken,
                seq=sequence.reserve(session, 1),
                tenancy_id=world.alice_case,
                assessed_on=date(2025, 3, 7),
                source="device",
                officer_id=world.alice,
                finalised_at=RECORDED,
                note="Łukasz",
                content={"household": {"adults": 0}, "note": "Zoë's secret"},
            )
        )
    out = place / "to-hms"
    assert run(central_url, "export", "--since", "0", "--out", str(out)) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"export: the assessment {broken} (change ")
    assert "Zoë" not in captured.err
    assert list(place.iterdir()) == []
