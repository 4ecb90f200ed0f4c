"""The letter in French and Khmer: readmit's own words translated, dates in the locale, the
record's words as recorded; the Khmer PDF with its font embedded and its text extractable."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from applicants import KH_DIRECTOR_GENERAL
from readmit.domain.errors import InvalidInput
from readmit.domain.screening import decide
from readmit.domain.screening_compile import compile_program
from readmit.domain.screening_letter import HEADINGS, Letter, compose_letter
from readmit.packs import load_pack
from readmit.services.screening import letter_pdf, letter_words
from readmit.services.screening.letter_words import catalogue, language_of, wording

PACK = load_pack()
MEASURES = {m.id: m for h in PACK.sanctions for m in h.sanction.measures.values()}
PROGRAM = compile_program(list(MEASURES.values()), PACK.policy)
KH = KH_DIRECTOR_GENERAL
CITATION = "INA 243(d), 8 U.S.C. 1253(d); 9 FAM 601.12"
needs_khmer_font = pytest.mark.skipif(
    letter_pdf.khmer_font() is None, reason="no font with Khmer glyphs (fonts-khmeros)"
)


def composed(language: str, *, synthetic: bool = False) -> Letter:
    decision = decide(PROGRAM, KH, None, date(2026, 1, 1))
    return compose_letter(
        PACK.policy, decision, MEASURES, "d-1", synthetic=synthetic, words=wording(language)
    )


def pdf_text(body: bytes) -> str:
    """The PDF's text without white space (shaped Khmer comes out one cluster a line)."""
    pdf = pdfium.PdfDocument(body)
    return "".join("".join(page.get_textpage().get_text_range() for page in pdf).split())


def test_the_french_letter_says_its_own_words_in_french_and_its_date_in_the_locale() -> None:
    text = composed("fr").text()
    for said in (
        "Date: 1 mars 2022",
        "Référence: KH-2022-0042",
        "Base juridique",
        "Ce que vous pouvez faire ensuite",
        "Votre demande de visa a été tranchée : un visa ne peut pas vous être délivré",
        "Cette décision n'est pas susceptible de recours. Les frais de demande de visa ne "
        "seront pas remboursés.",
        "Date de la décision de délivrance: 1 mars 2022",
        "Lieu de la demande: Cambodge (KH)",
        "en vigueur depuis le 13 septembre 2017",
    ):
        assert said in text, said
    for english in ("Legal basis", "What you may do next", "There is no appeal", "Reference:"):
        assert english not in text, english


def test_the_record_s_words_stay_as_recorded_and_the_letter_says_so() -> None:
    for language in ("fr", "km"):
        letter = composed(language)
        text = letter.text()
        # The citation and the pack's own paragraph, in the record's words.
        assert CITATION in text
        assert "discontinued under Section 243(d) of the Immigration and Nationality Act" in text
        assert letter.as_recorded in text
    assert "la base juridique telle qu'enregistrée (en anglais)" in composed("fr").as_recorded
    assert "មូលដ្ឋានច្បាប់ដូចដែលបានកត់ត្រា (ភាសាអង់គ្លេស)" in composed("km").as_recorded
    assert composed("en").as_recorded == ""


def test_the_khmer_letter_says_its_own_words_in_khmer_with_its_date_in_the_locale() -> None:
    letter = composed("km")
    text = letter.text()
    assert letter.title.startswith("សេចក្តីជូនដំណឹង")
    assert "មូលដ្ឋានច្បាប់" in text  # legal basis
    assert "កាលបរិច្ឆេទ: 1 មីនា 2022" in text  # the date, with the month in Khmer
    assert "ទីកន្លែងដាក់ពាក្យសុំ: កម្ពុជា (KH)" in text  # the place, in Khmer
    assert "There is no appeal" not in text and "Legal basis" not in text


def test_the_english_letter_keeps_its_words_and_formats() -> None:
    letter = composed("en")
    assert letter.title == "Notice: visa issuance discontinued under INA 243(d)"
    assert "Date: 2022-03-01\nReference: KH-2022-0042" in letter.text()
    assert dict(letter.words) == HEADINGS


@pytest.mark.parametrize("language", ["fr", "km"])
def test_every_word_of_the_letter_has_a_translation(language: str) -> None:
    """A heading the catalogue forgets would reach the applicant in English."""
    words = catalogue(language)
    for message in HEADINGS.values():
        assert words.get(message), message
    assert all("{" not in m or set(_fields(m)) == set(_fields(t)) for m, t in words.items())


def _fields(text: str) -> list[str]:
    return [part.split("}")[0] for part in text.split("{")[1:]]


def test_an_unknown_language_is_refused_naming_the_languages_there_are() -> None:
    with pytest.raises(InvalidInput, match=r"en \(English\), fr \(Français\), km"):
        language_of("de")
    assert language_of("") == language_of(None) == "en"
    assert language_of("FR") == "fr"


@needs_khmer_font
def test_the_khmer_pdf_embeds_its_font_and_its_text_can_be_read_back() -> None:
    body = letter_pdf.render(composed("km", synthetic=True))
    assert b"/FontFile2" in body and b"KhmerOS" in body  # the TrueType font, embedded
    text = pdf_text(body)
    # A glyph HarfBuzz substituted may come out as a stray code point of its own (fpdf2 maps
    # each glyph to one character): the Khmer words are read among the Khmer characters.
    khmer = "".join(c for c in text if "\u1780" <= c <= "\u17ff")
    for said in ("មូលដ្ឋានច្បាប់", "លេខយោង", "ទិន្នន័យសាកល្បងសំយោគ", "មីនា", "ពាក្យសុំ"):
        assert said in khmer, said
    assert "KH-2022-0042" in text and "".join(CITATION.split()) in text


def test_the_french_pdf_says_its_words_in_french() -> None:
    text = pdf_text(letter_pdf.render(composed("fr")))
    for said in ("Basejuridique", "1mars2022", "Référence:KH-2022-0042"):
        assert said in text, said


def test_a_khmer_pdf_without_a_khmer_font_is_refused_with_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(letter_pdf, "khmer_font", lambda: None)
    with pytest.raises(letter_pdf.FontMissing, match="apt-get install fonts-khmeros") as raised:
        letter_pdf.render(composed("km"))
    assert raised.value.details.get("field") == "lang" or "lang=en" in raised.value.message
    assert letter_pdf.render(composed("fr")).startswith(b"%PDF")  # French needs no font


def test_a_khmer_font_is_found_in_a_folder_of_fonts(tmp_path: Path) -> None:
    (tmp_path / "truetype" / "khmeros").mkdir(parents=True)
    font = tmp_path / "truetype" / "khmeros" / "KhmerOS.ttf"
    font.write_bytes(b"")
    assert letter_pdf.khmer_font.__wrapped__((tmp_path,)) == font
    assert letter_pdf.khmer_font.__wrapped__((tmp_path / "none",)) is None
    assert letter_words.LANGUAGES["km"] == "ខ្មែរ"
