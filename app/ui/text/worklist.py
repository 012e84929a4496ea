"""What the worklist window says: its title, status line, empty-list message and the selected
case's next action and reason.

Pure functions; no Qt. Threading: any thread.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from app.domain.clock import council_time
from app.domain.display import format_day
from app.domain.recovery import NONE
from app.services.enrolment import OfficerInfo
from app.services.worklist import WorkItem

EMPTY_CASELOAD = "No cases in your caseload yet — press Sync now"
LOADING = "Loading your caseload…"
DEMO_TITLE_SUFFIX = " — DEMO (database key in a file, not the keyring)"
NO_SELECTION = "Select a case to see its next action and why; Enter or a double-click opens it."


def window_title(officer: OfficerInfo | None, *, demo_key_file: bool) -> str:
    """``"Doorstep — Sam Patel"``; the demo on a machine with no keyring says so."""
    who = (officer.display_name or officer.username) if officer is not None else ""
    title = f"Doorstep — {who}" if who else "Doorstep"
    return title + DEMO_TITLE_SUFFIX if demo_key_file else title


def format_synced(moment: datetime | None, *, now: datetime) -> str:
    """``"last synced today at 14:32"`` (the council's time), or ``"not synced yet"``."""
    if moment is None:
        return "not synced yet"
    local = council_time(moment)
    if local.date() == council_time(now).date():
        return f"last synced today at {local:%H:%M}"
    return f"last synced {format_day(local.date())} at {local:%H:%M}"


@dataclass(frozen=True)
class StatusFacts:
    """What the status line reports."""

    total: int
    shown: int
    sync_problem: str | None
    last_synced: datetime | None


def status_line(facts: StatusFacts, *, now: datetime) -> str:
    """``"12 of 240 cases · last synced today at 14:32"``; a sync problem comes first."""
    noun = "case" if facts.total == 1 else "cases"
    count = (
        f"{facts.total} {noun}"
        if facts.shown == facts.total
        else f"{facts.shown} of {facts.total} {noun}"
    )
    parts = [count]
    if facts.sync_problem:
        parts.append(facts.sync_problem)
        if facts.last_synced is not None:
            parts.append(format_synced(facts.last_synced, now=now))
    else:
        parts.append(format_synced(facts.last_synced, now=now))
    return " · ".join(parts)


def no_match(text: str, *, panel_filters: bool) -> str:
    """The empty-list message when filters hide every case."""
    text = text.strip()
    if text and not panel_filters:
        return f"No case matches “{text}”"
    if text:
        return f"No case matches “{text}” with these filters"
    return "No case matches these filters"


def due_text(item: WorkItem) -> str:
    """The due column: a date, "Today", "On hold to <date>" / "On hold", or blank."""
    advice = item.advice
    if advice.next_action == NONE:
        return ""
    if advice.blocked_by is not None:
        return f"On hold to {format_day(advice.due_date)}" if advice.due_date else "On hold"
    if advice.due_date is None:
        return ""
    if advice.due_date == advice.as_of:
        return "Today"
    return format_day(advice.due_date)


def details_html(item: WorkItem | None) -> str:
    """The selected case under the table: who, the next action and when, why, warnings
    (rich text; the reason column is often too narrow to read)."""
    if item is None:
        return NO_SELECTION
    case = item.case
    advice = item.advice
    if advice.next_action == NONE:
        nxt = "nothing due"
    else:
        nxt = f"<b>{html.escape(advice.next_action_label)}</b>"
        when = due_text(item)
        if advice.due_now:
            nxt += " — due now" if advice.due_date == advice.as_of else f" — due since {when}"
        elif when:
            when = when[:1].lower() + when[1:] if advice.blocked_by else f"due {when}"
            nxt += f" — {html.escape(when)}"
    lines = [
        f"<b>{html.escape(case.ref)} · {html.escape(case.lead_tenant)}</b> — next action: {nxt}",
        f"Why: {html.escape(advice.reason)}",
    ]
    if advice.warnings:
        lines.append("⚠ " + html.escape(" · ".join(advice.warnings)))
    return "<br>".join(lines)
