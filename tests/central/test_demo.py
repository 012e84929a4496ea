"""The synthetic council: deterministic, importable, and varied even when small."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from app.domain.money import parse_pounds
from central.db import open_store
from central.demo import demo_command, write_demo
from central.importer import import_export
from central.reports import balances

FILES = ("tenancies.csv", "tenants.csv", "transactions.csv", "arrangements.csv")
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
