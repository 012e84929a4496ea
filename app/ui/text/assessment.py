"""What the income and expenditure form says: its totals and their "?" explanations, the
section totals, the guideline lines and warning, the shortfall, the status line and the
reasons an assessment is not finished.

Every figure comes from :func:`app.domain.sfs.assess` (a :class:`~app.domain.sfs.Budget`) and
every flag from :func:`app.domain.guidelines.check_guidelines`; these functions only word them.
Functions named ``*_html`` return rich text with what the officer typed escaped; the others
return plain text (the form shows status lines as rich text and escapes them itself).

Pure functions; no Qt. Threading: any thread.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.domain import sfs
from app.domain.clock import council_day
from app.domain.display import format_day, format_pence
from app.domain.guidelines import GuidelineCheck, GuidelineFlag, flag_comment
from app.services.assessments import SavedAssessment

OPENING = "Opening the assessment…"
DRAFT_UNSAVED = "Draft — unsaved changes…"
DRAFT_SAVED = "Draft — saved on this laptop."
BUILDING_SUMMARY = "Building the summary…"
EXPLANATION_HEADING = "Where a total comes from:"
DISCARD_QUESTION = (
    "Throw this draft away? What was typed in it is lost; finished assessments are kept."
)
NO_TABLE_WARNING = "No spending guidelines loaded for this date"
NO_LINES_REFUSAL = "Enter at least one income or outgoing before finishing."

#: (key, label) of every total shown, in order.
TOTALS: tuple[tuple[str, str], ...] = (
    ("income", "Income"),
    ("fixed", "Fixed costs"),
    ("flexible", "Flexible costs"),
    ("outgoings", "Outgoings"),
    ("surplus", "Income − outgoings"),
    ("available_for_priority", "Available for priority debts"),
    ("max_rent_offer", "Largest rent-arrears offer"),
    ("available_for_non_priority", "Available for non-priority debts"),
)
#: The totals an officer reads first (shown in bold).
KEY_TOTALS = frozenset({"surplus", "available_for_priority", "max_rent_offer"})


def window_title(title: str) -> str:
    """``Doorstep — income and expenditure — <case>``."""
    return f"Doorstep — income and expenditure{' — ' + title if title else ''}"


# -- the totals ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TotalText:
    """One total as shown: its figure, its "?" explanation, and whether it is below zero."""

    text: str
    explanation: str
    negative: bool


def explain(explained: sfs.Explained) -> str:
    """A total's sum for people, one part a line: ``+ Child Benefit £173.20 four-weekly …``."""
    if not explained.parts:
        return f"Nothing entered = {format_pence(explained.pence)}"
    rows = [_part_text(part, first=index == 0) for index, part in enumerate(explained.parts)]
    rows.append(f"= {format_pence(explained.pence)}")
    return "\n".join(rows)


def _part_text(part: sfs.Contribution, *, first: bool) -> str:
    sign = "−" if part.pence < 0 else ("" if first else "+")
    if part.detail and "£" in part.detail:  # a line's own conversion text
        body = f"{part.label} {part.detail}"
    else:
        body = f"{part.label} {format_pence(abs(part.pence))}"
        if part.detail:
            body += f" ({part.detail})"
    return f"{sign} {body}".strip()


def total_figures(budget: sfs.Budget) -> dict[str, sfs.Explained]:
    """Each total of :data:`TOTALS` by its key."""
    return {
        "income": budget.income,
        "fixed": budget.fixed,
        "flexible": budget.flexible,
        "outgoings": budget.outgoings,
        "surplus": budget.surplus,
        "available_for_priority": budget.available_for_priority,
        "max_rent_offer": budget.max_rent_offer_monthly,
        "available_for_non_priority": budget.available_for_non_priority,
    }


def total_texts(budget: sfs.Budget) -> dict[str, TotalText]:
    """Every total of :data:`TOTALS` as shown, with its explanation; the largest rent-arrears
    offer also a week."""
    shown: dict[str, TotalText] = {}
    for key, explained in total_figures(budget).items():
        text, tip = format_pence(explained.pence), explain(explained)
        if key == "max_rent_offer":
            weekly = format_pence(budget.max_rent_offer_weekly_pence)
            text += f"/month = {weekly}/week"
            tip += f"\nPer week: {format_pence(explained.pence)} × 12 / 52 = {weekly}"
        shown[key] = TotalText(text, tip, explained.pence < 0)
    return shown


def explanation_text(key: str, explanation: str) -> str:
    """The panel under the totals: the total's name, then how it is made up."""
    return f"{dict(TOTALS)[key]}:\n{explanation}"


def section_totals_html(budget: sfs.Budget) -> dict[str, str]:
    """Under each section of lines: ``Income: <b>£1,957.63</b> a month``."""
    figures = (budget.income, budget.fixed, budget.flexible)
    return {
        section: f"{sfs.SECTION_LABELS[section]}: <b>{format_pence(explained.pence)}</b> a month"
        for section, explained in zip(sfs.SECTIONS, figures, strict=True)
    }


# -- the spending guidelines --------------------------------------------------------------------


@dataclass(frozen=True)
class FlagLine:
    """One flexible group against its guideline; ``flagged`` when it is above it."""

    text: str
    flagged: bool


def flag_lines(budget: sfs.Budget, check: GuidelineCheck) -> dict[str, FlagLine]:
    """Each flexible group: its total, its guideline, and (above it) the comment it has or
    that it needs one."""
    flags = {flag.category: flag for flag in check.flags}
    return {
        group.key: _flag_line(group, budget, check.guidelines.get(group.key), flags.get(group.key))
        for group in sfs.GROUPS
        if group.section == sfs.FLEXIBLE
    }


def _flag_line(
    group: sfs.Group, budget: sfs.Budget, guideline: int | None, flag: GuidelineFlag | None
) -> FlagLine:
    text = f"{group.label}: {format_pence(budget.group(group.key).pence)}"
    if guideline is not None:
        text += f" (guideline {format_pence(guideline)})"
    if flag is None:
        return FlagLine(text, flagged=False)
    comment = flag_comment(budget, group.key)
    if comment:
        text += f" — {format_pence(flag.over_pence)} above guideline; comment: {comment}"
    else:
        text += f" — {flag.message} (add a note on a line)"
    return FlagLine(text, flagged=True)


def guideline_warning(check: GuidelineCheck, *, household: sfs.Household, assessed_on: date) -> str:
    """The warning over the form: no table in force on the assessment date, or no guideline
    for this household in it; "" when every flexible group could be checked."""
    if check.table_from is None:
        return (
            f"{NO_TABLE_WARNING} ({format_day(assessed_on)}): spending cannot be checked against"
            " the guidelines. Import the licensed table with"
            " 'python -m app guidelines import FILE'."
        )
    missing = [
        f"no guideline for {sfs.GROUPS_BY_KEY[category].label.lower()} for"
        f" {household.adults} adult(s) in the table from {format_day(check.table_from)}"
        for category, pence in check.guidelines.items()
        if pence is None
    ]
    return "Spending guidelines: " + "; ".join(missing) if missing else ""


def shortfall_html(budget: sfs.Budget) -> str:
    """What is short and the largest outgoings behind it; "" when the budget balances."""
    if not budget.shortfall:
        return ""
    drivers = ", ".join(
        html.escape(
            f"{d.label} {format_pence(d.pence)}" + (f" ({d.detail.lower()})" if d.detail else "")
        )
        for d in budget.drivers
    )
    return (
        "<b>The budget does not balance:</b> "
        f"{format_pence(-budget.max_rent_offer_monthly.pence)} a month short before any "
        f"rent-arrears offer. Largest outgoings: {drivers}."
    )


# -- the status line ----------------------------------------------------------------------------


def sync_state(saved: SavedAssessment) -> str:
    """Where a finished assessment is: waiting on this laptop, refused, or held centrally."""
    if saved.sync_problem:
        return f"The central store refused it: {saved.sync_problem}"
    if saved.pending:
        return "Waiting to sync: it goes to the central store at the next sync."
    return "Held by the central store."


def loaded_status(saved: SavedAssessment) -> str:
    """The status line of an assessment as opened or finished: a draft, or finished (when,
    by whom, and where it is now)."""
    if not saved.is_final:
        return "Draft — saved as you type."
    when = format_day(council_day(saved.finalised_at)) if saved.finalised_at else ""
    made = " (a debt adviser's statement, imported)" if saved.source == "sfs-import" else ""
    return (
        f"Finished {when}{made}: read-only. Start a new assessment to record changes."
        f" {sync_state(saved)}"
    )


def uncommented_refusal(flags: Iterable[GuidelineFlag]) -> str:
    """Why the form will not finish: spending above a guideline with no comment."""
    listed = ", ".join(
        f"{flag.label} ({format_pence(flag.over_pence)} above guideline)" for flag in flags
    )
    return (
        f"Not finished: a comment is required for {listed}."
        " Add a note on one of its lines saying why."
    )


def bad_amounts_refusal(count: int) -> str:
    """Why the form will not finish: amounts that could not be read (and are not counted)."""
    return (
        f"Not finished: {count} amount(s) marked in red are not counted; correct or clear them"
        " first."
    )


def refusal_text(message: str) -> str:
    """A refusal of ``finish_assessment`` for people: ``Not finished: …``. A refusal for no
    lines says what to do; one for missing comments or for text that cannot be kept drops its
    ``comments:`` or ``text:`` prefix (it names the line itself); any other is shown whole,
    naming its field."""
    field, _, rest = message.partition(":")
    if field == "lines":
        message = NO_LINES_REFUSAL
    elif field in ("comments", "text"):
        message = rest.strip()
    return f"Not finished: {message}"


def close_question(bad_amounts: int) -> str:
    """Asked on closing with amounts that cannot be kept in the draft."""
    return (
        f"{bad_amounts} amount(s) marked in red are not valid, so they cannot be kept in the"
        " draft. Close anyway and lose them?"
    )


# -- the printed summary and failures ---------------------------------------------------------


def summary_file_name(assessed_on: date) -> str:
    """The file name offered for the summary (sorts by date in a folder)."""
    return f"I&E summary {assessed_on.isoformat()}.pdf"


def summary_saved(path: Path) -> str:
    return f"Summary saved to {path}"


def summary_failed(error: Exception) -> str:
    return f"The summary was not saved: {error}"


def not_saved_status(error: Exception) -> str:
    """The status line when the laptop's database refused a change."""
    return f"Could not save on this laptop: {error}"


def not_saved_message(error: Exception) -> str:
    """The message box for the same failure."""
    return f"The assessment could not be saved: {error}"


# -- a row of the form ----------------------------------------------------------------------------


def monthly_text(line: sfs.Line | None) -> str:
    """Beside a line not typed monthly: ``= £187.63 a month``; "" otherwise."""
    if line is None or line.frequency is sfs.Frequency.MONTHLY:
        return ""
    return f"= {format_pence(line.monthly_pence)} a month"


def typed_amount(pence: int) -> str:
    """An amount put back in its box as it would be typed: ``1150.00`` (no £, no commas)."""
    return format_pence(pence, symbol=False).replace(",", "")


def amount_error(reason: str) -> str:
    """Under an amount that could not be read: why, and that it is left out."""
    return f"{reason}; not counted"


def debt_error(reasons: Iterable[tuple[str, str]]) -> str:
    """Under a debt: each (field, reason) that could not be read; "" when there is none."""
    listed = "; ".join(f"{field}: {reason}" for field, reason in reasons)
    return amount_error(listed) if listed else ""
