"""``readmit check … --letter --lang``: the letter in French or Khmer, printed or written."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from typer.testing import CliRunner, Result

from applicants import KH_DIRECTOR_GENERAL, check_command
from readmit.cli import app
from readmit.services.context import App
from readmit.services.screening import letter_pdf

KH_DG = check_command(KH_DIRECTOR_GENERAL)


def run(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


def said(result: Result) -> str:
    return " ".join(re.sub("[│╭╮╰╯─]", " ", result.output).split())


def test_the_letter_in_french_is_printed_with_its_words_and_date_in_french(env: App) -> None:
    text = run(*KH_DG, "--lang", "fr").stdout
    assert "Date: 1 mars 2022\nRéférence: KH-2022-0042" in text
    assert "Base juridique\n" in text and "Legal basis" not in text
    assert "INA 243(d), 8 U.S.C. 1253(d); 9 FAM 601.12" in text  # as recorded


@pytest.mark.skipif(letter_pdf.khmer_font() is None, reason="no Khmer font (fonts-khmeros)")
def test_the_letter_in_khmer_is_written_as_a_pdf_with_its_font(env: App, tmp_path: Path) -> None:
    output = tmp_path / "letter-km.pdf"
    run(*KH_DG, "--lang", "km", "--output", str(output))
    body = output.read_bytes()
    assert b"/FontFile2" in body
    text = "".join(pdfium.PdfDocument(body)[0].get_textpage().get_text_range().split())
    assert "មូលដ្ឋានច្បាប់" in "".join(c for c in text if "\u1780" <= c <= "\u17ff")


def test_an_unknown_language_is_refused_before_anything_is_decided(env: App) -> None:
    result = run(*KH_DG, "--lang", "de", code=2)
    assert "no letter in the language 'de'" in said(result) and "km (ខ្មែរ)" in said(result)
    assert "--lang" in said(result)
    alone = run(*KH_DG[:-1], "--lang", "fr", code=2)
    assert "add --letter" in said(alone)


def test_a_khmer_pdf_without_a_font_is_refused_with_what_to_install(
    env: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(letter_pdf, "khmer_font", lambda: None)
    output = tmp_path / "letter.pdf"
    result = run(*KH_DG, "--lang", "km", "--output", str(output), code=2)
    assert "apt-get install fonts-khmeros" in said(result) and not output.exists()
    assert "Traceback" not in result.output
