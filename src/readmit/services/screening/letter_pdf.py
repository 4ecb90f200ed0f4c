"""Render the letter to the applicant as PDF with fpdf2: a letterhead, the facts, the parts.

The PDF core fonts speak Latin-1, so typographic characters are mapped to their plain forms
and anything else (no pack writes it today) is shown as "?".
"""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF

from readmit.domain.screening_letter import SYNTHETIC, Letter

_PLAIN = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u00a0": " ",
        "\u2265": ">=",
        "\u2264": "<=",
    }
)
_SERIF = "Times"
_GREY = (90, 90, 90)


def plain(text: object) -> str:
    """Return text the PDF core fonts can show."""
    return str(text).translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


class _Pdf(FPDF):
    def __init__(self, letter: Letter) -> None:
        super().__init__(format="A4")
        self.letter = letter
        self.set_margins(22, 18, 22)
        self.set_auto_page_break(auto=True, margin=22)
        self.set_title(plain(f"{letter.title} - {letter.reference}"))
        self.set_author(plain(letter.issuer))
        self.set_creator("readmit")

    def footer(self) -> None:
        self.set_y(-16)
        self.set_font(_SERIF, "I", 8)
        self.set_text_color(*_GREY)
        said = f"Decision {self.letter.decision_id} - page {self.page_no()}/{{nb}}"
        if self.letter.synthetic:
            said = "Synthetic demo data - " + said
        self.cell(0, 6, plain(said), align="C")
        self.set_text_color(0, 0, 0)


def render(letter: Letter) -> bytes:
    """Return the letter as PDF bytes."""
    pdf = _Pdf(letter)
    pdf.add_page()
    _letterhead(pdf, letter)
    _heading(pdf, letter.title, size=13)
    _text(pdf, letter.decision_words, style="B")
    _facts(pdf, letter.facts)
    for paragraph in letter.paragraphs:
        if isinstance(paragraph, str):
            _text(pdf, paragraph)
        else:
            _items(pdf, paragraph)
    _heading(pdf, "Legal basis")
    _items(pdf, [b.sentence() for b in letter.legal_basis])
    _heading(pdf, "What you may do next")
    for step in letter.next_steps:
        _text(pdf, step)
    if letter.beside:
        _heading(pdf, letter.beside_heading)
        _items(pdf, letter.beside)
    pdf.ln(4)
    _text(pdf, f"{letter.note} Policy pack {letter.pack}, version {letter.pack_version}.", size=8)
    return bytes(pdf.output())


def _letterhead(pdf: FPDF, letter: Letter) -> None:
    pdf.set_font(_SERIF, "B", 16)
    pdf.cell(0, 8, plain(letter.issuer), align="C", new_x="LMARGIN", new_y="NEXT")
    if letter.post:
        pdf.set_font(_SERIF, "", 12)
        pdf.cell(0, 6, plain(letter.post), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_draw_color(*_GREY)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(4)
    if letter.synthetic:
        pdf.set_font("Helvetica", "B", 9)
        pdf.set_text_color(170, 40, 0)
        pdf.multi_cell(0, 5, plain(SYNTHETIC), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.ln(2)
    pdf.set_font(_SERIF, "", 11)
    dated = letter.dated.strftime("%-d %B %Y") if letter.dated else "(not dated)"
    for line in (dated, f"Reference: {letter.reference}", f"Decision: {letter.decision_id}"):
        pdf.cell(0, 5.5, plain(line), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _heading(pdf: FPDF, text: str, size: int = 12) -> None:
    pdf.ln(1)
    pdf.set_font(_SERIF, "B", size)
    pdf.multi_cell(0, 6, plain(text), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _text(pdf: FPDF, text: str, style: str = "", size: int = 11) -> None:
    pdf.set_font(_SERIF, style, size)
    pdf.multi_cell(0, 5.5 if size > 9 else 4, plain(text), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2.5)


def _facts(pdf: FPDF, facts: Sequence[tuple[str, str]]) -> None:
    """The application's facts as two columns, the labels in bold."""
    for label, value in facts:
        pdf.set_font(_SERIF, "B", 10)
        pdf.cell(58, 5.5, plain(label))
        pdf.set_font(_SERIF, "", 10)
        pdf.multi_cell(0, 5.5, plain(value), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _items(pdf: FPDF, items: Sequence[str]) -> None:
    pdf.set_font(_SERIF, "", 11)
    for item in items:
        pdf.set_x(pdf.l_margin + 4)
        pdf.cell(4, 5.5, "-")
        pdf.multi_cell(0, 5.5, plain(item), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.ln(1.5)
