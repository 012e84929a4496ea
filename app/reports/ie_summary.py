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
from datetime import date
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from app.domain import sfs
from app.domain.display import format_pence
from app.domain.guidelines import GuidelineCheck, flag_comment
from app.domain.sfs import FIXED, FLEXIBLE, INCOME, SECTION_LABELS

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle

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


class _Kit:
    """The document's measures, styles and the small builders every section uses.

    Made per document (reportlab is imported here, on first use); not shared between threads.
    """

    def __init__(self) -> None:
        from reportlab.lib import colors
        from reportlab.lib.enums import TA_RIGHT
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
        from reportlab.lib.units import mm
        from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

        self.colors = colors
        self.mm: float = mm
        self.Paragraph = Paragraph
        self.Spacer = Spacer
        self.Table = Table
        self.TableStyle = TableStyle
        styles = getSampleStyleSheet()
        self.body = ParagraphStyle("body", parent=styles["Normal"], fontSize=8.5, leading=10.5)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7.5, leading=9)
        self.right = ParagraphStyle("right", parent=self.body, alignment=TA_RIGHT)
        self.title = ParagraphStyle(
            "title", parent=styles["Title"], fontSize=15, leading=18, spaceAfter=2
        )
        self.h2 = ParagraphStyle(
            "h2", parent=styles["Heading2"], fontSize=10.5, leading=13, spaceBefore=5, spaceAfter=2
        )
        self.margin = 15 * mm
        self.width, self.height = A4
        self.frame_w = self.width - 2 * self.margin
        self.frame_h = self.height - 2 * self.margin - 8 * mm  # room for the footer

    def p(self, text: str, style: ParagraphStyle | None = None) -> Any:
        """A paragraph of plain text (escaped)."""
        return self.Paragraph(escape(text), self.body if style is None else style)

    def b(self, text: str, style: ParagraphStyle | None = None) -> Any:
        """A paragraph of bold plain text (escaped)."""
        return self.Paragraph(f"<b>{escape(text)}</b>", self.body if style is None else style)

    def space(self, mm: float) -> Any:
        """A vertical space of ``mm`` millimetres."""
        return self.Spacer(1, mm * self.mm)

    def table(
        self,
        rows: list[list[Any]],
        widths: list[float],
        *,
        totals: tuple[int, ...] = (),
        header: bool = False,
    ) -> Any:
        """A left-aligned table with light rules; ``totals`` rows ruled above and shaded."""
        colors = self.colors
        t = self.Table(rows, colWidths=widths, hAlign="LEFT")
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
        t.setStyle(self.TableStyle(style))
        return t


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
    kit = _Kit()
    page1 = [
        *_who_and_when(
            kit,
            case_ref=case_ref,
            tenant_name=tenant_name,
            address=address,
            officer_name=officer_name,
            assessment=budget.assessment,
            source=source,
        ),
        kit.space(2),
        _budget_columns(kit, budget),
        *_guideline_section(kit, budget, guidelines),
        kit.space(2),
        kit.p(SFS_NOTE, kit.small),
    ]
    page2 = [
        *_every_line(kit, budget),
        *_debts(kit, budget),
        *_what_next(kit, note),
    ]
    return _render(kit, page1, page2, case_ref=case_ref, assessed_on=budget.assessment.assessed_on)


# --- page 1 ------------------------------------------------------------------------------------


def _who_and_when(
    kit: _Kit,
    *,
    case_ref: str,
    tenant_name: str,
    address: str,
    officer_name: str,
    assessment: sfs.Assessment,
    source: str,
) -> list[Any]:
    """The title, who and when, and the household."""
    p, b, mm = kit.p, kit.b, kit.mm
    hh = assessment.household
    return [
        p("Your income and expenditure: a summary to keep", kit.title),
        kit.table(
            [
                [
                    b("Case"),
                    p(case_ref),
                    b("Assessment date"),
                    p(assessment.assessed_on.strftime("%d %B %Y")),
                ],
                [b("Tenant"), p(tenant_name), b("Income officer"), p(officer_name or "-")],
                [b("Address"), p(address), b("Figures"), p(SOURCE_LABELS.get(source, source))],
            ],
            [22 * mm, 70 * mm, 30 * mm, kit.frame_w - 122 * mm],
        ),
        kit.space(2),
        p(
            f"Household: {hh.adults} adult(s), {hh.children_under_16} child(ren) under 16, "
            f"{hh.children_16_18} aged 16-18, {hh.other_dependants} other dependant(s), "
            f"{hh.non_dependants} non-dependant(s), {hh.vehicles} vehicle(s)."
        ),
    ]


def _section_rows(
    kit: _Kit, budget: sfs.Budget, section: str, total: sfs.Explained
) -> tuple[list[list[Any]], int]:
    """A section's groups a month under its heading, with its total; and the total's row."""
    p, b = kit.p, kit.b
    rows: list[list[Any]] = [[b(SECTION_LABELS[section]), b("a month", kit.right)]]
    for g in budget.groups:
        if g.group.section == section:
            rows.append([p(g.group.label), p(_money(g.pence), kit.right)])
    rows.append([b(f"Total {SECTION_LABELS[section].lower()}"), b(_money(total.pence), kit.right)])
    return rows, len(rows) - 1


def _budget_columns(kit: _Kit, budget: sfs.Budget) -> Any:
    """Two columns: income, what is left (and a budget that does not balance) on the left;
    fixed and flexible outgoings on the right."""
    mm = kit.mm
    col = (kit.frame_w - 6 * mm) / 2
    widths = [col - 28 * mm, 28 * mm]
    inc_rows, inc_total = _section_rows(kit, budget, INCOME, budget.income)
    fix_rows, fix_total = _section_rows(kit, budget, FIXED, budget.fixed)
    flex_rows, flex_total = _section_rows(kit, budget, FLEXIBLE, budget.flexible)
    out_rows = (
        fix_rows
        + flex_rows
        + [[kit.b("Total outgoings"), kit.b(_money(budget.outgoings.pence), kit.right)]]
    )
    left_col = [
        kit.table(inc_rows, widths, totals=(inc_total,), header=True),
        kit.space(3),
        kit.table(_what_is_left(kit, budget), widths, totals=(3,), header=True),
        *_shortfall(kit, budget),
    ]
    right_col = [
        kit.table(
            out_rows,
            widths,
            totals=(fix_total, len(fix_rows) + flex_total, len(out_rows) - 1),
            header=True,
        )
    ]
    columns = kit.Table([[left_col, right_col]], colWidths=[col + 3 * mm, col + 3 * mm])
    columns.setStyle(
        kit.TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return columns


def _what_is_left(kit: _Kit, budget: sfs.Budget) -> list[list[Any]]:
    """Income less outgoings, savings and fees: what is available for priority debts, the
    other priority offers, the most affordable off the rent arrears and what was agreed."""
    p, b, right = kit.p, kit.b, kit.right
    a = budget.assessment
    rows: list[list[Any]] = [
        [b("What is left"), b("a month", right)],
        [p("Income"), p(_money(budget.income.pence), right)],
        [p("less outgoings"), p(_money(-budget.outgoings.pence), right)],
        [b("Income less outgoings"), b(_money(budget.surplus.pence), right)],
        [p("less savings contribution"), p(_money(-a.savings_pence), right)],
    ]
    if a.admin_fee_pence:
        rows.append([p("less debt admin fee"), p(_money(-a.admin_fee_pence), right)])
    rows.append(
        [b("Available for priority debts"), b(_money(budget.available_for_priority.pence), right)]
    )
    for part in budget.other_priority_offers.parts:
        rows.append([p(f"less offer to {part.label}"), p(_money(-part.pence), right)])
    rows.append(
        [
            b("Most you can afford off the rent arrears"),
            b(_money(budget.max_rent_offer_monthly.pence), right),
        ]
    )
    rows.append(
        [p("the same a week (× 12 / 52)"), p(_money(budget.max_rent_offer_weekly_pence), right)]
    )
    if a.rent_offer_pence is not None:
        rows.append(
            [b("Agreed off the rent arrears"), b(_money(budget.rent_offer_monthly_pence), right)]
        )
        rows.append(
            [
                p("Left for other (non-priority) debts"),
                p(_money(budget.available_for_non_priority.pence), right),
            ]
        )
    return rows


def _shortfall(kit: _Kit, budget: sfs.Budget) -> list[Any]:
    """When the budget does not balance: how much is missing and the largest items."""
    if not budget.shortfall:
        return []
    drivers = ", ".join(f"{d.label} {_money(d.pence)}" for d in budget.drivers)
    return [
        kit.space(2),
        kit.Paragraph(
            "<b>Your budget does not balance</b>: after your costs and other priority "
            f"payments, {escape(_money(-budget.max_rent_offer_monthly.pence))} a month is "
            f"missing. The largest items: {escape(drivers)}.",
            kit.body,
        ),
    ]


def _guideline_section(
    kit: _Kit, budget: sfs.Budget, guidelines: GuidelineCheck | None
) -> list[Any]:
    """The flexible costs against the SFS spending guidelines: no table, within them, or
    each flag with the officer's comments; then the check's warnings."""
    p, b, right, mm = kit.p, kit.b, kit.right, kit.mm
    out: list[Any] = [p("Spending guidelines", kit.h2)]
    if guidelines is None or guidelines.table_from is None:
        out.append(
            p(
                "No spending-guideline table was loaded for this date, so flexible costs were not "
                "compared with the SFS guidelines."
            )
        )
    elif not guidelines.flags:
        out.append(
            p("Your flexible costs are within the SFS spending guidelines for your household.")
        )
    else:
        rows: list[list[Any]] = [
            [b("Category"), b("You spend", right), b("Guideline", right), b("Comment")]
        ]
        for flag in guidelines.flags:
            comment = flag_comment(budget, flag.category)
            rows.append(
                [
                    p(flag.label),
                    p(_money(flag.actual_pence), right),
                    p(_money(flag.guideline_pence), right),
                    p(f"{_money(flag.over_pence)} above guideline. {comment or NO_COMMENT}"),
                ]
            )
        out.append(kit.table(rows, [45 * mm, 24 * mm, 24 * mm, kit.frame_w - 93 * mm], header=True))
    for warning in guidelines.warnings if guidelines is not None and guidelines.table_from else ():
        out.append(p(f"Note: {warning}.", kit.small))
    return out


# --- page 2 ------------------------------------------------------------------------------------


def _every_line(kit: _Kit, budget: sfs.Budget) -> list[Any]:
    """Every line as it was given, with how its monthly figure was worked out."""
    p, b, small, mm = kit.p, kit.b, kit.small, kit.mm
    a = budget.assessment
    rows: list[list[Any]] = [
        [b("Section"), b("Heading"), b("As given"), b("Monthly, how it was worked out")]
    ]
    for c in budget.lines:
        label = c.heading.label + (f" ({c.line.note})" if c.line.note else "")
        rows.append(
            [
                p(SECTION_LABELS[c.heading.section], small),
                p(label, small),
                p(f"{_money(c.line.amount_pence)} {c.line.frequency.value}", small),
                p(sfs.conversion_text(c.line.amount_pence, c.line.frequency), small),
            ]
        )
    if a.savings_pence:
        rows.append(
            [
                p("Savings", small),
                p("Savings contribution", small),
                p(f"{_money(a.savings_pence)} monthly", small),
                p(f"{_money(a.savings_pence)} monthly", small),
            ]
        )
    return [
        p("Every figure as you gave it", kit.h2),
        kit.table(rows, [24 * mm, 62 * mm, 34 * mm, kit.frame_w - 120 * mm], header=True),
    ]


def _debts(kit: _Kit, budget: sfs.Budget) -> list[Any]:
    """The rent arrears offer agreed, the other priority debts and the non-priority ones."""
    p, b, right, mm = kit.p, kit.b, kit.right, kit.mm
    a = budget.assessment
    rows: list[list[Any]] = [
        [b("Creditor"), b("Kind"), b("Owed", right), b("Offer a month", right), b("Court judgment")]
    ]
    if a.rent_offer_pence is not None:
        rows.append(
            [
                p("Rent arrears (this landlord)"),
                p("priority"),
                p("", right),
                p(_money(budget.rent_offer_monthly_pence), right),
                p(""),
            ]
        )
    for d in a.priority_debts:
        rows.append(
            [
                p(d.creditor or "Priority debt"),
                p("priority"),
                p(_money(d.owed_pence), right),
                p(_money(d.offer_pence), right),
                p(""),
            ]
        )
    for n in a.non_priority_debts:
        rows.append(
            [
                p(n.creditor or "Debt"),
                p("non-priority"),
                p(_money(n.owed_pence), right),
                p(_money(n.offer_pence), right),
                p("CCJ" if n.ccj else "no"),
            ]
        )
    if len(rows) == 1:
        return [p("Debts", kit.h2), p("No other debts were recorded.")]
    widths = [kit.frame_w - 118 * mm, 26 * mm, 30 * mm, 32 * mm, 30 * mm]
    return [p("Debts", kit.h2), kit.table(rows, widths, header=True)]


def _what_next(kit: _Kit, note: str) -> list[Any]:
    """The officer's notes, what happens next, where to get free debt advice."""
    p = kit.p
    out: list[Any] = [p("Notes", kit.h2), p(note)] if note else []
    return [
        *out,
        p("What happens next", kit.h2),
        p(NEXT_STEPS),
        kit.space(2),
        kit.b("Free debt advice"),
        p(ADVICE),
        kit.space(2),
        p(SFS_NOTE, kit.small),
    ]


# --- the document ------------------------------------------------------------------------------


def _render(
    kit: _Kit, page1: list[Any], page2: list[Any], *, case_ref: str, assessed_on: date
) -> bytes:
    """Each page's content shrunk to fit its frame if it must, a footer on both; PDF bytes."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import KeepInFrame, PageBreak, SimpleDocTemplate

    mm, margin, width = kit.mm, kit.margin, kit.width

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(
            margin,
            9 * mm,
            f"Case {case_ref} - income and expenditure of {assessed_on.isoformat()}",
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
            KeepInFrame(kit.frame_w, kit.frame_h - 4, page1, mode="shrink"),
            PageBreak(),
            KeepInFrame(kit.frame_w, kit.frame_h - 4, page2, mode="shrink"),
        ],
        onFirstPage=footer,
        onLaterPages=footer,
    )
    return out.getvalue()
