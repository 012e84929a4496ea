"""Proposing an arrangement from the I&E (issue 5, Arrangements; docs/rules.md F3, W4, D1)."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.arrangement_plan import ProposalError, next_uc_pay_day, propose
from app.domain.arrangement_watch import (
    ArrangementError,
    ArrangementTerms,
    dates_due_by,
    due_date,
    due_dates,
)
from app.paths import resource_path
from app.schemas.policy import parse_policy

W4_START = date(2026, 3, 2)


def _propose(**overrides: object):
    args: dict[str, object] = {
        "arrears_pence": 60_000,
        "affordable_monthly_pence": 4_334,  # × 12 ÷ 52 = 1000.15 → £10.00 a week
        "weekly_rent_pence": 10_000,
        "frequency": "weekly",
        "first_date": W4_START,
        "uc_pay_day": None,
        "max_weeks": 104,
    }
    args.update(overrides)
    return propose(**args)  # type: ignore[arg-type]


def test_w4_600_at_10_a_week_is_60_instalments_ending_19_apr_2027() -> None:
    proposal = _propose()
    assert proposal.instalment_pence == 1_000
    assert proposal.instalment_count == 60
    assert proposal.first_date == W4_START
    assert proposal.end_date == date(2027, 4, 19)
    assert proposal.warnings == ()
    terms = proposal.terms(ref="A1", kind="informal", made_on=W4_START)
    assert terms.starting_balance_pence == 60_000
    assert terms.instalment_pence == 1_000


@pytest.mark.parametrize(
    ("frequency", "expected"),
    [("weekly", 1_000), ("fortnightly", 2_000), ("four_weekly", 4_000), ("monthly", 4_334)],
)
def test_default_instalment_is_the_offer_per_frequency_rounded_down(
    frequency: str, expected: int
) -> None:
    assert _propose(frequency=frequency).instalment_pence == expected


def test_weekly_is_converted_by_the_one_rule_the_ie_uses() -> None:
    """Issue 13: the I&E rounded half up and the proposal down, so they could differ by a
    penny. One rule now, the SFS's (A4): £43.33 a month × 12 ÷ 52 = £9.9992… is £10.00 in both."""
    from app.domain.sfs import monthly_to_weekly_pence

    assert _propose(affordable_monthly_pence=4_333).instalment_pence == 1_000
    for monthly in (4_333, 8_667, 48_832, 19_093):
        assert _propose(affordable_monthly_pence=monthly).affordable_pence == (
            monthly_to_weekly_pence(monthly)
        )


def test_the_default_is_the_offer_agreed_in_the_ie_not_the_whole_surplus() -> None:
    """Issue 13: with £86.67 a month (£20 a week) agreed, it pre-filled £112.69 a week, the
    household's whole surplus; the most it can afford stays the warning's measure."""
    proposal = _propose(affordable_monthly_pence=48_832, agreed_monthly_pence=8_667)
    assert proposal.instalment_pence == 2_000
    assert proposal.affordable_pence == 11_269
    assert proposal.warnings == ()
    nothing_agreed = _propose(affordable_monthly_pence=48_832, agreed_monthly_pence=0)
    assert nothing_agreed.instalment_pence == 11_269


def test_default_never_exceeds_the_arrears() -> None:
    proposal = _propose(arrears_pence=500)
    assert proposal.instalment_pence == 500
    assert proposal.instalment_count == 1


def test_affordability_warning_a_penny_over() -> None:
    assert _propose(instalment_pence=1_000).warnings == ()
    warned = _propose(instalment_pence=1_001).warnings
    assert len(warned) == 1
    assert "affordable" in warned[0]
    assert "£110.01" in warned[0]
    assert "£110.00" in warned[0]


def test_shortfall_budget_needs_an_instalment_and_warns() -> None:
    with pytest.raises(ProposalError, match=r"^instalment_pence: "):
        _propose(affordable_monthly_pence=-500)
    proposal = _propose(affordable_monthly_pence=-500, instalment_pence=100)
    assert any("affordable" in w for w in proposal.warnings)


def test_max_term_warning_at_its_boundary() -> None:
    # 105 weekly instalments: the last is 104 weeks after the first (no warning); 106 warns.
    assert _propose(arrears_pence=105_000).warnings == ()
    warned = _propose(arrears_pence=106_000).warnings
    assert len(warned) == 1
    assert "104 weeks" in warned[0]
    assert _propose(arrears_pence=106_000, max_weeks=None).warnings == ()


def test_the_term_warning_writes_the_last_instalment_as_people_read_a_date() -> None:
    [warning] = _propose(arrears_pence=106_000).warnings
    assert warning.endswith("(last instalment 6 Mar 2028)")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"instalment_pence": 0}, "instalment_pence"),
        ({"instalment_pence": -1}, "instalment_pence"),
        ({"instalment_pence": 60_001}, "instalment_pence"),
        ({"arrears_pence": 0}, "arrears_pence"),
        ({"frequency": "daily"}, "frequency"),
        ({"weekly_rent_pence": -1}, "weekly_rent_pence"),
        ({"max_weeks": 0}, "max_weeks"),
        ({"affordable_monthly_pence": 1.5}, "affordable_monthly_pence"),
    ],
)
def test_bad_input_is_refused_naming_the_field(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(ProposalError, match=rf"^{field}: "):
        _propose(**overrides)


def test_instalment_equal_to_the_arrears_is_allowed() -> None:
    assert _propose(instalment_pence=60_000).instalment_count == 1


def test_monthly_on_uc_is_aligned_to_the_next_pay_day() -> None:
    # Pay day the 14th: asked for the 2nd → the 14th; asked for the 14th → the 14th; the 15th →
    # the 14th of the next month.
    pay_day = date(2026, 1, 14)
    assert _propose(frequency="monthly", uc_pay_day=pay_day).first_date == date(2026, 3, 14)
    on_day = _propose(frequency="monthly", uc_pay_day=pay_day, first_date=date(2026, 3, 14))
    assert on_day.first_date == date(2026, 3, 14)
    assert on_day.aligned_to_uc
    after = _propose(frequency="monthly", uc_pay_day=pay_day, first_date=date(2026, 3, 15))
    assert after.first_date == date(2026, 4, 14)
    # Weekly payers keep their date; monthly without UC too.
    assert _propose(uc_pay_day=pay_day).first_date == W4_START
    assert not _propose(frequency="monthly").aligned_to_uc


def test_uc_pay_day_on_the_31st_clamps_to_the_month_end() -> None:
    assert next_uc_pay_day(date(2026, 1, 31), date(2026, 2, 1)) == date(2026, 2, 28)
    assert next_uc_pay_day(date(2026, 1, 31), date(2026, 3, 1)) == date(2026, 3, 31)


def test_a_plan_on_a_pay_day_of_the_31st_keeps_to_it_after_a_short_month() -> None:
    proposal = _propose(
        frequency="monthly",
        uc_pay_day=date(2026, 1, 31),
        first_date=date(2026, 2, 10),
        instalment_pence=10_000,
    )
    assert (proposal.first_date, proposal.day_of_month) == (date(2026, 2, 28), 31)
    terms = proposal.terms(ref="p", kind="informal")
    assert due_dates(terms, date(2026, 7, 31)) == [
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
        date(2026, 6, 30),
        date(2026, 7, 31),
    ]
    assert [due_date(terms, n) for n in range(3)] == [
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]
    assert proposal.end_date == date(2026, 7, 31)  # six instalments of £100
    # one day either side of the second due date
    assert dates_due_by(terms, date(2026, 3, 30)) == 1
    assert dates_due_by(terms, date(2026, 3, 31)) == 2
    # a pay day that needs no clamping keeps no separate day
    assert _propose(frequency="monthly", uc_pay_day=date(2026, 1, 31)).day_of_month is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"frequency": "weekly"}, "only monthly terms"),
        ({"day_of_month": 32}, "from 1 to 31"),
        ({"day_of_month": 0}, "from 1 to 31"),
        ({"start_date": date(2026, 2, 27)}, "is not day 31 of its month"),
        ({"start_date": date(2026, 3, 30)}, "is not day 31 of its month"),
    ],
)
def test_a_day_of_month_must_fit_the_terms(changes: dict[str, object], message: str) -> None:
    values: dict[str, object] = {
        "ref": "p",
        "kind": "informal",
        "start_date": date(2026, 2, 28),
        "frequency": "monthly",
        "instalment_pence": 1_000,
        "starting_balance_pence": 6_000,
        "day_of_month": 31,
    }
    values.update(changes)
    with pytest.raises(ArrangementError, match=rf"^day_of_month: .*{message}"):
        ArrangementTerms(**values)  # type: ignore[arg-type]


def test_monthly_rent_per_period_and_end() -> None:
    proposal = _propose(frequency="monthly", instalment_pence=10_000)
    assert proposal.rent_pence == 43_333  # £100 × 52 ÷ 12
    assert proposal.instalment_count == 6
    assert proposal.end_date == date(2026, 8, 2)


def test_the_shipped_policy_sets_a_maximum_term() -> None:
    text = resource_path("recovery-policy.toml").read_text(encoding="utf-8")
    assert parse_policy(text).max_arrangement_weeks == 104


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"start_date": date(2026, 2, 27)},
            "day_of_month: the first due date 27 Feb 2026 is not day 31 of its month",
        ),
        (
            {"day_of_month": None, "made_on": date(2026, 3, 1)},
            "made_on: 1 Mar 2026 is after the first due date 28 Feb 2026",
        ),
    ],
)
def test_refusals_write_dates_as_people_read_them(changes: dict[str, object], message: str) -> None:
    values: dict[str, object] = {
        "ref": "p",
        "kind": "informal",
        "start_date": date(2026, 2, 28),
        "frequency": "monthly",
        "instalment_pence": 1_000,
        "starting_balance_pence": 6_000,
        "day_of_month": 31,
    }
    values.update(changes)
    with pytest.raises(ArrangementError) as refused:
        ArrangementTerms(**values)  # type: ignore[arg-type]
    assert str(refused.value).startswith(message)
