"""Sources a reader can open: the pack's source articles, and a source's text cut into links.

A source is shown as text, and every address in it as a link. An article (a press article the
pack's claims rest on) is named in the pack by an id such as ``001_530ff04bafca74bc``; a reader
sees it as its publisher, title and date, linked to its address, never as the id.

``cite`` cuts a source's text into segments: plain text, and links. Only an ``http`` or
``https`` address ever becomes a link; anything else (``javascript:``, ``data:``, a relative
path) stays text. The edges escape every segment and render the links (``web.render``), or
write them as ``title <address>`` (the CLI, the brief, the export).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ARTICLE_ID = r"\d{3}_[0-9a-f]{16}"
_TITLED_ARTICLE = re.compile(rf"^(?P<title>.*?)\s*\[(?P<id>{ARTICLE_ID})\]\s*$", re.DOTALL)
_TITLED_URL = re.compile(r"^(?P<title>.+?)\s*<(?P<url>[^<>\s]+)>\s*$", re.DOTALL)
_TOKEN = re.compile(
    rf"(?:\barticle\s+)?\[?\b(?P<id>{ARTICLE_ID})\b\]?|(?P<url>\bhttps?://[^\s<>\"'\]]+)",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'\""
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def safe_url(url: str | None) -> str | None:
    """Return ``url`` if it may be a link (an absolute http or https address), else None."""
    if not url or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return url


@dataclass(frozen=True)
class Segment:
    """A piece of a source's text, and the address it links to (None: plain text)."""

    text: str
    url: str | None = None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Article(_Strict):
    """A source article: who published it, its title, its date and where to read it."""

    id: str = Field(pattern=rf"^{ARTICLE_ID}$")
    publisher: str
    title: str
    headline_kept: bool = True
    date: str
    url: str
    also_at: list[str] = []
    uncertain: list[str] = []
    note: str | None = None

    @field_validator("url")
    @classmethod
    def _address(cls, value: str) -> str:
        if safe_url(value) is None:
            raise ValueError(f"not an http(s) address: {value!r}")
        return value

    @field_validator("also_at")
    @classmethod
    def _addresses(cls, values: list[str]) -> list[str]:
        for value in values:
            cls._address(value)
        return values

    def citation(self) -> str:
        """Return the article as a reader names it: publisher, title, date."""
        if self.headline_kept:
            return f'{self.publisher}, "{self.title}", {self.date}'
        return f"{self.publisher} ({self.date}), article on {self.title} (headline not kept)"

    def segments(self) -> tuple[Segment, ...]:
        """Return the citation as a link, and what is uncertain about it as text."""
        link = Segment(self.citation(), self.url)
        if not self.uncertain:
            return (link,)
        return (link, Segment(f" [uncertain: {', '.join(self.uncertain)}]"))


class ArticlesFile(_Strict):
    """``articles.yaml``: every source article the pack names by id."""

    articles: list[Article] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> ArticlesFile:
        ids = [a.id for a in self.articles]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"article ids listed twice: {', '.join(twice)}")
        return self


@dataclass(frozen=True)
class Articles:
    """The articles of a pack, by id, and the reading of a source's text against them."""

    by_id: Mapping[str, Article]

    @classmethod
    def of(cls, articles: Iterable[Article]) -> Articles:
        return cls({a.id: a for a in articles})

    def cite(self, text: str | None) -> tuple[Segment, ...]:
        """Cut a source's text into plain text and links (see the module's docstring)."""
        if not text:
            return ()
        titled = _TITLED_ARTICLE.match(text)
        if titled and titled["id"] in self.by_id:
            return self.by_id[titled["id"]].segments()
        titled = _TITLED_URL.match(text)
        if titled and safe_url(titled["url"]):
            return (Segment(titled["title"], titled["url"]),)
        found = self._tokens(text)
        if any(s.url for s in found):
            return found
        return self._by_headline(text) or found

    def plain(self, text: str | None) -> str:
        """Return a source's text with each article named and each link as ``text <url>``."""
        return plain(self.cite(text))

    def _tokens(self, text: str) -> tuple[Segment, ...]:
        found: list[Segment] = []
        at = 0
        for match in _TOKEN.finditer(text):
            article = self.by_id.get(match["id"] or "")
            if match["id"] and article is None:
                continue
            start, end = match.span()
            url = match["url"]
            if url:
                url = _trim(url)
                end = start + len(url)
                if safe_url(url) is None:
                    continue
            if start > at:
                found.append(Segment(text[at:start]))
            found.extend(article.segments() if article else self._address(str(url)))
            at = end
        if at < len(text):
            found.append(Segment(text[at:]))
        return tuple(found)

    def _address(self, url: str) -> tuple[Segment, ...]:
        """An address is shown as itself, or as the article it is the address of."""
        for article in self.by_id.values():
            if url == article.url:
                return article.segments()
        return (Segment(url, url),)

    def _by_headline(self, text: str) -> tuple[Segment, ...]:
        """A source that quotes an article's headline links to that article."""
        folded = text.translate(_QUOTES).casefold()
        for article in self.by_id.values():
            if article.headline_kept and article.title.translate(_QUOTES).casefold() in folded:
                return (Segment(text, article.url),)
        return ()


def _trim(url: str) -> str:
    """Drop the punctuation that ends a sentence, not the address."""
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and "(" not in url)):
        url = url[:-1]
    return url


def plain(segments: Iterable[Segment]) -> str:
    """Return segments as text: a link as ``text <url>``, or the address alone."""
    parts = []
    for s in segments:
        if s.url is None or s.text == s.url:
            parts.append(s.text)
        else:
            parts.append(f"{s.text} <{s.url}>")
    return "".join(parts)
