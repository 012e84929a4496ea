"""``calc ie``: income and expenditure on the SFS (docs/rules.md A1-A7, W1, W2; docs/calc.md).

A thin wrapper over :mod:`app.domain.sfs` (the figures), :mod:`app.domain.guidelines` (the
flags) and :mod:`app.domain.sfs_document` (``--format sfs``).

Input: docs/calc.md's document. Beyond it, all optional:

- ``priority_debts``: the other priority debts in full, ``{"creditor", "owed_pence",
  "offer_pence", "note"}`` (``priority_offers_pence`` gives bare offers; both may be used, bare
  offers first);
- ``non_priority_debts``: ``{"creditor", "owed_pence", "offer_pence", "ccj", "note"}``;
- ``rent_offer``: the offer agreed off the rent arrears, ``{"amount_pence", "frequency",
  "owed_pence", "creditor"}``; ``available_for_non_priority_pence`` takes it off (W1: £10 a
  week -> £43.33 a month -> £147.60 left);
- ``guidelines``: the licensed table's rows, ``{"category", "household_key", "amount_pence",
  "effective_from"}``, or ``guidelines_csv``: the CSV text (app.domain.guidelines); the table in
  force on ``date`` is used; without one, ``guideline_flags`` is the warning
  ``[{"warning": "no guideline table"}]``;
- for ``--format sfs``: ``client`` (required then), ``savings_considered``,
  ``admin_fee_note``, ``notes``.

Output (json): docs/calc.md's keys, ``other_priority_offers_pence``, ``rent_offer_monthly_pence``,
``available_for_non_priority_pence``, ``shortfall`` and ``drivers`` (what drives a negative
budget), ``groups_pence``, ``lines`` (each with its ``monthly_pence``), ``guidelines_pence``,
``guideline_table`` (its ``effective_from``) and ``explain``: for each total, the signed parts
that sum to it.

Threading: pure; safe anywhere.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from app.calc.errors import CalcInputError
from app.calc.fields import Day
from app.calc.inputs import StrictInput, parse_model
from app.domain import guidelines as gl
from app.domain import sfs
from app.domain import sfs_document as doc
from app.domain.money import MAX_WRITTEN_PENCE
from app.pydantic_once import AfterValidator, Field

FrequencyIn = Literal[
    "weekly", "fortnightly", "four-weekly", "four_weekly", "monthly", "quarterly", "annual"
]
Employment = Literal[doc.EMPLOYMENT_STATUSES]  # type: ignore[valid-type]
Tenure = Literal[doc.TENURES]  # type: ignore[valid-type]
Category = Literal[gl.CATEGORIES]  # type: ignore[valid-type]
HouseholdKey = Literal[gl.HOUSEHOLD_KEYS]  # type: ignore[valid-type]


def _not_negative(value: int) -> int:
    if value < 0:
        raise ValueError(f"must be 0 or more (got {value})")
    if value > MAX_WRITTEN_PENCE:
        raise ValueError(f"must be at most {MAX_WRITTEN_PENCE:,} (got {value:,})")
    return value


def _at_least_one(value: int) -> int:
    if value < 1:
        raise ValueError(f"must be 1 or more (got {value})")
    return value


def _sfs_heading(value: str) -> str:
    if value not in sfs.HEADINGS:
        raise ValueError(f"{value!r} is not an SFS heading (docs/calc.md lists them)")
    return value


Pence = Annotated[int, AfterValidator(_not_negative)]
Count = Annotated[int, AfterValidator(_not_negative)]
HeadingKey = Annotated[str, AfterValidator(_sfs_heading)]


class HouseholdIn(StrictInput):
    """Who lives there: every count is required."""

    adults: Annotated[int, AfterValidator(_at_least_one)]
    children_under_16: Count
    children_16_18: Count
    other_dependants: Count
    non_dependants: Count
    vehicles: Count


class LineIn(StrictInput):
    """One amount under an SFS heading, at its own frequency."""

    heading: HeadingKey
    amount_pence: Pence
    frequency: FrequencyIn
    note: str = ""


class PriorityDebtIn(StrictInput):
    """Another priority debt (monthly offer)."""

    creditor: str
    owed_pence: Pence = 0
    offer_pence: Pence = 0
    note: str = ""


class NonPriorityDebtIn(StrictInput):
    """A non-priority debt (monthly offer), with its county court judgment flag."""

    creditor: str
    owed_pence: Pence = 0
    offer_pence: Pence = 0
    ccj: bool = False
    note: str = ""


class RentOfferIn(StrictInput):
    """The offer agreed off the rent arrears, at its own frequency."""

    amount_pence: Pence
    frequency: FrequencyIn
    owed_pence: Pence = 0
    creditor: str = ""


class GuidelineRowIn(StrictInput):
    """One figure of the licensed guideline table."""

    category: Category
    household_key: HouseholdKey
    amount_pence: Pence
    effective_from: Day


class PartnerIn(StrictInput):
    """The partner's details for the SFS document."""

    name: str = ""
    date_of_birth: Day | None = None
    employment: list[Employment] = Field(default_factory=list)
    employment_other: str = ""


class ClientIn(StrictInput):
    """The SFS client block (``--format sfs``)."""

    name: str
    date_of_birth: Day
    address: str
    joint: bool
    employment: Annotated[list[Employment], Field(min_length=1)]
    tenure: Tenure
    employment_other: str = ""
    tenure_other: str = ""
    partner: PartnerIn | None = None
    asset_use_considered: bool | None = None


class IeIn(StrictInput):
    """The ``ie`` input document."""

    date: Day
    household: HouseholdIn
    lines: list[LineIn]
    savings_pence: Pence = 0
    admin_fee_pence: Pence = 0
    priority_offers_pence: list[Pence] = Field(default_factory=list)
    priority_debts: list[PriorityDebtIn] = Field(default_factory=list)
    non_priority_debts: list[NonPriorityDebtIn] = Field(default_factory=list)
    rent_offer: RentOfferIn | None = None
    guidelines: list[GuidelineRowIn] | None = None
    guidelines_csv: str | None = None
    client: ClientIn | None = None
    savings_considered: bool = False
    admin_fee_note: str = ""
    notes: list[str] = Field(default_factory=list)


def _assessment(given: IeIn) -> sfs.Assessment:
    h = given.household
    debts = [sfs.PriorityDebt("", 0, offer) for offer in given.priority_offers_pence]
    debts += [
        sfs.PriorityDebt(d.creditor, d.owed_pence, d.offer_pence, d.note)
        for d in given.priority_debts
    ]
    rent = given.rent_offer
    return sfs.Assessment(
        assessed_on=given.date,
        household=sfs.Household(
            adults=h.adults,
            children_under_16=h.children_under_16,
            children_16_18=h.children_16_18,
            other_dependants=h.other_dependants,
            non_dependants=h.non_dependants,
            vehicles=h.vehicles,
        ),
        lines=tuple(
            sfs.Line(
                line.heading,
                line.amount_pence,
                sfs.parse_frequency(line.frequency),
                line.note,
            )
            for line in given.lines
        ),
        savings_pence=given.savings_pence,
        admin_fee_pence=given.admin_fee_pence,
        priority_debts=tuple(debts),
        non_priority_debts=tuple(
            sfs.NonPriorityDebt(d.creditor, d.owed_pence, d.offer_pence, d.ccj, d.note)
            for d in given.non_priority_debts
        ),
        rent_offer_pence=None
        if rent is None
        else sfs.to_monthly_pence(rent.amount_pence, sfs.parse_frequency(rent.frequency)),
    )


def _guideline_set(given: IeIn) -> gl.GuidelineSet | None:
    if given.guidelines is not None and given.guidelines_csv is not None:
        raise CalcInputError("guidelines_csv", "give the table once: guidelines or guidelines_csv")
    if given.guidelines_csv is not None:
        try:
            return gl.parse_guideline_csv(given.guidelines_csv)
        except gl.GuidelineError as exc:
            raise CalcInputError("guidelines_csv", str(exc)) from None
    if given.guidelines is None:
        return None
    try:
        return gl.guideline_set(
            gl.GuidelineRow(r.category, r.household_key, r.amount_pence, r.effective_from)
            for r in given.guidelines
        )
    except gl.GuidelineError as exc:
        raise CalcInputError("guidelines", str(exc)) from None


def _parts(total: sfs.Explained) -> list[dict[str, Any]]:
    return [{"label": p.label, "pence": p.pence, "detail": p.detail} for p in total.parts]


def result_json(budget: sfs.Budget, check: gl.GuidelineCheck) -> dict[str, Any]:
    """The ``calc ie`` output object for a worked assessment and its guideline check."""
    flags: list[dict[str, Any]] = [
        {
            "category": f.category,
            "label": f.label,
            "actual_pence": f.actual_pence,
            "guideline_pence": f.guideline_pence,
            "over_pence": f.over_pence,
            "message": f.message,
        }
        for f in check.flags
    ]
    flags += [{"warning": w} for w in check.warnings]
    totals = {
        "income_pence": budget.income,
        "fixed_pence": budget.fixed,
        "flexible_pence": budget.flexible,
        "outgoings_pence": budget.outgoings,
        "surplus_pence": budget.surplus,
        "available_for_priority_pence": budget.available_for_priority,
        "other_priority_offers_pence": budget.other_priority_offers,
        "max_rent_offer_monthly_pence": budget.max_rent_offer_monthly,
        "available_for_non_priority_pence": budget.available_for_non_priority,
    }
    out: dict[str, Any] = {key: total.pence for key, total in totals.items()}
    out.update(
        {
            "max_rent_offer_weekly_pence": budget.max_rent_offer_weekly_pence,
            "rent_offer_monthly_pence": budget.rent_offer_monthly_pence,
            "shortfall": budget.shortfall,
            "drivers": [
                {"label": d.label, "pence": d.pence, "detail": d.detail} for d in budget.drivers
            ],
            "groups_pence": budget.group_totals(),
            "lines": [
                {
                    "heading": c.heading.key,
                    "amount_pence": c.line.amount_pence,
                    "frequency": c.line.frequency.value,
                    "monthly_pence": c.monthly_pence,
                }
                for c in budget.lines
            ],
            "guideline_flags": flags,
            "guideline_table": check.table_from.isoformat() if check.table_from else None,
            "guidelines_pence": dict(check.guidelines),
            "explain": {key: _parts(total) for key, total in totals.items()},
        }
    )
    return out


def _statement(given: IeIn, assessment: sfs.Assessment) -> doc.SfsStatement:
    c = given.client
    if c is None:
        raise CalcInputError("client", "missing (required for --format sfs)")
    partner = None
    if c.partner is not None:
        partner = doc.Partner(
            name=c.partner.name,
            date_of_birth=c.partner.date_of_birth,
            employment=tuple(c.partner.employment),
            employment_other=c.partner.employment_other,
        )
    return doc.SfsStatement(
        assessment=assessment,
        client=doc.Client(
            name=c.name,
            date_of_birth=c.date_of_birth,
            address=c.address,
            joint=c.joint,
            employment=tuple(c.employment),
            tenure=c.tenure,
            employment_other=c.employment_other,
            tenure_other=c.tenure_other,
            partner=partner,
            asset_use_considered=c.asset_use_considered,
        ),
        savings_considered=given.savings_considered,
        admin_fee_note=given.admin_fee_note,
        notes=tuple(given.notes),
        landlord=given.rent_offer.creditor if given.rent_offer else "",
        rent_arrears_pence=given.rent_offer.owed_pence if given.rent_offer else 0,
    )


def run(data: object, *, fmt: str) -> dict[str, Any] | str:
    """The assessment's figures and guideline flags, or (``sfs``) its SFS document text."""
    given = parse_model(IeIn, data)
    try:
        assessment = _assessment(given)
    except sfs.SfsError as exc:  # the model checks the same; kept as a safety net
        raise CalcInputError("", str(exc)) from None
    if fmt == "sfs":
        try:
            return doc.dumps_document(doc.export_document(_statement(given, assessment)))
        except doc.SfsDocumentError as exc:
            field, _, message = exc.problems[0].partition(": ")
            raise CalcInputError(f"client.{field}", message) from None
    if fmt != "json":
        raise CalcInputError("--format", f"calc ie writes json or sfs, not {fmt!r}")
    table_set = _guideline_set(given)
    budget = sfs.assess(assessment)
    check = gl.check_guidelines(
        totals=budget.group_totals(),
        household=assessment.household,
        table=table_set.in_force(given.date) if table_set else None,
    )
    return result_json(budget, check)


def input_from_document(document: object, *, assessed_on: dt.date) -> dict[str, Any]:
    """An SFS v1.1 data-entry document as a ``calc ie`` input (every figure monthly).

    Raises :class:`app.domain.sfs_document.SfsDocumentError` when the document is not valid.
    """
    from app.schemas.sfs_document import import_document  # builds the document's models

    st = import_document(document, assessed_on=assessed_on)
    a, c = st.assessment, st.client
    h = a.household
    out: dict[str, Any] = {
        "date": a.assessed_on.isoformat(),
        "household": {
            "adults": h.adults,
            "children_under_16": h.children_under_16,
            "children_16_18": h.children_16_18,
            "other_dependants": h.other_dependants,
            "non_dependants": h.non_dependants,
            "vehicles": h.vehicles,
        },
        "lines": [
            {
                "heading": line.heading,
                "amount_pence": line.amount_pence,
                "frequency": line.frequency.value,
                "note": line.note,
            }
            for line in a.lines
        ],
        "savings_pence": a.savings_pence,
        "admin_fee_pence": a.admin_fee_pence,
        "priority_debts": [
            {
                "creditor": d.creditor,
                "owed_pence": d.owed_pence,
                "offer_pence": d.offer_pence,
                "note": d.note,
            }
            for d in a.priority_debts
        ],
        "non_priority_debts": [
            {
                "creditor": d.creditor,
                "owed_pence": d.owed_pence,
                "offer_pence": d.offer_pence,
                "ccj": d.ccj,
                "note": d.note,
            }
            for d in a.non_priority_debts
        ],
        "client": {
            "name": c.name,
            "date_of_birth": c.date_of_birth.isoformat(),
            "address": c.address,
            "joint": c.joint,
            "employment": list(c.employment),
            "tenure": c.tenure,
            "employment_other": c.employment_other,
            "tenure_other": c.tenure_other,
            "asset_use_considered": c.asset_use_considered,
        },
        "savings_considered": st.savings_considered,
        "admin_fee_note": st.admin_fee_note,
        "notes": list(st.notes),
    }
    if c.partner is not None:
        p = c.partner
        out["client"]["partner"] = {
            "name": p.name,
            "date_of_birth": p.date_of_birth.isoformat() if p.date_of_birth else None,
            "employment": list(p.employment),
            "employment_other": p.employment_other,
        }
    if a.rent_offer_pence is not None:
        out["rent_offer"] = {
            "amount_pence": a.rent_offer_pence,
            "frequency": "monthly",
            "owed_pence": st.rent_arrears_pence,
            "creditor": st.landlord,
        }
    return out
