"""``readmit check … --letter``: the letter printed as text, or written as a PDF or a text file."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
from typer.testing import CliRunner, Result

from applicants import KH_DIRECTOR_GENERAL, check_command
from readmit.cli import app
from readmit.services.context import App

KH_DG = check_command(KH_DIRECTOR_GENERAL)


def said(result: Result) -> str:
    """The output as one line, without the error box's borders."""
    return " ".join(re.sub("[│╭╮╰╯─]", " ", result.output).split())


def run(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


def test_letter_without_an_output_prints_the_letter_as_paragraphs(env: App) -> None:
    text = run(*KH_DG).stdout
    assert "Embassy of the United States\nCambodia\n\nDate: 2022-03-01\n" in text
    assert "Reference: KH-2022-0042" in text
    assert "Section 243(d) of the Immigration and Nationality Act.\n" in text


def test_letter_with_a_pdf_output_writes_a_pdf_that_opens(env: App, tmp_path: Path) -> None:
    target = tmp_path / "letter.pdf"
    result = run(*KH_DG, "--output", str(target))
    assert result.stdout.startswith("discontinued")
    assert "Embassy of the United States" not in result.stdout  # written, not printed
    assert f"written to {target}" in " ".join(result.stderr.split())
    pdf = pdfium.PdfDocument(target.read_bytes())
    text = " ".join(" ".join(p.get_textpage().get_text_range() for p in pdf).split())
    decision_id = result.stdout.split("(decision ", 1)[1].split(",", 1)[0]
    for part in ("Embassy of the United States", "Reference: KH-2022-0042", decision_id):
        assert part in text, part
    assert "INA 243(d), 8 U.S.C. 1253(d); 9 FAM 601.12" in text


def test_letter_with_a_text_output_writes_the_text(env: App, tmp_path: Path) -> None:
    target = tmp_path / "letter.txt"
    run(*KH_DG, "--output", str(target))
    assert target.read_text().startswith("Embassy of the United States\nCambodia\n")


def test_an_output_the_letter_cannot_be_written_to_is_refused_before_deciding(
    env: App, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    docx = said(run(*KH_DG, "--output", str(folder / "letter.docx"), code=2))
    assert "neither .pdf nor .txt" in docx
    bare = said(run(*KH_DG[:-1], "--output", str(folder / "letter.pdf"), code=2))
    assert "--output writes the letter: add --letter" in bare
    nowhere = said(run(*KH_DG, "--output", str(folder / "no" / "letter.pdf"), code=2))
    assert "does not exist" in nowhere
    assert not list(folder.iterdir())


def test_no_letter_is_written_for_an_application_not_affected(env: App, tmp_path: Path) -> None:
    target = tmp_path / "letter.pdf"
    args = [a if a != "director_general" else "director" for a in KH_DG]
    result = run(*args, "--output", str(target))
    assert "no letter for a decision of not_affected" in " ".join(result.stderr.split())
    assert not target.exists()
