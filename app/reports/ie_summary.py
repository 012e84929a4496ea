"""The I&E summary the tenant keeps: two A4 pages built with reportlab's platypus.

Page 1: who and when, the household, income by group, outgoings by group (fixed, flexible),
savings, what is left (surplus, available for priority debts, the other priority offers, the
rent-arrears offer agreed or the largest affordable offer a month and a week) and the spending
guideline flags with their comments. Page 2: every line as entered with its conversion to
monthly, the debts, what happens next and where to get free debt advice.

Invariants: exactly two pages (each page's content is shrunk to fit its frame if it must be);
money is formatted from integer pence (``format_pence``), never a float.

Threading: pure (bytes out); slow enough that the UI builds it off the GUI thread. reportlab is
imported here only, so the command line's start-up never loads it.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from app.domain import sfs
from app.domain.guidelines import GuidelineCheck
from app.domain.money import format_pence
from app.domain.sfs import FIXED, FLEXIBLE, INCOME, SECTION_LABELS

ADVICE = (
    "Free, confidential debt advice: MoneyHelper 0800 138 7777 (moneyhelper.org.uk), "
    "StepChange 0800 138 1111, National Debtline 0808 808 4000, or your local Citizens Advice. "
    "They can read this assessment from the file we can send them, so you need not start again."
)
NEXT_STEPS = (
    "We use these figures to agree a payment towards your rent arrears that "
    "you can afford, on top of your rent. If your money or costs change, tell your income "
    "officer as soon as you can and we will look at the figures again. If you get debt advice, "
    "your adviser may send us a new statement; we will use it in place of this one."
)
SFS_NOTE = (
    "Figures are monthly. This summary follows the Standard Financial Statement (SFS): each "
    "amount was converted to a monthly figure on its own and rounded to the penny, and every "
    "total is the sum of the monthly figures shown."
)
NO_COMMENT = "No comment recorded."
SOURCE_LABELS = {"device": "made with the income officer", "sfs-import": "from a debt adviser"}


def _money(pence: int) -> str:
    return format_pence(pence)


def build_ie_summary(
    *,
    case_ref: str,
    tenant_name: str,
    address: str,
    officer_name: str,
    budget: sfs.Budget,
    guidelines: GuidelineCheck | None,
    source: str = "device",
    note: str = "",
) -> bytes:
    """The two-page summary as PDF bytes."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepInFrame,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["Normal"], fontSize=8.5, leading=10.5)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT)
    title = ParagraphStyle("title", parent=styles["Title"], fontSize=15, leading=18, spaceAfter=2)
    h2 = ParagraphStyle(
        "h2", parent=styles["Heading2"], fontSize=10.5, leading=13, spaceBefore=5, spaceAfter=2
    )
    margin = 15 * mm
    width, height = A4
    frame_w = width - 2 * margin
    frame_h = height - 2 * margin - 8 * mm  # room for the footer

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text), style)

    def b(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(f"<b>{escape(text)}</b>", style)

    def table(
        rows: list[list[Any]],
        widths: list[float],
        *,
        totals: tuple[int, ...] = (),
        header: bool = False,
    ) -> Table:
        t = Table(rows, colWidths=widths, hAlign="LEFT")
        style: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
        ]
        if header:
            style += [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4"))]
        for row in totals:
            style += [
                ("LINEABOVE", (0, row), (-1, row), 0.75, colors.black),
                ("BACKGROUND", (0, row), (-1, row), colors.HexColor("#f3f3f3")),
            ]
        t.setStyle(TableStyle(style))
        return t

    a = budget.assessment
    hh = a.household

    # --- page 1 ---------------------------------------------------------------------------
    page1: list[Any] = [
        p("Your income and expenditure: a summary to keep", title),
        table(
            [
                [
                    b("Case"),
                    p(case_ref),
                    b("Assessment date"),
                    p(a.assessed_on.strftime("%d %B %Y")),
                ],
                [b("Tenant"), p(tenant_name), b("Income officer"), p(officer_name or "-")],
                [b("Address"), p(address), b("Figures"), p(SOURCE_LABELS.get(source, source))],
            ],
            [22 * mm, 70 * mm, 30 * mm, frame_w - 122 * mm],
        ),
        Spacer(1, 2 * mm),
        p(
            f"Household: {hh.adults} adult(s), {hh.children_under_16} child(ren) under 16, "
            f"{hh.children_16_18} aged 16-18, {hh.other_dependants} other dependant(s), "
            f"{hh.non_dependants} non-dependant(s), {hh.vehicles} vehicle(s)."
        ),
    ]

    def section_rows(section: str, total: sfs.Explained) -> tuple[list[list[Any]], int]:
        rows: list[list[Any]] = [[b(SECTION_LABELS[section]), b("a month", right)]]
        for g in budget.groups:
            if g.group.section == section:
                rows.append([p(g.group.label), p(_money(g.pence), right)])
        rows.append([b(f"Total {SECTION_LABELS[section].lower()}"), b(_money(total.pence), right)])
        return rows, len(rows) - 1

    col = (frame_w - 6 * mm) / 2
    inc_rows, inc_total = section_rows(INCOME, budget.income)
    fix_rows, fix_total = section_rows(FIXED, budget.fixed)
    flex_rows, flex_total = section_rows(FLEXIBLE, budget.flexible)
    out_rows = (
        fix_rows + flex_rows + [[b("Total outgoings"), b(_money(budget.outgoings.pence), right)]]
    )
    left_col = [
        table(inc_rows, [col - 28 * mm, 28 * mm], totals=(inc_total,), header=True),
        Spacer(1, 3 * mm),
    ]
    rent_agreed = a.rent_offer_pence is not None
    left_rows: list[list[Any]] = [
        [b("What is left"), b("a month", right)],
        [p("Income"), p(_money(budget.income.pence), right)],
        [p("less outgoings"), p(_money(-budget.outgoings.pence), right)],
        [b("Income less outgoings"), b(_money(budget.surplus.pence), right)],
        [p("less savings contribution"), p(_money(-a.savings_pence), right)],
    ]
    if a.admin_fee_pence:
        left_rows.append([p("less debt admin fee"), p(_money(-a.admin_fee_pence), right)])
    left_rows.append(
        [b("Available for priority debts"), b(_money(budget.available_for_priority.pence), right)]
    )
    for part in budget.other_priority_offers.parts:
        left_rows.append([p(f"less offer to {part.label}"), p(_money(-part.pence), right)])
    left_rows.append(
        [
            b("Most you can afford off the rent arrears"),
            b(_money(budget.max_rent_offer_monthly.pence), right),
        ]
    )
    left_rows.append(
        [p("the same a week (× 12 / 52)"), p(_money(budget.max_rent_offer_weekly_pence), right)]
    )
    if rent_agreed:
        left_rows.append(
            [b("Agreed off the rent arrears"), b(_money(budget.rent_offer_monthly_pence), right)]
        )
        left_rows.append(
            [
                p("Left for other (non-priority) debts"),
                p(_money(budget.available_for_non_priority.pence), right),
            ]
        )
    left_col.append(table(left_rows, [col - 28 * mm, 28 * mm], totals=(3,), header=True))
    if budget.shortfall:
        drivers = ", ".join(f"{d.label} {_money(d.pence)}" for d in budget.drivers)
        left_col += [
            Spacer(1, 2 * mm),
            Paragraph(
                "<b>Your budget does not balance</b>: after your costs and other priority "
                f"payments, {escape(_money(-budget.max_rent_offer_monthly.pence))} a month is "
                f"missing. The largest items: {escape(drivers)}.",
                body,
            ),
        ]
    right_col = [
        table(
            out_rows,
            [col - 28 * mm, 28 * mm],
            totals=(fix_total, len(fix_rows) + flex_total, len(out_rows) - 1),
            header=True,
        )
    ]
    columns = Table([[left_col, right_col]], colWidths=[col + 3 * mm, col + 3 * mm])
    columns.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    page1 += [Spacer(1, 2 * mm), columns]

    page1.append(p("Spending guidelines", h2))
    if guidelines is None or guidelines.table_from is None:
        page1.append(
            p(
                "No spending-guideline table was loaded for this date, so flexible costs were not "
                "compared with the SFS guidelines."
            )
        )
    elif not guidelines.flags:
        page1.append(
            p("Your flexible costs are within the SFS spending guidelines for your household.")
        )
    else:
        rows: list[list[Any]] = [
            [b("Category"), b("You spend", right), b("Guideline", right), b("Comment")]
        ]
        for flag in guidelines.flags:
            comment = "; ".join(
                c.line.note for c in budget.group(flag.category).lines if c.line.note
            )
            rows.append(
                [
                    p(flag.label),
                    p(_money(flag.actual_pence), right),
                    p(_money(flag.guideline_pence), right),
                    p(f"{_money(flag.over_pence)} above guideline. {comment or NO_COMMENT}"),
                ]
            )
        page1.append(table(rows, [45 * mm, 24 * mm, 24 * mm, frame_w - 93 * mm], header=True))
    for warning in guidelines.warnings if guidelines is not None and guidelines.table_from else ():
        page1.append(p(f"Note: {warning}.", small))
    page1 += [Spacer(1, 2 * mm), p(SFS_NOTE, small)]

    # --- page 2 ---------------------------------------------------------------------------
    page2: list[Any] = [p("Every figure as you gave it", h2)]
    line_rows: list[list[Any]] = [
        [b("Section"), b("Heading"), b("As given"), b("Monthly, how it was worked out")]
    ]
    for c in budget.lines:
        label = c.heading.label + (f" ({c.line.note})" if c.line.note else "")
        line_rows.append(
            [
                p(SECTION_LABELS[c.heading.section], small),
                p(label, small),
                p(f"{_money(c.line.amount_pence)} {c.line.frequency.value}", small),
                p(sfs.conversion_text(c.line.amount_pence, c.line.frequency), small),
            ]
        )
    if a.savings_pence:
        line_rows.append(
            [
                p("Savings", small),
                p("Savings contribution", small),
                p(f"{_money(a.savings_pence)} monthly", small),
                p(f"{_money(a.savings_pence)} monthly", small),
            ]
        )
    page2.append(table(line_rows, [24 * mm, 62 * mm, 34 * mm, frame_w - 120 * mm], header=True))

    page2.append(p("Debts", h2))
    debt_rows: list[list[Any]] = [
        [b("Creditor"), b("Kind"), b("Owed", right), b("Offer a month", right), b("Court judgment")]
    ]
    if rent_agreed:
        debt_rows.append(
            [
                p("Rent arrears (this landlord)"),
                p("priority"),
                p("", right),
                p(_money(budget.rent_offer_monthly_pence), right),
                p(""),
            ]
        )
    for d in a.priority_debts:
        debt_rows.append(
            [
                p(d.creditor or "Priority debt"),
                p("priority"),
                p(_money(d.owed_pence), right),
                p(_money(d.offer_pence), right),
                p(""),
            ]
        )
    for n in a.non_priority_debts:
        debt_rows.append(
            [
                p(n.creditor or "Debt"),
                p("non-priority"),
                p(_money(n.owed_pence), right),
                p(_money(n.offer_pence), right),
                p("CCJ" if n.ccj else "no"),
            ]
        )
    if len(debt_rows) == 1:
        page2.append(p("No other debts were recorded."))
    else:
        page2.append(
            table(
                debt_rows,
                [frame_w - 118 * mm, 26 * mm, 30 * mm, 32 * mm, 30 * mm],
                header=True,
            )
        )
    if note:
        page2 += [p("Notes", h2), p(note)]
    page2 += [
        p("What happens next", h2),
        p(NEXT_STEPS),
        Spacer(1, 2 * mm),
        b("Free debt advice"),
        p(ADVICE),
        Spacer(1, 2 * mm),
        p(SFS_NOTE, small),
    ]

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(
            margin,
            9 * mm,
            f"Case {case_ref} - income and expenditure of {a.assessed_on.isoformat()}",
        )
        canvas.drawRightString(width - margin, 9 * mm, f"Page {doc.page} of 2")
        canvas.restoreState()

    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin + 8 * mm,
        title="Income and expenditure summary",
        author="Doorstep",
        invariant=1,
    )
    document.build(
        [
            KeepInFrame(frame_w, frame_h - 4, page1, mode="shrink"),
            PageBreak(),
            KeepInFrame(frame_w, frame_h - 4, page2, mode="shrink"),
        ],
        onFirstPage=footer,
        onLaterPages=footer,
    )
    return out.getvalue()
