"""The visit sheet: a day's visits on one A4 page, each case's key facts in a compact block.

A title with the day and the officer, then one block per case in the order of the round: its
number, reference, address, postcode and tenure with the balance and weeks in arrears on the
same line; the warnings in bold across the block (officer safety first); who lives there with
phones and ages and the last contact; what changed on the account since that contact; the live
arrangement and whether it is kept, the promise to pay and the open follow-ups. Never a
statement: the lines since the last contact are the only ledger lines it names.

Invariants: the text is real, selectable text in the embedded DejaVu fonts
(``app.reports.fonts``), so names such as Łukasz, Nguyễn or Siân print as written; every page
says "Page n of N"; a block is never cut: up to about twelve typical cases fit one page, and
what does not fit flows on to the next page (a block moves whole, unless it is taller than a
page, when it continues over the break). Every sentence comes from the brief
(``app.domain.visit_brief``); this module only lays them out.

Threading: pure (bytes out); the UI builds it off the GUI thread. reportlab is imported here
only, inside the functions, so the command line's start-up never loads it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from app.domain.display import format_day
from app.domain.visit_brief import VisitBrief
from app.reports.fonts import document_fonts

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
KEEP_SAFE = "Personal data: keep this sheet with you and shred it after the visits."
TITLE = "Visit sheet"


@dataclass(frozen=True, slots=True)
class BuiltSheet:
    """The sheet as PDF bytes and how many pages it took."""

    pdf: bytes
    pages: int


def long_day(day: date) -> str:
    """``"Monday 9 March 2026"`` (the same in every locale)."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month]} {day.year}"


class _Kit:
    """The sheet's measures and styles (made per document; reportlab imported on first use)."""

    def __init__(self) -> None:
        from reportlab.lib import colors
        from reportlab.lib.enums import TA_CENTER, TA_RIGHT
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.lib.units import mm
        from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

        fonts = document_fonts()
        self.fonts = fonts
        self.colors = colors
        self.mm: float = mm
        self.Paragraph = Paragraph
        self.Spacer = Spacer
        self.Table = Table
        self.TableStyle = TableStyle
        self.KeepTogether = KeepTogether
        self.body = ParagraphStyle("body", fontName=fonts.regular, fontSize=7, leading=8.1)
        self.head = ParagraphStyle("head", parent=self.body, fontSize=8, leading=9.2)
        self.head_right = ParagraphStyle("head_right", parent=self.head, alignment=TA_RIGHT)
        self.warning = ParagraphStyle("warning", parent=self.body, fontName=fonts.bold)
        self.number = ParagraphStyle(
            "number", parent=self.body, fontName=fonts.bold, fontSize=11, leading=13,
            alignment=TA_CENTER,
        )  # fmt: skip
        self.title = ParagraphStyle(
            "title", parent=self.body, fontName=fonts.bold, fontSize=13, leading=16
        )
        self.sub = ParagraphStyle("sub", parent=self.body, fontSize=8, leading=10)
        self.margin = 10 * mm
        self.footer_room = 6 * mm
        self.width, self.height = A4
        self.frame_w = self.width - 2 * self.margin
        # Number | who lives there, last contact | the account | arrangement, promise, tasks
        self.columns = [7 * mm, 66 * mm, 64 * mm, self.frame_w - 137 * mm]

    def p(self, text: str, style: ParagraphStyle | None = None) -> Any:
        """A paragraph of plain text (escaped)."""
        return self.Paragraph(escape(text), self.body if style is None else style)

    def lines(self, parts: Sequence[tuple[str, str]], style: ParagraphStyle | None = None) -> Any:
        """One paragraph of ``(label, text)`` lines, each label in bold, a line break between."""
        html = "<br/>".join(
            (f"<b>{escape(label)}</b> " if label else "") + escape(text) for label, text in parts
        )
        return self.Paragraph(html, self.body if style is None else style)


def build_visit_sheet(
    briefs: Sequence[VisitBrief], *, day: date, officer_name: str, as_of: date
) -> BuiltSheet:
    """The sheet for ``day``, the cases in the order given, their figures as at ``as_of``."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    kit = _Kit()
    story: list[Any] = [
        *_title(kit, day=day, officer_name=officer_name, as_of=as_of, n=len(briefs))
    ]
    story.extend(_block(kit, number, brief) for number, brief in enumerate(briefs, start=1))
    if not briefs:
        story.append(kit.p("No visits were chosen for this day."))
    out = io.BytesIO()
    pages: list[int] = []
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=kit.margin,
        rightMargin=kit.margin,
        topMargin=kit.margin,
        bottomMargin=kit.margin + kit.footer_room,
        title=f"{TITLE} {day.isoformat()}",
        author="Doorstep",
        invariant=1,
        # Every page starts in the embedded font, so no unembedded Helvetica is declared.
        initialFontName=kit.fonts.regular,
        initialFontSize=7,
    )
    footer = f"{TITLE} for {format_day(day)}" + (f" · {officer_name}" if officer_name else "")
    document.build(story, canvasmaker=_numbered_canvas(kit, footer, pages))
    return BuiltSheet(out.getvalue(), pages[0] if pages else 0)


def _title(kit: _Kit, *, day: date, officer_name: str, as_of: date, n: int) -> list[Any]:
    who = f"Officer: {officer_name}" if officer_name else "Officer: not signed in"
    visits = f"{n} visit{'s' if n != 1 else ''}, in the order planned"
    figures = f"balances and payments as at {format_day(as_of)}"
    return [
        kit.p(f"{TITLE}: {long_day(day)}", kit.title),
        kit.p(f"{who} · {visits} · {figures}", kit.sub),
        kit.Spacer(1, 1.5 * kit.mm),
    ]


def _block(kit: _Kit, number: int, brief: VisitBrief) -> Any:
    """One case: a table of three rows (heading, warnings, facts), kept together."""
    colors = kit.colors
    place = ", ".join(part for part in (brief.address, brief.postcode) if part)
    heading = kit.Paragraph(
        f"<b>{escape(brief.ref)}</b>  {escape(place)} · {escape(brief.tenure_label)}", kit.head
    )
    rows: list[list[Any]] = [
        [kit.p(str(number), kit.number), heading, "", kit.p(brief.balance_text, kit.head_right)]
    ]
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 0.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.8),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("LINEABOVE", (0, 0), (-1, 0), 0.9, colors.black),
        ("SPAN", (1, 0), (2, 0)),
        ("FONTNAME", (0, 0), (-1, -1), kit.fonts.regular),
    ]
    if brief.warnings:
        rows.append(
            ["", kit.lines([("", f"⚠ {w.line}") for w in brief.warnings], kit.warning), "", ""]
        )
        row = len(rows) - 1
        style += [
            ("SPAN", (1, row), (3, row)),
            ("BACKGROUND", (1, row), (3, row), colors.HexColor("#eeeeee")),
        ]
    rows.append(["", _who(kit, brief), _account(kit, brief), _plans(kit, brief)])
    style.append(("SPAN", (0, 0), (0, len(rows) - 1)))
    table = kit.Table(rows, colWidths=kit.columns, hAlign="LEFT", splitInRow=1)
    table.setStyle(kit.TableStyle(style))
    return kit.KeepTogether([table, kit.Spacer(1, 0.8 * kit.mm)])


def _who(kit: _Kit, brief: VisitBrief) -> Any:
    parts = [("", member.line) for member in brief.household] or [("", "No one named")]
    parts.append(("Last contact:", brief.last_contact_text))
    return kit.lines(parts)


def _account(kit: _Kit, brief: VisitBrief) -> Any:
    changes = brief.since_last_contact
    return kit.lines([(f"{changes.heading}:", " · ".join(changes.lines))])


def _plans(kit: _Kit, brief: VisitBrief) -> Any:
    parts: list[tuple[str, str]] = [
        ("Arrangement:", f"{line.state_text}. {line.text}") for line in brief.arrangements
    ] or [("Arrangement:", "none live")]
    if brief.promise is not None:
        parts.append(("Promise:", brief.promise.text))
    parts.extend(("Follow-up:", follow_up.text) for follow_up in brief.follow_ups)
    return kit.lines(parts)


def _numbered_canvas(kit: _Kit, footer: str, pages: list[int]) -> Any:
    """A canvas class that holds its pages back until the end, to write "Page n of N" on each
    (reportlab's two-pass pattern); the count is left in ``pages``."""
    from reportlab.pdfgen.canvas import Canvas

    margin, width, mm = kit.margin, kit.width, kit.mm
    font = kit.fonts.regular

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._held.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # reportlab's own, untyped

        def save(self) -> None:
            total = len(self._held)
            pages.append(total)
            for state in self._held:
                self.__dict__.update(state)
                self.setFont(font, 7)
                self.drawString(margin, margin, footer)
                self.drawRightString(
                    width - margin, margin, f"Page {self.getPageNumber()} of {total}"
                )
                self.drawCentredString(width / 2, margin - 3.2 * mm, KEEP_SAFE)
                super().showPage()
            super().save()

    return NumberedCanvas
