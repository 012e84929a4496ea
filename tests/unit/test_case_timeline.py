"""The case's one timeline (``open_case(...).timeline``): every kind, newest first, versions in
force only, arrangements once per event, and the filter by kind and words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from app.domain.timeline import filter_timeline
from app.paths import data_dir, resource_path
from app.services.actions import record_action
from app.services.arrangements import agree_arrangement, cancel_arrangement
from app.services.case_file import open_case
from app.services.visits import (
    ContactDetails,
    PromiseTerms,
    add_follow_up,
    close_follow_up,
    record_contact,
    record_referral,
)
from app.services.worklist import load_recovery_policy
from app.store.database import LocalStore, open_local_store
from tests.unit.test_arrangement_service import _w4_proposal, w4_case
from tests.workspaces import workspace_on

MON_2_MAR = date(2026, 3, 2)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    opened = open_local_store(data_dir(tmp_path / "data"))
    yield opened
    opened.close()


def test_the_timeline_holds_every_kind_newest_first_and_each_once(store: LocalStore) -> None:
    policy = load_recovery_policy(path=resource_path("recovery-policy.toml"))
    tenancy_id = w4_case(store)  # payments of £110 on 2, 9 and 23 Mar, £60 on 16 Mar
    on = lambda day: workspace_on(store, day)  # noqa: E731
    first = agree_arrangement(
        on(MON_2_MAR), tenancy_id=tenancy_id, terms=_w4_proposal(), kind="informal"
    )
    record_action(on(date(2026, 3, 3)), tenancy_id=tenancy_id, code="letter_1", on=date(2026, 3, 3))
    contact = record_contact(
        on(date(2026, 3, 4)),
        tenancy_id=tenancy_id,
        details=ContactDetails(
            on=date(2026, 3, 4),
            how="home_visit",
            outcome="promise_to_pay",
            note="Will pay Monday",
            promise=PromiseTerms(10_000, date(2026, 3, 9)),
        ),
    )
    record_contact(
        on(date(2026, 3, 4)),
        tenancy_id=tenancy_id,
        details=ContactDetails(
            on=date(2026, 3, 4),
            how="home_visit",
            outcome="promise_to_pay",
            note="Will pay Monday (corrected)",
            promise=PromiseTerms(10_000, date(2026, 3, 9)),
        ),
        supersedes_id=contact.record_id,
    )
    task = add_follow_up(
        on(date(2026, 3, 5)), tenancy_id=tenancy_id, due_on=date(2026, 3, 12), task="Ring"
    )
    close_follow_up(on(date(2026, 3, 12)), follow_up_id=task.record_id)
    add_follow_up(
        on(date(2026, 3, 12)), tenancy_id=tenancy_id, due_on=date(2026, 3, 13), task="DHP?"
    )
    record_referral(
        on(date(2026, 3, 6)), tenancy_id=tenancy_id, to="dhp", on=date(2026, 3, 6), reason="Gap"
    )
    cancel_arrangement(on(date(2026, 3, 10)), arrangement_id=first.arrangement_id)

    case = open_case(
        on(date(2026, 3, 21)), tenancy_id=tenancy_id, policy=policy, as_of=date(2026, 3, 21)
    )
    timeline = case.timeline
    assert [e.on for e in timeline] == sorted((e.on for e in timeline), reverse=True)
    kinds = [e.kind for e in timeline]
    assert kinds.count("contact") == 1  # the corrected version only
    (shown,) = [e for e in timeline if e.kind == "contact"]
    assert shown.detail == "Will pay Monday (corrected)"
    assert shown.state == "corrected"
    assert "Home visit: Promise to pay" in shown.title
    promises = [e for e in timeline if e.kind == "promise"]
    (promise,) = promises  # the correction's promise superseded the first one's
    assert promise.state == "kept (£110.00 paid)"  # £110 paid on 9 Mar
    follow_ups = {e.title: e.state for e in timeline if e.kind == "follow_up"}
    assert follow_ups == {"Follow-up: Ring": "done", "Follow-up: DHP?": "overdue"}
    arrangements = [e.title for e in timeline if e.kind == "arrangement"]
    assert arrangements == ["Arrangement of 2 Mar 2026 cancelled", "Arrangement agreed"]
    assert all(e.sync == "waiting to sync" for e in timeline if e.kind != "action")
    assert [e.title for e in filter_timeline(timeline, kinds=frozenset({"referral"}))] == [
        "Referred to Discretionary Housing Payment application"
    ]
    assert [e.kind for e in filter_timeline(timeline, text="corrected")] == ["contact"]


def test_a_vulnerability_shows_its_support_need_and_source_in_the_timeline_and_brief(
    store: LocalStore,
) -> None:
    from app.services.visit_brief import visit_briefs

    policy = load_recovery_policy(path=resource_path("recovery-policy.toml"))
    tenancy_id = w4_case(store)
    workspace = workspace_on(store, date(2026, 3, 21))
    record_action(
        workspace,
        tenancy_id=tenancy_id,
        code="vulnerability",
        on=date(2026, 3, 20),
        note="text before visiting",
        support_need="language",
        learned_from="support_worker",
    )
    said = "Language, reading or hearing (source: a support worker or advocate): text before"
    case = open_case(workspace, tenancy_id=tenancy_id, policy=policy, as_of=date(2026, 3, 21))
    (entry,) = [e for e in case.timeline if e.title == "Vulnerability recorded"]
    assert entry.detail.startswith(said)
    (brief,) = visit_briefs(workspace, [tenancy_id])
    assert [w.text for w in brief.warnings if w.kind == "vulnerability"][0].startswith(said)


def test_a_contact_corrected_on_two_laptops_says_so_on_both_versions(store: LocalStore) -> None:
    """The central store keeps both corrections (a conflict); the timeline says so on each."""
    import uuid
    from datetime import UTC, datetime

    from app.models import Contact

    policy = load_recovery_policy(path=resource_path("recovery-policy.toml"))
    tenancy_id = w4_case(store)
    workspace = workspace_on(store, date(2026, 3, 21))
    first = record_contact(
        workspace,
        tenancy_id=tenancy_id,
        details=ContactDetails(on=date(2026, 3, 20), how="phone", outcome="no_access"),
    )
    with store.session() as session, session.begin():
        for note in ("from laptop A", "from laptop B"):  # as pulled after both synced
            session.add(
                Contact(
                    id=uuid.uuid4(), tenancy_id=tenancy_id, supersedes_id=first.record_id,
                    on_date=date(2026, 3, 20), how="phone", outcome="card_left", note=note,
                    recorded_at=datetime(2026, 3, 21, 9, tzinfo=UTC), server_seq=9,
                )
            )  # fmt: skip
    case = open_case(workspace, tenancy_id=tenancy_id, policy=policy, as_of=date(2026, 3, 21))
    shown = sorted((e.detail, e.state) for e in case.timeline if e.kind == "contact")
    assert shown == [
        ("from laptop A", "corrected on two laptops: both versions kept"),
        ("from laptop B", "corrected on two laptops: both versions kept"),
    ]
