"""What the case window says, without Qt: the banners, the tabs and the statement's count, every
cell of the statement and the action history, and the balance chart's labels and tooltips.
Synthetic values only.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from app.services.case_file import ActionLine, StatementLine
from app.ui.text.case import (
    REFUSED,
    WAITING_TO_SYNC,
    banner,
    credit_mark_tip,
    history_row,
    history_source,
    history_tab_title,
    in_credit_tip,
    open_failed,
    pounds_label,
    refused_tip,
    statement_count,
    statement_row,
    statement_tab_title,
    tenure_words,
)


def action(**changes: Any) -> ActionLine:
    values: dict[str, Any] = dict(
        id=uuid.uuid4(),
        on=date(2026, 5, 18),
        code="nosp",
        label="Notice of seeking possession served",
        until=None,
        until_label="",
        note="",
        source="hms",
        pending=False,
    )
    return ActionLine(**{**values, **changes})


def test_a_banner_says_its_kind_in_words_and_escapes_the_note() -> None:
    safety = banner("safety", "Dog <b>loose</b> & angry")
    assert safety.kind == "safety"
    assert safety.html == "<b>⚠ OFFICER SAFETY</b> — Dog &lt;b&gt;loose&lt;/b&gt; &amp; angry"
    assert safety.spoken == "⚠ OFFICER SAFETY: Dog <b>loose</b> & angry"
    assert banner("vulnerability", "x").spoken == "VULNERABLE: x"
    assert banner("breathing_space", "x").spoken == "BREATHING SPACE: x"
    unknown = banner("benefit_claim_pending", "Claim made")
    assert (unknown.kind, unknown.spoken) == ("other", "Note: Claim made")


def test_the_statement_count_and_the_tab_titles() -> None:
    assert statement_count(764, 764) == "764 lines"
    assert statement_count(12, 764) == "12 of 764 lines"
    assert statement_tab_title(138) == "Rent statement (138)"
    assert history_tab_title(()) == "Action history (0)"
    assert history_tab_title((action(), action(pending=True, source="device"))) == (
        "Action history (2) — 1 waiting to sync"
    )


def test_a_statement_line_in_cells() -> None:
    rent = StatementLine(date(2026, 5, 4), "RENT", "Rent", 2440, 100000)
    assert statement_row(rent) == ("4 May 2026", "Rent", "Rent", "£24.40", "", "£1,000.00")
    paid = StatementLine(date(2026, 4, 3), "PAYMENT", "Thank you", -9390, -1200)
    assert statement_row(paid) == (
        "3 Apr 2026",
        "Payment",
        "Thank you",
        "",
        "£93.90",
        "-£12.00",
    )
    assert in_credit_tip(-1200) == "In credit by £12.00"


def test_an_action_in_cells() -> None:
    served = action(
        until=date(2026, 6, 1),
        until_label="Proceedings may start from",
        note="Served\n by   hand",
    )
    assert history_row(served) == (
        "18 May 2026",
        "Notice of seeking possession served",
        "Proceedings may start from: 1 Jun 2026",
        "Served by hand",
        "HMS",
    )
    referral = action(assessment_on=date(2026, 5, 18), note="Citizens Advice")
    assert history_row(referral)[3] == "Sent with the I&E of 18 May 2026. Citizens Advice"
    assert history_row(action(assessment_on=date(2026, 5, 18)))[3] == (
        "Sent with the I&E of 18 May 2026."
    )
    assert history_row(action(until=date(2026, 7, 3)))[2] == "3 Jul 2026"


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"source": "hms"}, "HMS"),
        ({"source": "device", "pending": True}, WAITING_TO_SYNC),
        ({"source": "device", "pending": False}, "Doorstep"),
        ({"source": "device", "sync_problem": "not known"}, REFUSED),
        ({"source": "import"}, "import"),
    ],
)
def test_who_recorded_an_action(changes: dict[str, Any], words: str) -> None:
    assert history_source(action(**changes)) == words


def test_a_refusal_says_why_and_what_to_do() -> None:
    tip = refused_tip("tenancy_id: not known to the central store")
    assert tip.startswith("The central store refused this action: tenancy_id: not known")
    assert tip.endswith("record it again if it still applies.")


def test_the_chart_labels_whole_pounds_and_names_a_mark() -> None:
    assert [pounds_label(p) for p in (-100, 0, 250, 1000, 12000)] == [
        "-£100",
        "£0",
        "£250",
        "£1,000",
        "£12,000",
    ]
    paid = StatementLine(date(2026, 4, 3), "PAYMENT", "Thank you", -9390, 0)
    assert credit_mark_tip(paid) == "3 Apr 2026: Payment £93.90 (balance after £0.00)"


def test_the_rest() -> None:
    assert open_failed(OSError("disk full")) == "The case could not be opened: disk full"
    assert tenure_words("assured_shorthold") == "Assured shorthold tenancy"
    assert tenure_words("garage") == "Garage"
