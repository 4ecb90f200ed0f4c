"""Sources a reader can open, and published figures kept apart from the ledger's.

Every source with an address is a link (only http and https ones), no page shows the pack's
internal article ids, and a country page shows the published figures under their own heading,
each with its fiscal year, publisher, table and address, never in the ledger's tables.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pytest

from readmit.domain.sources import ARTICLE_ID
from readmit.packs import load_pack
from readmit.packs.sources import load_published_figures
from readmit.web.words import link, sources

if TYPE_CHECKING:
    from starlette.testclient import TestClient

Client = Callable[[str | None], "TestClient"]
PAGES = ("/methodology", "/sanctions/KH-2017", "/countries/KH")
RAW_ID = re.compile(ARTICLE_ID)


class Sections(HTMLParser):
    """Collect the links of a page, and the text of each element with an id (tables, sections)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.open: list[tuple[str, str | None]] = []
        self.text: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        if tag in {"br", "img", "input", "meta", "link"}:
            return
        # A section is named by its heading: aria-labelledby="rating" -> "section:rating".
        labelled = found.get("aria-labelledby")
        ident = f"section:{labelled}" if tag == "section" and labelled else found.get("id")
        self.open.append((tag, ident))
        if ident:
            self.text.setdefault(str(ident), [])

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            name, _ = self.open.pop()
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, ident in self.open:
            if ident:
                self.text[ident].append(data)

    def of(self, ident: str) -> str:
        return " ".join(self.text.get(ident, []))


def parsed(client: TestClient, path: str) -> Sections:
    response = client.get(path)
    assert response.status_code == 200, (path, response.text[:300])
    page = Sections()
    page.feed(response.text)
    return page


@pytest.mark.parametrize("path", PAGES)
def test_every_page_links_its_sources_and_shows_no_article_id(client_as: Client, path: str) -> None:
    client = client_as(None)
    html = client.get(path).text
    page = parsed(client, path)
    external = [href for href in page.links if href.startswith(("https://", "http://"))]
    assert any(href.startswith("https://") for href in external), path
    assert re.search(r'<a class="src" href="https://', html), path
    assert not RAW_ID.search(html), (path, RAW_ID.findall(html)[:3])
    assert not any(href.lower().startswith("javascript:") for href in page.links)


def test_the_country_page_names_the_articles_by_publisher_title_and_date(
    client_as: Client,
) -> None:
    html = client_as(None).get("/countries/KH").text
    assert "Lift &#39;unjust&#39; travel ban on officials, US urged" in html
    assert "May 2022" in html
    assert 'href="http://mail.phnompenhpost.com/national-politics/' in html


def test_the_sanction_page_links_each_step_and_measure_source(client_as: Client) -> None:
    history = next(h for h in load_pack().sanctions if h.id == "KH-2017")
    cited = {src for step in history.steps for src in step.sources}
    cited |= {src for step in history.steps for m in step.adds for src in m.sources}
    addresses = {src for src in cited if src.startswith(("https://", "http://"))}
    assert addresses
    page = parsed(client_as(None), "/sanctions/KH-2017")
    assert addresses <= set(page.links), addresses - set(page.links)


def test_the_country_page_shows_published_figures_under_their_own_heading(
    client_as: Client,
) -> None:
    page = parsed(client_as(None), "/countries/KH")
    assert page.of("published").strip() == "Published figures"
    assert "not counted from this ledger" in page.of("section:published")
    table = page.of("section:published")
    kh = [f for f in load_published_figures().figures if f.country == "KH"]
    for figure in kh:
        assert figure.url in page.links
        if figure.measure == "removals":
            assert figure.period in table
            assert f"{figure.value:,}" in table
    for figure in kh:
        assert figure.publisher in page.of("section:published")
        assert figure.title in page.of("section:published")


def test_no_ledger_table_of_the_country_page_holds_a_published_figure(client_as: Client) -> None:
    client = client_as(None)
    page = parsed(client, "/countries/KH")
    published = load_published_figures()
    labels = {f.period for f in published.figures} | {s.title for s in published.sources}
    labels |= {"Published figure", "published"}
    sections = ("rating", "sanctions", "over-time", "sides", "claims")
    ledger = " ".join(page.of(f"section:{name}") for name in sections)
    assert "Both sides' figures" in ledger and "Every claim about" in ledger
    for label in labels:
        if label.startswith("FY"):
            assert not re.search(rf"\b{label}\b", ledger), label
        else:
            assert label not in ledger, label
    twin = client.get("/countries/KH.json").json()
    assert twin["published_figures"]["heading"] == "Published figures"
    figures = [f for t in twin["published_figures"]["tables"] for f in t["figures"]]
    assert figures and all(f["kind"] == "published" for f in figures)
    assert all(f["source"]["url"].startswith("https://") for f in figures)
    ledger_json = str({k: v for k, v in twin.items() if k != "published_figures"})
    assert "published" not in ledger_json.lower()
    assert not any(s.url in ledger_json for s in published.sources)


def test_a_source_link_is_escaped_and_only_ever_http() -> None:
    assert str(link("x", "javascript:alert(1)")) == "x"
    assert str(link("<b>", "data:text/html,hi")) == "&lt;b&gt;"
    made = str(link('a "quote"', 'https://example.org/?q="><script>'))
    assert made.startswith('<a class="src" href="https://example.org/?q=&#34;&gt;&lt;script&gt;"')
    assert "<script>" not in made
    assert str(sources("see javascript:alert(1) <script>")) == (
        "see javascript:alert(1) &lt;script&gt;"
    )
    shown = str(sources("read it at https://example.org/a. And then"))
    assert shown == (
        'read it at <a class="src" href="https://example.org/a" rel="noopener">'
        "https://example.org/a</a>. And then"
    )
