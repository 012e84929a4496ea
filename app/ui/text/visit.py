"""The words of visit mode (``app.ui.visit_mode``): labels, and the brief's facts as shown.

The sentences themselves are the brief's (``app.domain.visit_brief``); here they are only put
together for the screen (escaped where shown as rich text).

Pure functions; safe on any thread.
"""

from __future__ import annotations

from datetime import date
from html import escape

from app.domain.display import format_day
from app.domain.visit_brief import VisitBrief, VisitWarning

WINDOW_TITLE = "Doorstep — visit"
LOADING = "Reading the case…"
READ_FIRST = "Read before you visit"
READ_BUTTON = "I have read these — start the visit"
WHO = "Who lives there"
ACCOUNT = "Account"
ARRANGEMENT = "Arrangement"
PROMISE = "Promise to pay"
FOLLOW_UPS = "Follow-ups"
LAST_CONTACTS = "Last contacts"
OUTCOME = "What happened? (Alt+1 to Alt+8)"
HOW = "How the contact was made"
HOW_LABEL = "&How:"
SPOKE_TO = "Who was spoken to"
SPOKE_LABEL = "Spoke &to:"
SPOKE_NAME = "Name of the person spoken to"
SPOKE_NAME_HINT = "Their name and who they are (e.g. Sam Lee, support worker)"
NOBODY = "Nobody / not known"
STEP = "The recovery step this contact served"
STEP_LABEL = "For the ste&p:"
NO_STEP = "Not for a recovery step"
SOMEONE_ELSE = "Someone else…"
PROMISE_AMOUNT = "Amount promised, in pounds"
PROMISE_AMOUNT_LABEL = "Promised £"
PROMISE_BY_LABEL = "by"
PROMISE_DATE = "Date the payment is promised by"
FOLLOW_UP_CHECK = "&Follow up on"
FOLLOW_UP_DATE = "Follow-up date"
FOLLOW_UP_TASK = "What to follow up"
FOLLOW_UP_HINT = "What to do (e.g. check the payment came in)"
NOTE_LABEL = "&Note:"
NOTE = "Note of the contact"
TEMPLATE = "Start from a template…"
SNIPPET = "Insert a snippet…"
SAVE = "&Save contact (Ctrl+Enter)"
SAVING = "Saving…"
CLOSE = "Close"
SAVED = "Saved on this laptop; sent at the next sync."
RESTORED = "What you had typed is back (kept while Doorstep was closed or locked)."
PICK_OUTCOME = "Choose what happened"
NAME_THEM = "Write the name of the person spoken to, and who they are"
DISCARD_QUESTION = "Close visit mode and discard what you have typed for this contact?"
NONE_YET = "None"

_STYLES = {
    "safety": "background:#fde2e1;border:2px solid #b00020;padding:8px;color:#5c0010;",
    "vulnerability": "background:#fff4d6;border:2px solid #9a6700;padding:8px;color:#4d3300;",
    "breathing_space": "background:#e3efff;border:2px solid #0b57d0;padding:8px;color:#062e6f;",
}


def short(snippet: str, limit: int = 48) -> str:
    """A snippet's first words, for the menu."""
    return snippet if len(snippet) <= limit else snippet[: limit - 1].rstrip() + "…"


def window_title(brief: VisitBrief) -> str:
    return f"Visit — {brief.lead_name or brief.ref} — Doorstep"


def title(brief: VisitBrief) -> str:
    """``"Ms Alex Testcase · 1 Example Row, Testtown TE1 1ST · T-1001"``."""
    address = ", ".join(line.strip() for line in brief.address.splitlines() if line.strip())
    return f"{brief.lead_name} · {address} {brief.postcode} · {brief.ref}"


def warning_html(warning: VisitWarning) -> str:
    by = f" by {escape(warning.recorded_by)}" if warning.recorded_by else ""
    on = f" (recorded {format_day(warning.on)}{by})" if warning.on else ""
    return f"<b>{escape(warning.label)}:</b> {escape(warning.text)}{on}"


def warning_style(kind: str) -> str:
    return _STYLES.get(kind, _STYLES["vulnerability"])


def banners_html(brief: VisitBrief) -> str:
    return "<br>".join(
        f'<span style="color:#b00020"><b>{escape(w.label)}:</b></span> {escape(w.text)}'
        for w in brief.warnings
    )


def household(brief: VisitBrief) -> str:
    """One line per person: name, lead, date of birth and age, phone, email."""
    lines = []
    for member in brief.household:
        facts = ["lead tenant"] if member.is_lead else []
        if member.date_of_birth is not None:
            born = f"born {format_day(member.date_of_birth)}"
            facts.append(f"{born}, {member.age}" if member.age is not None else born)
        line = member.name + (f" ({'; '.join(facts)})" if facts else "")
        contact = " · ".join(filter(None, (member.phone, member.email)))
        lines.append(f"{line}\n    {contact}" if contact else line)
    return "\n".join(lines) or "Nobody is named on the tenancy."


def changes(brief: VisitBrief) -> str:
    since = brief.since_last_contact
    return "\n".join((since.heading, *(f"• {line}" for line in since.lines)))


def arrangement(brief: VisitBrief) -> str:
    if not brief.arrangements:
        return "No live arrangement."
    rows = []
    for line in brief.arrangements:
        state = escape(line.state_text)
        shown = state if line.kept else f'<b style="color:#b00020">{state}</b>'
        rows.append(f"{escape(line.text)}: {shown}")
    return "<br>".join(rows)


def promise(brief: VisitBrief) -> str:
    return brief.promise.text if brief.promise is not None else NONE_YET


def follow_ups(brief: VisitBrief) -> str:
    return "\n".join(f.text for f in brief.follow_ups) or NONE_YET


def recent_contacts(brief: VisitBrief) -> str:
    lines = []
    for contact in brief.recent_contacts:
        note = " ".join(contact.note.split())
        if len(note) > 160:
            note = note[:159] + "…"
        lines.append(contact.line + (f"\n    {note}" if note else ""))
    return "\n".join(lines) or "No contact recorded yet."


def correcting(on: date) -> str:
    return (
        f"Correcting the contact of {format_day(on)}: saving records the corrected version; "
        "the first is kept."
    )


def bad_amount(error: Exception) -> str:
    return f"The amount promised: {error}"


def not_saved(error: Exception) -> str:
    return f"The contact was not saved: {type(error).__name__}. Nothing was changed; try again."


def not_read(error: Exception) -> str:
    return f"The case could not be read ({type(error).__name__}). Close this and open it again."
