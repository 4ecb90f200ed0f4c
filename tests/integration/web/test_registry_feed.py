"""The registry's Atom feed: every published step, valid Atom (RFC 4287), on both edges."""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.etree import ElementTree as ET

from fastapi.testclient import TestClient

NS = {"a": "http://www.w3.org/2005/Atom"}
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$")


def assert_valid_atom(root: ET.Element) -> None:
    """The MUSTs of RFC 4287 sections 4.1.1 and 4.1.2 that a feed of ours could break."""
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    for parent, where in [(root, "feed"), *((e, "entry") for e in root.findall("a:entry", NS))]:
        for one in ("id", "title", "updated"):
            assert len(parent.findall(f"a:{one}", NS)) == 1, f"{where} needs exactly one {one}"
        assert IRI.match(parent.findtext("a:id", namespaces=NS) or ""), "an id is an IRI"
        assert RFC3339.match(parent.findtext("a:updated", namespaces=NS) or "")
        for link in parent.findall("a:link", NS):
            assert IRI.match(link.get("href", "")), link.attrib
    entries = root.findall("a:entry", NS)
    assert root.find("a:author", NS) is not None or all(
        e.find("a:author", NS) is not None for e in entries
    ), "a feed without an author needs one in every entry"
    for entry in entries:  # an entry without content needs an alternate link (4.1.2)
        assert entry.find("a:content", NS) is not None or any(
            link.get("rel") == "alternate" for link in entry.findall("a:link", NS)
        )
        assert entry.find("a:summary", NS) is not None
    ids = [e.findtext("a:id", namespaces=NS) for e in entries]
    assert len(ids) == len(set(ids)), "entry ids are unique"
    alternates = [
        (link.get("type"), link.get("hreflang"))
        for link in root.findall("a:link", NS)
        if link.get("rel", "alternate") == "alternate"
    ]
    assert len(alternates) == len(set(alternates)), "one alternate link per type and language"


def _feed(client: TestClient, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def _titles(root: ET.Element) -> list[str]:
    return [e.findtext("a:title", namespaces=NS) or "" for e in root.findall("a:entry", NS)]


def test_the_feed_is_valid_atom_with_every_published_step(
    client_as: Callable[[str | None], TestClient],
) -> None:
    root = _feed(client_as(None), "/sanctions.atom")
    assert_valid_atom(root)
    titles = _titles(root)
    assert "Cambodia: order to consular officers (KH-2017), 2017-09-13" in titles
    assert "Guyana: lift (GY-2001), 2001-12-14" in titles
    days = [t.rsplit(", ", 1)[1] for t in titles]
    assert days == sorted(days, reverse=True), "newest first"
    assert root.findtext("a:updated", namespaces=NS) == f"{days[0]}T00:00:00Z"


def test_a_step_the_public_record_does_not_show_is_not_an_entry(
    client_as: Callable[[str | None], TestClient],
) -> None:
    titles = _titles(_feed(client_as(None), "/sanctions.atom"))
    # Cambodia's determination is required by the rules but not public (not_public in the pack).
    assert not any(t.startswith("Cambodia: determination (KH-2017)") for t in titles)


def test_entries_keep_their_ids_and_link_to_the_sanction_and_its_sources(
    client_as: Callable[[str | None], TestClient],
) -> None:
    client = client_as(None)
    first, again = _feed(client, "/sanctions.atom"), _feed(client, "/sanctions.atom")
    ids = [e.findtext("a:id", namespaces=NS) for e in first.findall("a:entry", NS)]
    assert ids == [e.findtext("a:id", namespaces=NS) for e in again.findall("a:entry", NS)]
    order = next(
        e
        for e in first.findall("a:entry", NS)
        if "(KH-2017), 2017-09-13" in (e.findtext("a:title", namespaces=NS) or "")
    )
    links = {link.get("rel"): link.get("href") for link in order.findall("a:link", NS)}
    assert links["alternate"] == "http://testserver/sanctions/KH-2017"
    assert links["related"].startswith("https://")
    license_link = next(
        link for link in first.findall("a:link", NS) if link.get("rel") == "license"
    )
    assert license_link.get("href") == "https://creativecommons.org/licenses/by/4.0/"


def test_the_api_serves_the_same_feed_and_the_registry_page_links_it(
    client_as: Callable[[str | None], TestClient],
) -> None:
    client = client_as(None)
    api = _feed(client, "/api/v1/sanctions.atom")
    assert_valid_atom(api)
    assert _titles(api) == _titles(_feed(client, "/sanctions.atom"))
    page = client.get("/sanctions").text
    assert 'href="/sanctions.atom"' in page and "CC BY 4.0" in page
