"""``readmit report``: the country brief as PDF (checked page by page as images) and as HTML."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from demo_support import demo_database
from typer.testing import CliRunner

from readmit.cli import app

pytestmark = pytest.mark.slow

BLUE = (0x00, 0x72, 0xB2)  # the Okabe-Ito blue of the charts' ledger series


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    db = demo_database(tmp_path_factory)
    return {"READMIT_DATABASE_URL": f"sqlite:///{db}"}


def _report(env: dict[str, str], output: Path, *extra: str) -> Path:
    result = CliRunner().invoke(app, ["report", "KH", "--output", str(output), *extra], env=env)
    assert result.exit_code == 0, result.output
    return output


@pytest.fixture(scope="module")
def pdf(demo_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> pdfium.PdfDocument:
    path = _report(demo_env, tmp_path_factory.mktemp("report") / "kh.pdf")
    return pdfium.PdfDocument(path)


def _text(page: pdfium.PdfPage) -> str:
    return str(page.get_textpage().get_text_range())


def _images(page: pdfium.PdfPage) -> int:
    return len(list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])))


def _has_colour(page: pdfium.PdfPage, colour: tuple[int, int, int]) -> bool:
    image = page.render(scale=2).to_pil().convert("RGB")
    colours = image.getcolors(maxcolors=1 << 22) or []
    return any(all(abs(c - w) < 12 for c, w in zip(rgb, colour, strict=True)) for _, rgb in colours)


def test_the_brief_has_its_pages_in_order(pdf: pdfium.PdfDocument) -> None:
    texts = [_text(pdf[i]) for i in range(len(pdf))]
    assert len(pdf) >= 5
    assert "Country brief: Cambodia (KH)" in texts[0]
    assert "Rating: uncooperative" in texts[0]
    assert "Cooperation over time" in texts[1]
    order = ["Cooperation over time", "Sanctions timeline", "Claims beside the ledger", "Sources"]
    pages = [next(i for i, t in enumerate(texts) if heading in t) for heading in order]
    assert pages == sorted(pages)


def test_every_page_says_the_data_is_synthetic(pdf: pdfium.PdfDocument) -> None:
    for i in range(len(pdf)):
        assert "SYNTHETIC DEMO DATA" in _text(pdf[i])


def test_the_four_charts_are_images_that_show_the_ledger_series(
    pdf: pdfium.PdfDocument,
) -> None:
    chart_pages = [i for i in range(len(pdf)) if _images(pdf[i])]
    assert sum(_images(pdf[i]) for i in chart_pages) == 4  # three of the record, one projection
    assert all(_has_colour(pdf[i], BLUE) for i in chart_pages)
    assert not _has_colour(pdf[0], BLUE)


def test_the_claims_page_puts_the_record_beside_the_ledger(pdf: pdfium.PdfDocument) -> None:
    text = " ".join(_text(pdf[i]) for i in range(len(pdf)))
    assert "US embassy in Phnom Penh" in text
    assert "only one" in text and "more than 1,800" in text
    assert "Phnom Penh Post" in text


def test_the_html_brief_is_self_contained_with_three_svg_charts(
    demo_env: dict[str, str], tmp_path: Path
) -> None:
    html = _report(demo_env, tmp_path / "kh.html").read_text(encoding="utf-8")
    assert html.count("<svg") >= 3
    assert "<script" not in html and "<link" not in html
    assert "Synthetic demo data" in html
    assert "Claims beside the ledger" in html


def test_an_unknown_format_is_refused_with_a_message(
    demo_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "kh.docx"
    result = CliRunner().invoke(app, ["report", "KH", "--output", str(out)], env=demo_env)
    assert result.exit_code == 2
    assert ".pdf or .html" in result.output
    assert not out.exists()


PACE = ["--from", "2020-10-01", "--to", "2022-05-31"]  # Cambodia's pace in docs/what-if.md


def _words(text: str) -> str:
    return " ".join(text.split())  # lines broken anywhere in the PDF, one space in the HTML


@pytest.fixture(scope="module")
def paced(demo_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The brief over October 2020 - May 2022, as PDF text (the projection's page) and HTML."""
    folder = tmp_path_factory.mktemp("paced")
    document = pdfium.PdfDocument(_report(demo_env, folder / "kh.pdf", *PACE))
    texts = [_words(_text(document[i])) for i in range(len(document))]
    (page,) = [t for t in texts if "What if the pace holds" in t]
    html = _report(demo_env, folder / "kh.html", *PACE).read_text(encoding="utf-8")
    section = html.split('<section id="projection">', 1)[1].split("</section>", 1)[0]
    return {"pdf": page, "html": _words(section.replace("&#39;", "'"))}


@pytest.mark.parametrize("form", ["pdf", "html"])
def test_the_brief_projects_cambodias_backlog_at_its_pace_as_a_projection_not_a_fact(
    paced: dict[str, str], form: str
) -> None:
    text = paced[form].replace("\u2013", "-")
    assert "A projection, not a fact" in text
    assert "not cleared within the horizon of 120 months (none of 1,000 runs clear it)" in text
    assert "1,903 final orders pending on 2022-05-31" in text
    # The rates it rests on, with their window.
    assert "2 removals in 20 months (2020-10-01 - 2022-05-31): 0.10 a month" in text
    assert "124 new final orders in 20 months" in text
    # What it was computed from, and how to compute it again.
    assert "Computed from the readmit ledger at position" in text and "seed 2022" in text
    assert "readmit whatif forecast KH --from 2020-10-01 --to 2022-05-31" in text
    assert "Synthetic demo data" in text


def test_the_projection_chart_is_there_and_titled_a_projection(paced: dict[str, str]) -> None:
    assert "<svg" in paced["html"]
    assert "Projected backlog at the window's pace: a projection, not a fact" in paced["html"]
    assert "Figure 4. Projected backlog with its 90% band" in paced["pdf"]


def test_a_country_with_nothing_to_project_says_so(
    demo_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "fr.html"
    result = CliRunner().invoke(app, ["report", "FR", "--output", str(out)], env=demo_env)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    section = html.split('<section id="projection">', 1)[1].split("</section>", 1)[0]
    assert "Nothing to project: the ledger holds no pending case of France" in section
    assert "<svg" not in section
