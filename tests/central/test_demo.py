"""The synthetic council: deterministic, importable, and varied even when small."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from app.domain.case_actions import ACTION_KINDS, check_action
from app.domain.money import parse_pounds
from app.domain.months import add_months
from central.db import open_store
from central.demo import demo_command, write_demo
from central.importer import import_export
from central.reports import balances

FILES = ("tenancies.csv", "tenants.csv", "transactions.csv", "arrangements.csv", "actions.csv")
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$")


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "council"
    write_demo(tenancies=60, officers=3, seed=7, out=folder)
    return folder


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    a = write_demo(tenancies=40, officers=2, seed=11, out=tmp_path / "a")
    write_demo(tenancies=40, officers=2, seed=11, out=tmp_path / "b")
    write_demo(tenancies=40, officers=2, seed=12, out=tmp_path / "c")
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "tenants.csv").read_bytes() != (
        tmp_path / "c" / "tenants.csv"
    ).read_bytes()
    assert a.tenancies == 40
    assert a.ledger_lines == len(read(tmp_path / "a", "transactions.csv"))


def test_a_small_council_has_the_variety_asked_for(small: Path) -> None:
    tenancies = read(small, "tenancies.csv")
    people = read(small, "tenants.csv")
    lines = read(small, "transactions.csv")
    arrangements = read(small, "arrangements.csv")

    assert len(tenancies) == 60
    assert {t["rent_weeks"] for t in tenancies} == {"48", "50", "52"}
    assert {"garage", "secure"} <= {t["tenure"] for t in tenancies}
    assert any(t["end_date"] for t in tenancies)  # former tenancies
    assert any(not t["officer"] for t in tenancies)  # unassigned
    assert all(POSTCODE.match(t["postcode"]) for t in tenancies)
    assert any("," in t["address"] and "\n" in t["address"] for t in tenancies)
    garages = [t for t in tenancies if t["tenure"] == "garage"]
    assert all(parse_pounds(t["weekly_rent"]) < 2000 for t in garages)

    # officers officer1..3, spread evenly, one patch each
    owners = Counter(t["officer"] for t in tenancies if t["officer"])
    assert set(owners) == {"officer1", "officer2", "officer3"}
    assert max(owners.values()) - min(owners.values()) <= 1
    patches = {(t["officer"], t["patch"]) for t in tenancies if t["officer"]}
    assert len(patches) == 3
    assert all(t["patch"] for t in tenancies if t["officer"])

    # 1 to 3 people per tenancy, exactly one lead each
    household = Counter(p["tenancy_ref"] for p in people)
    leads = Counter(p["tenancy_ref"] for p in people if p["lead"] == "Y")
    assert set(household) == {t["tenancy_ref"] for t in tenancies}
    assert set(household.values()) <= {1, 2, 3}
    assert leads == Counter({ref: 1 for ref in household})

    def script(name: str) -> set[str]:
        return {unicodedata.name(c).split()[0] for c in name if c.isalpha()}

    scripts = set().union(*(script(p["first_name"] + p["last_name"]) for p in people))
    assert "LATIN" in scripts
    assert scripts & {"CYRILLIC", "ARABIC", "CJK"}

    types = Counter(line["type"] for line in lines)
    assert {"RENT", "PAYMENT", "UC", "HB"} <= set(types)
    assert all(
        parse_pounds(line["amount"]) > 0
        for line in lines
        if line["type"] in ("RENT", "SERVICE", "COURT_COSTS", "RECHARGE")
    )
    assert all(
        parse_pounds(line["amount"]) < 0
        for line in lines
        if line["type"] in ("PAYMENT", "HB", "UC", "DHP")
    )
    assert len({line["transaction_ref"] for line in lines}) == len(lines)
    assert len({p["person_ref"] for p in people}) == len(people)
    assert len(lines) > 60 * 100  # years of weekly history
    assert {a["tenancy_ref"] for a in arrangements} <= {t["tenancy_ref"] for t in tenancies}


#: The demo council's rent-free Mondays (docs/rules.md E2) in its history (Mar 2024 to Nov 2026):
#: two at Christmas and two at the end of March in a 48-week year, one of each in a 50-week year.
RENT_FREE_MONDAYS = {
    "48": {
        date(2024, 3, 18), date(2024, 3, 25), date(2024, 12, 23), date(2024, 12, 30),
        date(2025, 3, 24), date(2025, 3, 31), date(2025, 12, 22), date(2025, 12, 29),
        date(2026, 3, 23), date(2026, 3, 30),
    },
    "50": {date(2024, 3, 25), date(2024, 12, 23), date(2025, 3, 31), date(2025, 12, 22),
           date(2026, 3, 30)},
    "52": set(),
}


def test_rent_free_weeks_have_no_rent(small: Path) -> None:
    weeks = {t["tenancy_ref"]: t["rent_weeks"] for t in read(small, "tenancies.csv")}
    christmas = Counter(
        (line["tenancy_ref"], line["posted_on"][:4])
        for line in read(small, "transactions.csv")
        if line["type"] == "RENT" and line["posted_on"][5:] in ("12-22", "12-29", "01-05")
    )
    # 2025-12-22 and 2025-12-29 are Mondays: rent-free for 48-week tenancies
    forty_eight = [ref for ref, w in weeks.items() if w == "48"]
    assert all(christmas[(ref, "2025")] == 0 for ref in forty_eight)

    # Exactly: between a tenancy's first and last rent, every Monday is charged except its
    # rent-free ones (so no rent at all around Christmas, or rent in a free week, fails).
    charged: dict[str, set[date]] = {}
    for line in read(small, "transactions.csv"):
        if line["type"] == "RENT":
            day = date.fromisoformat(line["posted_on"])
            charged.setdefault(line["tenancy_ref"], set()).add(day)
    assert set(charged) == set(weeks)
    christmases_seen: Counter[str] = Counter()
    for ref, days in charged.items():
        first, last = min(days), max(days)
        assert all(day.weekday() == 0 for day in days), ref
        mondays = {first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)}
        free = {day for day in RENT_FREE_MONDAYS[weeks[ref]] if first < day < last}
        assert mondays - days == free, ref
        christmases_seen[weeks[ref]] += first < date(2025, 12, 22) and date(2025, 12, 29) < last
    assert all(christmases_seen[w] > 0 for w in RENT_FREE_MONDAYS)  # each kind is checked


def test_the_demo_imports_cleanly(central_url: str, small: Path) -> None:
    engine = open_store(central_url)
    try:
        summary = import_export(engine=engine, directory=small)
        with Session(engine) as session:
            stored = balances(session=session)
    finally:
        engine.dispose()
    assert summary.warnings == ()
    assert summary.tenancies.added == 60
    assert summary.officers_created == 3
    assert summary.actions.added == len(read(small, "actions.csv")) > 0
    expected: Counter[str] = Counter({t["tenancy_ref"]: 0 for t in read(small, "tenancies.csv")})
    for line in read(small, "transactions.csv"):
        expected[line["tenancy_ref"]] += parse_pounds(line["amount"])
    assert stored == sorted(expected.items())
    assert any(balance > 0 for _, balance in stored)  # arrears
    assert any(balance < 0 for _, balance in stored)  # credit


def test_demo_command_prints_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert demo_command(tenancies=10, officers=2, seed=1, out=str(tmp_path / "d")) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert out.startswith("wrote 10 tenancies")
    assert demo_command(tenancies=0, officers=2, seed=1, out=str(tmp_path / "e")) == 2


# --- case actions and arrangements ----------------------------------------------------------

AS_OF = date(2026, 11, 22)


def by_tenancy(rows: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        out.setdefault(row["tenancy_ref"], []).append(row)
    return out


def test_the_action_history_shows_every_state_of_a_worklist(small: Path) -> None:
    actions = read(small, "actions.csv")
    tenancies = {t["tenancy_ref"]: t for t in read(small, "tenancies.csv")}
    codes = Counter(a["code"] for a in actions)
    for code in (
        "reminder",
        "letter_1",
        "letter_2",
        "nosp",
        "court_applied",
        "hearing_set",
        "eviction_set",
        "breathing_space_start",
        "breathing_space_end",
        "benefit_claim_pending",
        "pause",
        "vulnerability",
        "safety_warning",
        "uc_pay_day",
    ):
        assert codes[code], code
    assert set(codes) <= set(ACTION_KINDS)
    assert len({a["action_ref"] for a in actions}) == len(actions)
    for a in actions:  # every row is one the importer and the device accept
        on = date.fromisoformat(a["date"])
        until = date.fromisoformat(a["until"]) if a["until"] else None
        check_action(code=a["code"], on=on, until=until)
        assert on <= AS_OF
        assert not tenancies[a["tenancy_ref"]]["end_date"]  # current tenancies only

    def until(code: str) -> list[date]:
        return [date.fromisoformat(a["until"]) for a in actions if a["code"] == code]

    assert any(d > AS_OF for d in until("hearing_set"))  # a hearing still to come
    assert any(d > AS_OF for d in until("eviction_set"))
    assert any(d > AS_OF for d in until("pause"))
    assert any(d < AS_OF for d in until("pause"))
    spaces = by_tenancy([a for a in actions if a["code"].startswith("breathing_space")])
    active = [
        rows
        for rows in spaces.values()
        if rows[-1]["code"] != "breathing_space_end"
        and date.fromisoformat(rows[-1]["date"]) > AS_OF - timedelta(days=60)
    ]
    assert active, "a Breathing Space in force on the export date"
    assert any(rows[-1]["code"] == "breathing_space_end" for rows in spaces.values())


def test_recovery_steps_follow_the_arrears(small: Path) -> None:
    """Each letter or notice was sent when the account was behind by its trigger."""
    balance: Counter[str] = Counter()
    lines = sorted(read(small, "transactions.csv"), key=lambda line: line["posted_on"])
    weekly = {
        t["tenancy_ref"]: parse_pounds(t["weekly_rent"])
        + parse_pounds(t["weekly_service_charge"] or "0")
        for t in read(small, "tenancies.csv")
    }
    steps = sorted(
        (a for a in read(small, "actions.csv") if a["code"] in ("letter_1", "letter_2", "nosp")),
        key=lambda a: a["date"],
    )
    i = 0
    for step in steps:
        # the account a few days before the step (the officer acts up to 4 days late)
        cut = (date.fromisoformat(step["date"]) - timedelta(days=4)).isoformat()
        while i < len(lines) and lines[i]["posted_on"] <= cut:
            balance[lines[i]["tenancy_ref"]] += parse_pounds(lines[i]["amount"])
            i += 1
        assert balance[step["tenancy_ref"]] > weekly[step["tenancy_ref"]], step
    refs = by_tenancy(read(small, "actions.csv"))
    for rows in refs.values():  # a NOSP expires 28 days after it is served
        for a in rows:
            if a["code"] == "nosp":
                served, expires = date.fromisoformat(a["date"]), date.fromisoformat(a["until"])
                assert expires - served == timedelta(days=28)


def test_uc_pay_days_are_on_tenants_paid_uc_themselves(small: Path) -> None:
    paid_to_landlord = {
        line["tenancy_ref"]
        for line in read(small, "transactions.csv")
        if line["type"] in ("UC", "HB")
    }
    pay_days = by_tenancy([a for a in read(small, "actions.csv") if a["code"] == "uc_pay_day"])
    assert pay_days
    assert not set(pay_days) & paid_to_landlord
    for rows in pay_days.values():
        assert len(rows) == 3  # the last three monthly payments
        assert len({row["date"][8:] for row in rows}) <= 2  # about the same day each month


def shortfall(arrangement: dict[str, str], lines: list[tuple[date, int]], on: date) -> int:
    """docs/rules.md F3 with 5 days' grace and no tolerance: > 0 when the arrangement is broken."""
    start = date.fromisoformat(arrangement["start_date"])
    cut = on - timedelta(days=5)
    required = sum(p for d, p in lines if start <= d <= cut and p > 0)
    credits = -sum(p for d, p in lines if start <= d <= on and p < 0)
    due, count = start, 0
    while due <= cut:
        count += 1
        if arrangement["frequency"] == "monthly":
            due = add_months(due, 1, anchor_day=start.day)
        else:
            weeks = {"weekly": 1, "fortnightly": 2, "four_weekly": 4}[arrangement["frequency"]]
            due += timedelta(weeks=weeks)
    return required + count * parse_pounds(arrangement["instalment"]) - credits


def test_arrangements_include_kept_and_broken_ones_and_court_orders(small: Path) -> None:
    lines: dict[str, list[tuple[date, int]]] = {}
    for line in read(small, "transactions.csv"):
        lines.setdefault(line["tenancy_ref"], []).append(
            (date.fromisoformat(line["posted_on"]), parse_pounds(line["amount"]))
        )
    states = Counter(
        (a["kind"], a["status"], shortfall(a, lines[a["tenancy_ref"]], AS_OF) > 0)
        for a in read(small, "arrangements.csv")
    )
    assert states[("informal", "live", False)], "a live informal arrangement being kept"
    assert states[("informal", "live", True)], "a live informal arrangement broken"
    assert any(kind == "court_order" for kind, _, _ in states)
