"""The public registry's changes as an Atom feed (RFC 4287): one entry per public step.

A sanction determined, notified, ordered, amended, found complied with, lifted or re-verified
is an entry, newest first, linking to the sanction's page and naming its public sources. Steps
the rules require but the public record does not show (``not_public``) are left out: the feed
says what was published, not what must have happened. Entry ids are stable URNs derived from
the sanction, the step and its day, so a reader that polls sees each change once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

from readmit.domain.countries import country_name
from readmit.services.context import App
from readmit.services.exports.files import LICENCE
from readmit.services.exports.registry import sanction_steps
from readmit.services.sanctions import registry as sanctions

ATOM = "http://www.w3.org/2005/Atom"
# Stable ids: uuid5 in a namespace of readmit's own (a fixed, random UUID).
_NAMESPACE = uuid.UUID("6f0f3b2e-8f7a-4a53-9d3e-6a1f4b1e2c77")
FEED_ID = f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'readmit public registry')}"

RIGHTS = (
    "Compiled from public government records (United States federal documents are in the public "
    "domain); this compilation: CC BY 4.0, https://creativecommons.org/licenses/by/4.0/ "
    "(attribute: readmit public registry)."
)

STEP_WORDS = {
    "determination": "determination",
    "notification": "notification",
    "order": "order to consular officers",
    "amendment": "amendment",
    "compliance_notification": "notification of compliance",
    "lift": "lift",
    "verification": "re-verified as in force",
}


@dataclass(frozen=True)
class FeedEntry:
    """One published step of a sanction."""

    entry_id: str
    title: str
    day: str  # ISO date of the step
    link: str
    summary: str
    sources: tuple[str, ...]


def entries(app: App, base_url: str) -> list[FeedEntry]:
    """Every public step of every sanction, newest first."""
    titles = {s.id: s.title for s in sanctions.list_sanctions(app)}
    rows = [r for r in sanction_steps(app).rows if not r["not_public"]]
    found = [_entry(row, titles, base_url) for row in rows]
    return sorted(found, key=lambda e: (e.day, e.entry_id), reverse=True)


def _entry(row: dict[str, Any], titles: dict[str, str], base_url: str) -> FeedEntry:
    sanction, step, day = row["sanction_id"], row["step"], row["on"]
    words = STEP_WORDS.get(step, str(step).replace("_", " "))
    # A verification's actor says where the check came from, not who acted: it is left out.
    acting = row.get("actor") if step != "verification" else None
    who = f" Acting: {acting}." if acting else ""
    text = str(row["summary"] or words.capitalize()).rstrip(".")
    summary = f"{text}.{who} Sanction: {titles.get(sanction, sanction)}."
    return FeedEntry(
        entry_id=f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{sanction}/{step}/{day}')}",
        title=f"{country_name(row['country'])}: {words} ({sanction}), {day}",
        day=day,
        link=f"{base_url.rstrip('/')}/sanctions/{sanction}",
        summary=summary.strip(),
        sources=tuple(s for s in str(row.get("sources") or "").split(";") if _is_url(s)),
    )


def atom(app: App, base_url: str, self_path: str = "/sanctions.atom") -> bytes:
    """The feed as UTF-8 XML."""
    found = entries(app, base_url)
    base = base_url.rstrip("/")
    feed = ET.Element("feed", xmlns=ATOM)
    _text(feed, "id", FEED_ID)
    _text(feed, "title", "readmit: changes to the public sanctions registry")
    _text(feed, "subtitle", "Visa sanctions for non-cooperation on removals, step by step")
    _text(feed, "updated", _stamp(found[0].day if found else "1970-01-01"))
    author = ET.SubElement(feed, "author")
    _text(author, "name", "readmit public registry")
    ET.SubElement(feed, "link", rel="self", type="application/atom+xml", href=base + self_path)
    ET.SubElement(feed, "link", rel="alternate", type="text/html", href=f"{base}/sanctions")
    ET.SubElement(feed, "link", rel="license", href=LICENCE["path"])
    _text(feed, "rights", RIGHTS)
    for entry in found:
        _add_entry(feed, entry)
    xml: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + xml


def _add_entry(feed: ET.Element, entry: FeedEntry) -> None:
    node = ET.SubElement(feed, "entry")
    _text(node, "id", entry.entry_id)
    _text(node, "title", entry.title)
    _text(node, "updated", _stamp(entry.day))
    _text(node, "published", _stamp(entry.day))
    ET.SubElement(node, "link", rel="alternate", type="text/html", href=entry.link)
    for source in entry.sources:
        ET.SubElement(node, "link", rel="related", href=source)
    sources = f" Sources: {'; '.join(entry.sources)}" if entry.sources else ""
    _text(node, "summary", entry.summary + sources)


def _text(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, tag).text = value


def _stamp(day: str) -> str:
    # A step has a day, not a time: midnight UTC of that day (RFC 3339 as Atom requires).
    return f"{day}T00:00:00Z"


def _is_url(text: str) -> bool:
    return text.startswith(("https://", "http://"))
