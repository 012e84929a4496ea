"""The SFS data-entry JSON document (v1.1 of the SFS developer toolkit): export, import, checks.

Pure values and functions; safe on any thread. The format is the toolkit's
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

:func:`validate_document` checks the schema's rules by hand (no JSON-schema library): required
fields, types and enumerations, two-decimal amounts, and that every total adds up (groups,
sections, overview, debts, A3's formulas). Unknown keys are reported too, because an import
that dropped them would lose figures silently.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain.sfs import (
    FIXED,
    FLEXIBLE,
    GROUPS,
    INCOME,
    Assessment,
    Budget,
    Frequency,
    Group,
    Household,
    Line,
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


# --- validation ----------------------------------------------------------------------------------

_DATE_TIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)


def _amount_pence(value: object) -> int | None:
    """A JSON number with at most two decimals as pence; None when it is not one."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    try:
        exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        scaled = exact * 100
        if not scaled.is_finite() or scaled != scaled.to_integral_value():
            return None
        return int(scaled)
    except (InvalidOperation, ValueError):
        return None


def _parse_date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    match = _DATE_TIME.match(value)
    if match is None:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


class _Checker:
    """Collects problems while walking a document (paths like ``debts.priority-debts[1]``)."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def obj(self, value: object, path: str) -> Mapping[str, Any] | None:
        if not isinstance(value, dict):
            self.add(path, "must be an object")
            return None
        return value

    def known(self, obj: Mapping[str, Any], path: str, keys: Iterable[str]) -> None:
        allowed = set(keys)
        for key in obj:
            if key not in allowed:
                self.add(_join(path, key), "unknown field (not part of SFS v1.1 data entry)")

    def typed(
        self,
        obj: Mapping[str, Any],
        path: str,
        key: str,
        check: Callable[[object], bool],
        what: str,
        *,
        required: bool,
    ) -> bool:
        if key not in obj:
            if required:
                self.add(_join(path, key), "missing (required)")
            return False
        if not check(obj[key]):
            self.add(_join(path, key), f"must be {what} (got {obj[key]!r})")
            return False
        return True

    def amount(
        self,
        obj: Mapping[str, Any],
        path: str,
        key: str,
        *,
        required: bool,
        signed: bool = False,
    ) -> int | None:
        """An amount's pence; ``signed`` totals may be negative, entered amounts may not."""
        if key not in obj:
            if required:
                self.add(_join(path, key), "missing (required)")
            return None
        pence = _amount_pence(obj[key])
        if pence is None:
            self.add(
                _join(path, key), f"must be an amount with at most two decimals ({obj[key]!r})"
            )
        elif pence < 0 and not signed:
            self.add(_join(path, key), f"must not be negative ({obj[key]!r})")
            return None
        return pence

    def equal(self, path: str, stated: int | None, worked: int | None, how: str) -> None:
        if stated is not None and worked is not None and stated != worked:
            self.add(path, f"is {pounds(stated)} but {how} is {pounds(worked)}")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _is_str(v: object) -> bool:
    return isinstance(v, str)


def _is_bool(v: object) -> bool:
    return isinstance(v, bool)


def _is_count(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _is_date_time(v: object) -> bool:
    return _parse_date(v) is not None


def _statuses(v: object) -> bool:
    return isinstance(v, list) and len(v) >= 1 and all(s in EMPLOYMENT_STATUSES for s in v)


_TOP_LEVEL: tuple[tuple[str, Callable[[object], bool], str, bool], ...] = (
    ("client-name", _is_str, "a string", True),
    ("client-date-of-birth", _is_date_time, "an ISO 8601 date-time", True),
    ("is-joint-application", _is_bool, "true or false", True),
    ("partner-name", _is_str, "a string", False),
    ("partner-date-of-birth", _is_date_time, "an ISO 8601 date-time", False),
    ("client-address", _is_str, "a string", True),
    ("dependent-children-under-16", _is_count, "a whole number >= 0", True),
    ("dependent-children-16-18", _is_count, "a whole number >= 0", True),
    ("other-dependents", _is_count, "a whole number >= 0", True),
    ("non-dependents", _is_count, "a whole number >= 0", True),
    ("total-number-in-household", _is_count, "a whole number >= 0", True),
    ("vehicles", _is_count, "a whole number >= 0", True),
    ("housing-tenure", lambda v: v in TENURES, f"one of {_one_of(TENURES)}", True),
    ("housing-tenure-other", _is_str, "a string", False),
    (
        "client-employment-status",
        _statuses,
        f"a list of at least one of {_one_of(EMPLOYMENT_STATUSES)}",
        True,
    ),
    ("client-employment-status-other", _is_str, "a string", False),
    (
        "partner-employment-status",
        _statuses,
        f"a list of at least one of {_one_of(EMPLOYMENT_STATUSES)}",
        False,
    ),
    ("partner-employment-status-other", _is_str, "a string", False),
    ("asset-use-considered", _is_bool, "true or false", False),
)
_BLOCKS = (
    "overview",
    "monthly-income",
    "monthly-outgoings",
    "savings",
    "debts",
    "additional-notes",
)
_OVERVIEW = (
    "total-monthly-income",
    "total-monthly-outgoings",
    "income-minus-outgoings",
    "savings-contribution",
    "debt-admin-fee",
    "total-available-for-priority-debts",
    "total-available-for-non-priority-debts",
)


def validate_document(doc: object) -> list[str]:
    """Every way ``doc`` breaks the SFS v1.1 data-entry rules; an empty list when it is valid."""
    c = _Checker()
    top = c.obj(doc, "(document)")
    if top is None:
        return c.problems
    c.known(top, "", [k for k, *_ in _TOP_LEVEL] + list(_BLOCKS))
    for key, check, what, required in _TOP_LEVEL:
        c.typed(top, "", key, check, what, required=required)
    if all(_is_count(top.get(k)) for k in _COUNTS) and isinstance(
        top.get("is-joint-application"), bool
    ):
        least = 1 + int(top["is-joint-application"]) + sum(top[k] for k in _COUNTS[:4])
        if top["total-number-in-household"] < least:
            c.add(
                "total-number-in-household",
                f"is {top['total-number-in-household']} but the client, partner (if joint), "
                f"dependants and non-dependants make at least {least}",
            )
    sections = _check_sections(c, top)
    savings = _check_savings(c, top)
    _check_debts_and_overview(c, top, sections, savings)
    if "additional-notes" in top and not (
        isinstance(top["additional-notes"], list) and all(map(_is_str, top["additional-notes"]))
    ):
        c.add("additional-notes", "must be a list of strings")
    return c.problems


_SIGNED = frozenset(
    {
        "income-minus-outgoings",
        "total-available-for-priority-debts",
        "total-available-for-non-priority-debts",
    }
)
_COUNTS = (
    "dependent-children-under-16",
    "dependent-children-16-18",
    "other-dependents",
    "non-dependents",
    "total-number-in-household",
)


def _check_field(c: _Checker, value: object, path: str) -> int | None:
    """One income-expenditure object; its monthly amount in pence (0 when absent)."""
    obj = c.obj(value, path)
    if obj is None:
        return None
    c.known(obj, path, ("monthly-amount", "notes"))
    c.typed(obj, path, "notes", _is_str, "a string", required=False)
    if "monthly-amount" not in obj:
        return 0
    return c.amount(obj, path, "monthly-amount", required=True)


def _check_group(c: _Checker, value: object, path: str, group: Group) -> int | None:
    """One group; its stated total in pence (checked against its fields)."""
    obj = c.obj(value, path)
    if obj is None:
        return None
    c.known(obj, path, [h.key for h in group.headings] + [group.total_key])
    worked: int | None = 0
    if group.listed:
        key = group.headings[0].key
        items = obj.get(key, [])
        if not isinstance(items, list):
            c.add(_join(path, key), "must be a list")
            worked = None
        else:
            for i, item in enumerate(items):
                pence = _check_field(c, item, f"{_join(path, key)}[{i}]")
                worked = None if pence is None or worked is None else worked + pence
    else:
        for heading in group.headings:
            if heading.key not in obj:
                c.add(_join(path, heading.key), "missing (required)")
                continue
            pence = _check_field(c, obj[heading.key], _join(path, heading.key))
            worked = None if pence is None or worked is None else worked + pence
    stated = c.amount(obj, path, group.total_key, required=not group.listed)
    c.equal(_join(path, group.total_key), stated, worked, "the sum of its fields")
    return stated if stated is not None else (worked if group.listed else None)


def _check_sections(c: _Checker, top: Mapping[str, Any]) -> dict[str, int | None]:
    """Each section's stated total (checked against its groups), and outgoings."""
    totals: dict[str, int | None] = {}
    outgoings = top.get("monthly-outgoings")
    out_obj = c.obj(outgoings, "monthly-outgoings") if "monthly-outgoings" in top else None
    if out_obj is not None:
        c.known(
            out_obj,
            "monthly-outgoings",
            ("fixed-costs", "flexible-costs", "total-monthly-outgoings"),
        )
    parents: dict[str, Mapping[str, Any] | None] = {
        INCOME: top,
        FIXED: out_obj,
        FLEXIBLE: out_obj,
    }
    for section, (path_keys, total_key) in _SECTION_PATH.items():
        path = ".".join(path_keys)
        parent = parents[section]
        if parent is None or path_keys[-1] not in parent:
            totals[section] = None
            continue
        body = c.obj(parent[path_keys[-1]], path)
        if body is None:
            totals[section] = None
            continue
        groups = [g for g in GROUPS if g.section == section]
        c.known(body, path, [g.key for g in groups] + [total_key])
        worked: int | None = 0
        for group in groups:
            if group.key not in body:
                continue
            pence = _check_group(c, body[group.key], _join(path, group.key), group)
            worked = None if pence is None or worked is None else worked + pence
        stated = c.amount(body, path, total_key, required=True)
        c.equal(_join(path, total_key), stated, worked, "the sum of its groups")
        totals[section] = stated
    if out_obj is not None:
        stated = c.amount(out_obj, "monthly-outgoings", "total-monthly-outgoings", required=True)
        fixed, flexible = totals.get(FIXED), totals.get(FLEXIBLE)
        worked_out = None if fixed is None or flexible is None else fixed + flexible
        c.equal(
            "monthly-outgoings.total-monthly-outgoings",
            stated,
            worked_out,
            "fixed plus flexible costs",
        )
        totals["outgoings"] = stated
    else:
        totals["outgoings"] = None
    return totals


def _check_savings(c: _Checker, top: Mapping[str, Any]) -> int | None:
    if "savings" not in top:
        return None
    obj = c.obj(top["savings"], "savings")
    if obj is None:
        return None
    c.known(obj, "savings", ("savings-contribution", "savings-contribution-considered"))
    c.typed(
        obj, "savings", "savings-contribution-considered", _is_bool, "true or false", required=True
    )
    return c.amount(obj, "savings", "savings-contribution", required=True)


def _check_debt_list(
    c: _Checker, debts: Mapping[str, Any], key: str, *, ccj: bool
) -> tuple[int | None, int | None]:
    """Sum owed and sum offered of one list (None when a figure is unreadable)."""
    items = debts.get(key, [])
    path = f"debts.{key}"
    if not isinstance(items, list):
        c.add(path, "must be a list")
        return None, None
    owed: int | None = 0
    offered: int | None = 0
    fields = ["creditor", "amount-owed", "repayment-offer", "notes"] + (["ccj"] if ccj else [])
    for i, item in enumerate(items):
        p = f"{path}[{i}]"
        obj = c.obj(item, p)
        if obj is None:
            owed = offered = None
            continue
        c.known(obj, p, fields)
        c.typed(obj, p, "creditor", _is_str, "a string", required=False)
        c.typed(obj, p, "notes", _is_str, "a string", required=False)
        if ccj:
            c.typed(obj, p, "ccj", _is_bool, "true or false", required=False)
        a = c.amount(obj, p, "amount-owed", required=False) if "amount-owed" in obj else 0
        o = c.amount(obj, p, "repayment-offer", required=False) if "repayment-offer" in obj else 0
        owed = None if a is None or owed is None else owed + a
        offered = None if o is None or offered is None else offered + o
    return owed, offered


def _check_debts_and_overview(
    c: _Checker, top: Mapping[str, Any], sections: Mapping[str, int | None], savings: int | None
) -> None:
    income, outgoings = sections.get(INCOME), sections.get("outgoings")
    admin_fee: int | None = None
    offers: int | None = None
    available_stated: int | None = None
    if "debts" in top and (debts := c.obj(top["debts"], "debts")) is not None:
        c.known(
            debts,
            "debts",
            (
                "debt-admin-fee",
                "total-available-for-priority-debts",
                "priority-debts",
                "total-priority-debts",
                "total-priority-debt-offers",
                "total-available-for-non-priority-debts",
                "non-priority-debts",
                "total-non-priority-debts",
                "token-payments",
            ),
        )
        if "debt-admin-fee" in debts:
            admin_fee = _check_field(c, debts["debt-admin-fee"], "debts.debt-admin-fee")
        else:
            c.add("debts.debt-admin-fee", "missing (required)")
        p_owed, offers = _check_debt_list(c, debts, "priority-debts", ccj=False)
        n_owed, _ = _check_debt_list(c, debts, "non-priority-debts", ccj=True)
        stated = c.amount(debts, "debts", "total-priority-debts", required=True)
        c.equal("debts.total-priority-debts", stated, p_owed, "the sum owed")
        stated_offers = c.amount(debts, "debts", "total-priority-debt-offers", required=True)
        c.equal("debts.total-priority-debt-offers", stated_offers, offers, "the sum offered")
        stated = c.amount(debts, "debts", "total-non-priority-debts", required=True)
        c.equal("debts.total-non-priority-debts", stated, n_owed, "the sum owed")
        c.amount(debts, "debts", "token-payments", required=False)
        available_stated = c.amount(
            debts, "debts", "total-available-for-priority-debts", required=True, signed=True
        )
        available = _minus(income, outgoings, savings, admin_fee)
        c.equal(
            "debts.total-available-for-priority-debts",
            available_stated,
            available,
            "income - outgoings - savings - admin fee",
        )
        stated = c.amount(
            debts, "debts", "total-available-for-non-priority-debts", required=True, signed=True
        )
        c.equal(
            "debts.total-available-for-non-priority-debts",
            stated,
            _minus(available, offers),
            "available for priority debts - priority offers",
        )
    if "overview" in top and (overview := c.obj(top["overview"], "overview")) is not None:
        c.known(overview, "overview", _OVERVIEW)
        figures = {
            k: c.amount(overview, "overview", k, required=True, signed=k in _SIGNED)
            for k in _OVERVIEW
        }
        available = _minus(income, outgoings, savings, admin_fee)
        for key, worked, how in (
            ("total-monthly-income", income, "monthly-income's total"),
            ("total-monthly-outgoings", outgoings, "monthly-outgoings' total"),
            ("income-minus-outgoings", _minus(income, outgoings), "income - outgoings"),
            ("savings-contribution", savings, "the savings contribution"),
            ("debt-admin-fee", admin_fee, "the debt admin fee"),
            (
                "total-available-for-priority-debts",
                available,
                "income - outgoings - savings - admin fee",
            ),
            (
                "total-available-for-non-priority-debts",
                _minus(available, offers),
                "available for priority debts - priority offers",
            ),
        ):
            c.equal(f"overview.{key}", figures[key], worked, how)


def _minus(first: int | None, *rest: int | None) -> int | None:
    if first is None or any(r is None for r in rest):
        return None
    return first - sum(r for r in rest if r is not None)


# --- import --------------------------------------------------------------------------------------


def import_document(doc: object, *, assessed_on: date) -> SfsStatement:
    """An SFS v1.1 data-entry document as a statement, every figure kept as a monthly line.

    Raises :class:`SfsDocumentError` listing every problem when the document is not valid.
    """
    problems = validate_document(doc)
    if problems:
        raise SfsDocumentError(problems)
    assert isinstance(doc, dict)
    lines: list[Line] = []
    outgoings = doc.get("monthly-outgoings", {})
    bodies = {
        INCOME: doc.get("monthly-income", {}),
        FIXED: outgoings.get("fixed-costs", {}),
        FLEXIBLE: outgoings.get("flexible-costs", {}),
    }
    for group in GROUPS:
        body = bodies[group.section].get(group.key)
        if body is None:
            continue
        if group.listed:
            key = group.headings[0].key
            lines += [_line(key, item) for item in body.get(key, [])]
        else:
            for heading in group.headings:
                item = body[heading.key]
                if _pence(item.get("monthly-amount", 0)) or item.get("notes"):
                    lines.append(_line(heading.key, item))
    household = Household(
        adults=doc["total-number-in-household"] - sum(doc[k] for k in _COUNTS[:4]),
        children_under_16=doc["dependent-children-under-16"],
        children_16_18=doc["dependent-children-16-18"],
        other_dependants=doc["other-dependents"],
        non_dependants=doc["non-dependents"],
        vehicles=doc["vehicles"],
    )
    debts = doc.get("debts", {})
    savings = doc.get("savings", {})
    priority = [
        PriorityDebt(
            creditor=d.get("creditor", ""),
            owed_pence=_pence(d.get("amount-owed", 0)),
            offer_pence=_pence(d.get("repayment-offer", 0)),
            note=d.get("notes", ""),
        )
        for d in debts.get("priority-debts", [])
    ]
    rent = next((d for d in priority if d.note == RENT_ARREARS_NOTE), None)
    admin_fee = debts.get("debt-admin-fee", {})
    assessment = Assessment(
        assessed_on=assessed_on,
        household=household,
        lines=tuple(lines),
        savings_pence=_pence(savings.get("savings-contribution", 0)),
        admin_fee_pence=_pence(admin_fee.get("monthly-amount", 0)),
        priority_debts=tuple(d for d in priority if d is not rent),
        rent_offer_pence=None if rent is None else rent.offer_pence,
        non_priority_debts=tuple(
            NonPriorityDebt(
                creditor=d.get("creditor", ""),
                owed_pence=_pence(d.get("amount-owed", 0)),
                offer_pence=_pence(d.get("repayment-offer", 0)),
                ccj=d.get("ccj", False),
                note=d.get("notes", ""),
            )
            for d in debts.get("non-priority-debts", [])
        ),
    )
    partner = None
    if any(k.startswith("partner-") for k in doc):
        partner = Partner(
            name=doc.get("partner-name", ""),
            date_of_birth=_parse_date(doc.get("partner-date-of-birth")),
            employment=tuple(doc.get("partner-employment-status", ())),
            employment_other=doc.get("partner-employment-status-other", ""),
        )
    client = Client(
        name=doc["client-name"],
        date_of_birth=_required_date(doc["client-date-of-birth"]),
        address=doc["client-address"],
        joint=doc["is-joint-application"],
        employment=tuple(doc["client-employment-status"]),
        tenure=doc["housing-tenure"],
        employment_other=doc.get("client-employment-status-other", ""),
        tenure_other=doc.get("housing-tenure-other", ""),
        partner=partner,
        asset_use_considered=doc.get("asset-use-considered"),
    )
    return SfsStatement(
        assessment=assessment,
        client=client,
        savings_considered=savings.get("savings-contribution-considered", False),
        admin_fee_note=admin_fee.get("notes", ""),
        notes=tuple(doc.get("additional-notes", ())),
        landlord="" if rent is None else rent.creditor,
        rent_arrears_pence=0 if rent is None else rent.owed_pence,
    )


def _pence(value: object) -> int:
    pence = _amount_pence(value)
    if pence is None:  # validate_document has already refused it
        raise SfsDocumentError([f"{value!r} is not an amount"])
    return pence


def _required_date(value: object) -> date:
    day = _parse_date(value)
    if day is None:  # validate_document has already refused it
        raise SfsDocumentError([f"{value!r} is not a date"])
    return day


def _line(key: str, item: Mapping[str, Any]) -> Line:
    return Line(
        key, _pence(item.get("monthly-amount", 0)), Frequency.MONTHLY, item.get("notes", "")
    )
