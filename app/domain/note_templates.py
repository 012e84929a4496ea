"""Note templates for common visits and short snippets an officer inserts while writing.

A template is a note's skeleton for one kind of contact (the officer fills in the blanks marked
``[...]``); a snippet is a sentence recorded again and again (advice given, a check made). They
follow the pre-action protocol's steps (docs/rules.md B2), so a note written from them is also
the evidence a court pack needs: that the tenant was told of the arrears, offered advice,
asked about benefits and warned of the next step.

Pure values; safe on any thread.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NoteTemplate:
    """A note skeleton (``text``) for the contact outcome ``outcome`` (None: any)."""

    name: str
    text: str
    outcome: str | None = None


TEMPLATES: tuple[NoteTemplate, ...] = (
    NoteTemplate(
        "No access",
        "Visited [time]. No answer. Card left asking the tenant to call. Next: [what].",
        "no_access",
    ),
    NoteTemplate(
        "Promise to pay",
        "Discussed arrears of [amount]. Tenant promised to pay [amount] by [date] by [method]. "
        "Explained that if it is not paid we will [next step].",
        "promise_to_pay",
    ),
    NoteTemplate(
        "Arrangement agreed",
        "Income and expenditure completed. Agreed rent plus [amount] a [week/month] from "
        "[date]. Tenant told what happens if a payment is missed.",
        "arrangement_made",
    ),
    NoteTemplate(
        "Before a notice (pre-action)",
        "Visit before serving a notice. Explained the arrears of [amount], the notice and what "
        "happens next. Offered an income and expenditure and free debt advice. Benefits "
        "checked: [HB/UC position]. Vulnerability asked about: [answer].",
        "spoke_to_tenant",
    ),
    NoteTemplate(
        "Welfare check",
        "Welfare visit. Tenant [well/concerns]. Support needs: [none/what]. Referred to "
        "[service] with the tenant's consent: [yes/no].",
        "spoke_to_tenant",
    ),
    NoteTemplate(
        "Refused to engage",
        "Tenant declined to discuss the arrears. Explained the next step ([step]) and how to "
        "contact us. Left details of free debt advice.",
        "refused_to_engage",
    ),
)

SNIPPETS: tuple[str, ...] = (
    "Advised of free, independent debt advice (StepChange, National Debtline, Citizens "
    "Advice) and gave the contact details.",
    "Checked the benefit position: [HB/UC] claim [in payment/pending/none].",
    "Explained the arrears, how they arose and the weekly amount due.",
    "Explained the next recovery step and when it will happen if nothing is paid.",
    "Asked whether anything makes it hard to deal with this (health, caring, language).",
    "Tenant prefers contact by [phone/text/letter/email].",
    "Offered a referral for a Discretionary Housing Payment.",
    "Interpreter used: [language].",
)


def templates_for(outcome: str | None) -> tuple[NoteTemplate, ...]:
    """The templates for ``outcome`` first, then the others, each once."""
    first = tuple(t for t in TEMPLATES if outcome is not None and t.outcome == outcome)
    return first + tuple(t for t in TEMPLATES if t not in first)
