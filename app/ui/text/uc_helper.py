"""What the Universal Credit helper says: its title, the estimate's banner, lines, figure and
notes, and each check of the managed payment (APA) and deduction (TPD) page, from the values
``app.domain.universal_credit`` and ``app.domain.deductions`` return.

Rich text is marked ``html`` (or returned by a function whose name ends so) and comes back
escaped; the verdicts ("Eligible", "Not eligible", "Yes") carry their colour in an inline style
as well as their word.

Pure functions; no Qt. Threading: any thread.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from decimal import Decimal

from app.domain.deductions import DeductionCheck
from app.domain.display import format_pence
from app.domain.universal_credit import IGNORED, UcEstimate

ESTIMATE_LABEL = "Estimate only — not a benefit decision"
ESTIMATE_BANNER_HTML = f"<b>{ESTIMATE_LABEL}.</b> It ignores " + ", ".join(IGNORED) + "."
CLAIMANT_LABELS = {
    "single_under_25": "Single, under 25",
    "single_25_plus": "Single, 25 or over",
    "couple_under_25": "Couple, both under 25",
    "couple_25_plus": "Couple, one 25 or over",
}
ROUTES = {
    "two_months": "arrears of at least 2 months' rent",
    "underpayment": "at least 1 month's rent and underpaid for more than 2 months",
}
YES_STYLE = "color: #1b5e20; font-weight: bold;"
NO_STYLE = "color: #7f0000; font-weight: bold;"
#: The line of the estimate shown in bold: what the household could get before income.
MAXIMUM_LINE = "Maximum UC"
#: Why no figure is shown, after "No estimate: " or "No check: ".
CORRECT_THE_AMOUNT = "correct the amount marked in red"
ENTER_THE_RENT = "enter the rent"
COPIED = "Copied."


def window_title(tenancy_ref: str | None) -> str:
    """``"Universal Credit helper — T000001 — Doorstep"`` (no ref: no middle part)."""
    title = "Universal Credit helper"
    if tenancy_ref:
        title += f" — {tenancy_ref}"
    return f"{title} — Doorstep"


def _yes(word: str) -> str:
    return f"<span style='{YES_STYLE}'>{word}</span>"


def _no(word: str) -> str:
    return f"<span style='{NO_STYLE}'>{word}</span>"


def _percent(rate: Decimal) -> str:
    """``Decimal("0.15")`` -> ``"15%"``."""
    return f"{rate * 100:.0f}%"


# -- the estimate -------------------------------------------------------------------------------
def estimate_line_html(label: str, pence: int) -> tuple[str, str]:
    """One line of the sum as (label, amount); the maximum in bold."""
    amount = format_pence(pence)
    if label == MAXIMUM_LINE:
        return f"<b>{html.escape(label)}</b>", f"<b>{amount}</b>"
    return html.escape(label), amount


def uc_figure(estimate: UcEstimate) -> str:
    """``"UC (estimate): £933.69 a month"``."""
    return f"UC (estimate): {format_pence(estimate.uc_pence)} a month"


def estimate_notes(estimate: UcEstimate, year: str) -> str:
    """The rates used and the estimate label; over the capital limit first; any work
    allowance last."""
    notes = [f"{year} rates. {ESTIMATE_LABEL}."]
    if estimate.over_capital_limit:
        notes.insert(0, "Capital is above the upper limit: no UC.")
    if estimate.work_allowance_pence:
        notes.append(f"Work allowance {format_pence(estimate.work_allowance_pence)}.")
    return " ".join(notes)


def no_estimate(reason: str | None = None) -> str:
    """Why no figure is shown: an amount to correct (no ``reason``) or the domain's reason
    (``"No estimate: a child's date of birth is in the future"``)."""
    return f"No estimate: {reason}" if reason else f"No estimate: {CORRECT_THE_AMOUNT}."


# -- managed payment and deductions -------------------------------------------------------------
def allowance_text(allowance_pence: int, *, year: str, claimant: str) -> str:
    """``"£424.90 a month (2026/27, single, 25 or over)"``; ``claimant`` as in the list."""
    return f"{format_pence(allowance_pence)} a month ({year}, {claimant.lower()})"


def no_check(reason: str) -> str:
    """``"No check: enter the rent."``"""
    return f"No check: {reason}."


@dataclass(frozen=True)
class CheckTexts:
    """Each line of the checks as shown, rich text: a month of rent (and the APA threshold),
    the managed payment, the deduction, its range, the cap and its headroom, over the cap."""

    month_html: str
    apa_html: str
    tpd_html: str
    range_html: str
    cap_html: str
    last_resort_html: str


def check_texts(check: DeductionCheck) -> CheckTexts:
    """What the checks page says about ``check``."""
    money = format_pence
    rules = check.rules
    return CheckTexts(
        month_html=(
            f"{money(check.month_of_rent_pence)}; {rules.apa_arrears_months} months "
            f"{money(check.apa_threshold_pence)}"
        ),
        apa_html=_apa_html(check),
        tpd_html=(
            f"{_yes('Eligible')} — arrears at least {money(check.tpd_threshold_pence)}"
            if check.tpd_eligible
            else f"{_no('Not eligible')} — arrears below {money(check.tpd_threshold_pence)}"
        ),
        range_html=(
            f"{money(check.tpd_min_pence)} to {money(check.tpd_max_pence)} a month "
            f"({_percent(rules.tpd_min_rate)}–{_percent(rules.tpd_max_rate)} of the standard "
            "allowance)"
        ),
        cap_html=(
            f"{money(check.cap_pence)} ({_percent(rules.cap_rate)}); already taken "
            f"{money(check.existing_deductions_pence)}; headroom "
            f"<b>{money(check.headroom_pence)}</b>"
        ),
        last_resort_html=(
            f"{_no('Yes')} — a {money(check.tpd_min_pence)} deduction would go over the cap: "
            "last resort, DWP discretion"
            if check.last_resort
            else f"No — a {_percent(rules.tpd_min_rate)} deduction fits within the cap"
        ),
    )


def _apa_html(check: DeductionCheck) -> str:
    """Eligible by which route, or the two thresholds the arrears fall below."""
    if check.apa_route is not None:
        return f"{_yes('Eligible')} — {ROUTES[check.apa_route]}"
    money = format_pence
    return (
        f"{_no('Not eligible')} — arrears below "
        f"{money(check.apa_underpayment_threshold_pence)} (1 month), or below "
        f"{money(check.apa_threshold_pence)} without more than "
        f"{check.rules.apa_underpaid_more_than_months} months underpaid"
    )
