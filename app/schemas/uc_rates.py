"""The Universal Credit rates file, read from TOML into the domain's :class:`UcRateTable`.

The schema is written at the top of ``resources/uc-rates.toml``; the rules that use the figures
are :mod:`app.domain.universal_credit`'s and :mod:`app.domain.deductions`'. Money is pounds as a
string (``"424.90"``), a rate a fraction as a string (``"0.55"``) and a date a TOML date
(``2026-04-06``), as in the recovery policy (:mod:`app.schemas.fields`). The file ships with
Doorstep (a new benefit year is a new table in it), so it has no older spellings to accept.

:func:`parse_uc_rates` refuses a file naming every problem by the key as written in the file
(``years."2026/27".elements.child``, ``deductions[0].cap``). Pure; safe on any thread.
"""

from __future__ import annotations

import re
from datetime import date
from types import MappingProxyType
from typing import Annotated

from app.domain.universal_credit import DeductionRules, UcRateTable, UcYearRates
from app.pydantic_once import (
    Field,
    PlainValidator,
    ValidationError,
    field_validator,
    model_validator,
)
from app.schemas.base import (
    Broken,
    Problem,
    SchemaError,
    StrictModel,
    keys_of,
    parse_toml,
    problems_of,
)
from app.schemas.fields import Day, Pence, Rate, Text

_YEAR_NAME = re.compile(r"^(\d{4})/(\d{2})$")


class UcRatesError(SchemaError):
    """A rates file that cannot be used; each problem names the key and what is wrong."""


def _year_name(value: str) -> str:
    match = _YEAR_NAME.match(value)
    if match is None or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(
            'a benefit year is written "2026/27" (the second part is the first plus one)'
        )
    return value


def _child_limit(value: object) -> int | None:
    if value == "none":
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise ValueError(f'must be a whole number >= 1 or "none", got {value!r}')


def _schema(value: object) -> int:
    if value != 1 or isinstance(value, bool):
        raise ValueError(f"must be 1 (this version of Doorstep reads schema 1), got {value!r}")
    return 1


def _months(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"must be a whole number of months, 0 or more, got {value!r}")
    return value


Months = Annotated[int, PlainValidator(_months)]
YearName = Annotated[str, PlainValidator(_year_name)]


class StandardAllowanceTable(StrictModel):
    """``[years."YYYY/YY".standard_allowance]``: monthly, by claimant type."""

    single_under_25: Pence
    single_25_plus: Pence
    couple_under_25: Pence
    couple_25_plus: Pence


class ElementsTable(StrictModel):
    """``[years."YYYY/YY".elements]``: monthly."""

    child: Pence
    child_first_born_before_2017: Pence
    carer: Pence
    lcwra: Pence


class WorkAllowanceTable(StrictModel):
    """``[years."YYYY/YY".work_allowance]``: monthly."""

    with_housing: Pence
    without_housing: Pence


class HousingTable(StrictModel):
    """``[years."YYYY/YY".housing]``: the non-dependant deduction and the under-occupancy shares."""

    non_dependant_deduction: Pence
    under_occupancy_one_bedroom: Rate
    under_occupancy_two_or_more: Rate


class CapitalTable(StrictModel):
    """``[years."YYYY/YY".capital]``: the limits and the tariff income steps."""

    lower_limit: Pence
    upper_limit: Pence
    tariff_step: Pence
    tariff_per_step: Pence

    @model_validator(mode="after")
    def _limits_and_step(self) -> CapitalTable:
        if self.upper_limit <= self.lower_limit:
            raise Broken((("upper_limit",), "must be above lower_limit"))
        if self.tariff_step <= 0:
            raise Broken((("tariff_step",), "must be above 0.00"))
        return self


class YearTable(StrictModel):
    """``[years."YYYY/YY"]``: one benefit year's figures."""

    effective_from: Day
    source: Text
    taper: Rate
    child_limit: Annotated[int | None, PlainValidator(_child_limit)]
    standard_allowance: StandardAllowanceTable
    elements: ElementsTable
    work_allowance: WorkAllowanceTable
    housing: HousingTable
    capital: CapitalTable

    def to_rates(self, year: str) -> UcYearRates:
        """The domain's rates of benefit year ``year``."""
        allowance, housing, capital = self.standard_allowance, self.housing, self.capital
        return UcYearRates(
            year=year,
            effective_from=self.effective_from,
            source=self.source,
            taper_rate=self.taper,
            child_limit=self.child_limit,
            standard_allowance_pence=MappingProxyType(
                {
                    "single_under_25": allowance.single_under_25,
                    "single_25_plus": allowance.single_25_plus,
                    "couple_under_25": allowance.couple_under_25,
                    "couple_25_plus": allowance.couple_25_plus,
                }
            ),
            child_pence=self.elements.child,
            child_first_born_before_2017_pence=self.elements.child_first_born_before_2017,
            carer_pence=self.elements.carer,
            lcwra_pence=self.elements.lcwra,
            work_allowance_with_housing_pence=self.work_allowance.with_housing,
            work_allowance_without_housing_pence=self.work_allowance.without_housing,
            non_dependant_deduction_pence=housing.non_dependant_deduction,
            under_occupancy_one_bedroom=housing.under_occupancy_one_bedroom,
            under_occupancy_two_or_more=housing.under_occupancy_two_or_more,
            capital_lower_pence=capital.lower_limit,
            capital_upper_pence=capital.upper_limit,
            tariff_step_pence=capital.tariff_step,
            tariff_per_step_pence=capital.tariff_per_step,
        )


class DeductionsTable(StrictModel):
    """One ``[[deductions]]`` table: a dated version of the DWP's deduction rules (D3, D4)."""

    effective_from: Day
    source: Text
    cap: Rate
    tpd_min: Rate
    tpd_max: Rate
    tpd_arrears_months: Months
    apa_arrears_months: Months
    apa_underpayment_arrears_months: Months
    apa_underpaid_more_than_months: Months

    @model_validator(mode="after")
    def _range(self) -> DeductionsTable:
        if self.tpd_max < self.tpd_min:
            raise Broken((("tpd_max",), "must not be below tpd_min"))
        return self

    def to_rules(self) -> DeductionRules:
        """The domain's deduction rules."""
        return DeductionRules(
            effective_from=self.effective_from,
            source=self.source,
            cap_rate=self.cap,
            tpd_min_rate=self.tpd_min,
            tpd_max_rate=self.tpd_max,
            tpd_arrears_months=self.tpd_arrears_months,
            apa_arrears_months=self.apa_arrears_months,
            apa_underpayment_arrears_months=self.apa_underpayment_arrears_months,
            apa_underpaid_more_than_months=self.apa_underpaid_more_than_months,
        )


class UcRatesFile(StrictModel):
    """The whole file: its schema version, every benefit year and the deduction rules."""

    schema_version: Annotated[int, PlainValidator(_schema)] = Field(alias="schema")
    years: dict[YearName, YearTable]
    deductions: list[DeductionsTable]

    @field_validator("years")
    @classmethod
    def _some_years(cls, years: dict[str, YearTable]) -> dict[str, YearTable]:
        if not years:
            raise ValueError("no benefit year given")
        return years

    @field_validator("deductions")
    @classmethod
    def _some_rules(cls, rules: list[DeductionsTable]) -> list[DeductionsTable]:
        if not rules:
            raise ValueError("must be one or more [[deductions]] tables")
        return rules

    @model_validator(mode="after")
    def _dates_agree(self) -> UcRatesFile:
        """A year starts in its own first calendar year; two rule versions never share a day."""
        for name, year in self.years.items():
            if year.effective_from.year != int(name[:4]):
                raise Broken(
                    (
                        ("years", name, "effective_from"),
                        f"{year.effective_from.isoformat()} is not in {name[:4]}",
                    )
                )
        days = sorted(rules.effective_from for rules in self.deductions)
        for earlier, later in zip(days, days[1:], strict=False):
            if earlier == later:
                raise Broken((("deductions",), f"two versions take effect on {later.isoformat()}"))
        return self

    def to_table(self) -> UcRateTable:
        """The domain's rate table: years by name, deduction rules by date."""
        years = {name: year.to_rates(name) for name, year in sorted(self.years.items())}
        rules = sorted((rules.to_rules() for rules in self.deductions), key=_by_date)
        return UcRateTable(years=MappingProxyType(years), deductions=tuple(rules))


def _by_date(rules: DeductionRules) -> date:
    return rules.effective_from


def parse_uc_rates(toml_text: str) -> UcRateTable:
    """The UC rate table from TOML text (schema: the top of ``resources/uc-rates.toml``).

    Raises :class:`UcRatesError` naming, for every problem, the key as written in the file
    (``years."2026/27".elements.child``, ``deductions[0].cap``) and what is wrong: invalid
    TOML, a missing or unknown key, a wrong type, money written as a number rather than a
    string of pounds, a rate outside 0-1, a year whose name and dates disagree.
    """
    data = parse_toml(toml_text, "UC rates", UcRatesError)
    try:
        return UcRatesFile.model_validate(data).to_table()
    except ValidationError as exc:
        raise UcRatesError([_say(problem) for problem in problems_of(exc)]) from None


def _say(problem: Problem) -> str:
    """One problem as the rates file's refusals read: ``years."2026/27".taper: ...``."""
    return f"{_where(problem.at)}: {_words_for(problem)}"


def _where(at: tuple[str | int, ...]) -> str:
    path = ""
    for depth, part in enumerate(at):
        if isinstance(part, int):
            path += f"[{part}]"
        elif depth == 1 and at[0] == "years":
            path += f'."{part}"'
        else:
            path += f".{part}" if path else part
    return path


def _words_for(problem: Problem) -> str:
    kind = problem.kind
    if kind == "missing":
        return "missing"
    if kind == "extra_forbidden":
        return f"unknown key (expected one of {', '.join(keys_of(UcRatesFile, problem.at[:-1]))})"
    if kind in ("model_type", "dict_type"):
        return f"must be a table, got {problem.value!r}"
    if kind == "list_type":
        return "must be one or more [[deductions]] tables"
    return problem.words
