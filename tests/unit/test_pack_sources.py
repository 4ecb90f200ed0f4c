"""The pack's sources: every published figure names its source, every article id is known,
and a source's text becomes links only for http(s) addresses."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pydantic import ValidationError

from readmit.domain.published import PublishedFigure, PublishedFiguresFile
from readmit.domain.sources import ARTICLE_ID, Segment, plain
from readmit.packs import DEFAULT_PACK, pack_path
from readmit.packs.sources import load_articles, load_published_figures

SANCTIONED = {"GY", "GM", "KH", "ER", "GN", "SL", "MM", "LA", "GH", "PK", "BI"}


def test_every_published_figure_has_a_publisher_a_title_and_an_address() -> None:
    loaded = load_published_figures()
    assert len(loaded.figures) > 100
    for figure in loaded.figures:
        assert figure.publisher.strip() and figure.title.strip(), figure
        assert figure.url.startswith(("https://", "http://")), figure
        source = loaded.source_of(figure)
        assert source.secondary == figure.secondary
    assert {f.country for f in loaded.figures} >= SANCTIONED
    assert {f.measure for f in loaded.figures} == {"removals", "final_orders_pending"}


def test_a_fiscal_year_runs_from_the_first_of_october() -> None:
    figure = next(f for f in load_published_figures().figures if f.period == "FY2019")
    assert figure.bounds() == (date(2018, 10, 1), date(2019, 9, 30))
    stock = next(f for f in load_published_figures().figures if f.period == "2024-11-24")
    assert stock.bounds() == (date(2024, 11, 24), date(2024, 11, 24))


def _figure(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "country": "KH",
        "measure": "removals",
        "period": "FY2019",
        "value": 80,
        "publisher": "ICE",
        "title": "Table",
        "url": "https://www.ice.gov/x.pdf",
        "secondary": False,
    }
    return {**base, **changes}


@pytest.mark.parametrize(
    "changes",
    [
        {"url": "javascript:alert(1)"},
        {"publisher": ""},
        {"period": "2019"},
        {"value": -1},
        {"country": "XX"},
        {"measure": "removals_criminal"},
    ],
)
def test_a_figure_without_a_usable_source_or_period_is_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        PublishedFigure.model_validate(_figure(**changes))


def test_a_figure_whose_address_is_not_a_listed_source_is_refused() -> None:
    source = {"id": "ice", "publisher": "ICE", "title": "T", "url": "https://www.ice.gov/y.pdf"}
    with pytest.raises(ValidationError, match="not one of the sources"):
        PublishedFiguresFile.model_validate(
            {"sources": [{**source, "covers": "c"}], "figures": [_figure()]}
        )


def test_every_article_id_the_pack_names_is_in_its_articles() -> None:
    known = set(load_articles().by_id)
    root = pack_path(DEFAULT_PACK)
    named = {
        found
        for path in root.rglob("*.yaml")
        if path.name != "articles.yaml"
        for found in re.findall(ARTICLE_ID, path.read_text(encoding="utf-8"))
    }
    assert named and named <= known, named - known


def test_an_article_id_reads_as_its_publisher_title_and_date() -> None:
    articles = load_articles()
    segments = articles.cite('Phnom Penh Post, "Lift" (May 2022) [001_530ff04bafca74bc]')
    assert segments[0] == Segment(
        "Phnom Penh Post, \"Lift 'unjust' travel ban on officials, US urged\", May 2022",
        "http://mail.phnompenhpost.com/national-politics/lift-unjust-travel-ban-officials-us-urged",
    )
    assert "001_" not in plain(segments)
    note = articles.plain("Also reported in article 000_b0dc0e6639263ace.")
    assert note.startswith('Also reported in Phnom Penh Post, "Officials deplore')
    assert note.endswith("officials-deplore-us-embassys-visa-denial>.")


def test_only_http_addresses_become_links() -> None:
    articles = load_articles()
    assert articles.cite("Z <javascript:alert(1)>") == (Segment("Z <javascript:alert(1)>"),)
    assert articles.cite("Title <https://a.example/b>") == (
        Segment("Title", "https://a.example/b"),
    )
    found = articles.cite("(see https://a.example/c), then ftp://a.example/d")
    assert [s.url for s in found] == [None, "https://a.example/c", None]
    assert articles.cite("x data:text/html,<b>") == (Segment("x data:text/html,<b>"),)


def test_a_source_quoting_an_articles_headline_links_to_it() -> None:
    found = load_articles().cite("Phnom Penh Post, 'Officials deplore US embassy’s visa denial'")
    assert (
        found[0].url
        == "https://www.phnompenhpost.com/national/officials-deplore-us-embassys-visa-denial"
    )
