"""The letter in the applicant's language: its own words from gettext catalogues, read with Babel.

The catalogues are ``letter_locale/<lang>.po`` beside this module (plain PO files, read once: no
compiled ``.mo`` to keep in step); their message ids are the letter's English words
(``readmit.domain.screening_letter``). Dates and the names of countries in the facts are
written in the language from Babel's CLDR data.
The record's words (the pack's paragraphs, the legal citations) are not translated: the letter
says they are quoted as recorded.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.pofile import read_po

from readmit.domain.countries import country_name
from readmit.domain.errors import InvalidInput
from readmit.domain.screening_letter import ENGLISH, IN_ENGLISH, Wording

LOCALE_DIR = Path(__file__).parent / "letter_locale"
# The languages a letter is written in: English, and those of the demo's partners.
LANGUAGES = {"en": "English", "fr": "Français", "km": "ខ្មែរ"}


def language_of(wanted: str | None) -> str:
    """Return the letter's language code for ``wanted`` (empty: English), or say which exist."""
    code = (wanted or "").strip().lower() or ENGLISH
    if code not in LANGUAGES:
        choices = ", ".join(f"{c} ({name})" for c, name in LANGUAGES.items())
        raise InvalidInput(
            f"no letter in the language {wanted!r}: a letter is written in {choices}",
            field="lang",
        )
    return code


@cache
def catalogue(language: str) -> dict[str, str]:
    """Return English message -> translation for a language (empty for English)."""
    path = LOCALE_DIR / f"{language}.po"
    if language == ENGLISH or not path.exists():
        return {}
    with path.open("rb") as handle:
        read = read_po(handle, locale=language)
    return {
        m.id: m.string
        for m in read
        if isinstance(m.id, str) and isinstance(m.string, str) and m.id and m.string
    }


def wording(language: str) -> Wording:
    """Return the letter's wording in ``language`` (checked first with ``language_of``)."""
    code = language_of(language)
    if code == ENGLISH:
        return IN_ENGLISH
    words = catalogue(code)

    def translate(message: str) -> str:
        return words.get(message, message)

    def day(value: date) -> str:
        return format_date(value, format="long", locale=code)

    names = Locale.parse(code).territories

    def country(code_of: str) -> str:
        return str(names.get(code_of.upper()) or country_name(code_of))

    return Wording(code, translate, day, country)
