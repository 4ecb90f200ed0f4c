"""Read a pack's sources: its articles (``articles.yaml``) and its published figures
(``published_figures.yaml``), each validated once and kept until a file of the pack changes."""

from __future__ import annotations

import functools
from pathlib import Path

from readmit.domain.published import PublishedFiguresFile
from readmit.domain.sources import Articles, ArticlesFile
from readmit.packs import DEFAULT_PACK, load_pack_file, pack_path, pack_version


def load_articles(pack: str | Path = DEFAULT_PACK) -> Articles:
    """Return the pack's source articles by id (cached by the pack's version)."""
    root = pack_path(pack).resolve()
    return _articles(root, pack_version(root))


def load_published_figures(pack: str | Path = DEFAULT_PACK) -> PublishedFiguresFile:
    """Return the pack's published figures and their sources (cached by the pack's version)."""
    root = pack_path(pack).resolve()
    return _published(root, pack_version(root))


@functools.lru_cache(maxsize=8)
def _articles(root: Path, _version: str) -> Articles:
    return Articles.of(load_pack_file(root, "articles.yaml", ArticlesFile).articles)


@functools.lru_cache(maxsize=8)
def _published(root: Path, _version: str) -> PublishedFiguresFile:
    return load_pack_file(root, "published_figures.yaml", PublishedFiguresFile)
