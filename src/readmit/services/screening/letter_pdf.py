"""Render the letter to the applicant as PDF with fpdf2: a letterhead, the facts, the parts.

A letter in English or French is set in the PDF core fonts, which speak Latin-1: typographic
characters are mapped to their plain forms and anything else (no pack writes it today) is
shown as "?". A letter in Khmer embeds a TrueType font with Khmer glyphs (Debian's
``fonts-khmeros``, found in the system's font folders) and is shaped by HarfBuzz (fpdf2's text
shaping, through ``uharfbuzz``), so its stacked consonants and vowels are drawn as written
and its text can be copied out of the PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from fpdf import FPDF

from readmit.domain.errors import InvalidInput
from readmit.domain.screening_letter import Letter
from readmit.services.pdf_text import plain

_SERIF = "Times"
_SANS = "Helvetica"
_GREY = (90, 90, 90)
# Fonts with Khmer glyphs (and Latin ones for the record's words), the first found is used.
KHMER_FONTS = (
    "KhmerOS.ttf",
    "KhmerOSsiemreap.ttf",
    "KhmerOSbattambang.ttf",
    "NotoSerifKhmer-Regular.ttf",
    "NotoSansKhmer-Regular.ttf",
)
FONT_FOLDERS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local" / "share" / "fonts",
    Path.home() / ".fonts",
)
_KHMER = "khmer"
_LABEL_WIDTH = 58  # mm: the facts' label column


class FontMissing(InvalidInput):
    """The letter's language needs a font this installation does not have."""

    code = "font_missing"


def _as_is(text: object) -> str:
    return str(text)


@cache
def khmer_font(folders: tuple[Path, ...] = FONT_FOLDERS) -> Path | None:
    """Return the first installed font of ``KHMER_FONTS`` in ``folders`` (None: none is)."""
    for name in KHMER_FONTS:
        for folder in folders:
            if folder.is_dir():
                found = next(iter(sorted(folder.rglob(name))), None)
                if found is not None:
                    return found
    return None


def _khmer_font_or_say() -> Path:
    found = khmer_font()
    if found is None:
        raise FontMissing(
            "the letter in Khmer cannot be written as PDF here: no font with Khmer glyphs is "
            f"installed ({', '.join(KHMER_FONTS[:1] + KHMER_FONTS[3:])} looked for in "
            f"{', '.join(str(f) for f in FONT_FOLDERS)}). An administrator can install one "
            "(Debian: apt-get install fonts-khmeros); meanwhile the letter's page in Khmer "
            "prints from the browser, and its PDF is available in English (lang=en) or "
            "French (lang=fr)",
            field="lang",
        )
    return found


class _Pdf(FPDF):
    def __init__(self, letter: Letter) -> None:
        super().__init__(format="A4")
        self.letter = letter
        self.serif, self.sans, self.say = _SERIF, _SANS, plain
        self.leading = 1.0  # the line height's factor: Khmer stacks its vowels above and below
        if letter.language == "km":
            font = _khmer_font_or_say()
            # One face: the Khmer fonts have no bold or italic, headings differ by size.
            for style in ("", "B", "I", "BI"):
                self.add_font(_KHMER, style, str(font))
            self.set_text_shaping(True)
            self.serif, self.sans, self.say = _KHMER, _KHMER, _as_is
            self.leading = 1.35
        self.set_margins(22, 18, 22)
        self.set_auto_page_break(auto=True, margin=22)
        self.set_lang(letter.language)
        self.set_title(self.say(f"{letter.title} - {letter.reference}"))
        self.set_author(plain(letter.issuer))
        self.set_creator("readmit")

    def footer(self) -> None:
        self.set_y(-16)
        self.set_font(self.serif, "I", 8)
        self.set_text_color(*_GREY)
        page = f"{self.page_no()}/{{nb}}"
        said = self.letter.word("page", decision=self.letter.decision_id, page=page)
        if self.letter.synthetic:
            said = f"{self.letter.word('synthetic_short')} - {said}"
        self.cell(0, 6, self.say(said), align="C")
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
    _heading(pdf, letter.word("legal_basis"))
    _items(pdf, [b.sentence() for b in letter.legal_basis])
    _heading(pdf, letter.word("next_steps"))
    for step in letter.next_steps:
        _text(pdf, step)
    if letter.beside:
        _heading(pdf, letter.beside_heading)
        _items(pdf, letter.beside)
    pdf.ln(4)
    pack = letter.word("pack", pack=letter.pack, version=letter.pack_version)
    _text(pdf, f"{letter.note} {pack}", size=8)
    if letter.as_recorded:
        _text(pdf, letter.as_recorded, size=8)
    return bytes(pdf.output())


def _letterhead(pdf: _Pdf, letter: Letter) -> None:
    pdf.set_font(pdf.serif, "B", 16)
    pdf.cell(0, 8, pdf.say(letter.issuer), align="C", new_x="LMARGIN", new_y="NEXT")
    if letter.post:
        pdf.set_font(pdf.serif, "", 12)
        pdf.cell(0, 6, pdf.say(letter.post), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_draw_color(*_GREY)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(4)
    if letter.synthetic:
        pdf.set_font(pdf.sans, "B", 9)
        pdf.set_text_color(170, 40, 0)
        said = pdf.say(letter.word("synthetic"))
        pdf.multi_cell(0, 5, said, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.ln(2)
    pdf.set_font(pdf.serif, "", 11)
    dated = letter.word("not_dated")
    if letter.dated:
        dated = letter.dated_words or f"{letter.dated.day} {letter.dated:%B %Y}"
    lines = (
        dated,
        f"{letter.word('reference')}: {letter.reference}",
        f"{letter.word('decision')}: {letter.decision_id}",
    )
    for line in lines:
        pdf.cell(0, 5.5 * pdf.leading, pdf.say(line), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _heading(pdf: _Pdf, text: str, size: int = 12) -> None:
    pdf.ln(1)
    pdf.set_font(pdf.serif, "B", size)
    pdf.multi_cell(0, 6 * pdf.leading, pdf.say(text), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _text(pdf: _Pdf, text: str, style: str = "", size: int = 11) -> None:
    pdf.set_font(pdf.serif, style, size)
    height = (5.5 if size > 9 else 4) * pdf.leading
    pdf.multi_cell(0, height, pdf.say(text), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2.5)


def _facts(pdf: _Pdf, facts: Sequence[tuple[str, str]]) -> None:
    """The application's facts as two columns, the labels in bold (a label too long for its
    column, as some are in translation, on a line of its own)."""
    height = 5.5 * pdf.leading
    for label, value in facts:
        pdf.set_font(pdf.serif, "B", 10)
        if pdf.get_string_width(pdf.say(label)) > _LABEL_WIDTH - 2:
            pdf.multi_cell(0, height, pdf.say(label), align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.set_x(pdf.l_margin + _LABEL_WIDTH)
        else:
            pdf.cell(_LABEL_WIDTH, height, pdf.say(label))
        pdf.set_font(pdf.serif, "", 10)
        pdf.multi_cell(0, height, pdf.say(value), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _items(pdf: _Pdf, items: Sequence[str]) -> None:
    pdf.set_font(pdf.serif, "", 11)
    height = 5.5 * pdf.leading
    for item in items:
        pdf.set_x(pdf.l_margin + 4)
        pdf.cell(4, height, "-")
        pdf.multi_cell(0, height, pdf.say(item), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.ln(1.5)
