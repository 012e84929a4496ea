"""The SFS v1.1 data-entry document: export validates, import keeps every figure, round trips."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.sfs import GROUPS, HEADINGS, Frequency, Household, Line, NonPriorityDebt
from app.domain.sfs_document import (
    EMPLOYMENT_STATUSES,
    RENT_ARREARS_NOTE,
    TENURES,
    Client,
    Partner,
    SfsDocumentError,
    SfsStatement,
    dumps_document,
    export_document,
    pounds,
)
from app.schemas.sfs_document import import_document, validate_document
from tests.unit.sfs_examples import W1_DATE, w1_assessment

CLIENT = Client(
    name="Alex Example",
    date_of_birth=date(1988, 5, 14),
    address="1 Fictional Row, Testtown TT1 1AA",
    joint=True,
    employment=("Part-time",),
    tenure="Tenant - social",
    partner=Partner(name="Sam Example", employment=("Carer",)),
)


def w1_statement(**changes) -> SfsStatement:
    fields = {
        "assessment": w1_assessment(rent_offer_pence=4333),
        "client": CLIENT,
        "landlord": "Testshire Homes",
        "rent_arrears_pence": 60000,
    }
    fields.update(changes)
    return SfsStatement(**fields)


def as_json(text: str, *, exact: bool = True) -> dict:
    return json.loads(text, parse_float=Decimal) if exact else json.loads(text)


def test_pounds_are_exact_with_two_decimals():
    assert [str(pounds(p)) for p in (48750, 0, 5, -12345, 100)] == [
        "487.50",
        "0.00",
        "0.05",
        "-123.45",
        "1.00",
    ]


def test_w1_exports_a_valid_document_with_every_figure():
    doc = export_document(w1_statement())
    assert validate_document(doc) == []
    assert doc["overview"] == {
        "total-monthly-income": Decimal("1957.63"),
        "total-monthly-outgoings": Decimal("1701.70"),
        "income-minus-outgoings": Decimal("255.93"),
        "savings-contribution": Decimal("20.00"),
        "debt-admin-fee": Decimal("0.00"),
        "total-available-for-priority-debts": Decimal("235.93"),
        "total-available-for-non-priority-debts": Decimal("147.60"),
    }
    income = doc["monthly-income"]
    assert income["benefits"]["child-benefit"] == {"monthly-amount": Decimal("187.63")}
    assert income["benefits"]["total-benefits"] == Decimal("1007.63")
    assert income["total-monthly-income"] == Decimal("1957.63")
    fixed = doc["monthly-outgoings"]["fixed-costs"]
    assert fixed["home-contents"]["rent"] == {"monthly-amount": Decimal("487.50")}
    assert fixed["total-fixed-costs"] == Decimal("953.37")
    assert fixed["other-essential"] == {
        "other-essential-costs": [],
        "total-other-essential": Decimal("0.00"),
    }
    flexible = doc["monthly-outgoings"]["flexible-costs"]
    assert flexible["food-housekeeping"]["groceries"] == {
        "monthly-amount": Decimal("563.33"),
        "notes": "family of four",
    }
    assert flexible["total-flexible-costs"] == Decimal("748.33")
    assert doc["monthly-outgoings"]["total-monthly-outgoings"] == Decimal("1701.70")
    debts = doc["debts"]
    assert debts["priority-debts"][0] == {
        "creditor": "Testshire Homes",
        "amount-owed": Decimal("600.00"),
        "repayment-offer": Decimal("43.33"),
        "notes": RENT_ARREARS_NOTE,
    }
    assert debts["total-priority-debt-offers"] == Decimal("88.33")
    assert debts["total-priority-debts"] == Decimal("600.00")
    assert debts["total-available-for-non-priority-debts"] == Decimal("147.60")
    assert debts["debt-admin-fee"] == {"monthly-amount": Decimal("0.00")}
    assert doc["savings"] == {
        "savings-contribution": Decimal("20.00"),
        "savings-contribution-considered": False,
    }
    assert doc["client-date-of-birth"] == "1988-05-14T00:00:00+00:00"
    assert doc["total-number-in-household"] == 4
    assert doc["is-joint-application"] is True
    assert doc["partner-name"] == "Sam Example"
    assert doc["partner-employment-status"] == ["Carer"]
    assert "partner-date-of-birth" not in doc


def test_every_group_holds_every_field_zero_where_nothing_was_entered():
    doc = export_document(w1_statement())
    bodies = {
        "income": doc["monthly-income"],
        "fixed": doc["monthly-outgoings"]["fixed-costs"],
        "flexible": doc["monthly-outgoings"]["flexible-costs"],
    }
    for group in GROUPS:
        body = bodies[group.section][group.key]
        expected = {h.key for h in group.headings} | {group.total_key}
        assert set(body) == expected, group.key
        if not group.listed:
            for heading in group.headings:
                assert "monthly-amount" in body[heading.key]
    assert bodies["income"]["pensions"]["state-pensions"] == {"monthly-amount": Decimal("0.00")}


def test_amounts_are_written_with_two_decimals():
    text = dumps_document(export_document(w1_statement()))
    counts = {
        "dependent-children-under-16",
        "dependent-children-16-18",
        "other-dependents",
        "non-dependents",
        "total-number-in-household",
        "vehicles",
    }
    amounts = [
        m.group(2)
        for m in re.finditer(r'"([a-z0-9-]+)": (-?[0-9][0-9.]*)', text)
        if m.group(1) not in counts
    ]
    assert len(amounts) > 100
    assert all(re.fullmatch(r"-?\d+\.\d\d", a) for a in amounts), amounts
    assert '"monthly-amount": 487.50' in text
    assert '"monthly-amount": 0.00' in text


def test_export_import_export_is_byte_identical():
    first = dumps_document(export_document(w1_statement()))
    for exact in (True, False):  # Decimal or float parsing: the same figures come back
        statement = import_document(as_json(first, exact=exact), assessed_on=W1_DATE)
        assert dumps_document(export_document(statement)) == first


def test_import_keeps_every_figure():
    doc = as_json(dumps_document(export_document(w1_statement())))
    statement = import_document(doc, assessed_on=W1_DATE)
    a = statement.assessment
    assert a.household == Household(adults=2, children_under_16=2)
    assert a.rent_offer_pence == 4333
    assert statement.landlord == "Testshire Homes"
    assert statement.rent_arrears_pence == 60000
    assert [(d.creditor, d.offer_pence) for d in a.priority_debts] == [
        ("Council tax", 3000),
        ("Energy", 1500),
    ]
    assert all(line.frequency is Frequency.MONTHLY for line in a.lines)
    by_heading = {line.heading: line for line in a.lines}
    assert by_heading["child-benefit"].amount_pence == 18763
    assert by_heading["groceries"].amount_pence == 56333
    assert by_heading["groceries"].note == "family of four"
    assert statement.client == CLIENT
    assert statement.assessment.assessed_on == W1_DATE


def test_lines_under_one_heading_export_as_their_sum_with_notes_joined():
    assessment = w1_assessment(
        lines=(
            Line("mobile-phone", 2000, note="client"),
            Line("mobile-phone", 1500, note="partner"),
            Line("other-essential-costs", 1200, note="prescription prepayment"),
            Line("other-essential-costs", 0, note="nothing else"),
        )
    )
    doc = export_document(w1_statement(assessment=assessment))
    assert validate_document(doc) == []
    comms = doc["monthly-outgoings"]["flexible-costs"]["communications-leisure"]
    assert comms["mobile-phone"] == {"monthly-amount": Decimal("35.00"), "notes": "client; partner"}
    essential = doc["monthly-outgoings"]["fixed-costs"]["other-essential"]
    assert essential["other-essential-costs"] == [
        {"monthly-amount": Decimal("12.00"), "notes": "prescription prepayment"},
        {"monthly-amount": Decimal("0.00"), "notes": "nothing else"},
    ]
    assert essential["total-other-essential"] == Decimal("12.00")
    text = dumps_document(doc)
    again = dumps_document(export_document(import_document(as_json(text), assessed_on=W1_DATE)))
    assert again == text


def test_a_negative_budget_exports_negative_totals_and_still_validates():
    assessment = w1_assessment(lines=(Line("rent", 50000, Frequency.WEEKLY),))
    doc = export_document(w1_statement(assessment=assessment))
    assert validate_document(doc) == []
    assert doc["overview"]["income-minus-outgoings"] == Decimal("-2166.67")


# --- validation ---------------------------------------------------------------------------------


def _broken(change) -> list[str]:
    doc = as_json(dumps_document(export_document(w1_statement())))
    change(doc)
    return validate_document(doc)


def _set(path: str, value):
    def change(doc):
        *parents, last = path.split("/")
        node = doc
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[last] = value

    return change


def _delete(path: str):
    def change(doc):
        *parents, last = path.split("/")
        node = doc
        for key in parents:
            node = node[key]
        del node[last]

    return change


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (_delete("client-name"), "client-name: missing (required)"),
        (_delete("vehicles"), "vehicles: missing (required)"),
        (_set("housing-tenure", "Council"), "housing-tenure: must be one of 'Owner'"),
        (_set("client-employment-status", []), "client-employment-status: must be a list"),
        (_set("client-date-of-birth", "14/05/1988"), "client-date-of-birth: must be an ISO"),
        (_set("is-joint-application", "yes"), "is-joint-application: must be true or false"),
        (_set("vehicles", -1), "vehicles: must be a whole number >= 0"),
        (_set("total-number-in-household", 2), "total-number-in-household: is 2 but"),
        (_set("surprise", 1), "surprise: unknown field"),
        (
            _delete("monthly-income/benefits/child-benefit"),
            "monthly-income.benefits.child-benefit: missing (required)",
        ),
        (
            _set("monthly-income/benefits/child-benefit/monthly-amount", Decimal("187.635")),
            "monthly-income.benefits.child-benefit.monthly-amount: must be an amount with at most "
            "two decimals",
        ),
        (
            _set("monthly-income/benefits/child-benefit/monthly-amount", "187.63"),
            "monthly-income.benefits.child-benefit.monthly-amount: must be an amount",
        ),
        (
            _set("monthly-income/benefits/child-benefit/monthly-amount", Decimal("-1.00")),
            "monthly-income.benefits.child-benefit.monthly-amount: must not be negative",
        ),
        (
            _set("monthly-income/benefits/total-benefits", Decimal("1007.64")),
            "monthly-income.benefits.total-benefits: is 1007.64 but the sum of its fields is "
            "1007.63",
        ),
        (
            _set("monthly-income/total-monthly-income", Decimal("1957.00")),
            "monthly-income.total-monthly-income: is 1957.00 but the sum of its groups is 1957.63",
        ),
        (
            _set("monthly-outgoings/total-monthly-outgoings", Decimal("1.00")),
            "monthly-outgoings.total-monthly-outgoings: is 1.00 but fixed plus flexible costs",
        ),
        (
            _set("monthly-outgoings/fixed-costs/home-contents/rent/colour", "red"),
            "monthly-outgoings.fixed-costs.home-contents.rent.colour: unknown field",
        ),
        (
            _set("overview/total-available-for-priority-debts", Decimal("157.59")),
            "overview.total-available-for-priority-debts: is 157.59 but income - outgoings - "
            "savings - admin fee is 235.93",
        ),
        (
            _set("debts/total-priority-debt-offers", Decimal("1.00")),
            "debts.total-priority-debt-offers: is 1.00 but the sum offered is 88.33",
        ),
        (
            _set("debts/priority-debts/0/amount-owed", Decimal("1.00")),
            "debts.total-priority-debts: is 600.00 but the sum owed is 1.00",
        ),
        (_delete("debts/debt-admin-fee"), "debts.debt-admin-fee: missing (required)"),
        (
            _set("savings/savings-contribution-considered", 1),
            "savings.savings-contribution-considered: must be true or false",
        ),
        (_set("additional-notes", [1]), "additional-notes: must be a list of strings"),
    ],
)
def test_validation_finds_each_broken_rule(change, problem):
    problems = _broken(change)
    assert any(p.startswith(problem) for p in problems), problems


def test_import_refuses_an_invalid_document_listing_every_problem():
    doc = as_json(dumps_document(export_document(w1_statement())))
    del doc["client-name"]
    doc["monthly-income"]["earnings"]["total-earnings"] = Decimal("1.00")
    with pytest.raises(SfsDocumentError) as caught:
        import_document(doc, assessed_on=W1_DATE)
    assert len(caught.value.problems) >= 2
    assert "client-name: missing (required)" in caught.value.problems
    assert validate_document([]) == ["(document): must be an object"]


def test_a_sparse_document_from_elsewhere_imports():
    doc = {
        "client-name": "Jo Fictional",
        "client-date-of-birth": "1975-12-25T00:00:00-0000",
        "is-joint-application": False,
        "client-address": "2 Nowhere Lane",
        "dependent-children-under-16": 1,
        "dependent-children-16-18": 0,
        "other-dependents": 0,
        "non-dependents": 1,
        "total-number-in-household": 3,
        "vehicles": 1,
        "housing-tenure": "Tenant - social",
        "client-employment-status": ["Full-time"],
        "monthly-income": {
            "earnings": {
                "client-salary-or-wages": {"monthly-amount": 1500},
                "partner-salary-or-wages": {"monthly-amount": 0},
                "other-earnings": {"monthly-amount": 0.5},
                "total-earnings": 1500.5,
            },
            "total-monthly-income": 1500.5,
        },
        "debts": {
            "debt-admin-fee": {"monthly-amount": 0},
            "total-available-for-priority-debts": 1500.5,
            "priority-debts": [],
            "total-priority-debts": 0,
            "total-priority-debt-offers": 0,
            "total-available-for-non-priority-debts": 1500.5,
            "non-priority-debts": [
                {"creditor": "Card Co", "amount-owed": 900.1, "repayment-offer": 5, "ccj": True}
            ],
            "total-non-priority-debts": 900.1,
        },
    }
    assert validate_document(doc) == []
    statement = import_document(doc, assessed_on=date(2026, 3, 1))
    a = statement.assessment
    assert a.household == Household(adults=1, children_under_16=1, non_dependants=1, vehicles=1)
    assert [(x.heading, x.amount_pence) for x in a.lines] == [
        ("client-salary-or-wages", 150000),
        ("other-earnings", 50),
    ]
    assert a.non_priority_debts == (NonPriorityDebt("Card Co", 90010, 500, True),)
    assert statement.client.date_of_birth == date(1975, 12, 25)
    assert statement.client.partner is None
    assert a.rent_offer_pence is None


def test_dumps_refuses_floats_and_sorts_keys():
    assert dumps_document({"b": [Decimal("1.50"), None, True], "a": "£"}) == (
        '{"a": "£", "b": [1.50, null, true]}'
    )
    with pytest.raises(TypeError, match="never a float"):
        dumps_document({"a": 1.5})


def test_a_joint_application_needs_two_adults():
    statement = w1_statement(assessment=w1_assessment(household=Household(adults=1)))
    with pytest.raises(SfsDocumentError, match="joint application needs 2 adults"):
        export_document(statement)


def test_the_client_block_takes_only_the_formats_values():
    assert "Tenant - social" in TENURES
    assert "Part-time" in EMPLOYMENT_STATUSES
    with pytest.raises(SfsDocumentError, match="tenure"):
        Client("x", date(1990, 1, 1), "x", False, ("Part-time",), "Council tenant")
    with pytest.raises(SfsDocumentError, match="employment"):
        Client("x", date(1990, 1, 1), "x", False, ("Zero-hours",), "Owner")
    with pytest.raises(SfsDocumentError, match="at least one"):
        Client("x", date(1990, 1, 1), "x", False, (), "Owner")


# --- property: any statement round-trips unchanged ------------------------------------------------

_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
_statements = st.builds(
    lambda lines, savings, fee, offers, rent, kids, note, considered: w1_statement(
        assessment=w1_assessment(
            lines=tuple(lines),
            savings_pence=savings,
            admin_fee_pence=fee,
            rent_offer_pence=rent,
            household=Household(adults=2, children_under_16=kids),
            non_priority_debts=tuple(
                NonPriorityDebt(f"c{i}", o * 7, o, i % 2 == 0) for i, o in enumerate(offers)
            ),
        ),
        admin_fee_note=note,
        savings_considered=considered,
    ),
    st.lists(
        st.builds(
            Line,
            st.sampled_from(sorted(HEADINGS)),
            st.integers(min_value=0, max_value=10**8),
            st.sampled_from(list(Frequency)),
            _text,
        ),
        max_size=25,
    ),
    st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=0, max_value=10**6),
    st.lists(st.integers(min_value=0, max_value=10**6), max_size=3),
    st.none() | st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=0, max_value=6),
    _text,
    st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(_statements)
def test_any_export_validates_and_round_trips_byte_for_byte(statement):
    doc = export_document(statement)
    assert validate_document(doc) == []
    text = dumps_document(doc)
    again = import_document(as_json(text), assessed_on=W1_DATE)
    assert dumps_document(export_document(again)) == text
    reread = as_json(text)
    assert validate_document(copy.deepcopy(reread)) == []
