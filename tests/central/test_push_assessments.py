"""``assessment.add@1`` on the central store (``central.push``), and referrals that cite one.

Checked, on PostgreSQL and on the SQLite default: a finished assessment is added once,
numbered, as the pushing officer's, with its figures as entered (every line with its own
frequency, the debts, the household); replayed (same mutation or same id) it changes nothing,
with other content it is refused; figures ``app.domain.sfs`` refuses, a future date, a case
never in the officer's caseload, or a superseded assessment on another case are rejected naming
the argument; the officer's pull then carries it, and the scope check counts it. A referral to
debt advice may name an assessment of its own case, and no other action may.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import sfs
from app.protocol.intents import ADD_ASSESSMENT
from app.protocol.messages import AssessmentContent, MutationResult, PullPage
from central import pull
from central.models import CaseAction, IncomeAssessment
from tests.central.push_world import World
from tests.unit.sfs_examples import w1_assessment


def content(assessment: sfs.Assessment | None = None) -> dict[str, Any]:
    return AssessmentContent.of(assessment or w1_assessment()).model_dump(mode="json")


def add(world: World, case: uuid.UUID | None = None, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "assessment_id": str(uuid.uuid4()),
        "tenancy_id": str(case or world.alice_case),
        "assessed_on": "2025-03-07",  # the store's today is 10 March 2025
        "source": "device",
        "supersedes_id": None,
        "finalised_at": "2025-03-07T10:15:00.123456+00:00",
        "note": "Done at the kitchen table",
        "content": content(),
    }
    values.update(changes)
    return values


def push_one(
    world: World, args: dict[str, Any], intent: str = ADD_ASSESSMENT, **kw: Any
) -> MutationResult:
    return world.push_one(args, intent, **kw)


def stored(world: World) -> list[IncomeAssessment]:
    with Session(world.engine) as session:
        return list(session.scalars(select(IncomeAssessment).order_by(IncomeAssessment.seq)))


def test_a_finished_assessment_is_added_once_with_every_figure_as_entered(world: World) -> None:
    args = add(world)
    mutation = world.mutation(args, intent=ADD_ASSESSMENT)
    reply = world.push(mutation)
    [result] = reply.results
    assert result.status == "applied"
    assert result.seq == world.counter()
    [row] = stored(world)
    assert (row.id, row.tenancy_id, row.officer_id, row.source, row.seq) == (
        uuid.UUID(args["assessment_id"]),
        world.alice_case,
        world.alice,
        "device",
        result.seq,
    )
    back = AssessmentContent.model_validate(row.content).assessment(row.assessed_on)
    assert back == w1_assessment(assessed_on=row.assessed_on)
    assert sfs.assess(back).surplus.pence == sfs.assess(w1_assessment()).surplus.pence
    assert world.push(mutation) == reply  # a lost reply: the stored result, nothing new
    again = push_one(world, args)  # the same assessment under a new mutation id
    assert (again.status, again.seq) == ("applied", result.seq)
    changed = {**args, "content": content(w1_assessment(savings_pence=100))}
    other = push_one(world, changed)
    assert other.status == "rejected"
    assert other.reason is not None
    assert other.reason.startswith("assessment_id: ")
    assert len(stored(world)) == 1


def _bad_line(heading: str) -> dict[str, Any]:
    body = content()
    body["lines"][0]["heading"] = heading
    return body


def _bad(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    body = content()
    target: Any = body
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return body


@pytest.mark.parametrize(
    ("changes", "argument"),
    [
        ({"content": _bad_line("bingo")}, "content.lines.0"),
        ({"content": _bad(("lines", 0, "amount_pence"), -1)}, "content.lines.0.amount_pence"),
        ({"content": _bad(("lines", 0, "amount_pence"), 12.5)}, "content.lines.0.amount_pence"),
        ({"content": _bad(("lines", 0, "frequency"), "daily")}, "content.lines.0.frequency"),
        ({"content": _bad(("household", "adults"), 0)}, "content.household.adults"),
        ({"content": _bad(("lines",), [])}, "content.lines"),
        ({"assessed_on": "2025-03-12"}, "assessed_on"),  # after the store's today + a day
        ({"source": "guess"}, "source"),
        ({"finalised_at": "2025-03-07T10:15:00"}, "finalised_at"),  # no offset
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_arguments_are_rejected_naming_the_argument(
    world: World, changes: dict[str, Any], argument: str
) -> None:
    result = push_one(world, add(world, **changes))
    assert result.status == "rejected"
    assert result.reason is not None
    assert result.reason.startswith(f"{argument}"), result.reason
    assert stored(world) == []


def test_a_priority_debt_cannot_carry_a_ccj_flag(world: World) -> None:
    body = content()
    body["debts"][0]["ccj"] = True
    assert body["debts"][0]["priority"] is True
    result = push_one(world, add(world, content=body))
    assert result.status == "rejected"
    assert result.reason == "content.debts.0.ccj: a priority debt has no CCJ flag"


def test_the_case_must_be_the_officers_and_a_superseded_one_on_the_same_case(
    world: World,
) -> None:
    refused = push_one(world, add(world, case=world.bob_case))
    assert refused.status == "rejected"
    assert refused.reason is not None
    assert "is not in your caseload" in refused.reason
    first = add(world)
    assert push_one(world, first).status == "applied"
    second = add(world, supersedes_id=first["assessment_id"], source="sfs-import")
    assert push_one(world, second).status == "applied"
    bobs = add(world, case=world.bob_case, supersedes_id=first["assessment_id"])
    elsewhere = push_one(world, bobs, officer="bob")
    assert elsewhere.status == "rejected"
    assert elsewhere.reason is not None
    assert elsewhere.reason.startswith("supersedes_id: ")
    unknown = push_one(world, add(world, supersedes_id=str(uuid.uuid4())))
    assert unknown.reason is not None
    assert unknown.reason.startswith("supersedes_id: ")
    rows = stored(world)
    assert [(r.source, r.supersedes_id) for r in rows] == [
        ("device", None),
        ("sfs-import", uuid.UUID(first["assessment_id"])),
    ]


def test_the_officers_pull_carries_it_and_the_check_counts_it(world: World) -> None:
    args = add(world)
    assert push_one(world, args).status == "applied"
    with Session(world.engine) as session:
        body = pull.pull_page(session, officer_id=world.alice, cursor=0)
        check = pull.scope_check(session, officer_id=world.alice)
        bobs = pull.pull_page(session, officer_id=world.bob, cursor=0)
    page = PullPage.model_validate(json.loads(body.json))
    [row] = page.assessments
    assert (str(row.id), row.tenancy_id, row.officer_id) == (
        args["assessment_id"],
        world.alice_case,
        world.alice,
    )
    assert row.content.assessment(row.assessed_on) == w1_assessment(assessed_on=row.assessed_on)
    assert check.assessments == 1
    assert PullPage.model_validate(json.loads(bobs.json)).assessments == []


def test_only_a_referral_may_cite_an_assessment_and_only_its_own_cases(world: World) -> None:
    assessment = add(world)
    assert push_one(world, assessment).status == "applied"
    cited = {"assessment_id": assessment["assessment_id"]}
    referral = world.args(code="debt_advice_referral", **cited)
    assert world.push(world.mutation(referral)).results[0].status == "applied"
    [action] = world.actions()
    assert action.assessment_id == uuid.UUID(assessment["assessment_id"])
    visit = world.push(world.mutation(world.args(code="visit", **cited))).results[0]
    assert visit.reason == "assessment_id: a visit action does not carry an assessment"
    missing = world.args(code="debt_advice_referral", assessment_id=str(uuid.uuid4()))
    refused = world.push(world.mutation(missing)).results[0]
    assert refused.reason is not None
    assert refused.reason.startswith("assessment_id: the assessment ")
    with Session(world.engine) as session:
        assert session.scalars(select(CaseAction.code)).all() == ["debt_advice_referral"]
