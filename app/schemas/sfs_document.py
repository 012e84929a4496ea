"""Reading an SFS v1.1 data-entry document (JSON) into the domain's :class:`SfsStatement`.

The format is the SFS developer toolkit's ``dds/v1.1/json/sfs-data-entry-schema.json``; what it
holds, and how Doorstep writes it, is told in :mod:`app.domain.sfs_document`. Here it is read:
a pydantic model per object of the format (the groups and sections are built from the domain's
:data:`~app.domain.sfs.GROUPS`, so every heading is known in one place), unknown fields refused,
because an import that dropped them would lose figures silently.

The format's own spellings, not the TOML files': an amount is a JSON number of pounds with at
most two decimals (``487.50``; an exact ``Decimal`` or a float, either reads exactly) and a date
an ISO 8601 date-time string. Every total must add up: a group's, a section's, the outgoings',
the debts' and the overview's (with docs/rules.md A3's two "available" figures). Each object checks
its own sums; the sums across the document are checked on a document that reads, and again on
the parts that read when it does not, so that :func:`validate_document` lists every problem,
each at its field path (``debts.priority-debts[1].amount-owed: ...``).

Pure; the models are built once, at import; safe on any thread.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar

from app.domain.sfs import (
    FIXED,
    FLEXIBLE,
    GROUPS,
    INCOME,
    Assessment,
    Frequency,
    Group,
    Household,
    Line,
    NonPriorityDebt,
    PriorityDebt,
)
from app.domain.sfs_document import (
    EMPLOYMENT_STATUSES,
    RENT_ARREARS_NOTE,
    TENURES,
    Client,
    Partner,
    SfsDocumentError,
    SfsStatement,
    pounds,
)
from app.pydantic_once import (
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    create_model,
    model_validator,
)
from app.schemas.base import Broken, KeyPath, Problem, StrictModel, problems_of

_DATE_TIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)


# --- the format's values -----------------------------------------------------------------------


def _one_of(values: Iterable[str]) -> str:
    return ", ".join(repr(v) for v in values)


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


def _day(value: object) -> date | None:
    match = _DATE_TIME.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


def _signed(value: object) -> int:
    pence = _amount_pence(value)
    if pence is None:
        raise ValueError(f"must be an amount with at most two decimals ({value!r})")
    return pence


def _amount(value: object) -> int:
    pence = _signed(value)
    if pence < 0:
        raise ValueError(f"must not be negative ({value!r})")
    return pence


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _is_bool(value: object) -> bool:
    return isinstance(value, bool)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_tenure(value: object) -> bool:
    return value in TENURES


def _typed(check: Callable[[object], bool], what: str) -> PlainValidator:
    """A validator passing what ``check`` accepts, else "must be ``what`` (got ...)"."""

    def validate(value: object) -> Any:
        if not check(value):
            raise ValueError(f"must be {what} (got {value!r})")
        return value

    return PlainValidator(validate)


def _date_time(value: object) -> date:
    day = _day(value)
    if day is None:
        raise ValueError(f"must be an ISO 8601 date-time (got {value!r})")
    return day


def _statuses(value: object) -> tuple[str, ...]:
    if not (isinstance(value, list) and value and all(s in EMPLOYMENT_STATUSES for s in value)):
        raise ValueError(
            f"must be a list of at least one of {_one_of(EMPLOYMENT_STATUSES)} (got {value!r})"
        )
    return tuple(value)


def _strings(value: object) -> tuple[str, ...]:
    if not (isinstance(value, list) and all(isinstance(s, str) for s in value)):
        raise ValueError("must be a list of strings")
    return tuple(value)


def _present(value: object) -> object:
    if value is None:  # an absent object is left out, never written as null
        raise ValueError("must be an object")
    return value


#: An entered amount: pounds as a JSON number, read as pence, never negative.
Amount = Annotated[int, PlainValidator(_amount)]
#: An entered amount the format lets a document leave out (never null).
OptionalAmount = Annotated[int | None, PlainValidator(_amount)]
#: A worked figure that may be below 0 (income - outgoings, the "available" figures).
SignedAmount = Annotated[int, PlainValidator(_signed)]
Str = Annotated[str, _typed(_is_str, "a string")]
Truth = Annotated[bool, _typed(_is_bool, "true or false")]
Count = Annotated[int, _typed(_is_count, "a whole number >= 0")]
DateTime = Annotated[date, PlainValidator(_date_time)]
Tenure = Annotated[str, _typed(_is_tenure, f"one of {_one_of(TENURES)}")]
Statuses = Annotated[tuple[str, ...], PlainValidator(_statuses)]
Notes = Annotated[tuple[str, ...], PlainValidator(_strings)]
NotNull = BeforeValidator(_present)


def _hyphens(name: str) -> str:
    return name.replace("_", "-")


class SfsObject(StrictModel):
    """Base of the format's objects: keys are the field names with hyphens."""

    model_config = ConfigDict(alias_generator=_hyphens)


# --- the objects -------------------------------------------------------------------------------


class Figure(SfsObject):
    """An income-expenditure object: ``{"monthly-amount": 487.50, "notes": "..."}``."""

    monthly_amount: Amount = 0
    notes: Str = ""


class PriorityDebtItem(SfsObject):
    """One priority debt: creditor, amount owed, monthly offer."""

    creditor: Str = ""
    amount_owed: Amount = 0
    repayment_offer: Amount = 0
    notes: Str = ""


class NonPriorityDebtItem(PriorityDebtItem):
    """One non-priority debt: a priority debt's fields and a county court judgment flag."""

    ccj: Truth = False


class GroupObject(SfsObject):
    """One SFS group (``benefits``, ``other-essential``...): its fields and its stated total,
    which must be their sum. One subclass per group of :data:`GROUPS` (``spec``)."""

    spec: ClassVar[Group]

    def figures(self) -> list[tuple[str, Figure]]:
        """Each heading's key and figure in order; a listed group's items in order."""
        if self.spec.listed:
            key = self.spec.headings[0].key
            return [(key, item) for item in getattr(self, _name(key))]
        return [(h.key, getattr(self, _name(h.key))) for h in self.spec.headings]

    @property
    def stated(self) -> int | None:
        """The total the document states (a listed group may leave it out)."""
        value: int | None = getattr(self, _name(self.spec.total_key))
        return value

    @property
    def total(self) -> int:
        """The stated total, else the sum of the figures."""
        return self.stated if self.stated is not None else _sum_of(self.figures())

    @model_validator(mode="after")
    def _adds_up(self) -> GroupObject:
        worked = _sum_of(self.figures())
        if self.stated is not None and self.stated != worked:
            raise Broken(
                (
                    (self.spec.total_key,),
                    f"is {pounds(self.stated)} but the sum of its fields is {pounds(worked)}",
                )
            )
        return self


class SectionObject(SfsObject):
    """Income, fixed costs or flexible costs: the groups given and a total that is their sum.
    One subclass per section (``section``, ``total_key``)."""

    section: ClassVar[str]
    total_key: ClassVar[str]

    def groups(self) -> list[GroupObject]:
        """The groups the document gives, in SFS order."""
        found = (getattr(self, _name(g.key)) for g in GROUPS if g.section == self.section)
        return [group for group in found if group is not None]

    def group(self, key: str) -> GroupObject | None:
        """The group ``key``, if the document gives it."""
        found: GroupObject | None = getattr(self, _name(key))
        return found

    @property
    def stated(self) -> int:
        value: int = getattr(self, _name(self.total_key))
        return value

    @model_validator(mode="after")
    def _adds_up(self) -> SectionObject:
        worked = sum(group.total for group in self.groups())
        if self.stated != worked:
            raise Broken(
                (
                    (self.total_key,),
                    f"is {pounds(self.stated)} but the sum of its groups is {pounds(worked)}",
                )
            )
        return self


def _name(key: str) -> str:
    return key.replace("-", "_")


def _sum_of(figures: list[tuple[str, Figure]]) -> int:
    return sum(figure.monthly_amount for _, figure in figures)


def _group_model(group: Group) -> type[GroupObject]:
    fields: dict[str, Any] = {}
    if group.listed:
        key = group.headings[0].key
        fields[_name(key)] = (list[Figure], Field(default=[], alias=key))
        fields[_name(group.total_key)] = (
            OptionalAmount,
            Field(default=None, alias=group.total_key),
        )
    else:
        for heading in group.headings:
            fields[_name(heading.key)] = (Figure, Field(alias=heading.key))
        fields[_name(group.total_key)] = (Amount, Field(alias=group.total_key))
    model = create_model(_title(group.key) + "Group", __base__=GroupObject, **fields)
    model.spec = group
    return model


def _section_model(section: str, total_key: str) -> type[SectionObject]:
    fields: dict[str, Any] = {
        _name(g.key): (
            Annotated[_GROUP_MODELS[g.key] | None, NotNull],
            Field(default=None, alias=g.key),
        )
        for g in GROUPS
        if g.section == section
    }
    fields[_name(total_key)] = (Amount, Field(alias=total_key))
    model = create_model(_title(section) + "Section", __base__=SectionObject, **fields)
    model.section, model.total_key = section, total_key
    return model


def _title(key: str) -> str:
    return key.title().replace("-", "")


_GROUP_MODELS = {group.key: _group_model(group) for group in GROUPS}
IncomeSection = _section_model(INCOME, "total-monthly-income")
FixedSection = _section_model(FIXED, "total-fixed-costs")
FlexibleSection = _section_model(FLEXIBLE, "total-flexible-costs")


class Outgoings(SfsObject):
    """``monthly-outgoings``: fixed and flexible costs, and their sum."""

    fixed_costs: Annotated[FixedSection | None, NotNull] = None  # type: ignore[valid-type]
    flexible_costs: Annotated[FlexibleSection | None, NotNull] = None  # type: ignore[valid-type]
    total_monthly_outgoings: Amount

    @model_validator(mode="after")
    def _adds_up(self) -> Outgoings:
        fixed, flexible = self.fixed_costs, self.flexible_costs
        if fixed is not None and flexible is not None:
            worked = fixed.stated + flexible.stated
            if self.total_monthly_outgoings != worked:
                raise Broken(
                    (
                        ("total-monthly-outgoings",),
                        f"is {pounds(self.total_monthly_outgoings)} but fixed plus flexible "
                        f"costs is {pounds(worked)}",
                    )
                )
        return self


class Savings(SfsObject):
    """``savings``: the monthly contribution and whether it was considered."""

    savings_contribution: Amount
    savings_contribution_considered: Truth


class Debts(SfsObject):
    """``debts``: the admin fee, both lists of debts with their totals, and the "available"
    figures of docs/rules.md A3 (checked against the rest of the document)."""

    debt_admin_fee: Figure
    total_available_for_priority_debts: SignedAmount
    priority_debts: list[PriorityDebtItem] = []
    total_priority_debts: Amount
    total_priority_debt_offers: Amount
    total_available_for_non_priority_debts: SignedAmount
    non_priority_debts: list[NonPriorityDebtItem] = []
    total_non_priority_debts: Amount
    token_payments: OptionalAmount = None

    @property
    def offered(self) -> int:
        """The sum of the priority debts' offers."""
        return sum(debt.repayment_offer for debt in self.priority_debts)

    @model_validator(mode="after")
    def _lists_add_up(self) -> Debts:
        found: list[tuple[KeyPath, str]] = []
        owed = sum(debt.amount_owed for debt in self.priority_debts)
        _compare(found, ("total-priority-debts",), self.total_priority_debts, owed, "the sum owed")
        stated = self.total_priority_debt_offers
        _compare(found, ("total-priority-debt-offers",), stated, self.offered, "the sum offered")
        owed = sum(debt.amount_owed for debt in self.non_priority_debts)
        stated = self.total_non_priority_debts
        _compare(found, ("total-non-priority-debts",), stated, owed, "the sum owed")
        if found:
            raise Broken(*found)
        return self


class Overview(SfsObject):
    """``overview``: the seven totals, each checked against the rest of the document."""

    total_monthly_income: Amount
    total_monthly_outgoings: Amount
    income_minus_outgoings: SignedAmount
    savings_contribution: Amount
    debt_admin_fee: Amount
    total_available_for_priority_debts: SignedAmount
    total_available_for_non_priority_debts: SignedAmount


class HouseholdFields(SfsObject):
    """Who the statement is for and who lives with them: the joint flag and the counts."""

    is_joint_application: Truth
    dependent_children_under_16: Count
    dependent_children_16_18: Count
    other_dependents: Count
    non_dependents: Count
    total_number_in_household: Count
    vehicles: Count

    @property
    def dependants_and_others(self) -> int:
        """Everyone counted besides the adults of the claim."""
        return (
            self.dependent_children_under_16
            + self.dependent_children_16_18
            + self.other_dependents
            + self.non_dependents
        )


_PARTNER_FIELDS = frozenset(
    {
        "partner_name",
        "partner_date_of_birth",
        "partner_employment_status",
        "partner_employment_status_other",
    }
)


class SfsDocument(HouseholdFields):
    """A whole SFS v1.1 data-entry document."""

    client_name: Str
    client_date_of_birth: DateTime
    partner_name: Str = ""
    partner_date_of_birth: Annotated[date | None, PlainValidator(_date_time)] = None
    client_address: Str
    housing_tenure: Tenure
    housing_tenure_other: Str = ""
    client_employment_status: Statuses
    client_employment_status_other: Str = ""
    partner_employment_status: Statuses = ()
    partner_employment_status_other: Str = ""
    asset_use_considered: Annotated[bool | None, _typed(_is_bool, "true or false")] = None
    overview: Annotated[Overview | None, NotNull] = None
    monthly_income: Annotated[IncomeSection | None, NotNull] = None  # type: ignore[valid-type]
    monthly_outgoings: Annotated[Outgoings | None, NotNull] = None
    savings: Annotated[Savings | None, NotNull] = None
    debts: Annotated[Debts | None, NotNull] = None
    additional_notes: Notes = ()

    @model_validator(mode="after")
    def _whole_document_adds_up(self) -> SfsDocument:
        found = _document_sums(
            _Parts(
                household=self,
                income=self.monthly_income,
                outgoings=self.monthly_outgoings,
                savings=self.savings,
                debts=self.debts,
                overview=self.overview,
            )
        )
        if found:
            raise Broken(*found)
        return self

    def to_statement(self, assessed_on: date) -> SfsStatement:
        """The statement, every figure a monthly line (see :mod:`app.domain.sfs_document`)."""
        savings, debts = self.savings, self.debts
        priority = [_priority(d) for d in debts.priority_debts] if debts else []
        rent = next((d for d in priority if d.note == RENT_ARREARS_NOTE), None)
        assessment = Assessment(
            assessed_on=assessed_on,
            household=Household(
                adults=self.total_number_in_household - self.dependants_and_others,
                children_under_16=self.dependent_children_under_16,
                children_16_18=self.dependent_children_16_18,
                other_dependants=self.other_dependents,
                non_dependants=self.non_dependents,
                vehicles=self.vehicles,
            ),
            lines=tuple(self._lines()),
            savings_pence=savings.savings_contribution if savings else 0,
            admin_fee_pence=debts.debt_admin_fee.monthly_amount if debts else 0,
            priority_debts=tuple(d for d in priority if d is not rent),
            rent_offer_pence=None if rent is None else rent.offer_pence,
            non_priority_debts=tuple(
                _non_priority(d) for d in (debts.non_priority_debts if debts else [])
            ),
        )
        return SfsStatement(
            assessment=assessment,
            client=self._client(),
            savings_considered=savings.savings_contribution_considered if savings else False,
            admin_fee_note=debts.debt_admin_fee.notes if debts else "",
            notes=self.additional_notes,
            landlord="" if rent is None else rent.creditor,
            rent_arrears_pence=0 if rent is None else rent.owed_pence,
        )

    def _lines(self) -> list[Line]:
        """Every figure as a monthly line: a listed group's every item, a heading's when it
        holds an amount or a note."""
        outgoings = self.monthly_outgoings
        sections: dict[str, SectionObject | None] = {
            INCOME: self.monthly_income,
            FIXED: outgoings.fixed_costs if outgoings else None,
            FLEXIBLE: outgoings.flexible_costs if outgoings else None,
        }
        lines: list[Line] = []
        for spec in GROUPS:
            section = sections[spec.section]
            group = section.group(spec.key) if section is not None else None
            if group is None:
                continue
            for key, figure in group.figures():
                if spec.listed or figure.monthly_amount or figure.notes:
                    lines.append(Line(key, figure.monthly_amount, Frequency.MONTHLY, figure.notes))
        return lines

    def _client(self) -> Client:
        partner = None
        if self.model_fields_set & _PARTNER_FIELDS:
            partner = Partner(
                name=self.partner_name,
                date_of_birth=self.partner_date_of_birth,
                employment=self.partner_employment_status,
                employment_other=self.partner_employment_status_other,
            )
        return Client(
            name=self.client_name,
            date_of_birth=self.client_date_of_birth,
            address=self.client_address,
            joint=self.is_joint_application,
            employment=self.client_employment_status,
            tenure=self.housing_tenure,
            employment_other=self.client_employment_status_other,
            tenure_other=self.housing_tenure_other,
            partner=partner,
            asset_use_considered=self.asset_use_considered,
        )


def _priority(debt: PriorityDebtItem) -> PriorityDebt:
    return PriorityDebt(debt.creditor, debt.amount_owed, debt.repayment_offer, debt.notes)


def _non_priority(debt: NonPriorityDebtItem) -> NonPriorityDebt:
    return NonPriorityDebt(
        debt.creditor, debt.amount_owed, debt.repayment_offer, debt.ccj, debt.notes
    )


# --- the sums across the document ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Parts:
    """The parts of a document that read (None: absent or not readable)."""

    household: HouseholdFields | None
    income: SectionObject | None
    outgoings: Outgoings | None
    savings: Savings | None
    debts: Debts | None
    overview: Overview | None


#: How each "available" figure of docs/rules.md A3 is worked out, in the words of a refusal.
_SPARE = "income - outgoings - savings - admin fee"
_AFTER_OFFERS = "available for priority debts - priority offers"


@dataclass(frozen=True, slots=True)
class _Worked:
    """The figures worked out from the blocks that read (None where a block is missing)."""

    income: int | None
    outgoings: int | None
    savings: int | None
    admin_fee: int | None
    offers: int | None

    @classmethod
    def of(cls, parts: _Parts) -> _Worked:
        debts = parts.debts
        return cls(
            income=parts.income.stated if parts.income else None,
            outgoings=parts.outgoings.total_monthly_outgoings if parts.outgoings else None,
            savings=parts.savings.savings_contribution if parts.savings else None,
            admin_fee=debts.debt_admin_fee.monthly_amount if debts else None,
            offers=debts.offered if debts else None,
        )

    @property
    def available(self) -> int | None:
        """Available for priority debts (A3)."""
        return _minus(self.income, self.outgoings, self.savings, self.admin_fee)

    @property
    def after_offers(self) -> int | None:
        """Available for non-priority debts (A3)."""
        return _minus(self.available, self.offers)


def _document_sums(parts: _Parts) -> list[tuple[KeyPath, str]]:
    """The rules across blocks: the household count, and A3's "available" figures and the
    overview against the blocks they come from. A rule needing a missing block is not checked."""
    found: list[tuple[KeyPath, str]] = []
    if parts.household is not None:
        _check_household(found, parts.household)
    worked = _Worked.of(parts)
    if parts.debts is not None:
        _check_available(found, parts.debts, worked)
    if parts.overview is not None:
        _check_overview(found, parts.overview, worked)
    return found


def _check_household(found: list[tuple[KeyPath, str]], household: HouseholdFields) -> None:
    least = 1 + int(household.is_joint_application) + household.dependants_and_others
    if household.total_number_in_household < least:
        found.append(
            (
                ("total-number-in-household",),
                f"is {household.total_number_in_household} but the client, partner (if joint), "
                f"dependants and non-dependants make at least {least}",
            )
        )


def _check_available(found: list[tuple[KeyPath, str]], debts: Debts, worked: _Worked) -> None:
    at = "debts"
    stated = debts.total_available_for_priority_debts
    _compare(found, (at, "total-available-for-priority-debts"), stated, worked.available, _SPARE)
    stated = debts.total_available_for_non_priority_debts
    after = worked.after_offers
    _compare(found, (at, "total-available-for-non-priority-debts"), stated, after, _AFTER_OFFERS)


def _check_overview(found: list[tuple[KeyPath, str]], overview: Overview, worked: _Worked) -> None:
    for key, stated, figure, how in (
        ("total-monthly-income", overview.total_monthly_income, worked.income,
         "monthly-income's total"),
        ("total-monthly-outgoings", overview.total_monthly_outgoings, worked.outgoings,
         "monthly-outgoings' total"),
        ("income-minus-outgoings", overview.income_minus_outgoings,
         _minus(worked.income, worked.outgoings), "income - outgoings"),
        ("savings-contribution", overview.savings_contribution, worked.savings,
         "the savings contribution"),
        ("debt-admin-fee", overview.debt_admin_fee, worked.admin_fee, "the debt admin fee"),
        ("total-available-for-priority-debts", overview.total_available_for_priority_debts,
         worked.available, _SPARE),
        ("total-available-for-non-priority-debts",
         overview.total_available_for_non_priority_debts, worked.after_offers, _AFTER_OFFERS),
    ):  # fmt: skip
        _compare(found, ("overview", key), stated, figure, how)


def _compare(
    found: list[tuple[KeyPath, str]], at: KeyPath, stated: int, worked: int | None, how: str
) -> None:
    if worked is not None and stated != worked:
        found.append((at, f"is {pounds(stated)} but {how} is {pounds(worked)}"))


def _minus(first: int | None, *rest: int | None) -> int | None:
    if first is None or any(r is None for r in rest):
        return None
    return first - sum(r for r in rest if r is not None)


def _readable_parts(doc: dict[str, Any]) -> _Parts:
    """Each part of an invalid document that reads on its own (None where it does not)."""

    def part(model: Any, key: str | None) -> Any:
        if key is not None and key not in doc:
            return None
        try:
            return model.model_validate(doc if key is None else doc[key])
        except ValidationError:
            return None

    return _Parts(
        household=part(_HouseholdPart, None),
        income=part(IncomeSection, "monthly-income"),
        outgoings=part(Outgoings, "monthly-outgoings"),
        savings=part(Savings, "savings"),
        debts=part(Debts, "debts"),
        overview=part(Overview, "overview"),
    )


class _HouseholdPart(HouseholdFields):
    """The household fields alone, from a whole document (its other keys ignored)."""

    model_config = ConfigDict(extra="ignore")


# --- reading -------------------------------------------------------------------------------------


def _read(doc: object) -> tuple[SfsDocument | None, list[str]]:
    """The document read, or None and every problem found in it."""
    try:
        return SfsDocument.model_validate(doc), []
    except ValidationError as exc:
        found = problems_of(exc)
    if isinstance(doc, dict):  # pydantic skips the sums across a document that did not read
        sums = [Problem(at, "broken", words) for at, words in _document_sums(_readable_parts(doc))]
        found += [problem for problem in sums if problem not in found]
    return None, [_say(problem) for problem in found]


def _say(problem: Problem) -> str:
    where = ""
    for part in problem.at:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else part)
    return f"{where or '(document)'}: {_WORDS.get(problem.kind, problem.words)}"


_WORDS = {
    "missing": "missing (required)",
    "extra_forbidden": "unknown field (not part of SFS v1.1 data entry)",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "dict_type": "must be an object",
    "list_type": "must be a list",
}


def validate_document(doc: object) -> list[str]:
    """Every way ``doc`` breaks the SFS v1.1 data-entry rules; an empty list when it is valid."""
    return _read(doc)[1]


def import_document(doc: object, *, assessed_on: date) -> SfsStatement:
    """An SFS v1.1 data-entry document as a statement, every figure kept as a monthly line.

    Raises :class:`~app.domain.sfs_document.SfsDocumentError` listing every problem when the
    document is not valid.
    """
    document, problems = _read(doc)
    if document is None:
        raise SfsDocumentError(problems)
    return document.to_statement(assessed_on)
