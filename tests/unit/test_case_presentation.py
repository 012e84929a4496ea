"""What the screens read from the services besides the advice itself: the case header's
warnings (classified, most serious first), the statement's line groups and type names, and
the stages a worklist can be filtered by. Synthetic facts only.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from app.domain.recovery import NONE, CaseAction, CaseFacts, recommend
from app.domain.rent_account import (
    LINE_TYPES,
    PAYMENT_TYPES,
    LedgerLine,
    RentTerms,
)
from app.paths import resource_path
from app.services.case_file import (
    STATEMENT_GROUPS,
    CaseWarning,
    StatementLine,
    case_warnings,
)
from app.services.worklist import load_recovery_policy, stage_options

MON = date(2026, 4, 6)
AS_OF = date(2026, 6, 1)


@pytest.fixture(scope="module")
def policy():  # type: ignore[no-untyped-def]
    return load_recovery_policy(path=resource_path("recovery-policy.toml"))


def _advice(policy, *actions: CaseAction):  # type: ignore[no-untyped-def]
    facts = CaseFacts(
        tenancy_ref="T1",
        tenure="secure",
        terms=RentTerms(10000),
        lines=[LedgerLine(MON + timedelta(weeks=n), "RENT", 10000) for n in range(9)],
        actions=actions,
        arrangements=(),
    )
    return recommend(facts, policy, AS_OF)


def test_no_warnings_means_none(policy) -> None:  # type: ignore[no-untyped-def]
    assert case_warnings(_advice(policy)) == ()


def test_warnings_are_classified_most_serious_first_with_their_text(policy) -> None:  # type: ignore[no-untyped-def]
    advice = _advice(
        policy,
        CaseAction("vulnerability", date(2026, 4, 10), note="hearing impaired"),
        CaseAction("benefit_claim_pending", date(2026, 5, 1)),
        CaseAction("breathing_space_start", date(2026, 5, 20)),
        CaseAction("safety_warning", date(2026, 4, 12), note="visit in pairs"),
    )
    warnings = case_warnings(advice)
    assert [w.kind for w in warnings] == ["safety", "vulnerability", "breathing_space", "other"]
    assert warnings[0].text == "Officer-safety warning since 12 Apr 2026: visit in pairs"
    assert warnings[1].text == "Vulnerability recorded on 10 Apr 2026: hearing impaired"
    assert warnings[2].text.startswith("Breathing Space until 18 Jul 2026")
    assert warnings[3] == CaseWarning("other", "Benefit claim pending since 1 May 2026")
    assert len(warnings) == len(advice.warnings)


def test_an_ended_warning_is_not_shown(policy) -> None:  # type: ignore[no-untyped-def]
    advice = _advice(
        policy,
        CaseAction("safety_warning", date(2026, 4, 12)),
        CaseAction("safety_warning_ended", date(2026, 5, 12)),
        CaseAction("breathing_space_start", date(2026, 1, 5)),  # over long ago
    )
    assert case_warnings(advice) == ()


def test_the_flags_decide_even_if_the_wording_changes(policy) -> None:  # type: ignore[no-untyped-def]
    advice = replace(_advice(policy), vulnerable=True, warnings=("Rent-free week",))
    assert case_warnings(advice) == (
        CaseWarning("vulnerability", "Vulnerability recorded"),
        CaseWarning("other", "Rent-free week"),
    )


def test_every_line_type_has_a_group_and_a_name() -> None:
    groups = {code for code, _ in STATEMENT_GROUPS}
    for kind in LINE_TYPES:
        line = StatementLine(MON, kind, "", -100, 0)
        assert line.group in groups
        assert line.type_label
        assert line.type_label != kind
        assert (line.group in ("payment", "benefit")) == (kind in PAYMENT_TYPES)
    odd = StatementLine(MON, "MYSTERY", "", 5, 5)
    assert (odd.group, odd.type_label) == ("adjustment", "MYSTERY")


def test_stage_options_follow_the_ladder(policy) -> None:  # type: ignore[no-untyped-def]
    options = stage_options(policy)
    assert options[0] == (NONE, "No recovery stage")
    assert [code for code, _ in options[1:]] == [stage.code for stage in policy.stages]
    assert dict(options)["letter_1"] == "Arrears letter 1 sent"
    assert _advice(policy).stage_label == options[0][1]
