"""What the arrangement screens say: terms in words, each version's status and state, the plan a
proposal makes, where its figures come from and what it replaces.

Pure functions; no Qt. Threading: any thread.
"""

from __future__ import annotations

import html

from app.domain.arrangement_plan import Proposal
from app.domain.display import format_day, format_pence
from app.services.arrangements import ArrangementContext, ArrangementVersion

FREQUENCIES = (
    ("weekly", "Weekly"),
    ("fortnightly", "Fortnightly"),
    ("four_weekly", "Four-weekly"),
    ("monthly", "Monthly"),
)
KINDS = (("informal", "Informal arrangement"), ("court_order", "Court order on terms"))
EACH = {
    "weekly": "a week",
    "fortnightly": "a fortnight",
    "four_weekly": "every four weeks",
    "monthly": "a month",
}
#: A proposal's warning that only makes sense against an I&E.
_AFFORDABILITY_WARNING = "Rent plus instalment"
READING_IE = "Reading the income and expenditure…"
INSTALMENT_EXAMPLE = "e.g. 12.50"
TYPE_THE_INSTALMENT = "Type the instalment agreed (there is no finished I&E)"
#: The plan row while there is no proposal.
NO_PLAN = "—"
NO_ARRANGEMENT = "No arrangement on this case"


def frequency_words(frequency: str) -> str:
    return dict(FREQUENCIES).get(frequency, frequency.replace("_", "-")).lower()


def terms_words(instalment_pence: int, frequency: str) -> str:
    """``"£25.00 a week"``."""
    return f"{format_pence(instalment_pence)} {EACH.get(frequency, frequency)}"


def version_status(version: ArrangementVersion) -> str:
    """``"live"``, ``"superseded on 3 Mar 2026"``, ``"cancelled — waiting to sync"``,
    ``"refused: ..."``."""
    if version.sync_problem is not None:
        return f"refused: {version.sync_problem}"
    if version.status == "cancelled":
        status = "cancelled"
    elif not version.current:
        status = "superseded"
        if version.superseded_on is not None:
            status += f" on {format_day(version.superseded_on)}"
    else:
        status = "live"
    if version.pending:
        status += " — waiting to sync"
    return status


def version_terms(version: ArrangementVersion) -> str:
    """``"£25.00 a week, 2 Mar 2026 – 28 Sep 2026, 31 payments"``."""
    kind = "Court order: " if version.kind == "court_order" else ""
    text = (
        f"{kind}{terms_words(version.instalment_pence, version.frequency)}, "
        f"{format_day(version.start_date)}"
    )
    if version.end_date is not None:
        text += f" – {format_day(version.end_date)}"
    return text + f", {version.instalment_count} payments"


def version_state(version: ArrangementVersion) -> str:
    """``"kept"``, ``"breached by £20.00 since 23 Mar 2026"``, or blank (no state)."""
    state = version.state
    if state is None:
        return ""
    if state.kept:
        return "kept"
    text = f"breached by {format_pence(state.breached_by_pence)}"
    if state.breached_since is not None:
        text += f" since {format_day(state.breached_since)}"
    return text


def version_paid(version: ArrangementVersion) -> str:
    """``"£220.00 of £240.00"`` paid against required, or blank."""
    state = version.state
    if state is None:
        return ""
    return f"{format_pence(state.credits_pence)} of {format_pence(state.required_pence)}"


def version_tooltip(version: ArrangementVersion) -> str:
    return f"{version_terms(version)} off arrears of {format_pence(version.starting_balance_pence)}"


def made_on_text(version: ArrangementVersion) -> str:
    return format_day(version.made_on) if version.made_on else "—"


def live_summary(versions: list[ArrangementVersion], live: ArrangementVersion | None) -> str:
    """The Arrangements tab's one line: the live terms and whether they are kept."""
    if live is None:
        return "No live arrangement" if versions else NO_ARRANGEMENT
    state = version_state(live)
    return f"Live: {terms_words(live.instalment_pence, live.frequency)}" + (
        f" — {state}" if state else ""
    )


def cancel_question(live: ArrangementVersion) -> str:
    return (
        f"Cancel the arrangement of {terms_words(live.instalment_pence, live.frequency)} "
        f"from {format_day(live.start_date)}? It stays in the history as cancelled."
    )


def arrears_text(arrears_pence: int) -> str:
    return f"Arrears {format_pence(arrears_pence)}" if arrears_pence > 0 else "No arrears to repay"


def source_text(context: ArrangementContext) -> str:
    """Where the affordable figure comes from (the latest finished I&E), or that there is none."""
    if context.affordable_monthly_pence is None:
        return (
            "There is no finished income and expenditure for this case: type the instalment agreed."
        )
    on = f" of {format_day(context.assessed_on)}" if context.assessed_on else ""
    most = format_pence(max(context.affordable_monthly_pence, 0))
    if context.agreed_monthly_pence:
        return (
            f"From the income and expenditure{on}: {format_pence(context.agreed_monthly_pence)}"
            f" a month agreed towards the arrears (the most the household can afford: {most} a "
            "month)."
        )
    return (
        f"From the income and expenditure{on}: the household can afford {most} a month "
        "towards the arrears."
    )


def replaces_text(live: ArrangementVersion) -> str:
    """What agreeing does to the live arrangement."""
    made = f" made on {format_day(live.made_on)}" if live.made_on else ""
    return (
        "This replaces the arrangement of "
        f"{terms_words(live.instalment_pence, live.frequency)}"
        f" from {format_day(live.start_date)}{made}; that one ends when you agree."
    )


def plan_text(proposal: Proposal) -> str:
    """``"31 instalments of £25.00 a week, first 2 Mar 2026, last 28 Sep 2026"``, and the UC
    pay day it was moved to."""
    plan = (
        f"{proposal.instalment_count} instalments of "
        f"{terms_words(proposal.instalment_pence, proposal.frequency)}, "
        f"first {format_day(proposal.first_date)}"
    )
    if proposal.end_date is not None:
        plan += f", last {format_day(proposal.end_date)}"
    if proposal.day_of_month is not None:
        plan += (
            f" (moved to the Universal Credit pay day, day {proposal.day_of_month} of each "
            "month or the month's last day)"
        )
    elif proposal.aligned_to_uc:
        plan += " (moved to the Universal Credit pay day)"
    return plan


def plan_warnings(proposal: Proposal, *, has_ie: bool) -> tuple[str, ...]:
    """The proposal's warnings worth showing: without an I&E, affordability cannot be judged."""
    return tuple(w for w in proposal.warnings if has_ie or not w.startswith(_AFFORDABILITY_WARNING))


def warnings_html(warnings: tuple[str, ...]) -> str:
    """The warnings box: one warning a line, each marked (rich text, escaped)."""
    return "<br>".join(f"⚠ {html.escape(warning, quote=False)}" for warning in warnings)


def typed_instalment(proposal: Proposal) -> str:
    """The instalment as the officer would type it (``25.00``), for the default."""
    return format_pence(proposal.instalment_pence, symbol=False)


def unreadable_instalment(error: ValueError) -> str:
    return f"Type an amount in pounds, such as 12.50 or £12.50 ({error})"


def ie_not_read(error: Exception) -> str:
    return f"The income and expenditure could not be read: {error}"


def not_saved(error: Exception) -> str:
    """Agreeing failed for a reason other than a refusal."""
    return f"The arrangement could not be saved on this laptop: {error}"


def history_not_read(error: Exception) -> str:
    return f"The arrangements could not be read: {error}"


def not_cancelled(error: Exception) -> str:
    return f"The arrangement was not cancelled: {error}"
