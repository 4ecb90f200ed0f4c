"""The partner portal in the partner's language: gettext catalogues read with Babel.

Templates mark their words with ``{{ _("…") }}``; the catalogues are ``locale/<lang>.po`` (plain
PO files, read at start-up: no compiled ``.mo`` to keep in step). Dates and numbers follow the
language through Babel's CLDR data. The language of a request is, in order: ``?lang=``, the
``readmit_lang`` cookie (set when a reader picks one), the language of a partner liaison's
country, English. English pages keep their own formats exactly.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from readmit.services import catalogues
from readmit.services.catalogues import ENGLISH as ENGLISH
from readmit.services.catalogues import LANGUAGES as LANGUAGES

LOCALE_DIR = Path(__file__).parent / "locale"
COOKIE = "readmit_lang"
# The language a partner liaison of a country reads first (they may choose another).
COUNTRY_LANGUAGE = {
    "KH": "km",
    **{code: "fr" for code in ("GN", "SN", "CI", "ML", "BF", "NE", "TG", "BJ", "CM", "CD")},
    **{code: "fr" for code in ("CG", "GA", "TD", "CF", "BI", "RW", "DJ", "HT", "MG", "KM")},
}

_current: ContextVar[str] = ContextVar("readmit_language", default=ENGLISH)


def catalogue(language: str) -> dict[str, str]:
    """Return msgid -> translation of the portal's words (empty for English)."""
    return catalogues.catalogue(LOCALE_DIR, language)


def choose(query: str | None, cookie: str | None, country: str | None) -> str:
    """Return the language of a request (see the module's docstring)."""
    for wanted in (query, cookie):
        if wanted in LANGUAGES:
            return str(wanted)
    return COUNTRY_LANGUAGE.get(country or "", ENGLISH)


def use(language: str) -> None:
    """Make ``language`` the one this request's pages are rendered in."""
    _current.set(language if language in LANGUAGES else ENGLISH)


def current() -> str:
    """The language of the page being rendered."""
    return _current.get()


def gettext(message: str) -> str:
    """Translate ``message`` into the current language (itself when there is no translation)."""
    return catalogue(current()).get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message with a count (the languages here have one plural form or two)."""
    return gettext(singular if n == 1 else plural)


def localised_day(value: date) -> str | None:
    """A date in the current language ('1 mars 2022'); None in English (its own format)."""
    language = current()
    return None if language == ENGLISH else format_date(value, format="long", locale=language)


def localised_number(value: Any) -> str | None:
    """A number in the current language's digits and separators; None in English."""
    language = current()
    return None if language == ENGLISH else format_decimal(value, locale=language)
