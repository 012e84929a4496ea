"""Universal Credit: an ESTIMATE of a household's monthly award, and the dated rates behind it.

Pure functions over frozen values (docs/rules.md D2, D5, D6; W3, W7). Money is integer pence; rates
are ``Decimal``; intermediate sums are exact fractions, so the only rounding is where a rule
rounds: each element to the penny, half up. Nothing here keeps state: safe on any thread.

The figures are dated data, never code: :func:`app.schemas.uc_rates.parse_uc_rates` reads them
from TOML text (the schema is at the top of ``resources/uc-rates.toml``;
``app.services.uc_rates`` loads the shipped file). A new benefit year is a new table in that
file.

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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from app.domain.money import round_half_up_pence

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


# --- arithmetic -----------------------------------------------------------------------------


def share_pence(amount_pence: int, rate: Decimal) -> int:
    """``rate`` of an amount, rounded half up: 15% of £424.90 -> £63.74 (W6)."""
    return round_half_up_pence(amount_pence * Fraction(rate))


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
    return round_half_up_pence(monthly_rent_exact(rent_pence, frequency, charged_weeks))


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
    return round_half_up_pence(Fraction(rent_pence * _PERIODS_A_YEAR[frequency], 52))


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
    monthly = round_half_up_pence(exact)
    rate = rates.under_occupancy_rate(household.spare_bedrooms)
    reduced = round_half_up_pence(exact * (1 - Fraction(rate)))
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
