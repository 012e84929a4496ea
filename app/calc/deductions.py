"""``calc deductions``: managed payment (APA) and third-party deduction (TPD) checks.

docs/rules.md D3, D4, W5, W6; input and output as docs/calc.md. A thin wrapper over
:func:`app.domain.deductions.check_deductions` with the newest deduction rules in the shipped
rates file (``resources/uc-rates.toml``: the 15% cap since 30 Apr 2025). Every field is
required.

Threading: pure apart from reading the rates file once; safe anywhere.
"""

from __future__ import annotations

from typing import Any

from app.calc.fields import Frequency, NotNegative, Positive, from_domain, json_only
from app.calc.inputs import StrictInput, parse_model
from app.domain.deductions import check_deductions
from app.domain.universal_credit import UcInputError
from app.services.uc_rates import load_uc_rates


class DeductionsIn(StrictInput):
    """The ``deductions`` input document."""

    rent_pence: Positive
    rent_frequency: Frequency
    charged_weeks: Positive
    arrears_pence: NotNegative
    months_underpaid: NotNegative
    standard_allowance_pence: Positive
    existing_deductions_pence: NotNegative


def run(data: object, *, fmt: str) -> dict[str, Any]:
    """Month of rent, APA and TPD eligibility, the deduction range, the cap and headroom."""
    json_only("deductions", fmt)
    given = parse_model(DeductionsIn, data)
    try:
        check = check_deductions(
            rent_pence=given.rent_pence,
            rent_frequency=given.rent_frequency,
            charged_weeks=given.charged_weeks,
            arrears_pence=given.arrears_pence,
            months_underpaid=given.months_underpaid,
            standard_allowance_pence=given.standard_allowance_pence,
            existing_deductions_pence=given.existing_deductions_pence,
            rules=load_uc_rates().latest_deduction_rules,
        )
    except UcInputError as exc:
        raise from_domain(exc.field, exc.message) from None
    return {
        "month_of_rent_pence": check.month_of_rent_pence,
        "apa_eligible": check.apa_eligible,
        "apa_route": check.apa_route,
        "tpd_eligible": check.tpd_eligible,
        "tpd_min_pence": check.tpd_min_pence,
        "tpd_max_pence": check.tpd_max_pence,
        "cap_pence": check.cap_pence,
        "headroom_pence": check.headroom_pence,
        "last_resort": check.last_resort,
    }
