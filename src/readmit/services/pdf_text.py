"""Text for the PDF core fonts (the brief's and the letter's): they speak Latin-1 only, so
typographic characters are mapped to their plain forms and anything else is replaced."""

from __future__ import annotations

_PLAIN = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u2265": ">=",
        "\u2264": "<=",
        "\u2192": "->",
        "\u00a0": " ",
        "\u202f": " ",
    }
)


def plain(text: object) -> str:
    """Return text the PDF core fonts can show."""
    return str(text).translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")
