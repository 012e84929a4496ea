"""Reading a council's recovery policy (app.schemas.policy): the agreed spellings, the older ones
a council's installed file may still use, and every way a policy file can be wrong, each refusal
naming the file (through the service that reads it) and the key at fault."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.paths import resource_path
from app.schemas.policy import PolicyError, parse_policy
from app.services.worklist import PolicyFileError, load_recovery_policy

GOOD = """version = "v1"
effective_from = 2026-04-06
[arrangements]
grace_days = 5
tolerance = "1.50"
[[stages]]
code = "letter_1"
label = "Send letter 1"
kind = "demand"
min_weeks = 2
wait_days = 7
[[stages]]
code = "nosp"
label = "Serve NOSP"
kind = "notice"
earliest_proceedings_days = 28
[[stages]]
code = "court_applied"
label = "Apply"
kind = "court"
requires_notice = true
"""


def test_a_good_policy_parses():
    policy = parse_policy(GOOD)
    assert policy.idle_lock_minutes == 5  # the lock's default when [security] is not given
    assert policy.tolerance_pence == 150
    assert policy.stages[0].min_weeks == Decimal(2)
    assert policy.stages[0].satisfied_by == frozenset({"letter_1"})


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('version = "v1"', 'version = "v1', "not valid TOML"),
        ('version = "v1"', "", "version: missing"),
        ('version = "v1"', 'version = ""', "version: missing or empty"),
        ("effective_from = 2026-04-06", "", "effective_from: missing"),
        (
            "effective_from = 2026-04-06",
            'effective_from = "soon"',
            "effective_from: must be a date",
        ),
        (
            "effective_from = 2026-04-06",
            "effective_from = 2026-04-06T09:00:00",
            "effective_from: must be a date without a time",
        ),
        ('version = "v1"', 'version = "v1"\ncolour = "red"', "colour: unknown key"),
        ("grace_days = 5", "grace_days = -1", "arrangements.grace_days: must be 0 or more"),
        ("grace_days = 5", "grace_days = true", "arrangements.grace_days: must be a whole number"),
        ("grace_days = 5", "grace = 5", "arrangements.grace: unknown key"),
        (
            'tolerance = "1.50"',
            "tolerance = 1.5",
            'arrangements.tolerance: write pounds as a string such as "250.00"',
        ),
        (
            'tolerance = "1.50"',
            'tolerance = "1.505"',
            "arrangements.tolerance: '1.505' has more than two decimal places",
        ),
        (
            'tolerance = "1.50"',
            'tolerance = "1.50"\ntolerance_pence = 150',
            "arrangements.tolerance: give either tolerance or tolerance_pence",
        ),
        (
            'code = "letter_1"',
            'code = "letter_one"',
            "stage 1 (letter_one) code: 'letter_one' is not an action code",
        ),
        (
            'code = "letter_1"',
            'code = "pause"',
            "stage 1 (pause) code: 'pause' is an action code that cannot be a recovery stage",
        ),
        ('code = "letter_1"', "", "stage 1 code: missing"),
        (
            'code = "court_applied"',
            'code = "letter_1"',
            "stage 3 (letter_1) code: 'letter_1' is already used by stage 1",
        ),
        ('kind = "demand"', 'kind = "letter"', "stage 1 (letter_1) kind: 'letter' is not one of"),
        ('label = "Send letter 1"', "", "stage 1 (letter_1) label: missing"),
        ("min_weeks = 2", "min_weeks = -2", "stage 1 (letter_1) min_weeks: must be 0 or more"),
        ("min_weeks = 2", 'min_weeks = "two"', "stage 1 (letter_1) min_weeks: must be a number"),
        (
            "min_weeks = 2",
            "min_arrears = 250.0",
            'stage 1 (letter_1) min_arrears: write pounds as a string such as "250.00"',
        ),
        (
            "min_weeks = 2",
            'min_arrears = "£250"',
            "stage 1 (letter_1) min_arrears: '£250' is not a",
        ),
        (
            "min_weeks = 2",
            "min_arrears_pence = -1",
            "stage 1 (letter_1) min_arrears_pence: must be 0 or more",
        ),
        ("min_weeks = 2", 'threshold = "most"', "stage 1 (letter_1) threshold: 'most' is not"),
        ("wait_days = 7", "wait_days = -7", "stage 1 (letter_1) wait_days: must be 0 or more"),
        (
            "wait_days = 7",
            "wait_days = 1.5",
            "stage 1 (letter_1) wait_days: must be a whole number",
        ),
        ("wait_days = 7", "wiat_days = 7", "stage 1 (letter_1) wiat_days: unknown key"),
        (
            "wait_days = 7",
            'satisfied_by = "visit"',
            "stage 1 (letter_1) satisfied_by: must be a list of stage codes",
        ),
        (
            "wait_days = 7",
            'satisfied_by = ["nosp"]',
            "stage 2 (nosp) code: 'nosp' is already used by stage 1",
        ),
        (
            "wait_days = 7",
            'tenures = ["castle"]',
            "stage 1 (letter_1) tenures: 'castle' is not one of",
        ),
        ("wait_days = 7", "escalates = 1", "stage 1 (letter_1) escalates: must be true or false"),
        (
            "wait_days = 7",
            "earliest_proceedings_days = 28",
            "stage 1 (letter_1) earliest_proceedings_days: only a notice stage",
        ),
        ("earliest_proceedings_days = 28", "", "stage 2 (nosp) earliest_proceedings_days: missing"),
        (
            'code = "court_applied"\nlabel = "Apply"\nkind = "court"',
            'code = "court_applied"\nlabel = "Apply"\nkind = "notice"\n'
            "earliest_proceedings_days = 1",
            "stage 3 (court_applied) kind: only one notice stage is allowed (stage 2)",
        ),
        (
            'code = "nosp"\nlabel = "Serve NOSP"\nkind = "notice"',
            'code = "nosp"\nlabel = "Serve NOSP"\nkind = "demand"',
            "stage 2 (nosp) earliest_proceedings_days: only a notice stage",
        ),
        (
            '[arrangements]\ngrace_days = 5\ntolerance = "1.50"',
            "arrangements = 5",
            "arrangements: must be a table",
        ),
        (
            'tolerance = "1.50"',
            'tolerance = "1.50"\n[security]\nidle_lock_minutes = 0',
            "security.idle_lock_minutes: must be 1 or more, got 0",
        ),
        (
            'tolerance = "1.50"',
            'tolerance = "1.50"\n[security]\nidle_lock_minutes = 31',
            "security.idle_lock_minutes: must be 30 or less, got 31",
        ),
    ],
)
def test_bad_policies_are_refused_naming_the_key(old, new, message):
    assert old in GOOD
    with pytest.raises(PolicyError) as error:
        parse_policy(GOOD.replace(old, new, 1))
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('version = "v"\neffective_from = 2026-04-06\n', "stages: at least one"),
        ('version = "v"\neffective_from = 2026-04-06\nstages = [1]\n', "stage 1: must be a table"),
        (
            'version = "v"\neffective_from = 2026-04-06\n[breathing_space]\nstandard_days = 0\n'
            '[[stages]]\ncode = "reminder"\nlabel = "R"\nkind = "reminder"\n',
            "breathing_space.standard_days: must be 1 or more",
        ),
        (
            'version = "v"\neffective_from = 2026-04-06\n[vulnerability]\nholds = ["all"]\n'
            '[[stages]]\ncode = "reminder"\nlabel = "R"\nkind = "reminder"\n',
            "vulnerability.holds: 'all' is not one of reminder, demand, notice, court",
        ),
        (
            'version = "v"\neffective_from = 2026-04-06\n[[stages]]\ncode = "court_applied"\n'
            'label = "A"\nkind = "court"\nrequires_notice = true\n',
            "stage 1 (court_applied) requires_notice: no earlier stage serves a notice",
        ),
    ],
)
def test_more_bad_policies(text, message):
    with pytest.raises(PolicyError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_policy(text)


# --- the agreed spellings, and the older ones still read ----------------------------------------

SPELLED = GOOD.replace("min_weeks = 2", 'min_weeks = 2\nmin_arrears = "250.00"', 1)


def test_money_is_pounds_as_a_string_and_a_date_is_a_toml_date():
    policy = parse_policy(SPELLED)
    assert policy.effective_from == date(2026, 4, 6)
    assert policy.tolerance_pence == 150
    assert policy.stages[0].min_arrears_pence == 25000


def test_a_councils_file_in_the_older_spellings_still_reads_the_same():
    older = (
        SPELLED.replace('tolerance = "1.50"', "tolerance_pence = 150")
        .replace('min_arrears = "250.00"', "min_arrears_pence = 25000")
        .replace("effective_from = 2026-04-06", 'effective_from = "2026-04-06"')
    )
    assert older != SPELLED
    assert parse_policy(older) == parse_policy(SPELLED)


def test_both_spellings_of_one_amount_are_refused():
    both = SPELLED.replace('min_arrears = "250.00"', 'min_arrears = "2.50"\nmin_arrears_pence = 1')
    with pytest.raises(PolicyError, match="stage 1 \\(letter_1\\) min_arrears: give either"):
        parse_policy(both)


def test_every_problem_is_listed():
    text = GOOD.replace("grace_days = 5", "grace_days = -1").replace(
        'kind = "demand"', 'kind = "letter"'
    )
    with pytest.raises(PolicyError) as caught:
        parse_policy(text)
    assert [p.split(":")[0] for p in caught.value.problems] == [
        "arrangements.grace_days",
        "stage 1 (letter_1) kind",
    ]


def _refused(tmp_path: Path, text: str) -> tuple[Path, str]:
    path = tmp_path / "recovery-policy.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyFileError) as caught:
        load_recovery_policy(path=path)
    return path, str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "grace_days = 5",
            "grace_days = 5\ngrace_weeks = 1",
            "arrangements.grace_weeks: unknown key (expected one of broken_contact_wait_days, "
            "first_payment_within_days, "
            "grace_days, max_arrangement_weeks, tolerance)",
        ),
        (
            'tolerance = "1.50"',
            "tolerance = 1.50",
            'arrangements.tolerance: write pounds as a string such as "250.00", got the number '
            "1.5 (a TOML number with a point is a float: not exact money)",
        ),
        (
            "min_weeks = 2",
            "min_arrears = 250.0",
            'stage 1 (letter_1) min_arrears: write pounds as a string such as "250.00", got the '
            "number 250.0",
        ),
        (
            "effective_from = 2026-04-06",
            'effective_from = "6 April 2026"',
            "effective_from: must be a date such as 2026-04-06 (unquoted), got '6 April 2026'",
        ),
        (
            "effective_from = 2026-04-06",
            "effective_from = 2026-04-06 09:00:00",
            "effective_from: must be a date without a time, got 2026-04-06T09:00:00",
        ),
    ],
)
def test_a_bad_file_is_refused_naming_the_file_and_the_key(tmp_path, old, new, message):
    assert old in GOOD
    path, refusal = _refused(tmp_path, GOOD.replace(old, new, 1))
    assert refusal.startswith(f"The recovery policy {path} cannot be used: ")
    assert message in refusal


def test_the_shipped_policy_is_written_in_the_agreed_spellings():
    text = resource_path("recovery-policy.toml").read_text(encoding="utf-8")
    data = [line.split("#")[0] for line in text.splitlines() if not line.startswith("#")]
    assert not any("_pence" in line for line in data)
    assert 'tolerance = "0.00"' in text
    assert parse_policy(text).effective_from == date(2026, 4, 6)


# --- [promises]: F3a's grace and the broken-promise action ---------------------------------------

PROMISES = GOOD.replace(
    'tolerance = "1.50"',
    'tolerance = "1.50"\n[promises]\ngrace_days = 3\nbroken_contact_working_days = 1',
    1,
)


def test_the_promises_table_is_read_and_an_older_file_without_it_has_the_defaults():
    policy = parse_policy(PROMISES)
    assert (policy.promise_grace_days, policy.broken_promise_contact_working_days) == (3, 1)
    older = parse_policy(GOOD)  # written before [promises] existed
    assert (older.promise_grace_days, older.broken_promise_contact_working_days) == (2, 2)
    shipped = parse_policy(resource_path("recovery-policy.toml").read_text(encoding="utf-8"))
    assert (shipped.promise_grace_days, shipped.broken_promise_contact_working_days) == (2, 2)
    with pytest.raises(PolicyError, match="promises: must be a table"):
        parse_policy(GOOD.replace('version = "v1"', 'version = "v1"\npromises = 2'))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("grace_days = 3", "grace_days = -1", "promises.grace_days: must be 0 or more, got -1"),
        ("grace_days = 3", "grace_days = 15", "promises.grace_days: must be 14 or less, got 15"),
        ("grace_days = 3", "grace_days = 2.5", "promises.grace_days: must be a whole number"),
        ("grace_days = 3", 'grace_days = "2"', "promises.grace_days: must be a whole number"),
        ("grace_days = 3", "grace_days = true", "promises.grace_days: must be a whole number"),
        (
            "broken_contact_working_days = 1",
            "broken_contact_working_days = 0",
            "promises.broken_contact_working_days: must be 1 or more, got 0",
        ),
        (
            "broken_contact_working_days = 1",
            "broken_contact_working_days = 11",
            "promises.broken_contact_working_days: must be 10 or less, got 11",
        ),
        (
            "broken_contact_working_days = 1",
            'broken_promise_action = "contact"',
            "promises.broken_promise_action: unknown key (expected one of "
            "broken_contact_working_days, grace_days)",
        ),
    ],
)
def test_bad_promises_tables_are_refused_naming_the_key(tmp_path, old, new, message):
    assert old in PROMISES
    path, refusal = _refused(tmp_path, PROMISES.replace(old, new, 1))
    assert refusal.startswith(f"The recovery policy {path} cannot be used: ")
    assert message in refusal
