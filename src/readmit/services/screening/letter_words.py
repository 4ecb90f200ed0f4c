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
from pathlib import Path

from babel import Locale
from babel.dates import format_date

from readmit.domain.countries import country_name
from readmit.domain.errors import InvalidInput
from readmit.domain.screening_letter import ENGLISH, IN_ENGLISH, Wording
from readmit.services import catalogues
from readmit.services.catalogues import LANGUAGES as LANGUAGES

LOCALE_DIR = Path(__file__).parent / "letter_locale"


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


def catalogue(language: str) -> dict[str, str]:
    """Return English message -> translation of the letter's words (empty for English)."""
    return catalogues.catalogue(LOCALE_DIR, language)


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
