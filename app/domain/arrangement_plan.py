"""Proposing a payment arrangement from an income and expenditure assessment (issue 5, F3).

:func:`propose` turns the arrears, what the I&E shows the household can afford towards them
(``Budget.max_rent_offer_monthly``), the weekly rent, a frequency and a first date into a
:class:`Proposal`: the instalment, the first due date, the end date and the number of
instalments, with warnings for the officer. Pure functions; safe on any thread.

Rules and decisions:

- **Default instalment**: the offer agreed in the I&E (``agreed_monthly_pence``, the figure the
  tenant agreed to) when there is one, else the largest affordable offer, converted to the
  frequency by the one rule Doorstep has for it, the SFS's (A4, ``sfs.monthly_to_weekly_pence``):
  weekly = monthly × 12 ÷ 52 rounded half up to the penny, fortnightly = 2 × weekly, four-weekly
  = 4 × weekly, monthly as it is; so the I&E and the proposal never differ by a penny. When
  neither leaves anything (≤ 0) there is no default: the officer must enter one (refused naming
  ``instalment_pence``).
- **First date**: a monthly arrangement for a tenant on UC is due on the UC pay day (D1): the
  next pay day on or after ``first_date``. Other frequencies keep ``first_date``.
- **End**: F3, ``start + (⌈arrears ÷ instalment⌉ − 1)`` periods (``arrangement_watch``).
- **Affordability warning**: the I&E already counts the rent among the outgoings, so what it
  shows as affordable for rent plus arrears per period is ``rent + offer`` (both per period);
  the warning is given when ``rent + instalment`` is above that, i.e. the instalment is above
  the offer converted to the frequency (a penny over warns). Rent per period: weekly × 1, 2 or
  4; monthly = weekly × 52 ÷ 12 rounded half up (D2).
- **Term warning**: when the last due date is more than ``max_weeks`` weeks after the first
  (at exactly ``max_weeks`` weeks it does not warn).
- **Refusals** (:class:`ProposalError`, message naming the field): arrears ≤ 0; an instalment
  ≤ 0 or above the arrears; an unknown frequency; a negative rent or ``max_weeks``; a first
  date (or the UC pay day it moves to) outside the days Doorstep takes (``app.domain.days``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from app.domain.arrangement_watch import (
    FREQUENCIES,
    ArrangementError,
    ArrangementTerms,
    end_date,
    instalment_count,
)
from app.domain.days import day_problem
from app.domain.display import format_day, format_pence
from app.domain.money import round_half_up_pence
from app.domain.months import add_months, whole_months_between
from app.domain.sfs import monthly_to_weekly_pence

_ALIASES = {"four-weekly": "four_weekly"}
_WEEKS = {"weekly": 1, "fortnightly": 2, "four_weekly": 4}


class ProposalError(ArrangementError):
    """A proposal that cannot be made; the message names the field at fault."""


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposed arrangement: its terms and what the officer should be warned about.

    ``affordable_pence`` is the I&E's offer towards the arrears converted to the frequency (may
    be ≤ 0 when the budget does not balance); ``rent_pence`` is the rent per period.
    ``aligned_to_uc`` is true when the first date was moved to the UC pay day;
    ``day_of_month`` is then the pay day's day when the first date had to fall earlier in a
    shorter month (a pay day of the 31st from 28 Feb), so later instalments keep to it.
    """

    arrears_pence: int
    frequency: str
    instalment_pence: int
    first_date: date
    end_date: date | None
    instalment_count: int
    rent_pence: int
    affordable_pence: int
    aligned_to_uc: bool
    warnings: tuple[str, ...]
    day_of_month: int | None = None

    def terms(self, *, ref: str, kind: str, made_on: date | None = None) -> ArrangementTerms:
        """These terms as an :class:`ArrangementTerms` (``kind`` informal or court_order)."""
        return ArrangementTerms(
            ref=ref,
            kind=kind,
            start_date=self.first_date,
            frequency=self.frequency,
            instalment_pence=self.instalment_pence,
            starting_balance_pence=self.arrears_pence,
            made_on=made_on,
            day_of_month=self.day_of_month,
        )


def per_frequency_from_monthly(monthly_pence: int, frequency: str) -> int:
    """A monthly amount as an amount per ``frequency``: the weekly figure as the I&E gives it
    (× 12 ÷ 52, half up: ``sfs.monthly_to_weekly_pence``); fortnightly 2 ×, four-weekly 4 ×
    the weekly figure."""
    if frequency == "monthly":
        return monthly_pence
    return monthly_to_weekly_pence(monthly_pence) * _WEEKS[frequency]


def rent_per_period(weekly_rent_pence: int, frequency: str) -> int:
    """The weekly rent per ``frequency`` (monthly: × 52 ÷ 12, half a penny up; D2)."""
    if frequency == "monthly":
        return round_half_up_pence(Fraction(weekly_rent_pence * 52, 12))
    return weekly_rent_pence * _WEEKS[frequency]


def next_uc_pay_day(uc_pay_day: date, on_or_after: date) -> date:
    """The first monthly recurrence of ``uc_pay_day`` (its day of the month, clamped to the
    month's end) on or after ``on_or_after``."""
    months = whole_months_between(uc_pay_day, on_or_after)
    latest = add_months(uc_pay_day, months)
    return latest if latest == on_or_after else add_months(uc_pay_day, months + 1)


def _whole(value: object, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ProposalError(f"{field}: must be a whole number of pence")
    return value


def propose(
    *,
    arrears_pence: int,
    affordable_monthly_pence: int,
    weekly_rent_pence: int,
    frequency: str,
    first_date: date,
    uc_pay_day: date | None,
    max_weeks: int | None,
    instalment_pence: int | None = None,
    agreed_monthly_pence: int | None = None,
) -> Proposal:
    """Propose an arrangement (see the module for the rules).

    W4: £600 at £10 a week from Mon 2 Mar 2026 is 60 instalments, the last on Mon 19 Apr 2027.
    """
    frequency = _ALIASES.get(frequency, frequency)
    if frequency not in FREQUENCIES:
        raise ProposalError(f"frequency: {frequency!r} is not one of {', '.join(FREQUENCIES)}")
    arrears_pence = _whole(arrears_pence, "arrears_pence")
    affordable_monthly_pence = _whole(affordable_monthly_pence, "affordable_monthly_pence")
    weekly_rent_pence = _whole(weekly_rent_pence, "weekly_rent_pence")
    if arrears_pence <= 0:
        raise ProposalError("arrears_pence: there are no arrears to repay")
    if weekly_rent_pence < 0:
        raise ProposalError("weekly_rent_pence: must be 0 or more")
    if max_weeks is not None and (
        not isinstance(max_weeks, int) or isinstance(max_weeks, bool) or max_weeks < 1
    ):
        raise ProposalError("max_weeks: must be a whole number of weeks, 1 or more")

    problem = day_problem(first_date)
    if problem is not None:  # before the UC pay day is stepped to from it
        raise ProposalError(f"first_date: {problem}")
    affordable = per_frequency_from_monthly(affordable_monthly_pence, frequency)
    agreed = (
        None
        if agreed_monthly_pence is None
        else per_frequency_from_monthly(
            _whole(agreed_monthly_pence, "agreed_monthly_pence"), frequency
        )
    )
    instalment = _instalment(
        instalment_pence,
        default=agreed if agreed is not None and agreed > 0 else affordable,
        arrears_pence=arrears_pence,
    )
    start, day_of_month = _first_due(first_date, frequency, uc_pay_day)
    try:
        terms = ArrangementTerms(
            ref="proposal",
            kind="informal",
            start_date=start,
            frequency=frequency,
            instalment_pence=instalment,
            starting_balance_pence=arrears_pence,
            day_of_month=day_of_month,
        )
    except ArrangementError as exc:  # a UC pay day past the last day Doorstep takes
        raise ProposalError(str(exc).replace("start_date:", "first_date:", 1)) from None
    last = end_date(terms)
    rent = rent_per_period(weekly_rent_pence, frequency)
    return Proposal(
        arrears_pence=arrears_pence,
        frequency=frequency,
        instalment_pence=instalment,
        first_date=start,
        end_date=last,
        instalment_count=instalment_count(terms),
        rent_pence=rent,
        affordable_pence=affordable,
        aligned_to_uc=frequency == "monthly" and uc_pay_day is not None,
        warnings=_warnings(terms, last=last, rent=rent, affordable=affordable, max_weeks=max_weeks),
        day_of_month=day_of_month,
    )


def _instalment(instalment_pence: int | None, *, default: int, arrears_pence: int) -> int:
    """The instalment typed, checked against the arrears; else the default (the agreed offer,
    or what the I&E makes affordable) each time, never more than the arrears."""
    if instalment_pence is None:
        if default <= 0:
            raise ProposalError(
                "instalment_pence: the I&E leaves nothing towards the arrears; enter an instalment"
            )
        return min(default, arrears_pence)
    instalment = _whole(instalment_pence, "instalment_pence")
    if instalment <= 0:
        raise ProposalError("instalment_pence: must be more than £0.00")
    if instalment > arrears_pence:
        raise ProposalError(
            f"instalment_pence: {format_pence(instalment)} is more than the arrears "
            f"({format_pence(arrears_pence)})"
        )
    return instalment


def _first_due(
    first_date: date, frequency: str, uc_pay_day: date | None
) -> tuple[date, int | None]:
    """The first due date, and the day of the month the instalments keep (None: the first
    date's): a monthly plan falls on the next UC pay day, and keeps a pay day of the 29th-31st
    after a shorter month."""
    if frequency != "monthly" or uc_pay_day is None:
        return first_date, None
    start = next_uc_pay_day(uc_pay_day, first_date)
    if start.day != uc_pay_day.day:  # clamped to a shorter month: keep the pay day after
        return start, uc_pay_day.day
    return start, None


def _warnings(
    terms: ArrangementTerms, *, last: date | None, rent: int, affordable: int, max_weeks: int | None
) -> tuple[str, ...]:
    """Rent plus instalment above what the I&E makes affordable; a plan longer than the
    policy allows."""
    warnings: list[str] = []
    if terms.instalment_pence > affordable:
        warnings.append(
            f"Rent plus instalment ({format_pence(rent + terms.instalment_pence)} "
            f"{_each(terms.frequency)}) is more than the I&E shows as affordable "
            f"({format_pence(rent + max(affordable, 0))})"
        )
    if max_weeks is not None and (
        last is None or last > terms.start_date + timedelta(weeks=max_weeks)
    ):
        warnings.append(
            f"The plan takes longer than the policy's maximum of {max_weeks} weeks"
            + (f" (last instalment {format_day(last)})" if last is not None else "")
        )
    return tuple(warnings)


def _each(frequency: str) -> str:
    return {
        "weekly": "a week",
        "fortnightly": "a fortnight",
        "four_weekly": "every four weeks",
        "monthly": "a month",
    }[frequency]


__all__ = [
    "Proposal",
    "ProposalError",
    "next_uc_pay_day",
    "per_frequency_from_monthly",
    "propose",
    "rent_per_period",
]
