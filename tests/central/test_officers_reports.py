"""Officer accounts (add, set the password of an imported one, refuse, list) and the
balances report, on SQLite and on PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from central.db import open_store
from central.importer import import_export
from central.models import Officer, Tenancy
from central.officers import (
    OfficerRefused,
    add_officer,
    list_officers,
    officer_command,
    read_password,
)
from central.reports import balances_command, balances_csv
from central.security import hash_password, needs_rehash, verify_password

TENANCIES = """\
tenancy_ref,address,postcode,tenure,start_date,end_date,weekly_rent,officer
T2,"1 Elm Close, Westgate",LS13 1AB,secure,2015-01-05,,100.00,officer1
T10,"Garage 2
Elm Close",LS13 1AB,garage,2018-03-05,,9.00,officer1
T1,3 Ash Way,LS13 2CD,secure,2001-06-04,2024-08-05,95.00,
T3,4 Ash Way,LS13 2CD,flexible,2020-09-07,,104.10,officer2
"""
TENANTS = """\
tenancy_ref,person_ref,last_name,lead
T2,P1,Okonkwo,Y
T10,P2,Wiśniewski,Y
T1,P3,Ng,Y
T3,P4,Ó Briain,Y
"""
TRANSACTIONS = """\
tenancy_ref,transaction_ref,posted_on,type,amount
T2,X1,2025-04-07,RENT,100.00
T2,X2,2025-04-08,PAYMENT,-60.50
T10,X3,2025-04-07,RENT,9
T10,X4,2025-04-10,PAYMENT,-9
T1,X5,2024-07-29,RENT,95.00
T1,X6,2024-10-01,WRITE_OFF,-20.00
"""


@pytest.fixture
def engine(central_url: str, tmp_path: Path) -> Iterator[Engine]:
    engine = open_store(central_url)
    folder = tmp_path / "export"
    folder.mkdir()
    for name, text in (
        ("tenancies.csv", TENANCIES),
        ("tenants.csv", TENANTS),
        ("transactions.csv", TRANSACTIONS),
    ):
        (folder / name).write_text(text, encoding="utf-8")
    import_export(engine=engine, directory=folder)
    yield engine
    engine.dispose()


def stored_hash(engine: Engine, username: str) -> str | None:
    with Session(engine) as session:
        return session.scalars(
            select(Officer.password_hash).where(Officer.username == username)
        ).one()


# --- passwords ---------------------------------------------------------------------------------


def test_hash_is_not_the_password_and_verifies() -> None:
    digest = hash_password("correct horse battery")
    assert "correct horse" not in digest
    assert digest.startswith("$argon2id$")
    assert verify_password(digest, "correct horse battery")
    assert not verify_password(digest, "correct horse batterY")
    assert not verify_password("not a hash", "correct horse battery")
    assert hash_password("correct horse battery") != digest  # a fresh salt each time
    assert not needs_rehash(digest)


# --- officers ----------------------------------------------------------------------------------


def test_add_a_new_officer(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        added = add_officer(
            session=session, username="officer9", password="s3cret-pass", display_name="Pat Q"
        )
    assert added.created
    digest = stored_hash(engine, "officer9")
    assert digest is not None
    assert digest != "s3cret-pass"
    assert verify_password(digest, "s3cret-pass")


def test_set_the_password_of_an_imported_officer(engine: Engine) -> None:
    with Session(engine) as session:
        before = session.scalars(select(Officer).where(Officer.username == "officer1")).one()
        officer_id = before.id
    assert stored_hash(engine, "officer1") is None

    with Session(engine) as session, session.begin():
        added = add_officer(
            session=session, username="officer1", password="longenough", display_name="Sam W"
        )

    assert not added.created
    with Session(engine) as session:
        officer = session.scalars(select(Officer).where(Officer.username == "officer1")).one()
        assert officer.id == officer_id  # same account, caseload kept
        assert officer.display_name == "Sam W"
        assert verify_password(officer.password_hash or "", "longenough")
        caseload = session.scalars(select(Tenancy.ref).where(Tenancy.officer_id == officer_id))
        assert sorted(caseload) == ["T10", "T2"]


def test_an_account_with_a_password_is_refused(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        add_officer(session=session, username="officer1", password="first-password")
    digest = stored_hash(engine, "officer1")

    with (
        Session(engine) as session,
        session.begin(),
        pytest.raises(OfficerRefused, match="already has a password"),
    ):
        add_officer(session=session, username="officer1", password="second-password")
    assert stored_hash(engine, "officer1") == digest


@pytest.mark.parametrize(
    ("username", "password", "reason"),
    [
        ("officer7", "", "the password is empty"),
        ("officer7", "short", "shorter than 8 characters"),
        ("has space", "longenough", "a username is"),
        ("", "longenough", "a username is"),
    ],
)
def test_bad_username_or_password_is_refused(
    engine: Engine, username: str, password: str, reason: str
) -> None:
    with (
        Session(engine) as session,
        session.begin(),
        pytest.raises(OfficerRefused, match=reason),
    ):
        add_officer(session=session, username=username, password=password)
    with Session(engine) as session:
        assert session.scalars(select(Officer).where(Officer.username == username)).first() is None


def test_read_password_from_a_file_or_a_prompt(tmp_path: Path) -> None:
    pw_file = tmp_path / "pw"
    pw_file.write_text("  spaces kept  \r\nsecond line\n", encoding="utf-8")
    assert read_password(password_file=str(pw_file)) == "  spaces kept  "

    answers = iter(["typed-twice", "typed-twice"])
    assert read_password(password_file=None, prompt=lambda _: next(answers)) == "typed-twice"

    differing = iter(["typed-once", "typed-other"])
    with pytest.raises(OfficerRefused, match="differ"):
        read_password(password_file=None, prompt=lambda _: next(differing))

    with pytest.raises(OfficerRefused, match="cannot read"):
        read_password(password_file=str(tmp_path / "missing"))


def test_officer_command_add_refuse_and_list(
    engine: Engine, central_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pw_file = tmp_path / "pw"
    pw_file.write_text("a-long-password\n", encoding="utf-8")

    def add(username: str, **kwargs: str) -> int:
        return officer_command(
            url=central_url,
            action="add",
            username=username,
            display_name=kwargs.get("display_name", ""),
            password_file=kwargs.get("password_file", str(pw_file)),
        )

    assert add("officer2", display_name="Kim N") == 0
    assert "password set for imported officer: officer2" in capsys.readouterr().out
    assert add("officer8") == 0
    assert "added: officer8" in capsys.readouterr().out

    assert add("officer2") == 2
    captured = capsys.readouterr()
    assert "already has a password" in captured.err
    assert "a-long-password" not in captured.out + captured.err

    short = tmp_path / "short"
    short.write_text("abc\n", encoding="utf-8")
    assert add("officer1", password_file=str(short)) == 2
    assert "shorter than 8" in capsys.readouterr().err
    assert stored_hash(engine, "officer1") is None

    # a prompt that ends (no terminal) is refused, not a crash
    def no_tty(_: str) -> str:
        raise EOFError

    assert (
        officer_command(
            url=central_url,
            action="add",
            username="officer1",
            password_file=None,
            prompt=no_tty,
        )
        == 2
    )
    assert "no password given" in capsys.readouterr().err

    assert officer_command(url=central_url, action="list", username=None) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["username", "display", "name", "password", "tenancies"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == {"officer1", "officer2", "officer8"}
    assert rows["officer1"].split()[1:] == ["not", "set", "2"]
    assert rows["officer2"].split()[1:] == ["Kim", "N", "set", "1"]
    assert rows["officer8"].split()[1:] == ["set", "0"]

    with Session(engine) as session:
        listing = {o.username: o for o in list_officers(session=session)}
    assert (listing["officer2"].has_password, listing["officer2"].tenancies) == (True, 1)


# --- the balances report -----------------------------------------------------------------------


def test_balances_report_every_tenancy_sorted_with_sums(engine: Engine) -> None:
    with Session(engine) as session:
        text = balances_csv(session=session)
    # code-point order (T1 < T10 < T2 < T3); the former T1 and the zero T10 are listed, and
    # T3 with no ledger lines at all
    assert text == "tenancy_ref,balance_pence\nT1,7500\nT10,0\nT2,3950\nT3,0\n"


def test_balances_command_writes_the_report(engine: Engine, central_url: str) -> None:
    out = io.StringIO()
    assert balances_command(url=central_url, out=out) == 0
    assert out.getvalue().splitlines()[1:] == ["T1,7500", "T10,0", "T2,3950", "T3,0"]
