"""Managed payments (APA) and third-party deductions (TPD) for rent arrears under UC.

Pure functions over frozen values (docs/rules.md D3, D4; W5, W6): whether the landlord may ask the
DWP for a managed payment of the housing costs, or for a deduction from the tenant's UC towards
the arrears, how large that deduction may be, and how much room the overall cap leaves. The DWP
decides every request; these checks say whether a request is worth making. Money is integer
pence; the rules (rates and thresholds) are dated data in :class:`DeductionRules` (from
``resources/uc-rates.toml``). Nothing here keeps state: safe on any thread.

The rules:

- **Month of rent** = the rent converted to a month as UC does (D2): weekly x charged weeks / 12,
  half up (W5: £95/week -> £411.67). A threshold of N months is N x the exact monthly figure,
  rounded half up once (2 months of £95/week = £823.33, not 2 x £411.67).
- **APA** eligible when the arrears are at least 2 months' rent (route ``two_months``), or at
  least 1 month's rent and the tenant has underpaid for more than 2 months (route
  ``underpayment``). When both hold the route is ``two_months``.
- **TPD** eligible when the arrears are at least 2 months' rent.
- **Deduction range** = 10% to 20% of the standard allowance; the **cap** on all deductions is
  15% of it; each rounded half up (W6: £424.90 -> £42.49, £84.98, £63.74).
- **Headroom** = the cap less the deductions already taken, never below 0.
- **Last resort**: when the smallest rent deduction (10%) is more than the headroom, a request
  takes the total over the cap; rent arrears are a "last resort" deduction the DWP may still make.

Decisions where docs/rules.md is silent: "underpaid continually ... (more than 2 months)" is read as
``months_underpaid`` >= 3 (whole months in a row in which less than the rent was paid);
``last_resort`` is reported whether or not a TPD is eligible (docs/calc.md); the conditions the
landlord cannot see from its own figures (the tenant lives there, the UC award includes housing
costs) are listed in the request text for the officer to confirm.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from app.domain.display import format_pence
from app.domain.money import round_half_up_pence
from app.domain.universal_credit import (
    DeductionRules,
    UcInputError,
    monthly_rent_exact,
    share_pence,
)

APA_ROUTES = ("two_months", "underpayment")


@dataclass(frozen=True, slots=True)
class DeductionCheck:
    """The APA and TPD position for a tenant's arrears, with the figures behind it.

    ``apa_route`` is ``"two_months"``, ``"underpayment"`` or None (not eligible).
    ``tpd_min_pence`` <= ``cap_pence`` <= ``tpd_max_pence`` with the published rates.
    """

    rent_pence: int
    rent_frequency: str
    charged_weeks: int
    arrears_pence: int
    months_underpaid: int
    standard_allowance_pence: int
    existing_deductions_pence: int
    month_of_rent_pence: int
    apa_threshold_pence: int
    apa_underpayment_threshold_pence: int
    tpd_threshold_pence: int
    apa_eligible: bool
    apa_route: str | None
    tpd_eligible: bool
    tpd_min_pence: int
    tpd_max_pence: int
    cap_pence: int
    headroom_pence: int
    last_resort: bool
    rules: DeductionRules


def months_of_rent_pence(monthly_exact: Fraction, months: int) -> int:
    """``months`` months of rent, rounded half up once (W5: 2 x £95/week -> £823.33)."""
    return round_half_up_pence(monthly_exact * months)


def check_deductions(
    *,
    rent_pence: int,
    rent_frequency: str,
    charged_weeks: int = 52,
    arrears_pence: int,
    months_underpaid: int = 0,
    standard_allowance_pence: int,
    existing_deductions_pence: int = 0,
    rules: DeductionRules,
) -> DeductionCheck:
    """Managed payment and third-party deduction checks (D3, D4; W5, W6).

    Invalid figures raise :class:`~app.domain.universal_credit.UcInputError` naming the field.
    W5 case A (arrears £830 on £95/week): APA (two months) and TPD eligible.
    """
    if isinstance(rent_pence, int) and not isinstance(rent_pence, bool) and rent_pence <= 0:
        raise UcInputError("rent_pence", "must be > 0")
    exact = monthly_rent_exact(rent_pence, rent_frequency, charged_weeks)
    for name, value in (
        ("arrears_pence", arrears_pence),
        ("months_underpaid", months_underpaid),
        ("existing_deductions_pence", existing_deductions_pence),
    ):
        if not isinstance(value, int) or isinstance(value, bool):
            raise UcInputError(name, f"must be a whole number, got {value!r}")
        if value < 0:
            raise UcInputError(name, "must be 0 or more")
    if (
        not isinstance(standard_allowance_pence, int)
        or isinstance(standard_allowance_pence, bool)
        or standard_allowance_pence <= 0
    ):
        raise UcInputError("standard_allowance_pence", "must be > 0")

    apa_threshold = months_of_rent_pence(exact, rules.apa_arrears_months)
    underpayment_threshold = months_of_rent_pence(exact, rules.apa_underpayment_arrears_months)
    tpd_threshold = months_of_rent_pence(exact, rules.tpd_arrears_months)
    if arrears_pence >= apa_threshold:
        route: str | None = "two_months"
    elif (
        arrears_pence >= underpayment_threshold
        and months_underpaid > rules.apa_underpaid_more_than_months
    ):
        route = "underpayment"
    else:
        route = None
    tpd_min = share_pence(standard_allowance_pence, rules.tpd_min_rate)
    cap = share_pence(standard_allowance_pence, rules.cap_rate)
    headroom = max(0, cap - existing_deductions_pence)
    return DeductionCheck(
        rent_pence=rent_pence,
        rent_frequency=rent_frequency,
        charged_weeks=charged_weeks,
        arrears_pence=arrears_pence,
        months_underpaid=months_underpaid,
        standard_allowance_pence=standard_allowance_pence,
        existing_deductions_pence=existing_deductions_pence,
        month_of_rent_pence=round_half_up_pence(exact),
        apa_threshold_pence=apa_threshold,
        apa_underpayment_threshold_pence=underpayment_threshold,
        tpd_threshold_pence=tpd_threshold,
        apa_eligible=route is not None,
        apa_route=route,
        tpd_eligible=arrears_pence >= tpd_threshold,
        tpd_min_pence=tpd_min,
        tpd_max_pence=share_pence(standard_allowance_pence, rules.tpd_max_rate),
        cap_pence=cap,
        headroom_pence=headroom,
        last_resort=tpd_min > headroom,
        rules=rules,
    )


_PER = {
    "weekly": "a week",
    "fortnightly": "a fortnight",
    "four-weekly": "every four weeks",
    "monthly": "a month",
    "quarterly": "a quarter",
    "annual": "a year",
}


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def request_summary(
    check: DeductionCheck,
    *,
    as_of: date | None = None,
    tenancy_ref: str | None = None,
    tenant_name: str | None = None,
    property_address: str | None = None,
    landlord: str | None = None,
) -> str:
    """Plain text an officer can copy into the DWP's managed payment / deduction request.

    Holds the figures of ``check`` and only the personal details passed in (none by default).
    It states what is asked and on which grounds, and what the officer must confirm.
    """
    lines = ["Universal Credit: request from the landlord about rent arrears", ""]
    for label, value in (
        ("Landlord", landlord),
        ("Tenant", tenant_name),
        ("Property", property_address),
        ("Tenancy reference", tenancy_ref),
    ):
        if value:
            lines.append(f"{label}: {value}")
    lines += [_rent_line(check), _arrears_line(check, as_of), ""]
    lines.append(_apa_request(check))
    lines += _tpd_request(check)
    if check.apa_eligible or check.tpd_eligible:
        lines += [
            "",
            "Conditions (confirm before sending): the tenant lives at the property, and their UC "
            "award includes the housing costs element.",
        ]
    lines += ["", "Figures from Doorstep; the DWP decides each request."]
    return "\n".join(lines)


def _rent_line(check: DeductionCheck) -> str:
    """The rent as charged and as a month (the UC housing-costs basis)."""
    money = format_pence
    rent_line = f"Rent: {money(check.rent_pence)} {_PER[check.rent_frequency]}"
    if check.rent_frequency in ("weekly", "fortnightly", "four-weekly"):
        rent_line += f" over {check.charged_weeks} charged weeks"
    if check.rent_frequency != "monthly":
        rent_line += f" = {money(check.month_of_rent_pence)} a month"
    return rent_line + " (the UC housing-costs basis)."


def _arrears_line(check: DeductionCheck, as_of: date | None) -> str:
    arrears_line = f"Rent arrears: {format_pence(check.arrears_pence)}"
    if as_of is not None:
        arrears_line += f" on {as_of.day} {as_of:%b %Y}"
    return arrears_line + "."


def _apa_request(check: DeductionCheck) -> str:
    """The managed payment: requested on which route, or why it is not eligible (D3)."""
    money, rules = format_pence, check.rules
    if check.apa_route == "two_months":
        return (
            "Managed payment to landlord (APA): requested. The arrears are at least "
            f"{rules.apa_arrears_months} months' rent "
            f"({money(check.apa_threshold_pence)})."
        )
    if check.apa_route == "underpayment":
        return (
            "Managed payment to landlord (APA): requested. The arrears are at least "
            f"{rules.apa_underpayment_arrears_months} month's rent "
            f"({money(check.apa_underpayment_threshold_pence)}) and the tenant has underpaid "
            f"for {check.months_underpaid} months in a row."
        )
    return (
        "Managed payment to landlord (APA): not eligible. The arrears are below "
        f"{rules.apa_underpayment_arrears_months} month's rent "
        f"({money(check.apa_underpayment_threshold_pence)}), or below "
        f"{rules.apa_arrears_months} months' rent "
        f"({money(check.apa_threshold_pence)}) without more than "
        f"{rules.apa_underpaid_more_than_months} months of underpayment."
    )


def _tpd_request(check: DeductionCheck) -> list[str]:
    """The third-party deduction: requested with its range, or not eligible; the cap and
    the headroom it leaves, and a last-resort note when the smallest deduction exceeds it (D4)."""
    money, rules = format_pence, check.rules
    if check.tpd_eligible:
        lines = [
            "Deduction from UC towards the arrears (third-party deduction): requested. The "
            f"arrears are at least {rules.tpd_arrears_months} months' rent "
            f"({money(check.tpd_threshold_pence)}). Range {money(check.tpd_min_pence)} to "
            f"{money(check.tpd_max_pence)} a month ({_percent(rules.tpd_min_rate)} to "
            f"{_percent(rules.tpd_max_rate)} of the standard allowance "
            f"{money(check.standard_allowance_pence)})."
        ]
    else:
        lines = [
            "Deduction from UC towards the arrears (third-party deduction): not eligible. The "
            f"arrears are below {rules.tpd_arrears_months} months' rent "
            f"({money(check.tpd_threshold_pence)})."
        ]
    lines.append(
        f"Deductions cap: {_percent(rules.cap_rate)} of the standard allowance = "
        f"{money(check.cap_pence)} a month; deductions already taken "
        f"{money(check.existing_deductions_pence)}; headroom {money(check.headroom_pence)}."
    )
    if check.tpd_eligible and check.last_resort:
        lines.append(
            f"A deduction of {money(check.tpd_min_pence)} would take the total over the cap: "
            "rent arrears are a last-resort deduction, at the DWP's discretion."
        )
    return lines


__all__ = [
    "APA_ROUTES",
    "DeductionCheck",
    "DeductionRules",
    "check_deductions",
    "months_of_rent_pence",
    "request_summary",
]
