"""``calc uc``: a household's monthly Universal Credit, estimated (docs/rules.md D2, D5, D6, W7).

Input and output as docs/calc.md; a thin wrapper over
:func:`app.domain.universal_credit.estimate_uc` with the shipped rates
(``resources/uc-rates.toml``) of the benefit year named by ``year``. Every field docs/calc.md shows
is required; ``non_dependants`` (non-dependants a housing-cost deduction applies to, D2) is an
optional extra, 0 when absent. The output always carries ``"estimate": true``.

Threading: pure apart from reading the rates file once; safe anywhere.
"""

from __future__ import annotations

from typing import Any, Literal

from app.calc.fields import Day, Frequency, NotNegative, Positive, from_domain, json_only
from app.calc.inputs import StrictInput, parse_model
from app.domain.universal_credit import Household, UcInputError, estimate_uc
from app.services.uc_rates import load_uc_rates


class ChildIn(StrictInput):
    """A child the household is responsible for."""

    born: Day


class UcIn(StrictInput):
    """The ``uc`` input document."""

    year: str
    claimant: Literal["single_under_25", "single_25_plus", "couple_under_25", "couple_25_plus"]
    children: list[ChildIn]
    carer: bool
    lcwra: bool
    rent_pence: NotNegative
    rent_frequency: Frequency
    charged_weeks: Positive
    spare_bedrooms: NotNegative
    net_earnings_monthly_pence: NotNegative
    unearned_monthly_pence: NotNegative
    capital_pence: NotNegative
    non_dependants: NotNegative = 0


def run(data: object, *, fmt: str) -> dict[str, Any]:
    """The estimate: ``housing_pence``, ``max_uc_pence``, ``taper_pence``, ``uc_pence``."""
    json_only("uc", fmt)
    given = parse_model(UcIn, data)
    try:
        rates = load_uc_rates().year(given.year)
        household = Household(
            claimant=given.claimant,
            children_born=tuple(child.born for child in given.children),
            carer=given.carer,
            lcwra=given.lcwra,
            rent_pence=given.rent_pence,
            rent_frequency=given.rent_frequency,
            charged_weeks=given.charged_weeks,
            spare_bedrooms=given.spare_bedrooms,
            non_dependants=given.non_dependants,
            net_earnings_monthly_pence=given.net_earnings_monthly_pence,
            unearned_monthly_pence=given.unearned_monthly_pence,
            capital_pence=given.capital_pence,
        )
    except UcInputError as exc:
        raise from_domain(exc.field, exc.message) from None
    estimate = estimate_uc(household, rates)
    return {
        "housing_pence": estimate.housing_pence,
        "max_uc_pence": estimate.max_uc_pence,
        "taper_pence": estimate.taper_pence,
        "uc_pence": estimate.uc_pence,
        "estimate": estimate.estimate,
    }
