"""PDF receipts for employers and earnings statements for interns, drawn with fpdf2.

Text is set in DejaVu Sans when the system has it (Debian's fonts-dejavu-core), so names in any
script print as typed. Without it the PDF falls back to the core Helvetica font, which knows only
Latin-1: typographic quotes and dashes become plain ones and anything else becomes "?".
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from fpdf import FPDF
from fpdf.fonts import FontFace

from rung.lib.money import format_money

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR_FONT = FONT_DIR / "DejaVuSans.ttf"
BOLD_FONT = FONT_DIR / "DejaVuSans-Bold.ttf"

_LATIN1_SUBSTITUTES = str.maketrans(
    {"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "−": "-", "×": "x", "…": "...", "→": "->", "€": "EUR"}
)


def unicode_font_available() -> bool:
    return REGULAR_FONT.exists()


@dataclass(frozen=True)
class Row:
    cells: Sequence[str]
    bold: bool = False


class _Document(FPDF):
    """An A4 page with Rung's name at the top and a page number at the foot."""

    def __init__(self, *, title: str) -> None:
        super().__init__(format="A4")
        self.unicode = unicode_font_available()
        if self.unicode:
            self.add_font("DejaVu", "", str(REGULAR_FONT))
            self.add_font("DejaVu", "B", str(BOLD_FONT if BOLD_FONT.exists() else REGULAR_FONT))
            self.family_name = "DejaVu"
        else:
            self.family_name = "Helvetica"
        self.site_name = str(settings.SITE_NAME)
        self.set_title(self.safe(title))
        self.set_author(self.safe(self.site_name))
        self.set_creator(self.safe(self.site_name))
        self.set_auto_page_break(auto=True, margin=18)
        self.add_page()

    def safe(self, text: object) -> str:
        value = str(text)
        if self.unicode:
            return value
        return value.translate(_LATIN1_SUBSTITUTES).encode("latin-1", "replace").decode("latin-1")

    def header(self) -> None:
        self.set_font(self.family_name, "B", 9)
        self.set_text_color(87, 96, 106)
        self.cell(0, 6, self.safe(f"{self.site_name} · paid, fair, verifiable micro-internships"))
        self.ln(10)
        self.set_text_color(27, 31, 36)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family_name, "", 8)
        self.set_text_color(87, 96, 106)
        self.cell(0, 6, self.safe(f"{settings.SITE_URL} · page {self.page_no()}/{{nb}}"), align="C")

    def title_line(self, text: str) -> None:
        self.set_font(self.family_name, "B", 18)
        self.multi_cell(0, 9, self.safe(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def heading(self, text: str) -> None:
        self.ln(3)
        self.set_font(self.family_name, "B", 12)
        self.multi_cell(0, 7, self.safe(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def paragraph(self, text: str, *, size: int = 10) -> None:
        self.set_font(self.family_name, "", size)
        self.multi_cell(0, 5, self.safe(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def facts(self, pairs: Sequence[tuple[str, str]]) -> None:
        for label, value in pairs:
            self.set_font(self.family_name, "B", 10)
            self.cell(45, 6, self.safe(label))
            self.set_font(self.family_name, "", 10)
            self.multi_cell(0, 6, self.safe(value), align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def grid(self, headings: Sequence[str], rows: Sequence[Row], *, widths: Sequence[int], right: set[int]) -> None:
        self.set_font(self.family_name, "", 9)
        align = tuple("RIGHT" if i in right else "LEFT" for i in range(len(headings)))
        with self.table(
            col_widths=tuple(widths),
            text_align=align,
            headings_style=FontFace(emphasis="BOLD", fill_color=(246, 248, 250)),
            line_height=5.5,
        ) as table:
            head = table.row()
            for text in headings:
                head.cell(self.safe(text))
            for row in rows:
                line = table.row()
                for text in row.cells:
                    line.cell(self.safe(text), style=FontFace(emphasis="BOLD") if row.bold else None)
        self.ln(2)

    def render(self) -> bytes:
        self.alias_nb_pages()
        return bytes(self.output())


def _date(value: datetime | None) -> str:
    return "—" if value is None else f"{timezone.localtime(value):%d %b %Y}"


def receipt_pdf(
    *,
    reference: str,
    organisation: str,
    project: str,
    received_at: datetime | None,
    seats: int,
    stipend_minor: int,
    escrow_minor: int,
    fee_percent: str,
    fee_minor: int,
    amount_minor: int,
    currency: str,
    paid_by: str,
    bank_reference: str,
) -> bytes:
    doc = _Document(title=f"Receipt {reference}")
    doc.title_line(f"Receipt for deposit {reference}")
    doc.facts(
        [
            ("Received from", organisation),
            ("Received on", _date(received_at)),
            ("Project", project),
            ("Paid by", paid_by + (f" (bank reference {bank_reference})" if bank_reference else "")),
            ("Receipt number", reference),
        ]
    )

    def money(minor: int) -> str:
        return format_money(minor, currency)

    doc.grid(
        ["", "Amount"],
        [
            Row([f"Stipends held in escrow: {seats} × {money(stipend_minor)}", money(escrow_minor)]),
            Row([f"Rung platform fee ({fee_percent}%)", money(fee_minor)]),
            Row(["Total received", money(amount_minor)], bold=True),
        ],
        widths=[130, 50],
        right={1},
    )
    doc.paragraph(
        "The stipends are held in escrow for this project and released to interns as their milestones are "
        "approved. Anything not paid to an intern is returned to your organisation's funding balance."
    )
    doc.paragraph(f"Issued by {doc.site_name} on {_date(timezone.now())}.", size=9)
    return doc.render()


@dataclass(frozen=True)
class StatementTotals:
    currency: str
    earned: int
    pending: int
    paid: int


def statement_pdf(
    *,
    name: str,
    email: str,
    totals: Sequence[StatementTotals],
    payouts: Sequence[Row],
    lines: Sequence[Row],
) -> bytes:
    doc = _Document(title=f"Earnings statement for {name}")
    doc.title_line("Earnings statement")
    doc.facts([("For", f"{name} <{email}>"), ("Prepared on", _date(timezone.now()))])
    doc.heading("Totals")
    if totals:
        doc.grid(
            ["Currency", "Earned", "On its way", "Paid"],
            [
                Row(
                    [
                        t.currency,
                        format_money(t.earned, t.currency),
                        format_money(t.pending, t.currency),
                        format_money(t.paid, t.currency),
                    ]
                )
                for t in totals
            ],
            widths=[30, 50, 50, 50],
            right={1, 2, 3},
        )
    else:
        doc.paragraph("Nothing earned yet.")
    doc.heading("Payouts")
    if payouts:
        doc.grid(["Started", "Amount", "Status", "Arrived"], payouts, widths=[35, 45, 60, 40], right={1})
    else:
        doc.paragraph("No payouts yet.")
    doc.heading("Every change to what you are owed")
    if lines:
        doc.grid(["Date", "What", "Project", "Amount", "Owed after"], lines, widths=[25, 50, 45, 30, 30], right={3, 4})
    else:
        doc.paragraph("Nothing yet.")
    doc.paragraph(
        "“Earned” counts approved milestones and kill fees; “on its way” is approved money not yet in your bank "
        "account; “paid” has arrived.",
        size=9,
    )
    return doc.render()


def yearly_statement_pdf(
    *,
    name: str,
    email: str,
    year: int,
    totals: Sequence[Row],
    by_employer: Sequence[Row],
    by_month: Sequence[Row],
) -> bytes:
    doc = _Document(title=f"Earnings in {year} for {name}")
    doc.title_line(f"Earnings statement for {year}")
    doc.facts(
        [
            ("For", f"{name} <{email}>"),
            ("Period", f"1 January {year} to 31 December {year} (UTC)"),
            ("Prepared on", _date(timezone.now())),
        ]
    )
    doc.heading("Total paid")
    if totals:
        doc.grid(["Currency", "Paid to you"], totals, widths=[60, 60], right={1})
    else:
        doc.paragraph(f"No payouts arrived in {year}.")
    if by_employer:
        doc.heading("By employer")
        doc.grid(["Employer", "Currency", "Paid"], by_employer, widths=[110, 30, 40], right={2})
    if by_month:
        doc.heading("By month")
        doc.grid(["Month", "Currency", "Paid"], by_month, widths=[110, 30, 40], right={2})
    doc.paragraph(
        "Counts every payout that arrived in your bank account in the year, by the day it arrived. Payouts that "
        "failed are left out (their money was paid again later), and money still on its way counts in the year "
        "it arrives. Keep this statement for your tax return; it is not tax advice.",
        size=9,
    )
    return doc.render()
