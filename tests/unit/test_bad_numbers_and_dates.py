"""Money and dates as officers and scripts type them, in every form that takes them (issue 11,
fault tests): each is taken as the amount or day meant, or refused with a message that names
the field and says what is wrong; nothing is saved by a refusal, and nothing ends in a
traceback.

The values: money "NaN", "1e9", "-5", "£1,000.005", "inf", "1,000,000,000", past £10bn and a
run of 5,000 digits; days 29 February of a leap year (taken) and of another year (refused),
far in the future (2099-12-31 is a day like any other, 9999-12-31 and the year 10000 are not)
and far in the past.

The forms, one parametrised table each:

- the parsers the screens use: ``parse_typed_pounds`` (the arrangement dialog's instalment),
  ``parse_amount`` (every amount box of the I&E form), ``parse_pounds`` (the HMS export and
  the council's files) and ``parse_day`` (a date written as text);
- the services behind the forms, given what the forms give them: ``record_action`` (Record
  action…), ``propose`` then ``agree_arrangement`` (Agree arrangement…), ``save_draft`` then
  ``finish_assessment`` (the I&E form), each refusal checked to land under the form's own
  field (``split_field_message`` with the dialog's ``FIELDS``);
- the commands: ``record --on/--until``, ``report worklist --as-of``, ``ie import --date``,
  ``guidelines import`` (amounts and dates in a CSV) and ``calc`` (every kind's money and
  dates), run as ``python -m app`` runs them (``app.cli.main``; one in a real subprocess to see
  its standard error whole).

Two crashes were found here and fixed (``app.domain.days``): an action ``until`` 31 Dec 9999
(a pause, a NOSP, a hearing) was recorded, and then every worklist failed with an
OverflowError; an arrangement from 31 Dec 9999 to a UC pay day failed with a ValueError. The
test that the rules still work at the last day taken is
``test_the_worklist_works_with_the_last_day_taken``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import text

from app.calc import compute
from app.cli import main
from app.domain import sfs
from app.domain.arrangement_plan import ProposalError, propose
from app.domain.days import LATEST_DAY, DayError, parse_day
from app.domain.money import AmountError, parse_pounds, parse_typed_pounds
from app.models import LedgerEntry, Tenancy
from app.paths import data_dir, resource_path
from app.services.actions import ActionRefused, record_action
from app.services.arrangements import ArrangementRefused, agree_arrangement
from app.services.assessments import (
    AssessmentRefused,
    finish_assessment,
    save_draft,
    start_assessment,
)
from app.services.case_file import open_case
from app.services.worklist import load_recovery_policy, worklist_report
from app.store.database import LocalStore, open_local_store
from app.ui.arrangement_dialog import FIELD_ALIASES as ARRANGEMENT_ALIASES
from app.ui.arrangement_dialog import FIELDS as ARRANGEMENT_FIELDS
from app.ui.assessment_rows import parse_amount
from app.ui.field_errors import split_field_message
from app.ui.record_action_dialog import FIELDS as RECORD_FIELDS
from tests.sync.central_seed import SeededCase, seed_council
from tests.sync.server import ROOT, RunningCentral, running_central
from tests.unit.sfs_examples import W1_CLIENT, w1_input
from tests.workspaces import workspace_on

TODAY = date(2026, 3, 2)  # the services' council clock
FIVE_THOUSAND_NINES = "9" * 5000
TOO_LARGE = "too large an amount"
NOT_AN_AMOUNT = "is not an amount of pounds"


# -- the parsers ----------------------------------------------------------------------------------

# (typed, parse_typed_pounds, parse_amount (I&E form), parse_pounds (HMS)): pence, or the words
MONEY: list[tuple[str, int | str, int | str | None, int | str]] = [
    ("NaN", NOT_AN_AMOUNT, NOT_AN_AMOUNT, NOT_AN_AMOUNT),
    ("1e9", NOT_AN_AMOUNT, NOT_AN_AMOUNT, NOT_AN_AMOUNT),
    ("inf", NOT_AN_AMOUNT, NOT_AN_AMOUNT, NOT_AN_AMOUNT),
    ("-inf", NOT_AN_AMOUNT, NOT_AN_AMOUNT, NOT_AN_AMOUNT),
    ("-5", -500, "cannot be negative", -500),
    ("£1,000.005", "a comma may only separate thousands", "a comma may", "currency sign"),
    ("1000.005", "more than two decimal places", "more than two", "more than two decimal"),
    ("1,000,000,000", 100_000_000_000, 100_000_000_000, "thousands separator"),
    ("£10,000,000,000.00", 10**12, 10**12, "currency sign"),
    ("10000000000.01", TOO_LARGE, TOO_LARGE, TOO_LARGE),
    (FIVE_THOUSAND_NINES, TOO_LARGE, TOO_LARGE, TOO_LARGE),
    ("", "blank", None, "blank"),
    ("12.5", 1250, 1250, 1250),
]


@pytest.mark.parametrize(
    ("typed", "as_typed", "in_the_ie_form", "from_the_hms"),
    [pytest.param(*row, id=row[0][:16] or "blank") for row in MONEY],
)
def test_money_is_read_exactly_or_refused_saying_why(
    typed: str,
    as_typed: int | str,
    in_the_ie_form: int | str | None,
    from_the_hms: int | str,
) -> None:
    for parse, expected in (
        (parse_typed_pounds, as_typed),
        (parse_amount, in_the_ie_form),
        (parse_pounds, from_the_hms),
    ):
        if isinstance(expected, str):
            with pytest.raises(AmountError, match=expected) as caught:
                parse(typed)
            assert len(str(caught.value)) < 200  # 5,000 digits are not quoted back
        else:
            assert parse(typed) == expected


DAYS: list[tuple[str, date | str]] = [
    ("2024-02-29", date(2024, 2, 29)),
    ("2023-02-29", "2023 is not a leap year, so February 2023 has 28 days"),
    ("1900-02-29", "1900 is not a leap year"),  # a century, not a leap year
    ("2000-02-29", date(2000, 2, 29)),  # a fourth century: a leap year
    ("2026-04-31", "April 2026 has 30 days"),
    ("2026-13-01", "there is no month 13"),
    ("2099-12-31", date(2099, 12, 31)),
    ("2199-12-31", date(2199, 12, 31)),
    ("2200-01-01", "too far in the future"),
    ("9999-12-31", "31 Dec 9999 is too far in the future"),
    ("10000-01-01", "a year has four digits"),
    ("1899-12-31", "31 Dec 1899 is too far in the past"),
    ("0001-01-01", "too far in the past"),
    ("0000-01-01", "there is no year 0"),
    ("31/12/2026", "YYYY-MM-DD"),
]


@pytest.mark.parametrize(("typed", "expected"), DAYS)
def test_a_date_written_as_text_is_read_or_refused_saying_why(
    typed: str, expected: date | str
) -> None:
    if isinstance(expected, date):
        assert parse_day(typed) == expected
    else:
        with pytest.raises(DayError, match=expected):
            parse_day(typed)


# -- the services behind the forms ----------------------------------------------------------------


@dataclass
class Laptop:
    store: LocalStore
    tenancy_id: uuid.UUID

    def rows(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of the caseload but the audit log: what a refusal must leave alone."""
        with self.store.session() as session:
            tables = session.scalars(
                text("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            ).all()
            return {
                table: sorted(
                    (tuple(r) for r in session.execute(text(f'SELECT * FROM "{table}"'))), key=repr
                )
                for table in tables
                if table not in ("audit_event", "alembic_version")
            }


@pytest.fixture
def laptop(tmp_path: Path) -> Iterator[Laptop]:
    """A synthetic case: tenancy from 6 Apr 2020, £100 a week, eight weeks unpaid (£800)."""
    store = open_local_store(data_dir(tmp_path / "data"))
    tenancy_id = uuid.uuid4()
    with store.session() as session, session.begin():
        session.add(
            Tenancy(
                id=tenancy_id,
                ref="T-BAD-DATES",
                address="1 Example Row\nTesttown",
                postcode="TE1 1ST",
                tenure="secure",
                start_date=date(2020, 4, 6),
                weekly_rent_pence=10_000,
            )
        )
        session.flush()
        for n in range(8):
            session.add(
                LedgerEntry(
                    tenancy_id=tenancy_id,
                    ref=f"L-BAD-{n}",
                    posted_on=date(2026, 1, 5) + timedelta(weeks=n),
                    type="RENT",
                    amount_pence=10_000,
                    server_seq=n + 1,
                )
            )
    yield Laptop(store, tenancy_id)
    store.close()


def assert_under(message: str, field: str, fields: tuple[str, ...], aliases: Any = None) -> None:
    """The refusal ``message`` is shown under the form's ``field`` (see field_errors)."""
    shown_under, words = split_field_message(message, fields, aliases)
    assert shown_under == field, message
    assert words[:1].isupper() or words[:1].isdigit(), message


# (code, on, until, None: recorded, or (the dialog's field, the words))
ACTIONS: list[tuple[str, date, date | None, tuple[str, str] | None]] = [
    ("contact", date(2024, 2, 29), None, None),
    ("pause", TODAY, date(2028, 2, 29), None),
    ("pause", TODAY, date(2099, 12, 31), None),
    ("pause", TODAY, LATEST_DAY, None),
    ("pause", TODAY, date(9999, 12, 31), ("until", "31 Dec 9999 is too far in the future")),
    ("nosp", TODAY, date(9999, 12, 31), ("until", "too far in the future")),
    ("hearing_set", TODAY, date(2200, 1, 1), ("until", "too far in the future")),
    ("pause", TODAY, date(1066, 10, 14), ("until", "too far in the past")),
    ("contact", date(2099, 12, 31), None, ("date", "31 Dec 2099 is in the future")),
    ("contact", date(9999, 12, 31), None, ("date", "31 Dec 9999 is too far in the future")),
    ("contact", date(1, 1, 1), None, ("date", "too far in the past")),
    ("contact", date(1900, 1, 1), None, ("date", "before the tenancy began")),
]


@pytest.mark.parametrize(
    ("code", "on", "until", "refused"),
    [pytest.param(*row, id=f"{row[0]} {row[1]} {row[2]}") for row in ACTIONS],
)
def test_record_action_takes_real_days_and_refuses_the_rest_under_their_field(
    laptop: Laptop, code: str, on: date, until: date | None, refused: tuple[str, str] | None
) -> None:
    workspace = workspace_on(laptop.store, TODAY)
    if refused is None:
        done = record_action(workspace, tenancy_id=laptop.tenancy_id, code=code, on=on, until=until)
        assert done.action_id
        return
    before = laptop.rows()
    with pytest.raises(ActionRefused, match=refused[1]) as caught:
        record_action(workspace, tenancy_id=laptop.tenancy_id, code=code, on=on, until=until)
    assert_under(str(caught.value), refused[0], RECORD_FIELDS)
    assert laptop.rows() == before


def test_the_worklist_works_with_the_last_day_taken(laptop: Laptop) -> None:
    """Every block and stage dated the last day Doorstep takes: the rules' arithmetic past it
    (a day after, twelve months after) still has room, where 31 Dec 9999 crashed it."""
    workspace = workspace_on(laptop.store, TODAY)
    for code in ("nosp", "hearing_set", "eviction_set", "pause", "breathing_space_mh_start"):
        record_action(
            workspace, tenancy_id=laptop.tenancy_id, code=code, on=TODAY, until=LATEST_DAY
        )
    policy = load_recovery_policy(path=resource_path("recovery-policy.toml"))
    for as_of in (TODAY, date(2099, 12, 31), LATEST_DAY):
        report = json.loads(worklist_report(workspace, policy=policy, as_of=as_of, fmt="json"))
        assert len(report) == 1
        case = open_case(workspace, tenancy_id=laptop.tenancy_id, policy=policy, as_of=as_of)
        assert case is not None


# (instalment typed, first date, frequency, UC pay day, None: agreed, or (field, words))
ARRANGEMENTS: list[tuple[str, date, str, date | None, tuple[str, str] | None]] = [
    ("NaN", TODAY, "weekly", None, ("instalment_pence", NOT_AN_AMOUNT)),
    ("1e9", TODAY, "weekly", None, ("instalment_pence", NOT_AN_AMOUNT)),
    ("inf", TODAY, "weekly", None, ("instalment_pence", NOT_AN_AMOUNT)),
    ("-5", TODAY, "weekly", None, ("instalment_pence", "must be more than £0.00")),
    ("£1,000.005", TODAY, "weekly", None, ("instalment_pence", "a comma may only separate")),
    ("1,000,000,000", TODAY, "weekly", None, ("instalment_pence", "more than the arrears")),
    (FIVE_THOUSAND_NINES, TODAY, "weekly", None, ("instalment_pence", TOO_LARGE)),
    # Real days, but too far off for a first payment (issue 13: the policy's 31 days).
    ("£10.00", date(2028, 2, 29), "weekly", None, ("first_date", "more than 31 days ahead")),
    ("£10.00", date(2028, 2, 29), "monthly", None, ("first_date", "more than 31 days ahead")),
    ("£10.00", date(2099, 12, 31), "weekly", None, ("first_date", "more than 31 days ahead")),
    ("£10.00", date(2026, 3, 20), "monthly", date(2026, 1, 31), None),
    ("£10.00", date(9999, 12, 31), "weekly", None, ("first_date", "too far in the future")),
    # Stepping from 31 Dec 9999 to the next UC pay day was a ValueError (year 10000).
    ("£10.00", date(9999, 12, 31), "monthly", date(2026, 1, 15), ("first_date", "too far")),
    # The first date is taken, the pay day it moves to is not.
    ("£10.00", LATEST_DAY, "monthly", date(2026, 1, 15), ("first_date", "2200 is too far")),
    ("£10.00", date(1899, 12, 31), "weekly", None, ("first_date", "too far in the past")),
    ("£10.00", date(2026, 1, 1), "weekly", None, ("first_date", "is before today")),
]


@pytest.mark.parametrize(
    ("typed", "first", "frequency", "uc_pay_day", "refused"),
    [pytest.param(*row, id=f"{row[0][:16]} {row[1]} {row[2]}") for row in ARRANGEMENTS],
)
def test_agree_arrangement_takes_real_amounts_and_days_and_refuses_the_rest(
    laptop: Laptop,
    typed: str,
    first: date,
    frequency: str,
    uc_pay_day: date | None,
    refused: tuple[str, str] | None,
) -> None:
    """As the dialog does it: the instalment read from its box, the plan proposed, then agreed;
    a refusal at any step is shown under the dialog's field."""
    before = laptop.rows()
    outcome = _agree_as_the_dialog_does(laptop, typed, first, frequency, uc_pay_day)
    assert outcome == refused or (
        refused is not None
        and outcome is not None
        and outcome[0] == refused[0]
        and refused[1].lower() in outcome[1].lower()
    ), outcome
    if refused is None:
        assert laptop.rows() != before
    else:
        assert laptop.rows() == before


def _agree_as_the_dialog_does(
    laptop: Laptop, typed: str, first: date, frequency: str, uc_pay_day: date | None
) -> tuple[str, str] | None:
    """None when agreed, else the dialog's field the refusal is shown under and its words."""
    try:
        instalment = parse_typed_pounds(typed)
    except AmountError as exc:  # the dialog shows it under the instalment box
        return "instalment_pence", str(exc)
    try:
        proposal = propose(
            arrears_pence=80_000,
            affordable_monthly_pence=0,
            weekly_rent_pence=10_000,
            frequency=frequency,
            first_date=first,
            uc_pay_day=uc_pay_day,
            max_weeks=None,
            instalment_pence=instalment,
        )
        agree_arrangement(
            workspace_on(laptop.store, TODAY),
            tenancy_id=laptop.tenancy_id,
            terms=proposal,
            kind="informal",
        )
    except (ProposalError, ArrangementRefused) as exc:
        field, words = split_field_message(str(exc), ARRANGEMENT_FIELDS, ARRANGEMENT_ALIASES)
        readable = words[:1].isupper() or words[:1].isdigit()
        return field, words if readable else f"(not for people) {words}"
    return None


# (the amount typed in an I&E line, the assessment's date, None: finished, or (field, words))
ASSESSMENTS: list[tuple[str, date, tuple[str, str] | None]] = [
    ("NaN", TODAY, ("form", NOT_AN_AMOUNT)),
    ("1e9", TODAY, ("form", NOT_AN_AMOUNT)),
    ("inf", TODAY, ("form", NOT_AN_AMOUNT)),
    ("-5", TODAY, ("form", "cannot be negative")),
    ("£1,000.005", TODAY, ("form", "a comma may only separate")),
    (FIVE_THOUSAND_NINES, TODAY, ("form", TOO_LARGE)),
    ("1,000,000,000", TODAY, None),  # £1bn: the most the central store takes
    ("1,000,000,000.01", TODAY, ("lines.0.amount_pence", "less than or equal to 100000000000")),
    ("£10,000,000,000.00", TODAY, ("lines.0.amount_pence", "less than or equal")),
    ("£1,234.56", date(2024, 2, 29), None),
    ("£1,234.56", date(2099, 12, 31), None),
    ("£1,234.56", date(9999, 12, 31), ("assessed_on", "31 Dec 9999 is too far in the future")),
    ("£1,234.56", date(1899, 12, 31), ("assessed_on", "too far in the past")),
]


@pytest.mark.parametrize(
    ("typed", "assessed_on", "refused"),
    [pytest.param(*row, id=f"{row[0][:16]} {row[1]}") for row in ASSESSMENTS],
)
def test_an_assessment_takes_real_amounts_and_days_and_refuses_the_rest(
    laptop: Laptop, typed: str, assessed_on: date, refused: tuple[str, str] | None
) -> None:
    """As the I&E form does it: the amount read from its box (refused there, under the line),
    the draft saved as typed, then finished; a refusal to finish changes nothing."""
    workspace = workspace_on(laptop.store, TODAY)
    heading = next(iter(sfs.HEADINGS))
    if refused is not None and refused[0] == "form":  # shown under the amount box
        with pytest.raises(AmountError, match=refused[1]):
            parse_amount(typed)
        return
    pence = parse_amount(typed)
    assert pence is not None
    draft = start_assessment(workspace, tenancy_id=laptop.tenancy_id)
    figures = sfs.Assessment(assessed_on=assessed_on, lines=(sfs.Line(heading, pence),))
    save_draft(workspace, assessment_id=draft.id, assessment=figures)
    before = laptop.rows()
    if refused is None:
        finished = finish_assessment(workspace, assessment_id=draft.id)
        assert finished.is_final
        assert finished.assessment.lines[0].amount_pence == pence
        return
    with pytest.raises(AssessmentRefused, match=refused[1]) as caught:
        finish_assessment(workspace, assessment_id=draft.id)
    assert str(caught.value).startswith(f"{refused[0]}: ")
    assert laptop.rows() == before  # still the draft as typed, nothing queued


# -- the commands ---------------------------------------------------------------------------------


@dataclass
class Device:
    """A laptop signed in through the command line, with the demo's key file (no keyring)."""

    folder: Path
    central: RunningCentral
    case: SeededCase


@contextlib.contextmanager
def _no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


@dataclass
class Ran:
    code: int
    out: str
    err: str


def run(device: Device | None, *args: str, stdin: str = "") -> Ran:
    """``python -m app [--data-dir DEVICE --allow-demo-key-file] ARGS`` in this process."""
    argv = [*(["--data-dir", str(device.folder), "--allow-demo-key-file"] if device else []), *args]
    out, err = io.StringIO(), io.StringIO()
    saved_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exited:  # argparse's bad usage
                code = int(exited.code or 0)
    finally:
        sys.stdin = saved_stdin
    return Ran(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def device(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Device]:
    """alice's laptop, signed in and synced with ``python -m app`` against a real central
    service (one for the module)."""
    folder = tmp_path_factory.mktemp("cli")
    with pytest.MonkeyPatch.context() as patch, _no_keyring():
        patch.setenv("DOORSTEP_HOME", str(folder / "home"))
        with running_central(f"sqlite:///{folder / 'central.sqlite'}", folder) as central:
            cases = seed_council(central.engine, officers=["alice"], cases_per_officer=1)
            password = folder / "password.txt"
            password.write_text("correct horse\n", encoding="utf-8")
            laptop = Device(folder / "device", central, cases["alice"][0])
            signed = run(
                laptop,
                "signin",
                "--server",
                central.url,
                "--user",
                "alice",
                "--password-file",
                str(password),
            )
            assert signed.code == 0, signed.err
            assert run(laptop, "sync").code == 0
            yield laptop


#: A day outside the days Doorstep takes, refused today by the service (exit 1) and, once
#: ``app/cli.py`` reads days with ``parse_day``, by argparse (exit 2).
FAR_DAY = 12


def assert_one_line(ran: Ran, code: int, words: str) -> None:
    """Exit ``code``; 0: ``words`` in the output; 1: one line saying ``words``; 2 (bad usage):
    argparse's usage line and one line saying ``words``. Never a traceback."""
    if code == FAR_DAY:
        code = ran.code if ran.code in (1, 2) else 1
    assert ran.code == code, (ran.out, ran.err)
    assert "Traceback" not in ran.err
    if code == 0:
        assert words in ran.out, ran.out
        return
    assert ran.out == ""
    lines = ran.err.strip().splitlines()
    if code == 1:
        assert len(lines) == 1, ran.err
        assert lines[0].startswith("doorstep: "), ran.err
    else:  # argparse: its usage, then one line with the error
        assert lines[0].startswith("usage: "), ran.err
        assert ": error: " in lines[-1], ran.err
    assert words in lines[-1], ran.err


# (arguments after ``record --case REF``, exit status, words)
RECORDS: list[tuple[list[str], int, str]] = [
    (["--action", "contact", "--on", "2024-02-29"], 0, "Recorded contact"),
    (["--action", "contact", "--on", "2023-02-29"], 2, "'2023-02-29' is not a date"),
    (["--action", "contact", "--on", "10000-01-01"], 2, "'10000-01-01' is not a date"),
    (["--action", "contact", "--on", "9999-12-31"], FAR_DAY, "31 Dec 9999 is too far in the"),
    (["--action", "contact", "--on", "0001-01-01"], FAR_DAY, "1 Jan 1 is too far in the past"),
    (["--action", "contact", "--on", "2015-03-31"], 1, "before the tenancy began"),
    (["--action", "pause", "--until", "2099-12-31"], 0, "Recorded pause"),
    (["--action", "pause", "--until", "9999-12-31"], FAR_DAY, "31 Dec 9999 is too far in the"),
    (["--action", "nosp", "--until", "2200-01-01"], FAR_DAY, "1 Jan 2200 is too far in the"),
]


@pytest.mark.parametrize(
    ("args", "code", "words"), [pytest.param(*row, id=" ".join(row[0])) for row in RECORDS]
)
def test_record_on_the_command_line(device: Device, args: list[str], code: int, words: str) -> None:
    with _no_keyring():
        assert_one_line(run(device, "record", "--case", device.case.ref, *args), code, words)


# (``report worklist --as-of`` value, exit status, words)
WORKLISTS: list[Any] = [
    ("2024-02-29", 0, "tenancy_ref"),
    ("2099-12-31", 0, "tenancy_ref"),
    ("2023-02-29", 2, "'2023-02-29' is not a date"),
    ("10000-01-01", 2, "'10000-01-01' is not a date"),
    ("9999-12-31", 2, "too far in the future"),
    ("0001-01-01", 2, "too far in the past"),
]


@pytest.mark.parametrize(("as_of", "code", "words"), WORKLISTS)
def test_report_worklist_as_of_on_the_command_line(
    device: Device, as_of: str, code: int, words: str
) -> None:
    """Today ``--as-of 0001-01-01`` ends in an OverflowError's traceback (the rent account
    steps back from it), and ``9999-12-31`` is taken, though the rules step past it too (a
    NOSP served that day, an arrangement's next due date: OverflowError)."""
    with _no_keyring():
        ran = run(device, "report", "worklist", "--as-of", as_of, "--format", "json")
    if code == 0:
        assert ran.code == 0, ran.err
        assert words in ran.out
    else:
        assert_one_line(ran, code, words)


def _sfs_document() -> str:
    """W1 as an adviser's SFS document (synthetic), made by ``calc ie --format sfs``."""
    made = compute("ie", w1_input(client=W1_CLIENT), fmt="sfs")
    assert isinstance(made, str)
    return made


# (``ie import --date`` value, exit status, words)
IE_IMPORTS: list[tuple[str, int, str]] = [
    ("2023-02-29", 2, "'2023-02-29' is not a date"),
    ("9999-12-31", FAR_DAY, "31 Dec 9999 is too far in the future"),
    ("1899-12-31", FAR_DAY, "31 Dec 1899 is too far in the past"),
    ("2024-02-29", 0, "Imported"),
]


@pytest.mark.parametrize(("day", "code", "words"), IE_IMPORTS)
def test_ie_import_date_on_the_command_line(
    device: Device, tmp_path: Path, day: str, code: int, words: str
) -> None:
    document = tmp_path / "statement.json"
    document.write_text(_sfs_document(), encoding="utf-8")
    with _no_keyring():
        ran = run(device, "ie", "import", str(document), "--case", device.case.ref, "--date", day)
    assert_one_line(ran, code, words)


# (amount, effective_from, exit status, words) of one guideline row
GUIDELINES: list[tuple[str, str, int, str]] = [
    ("NaN", "2025-04-07", 1, "column amount: 'NaN' is not an amount of pounds"),
    ("1e9", "2025-04-07", 1, "'1e9' is not an amount of pounds"),
    ("inf", "2025-04-07", 1, "'inf' is not an amount of pounds"),
    ("-5", "2025-04-07", 1, "'-5' is negative"),
    ('"£1,000.005"', "2025-04-07", 1, "remove the currency sign"),
    ('"1,000,000,000"', "2025-04-07", 1, "remove the thousands separator"),
    (FIVE_THOUSAND_NINES, "2025-04-07", 1, TOO_LARGE),
    ("420.00", "2023-02-29", 1, "2023 is not a leap year"),
    ("420.00", "9999-12-31", 1, "31 Dec 9999 is too far in the future"),
    ("420.00", "10000-01-01", 1, "a year has four digits"),
    ("420.00", "2024-02-29", 0, "Guidelines imported"),
]


@pytest.mark.parametrize(
    ("amount", "effective_from", "code", "words"),
    [pytest.param(*row, id=f"{row[0][:16]} {row[1]}") for row in GUIDELINES],
)
def test_guidelines_import_on_the_command_line(
    device: Device, tmp_path: Path, amount: str, effective_from: str, code: int, words: str
) -> None:
    table = tmp_path / "guidelines.csv"
    table.write_text(
        "category,household_key,amount,effective_from\n"
        f"food-housekeeping,base_2_adults,{amount},{effective_from}\n",
        encoding="utf-8",
    )
    with _no_keyring():
        ran = run(device, "guidelines", "import", str(table))
    assert_one_line(ran, code, words)
    if code:
        assert "nothing was imported" in ran.err


def _calc_documents() -> dict[str, dict[str, Any]]:
    """A good document of each kind (the worked examples of the calc tests, all synthetic)."""
    from tests.unit.test_calc_breach import w4
    from tests.unit.test_calc_deductions import w5
    from tests.unit.test_calc_technical import w8
    from tests.unit.test_calc_uc import w7

    return {
        "breach": w4("2026-03-20"),
        "technical": w8(40_000),
        "uc": w7(),
        "deductions": w5(),
        "ie": w1_input(),
    }


# (kind, the field's path, the value in the JSON text, exit status, words)
CALCS: list[tuple[str, tuple[str | int, ...], str, int, str]] = [
    ("breach", ("arrangement", "instalment_pence"), "NaN", 2, "NaN is not a number JSON allows"),
    ("breach", ("arrangement", "instalment_pence"), "Infinity", 2, "Infinity is not a number"),
    ("breach", ("arrangement", "instalment_pence"), "1e9", 2, "must be a whole number"),
    ("breach", ("arrangement", "instalment_pence"), "-5", 2, "instalment_pence: must be > 0"),
    ("breach", ("debits", 0, "amount_pence"), '"£1,000.005"', 2, "must be a whole number"),
    ("breach", ("debits", 0, "amount_pence"), '"1,000,000,000"', 2, "must be a whole number"),
    ("breach", ("debits", 0, "amount_pence"), str(2**70), 2, "must be at most"),
    ("breach", ("arrangement", "grace_days"), str(10**9), 2, "grace_days: must be at most"),
    ("technical", ("balance_pence",), str(10**30), 2, "balance_pence: must be at most"),
    ("technical", ("balance_pence",), str(-(10**30)), 2, "balance_pence: must be at most"),
    ("uc", ("rent_pence",), str(2**70), 2, "rent_pence: must be at most"),
    ("deductions", ("arrears_pence",), "-5", 2, "arrears_pence: must be 0 or more"),
    ("ie", ("lines", 0, "amount_pence"), str(2**70), 2, "lines[0].amount_pence: must be at"),
    ("breach", ("as_of",), '"2024-02-29"', 0, ""),
    ("breach", ("as_of",), '"2023-02-29"', 2, "2023 is not a leap year"),
    ("breach", ("as_of",), '"0001-01-01"', 2, "as_of: 1 Jan 1 is too far in the past"),
    ("breach", ("arrangement", "start"), '"0001-01-01"', 2, "too far in the past"),
    ("breach", ("as_of",), '"2099-12-31"', 0, ""),
    ("technical", ("as_of",), '"9999-12-31"', 2, "as_of: 31 Dec 9999 is too far in the fu"),
    ("technical", ("as_of",), '"10000-01-01"', 2, "a year has four digits"),
    ("uc", ("children", 0, "born"), '"1899-12-31"', 2, "too far in the past"),
    ("ie", ("date",), '"9999-12-31"', 2, "date: 31 Dec 9999 is too far in the future"),
    ("ie", ("date",), '"2024-02-29"', 0, ""),
]


@pytest.mark.parametrize(
    ("kind", "path", "value", "code", "words"),
    [pytest.param(*row, id=f"{row[0]} {row[1][-1]}={row[2][:12]}") for row in CALCS],
)
def test_calc_on_the_command_line(
    kind: str, path: tuple[str | int, ...], value: str, code: int, words: str
) -> None:
    """The value goes into the JSON text as written (``NaN`` and ``1e9`` as JSON would carry
    them); each kind answers or refuses naming the field, never with a traceback."""
    document = _calc_documents()[kind]
    marker = "__the_value__"
    target: Any = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = marker
    ran = run(None, "calc", kind, stdin=json.dumps(document).replace(f'"{marker}"', value))
    assert ran.code == code, ran.err
    if code:
        assert ran.out == ""
        assert ran.err.startswith(f"doorstep: calc {kind}: ")
        assert words in ran.err
        assert "Traceback" not in ran.err
    else:
        assert json.loads(ran.out)


# (file, the cell as it is, the cell as a script wrote it, the error, or None: imported)
HMS_IMPORT: list[tuple[str, str, str, str | None]] = [
    ("transactions", "X1,2025-04-07", "X1,2024-02-29", None),
    ("transactions", "X1,2025-04-07", "X1,2023-02-29", "'2023-02-29' is not a real date"),
    ("transactions", "X1,2025-04-07", "X1,9999-12-31", "posted_on: 31 Dec 9999 is too far in"),
    ("transactions", "X1,2025-04-07", "X1,10000-01-01", "is not a date in the form YYYY-MM-DD"),
    ("tenancies", "secure,2019-04-01", "secure,1066-10-14", "start_date: 14 Oct 1066 is too far"),
    ("tenants", "Aodha,1980-02-29", "Aodha,1899-12-31", "date_of_birth: is not between 1 Jan"),
    ("transactions", "RENT,98.45,Rent", "RENT,1e9,Rent", "'1e9' is not an amount of pounds"),
    ("transactions", "RENT,98.45,Rent", "RENT,NaN,Rent", "'NaN' is not an amount of pounds"),
    ("transactions", "RENT,98.45,Rent", f"RENT,{FIVE_THOUSAND_NINES},Rent", TOO_LARGE),
    ("transactions", "RENT,98.45,Rent", "RENT,1000000000,Rent", "too large an amount"),
    ("tenants", "Nić Aodha", "Nić\x00Aodha", "holds a NUL character"),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "error"),
    [pytest.param(*row, id=f"{row[0]} {row[2][:24]}") for row in HMS_IMPORT],
)
def test_the_hms_import_takes_real_days_and_amounts_and_refuses_the_rest(
    tmp_path: Path, file: str, old: str, new: str, error: str | None
) -> None:
    """``python -m central import DIR`` (a script's export): every date the laptops will be
    sent lies within the days Doorstep takes, and no text holds NUL (the wire refuses both)."""
    from central.db import open_store
    from central.importer import ImportRejected, import_export
    from tests.central import test_import as hms

    texts = {
        "tenancies": hms.TENANCIES,
        "tenants": hms.TENANTS,
        "transactions": hms.TRANSACTIONS,
        "arrangements": hms.ARRANGEMENTS,
    }
    assert texts[file].count(old) == 1
    texts[file] = texts[file].replace(old, new)
    folder = hms.write_export(tmp_path / "export", **texts)  # type: ignore[arg-type]
    engine = open_store(f"sqlite:///{tmp_path / 'central.sqlite'}")
    try:
        if error is None:
            assert import_export(engine=engine, directory=folder)
            return
        before = hms.snapshot(engine)
        with pytest.raises(ImportRejected) as caught:
            import_export(engine=engine, directory=folder)
        messages = [str(e) for e in caught.value.errors]
        assert len(messages) == 1, messages
        assert messages[0].startswith(f"{file}.csv:"), messages
        assert error in messages[0], messages
        assert "Aodha" not in messages[0]  # no name
        assert "1899" not in messages[0]  # no date of birth
        assert hms.snapshot(engine) == before
    finally:
        engine.dispose()


def test_a_refused_day_is_one_line_in_a_real_process(device: Device) -> None:
    """``record`` as a user runs it: the refusal is argparse's usage and one line saying why on
    standard error, exit 2."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "--data-dir",
            str(device.folder),
            "--allow-demo-key-file",
            "record",
            "--case",
            device.case.ref,
            "--action",
            "pause",
            "--until",
            "9999-12-31",
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")},
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        },
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2, done.stderr  # bad usage: refused as the arguments are read
    assert done.stdout == ""
    assert done.stderr.splitlines()[-1] == (
        "python -m app record: error: argument --until: 31 Dec 9999 is too far in the future "
        "(the latest date Doorstep takes is 31 Dec 2199)"
    )
    assert "Traceback" not in done.stderr
