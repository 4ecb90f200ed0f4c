"""Gettext catalogues read with Babel, shared by the partner portal and the letter.

A catalogue is a plain PO file, ``<folder>/<language>.po``, read once (no compiled ``.mo`` to
keep in step). readmit speaks English and the languages of the demo's partners.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

ENGLISH = "en"
LANGUAGES = {"en": "English", "fr": "Français", "km": "ខ្មែរ"}


@cache
def catalogue(folder: Path, language: str) -> dict[str, str]:
    """Return message id -> translation in ``folder`` (empty for English or a missing file)."""
    path = folder / f"{language}.po"
    if language == ENGLISH or not path.exists():
        return {}
    with path.open("rb") as handle:
        read = read_po(handle, locale=language)
    return {
        m.id: m.string
        for m in read
        if isinstance(m.id, str) and isinstance(m.string, str) and m.id and m.string
    }
