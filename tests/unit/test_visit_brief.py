"""The visit brief over a real encrypted store, on synthetic cases: warnings first (ended ones
left out, who recorded each), the household with phone and age, the balance and weeks as the
worklist has them, the last contact in force and what changed since, the arrangement kept or
broken, the latest promise judged by F3a, open follow-ups, the last three contacts; and the
order of a day's visits (officer-safety warnings first, then by postcode or street)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain.rent_account import LedgerLine
from app.domain.visit_brief import (
    VisitWarning,
    changes_since,
    order_for_day,
    postcode_key,
    street_key,
)
from app.models import Arrangement, AuditEvent, CaseAction, Contact, Officer, Person, SyncState
from app.paths import data_dir
from app.services.visit_brief import CasesNotOnLaptop, visit_briefs, visit_briefs_for_refs
from app.services.visits import (
    ContactDetails,
    PromiseTerms,
    add_follow_up,
    close_follow_up,
    record_contact,
    withdraw_promise,
)
from app.services.worklist import read_worklist
from app.store.database import LocalStore, open_local_store
from tests.workspaces import add_case, weekly_rent, workspace_on

TODAY = date(2026, 3, 9)  # a Monday
RENT_FROM = date(2026, 1, 5)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    opened = open_local_store(data_dir(tmp_path / "data"))
    yield opened
    opened.close()


def _officer(store: LocalStore) -> uuid.UUID:
    officer_id = uuid.uuid4()
    with store.session() as session, session.begin():
        session.add(Officer(id=officer_id, username="spatel", display_name="Sam Patel"))
        session.add(SyncState(id=1, device_id=uuid.uuid4(), officer_id=officer_id))
    return officer_id


def _household(store: LocalStore, tenancy_id: uuid.UUID) -> None:
    """The lead tenant gets a phone and a birthday; a second member is added."""
    with store.session() as session, session.begin():
        lead = session.scalars(select(Person).where(Person.tenancy_id == tenancy_id)).one()
        lead.first_name, lead.last_name = "Łukasz", "Nguyễn"
        lead.phone, lead.date_of_birth = "07700 900123", date(1984, 3, 10)  # 41 until tomorrow
        session.add(
            Person(
                tenancy_id=tenancy_id,
                ref=f"P2-{tenancy_id.hex[:6]}",
                first_name="Siân",
                last_name="Nguyễn",
                date_of_birth=date(2008, 1, 1),
                email="sian@example.org",
                is_lead=False,
            )
        )


def _action(
    store: LocalStore,
    tenancy_id: uuid.UUID,
    code: str,
    on: date,
    note: str = "",
    *,
    officer_id: uuid.UUID | None = None,
    until: date | None = None,
) -> None:
    with store.session() as session, session.begin():
        session.add(
            CaseAction(
                tenancy_id=tenancy_id,
                ref=f"A-{uuid.uuid4().hex[:8]}",
                on_date=on,
                code=code,
                until=until,
                note=note,
                source="hms" if officer_id is None else "device",
                officer_id=officer_id,
            )
        )


def _one(store: LocalStore, tenancy_id: uuid.UUID, day: date = TODAY):  # type: ignore[no-untyped-def]
    return visit_briefs(workspace_on(store, day), [tenancy_id])[0]


def test_a_case_never_contacted_says_so_and_shows_the_last_28_days(store: LocalStore) -> None:
    lines = [*weekly_rent(RENT_FROM, 10), (date(2026, 2, 20), "PAYMENT", -5000)]
    tenancy_id = add_case(store, "T-NEW", lines=lines)
    brief = _one(store, tenancy_id)
    assert brief.last_contact is None
    assert brief.recent_contacts == ()
    assert brief.last_contact_text == "No contact recorded"
    changes = brief.since_last_contact
    assert not changes.contacted
    assert changes.since == TODAY - timedelta(days=28)
    assert changes.heading == "No contact recorded; the last 28 days"
    # rent on 9, 16, 23 Feb and 2, 9 Mar fall inside; 9 Feb is the window's first day + 1
    assert changes.lines == (
        "Paid £50.00 on 20 Feb 2026",
        "Rent and charges £400.00",
        "Balance £600.00 → £950.00 (up £350.00)",
    )
    assert (changes.paid_pence, changes.charged_pence) == (5000, 40000)
    assert brief.warnings == ()
    assert brief.arrangements == ()
    assert brief.promise is None


def test_balance_and_weeks_are_the_worklists(store: LocalStore) -> None:
    tenancy_id = add_case(store, "T-WEEKS", lines=weekly_rent(RENT_FROM, 10, 12345), rent=12345)
    workspace = workspace_on(store, TODAY)
    brief = visit_briefs(workspace, [tenancy_id])[0]
    item = next(
        i
        for i in read_worklist(workspace, as_of=TODAY, record_view=False).items
        if i.tenancy_id == tenancy_id
    )
    assert brief.balance_pence == item.advice.summary.balance_pence == 123450
    assert brief.weeks_in_arrears == item.advice.summary.weeks_in_arrears == Decimal("10.00")
    assert brief.balance_text == "Arrears £1,234.50 (10.00 weeks)"
    assert (brief.tenure, brief.tenure_label) == ("secure", "Secure tenancy")
    assert (brief.address, brief.postcode) == ("1 Example Row, Testtown", "TE1 1ST")


def test_the_household_with_phone_email_and_age(store: LocalStore) -> None:
    tenancy_id = add_case(store, "T-HOME", lines=weekly_rent(RENT_FROM, 2))
    _household(store, tenancy_id)
    lead, other = _one(store, tenancy_id).household
    assert (lead.name, lead.is_lead, lead.age, lead.phone) == (
        "Ms Łukasz Nguyễn",
        True,
        41,
        "07700 900123",
    )
    assert lead.line == "Ms Łukasz Nguyễn (lead tenant, 41) 07700 900123"
    assert (other.name, other.age, other.phone, other.email) == (
        "Siân Nguyễn",
        18,
        "",
        "sian@example.org",
    )
    assert _one(store, tenancy_id, TODAY + timedelta(days=1)).household[0].age == 42


def test_warnings_safety_first_ended_ones_left_out_with_who_recorded_them(
    store: LocalStore,
) -> None:
    officer_id = _officer(store)
    tenancy_id = add_case(store, "T-WARN", lines=weekly_rent(RENT_FROM, 10))
    _action(store, tenancy_id, "vulnerability", date(2026, 1, 10), "Hearing impaired: text first")
    _action(store, tenancy_id, "safety_warning", date(2026, 1, 12), "Old warning")
    _action(store, tenancy_id, "safety_warning_ended", date(2026, 2, 1))
    _action(
        store,
        tenancy_id,
        "safety_warning",
        date(2026, 2, 3),
        "Aggressive dog; visit in pairs",
        officer_id=officer_id,
    )
    _action(store, tenancy_id, "breathing_space_start", date(2026, 3, 2))
    _action(store, tenancy_id, "safety_warning", TODAY + timedelta(days=1), "Not yet")
    warnings = _one(store, tenancy_id).warnings
    assert [w.kind for w in warnings] == ["safety", "vulnerability", "breathing_space"]
    safety, vulnerable, breathing = warnings
    assert safety == VisitWarning(
        "safety", "Aggressive dog; visit in pairs", date(2026, 2, 3), "Sam Patel"
    )
    assert safety.line == (
        "Officer safety: Aggressive dog; visit in pairs (since 3 Feb 2026, recorded by Sam Patel)"
    )
    assert (vulnerable.text, vulnerable.recorded_by) == ("Hearing impaired: text first", "the HMS")
    assert breathing.on == date(2026, 3, 2)
    assert breathing.text.startswith("standard, until 30 Apr 2026: no enforcement")
    # the vulnerability ends: it goes
    _action(store, tenancy_id, "vulnerability_ended", TODAY)
    assert [w.kind for w in _one(store, tenancy_id).warnings] == ["safety", "breathing_space"]


def test_last_contact_in_force_and_what_changed_since(store: LocalStore) -> None:
    _officer(store)
    lines = [
        *weekly_rent(RENT_FROM, 10),
        (date(2026, 2, 20), "PAYMENT", -2500),  # on the contact's day: before "since"
        (date(2026, 2, 23), "PAYMENT", -3000),
        (date(2026, 3, 2), "HB", -4000),
        (date(2026, 3, 4), "PAYMENT", 3000),  # the 23 Feb payment bounced
    ]
    tenancy_id = add_case(store, "T-SINCE", lines=lines)
    workspace = workspace_on(store, TODAY)
    first = record_contact(
        workspace,
        tenancy_id=tenancy_id,
        details=ContactDetails(on=date(2026, 2, 13), how="phone", outcome="no_access"),
    )
    record_contact(
        workspace,
        tenancy_id=tenancy_id,
        details=ContactDetails(on=date(2026, 2, 20), how="home_visit", outcome="card_left"),
    )
    # the first contact is corrected: only the new version counts
    record_contact(
        workspace,
        tenancy_id=tenancy_id,
        details=ContactDetails(
            on=date(2026, 2, 13), how="phone", outcome="spoke_to_tenant", spoke_to_name="Her son"
        ),
        supersedes_id=first.record_id,
    )
    brief = _one(store, tenancy_id)
    assert brief.last_contact is not None
    assert (brief.last_contact.on, brief.last_contact.how_label) == (
        date(2026, 2, 20),
        "Home visit",
    )
    assert brief.last_contact.recorded_by == "Sam Patel"
    assert brief.last_contact_text == "20 Feb 2026, Home visit: Card left (by Sam Patel)"
    assert [(c.on, c.outcome) for c in brief.recent_contacts] == [
        (date(2026, 2, 20), "card_left"),
        (date(2026, 2, 13), "spoke_to_tenant"),
    ]
    assert brief.recent_contacts[1].spoke_to == "Her son"
    changes = brief.since_last_contact
    assert changes.heading == "Since the last contact on 20 Feb 2026"
    assert changes.lines == (
        "Paid £30.00 on 23 Feb 2026",
        "Housing Benefit £40.00 on 2 Mar 2026",
        "Payment reversed £30.00 on 4 Mar 2026",
        "Rent and charges £300.00",
        "Balance £675.00 → £935.00 (up £260.00)",
    )


def test_only_the_last_three_contacts_newest_first(store: LocalStore) -> None:
    tenancy_id = add_case(store, "T-MANY", lines=weekly_rent(RENT_FROM, 10))
    workspace = workspace_on(store, TODAY)
    for day in (2, 3, 4, 5, 6):
        record_contact(
            workspace,
            tenancy_id=tenancy_id,
            details=ContactDetails(
                on=date(2026, 3, day), how="text", outcome="no_access", note=f"try {day}"
            ),
        )
    brief = _one(store, tenancy_id)
    assert [c.note for c in brief.recent_contacts] == ["try 6", "try 5", "try 4"]


def test_many_payments_are_summed_beyond_five_lines() -> None:
    lines = [LedgerLine(date(2026, 3, d), "PAYMENT", -100) for d in range(1, 9)]
    changes = changes_since(lines, last_contact=date(2026, 2, 27), as_of=date(2026, 3, 9))
    assert changes.lines[0] == "4 earlier payments £4.00 (1 Mar 2026 to 4 Mar 2026)"
    assert len(changes.lines) == 6  # the summary, four payments, the balance
    assert changes_since([], last_contact=None, as_of=TODAY).lines == (
        "No payments received",
        "Balance £0.00 → £0.00 (no change)",
    )


def test_the_live_arrangement_kept_and_broken(store: LocalStore) -> None:
    lines = [*weekly_rent(RENT_FROM, 10), (date(2026, 2, 2), "PAYMENT", -12500)]
    tenancy_id = add_case(store, "T-ARR", lines=lines)
    with store.session() as session, session.begin():
        session.add(
            Arrangement(
                tenancy_id=tenancy_id,
                ref="ARR-1",
                kind="informal",
                start_date=date(2026, 2, 2),
                frequency="weekly",
                instalment_pence=2500,
                starting_balance_pence=40000,
                status="live",
            )
        )
    kept = _one(store, tenancy_id, date(2026, 2, 3)).arrangement
    assert kept is not None
    assert kept.kept
    assert kept.text == (
        "£25.00 a week off the arrears on top of the rent (£125.00 a week in all), "
        "from 2 Feb 2026; arrangement ARR-1"
    )
    assert kept.state_text == "Kept; next due 9 Feb 2026"
    broken = _one(store, tenancy_id).arrangement
    assert broken is not None
    assert not broken.kept
    assert broken.state_text.startswith("Broken: £")
    assert "behind since" in broken.state_text


def test_the_latest_promise_in_force_judged_with_two_days_grace(store: LocalStore) -> None:
    lines = [*weekly_rent(RENT_FROM, 10), (date(2026, 3, 8), "PAYMENT", -5000)]
    tenancy_id = add_case(store, "T-PROM", lines=lines)
    workspace = workspace_on(store, date(2026, 3, 2))

    def promise(amount: int) -> None:
        record_contact(
            workspace,
            tenancy_id=tenancy_id,
            details=ContactDetails(
                on=date(2026, 3, 2),
                how="phone",
                outcome="promise_to_pay",
                promise=PromiseTerms(amount, date(2026, 3, 6)),
            ),
        )

    promise(5000)
    kept = _one(store, tenancy_id, TODAY).promise
    assert kept is not None
    assert kept.state == "kept"
    assert kept.text == "£50.00 by 6 Mar 2026 (promised 2 Mar 2026): kept"
    pending = _one(store, tenancy_id, date(2026, 3, 7)).promise
    assert pending is not None
    assert pending.state == "pending"
    assert pending.text.endswith("pending, payments count to 8 Mar 2026")
    # a later, larger promise is the latest; withdrawn, the earlier one is the latest again
    promise(9000)
    later = _one(store, tenancy_id, TODAY).promise
    assert later is not None
    assert (later.state, later.paid_pence) == ("broken", 5000)
    withdraw_promise(workspace, promise_id=later.id)
    again = _one(store, tenancy_id, TODAY).promise
    assert again is not None
    assert again.amount_pence == 5000


def test_open_follow_ups_only_soonest_first(store: LocalStore) -> None:
    tenancy_id = add_case(store, "T-FOLLOW", lines=weekly_rent(RENT_FROM, 10))
    workspace = workspace_on(store, date(2026, 3, 2))
    later = add_follow_up(
        workspace, tenancy_id=tenancy_id, due_on=date(2026, 3, 20), task="Check DHP decision"
    )
    add_follow_up(workspace, tenancy_id=tenancy_id, due_on=date(2026, 3, 6), task="Call back")
    add_follow_up(workspace, tenancy_id=tenancy_id, due_on=TODAY, task="Visit")
    done = add_follow_up(workspace, tenancy_id=tenancy_id, due_on=date(2026, 3, 4), task="Done")
    close_follow_up(workspace, follow_up_id=done.record_id)
    follow_ups = _one(store, tenancy_id).follow_ups
    assert [(f.task, f.state) for f in follow_ups] == [
        ("Call back", "overdue"),
        ("Visit", "due"),
        ("Check DHP decision", "later"),
    ]
    assert follow_ups[0].text == "Call back, due 6 Mar 2026 (overdue)"
    assert follow_ups[2].id == later.record_id


def test_cases_not_on_the_laptop_are_refused_by_name_and_nothing_is_read(
    store: LocalStore,
) -> None:
    tenancy_id = add_case(store, "T-HERE", lines=weekly_rent(RENT_FROM, 2))
    workspace = workspace_on(store, TODAY)
    gone = uuid.uuid4()
    with pytest.raises(CasesNotOnLaptop) as refused:
        visit_briefs(workspace, [tenancy_id, gone])
    assert refused.value.missing == (str(gone),)
    with pytest.raises(CasesNotOnLaptop, match="not in your caseload on this laptop: T-NO, T-NOT"):
        visit_briefs_for_refs(workspace, ["T-HERE", "T-NO", "T-NOT"])
    with store.session() as session:
        assert list(session.scalars(select(AuditEvent))) == []


def test_briefs_come_in_the_order_asked_and_each_read_is_audited(store: LocalStore) -> None:
    first = add_case(store, "T-A", lines=weekly_rent(RENT_FROM, 2))
    second = add_case(store, "T-B", lines=weekly_rent(RENT_FROM, 2))
    briefs = visit_briefs_for_refs(workspace_on(store, TODAY), ["T-B", " T-A", "T-B"])
    assert [b.ref for b in briefs] == ["T-B", "T-A"]
    with store.session() as session:
        events = list(session.scalars(select(AuditEvent)))
    assert sorted((e.event, str(e.entity_id), e.detail["for"]) for e in events) == sorted(
        [("case.viewed", str(second), "visit_brief"), ("case.viewed", str(first), "visit_brief")]
    )
    assert visit_briefs(workspace_on(store, TODAY), []) == []


# -- the order of a day's visits -----------------------------------------------------------------


@dataclass(frozen=True)
class _Stop:
    ref: str
    address: str
    postcode: str
    warnings: tuple[VisitWarning, ...] = ()


_DOG = (VisitWarning("safety", "Dog", None, ""),)
_NEEDS = (VisitWarning("vulnerability", "Hearing", None, ""),)


def test_a_day_puts_safety_warnings_first_then_postcode_or_street() -> None:
    stops = [
        _Stop("A", "9 Zebra Road, Town", "TE10 1AA"),
        _Stop("B", "2 Mill Lane, Town", "TE2 1AA"),
        _Stop("C", "Flat 3, 12 Mill Lane, Town", "TE2 1AB", _NEEDS),
        _Stop("D", "1 Apple Street, Town", "TE2 9ZZ", _DOG),
        _Stop("E", "10 Mill Lane, Town", "TE1 1ST"),
    ]
    assert [s.ref for s in order_for_day(stops, by="postcode")] == ["D", "E", "B", "C", "A"]
    assert [s.ref for s in order_for_day(stops, by="street")] == ["D", "B", "E", "C", "A"]
    with pytest.raises(ValueError, match="order"):
        order_for_day(stops, by="colour")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("Flat 2, 14a Mill Lane, Testtown", ("mill lane", 14, "a flat 2")),
        (
            "Flat 3, Ångström House\n12 Mill Lane\nNorthtown",
            ("mill lane", 12, "flat 3 ångström house"),
        ),
        ("14\nMill Lane", ("mill lane", 14, "")),
        ("Rose Cottage, Mill Lane, Town", ("mill lane", 0, "rose cottage")),
        ("", ("", 0, "")),
    ],
)
def test_the_street_of_an_address(address: str, key: tuple[str, int, str]) -> None:
    assert street_key(address) == key


def test_postcodes_in_round_order() -> None:
    codes = ["TE10 1AA", "", "te2 1aa", "TE1 1ST", "AB1 2CD"]
    assert sorted(codes, key=postcode_key) == ["AB1 2CD", "TE1 1ST", "te2 1aa", "TE10 1AA", ""]


def test_a_record_the_central_store_refused_neither_counts_nor_supersedes(
    store: LocalStore,
) -> None:
    tenancy_id = add_case(store, "T-REFUSED", lines=weekly_rent(RENT_FROM, 10))
    workspace = workspace_on(store, TODAY)
    kept = record_contact(
        workspace,
        tenancy_id=tenancy_id,
        details=ContactDetails(on=date(2026, 3, 2), how="phone", outcome="no_access"),
    )
    correction = record_contact(
        workspace,
        tenancy_id=tenancy_id,
        details=ContactDetails(on=date(2026, 3, 3), how="letter", outcome="card_left"),
        supersedes_id=kept.record_id,
    )
    with store.session() as session, session.begin():
        refused = session.get(Contact, correction.record_id)
        assert refused is not None
        refused.sync_problem = "refused: the case has left your caseload"
    brief = _one(store, tenancy_id)
    assert [c.id for c in brief.recent_contacts] == [kept.record_id]


def test_the_promise_agrees_with_the_worklist(store: LocalStore) -> None:
    lines = [*weekly_rent(RENT_FROM, 10), (date(2026, 3, 4), "PAYMENT", -2000)]
    tenancy_id = add_case(store, "T-AGREE", lines=lines)
    record_contact(
        workspace_on(store, date(2026, 3, 2)),
        tenancy_id=tenancy_id,
        details=ContactDetails(
            on=date(2026, 3, 2),
            how="phone",
            outcome="promise_to_pay",
            promise=PromiseTerms(5000, date(2026, 3, 5)),
        ),
    )
    for day in (date(2026, 3, 6), date(2026, 3, 8)):
        workspace = workspace_on(store, day)
        item = next(
            i
            for i in read_worklist(workspace, as_of=day, record_view=False).items
            if i.tenancy_id == tenancy_id
        )
        brief = visit_briefs(workspace, [tenancy_id])[0]
        assert brief.promise is not None
        assert brief.promise.state == item.advice.promise
