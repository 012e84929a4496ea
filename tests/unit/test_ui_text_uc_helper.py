"""What the Universal Credit helper says, without Qt: the title, the estimate's banner, lines,
figure and notes (W7), and every line of the checks for W5 cases A and C and W6 (over the cap).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from app.domain.deductions import DeductionCheck, check_deductions
from app.domain.universal_credit import Household, UcEstimate, estimate_uc
from app.services.uc_rates import load_uc_rates
from app.ui.text.uc_helper import (
    ESTIMATE_BANNER_HTML,
    ESTIMATE_LABEL,
    NO_STYLE,
    YES_STYLE,
    allowance_text,
    check_texts,
    estimate_line_html,
    estimate_notes,
    no_check,
    no_estimate,
    uc_figure,
    window_title,
)

TODAY = date(2026, 11, 23)


def w7(**changes: object) -> UcEstimate:
    """W7: single parent aged 30, one child born 2020, £120 a week, £1,000 earned (2026/27)."""
    household = Household(
        claimant="single_25_plus",
        children_born=(date(2020, 6, 1),),
        rent_pence=12000,
        rent_frequency="weekly",
        net_earnings_monthly_pence=100000,
    )
    return estimate_uc(replace(household, **changes), load_uc_rates().year("2026/27"))


def w5(arrears_pence: int, existing_pence: int = 0) -> DeductionCheck:
    """W5: £95 a week over 52 weeks, a single claimant of 25 or over (2026/27)."""
    rates = load_uc_rates()
    return check_deductions(
        rent_pence=9500,
        rent_frequency="weekly",
        arrears_pence=arrears_pence,
        standard_allowance_pence=rates.year("2026/27").standard_allowance_pence["single_25_plus"],
        existing_deductions_pence=existing_pence,
        rules=rates.deduction_rules_on(TODAY),
    )


def yes(word: str) -> str:
    return f"<span style='{YES_STYLE}'>{word}</span>"


def no(word: str) -> str:
    return f"<span style='{NO_STYLE}'>{word}</span>"


def test_the_title_names_the_case_when_there_is_one() -> None:
    assert window_title("T000001") == "Universal Credit helper — T000001 — Doorstep"
    assert window_title(None) == "Universal Credit helper — Doorstep"


def test_the_estimate_says_it_is_one_and_what_it_ignores() -> None:
    assert ESTIMATE_BANNER_HTML.startswith(f"<b>{ESTIMATE_LABEL}.</b> It ignores childcare")
    assert ESTIMATE_BANNER_HTML.endswith("exceptions to the two-child limit.")


def test_the_estimate_lines_figure_and_notes() -> None:
    estimate = w7()
    assert estimate_line_html("Maximum UC", 124884) == ("<b>Maximum UC</b>", "<b>£1,248.84</b>")
    assert estimate_line_html("Housing costs", 52000) == ("Housing costs", "£520.00")
    taper = "Earnings taper (55% above the work allowance)"
    assert estimate_line_html(taper, -31515) == (taper, "-£315.15")
    assert estimate_line_html("A & B", 1) == ("A &amp; B", "£0.01")
    assert uc_figure(estimate) == "UC (estimate): £933.69 a month"
    assert estimate_notes(estimate, "2026/27") == (
        f"2026/27 rates. {ESTIMATE_LABEL}. Work allowance £427.00."
    )
    rich = w7(capital_pence=2_000_000, net_earnings_monthly_pence=0)
    assert estimate_notes(rich, "2026/27") == (
        f"Capital is above the upper limit: no UC. 2026/27 rates. {ESTIMATE_LABEL}. "
        "Work allowance £427.00."
    )


def test_why_no_figure_is_shown() -> None:
    assert no_estimate() == "No estimate: correct the amount marked in red."
    assert no_estimate("a child is born after today") == (
        "No estimate: a child is born after today"
    )
    assert no_check("enter the rent") == "No check: enter the rent."


def test_the_standard_allowance_names_the_year_and_the_claimant() -> None:
    assert allowance_text(42490, year="2026/27", claimant="Single, 25 or over") == (
        "£424.90 a month (2026/27, single, 25 or over)"
    )


def test_w5_case_a_both_eligible() -> None:
    texts = check_texts(w5(83000))
    assert texts.month_html == "£411.67; 2 months £823.33"
    assert texts.apa_html == f"{yes('Eligible')} — arrears of at least 2 months' rent"
    assert texts.tpd_html == f"{yes('Eligible')} — arrears at least £823.33"
    assert texts.range_html == (
        "£42.49 to £84.98 a month (10%–20% of the standard allowance)"
    )
    assert texts.cap_html == "£63.74 (15%); already taken £0.00; headroom <b>£63.74</b>"
    assert texts.last_resort_html == "No — a 10% deduction fits within the cap"


def test_w5_case_c_neither_and_w6_over_the_cap() -> None:
    texts = check_texts(w5(40000))
    assert texts.apa_html == (
        f"{no('Not eligible')} — arrears below £411.67 (1 month), or below £823.33 without "
        "more than 2 months underpaid"
    )
    assert texts.tpd_html == f"{no('Not eligible')} — arrears below £823.33"
    over = check_texts(w5(83000, existing_pence=4000))
    assert "headroom <b>£23.74</b>" in over.cap_html
    assert over.last_resort_html == (
        f"{no('Yes')} — a £42.49 deduction would go over the cap: last resort, DWP discretion"
    )
