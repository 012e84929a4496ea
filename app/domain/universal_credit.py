"""Universal Credit: an ESTIMATE of a household's monthly award, and the dated rates behind it.

Pure functions over frozen values (docs/rules.md D2, D5, D6; W3, W7). Money is integer pence; rates
are ``Decimal``; intermediate sums are exact fractions, so the only rounding is where a rule
rounds: each element to the penny, half up. Nothing here keeps state: safe on any thread.

The figures are dated data, never code: :func:`parse_uc_rates` reads them from TOML text (the
schema is at the top of ``resources/uc-rates.toml``; ``app.services.uc_rates`` loads the shipped
file). A new benefit year is a new table in that file.

The estimate (D6)::

    UC = standard allowance + child, carer and LCWRA elements + housing costs
         - 55% x max(0, net earnings - work allowance) - unearned income - capital tariff income

never below 0, and nil when capital is above the upper limit. It is labelled an estimate
everywhere it is shown (:attr:`UcEstimate.estimate`): childcare costs, the benefit cap,
transitional protection, disabled-child additions and the two-child limit's exceptions are
deliberately ignored (D6).

Decisions where docs/rules.md is silent (each one is a reading of the UC Regulations 2013):

- **Housing costs (D2)** = the rent converted to a month with no intermediate rounding (weekly x
  charged weeks / 12; fortnightly x charged weeks / 24; four-weekly x charged weeks / 48;
  quarterly / 3; annual / 12), less the under-occupancy share of that exact figure, rounded half
  up; then less one non-dependant deduction per non-dependant (count only those a deduction
  applies to), never below 0. ``charged_weeks`` is 1 to 52 (UC never counts a 53rd week) and
  only weekly, fortnightly or four-weekly rent may have rent-free weeks.
- **Children.** Taken eldest first. The eldest gets the higher amount when born before 6 Apr
  2017. With a two-child limit (``child_limit`` in the year's rates) a child beyond the limit
  still counts when born before 6 Apr 2017 (the transitional protection in reg 24A); none of the
  other exceptions is modelled. No age limit is applied: list the children the household is
  responsible for on the day.
- **Carer and LCWRA.** A single claimant with both gets the LCWRA element only (reg 29(4)). For
  a couple the carer is taken to be the partner without LCWRA, so both are included. At most
  one of each element per award.
- **Work allowance** when the household has a child (whether or not a child element is paid)
  or LCWRA; the lower ("with housing") amount when the housing costs element is above £0.
- **Capital** above the lower limit gives tariff income for each step "or part" of a step; at
  exactly the lower limit there is none; above the upper limit there is no entitlement
  (``uc_pence`` 0, ``over_capital_limit``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from app.domain.money import AmountError, parse_pounds
from app.domain.rent_account import div_half_up

CLAIMANT_TYPES = ("single_under_25", "single_25_plus", "couple_under_25", "couple_25_plus")
#: Rent frequencies (docs/calc.md; docs/rules.md A4).
RENT_FREQUENCIES = ("weekly", "fortnightly", "four-weekly", "monthly", "quarterly", "annual")
#: Frequencies that may have rent-free weeks (E2): the others convert without ``charged_weeks``.
WEEK_BASED_FREQUENCIES = ("weekly", "fortnightly", "four-weekly")
#: A child born before this day keeps the higher first-child amount and escapes the limit.
CHILD_RULES_CHANGED = date(2017, 4, 6)
#: What the estimate deliberately leaves out (D6), for the screen and the printout.
IGNORED = (
    "childcare costs",
    "the benefit cap",
    "transitional protection",
    "disabled child additions",
    "exceptions to the two-child limit",
)

# Weeks in a period of each week-based frequency: monthly = amount x charged weeks / (12 x this).
_WEEKS_PER_PERIOD = {"weekly": 1, "fortnightly": 2, "four-weekly": 4}
# Periods in a month (as a divisor) for the others.
_MONTHS_PER_PERIOD = {"monthly": 1, "quarterly": 3, "annual": 12}
_YEAR_NAME = re.compile(r"^(\d{4})/(\d{2})$")


class UcRatesError(ValueError):
    """A rates file that cannot be used; the message names the key and what is wrong."""


class UcInputError(ValueError):
    """Household figures that cannot be used; ``field`` names the input, ``message`` says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# --- the rates ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UcYearRates:
    """One benefit year's UC figures (monthly, integer pence; rates as ``Decimal``).

    ``standard_allowance_pence`` maps each of :data:`CLAIMANT_TYPES` to its amount.
    ``child_limit`` is the two-child limit (None: no limit).
    """

    year: str
    effective_from: date
    source: str
    taper_rate: Decimal
    child_limit: int | None
    standard_allowance_pence: Mapping[str, int]
    child_pence: int
    child_first_born_before_2017_pence: int
    carer_pence: int
    lcwra_pence: int
    work_allowance_with_housing_pence: int
    work_allowance_without_housing_pence: int
    non_dependant_deduction_pence: int
    under_occupancy_one_bedroom: Decimal
    under_occupancy_two_or_more: Decimal
    capital_lower_pence: int
    capital_upper_pence: int
    tariff_step_pence: int
    tariff_per_step_pence: int

    def under_occupancy_rate(self, spare_bedrooms: int) -> Decimal:
        """The share of the rent taken off for spare bedrooms: 0, 14% or 25% (D2)."""
        if spare_bedrooms <= 0:
            return Decimal(0)
        if spare_bedrooms == 1:
            return self.under_occupancy_one_bedroom
        return self.under_occupancy_two_or_more


@dataclass(frozen=True, slots=True)
class DeductionRules:
    """The DWP's rules for managed payments (APA) and rent-arrears deductions (TPD) (D3, D4).

    Rates are fractions of the standard allowance; thresholds are in months of rent.
    """

    effective_from: date
    source: str
    cap_rate: Decimal
    tpd_min_rate: Decimal
    tpd_max_rate: Decimal
    tpd_arrears_months: int
    apa_arrears_months: int
    apa_underpayment_arrears_months: int
    apa_underpaid_more_than_months: int


@dataclass(frozen=True, slots=True)
class UcRateTable:
    """Every year of UC rates and every dated version of the deduction rules, from one file."""

    years: Mapping[str, UcYearRates]
    deductions: tuple[DeductionRules, ...]  # by effective_from

    def year(self, name: str) -> UcYearRates:
        """The rates of benefit year ``name`` ("2026/27"); UcInputError ``year`` if absent."""
        try:
            return self.years[name]
        except KeyError:
            known = ", ".join(sorted(self.years))
            raise UcInputError("year", f"{name!r} is not in the rates table ({known})") from None

    def year_on(self, day: date) -> UcYearRates:
        """The rates in force on ``day`` (the latest year whose ``effective_from`` <= day)."""
        in_force = [rates for rates in self.years.values() if rates.effective_from <= day]
        if not in_force:
            raise UcInputError("date", f"no UC rates in force on {day.isoformat()}")
        return max(in_force, key=lambda rates: rates.effective_from)

    def deduction_rules_on(self, day: date) -> DeductionRules:
        """The deduction rules in force on ``day``."""
        in_force = [rules for rules in self.deductions if rules.effective_from <= day]
        if not in_force:
            raise UcInputError("date", f"no deduction rules in force on {day.isoformat()}")
        return in_force[-1]

    @property
    def latest_deduction_rules(self) -> DeductionRules:
        """The newest version of the deduction rules in the file."""
        return self.deductions[-1]


_TOP_KEYS = frozenset({"schema", "years", "deductions"})
_YEAR_KEYS = frozenset(
    {
        "effective_from",
        "source",
        "taper",
        "child_limit",
        "standard_allowance",
        "elements",
        "work_allowance",
        "housing",
        "capital",
    }
)
_ELEMENT_KEYS = ("child", "child_first_born_before_2017", "carer", "lcwra")
_WORK_ALLOWANCE_KEYS = ("with_housing", "without_housing")
_HOUSING_KEYS = (
    "non_dependant_deduction",
    "under_occupancy_one_bedroom",
    "under_occupancy_two_or_more",
)
_CAPITAL_KEYS = ("lower_limit", "upper_limit", "tariff_step", "tariff_per_step")
_DEDUCTION_KEYS = (
    "effective_from",
    "source",
    "cap",
    "tpd_min",
    "tpd_max",
    "tpd_arrears_months",
    "apa_arrears_months",
    "apa_underpayment_arrears_months",
    "apa_underpaid_more_than_months",
)


def parse_uc_rates(toml_text: str) -> UcRateTable:
    """The UC rate table from TOML text (schema: the top of ``resources/uc-rates.toml``).

    Raises :class:`UcRatesError` naming the key as written in the file (``years."2026/27".
    elements.child``, ``deductions[0].cap``) and what is wrong: invalid TOML, a missing or
    unknown key, a wrong type, money written as a number rather than a string of pounds, a rate
    outside 0-1, a year whose name and dates disagree.
    """
    try:
        data = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as error:
        raise UcRatesError(f"UC rates: not valid TOML ({error})") from None
    _check_keys(data, _TOP_KEYS, "", required=_TOP_KEYS)
    schema = data["schema"]
    if schema != 1 or isinstance(schema, bool):
        raise UcRatesError(
            f"schema: must be 1 (this version of Doorstep reads schema 1), got {schema!r}"
        )
    years_table = _table(data, "years", "")
    if not years_table:
        raise UcRatesError("years: no benefit year given")
    years = {name: _parse_year(name, value) for name, value in years_table.items()}
    raw_rules = data["deductions"]
    if not isinstance(raw_rules, list) or not raw_rules:
        raise UcRatesError("deductions: must be one or more [[deductions]] tables")
    rules = sorted(
        (_parse_deductions(index, value) for index, value in enumerate(raw_rules)),
        key=lambda version: version.effective_from,
    )
    for earlier_rules, later_rules in zip(rules, rules[1:], strict=False):
        if earlier_rules.effective_from == later_rules.effective_from:
            raise UcRatesError(
                f"deductions: two versions take effect on {later_rules.effective_from.isoformat()}"
            )
    return UcRateTable(years=MappingProxyType(dict(sorted(years.items()))), deductions=tuple(rules))


def _parse_year(name: str, value: object) -> UcYearRates:
    where = f'years."{name}"'
    match = _YEAR_NAME.match(name)
    if match is None or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise UcRatesError(
            f'{where}: a benefit year is written "2026/27" (the second part is the first plus one)'
        )
    if not isinstance(value, dict):
        raise UcRatesError(f"{where}: must be a table")
    _check_keys(value, _YEAR_KEYS, where, required=_YEAR_KEYS)
    effective_from = _date(value["effective_from"], f"{where}.effective_from")
    if effective_from.year != int(match.group(1)):
        raise UcRatesError(
            f"{where}.effective_from: {effective_from.isoformat()} is not in {match.group(1)}"
        )
    child_limit = value["child_limit"]
    if child_limit == "none":
        limit: int | None = None
    elif isinstance(child_limit, int) and not isinstance(child_limit, bool) and child_limit >= 1:
        limit = child_limit
    else:
        raise UcRatesError(
            f'{where}.child_limit: must be a whole number >= 1 or "none", got {child_limit!r}'
        )

    allowance = _table(value, "standard_allowance", where)
    _check_keys(
        allowance, frozenset(CLAIMANT_TYPES), f"{where}.standard_allowance", required=CLAIMANT_TYPES
    )
    elements = _table(value, "elements", where)
    _check_keys(elements, frozenset(_ELEMENT_KEYS), f"{where}.elements", required=_ELEMENT_KEYS)
    work = _table(value, "work_allowance", where)
    _check_keys(
        work,
        frozenset(_WORK_ALLOWANCE_KEYS),
        f"{where}.work_allowance",
        required=_WORK_ALLOWANCE_KEYS,
    )
    housing = _table(value, "housing", where)
    _check_keys(housing, frozenset(_HOUSING_KEYS), f"{where}.housing", required=_HOUSING_KEYS)
    capital = _table(value, "capital", where)
    _check_keys(capital, frozenset(_CAPITAL_KEYS), f"{where}.capital", required=_CAPITAL_KEYS)

    def money(table: Mapping[str, Any], key: str, section: str) -> int:
        return _money(table[key], f"{where}.{section}.{key}")

    lower = money(capital, "lower_limit", "capital")
    upper = money(capital, "upper_limit", "capital")
    if upper <= lower:
        raise UcRatesError(f"{where}.capital.upper_limit: must be above lower_limit")
    step = money(capital, "tariff_step", "capital")
    if step <= 0:
        raise UcRatesError(f"{where}.capital.tariff_step: must be above 0.00")
    return UcYearRates(
        year=name,
        effective_from=effective_from,
        source=_text(value["source"], f"{where}.source"),
        taper_rate=_rate(value["taper"], f"{where}.taper"),
        child_limit=limit,
        standard_allowance_pence=MappingProxyType(
            {kind: money(allowance, kind, "standard_allowance") for kind in CLAIMANT_TYPES}
        ),
        child_pence=money(elements, "child", "elements"),
        child_first_born_before_2017_pence=money(
            elements, "child_first_born_before_2017", "elements"
        ),
        carer_pence=money(elements, "carer", "elements"),
        lcwra_pence=money(elements, "lcwra", "elements"),
        work_allowance_with_housing_pence=money(work, "with_housing", "work_allowance"),
        work_allowance_without_housing_pence=money(work, "without_housing", "work_allowance"),
        non_dependant_deduction_pence=money(housing, "non_dependant_deduction", "housing"),
        under_occupancy_one_bedroom=_rate(
            housing["under_occupancy_one_bedroom"], f"{where}.housing.under_occupancy_one_bedroom"
        ),
        under_occupancy_two_or_more=_rate(
            housing["under_occupancy_two_or_more"], f"{where}.housing.under_occupancy_two_or_more"
        ),
        capital_lower_pence=lower,
        capital_upper_pence=upper,
        tariff_step_pence=step,
        tariff_per_step_pence=money(capital, "tariff_per_step", "capital"),
    )


def _parse_deductions(index: int, value: object) -> DeductionRules:
    where = f"deductions[{index}]"
    if not isinstance(value, dict):
        raise UcRatesError(f"{where}: must be a table")
    _check_keys(value, frozenset(_DEDUCTION_KEYS), where, required=_DEDUCTION_KEYS)
    tpd_min = _rate(value["tpd_min"], f"{where}.tpd_min")
    tpd_max = _rate(value["tpd_max"], f"{where}.tpd_max")
    if tpd_max < tpd_min:
        raise UcRatesError(f"{where}.tpd_max: must not be below tpd_min")
    return DeductionRules(
        effective_from=_date(value["effective_from"], f"{where}.effective_from"),
        source=_text(value["source"], f"{where}.source"),
        cap_rate=_rate(value["cap"], f"{where}.cap"),
        tpd_min_rate=tpd_min,
        tpd_max_rate=tpd_max,
        tpd_arrears_months=_months(value["tpd_arrears_months"], f"{where}.tpd_arrears_months"),
        apa_arrears_months=_months(value["apa_arrears_months"], f"{where}.apa_arrears_months"),
        apa_underpayment_arrears_months=_months(
            value["apa_underpayment_arrears_months"], f"{where}.apa_underpayment_arrears_months"
        ),
        apa_underpaid_more_than_months=_months(
            value["apa_underpaid_more_than_months"], f"{where}.apa_underpaid_more_than_months"
        ),
    )


def _check_keys(
    table: Mapping[str, Any], allowed: frozenset[str], where: str, *, required: Iterable[str]
) -> None:
    prefix = f"{where}." if where else ""
    for key in table:
        if key not in allowed:
            raise UcRatesError(
                f"{prefix}{key}: unknown key (expected one of {', '.join(sorted(allowed))})"
            )
    for key in required:
        if key not in table:
            raise UcRatesError(f"{prefix}{key}: missing")


def _table(parent: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = parent[key]
    if not isinstance(value, dict):
        name = f"{where}.{key}" if where else key
        raise UcRatesError(f"{name}: must be a table, got {value!r}")
    return value


def _money(value: object, key: str) -> int:
    if not isinstance(value, str):
        raise UcRatesError(f'{key}: write pounds as a string such as "424.90", got {value!r}')
    try:
        pence = parse_pounds(value)
    except AmountError as error:
        raise UcRatesError(f"{key}: {error}") from None
    if pence < 0:
        raise UcRatesError(f"{key}: must not be negative, got {value!r}")
    return pence


def _rate(value: object, key: str) -> Decimal:
    if not isinstance(value, str):
        raise UcRatesError(f'{key}: write a rate as a string such as "0.55", got {value!r}')
    try:
        rate = Decimal(value)
    except InvalidOperation:
        raise UcRatesError(f"{key}: {value!r} is not a number") from None
    if not rate.is_finite() or not Decimal(0) <= rate <= Decimal(1):
        raise UcRatesError(f"{key}: must be between 0 and 1, got {value!r}")
    return rate


def _months(value: object, key: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise UcRatesError(f"{key}: must be a whole number of months, 0 or more, got {value!r}")
    return value


def _date(value: object, key: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise UcRatesError(f"{key}: must be a date such as 2026-04-06, got {value!r}")
    return value


def _text(value: object, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UcRatesError(f"{key}: must be a non-empty string")
    return value


# --- arithmetic -----------------------------------------------------------------------------


def round_half_up(amount: Fraction) -> int:
    """An exact amount of pence rounded half up (away from zero) to a whole penny."""
    return div_half_up(amount.numerator, amount.denominator)


def share_pence(amount_pence: int, rate: Decimal) -> int:
    """``rate`` of an amount, rounded half up: 15% of £424.90 -> £63.74 (W6)."""
    return round_half_up(amount_pence * Fraction(rate))


def monthly_rent_exact(rent_pence: int, frequency: str, charged_weeks: int = 52) -> Fraction:
    """The rent as a month, unrounded (D2; A4 with rent-free weeks, E4).

    Validates its inputs (:class:`UcInputError` naming ``rent_pence``, ``rent_frequency`` or
    ``charged_weeks``).
    """
    _check_int(rent_pence, "rent_pence", minimum=0)
    _check_int(charged_weeks, "charged_weeks", minimum=1)
    if frequency not in RENT_FREQUENCIES:
        raise UcInputError(
            "rent_frequency", f"{frequency!r} is not one of {', '.join(RENT_FREQUENCIES)}"
        )
    if charged_weeks > 52:
        raise UcInputError(
            "charged_weeks", "must be 52 or fewer (UC never counts a 53rd week of rent)"
        )
    if frequency in _WEEKS_PER_PERIOD:
        return Fraction(rent_pence * charged_weeks, 12 * _WEEKS_PER_PERIOD[frequency])
    if charged_weeks != 52:
        raise UcInputError(
            "charged_weeks",
            "rent-free weeks apply only to weekly, fortnightly or four-weekly rent, "
            f"not {frequency}",
        )
    return Fraction(rent_pence, _MONTHS_PER_PERIOD[frequency])


def monthly_rent_pence(rent_pence: int, frequency: str, charged_weeks: int = 52) -> int:
    """A month of rent, half up (D2, D3): £95/week over 52 weeks -> £411.67; 48 weeks -> £380."""
    return round_half_up(monthly_rent_exact(rent_pence, frequency, charged_weeks))


#: Periods a year of each frequency, for a weekly figure (A4: monthly -> weekly is x 12 / 52).
_PERIODS_A_YEAR = {
    "weekly": 52,
    "fortnightly": 26,
    "four-weekly": 13,
    "monthly": 12,
    "quarterly": 4,
    "annual": 1,
}


def weekly_rent_pence(rent_pence: int, frequency: str) -> int:
    """The rent as a week, half up (A4, E3): £450/month -> £103.85 (W3)."""
    if frequency not in _PERIODS_A_YEAR:
        raise UcInputError(
            "rent_frequency", f"{frequency!r} is not one of {', '.join(RENT_FREQUENCIES)}"
        )
    return div_half_up(rent_pence * _PERIODS_A_YEAR[frequency], 52)


def _check_int(value: object, name: str, *, minimum: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise UcInputError(name, f"must be a whole number, got {value!r}")
    if value < minimum:
        raise UcInputError(name, "must be > 0" if minimum == 1 else f"must be {minimum} or more")


# --- the estimate ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Household:
    """What the estimate needs to know about a household, monthly figures in pence.

    ``rent_pence`` is the eligible rent plus eligible service charges per ``rent_frequency``;
    ``non_dependants`` counts only non-dependants a housing-cost deduction applies to;
    ``children_born`` the birth dates of the children the household is responsible for.
    Invalid figures raise :class:`UcInputError` naming the field.
    """

    claimant: str
    children_born: tuple[date, ...] = ()
    carer: bool = False
    lcwra: bool = False
    rent_pence: int = 0
    rent_frequency: str = "weekly"
    charged_weeks: int = 52
    spare_bedrooms: int = 0
    non_dependants: int = 0
    net_earnings_monthly_pence: int = 0
    unearned_monthly_pence: int = 0
    capital_pence: int = 0

    def __post_init__(self) -> None:
        if self.claimant not in CLAIMANT_TYPES:
            raise UcInputError(
                "claimant", f"{self.claimant!r} is not one of {', '.join(CLAIMANT_TYPES)}"
            )
        children = tuple(self.children_born)
        for index, born in enumerate(children):
            if not isinstance(born, date) or isinstance(born, datetime):
                raise UcInputError(f"children[{index}].born", f"must be a date, got {born!r}")
        object.__setattr__(self, "children_born", children)
        for flag in ("carer", "lcwra"):
            if not isinstance(getattr(self, flag), bool):
                raise UcInputError(flag, "must be true or false")
        for name in (
            "spare_bedrooms",
            "non_dependants",
            "net_earnings_monthly_pence",
            "unearned_monthly_pence",
            "capital_pence",
        ):
            _check_int(getattr(self, name), name, minimum=0)
        monthly_rent_exact(self.rent_pence, self.rent_frequency, self.charged_weeks)

    @property
    def couple(self) -> bool:
        """True for joint claimants."""
        return self.claimant.startswith("couple")


@dataclass(frozen=True, slots=True)
class HousingCosts:
    """The housing costs element and how it was reached (D2).

    ``monthly_rent_pence`` - ``under_occupancy_pence`` - ``non_dependant_pence`` =
    ``housing_pence`` (unless the deductions would take it below 0, when it is 0).
    """

    monthly_rent_pence: int
    under_occupancy_rate: Decimal
    under_occupancy_pence: int
    non_dependant_pence: int
    housing_pence: int


def housing_costs(household: Household, rates: UcYearRates) -> HousingCosts:
    """The housing costs element for a social renter (D2, W3, W7).

    Weekly × charged weeks ÷ 12 with no intermediate rounding; the under-occupancy reduction is
    taken off that exact monthly figure; the result is rounded half up; then the non-dependant
    deductions. W7: £120/week -> £520.00; with one spare bedroom £447.20.
    """
    exact = monthly_rent_exact(
        household.rent_pence, household.rent_frequency, household.charged_weeks
    )
    monthly = round_half_up(exact)
    rate = rates.under_occupancy_rate(household.spare_bedrooms)
    reduced = round_half_up(exact * (1 - Fraction(rate)))
    non_dependants = household.non_dependants * rates.non_dependant_deduction_pence
    return HousingCosts(
        monthly_rent_pence=monthly,
        under_occupancy_rate=rate,
        under_occupancy_pence=monthly - reduced,
        non_dependant_pence=non_dependants,
        housing_pence=max(0, reduced - non_dependants),
    )


def child_elements(children_born: Sequence[date], rates: UcYearRates) -> tuple[int, ...]:
    """The child element for each child, eldest first (0 for a child the limit excludes)."""
    amounts: list[int] = []
    for position, born in enumerate(sorted(children_born)):
        protected = born < CHILD_RULES_CHANGED
        if rates.child_limit is not None and position >= rates.child_limit and not protected:
            amounts.append(0)
        elif position == 0 and protected:
            amounts.append(rates.child_first_born_before_2017_pence)
        else:
            amounts.append(rates.child_pence)
    return tuple(amounts)


def tariff_income_pence(capital_pence: int, rates: UcYearRates) -> int:
    """Monthly tariff income from capital: £4.35 per £250 or part above £6,000 (D5).

    0 at or below the lower limit; the caller decides what happens above the upper limit.
    """
    over = capital_pence - rates.capital_lower_pence
    if over <= 0:
        return 0
    steps = -(-over // rates.tariff_step_pence)
    return steps * rates.tariff_per_step_pence


@dataclass(frozen=True, slots=True)
class UcEstimate:
    """An ESTIMATE of the monthly UC award (D6), with every figure that makes it up.

    ``max_uc_pence`` = standard allowance + children + carer + LCWRA + housing; ``uc_pence`` =
    ``max_uc_pence`` − ``taper_pence`` − ``unearned_pence`` − ``tariff_income_pence``, never
    below 0 (and 0 when ``over_capital_limit``). ``estimate`` is always True; ``ignored`` lists
    what the estimate leaves out.
    """

    year: str
    standard_allowance_pence: int
    child_elements_pence: tuple[int, ...]
    carer_pence: int
    lcwra_pence: int
    housing: HousingCosts
    max_uc_pence: int
    work_allowance_pence: int
    earnings_pence: int
    taper_rate: Decimal
    taper_pence: int
    unearned_pence: int
    tariff_income_pence: int
    over_capital_limit: bool
    uc_pence: int
    estimate: bool = True
    ignored: tuple[str, ...] = field(default=IGNORED)

    @property
    def child_element_pence(self) -> int:
        """All the child elements together."""
        return sum(self.child_elements_pence)

    @property
    def housing_pence(self) -> int:
        """The housing costs element."""
        return self.housing.housing_pence

    def lines(self) -> tuple[tuple[str, int], ...]:
        """The sum as labelled lines for a screen or a printout (deductions negative)."""
        out: list[tuple[str, int]] = [("Standard allowance", self.standard_allowance_pence)]
        for number, amount in enumerate(self.child_elements_pence, start=1):
            out.append((f"Child element (child {number})", amount))
        if self.carer_pence:
            out.append(("Carer element", self.carer_pence))
        if self.lcwra_pence:
            out.append(("LCWRA element", self.lcwra_pence))
        out.append(("Housing costs", self.housing_pence))
        out.append(("Maximum UC", self.max_uc_pence))
        percent = f"{(self.taper_rate * 100).normalize():f}%"
        out.append((f"Earnings taper ({percent} above the work allowance)", -self.taper_pence))
        if self.unearned_pence:
            out.append(("Unearned income", -self.unearned_pence))
        if self.tariff_income_pence:
            out.append(("Tariff income from capital", -self.tariff_income_pence))
        out.append(("UC (estimate)", self.uc_pence))
        return tuple(out)


def estimate_uc(household: Household, rates: UcYearRates) -> UcEstimate:
    """Estimate the monthly UC award (D5, D6). W7 (2026/27): £933.69; 2025/26: £889.00."""
    allowance = rates.standard_allowance_pence[household.claimant]
    children = child_elements(household.children_born, rates)
    lcwra = rates.lcwra_pence if household.lcwra else 0
    # Reg 29(4): a single claimant with LCWRA gets no carer element.
    carer_included = household.carer and (household.couple or not household.lcwra)
    carer = rates.carer_pence if carer_included else 0
    housing = housing_costs(household, rates)
    max_uc = allowance + sum(children) + carer + lcwra + housing.housing_pence

    if household.children_born or household.lcwra:
        work_allowance = (
            rates.work_allowance_with_housing_pence
            if housing.housing_pence > 0
            else rates.work_allowance_without_housing_pence
        )
    else:
        work_allowance = 0
    earnings = household.net_earnings_monthly_pence
    taper = share_pence(max(0, earnings - work_allowance), rates.taper_rate)
    unearned = household.unearned_monthly_pence
    tariff = tariff_income_pence(household.capital_pence, rates)
    over_limit = household.capital_pence > rates.capital_upper_pence
    uc = 0 if over_limit else max(0, max_uc - taper - unearned - tariff)
    return UcEstimate(
        year=rates.year,
        standard_allowance_pence=allowance,
        child_elements_pence=children,
        carer_pence=carer,
        lcwra_pence=lcwra,
        housing=housing,
        max_uc_pence=max_uc,
        work_allowance_pence=work_allowance,
        earnings_pence=earnings,
        taper_rate=rates.taper_rate,
        taper_pence=taper,
        unearned_pence=unearned,
        tariff_income_pence=tariff,
        over_capital_limit=over_limit,
        uc_pence=uc,
    )
