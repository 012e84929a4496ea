"""Income and expenditure assessments finished offline reach the central store and the
officer's other laptop, over a REAL central service (``python -m central serve``).

What is checked: an assessment finished with no connection is queued (pending) and on the
server after the next sync, as the officer's, every figure as entered; the officer's other
laptop pulls it with its lines and debts, so the same totals come out there; a correction
supersedes it on both; an adviser's statement imported on one laptop arrives on the other
as imported; a referral to debt advice names the assessment sent with it, on the server and on
the other laptop; the scope check counts assessments on both sides; a draft never leaves the
laptop; an assessment refused by the server stays visible with the reason and cannot be sent
with a referral.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import sfs
from app.domain.clock import SYSTEM_CLOCK
from app.domain.sfs_document import Client, SfsStatement, dumps_document, export_document
from app.models import CaseAction, IncomeAssessment, OutboxMutation
from app.paths import data_dir
from app.protocol.messages import AssessmentContent
from app.services.actions import ActionRefused, record_action
from app.services.assessments import (
    case_assessments,
    finish_assessment,
    latest_finished,
    save_draft,
    start_assessment,
)
from app.services.enrolment import sign_in
from app.services.ie_documents import import_sfs
from app.services.sync import run_sync
from app.services.workspace import Workspace
from app.store.database import open_local_store
from central.models import CaseAction as CentralAction
from central.models import IncomeAssessment as CentralAssessment
from tests.sync.central_seed import move_case, officer_id, seed_council
from tests.sync.server import RunningCentral, running_central
from tests.unit.sfs_examples import w1_assessment
from tests.workspaces import workspace_on

PASSWORD = "correct horse"


@pytest.fixture
def central(tmp_path: Path) -> Iterator[RunningCentral]:
    with running_central(f"sqlite:///{tmp_path / 'central.sqlite'}", tmp_path) as server:
        yield server


def _laptop(
    tmp_path: Path, name: str, central: RunningCentral, user: str = "alice"
) -> Workspace:
    laptop = Workspace(open_local_store(data_dir(tmp_path / name)))
    sign_in(laptop, server_url=central.url, username=user, password=PASSWORD)
    run_sync(laptop)
    return laptop


def _finish(laptop: Workspace, tenancy_id: uuid.UUID, value: sfs.Assessment) -> uuid.UUID:
    draft = start_assessment(laptop, tenancy_id=tenancy_id, on=value.assessed_on)
    save_draft(laptop, assessment_id=draft.id, assessment=value)
    return finish_assessment(laptop, assessment_id=draft.id).id


def _adviser_statement(value: sfs.Assessment, note: str) -> str:
    """``value`` as a debt adviser's SFS document (the client is fictional)."""
    client = Client(
        name="Alex Example",
        date_of_birth=date(1988, 5, 14),
        address="1 Fictional Row, Testtown TT1 1AA",
        joint=False,
        employment=("Part-time",),
        tenure="Tenant - social",
    )
    return dumps_document(export_document(SfsStatement(value, client, notes=(note,))))


def test_an_assessment_finished_offline_reaches_the_server_and_the_other_laptop(
    central: RunningCentral, tmp_path: Path
) -> None:
    today = SYSTEM_CLOCK.today()
    seeded = seed_council(central.engine, officers=["alice", "bob"], cases_per_officer=2)
    case = seeded["alice"][0].tenancy_id
    laptop = _laptop(tmp_path, "laptop", central)
    spare = _laptop(tmp_path, "spare", central)
    w1 = w1_assessment(assessed_on=today)

    first = _finish(laptop, case, w1)
    with laptop.store.session() as session:
        row = session.get(IncomeAssessment, first)
        assert row is not None
        assert (row.pending, row.server_seq) == (True, 0)
        [queued] = session.scalars(select(OutboxMutation)).all()
        assert queued.intent == "assessment.add@1"
    summary = run_sync(laptop)
    assert (summary.pushed, summary.rejected, summary.check_ok) == (1, 0, True)
    with Session(central.engine) as session:
        held = session.get(CentralAssessment, first)
        assert held is not None
        assert held.source == "device"
        assert AssessmentContent.model_validate(held.content).assessment(today) == w1
    with laptop.store.session() as session:
        row = session.get(IncomeAssessment, first)
        assert row is not None
        assert (row.pending, row.server_seq > 0, row.sync_problem) == (False, True, None)

    # The other laptop pulls it: the same figures, so the same totals and the same offer.
    pulled = run_sync(spare)
    assert (pulled.assessments, pulled.check_ok) == (1, True)
    assert case in pulled.changed_tenancy_ids
    there = latest_finished(spare, tenancy_id=case)
    assert there is not None
    assert (there.id, there.source, there.is_final) == (first, "device", True)
    assert there.assessment == w1
    assert sfs.assess(there.assessment) == sfs.assess(w1)

    # A correction made on the spare laptop supersedes it everywhere; a draft stays at home.
    corrected = w1_assessment(assessed_on=today, savings_pence=1_000)
    second = _finish(spare, case, corrected)
    start_assessment(spare, tenancy_id=case, on=today)  # a draft, never sent
    assert run_sync(spare).pushed == 1
    assert run_sync(laptop).check_ok is True
    history = case_assessments(laptop, tenancy_id=case)
    assert [(a.id, a.supersedes_id) for a in history] == [(second, first), (first, None)]
    with Session(central.engine) as session:
        assert session.scalars(select(CentralAssessment.id)).all().count(second) == 1
        assert len(session.scalars(select(CentralAssessment)).all()) == 2


def test_an_imported_statement_and_a_referral_citing_it_reach_the_other_laptop(
    central: RunningCentral, tmp_path: Path
) -> None:
    today = SYSTEM_CLOCK.today()
    seeded = seed_council(central.engine, officers=["alice"], cases_per_officer=1)
    case = seeded["alice"][0].tenancy_id
    laptop = _laptop(tmp_path, "laptop", central)
    spare = _laptop(tmp_path, "spare", central)

    imported = import_sfs(
        laptop,
        tenancy_ref=seeded["alice"][0].ref,
        document_text=_adviser_statement(w1_assessment(assessed_on=today), "From the adviser"),
        assessed_on=today,
    )
    referral = record_action(
        workspace_on(laptop.store, today),
        tenancy_id=case,
        code="debt_advice_referral",
        on=today,
        note="Citizens Advice, Testtown",
        assessment_id=imported.id,
    )
    summary = run_sync(laptop)
    assert (summary.pushed, summary.rejected, summary.check_ok) == (2, 0, True)
    with Session(central.engine) as session:
        action = session.get(CentralAction, referral.action_id)
        assert action is not None
        assert action.assessment_id == imported.id

    run_sync(spare)
    there = latest_finished(spare, tenancy_id=case)
    with spare.store.session() as session:
        action_there = session.get(CaseAction, referral.action_id)
    assert there is not None
    assert (there.source, there.note) == ("sfs-import", "From the adviser")
    assert action_there is not None
    assert action_there.assessment_id == imported.id


def test_a_refused_assessment_stays_visible_and_cannot_be_sent_with_a_referral(
    central: RunningCentral, tmp_path: Path
) -> None:
    today = SYSTEM_CLOCK.today()
    seeded = seed_council(central.engine, officers=["alice"], cases_per_officer=1)
    case = seeded["alice"][0].tenancy_id
    laptop = _laptop(tmp_path, "laptop", central)
    first = _finish(laptop, case, w1_assessment(assessed_on=today))
    # Damage the queued figures as a faulty laptop might: the server must refuse them.
    with laptop.store.session() as session, session.begin():
        [queued] = session.scalars(select(OutboxMutation)).all()
        args = dict(queued.args)
        args["content"] = {**args["content"], "lines": []}
        queued.args = args
    summary = run_sync(laptop)
    assert (summary.pushed, summary.rejected) == (1, 1)
    with laptop.store.session() as session:
        row = session.get(IncomeAssessment, first)
        assert row is not None
        assert row.pending is False
        assert row.sync_problem is not None
        assert row.sync_problem.startswith("content.lines: ")
    with pytest.raises(ActionRefused) as refused:
        record_action(
            workspace_on(laptop.store, today),
            tenancy_id=case,
            code="debt_advice_referral",
            on=today,
            assessment_id=first,
        )
    assert str(refused.value).startswith("assessment: the central store refused")
    with Session(central.engine) as session:
        assert session.scalars(select(CentralAssessment)).all() == []


def test_a_case_reassigned_brings_its_assessments_and_takes_them_away(
    central: RunningCentral, tmp_path: Path
) -> None:
    today = SYSTEM_CLOCK.today()
    seeded = seed_council(central.engine, officers=["alice", "bob"], cases_per_officer=1)
    bobs_case = seeded["bob"][0].tenancy_id
    bobs = _laptop(tmp_path, "bob", central, user="bob")
    alices = _laptop(tmp_path, "alice", central)
    made = _finish(bobs, bobs_case, w1_assessment(assessed_on=today))
    start_assessment(bobs, tenancy_id=bobs_case, on=today)  # a draft left open
    assert run_sync(bobs).pushed == 1

    with Session(central.engine) as session, session.begin():
        move_case(session, tenancy_id=bobs_case, to_officer_id=officer_id(central.engine, "alice"))
    arrived = run_sync(alices)
    assert arrived.check_ok is True
    there = latest_finished(alices, tenancy_id=bobs_case)
    assert there is not None
    assert (there.id, there.assessment) == (made, w1_assessment(assessed_on=today))

    left = run_sync(bobs)
    assert left.check_ok is True
    with bobs.store.session() as session:  # gone with the case, the draft too
        assert session.scalars(select(IncomeAssessment)).all() == []
