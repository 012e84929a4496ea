"""I&E assessments on a real encrypted store: copy forward, draft saving, finishing, supersession.

Figures are docs/rules.md W1's, so the totals read back are the worked example's.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain import sfs
from app.models import AssessmentLine, AuditEvent, IncomeAssessment, OutboxMutation, Tenancy
from app.paths import data_dir
from app.services.assessments import (
    AssessmentRefused,
    case_assessments,
    discard_draft,
    finish_assessment,
    load_assessment,
    save_draft,
    start_assessment,
)
from app.services.workspace import Workspace
from app.store.database import LocalStore, open_local_store

W = sfs.Frequency
W1_LINES = (
    sfs.Line("client-salary-or-wages", 95000, W.MONTHLY),
    sfs.Line("tax-credits-universal-credit", 82000, W.MONTHLY),
    sfs.Line("child-benefit", 17320, W.FOUR_WEEKLY),
    sfs.Line("rent", 11250, W.WEEKLY),
    sfs.Line("council-tax-rates", 144000, W.ANNUAL),
    sfs.Line("gas", 7000, W.MONTHLY),
    sfs.Line("electricity", 8000, W.MONTHLY),
    sfs.Line("water-supply", 54000, W.ANNUAL),
    sfs.Line("tv-licence", 17450, W.ANNUAL),
    sfs.Line("public-transport", 2500, W.WEEKLY),
    sfs.Line("other-school", 2000, W.MONTHLY),
    sfs.Line("buildings-contents-insurance", 800, W.MONTHLY),
    sfs.Line("other-communications-leisure", 8500, W.MONTHLY),
    sfs.Line("groceries", 13000, W.WEEKLY, "family of four"),
    sfs.Line("other-personal", 10000, W.MONTHLY),
)


def w1(on: date) -> sfs.Assessment:
    return sfs.Assessment(
        assessed_on=on,
        household=sfs.Household(adults=2, children_under_16=2),
        lines=W1_LINES,
        savings_pence=2000,
        priority_debts=(
            sfs.PriorityDebt("Council tax", 50000, 3000),
            sfs.PriorityDebt("Energy", 20000, 1500),
        ),
        non_priority_debts=(sfs.NonPriorityDebt("Catalogue", 40000, 500, ccj=True),),
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    opened = open_local_store(data_dir(tmp_path / "data"))
    yield opened
    opened.close()


@pytest.fixture
def workspace(store: LocalStore) -> Workspace:
    return Workspace(store)


@pytest.fixture
def tenancy(store: LocalStore) -> uuid.UUID:
    tenancy_id = uuid.uuid4()
    with store.session() as session, session.begin():
        session.add(
            Tenancy(
                id=tenancy_id,
                ref="T-IE",
                address="1 Budget Row",
                postcode="IE1 1IE",
                tenure="secure",
                start_date=date(2020, 4, 6),
                weekly_rent_pence=11250,
            )
        )
    return tenancy_id


def test_a_draft_is_saved_read_back_and_assessed_as_w1(workspace, tenancy):
    draft = start_assessment(workspace, tenancy_id=tenancy, on=date(2026, 3, 1))
    assert draft.status == "draft"
    assert draft.assessment.lines == ()
    save_draft(workspace, assessment_id=draft.id, assessment=w1(date(2026, 3, 1)))
    held = load_assessment(workspace, assessment_id=draft.id)
    assert held.assessment == w1(date(2026, 3, 1))  # every line, note, debt and CCJ kept
    budget = sfs.assess(held.assessment)
    assert budget.income.pence == 195763
    assert budget.outgoings.pence == 170170
    assert budget.available_for_priority.pence == 23593
    assert budget.max_rent_offer_monthly.pence == 19093


def test_finishing_makes_it_append_only_and_the_next_one_copies_it_forward(
    store, workspace, tenancy
):
    first = start_assessment(workspace, tenancy_id=tenancy, on=date(2026, 3, 1))
    save_draft(workspace, assessment_id=first.id, assessment=w1(date(2026, 3, 1)))
    done = finish_assessment(workspace, assessment_id=first.id)
    assert done.is_final
    assert done.finalised_at is not None

    with pytest.raises(AssessmentRefused):
        save_draft(workspace, assessment_id=first.id, assessment=w1(date(2026, 3, 2)))
    with pytest.raises(AssessmentRefused):
        discard_draft(workspace, assessment_id=first.id)

    second = start_assessment(workspace, tenancy_id=tenancy, on=date(2026, 6, 1))
    assert second.supersedes_id == first.id
    assert second.assessment.lines == W1_LINES  # copied forward
    assert second.assessment.assessed_on == date(2026, 6, 1)
    again = start_assessment(workspace, tenancy_id=tenancy, on=date(2026, 6, 2))
    assert again.id == second.id  # one open draft per case

    history = case_assessments(workspace, tenancy_id=tenancy)
    with store.session() as session:
        finished = session.scalars(
            select(AuditEvent).where(AuditEvent.event == "assessment.finished")
        ).all()
    assert [a.id for a in history] == [second.id, first.id]
    assert len(finished) == 1
    assert "family of four" not in str(finished[0].detail)  # notes never reach the audit log


def test_an_empty_draft_cannot_be_finished_and_a_draft_can_be_discarded(
    store, workspace, tenancy
):
    draft = start_assessment(workspace, tenancy_id=tenancy, on=date(2026, 3, 1))
    with pytest.raises(AssessmentRefused) as why:
        finish_assessment(workspace, assessment_id=draft.id)
    assert str(why.value).startswith("lines:")
    save_draft(workspace, assessment_id=draft.id, assessment=w1(date(2026, 3, 1)))
    discard_draft(workspace, assessment_id=draft.id)
    with store.session() as session:
        assert session.execute(select(func.count()).select_from(IncomeAssessment)).scalar() == 0
        assert session.execute(select(func.count()).select_from(AssessmentLine)).scalar() == 0


def test_a_case_not_on_the_laptop_is_refused(workspace):
    with pytest.raises(AssessmentRefused):
        start_assessment(workspace, tenancy_id=uuid.uuid4(), on=date(2026, 3, 1))


def test_finishing_queues_it_for_the_central_store_and_figures_it_would_refuse_save_nothing(
    store, workspace, tenancy
):
    long_name = sfs.Assessment(
        assessed_on=date(2026, 3, 1),
        lines=W1_LINES,
        non_priority_debts=(sfs.NonPriorityDebt("C" * 201, 40000, 500),),
    )
    draft = start_assessment(workspace, tenancy_id=tenancy, on=date(2026, 3, 1))
    save_draft(workspace, assessment_id=draft.id, assessment=long_name)
    with pytest.raises(AssessmentRefused) as why:
        finish_assessment(workspace, assessment_id=draft.id)
    assert str(why.value).startswith("debts.0.creditor: ")
    assert load_assessment(workspace, assessment_id=draft.id).status == "draft"
    with store.session() as session:
        assert session.scalars(select(OutboxMutation)).all() == []

    save_draft(workspace, assessment_id=draft.id, assessment=w1(date(2026, 3, 1)))
    finish_assessment(workspace, assessment_id=draft.id)
    with store.session() as session:
        row = session.get(IncomeAssessment, draft.id)
        [queued] = session.scalars(select(OutboxMutation)).all()
    assert row is not None
    assert (row.pending, row.sync_problem) == (True, None)
    assert queued.intent == "assessment.add@1"
    assert queued.args["assessment_id"] == str(draft.id)
    assert len(queued.args["content"]["lines"]) == len(W1_LINES)
    assert queued.args["content"]["debts"][2] == {
        "priority": False,
        "creditor": "Catalogue",
        "owed_pence": 40000,
        "offer_pence": 500,
        "ccj": True,
        "note": "",
    }


@pytest.mark.parametrize(
    ("changed", "problem"),
    [
        (
            {"lines": (sfs.Line("client-salary-or-wages", 120000, note="net of\x00 tax"),)},
            "text: the note on Client's salary or wages: character 7 is a control character",
        ),
        (
            {"non_priority_debts": (sfs.NonPriorityDebt("Cat\u202ealogue", 40000, 500),)},
            "text: the creditor of other debt 1: character 4 is a text-direction control",
        ),
        (
            {"priority_debts": (sfs.PriorityDebt("Council tax", 9000, 900, note="\x07"),)},
            "text: the note of priority debt 1: character 1 is a control character (U+0007)",
        ),
    ],
)
def test_text_that_cannot_be_kept_is_named_and_nothing_is_finished(
    store, workspace, tenancy, changed, problem
):
    from dataclasses import replace

    value = replace(w1(date(2026, 3, 1)), **changed)
    draft = start_assessment(workspace, tenancy_id=tenancy, on=date(2026, 3, 1))
    save_draft(workspace, assessment_id=draft.id, assessment=value)
    with pytest.raises(AssessmentRefused) as why:
        finish_assessment(workspace, assessment_id=draft.id)
    assert str(why.value).startswith(problem), str(why.value)
    assert load_assessment(workspace, assessment_id=draft.id).status == "draft"
    with store.session() as session:
        assert session.scalars(select(OutboxMutation)).all() == []


def test_a_case_leaving_the_laptop_takes_its_drafts_but_not_what_waits_to_be_pushed(
    store, workspace, tenancy
):
    from app.protocol.messages import PullPage
    from app.sync.pull import apply_page, wipe_caseload

    first = start_assessment(workspace, tenancy_id=tenancy, on=date(2026, 3, 1))
    save_draft(workspace, assessment_id=first.id, assessment=w1(date(2026, 3, 1)))
    pending = finish_assessment(workspace, assessment_id=first.id).id
    draft = start_assessment(workspace, tenancy_id=tenancy, on=date(2026, 6, 1)).id

    def held() -> set[uuid.UUID]:
        with store.session() as session:
            return set(session.scalars(select(IncomeAssessment.id)))

    with store.session() as session, session.begin():  # a re-bootstrap keeps both
        wipe_caseload(session)
    assert held() == {pending, draft}
    with store.session() as session, session.begin():
        session.add(
            Tenancy(
                id=tenancy,
                ref="T-IE",
                address="1 Budget Row",
                postcode="IE1 1IE",
                tenure="secure",
                start_date=date(2020, 4, 6),
                weekly_rent_pence=11250,
            )
        )
    page = PullPage(
        epoch="e", cursor=0, next_cursor=9, has_more=False, removed_tenancy_ids=[tenancy]
    )
    with store.session() as session, session.begin():
        apply_page(session, page)
    assert held() == {pending}  # the draft went with its case; unsent work stays
    with store.session() as session:
        assert session.scalars(select(AssessmentLine)).all() != []  # the pending one's lines
