"""The SFS data-entry JSON document (v1.1 of the SFS developer toolkit): its values and export.

Pure values and functions; safe on any thread. Reading a document (its checks and the import)
is :mod:`app.schemas.sfs_document`'s. The format is the toolkit's
``dds/v1.1/json/sfs-data-entry-schema.json`` (JSON Schema draft 4):

- hyphenated keys; amounts are *monthly pounds* as JSON numbers that are multiples of 0.01
  (written here always with two decimals: ``487.50``, ``0.00``);
- the client block at the top level (``client-name``, ``client-date-of-birth`` as an ISO 8601
  date-time, ``is-joint-application``, ``client-address``, the household counts,
  ``total-number-in-household``, ``vehicles``, ``housing-tenure`` and
  ``client-employment-status`` from the schema's lists, optional partner fields);
- ``monthly-income`` (groups earnings, benefits, pensions, other-income) and
  ``monthly-outgoings`` (``fixed-costs`` and ``flexible-costs`` of groups): each group holds every
  field the schema requires as ``{"monthly-amount": n, "notes": "..."}`` and its total
  (``total-earnings`` ..., note ``pensions-insurance`` -> ``total-pensions-insurances``); the one
  list, ``other-essential`` -> ``other-essential-costs``, holds one item per line;
- ``overview`` (the seven totals), ``savings`` (contribution and whether it was considered),
  ``debts`` (``debt-admin-fee`` as an income-expenditure object, the priority and non-priority
  debts as ``creditor`` / ``amount-owed`` / ``repayment-offer`` (/ ``ccj``), their totals, and
  the two "available" figures of docs/rules.md A3), and ``additional-notes``.

Export writes every field (0.00 where nothing was entered) and the totals of
:func:`app.domain.sfs.assess`; notes of several lines under one heading are joined with "; ".
The offer agreed off the rent arrears is written as the first priority debt, creditor the
landlord, notes ``rent arrears`` (:data:`RENT_ARREARS_NOTE`), so that ``total-priority-debt-offers``
and the non-priority figure follow A3; an import recognises it by those notes. Import reads
every figure back as monthly lines, so export -> import -> export gives the same bytes. Two
things the format cannot carry are lost on import and said so here: a line's own frequency (it
comes back monthly, with the same monthly amount) and the assessment date (the caller gives
it).

:func:`app.schemas.sfs_document.validate_document` checks the schema's rules: required fields,
types and enumerations, two-decimal amounts, and that every total adds up (groups, sections,
overview, debts, A3's formulas). Unknown keys are reported too, because an import that dropped
them would lose figures silently.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from app.domain.sfs import (
    FIXED,
    FLEXIBLE,
    GROUPS,
    INCOME,
    Assessment,
    Budget,
    Group,
    NonPriorityDebt,
    PriorityDebt,
    assess,
)

SFS_VERSION = "1.1"
TENURES: tuple[str, ...] = (
    "Owner",
    "Mortgage",
    "Living with parents",
    "Tenant - private sector",
    "Tenant - social",
    "other",
)
EMPLOYMENT_STATUSES: tuple[str, ...] = (
    "Full-time",
    "Part-time",
    "Unemployed",
    "Not working due to illness / disability",
    "Self-employed",
    "Retired",
    "Carer",
    "Student",
    "Other",
)
# section -> (path of the section's object, key of its total)
_SECTION_PATH: Mapping[str, tuple[tuple[str, ...], str]] = {
    INCOME: (("monthly-income",), "total-monthly-income"),
    FIXED: (("monthly-outgoings", "fixed-costs"), "total-fixed-costs"),
    FLEXIBLE: (("monthly-outgoings", "flexible-costs"), "total-flexible-costs"),
}
_JOIN = "; "
#: The notes that mark the rent-arrears priority debt, so that an import knows it again.
RENT_ARREARS_NOTE = "rent arrears"


class SfsDocumentError(ValueError):
    """A document that is not a valid SFS v1.1 data-entry document; ``problems`` lists why."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class Partner:
    """The partner's details on a statement (all optional in the format)."""

    name: str = ""
    date_of_birth: date | None = None
    employment: tuple[str, ...] = ()
    employment_other: str = ""


@dataclass(frozen=True)
class Client:
    """The client block of the SFS: who the statement is for."""

    name: str
    date_of_birth: date
    address: str
    joint: bool
    employment: tuple[str, ...]
    tenure: str
    employment_other: str = ""
    tenure_other: str = ""
    partner: Partner | None = None
    asset_use_considered: bool | None = None

    def __post_init__(self) -> None:
        if self.tenure not in TENURES:
            raise SfsDocumentError([f"tenure: {self.tenure!r} is not one of {_one_of(TENURES)}"])
        if not self.employment:
            raise SfsDocumentError(["employment: at least one employment status is required"])
        statuses = self.employment + (self.partner.employment if self.partner else ())
        for status in statuses:
            if status not in EMPLOYMENT_STATUSES:
                raise SfsDocumentError(
                    [f"employment: {status!r} is not one of {_one_of(EMPLOYMENT_STATUSES)}"]
                )


@dataclass(frozen=True)
class SfsStatement:
    """An assessment with what only the SFS document carries: the client, notes, flags, and
    the landlord and rent arrears that the rent-arrears priority debt is written with."""

    assessment: Assessment
    client: Client
    savings_considered: bool = False
    admin_fee_note: str = ""
    notes: tuple[str, ...] = ()
    landlord: str = ""
    rent_arrears_pence: int = 0


def _one_of(values: Iterable[str]) -> str:
    return ", ".join(repr(v) for v in values)


def pounds(pence: int) -> Decimal:
    """Pence as exact pounds with two decimals: ``48750`` -> ``Decimal("487.50")``."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return Decimal(f"{sign}{whole}.{part:02d}")


def _date_time(day: date) -> str:
    return f"{day.isoformat()}T00:00:00+00:00"


# --- export --------------------------------------------------------------------------------------


def _field(pence: int, notes: str) -> dict[str, Any]:
    out: dict[str, Any] = {"monthly-amount": pounds(pence)}
    if notes:
        out["notes"] = notes
    return out


def _group_object(group: Group, budget: Budget) -> dict[str, Any]:
    total = budget.group(group.key)
    out: dict[str, Any] = {}
    if group.listed:
        key = group.headings[0].key
        out[key] = [_field(c.monthly_pence, c.line.note) for c in total.lines]
    else:
        for heading in group.headings:
            lines = [c for c in total.lines if c.heading.key == heading.key]
            notes = _JOIN.join(c.line.note for c in lines if c.line.note)
            out[heading.key] = _field(sum(c.monthly_pence for c in lines), notes)
    out[group.total_key] = pounds(total.pence)
    return out


def export_document(statement: SfsStatement) -> dict[str, Any]:
    """The statement as an SFS v1.1 data-entry document (amounts as exact ``Decimal`` pounds;
    write it with :func:`dumps_document`)."""
    a = statement.assessment
    budget = assess(a)
    client, household = statement.client, a.household
    if client.joint and household.adults < 2:
        raise SfsDocumentError(
            [f"joint: a joint application needs 2 adults in the household, not {household.adults}"]
        )
    doc: dict[str, Any] = {
        "client-name": client.name,
        "client-date-of-birth": _date_time(client.date_of_birth),
        "is-joint-application": client.joint,
        "client-address": client.address,
        "dependent-children-under-16": household.children_under_16,
        "dependent-children-16-18": household.children_16_18,
        "other-dependents": household.other_dependants,
        "non-dependents": household.non_dependants,
        "total-number-in-household": household.people,
        "vehicles": household.vehicles,
        "housing-tenure": client.tenure,
        "client-employment-status": list(client.employment),
    }
    if client.tenure_other:
        doc["housing-tenure-other"] = client.tenure_other
    if client.employment_other:
        doc["client-employment-status-other"] = client.employment_other
    if client.partner is not None:
        partner = client.partner
        doc["partner-name"] = partner.name
        if partner.date_of_birth is not None:
            doc["partner-date-of-birth"] = _date_time(partner.date_of_birth)
        if partner.employment:
            doc["partner-employment-status"] = list(partner.employment)
        if partner.employment_other:
            doc["partner-employment-status-other"] = partner.employment_other
    if client.asset_use_considered is not None:
        doc["asset-use-considered"] = client.asset_use_considered

    sections: dict[str, dict[str, Any]] = {}
    for section, (_, total_key) in _SECTION_PATH.items():
        body: dict[str, Any] = {
            g.key: _group_object(g, budget) for g in GROUPS if g.section == section
        }
        body[total_key] = pounds(getattr(budget, section).pence)
        sections[section] = body
    doc["monthly-income"] = sections[INCOME]
    doc["monthly-outgoings"] = {
        "fixed-costs": sections[FIXED],
        "flexible-costs": sections[FLEXIBLE],
        "total-monthly-outgoings": pounds(budget.outgoings.pence),
    }
    available = budget.available_for_priority.pence
    priority = [_priority(d) for d in a.priority_debts]
    if a.rent_offer_pence is not None:
        rent = PriorityDebt(
            statement.landlord, statement.rent_arrears_pence, a.rent_offer_pence, RENT_ARREARS_NOTE
        )
        priority.insert(0, _priority(rent))
    all_offers = sum(d.offer_pence for d in a.priority_debts) + (a.rent_offer_pence or 0)
    owed = sum(d.owed_pence for d in a.priority_debts) + (
        statement.rent_arrears_pence if a.rent_offer_pence is not None else 0
    )
    non_priority_available = available - all_offers
    doc["overview"] = {
        "total-monthly-income": pounds(budget.income.pence),
        "total-monthly-outgoings": pounds(budget.outgoings.pence),
        "income-minus-outgoings": pounds(budget.surplus.pence),
        "savings-contribution": pounds(a.savings_pence),
        "debt-admin-fee": pounds(a.admin_fee_pence),
        "total-available-for-priority-debts": pounds(available),
        "total-available-for-non-priority-debts": pounds(non_priority_available),
    }
    doc["savings"] = {
        "savings-contribution": pounds(a.savings_pence),
        "savings-contribution-considered": statement.savings_considered,
    }
    doc["debts"] = {
        "debt-admin-fee": _field(a.admin_fee_pence, statement.admin_fee_note),
        "total-available-for-priority-debts": pounds(available),
        "priority-debts": priority,
        "total-priority-debts": pounds(owed),
        "total-priority-debt-offers": pounds(all_offers),
        "total-available-for-non-priority-debts": pounds(non_priority_available),
        "non-priority-debts": [_non_priority(d) for d in a.non_priority_debts],
        "total-non-priority-debts": pounds(sum(d.owed_pence for d in a.non_priority_debts)),
    }
    if statement.notes:
        doc["additional-notes"] = list(statement.notes)
    return doc


def _priority(debt: PriorityDebt) -> dict[str, Any]:
    out: dict[str, Any] = {
        "creditor": debt.creditor,
        "amount-owed": pounds(debt.owed_pence),
        "repayment-offer": pounds(debt.offer_pence),
    }
    if debt.note:
        out["notes"] = debt.note
    return out


def _non_priority(debt: NonPriorityDebt) -> dict[str, Any]:
    out: dict[str, Any] = {
        "creditor": debt.creditor,
        "amount-owed": pounds(debt.owed_pence),
        "repayment-offer": pounds(debt.offer_pence),
        "ccj": debt.ccj,
    }
    if debt.note:
        out["notes"] = debt.note
    return out


def dumps_document(value: object) -> str:
    """JSON text with keys sorted and ``Decimal`` amounts written exactly (``487.50``).

    Floats are refused: money is never a float.
    """
    if isinstance(value, dict):
        items = (f"{json.dumps(k)}: {dumps_document(value[k])}" for k in sorted(value))
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(dumps_document(v) for v in value) + "]"
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a number JSON can hold")
        return format(value, "f")
    if isinstance(value, float):
        raise TypeError("money is never a float: use Decimal")
    if value is None or isinstance(value, bool | int | str):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"{type(value).__name__} cannot be written as JSON")
