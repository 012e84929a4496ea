"""What the record-action form says, without Qt: the recommendation in each of its cases, the
actions offered (the recommended one marked and pre-selected unless on hold), the extra date's
name, the hand-over and the failures. Synthetic facts only.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.domain.case_actions import ACTION_KINDS
from app.domain.recovery import NONE, CaseFacts, Recommendation, recommend
from app.domain.rent_account import LedgerLine, RentTerms
from app.paths import resource_path
from app.services.case_file import FinishedAssessment
from app.services.worklist import load_recovery_policy
from app.ui.text import record_action as words

MON = date(2026, 4, 6)
AS_OF = date(2026, 6, 1)


@pytest.fixture(scope="module")
def advice() -> Recommendation:
    """Nine weeks of rent unpaid: a letter is due."""
    facts = CaseFacts(
        tenancy_ref="T1",
        tenure="secure",
        terms=RentTerms(10000),
        lines=[LedgerLine(MON + timedelta(weeks=n), "RENT", 10000) for n in range(9)],
        actions=(),
        arrangements=(),
    )
    policy = load_recovery_policy(path=resource_path("recovery-policy.toml"))
    found = recommend(facts, policy, AS_OF)
    assert found.next_action in ACTION_KINDS
    return found


def finished(sync_problem: str | None = None) -> FinishedAssessment:
    return FinishedAssessment(
        id=uuid.uuid4(),
        assessed_on=date(2026, 5, 18),
        source="device",
        pending=False,
        sync_problem=sync_problem,
    )


def test_the_recommendation_says_when(advice: Recommendation) -> None:
    label = advice.next_action_label
    due_now = replace(advice, due_date=AS_OF)
    assert words.recommendation(due_now) == f"Recommended: {label} — due now."
    later = replace(advice, due_date=date(2026, 7, 1))
    assert words.recommendation(later) == f"Recommended: {label} — due 1 Jul 2026."
    assert words.recommendation(replace(advice, due_date=None)) == f"Recommended: {label}."
    held = replace(advice, blocked_by="Breathing Space until 3 Jul 2026")
    assert words.recommendation(held) == (
        f"Recommended: {label} — on hold (Breathing Space until 3 Jul 2026)."
    )
    nothing = replace(advice, next_action=NONE)
    assert words.recommendation(nothing) == "Nothing is due on this case; choose what was done."


def test_the_recommended_action_is_marked_and_chosen_unless_on_hold(
    advice: Recommendation,
) -> None:
    choices = dict(words.action_choices(advice))
    assert list(choices) == list(ACTION_KINDS)
    recommended = advice.next_action
    assert choices[recommended] == f"{ACTION_KINDS[recommended].label}  (recommended)"
    assert sum("(recommended)" in label for label in choices.values()) == 1
    assert words.preselected_code(advice) == recommended
    held = replace(advice, blocked_by="a hold")
    assert not any("(recommended)" in label for _code, label in words.action_choices(held))
    assert words.preselected_code(held) == "contact"
    assert words.preselected_code(replace(advice, next_action=NONE)) == "contact"


def test_the_extra_date_is_named_for_the_action() -> None:
    nosp = ACTION_KINDS["nosp"]
    assert words.until_row_label(nosp) == "Proceedings may start from"
    assert words.until_name(nosp) == "Proceedings may start from"
    breathing = ACTION_KINDS["breathing_space_start"]
    assert words.until_row_label(breathing) == "Ends (date on the notice) (if known)"
    needs_a_date = replace(ACTION_KINDS["contact"], needs_until=True)
    assert words.until_name(needs_a_date) == "Until"
    assert words.until_row_label(needs_a_date) == "Until"


def test_the_hand_over_says_what_is_sent_and_why_not() -> None:
    assert words.handover_check(finished()) == (
        "Send the income and expenditure of 18 May 2026 with it"
    )
    assert words.handover_note(None).startswith("No finished income and expenditure")
    assert words.handover_note(finished()) == words.HANDOVER_LOADS
    refused = words.handover_note(finished("the case is closed"))
    assert refused == (
        "The central store refused that assessment (the case is closed); "
        "finish a new one to send it."
    )
    assert words.sfs_file_name("T000001", finished()) == "SFS T000001 2026-05-18.json"


def test_failures_say_what_was_not_saved() -> None:
    assert words.not_saved(OSError("disk full")) == (
        "The action could not be saved on this laptop: disk full"
    )
    assert words.sfs_not_saved(ValueError("no date of birth")) == (
        "The SFS file was not saved: no date of birth"
    )
    assert words.sfs_saved(Path("/tmp/a.json")) == "SFS file saved to /tmp/a.json"
