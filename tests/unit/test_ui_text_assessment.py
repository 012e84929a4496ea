"""What the I&E form says, without Qt: the totals and their explanations, the section totals,
the guideline lines and warning (W2's FICTIONAL table), the shortfall, the status line and the
reasons Finish is refused. W1 and synthetic figures only.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from app.domain import sfs
from app.domain.guidelines import (
    GuidelineCheck,
    GuidelineSet,
    check_guidelines,
    parse_guideline_csv,
    uncommented_flags,
)
from app.services.assessments import SavedAssessment
from app.ui.text import assessment as say
from tests.unit.sfs_examples import W1_DATE, W2_CSV, w1_assessment


@pytest.fixture
def w2() -> GuidelineSet:
    return parse_guideline_csv(W2_CSV.read_text(encoding="utf-8"))


def checked(value: sfs.Assessment, guidelines: GuidelineSet) -> tuple[sfs.Budget, GuidelineCheck]:
    budget = sfs.assess(value)
    check = check_guidelines(
        totals=budget.group_totals(),
        household=value.household,
        table=guidelines.in_force(value.assessed_on),
    )
    return budget, check


def with_line(value: sfs.Assessment, heading: str, pence: int, note: str = "") -> sfs.Assessment:
    """``value`` with its line under ``heading`` replaced by one of ``pence`` a month."""
    kept = tuple(line for line in value.lines if line.heading != heading)
    return dataclasses.replace(value, lines=(*kept, sfs.Line(heading, pence, note=note)))


def saved(**changes: object) -> SavedAssessment:
    fields: dict[str, object] = {
        "id": uuid.uuid4(),
        "tenancy_id": uuid.uuid4(),
        "status": "final",
        "supersedes_id": None,
        "finalised_at": datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        "assessment": w1_assessment(),
    }
    fields.update(changes)
    return SavedAssessment(**fields)  # type: ignore[arg-type]


# -- the totals ---------------------------------------------------------------------------------


def test_w1_totals_as_shown_with_the_weekly_offer() -> None:
    shown = say.total_texts(sfs.assess(w1_assessment()))
    assert [key for key, _ in say.TOTALS] == list(shown)
    assert shown["income"].text == "£1,957.63"
    assert shown["surplus"].text == "£255.93"
    assert shown["max_rent_offer"].text == "£190.93/month = £44.06/week"
    assert shown["max_rent_offer"].explanation.endswith(
        "= £190.93\nPer week: £190.93 × 12 / 52 = £44.06"
    )
    assert not any(total.negative for total in shown.values())


def test_an_explanation_lists_each_part_with_its_sign() -> None:
    income = say.explain(sfs.assess(w1_assessment()).income)
    assert income.splitlines() == [
        "Client's salary or wages £950.00 monthly",
        "+ Tax credits / Universal Credit £820.00 monthly",
        "+ Child Benefit £173.20 four-weekly × 13 / 12 = £187.63",
        "= £1,957.63",
    ]
    offer = say.explain(sfs.assess(w1_assessment()).max_rent_offer_monthly)
    assert "− Energy £15.00 (other priority offer)" in offer.splitlines()
    assert say.explain(sfs.Explained.of([])) == "Nothing entered = £0.00"


def test_a_budget_short_of_money_is_negative_and_says_what_drives_it() -> None:
    short = sfs.assess(w1_assessment(lines=(sfs.Line("rent", 50000),)))
    shown = say.total_texts(short)
    assert shown["max_rent_offer"].negative
    assert shown["max_rent_offer"].text.startswith("-£")
    assert not shown["income"].negative
    shortfall = say.shortfall_html(short)
    assert shortfall.startswith("<b>The budget does not balance:</b> £565.00 a month short")
    assert "Rent £500.00 (fixed costs)" in shortfall
    assert say.shortfall_html(sfs.assess(w1_assessment())) == ""


def test_the_shortfall_escapes_what_was_typed() -> None:
    debts = (sfs.PriorityDebt("<b>Loans & Co</b>", 0, 90000),)
    shortfall = say.shortfall_html(sfs.assess(w1_assessment(priority_debts=debts)))
    assert "&lt;b&gt;Loans &amp; Co&lt;/b&gt; £900.00 (priority offer)" in shortfall


def test_section_totals_and_the_explanation_heading() -> None:
    budget = sfs.assess(w1_assessment())
    assert say.section_totals_html(budget) == {
        sfs.INCOME: "Income: <b>£1,957.63</b> a month",
        sfs.FIXED: "Fixed costs: <b>£953.37</b> a month",
        sfs.FLEXIBLE: "Flexible costs: <b>£748.33</b> a month",
    }
    assert say.explanation_text("surplus", "= £1.00") == "Income − outgoings:\n= £1.00"


# -- the spending guidelines --------------------------------------------------------------------


def test_flag_lines_under_above_and_commented(w2: GuidelineSet) -> None:
    lines = say.flag_lines(*checked(w1_assessment(), w2))
    assert list(lines) == ["communications-leisure", "food-housekeeping", "personal"]
    assert lines["communications-leisure"] == say.FlagLine(
        "Communications and leisure: £85.00 (guideline £95.00)", flagged=False
    )
    above = with_line(w1_assessment(), "home-phone-internet-tv", 14000)
    flagged = say.flag_lines(*checked(above, w2))["communications-leisure"]
    assert flagged.flagged
    assert flagged.text.endswith(
        "£140.00 (guideline £95.00) — £45.00 above guideline: comment required"
        " (add a note on a line)"
    )
    commented = with_line(above, "home-phone-internet-tv", 14000, note="school work")
    line = say.flag_lines(*checked(commented, w2))["communications-leisure"]
    assert line.text.endswith("— £45.00 above guideline; comment: school work")
    assert line.flagged


def test_with_no_table_the_lines_show_spending_only_and_a_dated_warning(w2: GuidelineSet) -> None:
    early = w1_assessment(assessed_on=date(2025, 1, 6))
    budget, check = checked(early, w2)
    assert say.flag_lines(budget, check)["personal"].text == "Personal costs: £100.00"
    warning = say.guideline_warning(check, household=early.household, assessed_on=date(2025, 1, 6))
    assert warning.startswith(say.NO_TABLE_WARNING + " (6 Jan 2025): spending cannot be checked")
    assert warning.endswith("'python -m app guidelines import FILE'.")


def test_no_guideline_for_a_household_is_warned_with_the_table_dated_as_everywhere(
    w2: GuidelineSet,
) -> None:
    single = w1_assessment(household=sfs.Household(adults=1))
    _, check = checked(single, w2)
    warning = say.guideline_warning(check, household=single.household, assessed_on=W1_DATE)
    assert warning.startswith(
        "Spending guidelines: no guideline for communications and leisure for 1 adult(s) in the"
        " table from 7 Apr 2025; no guideline for food and housekeeping"
    )
    assert "2025-04-07" not in warning
    # the same sentences as the domain's warnings, with the date as people read it
    assert warning == "Spending guidelines: " + "; ".join(
        w.replace("2025-04-07", "7 Apr 2025") for w in check.warnings
    )
    w1 = w1_assessment()
    _, every_figure = checked(w1, w2)
    assert say.guideline_warning(every_figure, household=w1.household, assessed_on=W1_DATE) == ""


# -- the status line and refusals -------------------------------------------------------------


def test_a_draft_and_a_finished_assessment_say_where_they_are() -> None:
    assert say.loaded_status(saved(status="draft")) == "Draft — saved as you type."
    assert say.loaded_status(saved(pending=True)) == (
        "Finished 1 Mar 2026: read-only. Start a new assessment to record changes."
        " Waiting to sync: it goes to the central store at the next sync."
    )
    imported = saved(source="sfs-import", sync_problem="tenancy closed")
    assert say.loaded_status(imported).startswith(
        "Finished 1 Mar 2026 (a debt adviser's statement, imported): read-only."
    )
    assert say.sync_state(imported) == "The central store refused it: tenancy closed"
    assert say.sync_state(saved()) == "Held by the central store."


def test_the_day_finished_is_the_councils_day() -> None:
    late = saved(finalised_at=datetime(2026, 6, 1, 23, 30, tzinfo=UTC))  # 00:30 on 2 Jun, BST
    assert say.loaded_status(late).startswith("Finished 2 Jun 2026:")


def test_why_finish_is_refused(w2: GuidelineSet) -> None:
    above = with_line(w1_assessment(), "home-phone-internet-tv", 14000)
    budget, check = checked(above, w2)
    assert say.uncommented_refusal(uncommented_flags(check, budget)) == (
        "Not finished: a comment is required for Communications and leisure (£45.00 above"
        " guideline). Add a note on one of its lines saying why."
    )
    assert say.bad_amounts_refusal(2) == (
        "Not finished: 2 amount(s) marked in red are not counted; correct or clear them first."
    )


@pytest.mark.parametrize(
    ("refused", "shown"),
    [
        (
            "lines: enter at least one income or outgoing before finishing",
            "Not finished: Enter at least one income or outgoing before finishing.",
        ),
        (
            "comments: a comment is required for Personal costs (£1.00 above guideline).",
            "Not finished: a comment is required for Personal costs (£1.00 above guideline).",
        ),
        (
            "text: the note on Gas: character 3 is a control character (U+0000), which cannot be"
            " kept (pasted text often brings one); delete it",
            "Not finished: the note on Gas: character 3 is a control character (U+0000), which"
            " cannot be kept (pasted text often brings one); delete it",
        ),
        (
            "lines.3.note: String should have at most 200 characters",
            "Not finished: lines.3.note: String should have at most 200 characters",
        ),
        (
            "This assessment is already finished.",
            "Not finished: This assessment is already finished.",
        ),
    ],
)
def test_a_services_refusal_for_people(refused: str, shown: str) -> None:
    assert say.refusal_text(refused) == shown


def test_the_other_messages() -> None:
    assert say.window_title("") == "Doorstep — income and expenditure"
    assert say.window_title("Ann Example") == "Doorstep — income and expenditure — Ann Example"
    assert say.close_question(1).startswith("1 amount(s) marked in red are not valid")
    assert say.summary_file_name(date(2026, 3, 1)) == "I&E summary 2026-03-01.pdf"
    assert say.summary_saved(Path("/x/s.pdf")) == "Summary saved to /x/s.pdf"
    assert say.summary_failed(OSError("disk full")) == "The summary was not saved: disk full"
    assert say.not_saved_status(OSError("locked")) == "Could not save on this laptop: locked"
    assert say.not_saved_message(OSError("locked")) == "The assessment could not be saved: locked"


# -- a row ------------------------------------------------------------------------------------


def test_a_rows_texts() -> None:
    assert say.monthly_text(None) == ""
    assert say.monthly_text(sfs.Line("rent", 11250)) == ""  # typed monthly: nothing to add
    weekly = sfs.Line("rent", 11250, sfs.Frequency.WEEKLY)
    assert say.monthly_text(weekly) == "= £487.50 a month"
    assert say.typed_amount(115000) == "1150.00"
    assert say.amount_error("not a number") == "not a number; not counted"
    assert say.debt_error([]) == ""
    assert say.debt_error([("owed", "bad"), ("offer", "worse")]) == (
        "owed: bad; offer: worse; not counted"
    )
